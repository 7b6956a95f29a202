"""The one App base both apps build on (the trainee app, trainer.tui, and the review app, trainer.review):
the common keys with their footer descriptions, the help screen, the light/dark theme, the command palette
in the app's language, the shared stylesheet, and the typed context (trainer.ui.context) screens read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trainer.i18n import N_, _
from trainer.scenario.library import Library
from trainer.ui.context import AppContext
from trainer.ui.stylecache import ParsedStyles
from trainer.ui.themes import toggled, use_themes

if TYPE_CHECKING:  # imported when the database opens, after the first frame
    from trainer.progress.store import Store

CSS_FILE = Path(__file__).resolve().parent.parent / "app.tcss"


class TrainerBaseApp(App):
    """Help (? or F1), theme (ctrl+t) and the palette for every app. A subclass adds its own quit key
    (shown in the footer or not) and its own keys after these."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("question_mark,f1", "help", N_("Help"), id="help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", N_("Theme"), id="toggle-theme", show=False),
    ]

    footer_keys_at_once = True
    """Whether a screen's footer (trainer.ui.footer) draws its keys in the screen's first frame. An app that
    counts the time to its first frame turns it off until that frame is drawn: the keys then follow a frame
    later, as Textual's own footer draws them (20-30 ms sooner to the catalogue, bench: start-up)."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        use_themes(self)
        self._parsed_styles = ParsedStyles(self)  # after the theme: rules are kept with its variables

    def _on_first_frame(self) -> None:
        """What waits for the first frame in every app: keeping the stylesheet's parsed rules for the next
        start (a subclass calls this when its first screen is drawn)."""
        self._parsed_styles.keep()

    def _on_unmount(self) -> None:
        """An app left as soon as it was drawn (a quick look, a script) keeps its parsed rules too; after the
        first frame this does nothing (trainer.ui.stylecache keeps them once per run)."""
        self._parsed_styles.keep()

    # what tests and the CLI read from an app: the same as its screens' context
    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def store_is_open(self) -> bool:
        return self.ctx.store_is_open

    @property
    def library(self) -> Library:
        return self.ctx.library

    @property
    def clock(self):
        return self.ctx.clock

    @property
    def supervisor(self) -> str | None:
        return self.ctx.supervisor

    def action_help(self) -> None:
        """The keys of the screen underneath and the app's own."""
        from trainer.ui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = toggled(self.theme)

    def action_command_palette(self) -> None:
        """Textual's palette, with its search field in the app's language."""
        from textual.command import CommandPalette

        from trainer.ui.palette import SEARCH

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_(SEARCH)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, translated (trainer.ui.palette); a subclass adds its own after them."""
        from trainer.ui.palette import translated_commands

        yield from translated_commands(self, super().get_system_commands(screen))
