"""Keys for the screen underneath, plus the global ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from trainer.i18n import N_, _
from trainer.ui.translated import TranslatedModalScreen

GLOBAL = [("? / F1", N_("this help")), ("ctrl+p", N_("command palette")), ("ctrl+t", N_("light / dark theme")),
          ("ctrl+q", N_("quit"))]


class HelpScreen(TranslatedModalScreen):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", N_("Close"), id="close-help")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        text = Text(_("Keys") + "\n\n", style="bold")
        seen = set()
        for binding in getattr(self.under, "BINDINGS", []):
            if not isinstance(binding, Binding) or binding.description in seen:
                continue
            if binding.action.startswith("pick("):
                continue  # listed once below as 1-9
            if self.under.check_action(binding.action, ()) is False:
                continue  # not offered here (e.g. "My passphrase" where there is none): not in the footer either
            seen.add(binding.description)
            key = binding.key_display or binding.key.replace(",", " / ")
            text.append(f"{key:>12}  ", style="bold cyan")
            text.append(_(binding.description) + "\n")
        if any(b.action.startswith("pick(") for b in getattr(self.under, "BINDINGS", [])):
            text.append(f"{'1-9':>12}  ", style="bold cyan")
            text.append(_("pick a choice (or arrows + Enter)") + "\n")
        text.append("\n")
        for key, what in GLOBAL:
            text.append(f"{key:>12}  ", style="bold cyan")
            text.append(_(what) + "\n")
        with VerticalScroll(id="help-box"):
            yield Static(text)
            yield Static(Text(_("Esc to close"), style="dim"))
