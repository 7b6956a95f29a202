"""The brief: role, situation, objectives and time; pick the mode, then Enter starts."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from trainer.i18n import N_, _, ngettext
from trainer.progress.records import Attempt
from trainer.scenario.model import Scenario
from trainer.scenario.vocabulary import label
from trainer.sanitize import line, printable
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import when, word
from trainer.ui.footer import KeysFooter

MODES = ("practice", "assessment")
MODE_HELP = {
    "practice": N_("coaching after every choice, undo allowed"),
    "assessment": N_("no feedback or undo until the debrief"),
}


def recently(stamp: str | None, minutes: float = 10) -> bool:
    """Whether a stored time is within the last few minutes (an attempt another window may hold)."""
    if not stamp:
        return False
    try:
        seen = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return (datetime.now(timezone.utc) - seen).total_seconds() < minutes * 60


def progress_of(attempt: Attempt) -> str:
    """How far an unfinished attempt got, for the questions and notices that name it."""
    made = attempt.choices
    return ngettext("{count} choice made", "{count} choices made", made).format(count=made)


def naming(attempt: Attempt, title: str) -> str:
    """An unfinished attempt by its mode, scenario, start time and progress (what a discard would lose)."""
    named = (_("your assessment of “{title}”, started {when}, {progress}") if attempt.mode == "assessment"
             else _("your practice of “{title}”, started {when}, {progress}"))
    return named.format(title=title, when=when(attempt.started_at), progress=progress_of(attempt))


class BriefScreen(TranslatedScreen):
    """With an unfinished attempt of this scenario, Enter resumes it (what every notice about it says) and a
    new attempt is `n`, which names what it would discard and asks first. Without one, Enter starts. The mode
    is practice unless the trainee's assignment asks for an assessment (`mode`), never the last one used,
    and an assessment asks once before it starts, since it is recorded for a supervisor."""

    BINDINGS = [
        Binding("enter,r", "resume", N_("Resume"), id="resume"),
        Binding("enter", "start", N_("Start"), id="start"),
        Binding("n", "start_again", N_("New attempt"), id="start-again"),
        Binding("m", "toggle_mode", N_("Mode"), id="toggle-mode"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, scenario: Scenario, mode: str = "practice"):
        super().__init__()
        self.scenario = scenario
        self.default_mode = mode if mode in MODES else "practice"
        self.mode = self.default_mode
        self.resumable: dict | None = None
        self.unfinished: list[dict] = []  # every in-progress attempt a new one would abandon

    def compose(self) -> ComposeResult:
        s = self.scenario
        with VerticalScroll(id="brief"):
            yield Static(Text(line(s.title)), classes="screen-title")
            meta = Text(_("{category} · {level} · about {minutes} min · version {version}").format(
                category=label(s.category), level=label(s.difficulty), minutes=s.minutes, version=s.version),
                style="dim")
            yield Static(meta)
            yield Static(id="brief-resume", classes="notice")  # at the top: never below the fold
            body = Text()
            body.append(_("Your role") + "  ", style="bold")
            body.append(line(s.role) + "\n")
            body.append(_("You talk to") + "  ", style="bold")
            body.append(line(s.character.name))
            if s.character.role:
                body.append(f" ({line(s.character.role)})")
            for other in s.characters.values():  # a scene with several people: who else speaks
                if other.id != s.character.id:
                    body.append("\n" + _("Also speaking") + "  ", style="bold")
                    body.append(line(other.name) + (f" ({line(other.role)})" if other.role else ""))
            body.append("\n\n")
            body.append(_("Situation") + "\n", style="bold")
            body.append(line(" ".join(s.summary.split())) + "\n")
            if s.objectives:
                body.append("\n" + _("Objectives") + "\n", style="bold")
                for objective in s.objectives:
                    body.append(f" • {printable(objective)}\n")
            yield Static(body, id="brief-body")
            yield Static(id="brief-mode")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._check_resumable()

    def back_from_attempt(self, mode: str | None = None) -> None:
        """Shown again when the attempt started here is retried from its debrief: in the brief's own mode
        (practice unless assigned as an assessment, not the attempt's), and the unfinished attempt it may
        have offered to resume is gone (that start abandoned it)."""
        self.mode = self.default_mode
        self._check_resumable()
        self.refresh_bindings()

    def _check_resumable(self) -> None:
        # an assessment may have been on a form: every unfinished attempt of this scenario or its forms
        self.unfinished = self.ctx.store.resumable(self.app.trainee, self.scenario, forms=True)
        self.resumable = next((a for a in self.unfinished if self._unchanged(a)), None)
        if self.resumable:
            unfinished = (_("You have an unfinished practice attempt from {when}")
                          if self.resumable.mode == "practice"
                          else _("You have an unfinished assessment attempt from {when}"))
            note = Text(unfinished.format(when=when(self.resumable.started_at)) + " ("
                        + progress_of(self.resumable) + "). "
                        + _("Press Enter to resume it, or n to start a new attempt."))
            if recently(self.resumable.owner_seen):
                note.append("\n" + _("It may be open in another window (active at {when}): resuming here takes it "
                                      "over, and that window stops without saving anything more.").format(
                    when=when(self.resumable.owner_seen)), style="yellow")
            self.query_one("#brief-resume", Static).update(note)
        self.query_one("#brief-resume", Static).display = bool(self.resumable)
        self._show_mode()

    def _unchanged(self, attempt: Attempt) -> bool:
        """Whether the file the attempt played (this scenario, or a form of it) is as it was."""
        played = self.scenario if not attempt.form_id else self.app.library.played(attempt)
        return played is not None and played.content_hash == attempt.content_hash

    def _show_mode(self) -> None:
        # with an attempt to resume, Enter resumes it in its own mode: these modes are a new attempt's
        text = Text((_("New attempt") if self.resumable else _("Mode")) + "  ", style="bold")
        for mode in MODES:  # each a mouse target too: a click selects it
            click = Style(meta={"@click": f"screen.set_mode({mode!r})"})
            if mode == self.mode:
                text.append(f" ● {word(mode)} ", style=Style.parse("reverse bold") + click)
            else:
                text.append(f" ○ {word(mode)} ", style=Style.parse("dim") + click)
        keys = (_("m to switch · n to start a new attempt") if self.resumable
                else _("m to switch · Enter to start"))
        text.append("\n" + _(MODE_HELP[self.mode]) + " · " + keys, style="dim")
        self.query_one("#brief-mode", Static).update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "resume":
            return bool(self.resumable)
        if action == "start":
            return not self.resumable
        if action == "start_again":
            return bool(self.unfinished)
        return True

    def action_toggle_mode(self) -> None:
        self.action_set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    def action_set_mode(self, mode: str) -> None:
        if mode in MODES:
            self.mode = mode
            self._show_mode()

    def action_start(self) -> None:
        if self.resumable:  # Enter with an attempt to resume resumes it (check_action sends it there first)
            self.action_resume()
            return
        self._start_new()

    def action_start_again(self) -> None:
        self._start_new()

    def _start_new(self) -> None:
        """A new attempt; asked first when it would discard an unfinished one or is an assessment (once,
        whichever applies, in one question). An assessment first moves to the form the trainee has seen
        least, when that is another one: its own brief is read before anything is asked."""
        if self.mode == "assessment" and self.app._brief_of_another_form(self.scenario):
            return
        title = line(self.scenario.title)
        recorded = _("This attempt is recorded and your supervisor sees it: no coaching and no undo until "
                     "the debrief.")
        if self.unfinished:
            body = Text()
            for attempt in self.unfinished:
                body.append(_("Discard {attempt}?").format(attempt=naming(attempt, title)) + "\n")
                if attempt.content_hash != self.scenario.content_hash:
                    body.append(_("(It was started on an earlier version of this scenario and cannot be resumed.)")
                                + "\n", style="dim")
            body.append("\n" + (_("The new attempt is an assessment.") + " " + recorded
                                if self.mode == "assessment" else _("The new attempt is practice.")))
            question = (_("Discard the unfinished attempt?"), body, _("Discard and start"), _("Keep it"), False)
        elif self.mode == "assessment":
            question = (_("Start an assessment of “{title}”?").format(title=title), Text(recorded),
                        _("Start the assessment"), _("Not now"), True)
        else:
            self.app.start_attempt(self.scenario, self.mode)
            return
        from trainer.tui.screens.confirm import ConfirmScreen

        mode, named = self.mode, [attempt.id for attempt in self.unfinished]
        self.app.push_screen(ConfirmScreen(*question),
                             lambda yes: yes and self.app.start_attempt(self.scenario, mode, discard=named))

    def action_resume(self) -> None:
        if self.resumable:
            self.app.start_attempt(self.scenario, self.resumable.mode, resume_id=self.resumable.id)

    def action_back(self) -> None:
        self.app.back_to_catalogue()
