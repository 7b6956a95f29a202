"""A question asked before something that cannot be taken back (discarding an unfinished attempt) or that
is recorded for a supervisor (an assessment). It answers True or False to the screen that asked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from trainer.i18n import N_
from trainer.ui.translated import TranslatedModalScreen
from trainer.ui.footer import KeysFooter


class ConfirmScreen(TranslatedModalScreen[bool]):
    """`y` or the first button goes ahead; `n`, Esc or the second button does not. Enter presses the button
    with the focus: the safe one unless `go_ahead_first` (an Enter pressed twice by habit never discards)."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm-yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm-no"),
        Binding("left,right,tab,shift+tab", "app.focus_next", show=False),
    ]

    def __init__(self, title: str, body: Text, yes: str, no: str, go_ahead_first: bool = False):
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no
        self.go_ahead_first = go_ahead_first

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.title_text), classes="screen-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="confirm-go", variant="warning", compact=True)
                yield Button(f"{self.no} (n)", id="confirm-keep", variant="primary", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#confirm-go" if self.go_ahead_first else "#confirm-keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-go")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
