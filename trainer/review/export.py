"""The review's export (e): what the trainees screen shows (its filter) in the chosen format, under a file
name that matches the format; written owner-only by trainer.reports.files and recorded in the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from trainer.progress import accounts, audit
from trainer.sanitize import line

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "xapi": ".json", "html": ".html"}


def describe(selection: dict) -> str:
    parts = []
    if selection.get("trainees") is not None:
        names = selection["trainees"]
        parts.append(", ".join(names) if names else "no trainee matches the name filter")
    for key in ("scenario", "category", "mode"):
        if selection.get(key):
            parts.append(f"{key} {selection[key]}")
    if selection.get("since"):
        parts.append(f"from {selection['since']}")
    if selection.get("until"):
        parts.append(f"before {selection['until']}")
    return "; ".join(parts)


def suggested_name(selection: dict, fmt: str) -> str:
    names = selection.get("trainees")
    slug = re.sub(r"[^a-z0-9]+", "-", names[0].casefold()).strip("-") if names and len(names) == 1 else ""
    return str(Path.cwd() / f"trainer-export{'-' + slug if slug else ''}{FORMATS[fmt]}")


class ExportScreen(ModalScreen):
    AUTO_FOCUS = "#export-format"
    BINDINGS = [Binding("escape", "app.pop_screen", "Cancel", id="cancel-export")]
    FORMATS = FORMATS

    def __init__(self, selection: dict | None = None):
        super().__init__()
        self.selection = selection or {}

    def compose(self) -> ComposeResult:
        kept = describe(self.selection)
        with VerticalScroll(id="help-box"):
            yield Static("Export", classes="screen-title")
            yield Static(Text(line(f"Only what the filter shows: {kept}" if kept else "Everything recorded (no filter)")),
                         id="export-filter")
            yield Static("Format: csv, jsonl, xapi (attempts) or html (the report)", classes="muted")
            yield Input(value="csv", id="export-format")
            yield Static("File", classes="muted")
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
        self.query_one("#export-message", Static).update(Text(line(message), style="red"))

    def _filters(self) -> dict:
        store, picked = self.app.store, self.selection
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
            self._say("The HTML report can keep one trainee, a scenario and a since date: narrow the name to one "
                      "trainee and clear the until date and category, or choose csv, jsonl or xapi.")
            return None
        extra = {"mode": picked["mode"]} if picked.get("mode") else {}
        return report_html(build_report(self.app.store, names[0] if names else None, picked.get("scenario"),
                                        picked.get("since"), catalogue=self.app.library.summaries,
                                        scenarios=self.app.library.scenarios, **extra))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from trainer.reports.exports import export_csv, export_jsonl, export_xapi
        from trainer.reports.files import OutputRefused, write_private
        from trainer.sanitize import dumps

        fmt = self.query_one("#export-format", Input).value.strip().lower()
        if fmt not in FORMATS:
            self._say(f"Unknown format '{fmt}': csv, jsonl, xapi or html")
            return
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        if path.suffix.lower() != FORMATS[fmt]:
            self._say(f"A {fmt} export goes in a file ending in {FORMATS[fmt]}, not '{path.name}'")
            return
        store, since, filters = self.app.store, self.selection.get("since"), self._filters()
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
            self._say(str(exc) if isinstance(exc, OutputRefused) else f"Cannot write {path}: {exc.strerror or exc}")
            return
        audit.log(store, self.app.supervisor, "export", fmt, output=str(path), filter=describe(self.selection) or None)
        self.app.pop_screen()
        self.app.notify(line(f"Exported {fmt} to {path}"), markup=False)
