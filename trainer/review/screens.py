"""Review screens: trainees, one trainee's attempts, a transcript, scenarios, techniques, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from trainer.i18n import N_, _, ngettext
from trainer.progress import accounts, audit, lookups
from trainer.scenario.model import CATEGORIES
from trainer.reports.formats import sparkline
from trainer.reports.data import scenario_rows, technique_usage, trainee_rows
from trainer.review.dialogs import ConfirmScreen, PromptScreen
from trainer.review.transcript import transcript_text
from trainer.review.export import ExportScreen
from trainer.review.views import ItemsScreen, TechniquesScreen
from trainer.sanitize import line
from trainer.i18n import day_text, short_day_text
from trainer.ui.tables import FlowTable, one_line, wrapping

# the words an attempts column can show, so it is as wide as the longest in the language shown
def _attempt_column_words(key: str) -> list[str]:
    return {"when": [day_text("2026-12-25")], "mode": [word("practice"), word("assessment")],
            "status": [word(w) for w in ("completed", "in-progress", "abandoned")], "score": ["100%"],
            "result": [_("✓ pass"), _("✗ fail")], "signed off": ["M" * 12], "language": ["es-US"]}.get(key, [])
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import coloured, when, word
from trainer.scenario.vocabulary import label
from trainer.ui.footer import KeysFooter

SKILLS = ("empathy", "de-escalation", "privacy", "resolution")


def _pct(value) -> Text:
    return Text("—" if value is None else f"{value:.0f}%", justify="right")


def _skill_cell(skill: dict | None) -> Text:
    """A trainee's average for one skill; "n/a" when no path they played tested it (no choice could move it)."""
    if skill is not None and not skill.get("assessed", True):
        # Translators: at most 4 characters: a skill not assessed on any path the trainee played
        return Text(_("n/a"), justify="right", style="dim")
    return _pct(skill and skill.get("average"))


class BadDate(ValueError):
    """A since/until filter box holds something that is not a date."""


class TraineesScreen(TranslatedScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Attempts"), id="open-trainee"),
        Binding("o", "sort", N_("Sort"), id="sort", show=False),  # these three: in ? help (the footer is full)
        Binding("g", "cycle_scenario", N_("Scenario"), id="cycle-scenario", show=False),
        Binding("c", "cycle_category", N_("Category"), id="cycle-category", show=False),
        Binding("m", "cycle_mode", N_("Mode"), id="cycle-mode", show=False),  # said on the status line
        Binding("v", "scenarios", N_("Scenarios"), id="scenarios-view"),
        Binding("t", "techniques", N_("Techniques"), id="techniques-view"),
        Binding("e", "export", N_("Export"), id="export"),
        Binding("a", "assignments", N_("Grid"), id="assignments-view"),
        Binding("slash", "filter", N_("Filter"), id="filter", key_display="/"),
    ]
    SORTS = ("name", "attempts", "pass_rate", "average", "last")
    SORT_NAMES = {"name": N_("name"), "attempts": N_("attempts"), "pass_rate": N_("pass rate"),
                  "average": N_("average"), "last": N_("last activity")}

    def __init__(self) -> None:
        super().__init__()
        self.scenario: str | None = None
        self.category: str | None = None
        self.mode = "assessment"  # figures are for one mode at a time: never averaged together
        self.sort_index = 0

    def compose(self) -> ComposeResult:
        yield Static(_("Trainees"), classes="screen-title")
        with Horizontal(id="review-filters"):
            yield Input(placeholder=_("name"), id="f-name")
            yield Input(placeholder=_("since YYYY-MM-DD"), id="f-since")
            yield Input(placeholder=_("until YYYY-MM-DD"), id="f-until")
        yield DataTable(id="trainees", cursor_type="row", zebra_stripes=True)
        yield Static(id="trainees-status", classes="muted")
        yield Footer(compact=True)  # every key fits 80 columns, Quit and Help included

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Trainee"), key="name", width=14)
        # Translators: column headings 4 characters wide (attempts, pass rate, average, then the four skills)
        table.add_column(_("Att."), key="attempts", width=4)
        table.add_column(_("Pass"), key="pass_rate", width=4)
        table.add_column(_("Avg"), key="average", width=4)
        for skill, heading in zip(SKILLS, (_("Emp."), _("Esc."), _("Priv"), _("Res."))):
            table.add_column(heading, key=skill, width=4)
        table.add_column(_("Recent"), key="recent", width=8)
        table.add_column(_("Last"), key="last", width=6)
        self.reload()
        table.focus()

    def _date(self, selector: str) -> str | None:
        """The date typed in a filter box, None when empty; BadDate (marking the box) when not a date."""
        box = self.query_one(selector, Input)
        value = box.value.strip()
        try:
            parsed = date.fromisoformat(value).isoformat() if value else None
        except ValueError:
            box.add_class("-invalid")
            raise BadDate(_("{box}: '{value}' is not a date like 2026-11-01").format(
                box=box.placeholder.split()[0], value=value)) from None
        box.remove_class("-invalid")
        return parsed

    def selection(self) -> dict:
        """The active filter as export arguments (BadDate when a date box holds no date)."""
        name = self.query_one("#f-name", Input).value.strip()
        picked = {"scenario": self.scenario, "category": self.category, "since": self._date("#f-since"),
                  "until": self._date("#f-until")}
        if getattr(self, "mode", None):
            picked["mode"] = self.mode
        if name:
            picked["trainees"] = [r["name"] for r in trainee_rows(self.ctx.store, name_contains=name)]
        return picked

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        try:
            since, until = self._date("#f-since"), self._date("#f-until")
        except BadDate as exc:
            self.query_one("#trainees-status", Static).update(coloured(line(str(exc)), "bold red"))
            return
        rows = trainee_rows(self.ctx.store, scenario=self.scenario, since=since,
                            until=until, category=self.category,
                            name_contains=self.query_one("#f-name", Input).value.strip() or None, mode=self.mode)
        key = self.SORTS[self.sort_index]
        reverse = key != "name"
        rows.sort(key=lambda r: ((r["last_activity"] or "") if key == "last" else
                                 (r[key] if r[key] is not None else -1) if key != "name" else r["name"].lower()),
                  reverse=reverse)
        for r in rows:
            table.add_row(Text(line(r["name"])), Text(str(r["attempts"]), justify="right"), _pct(r["pass_rate"]),
                          _pct(r["average"]), *[_skill_cell(r["skills"].get(s)) for s in SKILLS],
                          Text(sparkline(r["recent"][-8:]), style="cyan"), Text(short_day_text(r["last_activity"])),
                          key=str(r["id"]))
        parts = [_("assessment only (m: practice)") if self.mode == "assessment" else _("practice only (m: assessment)"),
                 ngettext("{count} trainee", "{count} trainees", len(rows)).format(count=len(rows)),
                 _("sorted by {key}").format(key=_(self.SORT_NAMES[key]))]
        if self.scenario:
            parts.append(_("scenario {id}").format(id=line(self.scenario)))
        if self.category:
            parts.append(_("category {name}").format(name=label(self.category)))
        self.query_one("#trainees-status", Static).update(Text(" · ".join(parts)))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(AttemptsScreen(int(event.row_key.value)))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value in self.SORTS:
            self.sort_index = self.SORTS.index(event.column_key.value)
            self.reload()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.app.push_screen(AttemptsScreen(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)))

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(self.SORTS)
        self.reload()

    def action_filter(self) -> None:
        self.query_one("#f-name", Input).focus()

    def action_cycle_scenario(self) -> None:
        ids = [None, *lookups.recorded_scenario_ids(self.ctx.store)]
        self.scenario = ids[(ids.index(self.scenario) + 1) % len(ids)] if self.scenario in ids else None
        self.reload()

    def action_cycle_category(self) -> None:
        present = lookups.recorded_categories(self.ctx.store)
        order = [None, *[c for c in CATEGORIES if c in present]]
        self.category = order[(order.index(self.category) + 1) % len(order)] if self.category in order else None
        self.reload()

    def action_cycle_mode(self) -> None:
        self.mode = "practice" if self.mode == "assessment" else "assessment"
        self.reload()

    def action_scenarios(self) -> None:
        self.app.push_screen(ScenariosScreen(self.mode))

    def action_techniques(self) -> None:
        self.app.push_screen(TechniquesScreen(self.mode))

    def action_assignments(self) -> None:
        from trainer.review.programme import CompletionScreen

        self.app.push_screen(CompletionScreen())

    def action_export(self) -> None:
        try:
            picked = self.selection()
        except BadDate as exc:
            self.notify(line(str(exc)), severity="error", markup=False)
            return
        self.app.push_screen(ExportScreen(picked))


class AttemptsScreen(TranslatedScreen):
    BINDINGS = [Binding("enter", "open", N_("Transcript"), id="open-attempt"),
                Binding("escape", "app.pop_screen", N_("Back"), id="back-attempts")]

    def __init__(self, trainee_id: int):
        super().__init__()
        self.trainee_id = trainee_id

    def compose(self) -> ComposeResult:
        name = self.ctx.store.trainee_name(self.trainee_id)
        yield Static(Text(_("Attempts") + f" · {line(name)}"), classes="screen-title")
        from trainer.progress.store import Trainee
        from trainer.review.suggested import SuggestedPanel

        yield SuggestedPanel(Trainee(self.trainee_id, name), id="suggested")
        yield FlowTable(id="attempts", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(DataTable).focus()

    def _columns(self) -> None:
        """The columns for the window's width: under 100 columns the sign-off and language are left to the
        transcript; the title takes the rest and wraps when it needs more."""
        table = self.query_one(DataTable)
        selected = table.cursor_row if table.row_count else 0
        self._narrow = narrow = self.app.size.width < 100
        table.clear(columns=True)
        for heading, key in ((N_("When"), "when"), (N_("Scenario"), "scenario"), (N_("Mode"), "mode"),
                             (N_("Status"), "status"), (N_("Score"), "score"), (N_("Result"), "result"),
                             (N_("Signed off"), "signed off"), (N_("Lang"), "language")):
            if narrow and key in ("signed off", "language"):
                continue
            words = [_(heading), *_attempt_column_words(key)]
            table.add_column(_(heading), key=key, width=max(map(len, words)))
        table.flex("scenario", 16, 80)
        self.reload()
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))

    def on_resize(self, event) -> None:
        if getattr(self, "_narrow", None) is not None and (self.app.size.width < 100) != self._narrow:
            self._columns()  # across 100 columns: Signed off and Lang come or go

    def on_screen_resume(self) -> None:
        self.reload()
        self.query_one("#suggested").reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for a in self.ctx.store.attempts_for(self.trainee_id, limit=500):
            result = Text("") if a.passed is None else Text(_("✓ pass"), "green") if a.passed else Text(_("✗ fail"), "red")
            cells = {"when": one_line(day_text(a.started_at)),
                     "scenario": wrapping(Text(line(a.scenario_title or a.scenario_id))),
                     "mode": one_line(word(a.mode)), "status": one_line(word(a.status)), "score": _pct(a.overall),
                     "result": result, "signed off": one_line(line(a.signed_off_by)),
                     "language": one_line(line(a.language))}
            table.add_row(*(cells[k.value] for k in table.columns), key=a.id, height=None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(TranscriptScreen(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.app.push_screen(TranscriptScreen(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))


class TranscriptScreen(TranslatedScreen):
    BINDINGS = [Binding("n", "note", N_("Add note"), id="add-note"),
                Binding("s", "sign_off", N_("Sign off / withdraw"), id="sign-off"),
                Binding("escape", "app.pop_screen", N_("Back"), id="back-transcript")]

    def __init__(self, attempt_id: str):
        super().__init__()
        self.attempt_id = attempt_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="replay"):
            yield Static(id="replay-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one("#replay-body", Static).update(transcript_text(self.ctx.store, self.ctx.library, self.attempt_id))

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text:
                audit.add_note(self.ctx.store, self.attempt_id, self.ctx.supervisor, text)
                self.reload()
        self.app.push_screen(PromptScreen(_("Note for this attempt")), save)

    def action_sign_off(self) -> None:
        """Sign off, or withdraw a sign-off, under the signed-in supervisor's name after a confirmation."""
        from trainer.progress.store import StoreError

        store, who = self.ctx.store, self.ctx.supervisor
        signed = store.attempt(self.attempt_id).signed_off_by
        if not signed:
            reason = audit.can_sign_off(store, self.attempt_id)
            if reason:
                self.notify(line(reason.capitalize() + "."), severity="error", markup=False)
                return
        question = (_("Withdraw the sign-off by {name}? (recorded as withdrawn by {who})").format(name=signed, who=who)
                    if signed else self._sign_off_question(who))

        def decide(yes: bool | None) -> None:
            if not yes:
                return
            try:
                (audit.withdraw_sign_off if signed else audit.sign_off)(store, self.attempt_id, who)
            except StoreError as exc:
                self.notify(line(str(exc)), severity="error", markup=False)
                return
            self.notify(_("Sign-off withdrawn.") if signed else _("Attempt signed off."))
            self.reload()
        self.app.push_screen(ConfirmScreen(question, enter_says_yes=bool(signed) or self._passed()), decide)

    def _passed(self) -> bool:
        return bool(self.ctx.store.attempt(self.attempt_id).passed)

    def _sign_off_question(self, who: str) -> str:
        """What a sign-off means, and for an attempt that did not pass, that it did not and why: a sign-off
        is the supervisor's word on the trainee's record (and an xAPI 'approved'), not a pass."""
        store = self.ctx.store
        attempt = store.attempt(self.attempt_id)
        trainee = store.trainee_name(attempt.trainee_id)
        meaning = _("Signing off says that you, {who}, have reviewed this attempt with {trainee}. It goes on "
                    "{trainee}'s training record; it does not change the score or the result.").format(
            who=who, trainee=trainee)
        if attempt.passed:
            return meaning + " " + _("Sign off this attempt as {who}?").format(who=who)
        critical = lookups.first_critical_error(store, self.attempt_id)
        head = (_("This attempt failed with a critical error: {error}").format(error=critical) if critical
                else _("This attempt did not pass ({percent}%).").format(percent=f"{attempt.overall or 0:.0f}"))
        return head + "\n" + meaning + " " + _("Sign it off anyway? (y: yes · n / Esc: no)")


class ScenariosScreen(TranslatedScreen):
    BINDINGS = [Binding("enter", "open", N_("Item analysis"), id="open-items"),
                Binding("escape", "app.pop_screen", N_("Back"), id="back-scenarios")]

    def __init__(self, mode: str = "assessment"):
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        yield Static(_("Scenarios ({mode}): pass rates and the choices that trip people up").format(mode=word(self.mode)),
                     classes="screen-title")
        yield FlowTable(id="scenario-table", cursor_type="row", zebra_stripes=True)
        yield VerticalScroll(Static(id="trouble"), id="trouble-box")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.rows = {r["id"]: r for r in scenario_rows(self.ctx.store, mode=self.mode)}
        table = self.query_one(DataTable)
        for heading, key in ((N_("Scenario"), "scenario"), (N_("Attempts"), "attempts"), (N_("Pass rate"), "pass rate"),
                             (N_("Average"), "average")):
            table.add_column(_(heading), key=key, width=max(len(_(heading)), 5))
        table.flex("scenario", 20, 80)  # the title takes the rest, and wraps when it needs more
        for r in sorted(self.rows.values(), key=lambda r: (r["pass_rate"] is None, r["pass_rate"] or 0)):
            table.add_row(wrapping(Text(line(r["title"] or r["id"]))), Text(str(r["attempts"]), justify="right"),
                          _pct(r["pass_rate"]), _pct(r["average"]), key=r["id"], height=None)
        table.focus()
        if not self.rows:
            self.query_one("#trouble", Static).update(_("No attempts recorded yet."))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ItemsScreen(event.row_key.value, getattr(self, "mode", None)))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(ItemsScreen(key, getattr(self, "mode", None)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(event.row_key.value)
        if row is None:
            return
        text = Text(_("Most-picked choices that lose points") + "\n", style="bold")
        if not row["trouble"]:
            text.append(_("none so far"), style="dim")
        for item in row["trouble"]:
            # "{share:>4.0%}" (share as a fraction), not "{share:>3.0f}%": Babel read "% o" as a printf
            # conversion and reported a false format error when compiling the translations
            text.append(_("{picks:>4}x  {share:>4.0%} of picks at {node}  avg {points:+.1f}").format(
                picks=item["picks"], share=item["share"] / 100, node=line(item["node"]),
                points=item["average_points"]) + "  ")
            if item["critical"]:
                text.append(_("CRITICAL") + "  ", style="bold red")
            text.append(line(" ".join((item["text"] or item["choice_id"]).split())) + "\n")
        self.query_one("#trouble", Static).update(text)
