"""`trainer preview FILE`: practice mode on one file, from any node and state, reloading on save."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from trainer.i18n import N_, _
from trainer.scenario.lint import lint
from trainer.scenario.loader import check_file
from trainer.scenario.model import Scenario
from trainer.play.engine import compiled_for
from trainer.play.recording import UnrecordedAttempt
from trainer.sanitize import line
from trainer.ui.app import CSS_FILE
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen
from trainer.ui.translated import TranslatedScreen
from trainer.ui.themes import use_themes
from trainer.ui.widgets import coloured
from trainer.ui.footer import KeysFooter


class PreviewBanner(Static):
    """The top line of every preview screen: this is a preview of a file, and nothing is recorded."""

    DEFAULT_CSS = """
    PreviewBanner { dock: top; height: 1; padding: 0 1; background: $warning-muted; color: $text; }
    """

    def __init__(self, path: Path):
        super().__init__(Text(_("Preview") + " · ", style="bold").append(line(path.name), style="")
                         .append(" · " + _("nothing is recorded"), style=""), classes="preview-banner")


class PreviewPlayScreen(PlayScreen):
    """The play screen under its preview banner; Esc quits the preview (nothing is saved to leave)."""

    BINDINGS = [Binding("escape", "app.quit", N_("Quit"), id="quit-preview", priority=True)]

    def compose(self) -> ComposeResult:
        yield PreviewBanner(self.app.path)
        yield from super().compose()


class PreviewDebriefScreen(DebriefScreen, inherit_bindings=False):
    """A preview's debrief: play it again (r or ctrl+r) or quit. No next scenario, catalogue or progress:
    a preview has one file and records nothing."""

    BINDINGS = [Binding("r", "app.restart", N_("Restart"), id="restart-preview", show=False),
                Binding("q,escape", "app.quit", N_("Quit"), id="quit-preview-debrief")]

    def compose(self) -> ComposeResult:
        yield PreviewBanner(self.app.path)
        yield from super().compose()


class ErrorsScreen(TranslatedScreen):
    """Shown while the file on disk is broken; the preview comes back by itself once it is fixed."""

    BINDINGS = [Binding("q,escape", "app.quit", N_("Quit"), id="quit-errors")]

    def __init__(self, lines: list[str]):
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield PreviewBanner(self.app.path)
        with VerticalScroll(id="brief"):
            yield Static(_("The file has errors"), classes="screen-title")
            yield Static(coloured("\n".join(self.lines), "red"), id="errors")
            yield Static(_("Fix the file and save: the preview reloads by itself."), classes="muted")
        yield KeysFooter()

    def show(self, lines: list[str]) -> None:
        self.query_one("#errors", Static).update(coloured("\n".join(lines), "red"))


class PreviewApp(App):
    CSS_PATH = CSS_FILE
    TITLE = "trainer preview"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True, show=False),
                Binding("ctrl+r", "restart", N_("Restart"), id="restart")]

    def __init__(self, path: Path, at: str | None = None, mood: int | None = None, flags=(),
                 clock: Callable[[], float] = time.time, poll: float = 0.5):
        super().__init__()
        self.path = Path(path)
        self.at, self.mood, self.flags = at, mood, tuple(flags)
        self.clock = clock
        self.poll = poll
        self.scenario: Scenario | None = None
        self.attempt: UnrecordedAttempt | None = None
        self._stamp = None
        use_themes(self)  # the trainee app's colours, which meet WCAG contrast

    # --- loading -----------------------------------------------------------------------------------
    def _file_stamp(self):
        try:
            st = self.path.stat()
            return st.st_mtime_ns, st.st_size
        except OSError:
            return None

    def _load(self) -> tuple[Scenario | None, list[str]]:
        scenario, report = check_file(self.path)
        if scenario is not None:
            lint(scenario, report)
        errors = [d.format() for d in report.sorted() if d.severity == "error"]
        return (None if errors else scenario), errors

    def on_mount(self) -> None:
        self._stamp = self._file_stamp()
        scenario, errors = self._load()
        if scenario is None:
            self.push_screen(ErrorsScreen(errors))
        else:
            self._play(scenario, self.at, self.mood, self.flags)
        self.set_interval(self.poll, self.check_reload)

    def check_reload(self) -> None:
        """Reload when the file changed on disk (called on an interval, and directly by tests)."""
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        scenario, errors = self._load()
        if scenario is None:
            if isinstance(self.screen, ErrorsScreen):
                self.screen.show(errors)
            else:
                self.push_screen(ErrorsScreen(errors))
            return
        if isinstance(self.screen, ErrorsScreen) and self.attempt is not None:
            self.pop_screen()
        old = self.attempt.session if self.attempt is not None else None
        if old is None:
            self._play(scenario, self.at, self.mood, self.flags)
        elif old.state not in scenario.nodes and old.state not in scenario.endings:
            self.notify(_("'{node}' is gone from the file; starting again.").format(node=line(old.state)),
                        severity="warning", markup=False)
            self._play(scenario, self.at, self.mood, self.flags)
        elif all(step.node in scenario.nodes for step in old.transcript):
            self._play(scenario, old.state, old.mood, old.flags, history=old.transcript, points=old.points,
                       partial=self.attempt.partial)
        else:
            self.notify(_("Nodes this run went through are gone from the file: its transcript starts here, and "
                          "the debrief gives no pass or fail."), severity="warning", timeout=6)
            self._play(scenario, old.state, old.mood, old.flags, partial=True)
        self.notify(_("Reloaded."), timeout=2)

    def _whole_run_from(self, scenario: Scenario, node: str | None, mood: int | None, flags) -> bool:
        """Whether a run from here is a whole attempt: from the start, at the starting mood, no flags set."""
        return (node in (None, scenario.start) and mood in (None, scenario.character.mood)
                and not flags)

    def _play(self, scenario: Scenario, node: str | None, mood: int | None, flags, history=(), points=None,
              partial: bool | None = None) -> None:
        """Play from `node`. A reload passes the run so far (`history`, `points`) to keep it going; a run that
        did not start from the beginning, or lost its history, is `partial`: no pass or fail at the end."""
        if self.attempt is not None:
            self.attempt.close()
        self.scenario = scenario
        start = node if node in scenario.nodes or node in scenario.endings else scenario.start
        from trainer.scenario.placeholders import personalised

        session = compiled_for(personalised(scenario)).start_at(start, mood, flags, self.clock)  # {trainee}: role
        if history:
            session.transcript = list(history)
            session.points.update({k: v for k, v in (points or {}).items() if k in session.points})
        self.attempt = UnrecordedAttempt(session)
        self.attempt.partial = (not self._whole_run_from(scenario, node, mood, flags)) if partial is None else partial
        self.sub_title = line(f"{self.path.name} · at {start}")
        screen = PreviewPlayScreen(self.attempt)
        if isinstance(self.screen, ErrorsScreen) or len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    # --- what PlayScreen and DebriefScreen ask of their app ---------------------------------------
    def show_debrief(self, attempt) -> None:
        self.switch_screen(PreviewDebriefScreen(attempt))

    def start_attempt(self, scenario, mode: str, resume_id=None, discard=()) -> None:
        self.action_restart()

    def open_brief(self, scenario_id: str, replace: bool = False, mode: str = "practice") -> None:
        self.action_restart()  # a preview has no brief: retry plays again from where it started

    def action_restart(self) -> None:
        if self.scenario is not None:
            self._play(self.scenario, self.at, self.mood, self.flags)

    def back_to_catalogue(self) -> None:
        self.exit()

    def next_scenario_after(self, scenario_id: str) -> None:
        return None

    def action_progress(self) -> None:
        self.notify(_("Progress is not recorded in preview."), timeout=2)
