"""First screen without --trainee: pick yourself from the list or type a new name."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from trainer.progress.store import StoreError
from trainer.sanitize import line


class TraineeScreen(Screen):
    BINDINGS = [Binding("escape", "app.quit", "Quit", id="quit-from-trainee")]

    def compose(self) -> ComposeResult:
        with Vertical(id="trainee-box"):
            yield Static("Who is practising?", classes="screen-title")
            trainees = self.app.store.trainees()
            if trainees:
                yield Static("Pick your name, or type a new one below.", classes="muted")
                self.listed = {str(t.id): t for t in trainees}
                yield OptionList(*[Option(Text(line(t.name)), id=str(t.id)) for t in trainees], id="trainee-list")
            else:
                yield Static("Type your name to start. Your progress is saved under it.", classes="muted")
            yield Input(placeholder="Your name (Enter to continue)", id="trainee-name", max_length=80)
        yield Footer()

    def on_mount(self) -> None:
        if self.query("#trainee-list"):
            self.query_one("#trainee-list", OptionList).focus()
        else:
            self.query_one("#trainee-name", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # the stored trainee, not the escaped name on display (an old name may not pass today's checks)
        self.app.choose_trainee(self.listed[event.option.id])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._enter(event.value)

    def _enter(self, name: str) -> None:
        try:
            trainee = self.app.store.trainee(name)
        except StoreError as exc:
            self.notify(line(str(exc)), severity="error", markup=False)
            return
        self.app.choose_trainee(trainee)
