"""My progress: the trainee's own attempts, per-skill averages, recent trend, and the notes supervisors
left on their attempts (nobody else's). The highlighted attempt shows its sign-off and notes; Enter
reopens a finished attempt's debrief."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from trainer.i18n import N_, _, day_text, ngettext
from trainer.progress import lookups
from trainer.progress.records import Attempt
from trainer.scenario.vocabulary import label
from trainer.sanitize import line
from trainer.ui.tables import FlowTable, one_line, wrapping
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import SHOWN_WORDS, when, word
from trainer.ui.footer import KeysFooter


# the words a column can show, so that it is as wide as the longest (in the language shown)
COLUMN_WORDS = {"mode": ("practice", "assessment"), "status": ("completed", "in-progress", "abandoned"),
                "result": (N_("✓ pass"), N_("✗ not yet")), "supervisor": (N_("✓ signed"),), "score": ("100%",),
                "language": ("es-US",)}

NARROW_LEFT_OUT = ("supervisor", "language")  # columns left out under 100 columns, so the rest fit whole


class ProgressScreen(TranslatedScreen):
    BINDINGS = [Binding("escape,p", "app.pop_screen", N_("Back"), id="back-from-progress"),
                Binding("enter", "debrief", N_("Debrief"), id="reopen-debrief"),
                Binding("k", "change_passphrase", N_("My passphrase"), id="change-passphrase"),
                Binding("l", "app.language", N_("Language"), id="choose-language")]

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "change_passphrase":  # the screen's own action, so that this check applies (an
            return self.app.account is not None  # "app." one asks the app): only a signed-in person has one
        return True

    def action_change_passphrase(self) -> None:
        self.app.action_change_passphrase()

    def compose(self) -> ComposeResult:
        trainee = self.app.trainee
        yield Static(Text(_("My progress") + f" · {line(trainee.name)}"), classes="screen-title")
        yield Static(id="progress-summary")
        yield Static(id="trend")
        yield Static(id="progress-notes")
        yield FlowTable(id="attempts", cursor_type="row", zebra_stripes=True)
        yield Static(id="attempt-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show_notes()
        store = self.ctx.store
        attempts = store.attempts_for(self.app.trainee)
        summary = Text()
        summary.append(ngettext("{count} attempt", "{count} attempts", len(attempts)).format(count=len(attempts)))
        scores: list[float] = []
        for mode in ("assessment", "practice"):  # never averaged together
            mine = [a for a in attempts if a.mode == mode]
            if not mine:
                continue
            completed = [a for a in mine if a.completed]
            passed = sum(1 for a in completed if a.passed)
            summary.append("\n" + (_("Assessment:") if mode == "assessment" else _("Practice:")) + " ", style="bold")
            # each count with its own plural ("1 empezado", "2 empezados"): one message for three numbers
            # could only agree with one of them
            summary.append(" · ".join((
                ngettext("{count} started", "{count} started", len(mine)).format(count=len(mine)),
                ngettext("{count} completed", "{count} completed", len(completed)).format(count=len(completed)),
                ngettext("{count} passed", "{count} passed", passed).format(count=passed))))
            if completed:
                summary.append(" · " + _("pass rate {percent}%").format(percent=f"{100 * passed / len(completed):.0f}"))
            averages = store.skill_averages(self.app.trainee, mode)
            if averages:
                summary.append("\n  " + _("average by skill:") + " ")
                summary.append("  ".join(f"{line(label(k))} {v:.0f}%" for k, v in averages.items()))
            # no completed path of this mode tested them yet
            untested = sorted(lookups.untested_skills(store, self.app.trainee.id, mode) - set(averages))
            if untested:
                summary.append("\n  " + _("not assessed yet on your paths: {skills}").format(
                    skills=", ".join(line(label(k)) for k in untested)), style="dim")
            if not scores:
                scores = [a.overall for a in reversed(completed) if a.overall is not None]
                trend_mode = mode
        if scores:
            summary.append("\n" + (_("Recent assessment scores (oldest → newest):") if trend_mode == "assessment"
                                   else _("Recent practice scores (oldest → newest):")), style="dim")
        self.query_one("#progress-summary", Static).update(summary)
        trend = self.query_one("#trend", Static)
        trend.update(score_trend(scores[-30:]))
        trend.display = bool(scores)
        self.attempts = {a.id: a for a in attempts}
        self._fill_attempts()
        if not attempts:
            self.query_one("#progress-summary", Static).update(_("No attempts yet: pick a scenario from the catalogue."))

    def _fill_attempts(self) -> None:
        """The attempts table, its columns for the window's width: under 100 columns the Supervisor and Lang
        columns are left out (the highlighted attempt's sign-off and notes are spelled out below it)."""
        table = self.query_one(DataTable)
        selected = table.cursor_row if table.row_count else 0
        self._narrow = self.app.size.width < 100
        table.clear(columns=True)
        store, attempts = self.ctx.store, list(self.attempts.values())
        for heading, key in ((N_("When"), "when"), (N_("Scenario"), "scenario"), (N_("Mode"), "mode"),
                             (N_("Status"), "status"), (N_("Score"), "score"), (N_("Result"), "result"),
                             (N_("Supervisor"), "supervisor"), (N_("Lang"), "language")):  # the language played
            if key in NARROW_LEFT_OUT and self._narrow:
                continue
            words = [_(heading)] + [word(w) if w in SHOWN_WORDS else _(w) for w in COLUMN_WORDS.get(key, ())]
            table.add_column(_(heading), key=key, width=max(len(w) for w in words) if key != "when" else
                             max(len(_(heading)), len(day_text("2026-12-25"))))
        table.flex("scenario", 16, 80)  # the title takes the rest, and wraps when it needs more
        noted = lookups.note_counts(store, self.app.trainee.id)
        for a in attempts:
            result = "" if a.passed is None else (_("✓ pass") if a.passed else _("✗ not yet"))
            score = "" if a.overall is None else f"{a.overall:.0f}%"
            cells = {"when": one_line(day_text(a.started_at)),  # the time is in the detail below
                     "scenario": wrapping(Text(line(a.scenario_title or a.scenario_id))),
                     "mode": one_line(word(a.mode)), "status": one_line(word(a.status)), "score": Text(score),
                     "result": one_line(result),
                     "supervisor": one_line(supervisor_mark(a.signed_off_by, noted.get(a.id, 0))),
                     "language": one_line(line(a.language))}
            table.add_row(*(cells[k.value] for k in table.columns), key=a.id, height=None)
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))

    def on_resize(self, event) -> None:
        if getattr(self, "_narrow", None) is not None and (self.app.size.width < 100) != self._narrow:
            self._fill_attempts()  # across 100 columns: the Supervisor and Lang columns come or go

    def _show_notes(self) -> None:
        from trainer.progress.audit import notes_for_trainee

        notes = notes_for_trainee(self.ctx.store, self.app.trainee.id)
        box = self.query_one("#progress-notes", Static)
        box.display = bool(notes)
        text = Text(_("Notes from your supervisor") + "\n", style="bold")
        for note in notes[:5]:
            text.append(f"{when(note.at)} · {line(note.scenario)} · {line(note.author)}: ", style="dim")
            text.append(line(" ".join(note.text.split())) + "\n")
        box.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        attempt = self.attempts.get(event.row_key.value)
        if attempt is not None:
            self.query_one("#attempt-detail", Static).update(attempt_feedback(self.ctx.store, attempt))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_debrief()

    def action_debrief(self) -> None:
        """Reopen the highlighted attempt's debrief, rebuilt by replaying its recorded choices."""
        from trainer.play.recording import RecordedAttempt
        from trainer.progress.store import StoreError
        from trainer.tui.screens.debrief import DebriefScreen

        table = self.query_one(DataTable)
        if not table.row_count:
            return
        attempt = self.attempts[table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value]
        if not attempt.completed:
            self.notify(_("Only a finished attempt has a debrief; open the scenario from the catalogue to resume."),
                        timeout=4)
            return
        scenario = self.app.library.played(attempt)  # the translation, when that is what was played
        try:
            if scenario is None:
                raise StoreError(_("the scenario is no longer in the library"))
            replayed = RecordedAttempt.resume(self.ctx.store, attempt.id, scenario)
        except Exception as exc:  # noqa: BLE001 - a record that cannot be replayed is said, not raised
            self.notify(line(_("This debrief cannot be rebuilt: {reason}").format(reason=exc)), severity="warning", markup=False, timeout=6)
            return
        self.app.push_screen(DebriefScreen(replayed, reopened=True))


def score_trend(scores: list[float]) -> Text:
    """Recent overall scores as bars on the 0-100% scale (a lone score is as tall as it is, not a full
    bar as Textual's Sparkline, which scales to the data, drew it), then the latest as a number."""
    from trainer.reports.formats import sparkline

    text = Text()
    if scores:
        text.append(" ".join(sparkline(scores)), style="cyan")
        text.append("  " + _("latest {percent}%").format(percent=f"{scores[-1]:.0f}"))
    return text


def supervisor_mark(signed_off_by: str | None, notes: int) -> Text:
    text = Text()
    if signed_off_by:
        text.append(_("✓ signed"), style="green")
    if notes:
        text.append((" · " if signed_off_by else "") + ngettext("{count} note", "{count} notes", notes).format(count=notes),
                    style="cyan")
    return text


def attempt_feedback(store, attempt: Attempt) -> Text:
    """What a supervisor said about one attempt: the sign-off and every note, for its trainee."""
    text = Text(f"{line(attempt.scenario_title or attempt.scenario_id)} · {when(attempt.started_at)}",
                style="bold")
    if attempt.signed_off_by:
        text.append("\n" + _("Signed off by {name} · {when}").format(name=line(attempt.signed_off_by),
                                                                  when=when(attempt.signed_off_at)), style="green")
    notes = store.notes(attempt.id)
    for note in notes:
        text.append(f"\n{when(note.created_at)} · {line(note.author)}: ", style="dim")
        text.append(line(" ".join(note.text.split())))
    if not attempt.signed_off_by and not notes:
        text.append("\n" + _("No note or sign-off from a supervisor on this attempt."), style="dim")
    if attempt.completed:
        text.append("\n" + _("Enter: reopen its debrief"), style="dim")
    return text
