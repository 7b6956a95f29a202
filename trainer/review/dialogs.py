"""Small dialogs the review screens share: a yes/no question and a one-line prompt."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from trainer.i18n import N_, _
from trainer.sanitize import line
from trainer.ui.translated import TranslatedModalScreen
from trainer.ui.footer import KeysFooter


class ConfirmScreen(TranslatedModalScreen[bool]):
    """A yes/no question; y (and Enter, unless `enter_says_yes` is False: a weightier yes must be typed)
    says yes, n or Esc says no."""

    BINDINGS = [Binding("y", "answer(True)", N_("Yes"), id="confirm-yes"),
                Binding("enter", "enter", N_("Yes"), id="confirm-enter", show=False),
                Binding("n,escape", "answer(False)", N_("No"), id="confirm-no")]

    def __init__(self, question: str, enter_says_yes: bool = True):
        super().__init__()
        self.question = question
        self.enter_says_yes = enter_says_yes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("\n".join(line(part) for part in self.question.split("\n"))), classes="screen-title")
            if self.enter_says_yes:
                yield Static(_("y / Enter: yes · n / Esc: no"), classes="muted")
        yield KeysFooter()

    def action_enter(self) -> None:
        if self.enter_says_yes:
            self.dismiss(True)
        else:
            self.notify(_("Press y to say yes, or n or Esc to say no."), timeout=4)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(TranslatedModalScreen[str | None]):
    AUTO_FOCUS = "#prompt-input"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel-prompt")]

    def __init__(self, title: str, value: str = ""):
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.title_text, classes="screen-title")
            yield Input(value=self.value, id="prompt-input")
            yield Static(_("Enter to save · Esc to cancel"), classes="muted")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
