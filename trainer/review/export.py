"""The review's export (e): what the trainees screen shows (its filter) in the chosen format, under a file
name that matches the format; written owner-only by trainer.reports.files and recorded in the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from trainer.i18n import N_, _
from trainer.progress import accounts, audit
from trainer.scenario.vocabulary import label
from trainer.ui.translated import TranslatedModalScreen
from trainer.ui.widgets import coloured, word
from trainer.sanitize import line

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "xapi": ".json", "html": ".html"}


def describe(selection: dict) -> str:
    parts = []
    if selection.get("trainees") is not None:
        names = selection["trainees"]
        parts.append(", ".join(names) if names else _("no trainee matches the name filter"))
    if selection.get("scenario"):
        parts.append(_("scenario {id}").format(id=selection["scenario"]))
    if selection.get("category"):
        parts.append(_("category {name}").format(name=label(selection["category"])))
    if selection.get("mode"):
        parts.append(_("mode {mode}").format(mode=word(selection["mode"])))
    if selection.get("since"):
        parts.append(_("from {date}").format(date=selection["since"]))
    if selection.get("until"):
        parts.append(_("before {date}").format(date=selection["until"]))
    return "; ".join(parts)


def suggested_name(selection: dict, fmt: str) -> str:
    names = selection.get("trainees")
    slug = re.sub(r"[^a-z0-9]+", "-", names[0].casefold()).strip("-") if names and len(names) == 1 else ""
    return str(Path.cwd() / f"trainer-export{'-' + slug if slug else ''}{FORMATS[fmt]}")


class ExportScreen(TranslatedModalScreen):
    AUTO_FOCUS = "#export-format"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Cancel"), id="cancel-export")]
    FORMATS = FORMATS

    def __init__(self, selection: dict | None = None):
        super().__init__()
        self.selection = selection or {}

    def compose(self) -> ComposeResult:
        kept = describe(self.selection)
        with VerticalScroll(id="help-box"):
            yield Static(_("Export"), classes="screen-title")
            yield Static(Text(line(_("Only what the filter shows: {filter}").format(filter=kept) if kept
                               else _("Everything recorded (no filter)"))),
                         id="export-filter")
            yield Static(_("Format: csv, jsonl, xapi (attempts) or html (the report)"), classes="muted")
            yield Input(value="csv", id="export-format")
            yield Static(_("File"), classes="muted")
            yield Input(value=suggested_name(self.selection, "csv"), id="export-path")
            yield Static(id="export-message")

    def on_input_changed(self, event: Input.Changed) -> None:
        """A new format renames the suggested file to match (a name ending in another format's suffix)."""
        if event.input.id != "export-format":
            return
        fmt = event.value.strip().lower()
        box = self.query_one("#export-path", Input)
        path = Path(box.value.strip())
        if fmt in FORMATS and path.name and path.suffix in FORMATS.values() and path.suffix != FORMATS[fmt]:
            box.value = str(path.with_suffix(FORMATS[fmt]))

    def _say(self, message: str) -> None:
        self.query_one("#export-message", Static).update(coloured(line(message), "red"))

    def _filters(self) -> dict:
        store, picked = self.ctx.store, self.selection
        ids = None
        if picked.get("trainees") is not None:
            ids = [t.id for t in (store.find_trainee(n) for n in picked["trainees"]) if t is not None]
        return {"trainee_ids": ids, **{k: picked.get(k) for k in ("scenario", "category", "until", "mode")}}

    def _html(self) -> str | None:
        from trainer.reports.data import build_report
        from trainer.reports.html import report_html

        picked = self.selection
        names = picked.get("trainees")
        if (names is not None and len(names) != 1) or picked.get("until") or picked.get("category"):
            self._say(_("The HTML report can keep one trainee, a scenario and a since date: narrow the name to one "
                        "trainee and clear the until date and category, or choose csv, jsonl or xapi."))
            return None
        extra = {"mode": picked["mode"]} if picked.get("mode") else {}
        return report_html(build_report(self.ctx.store, names[0] if names else None, picked.get("scenario"),
                                        picked.get("since"), catalogue=self.ctx.library.summaries,
                                        scenarios=self.ctx.library.scenarios, **extra))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from trainer.reports.exports import export_csv, export_jsonl, export_xapi
        from trainer.reports.files import OutputRefused, write_private
        from trainer.sanitize import dumps

        fmt = self.query_one("#export-format", Input).value.strip().lower()
        if fmt not in FORMATS:
            self._say(_("Unknown format '{format}': csv, jsonl, xapi or html").format(format=fmt))
            return
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        if path.suffix.lower() != FORMATS[fmt]:
            self._say(_("A {format} export goes in a file ending in {suffix}, not '{name}'").format(
                format=fmt, suffix=FORMATS[fmt], name=path.name))
            return
        store, since, filters = self.ctx.store, self.selection.get("since"), self._filters()
        site = accounts.site(store)
        home = {"home_page": site.iri} if site else {}
        if fmt == "html":
            text = self._html()
            if text is None:
                return
        else:
            text = {"csv": lambda: export_csv(store, since, **filters),
                    "jsonl": lambda: "".join(r + "\n" for r in export_jsonl(store, since, **filters)),
                    "xapi": lambda: dumps(export_xapi(store, since, **home, **filters), indent=2) + "\n"}[fmt]()
        try:
            write_private(path, text)
        except (OutputRefused, OSError) as exc:
            self._say(str(exc) if isinstance(exc, OutputRefused)
                      else _("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc))
            return
        audit.log(store, self.ctx.supervisor, "export", fmt, output=str(path), filter=describe(self.selection) or None)
        self.app.pop_screen()
        self.app.notify(line(_("Exported {format} to {path}").format(format=fmt, path=path)), markup=False)
