"""Screens whose key descriptions follow the chosen language.

Binding descriptions are written once at class level (marked with `N_()` for extraction) and translated here,
each time the footer, the key panel or the help screen asks for the active bindings, so a change of language
shows on the next repaint without rebuilding the screen."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding, Binding
from textual.screen import ModalScreen, Screen, ScreenResultType

from trainer.i18n import N_, _
from trainer.ui.context import UsesContext

# Textual's own footer words that our screens show, so they are extracted and translated with ours
TEXTUAL_WORDS = (N_("palette"),)


def translated(binding: Binding) -> Binding:
    """The binding with its description and tooltip in the current language."""
    return replace(binding, description=_(binding.description), tooltip=_(binding.tooltip))


class _TranslatedBindings:
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return {key: ActiveBinding(active.node, translated(active.binding), active.enabled,
                                   _(active.tooltip) if active.tooltip else active.tooltip)
                for key, active in super().active_bindings.items()}


class TranslatedScreen(UsesContext, _TranslatedBindings, Screen[ScreenResultType]):
    """A Screen whose footer speaks the current language (and that reads its app's `ctx`)."""


class TranslatedModalScreen(UsesContext, _TranslatedBindings, ModalScreen[ScreenResultType]):
    """A ModalScreen whose footer speaks the current language (and that reads its app's `ctx`)."""
