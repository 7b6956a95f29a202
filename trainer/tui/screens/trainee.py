"""First screen on a personal database without --trainee: type your name (Enter opens it, created if
new) or choose an existing name from the list. Typing always goes into the name box, so a typed name
is never lost and never replaced by whichever name happens to be highlighted in the list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from trainer.i18n import N_, _
from trainer.progress.store import StoreError
from trainer.sanitize import line
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import product_title
from trainer.ui.footer import KeysFooter


class NameList(OptionList):
    """The list of existing names; a printable key typed here goes to the name box instead."""

    def on_key(self, event) -> None:
        if event.character and event.character.isprintable() and event.key not in ("enter", "space"):
            event.stop()
            event.prevent_default()
            box = self.screen.query_one("#trainee-name", Input)
            box.focus()
            box.insert_text_at_cursor(event.character)


class TraineeScreen(TranslatedScreen):
    AUTO_FOCUS = "#trainee-name"
    BINDINGS = [Binding("escape", "app.quit", N_("Quit"), id="quit-from-trainee"),
                Binding("down", "to_list", N_("Existing names"), id="to-trainee-list", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="trainee-box"):
            yield Static(product_title(_("Who is practising?")), classes="screen-title")  # the first screen
            trainees = self.ctx.store.trainees()
            if trainees:
                yield Static(_("Type your name and press Enter, or choose it below (↓ / Tab)."), classes="muted")
                self.listed = {str(t.id): t for t in trainees}
                yield Input(placeholder=_("Your name (Enter to continue)"), id="trainee-name", max_length=80,
                            select_on_focus=False)
                yield NameList(*[Option(Text(line(t.name)), id=str(t.id)) for t in trainees], id="trainee-list")
            else:
                yield Static(_("Type your name to start. Your progress is saved under it."), classes="muted")
                yield Input(placeholder=_("Your name (Enter to continue)"), id="trainee-name", max_length=80,
                            select_on_focus=False)
        yield KeysFooter()

    def action_to_list(self) -> None:
        if self.query("#trainee-list") and isinstance(self.focused, Input):
            self.query_one("#trainee-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # the stored trainee, not the escaped name on display (an old name may not pass today's checks)
        self.app.choose_trainee(self.listed[event.option.id])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.notify(_("Type your name, or choose it from the list."), markup=False)
            return
        self._enter(event.value)

    def _enter(self, name: str) -> None:
        try:
            trainee = self.ctx.store.trainee(name)
        except StoreError as exc:
            self.notify(line(str(exc)), severity="error", markup=False)
            return
        self.app.choose_trainee(trainee)
