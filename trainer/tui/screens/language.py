"""The language picker (from My progress): the app's own words in English, Español, ... or as the computer
is set. Scenario text keeps the language it was written in."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trainer.i18n import N_, _, available_languages, language_from_environment
from trainer.ui.translated import TranslatedModalScreen
from trainer.ui.footer import KeysFooter

FROM_ENVIRONMENT = ""  # the option (and the result) meaning "follow the computer's setting"


class LanguageScreen(TranslatedModalScreen[str | None]):
    """Dismissed with a language code, FROM_ENVIRONMENT, or None when cancelled."""

    AUTO_FOCUS = "#languages"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel-language")]

    def __init__(self, chosen: str | None):
        super().__init__()
        self.chosen = chosen or FROM_ENVIRONMENT

    def compose(self) -> ComposeResult:
        names = available_languages()
        system = names.get(language_from_environment(), names["en"])
        options = [Option(Text(_("As on this computer ({language})").format(language=system)), id=FROM_ENVIRONMENT)]
        options += [Option(Text(name), id=code) for code, name in names.items()]
        with Vertical(id="language-box"):
            yield Static(_("Language"), classes="screen-title")
            yield Static(_("For the app's own words; each scenario keeps the language it was written in."),
                         classes="muted")
            languages = OptionList(*options, id="languages", markup=False)
            yield languages
        yield KeysFooter()

    def on_mount(self) -> None:
        languages = self.query_one("#languages", OptionList)
        try:
            languages.highlighted = languages.get_option_index(self.chosen)
        except Exception:  # noqa: BLE001 - a stored language no longer shipped: nothing highlighted
            languages.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
