"""The brief: role, situation, objectives and time; pick the mode, then Enter starts."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from trainer.i18n import N_, _, ngettext
from trainer.scenario.model import Scenario
from trainer.scenario.vocabulary import label
from trainer.sanitize import line, printable
from trainer.tui.translated import TranslatedScreen
from trainer.tui.widgets import word

MODES = ("practice", "assessment")
MODE_HELP = {
    "practice": N_("coaching after every choice, undo allowed"),
    "assessment": N_("no feedback or undo until the debrief"),
}


def when(stamp: str | None) -> str:
    from trainer.i18n import moment_text

    return moment_text(stamp)  # the app's one date format for the language


def recently(stamp: str | None, minutes: float = 10) -> bool:
    """Whether a stored time is within the last few minutes (an attempt another window may hold)."""
    if not stamp:
        return False
    try:
        seen = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return (datetime.now(timezone.utc) - seen).total_seconds() < minutes * 60


class BriefScreen(TranslatedScreen):
    BINDINGS = [
        Binding("enter", "start", N_("Start"), id="start"),
        Binding("m", "toggle_mode", N_("Mode"), id="toggle-mode"),
        Binding("r", "resume", N_("Resume"), id="resume"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, scenario: Scenario, mode: str = "practice"):
        super().__init__()
        self.scenario = scenario
        self.mode = mode
        self.resumable: dict | None = None

    def compose(self) -> ComposeResult:
        s = self.scenario
        with VerticalScroll(id="brief"):
            yield Static(Text(line(s.title)), classes="screen-title")
            meta = Text(_("{category} · {level} · about {minutes} min · version {version}").format(
                category=label(s.category), level=label(s.difficulty), minutes=s.minutes, version=s.version),
                style="dim")
            yield Static(meta)
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
            yield Static(id="brief-resume", classes="notice")
        yield Footer()

    def on_mount(self) -> None:
        self._check_resumable()

    def back_from_attempt(self, mode: str) -> None:
        """Shown again when the attempt started here is retried from its debrief: in the attempt's mode, and
        the unfinished attempt it may have offered to resume is gone (that start abandoned it)."""
        self.mode = mode
        self._check_resumable()
        self.refresh_bindings()

    def _check_resumable(self) -> None:
        found = self.app.store.resumable(self.app.trainee, self.scenario)
        self.resumable = next((a for a in found if a["content_hash"] == self.scenario.content_hash), None)
        if self.resumable:
            self.mode = self.resumable["mode"]
            made = self.resumable["choices"]
            unfinished = (_("You have an unfinished practice attempt from {when}") if self.mode == "practice"
                          else _("You have an unfinished assessment attempt from {when}"))
            note = Text(unfinished.format(when=when(self.resumable["started_at"])) + " ("
                        + ngettext("{count} choice made", "{count} choices made", made).format(count=made) + "). "
                        + _("Press r to resume it, or Enter to start again."))
            if recently(self.resumable.get("owner_seen")):
                note.append("\n" + _("It may be open in another window (active at {when}): resuming here takes it "
                                      "over, and that window stops without saving anything more.").format(
                    when=when(self.resumable["owner_seen"])), style="yellow")
            self.query_one("#brief-resume", Static).update(note)
        self.query_one("#brief-resume", Static).display = bool(self.resumable)
        self._show_mode()

    def _show_mode(self) -> None:
        text = Text(_("Mode") + "  ", style="bold")
        for mode in MODES:
            if mode == self.mode:
                text.append(f" ● {word(mode)} ", style="reverse bold")
            else:
                text.append(f" ○ {word(mode)} ", style="dim")
        text.append("\n" + _(MODE_HELP[self.mode]) + " · " + _("m to switch · Enter to start"), style="dim")
        self.query_one("#brief-mode", Static).update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "resume":
            return bool(self.resumable)
        return True

    def action_toggle_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._show_mode()

    def action_start(self) -> None:
        self.app.start_attempt(self.scenario, self.mode)

    def action_resume(self) -> None:
        if self.resumable:
            self.app.start_attempt(self.scenario, self.resumable["mode"], resume_id=self.resumable["id"])

    def action_back(self) -> None:
        self.app.back_to_catalogue()
