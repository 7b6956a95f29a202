"""Keys for the screen underneath, plus the global ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GLOBAL = [("? / F1", "this help"), ("ctrl+p", "command palette"), ("ctrl+t", "light / dark theme"),
          ("ctrl+q", "quit")]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="close-help")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        text = Text("Keys\n\n", style="bold")
        seen = set()
        for binding in getattr(self.under, "BINDINGS", []):
            if not isinstance(binding, Binding) or binding.description in seen:
                continue
            if binding.action.startswith("pick("):
                continue  # listed once below as 1-9
            seen.add(binding.description)
            key = binding.key_display or binding.key.replace(",", " / ")
            text.append(f"{key:>12}  ", style="bold cyan")
            text.append(f"{binding.description}\n")
        if any(b.action.startswith("pick(") for b in getattr(self.under, "BINDINGS", [])):
            text.append(f"{'1-9':>12}  ", style="bold cyan")
            text.append("pick a choice (or arrows + Enter)\n")
        text.append("\n")
        for key, what in GLOBAL:
            text.append(f"{key:>12}  ", style="bold cyan")
            text.append(f"{what}\n")
        with VerticalScroll(id="help-box"):
            yield Static(text)
            yield Static(Text("Esc to close", style="dim"))
