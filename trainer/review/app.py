"""Supervisor review: a passphrase gate, then trainees, attempts, transcripts, scenarios and techniques."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from trainer.i18n import N_, _, ngettext
from trainer.progress import passphrase
from trainer.scenario.library import Library
from trainer.progress.store import Store
from trainer.tui.themes import toggled, use_themes
from trainer.tui.translated import TranslatedScreen

CSS_FILE = Path(__file__).resolve().parent.parent / "app.tcss"
MAX_TRIES = 5


class GateScreen(TranslatedScreen):
    """Nothing from the database is shown until the passphrase checks out."""

    BINDINGS = [Binding("escape", "app.quit", N_("Quit"), id="quit-gate")]

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="gate"):
            yield Static(_("Supervisor review"), classes="screen-title")
            yield Static(_("Enter the supervisor passphrase."), classes="muted")
            yield Input(password=True, id="passphrase", placeholder=_("passphrase"))
            yield Static(id="gate-message", classes="error-text")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            ok = passphrase.check(self.app.store, event.value)
        except passphrase.LockedOut as exc:
            self.app.exit(return_code=2, message="trainer: " + _("{reason}; review closed.").format(reason=exc))
            return
        if ok:
            from trainer.review.screens import TraineesScreen

            self.app.unlocked = True
            self.app.switch_screen(TraineesScreen())
            return
        self.tries += 1
        event.input.value = ""
        left = MAX_TRIES - self.tries
        if left <= 0:
            self.app.exit(return_code=2, message="trainer: " + _("too many wrong passphrases; review closed."))
            return
        self.query_one("#gate-message", Static).update(
            ngettext("That passphrase is not right. {count} try left.",
                     "That passphrase is not right. {count} tries left.", left).format(count=left))


class ReviewApp(App):
    CSS_PATH = CSS_FILE
    TITLE = "trainer review"
    BINDINGS = [
        Binding("question_mark,f1", "help", N_("Help"), id="help", key_display="?"),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
        Binding("ctrl+t", "toggle_theme", N_("Theme"), id="toggle-theme", show=False),
    ]

    def __init__(self, store: Store, library: Library, supervisor: str = "supervisor"):
        super().__init__()
        self.store = store
        self.library = library
        self.supervisor = supervisor
        self.unlocked = False
        use_themes(self)

    def on_mount(self) -> None:
        self.push_screen(GateScreen())

    def action_help(self) -> None:
        """The keys of the screen underneath and the app's own (not over the passphrase gate's box)."""
        from trainer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = toggled(self.theme)

    def get_system_commands(self, screen):
        from trainer.tui.palette import translated_commands

        yield from translated_commands(self, super().get_system_commands(screen))

    def action_command_palette(self) -> None:
        """Textual's palette, with its search field in the app's language."""
        from textual.command import CommandPalette

        from trainer.tui.palette import SEARCH

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_(SEARCH)))
