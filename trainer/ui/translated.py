"""Screens whose key descriptions follow the chosen language.

Binding descriptions are written once at class level (marked with `N_()` for extraction) and translated here,
each time the footer, the key panel or the help screen asks for the active bindings, so a change of language
shows on the next repaint without rebuilding the screen."""

from __future__ import annotations

from dataclasses import replace

from textual import events
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


class _NoRepeatedPasses:
    """Two passes Textual makes over a screen it has only just mounted and laid out, skipped through the
    events' public switches (these handlers run before Screen's own, which come later in the MRO):

    * its first ScreenResume re-applies the stylesheet to every widget of the screen, whose styles were
      worked out when they were mounted moments before (4% of a served app's CPU, bench: serve); later
      resumes (back from another screen, perhaps after a theme change) refresh them as Textual does;
    * the Resize a screen gets from its own first layout lays it out again, and the screen below it too,
      at the size it was just laid out at (5%); a Resize to another size (the terminal's) is Textual's.
    No breakpoints are in use; with them, every Resize is left to Textual."""

    _resumed_once = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False

    def on_resize(self, event: events.Resize) -> None:
        breakpoints = (self.HORIZONTAL_BREAKPOINTS or self.VERTICAL_BREAKPOINTS or self.app.HORIZONTAL_BREAKPOINTS
                       or self.app.VERTICAL_BREAKPOINTS)
        if event.size == self.outer_size and not breakpoints:
            event.prevent_default()  # Screen._on_resize: a layout at the size the screen already has
            event.stop()


class TranslatedScreen(UsesContext, _TranslatedBindings, _NoRepeatedPasses, Screen[ScreenResultType]):
    """A Screen whose footer speaks the current language (and that reads its app's `ctx`)."""


class TranslatedModalScreen(UsesContext, _TranslatedBindings, _NoRepeatedPasses, ModalScreen[ScreenResultType]):
    """A ModalScreen whose footer speaks the current language (and that reads its app's `ctx`)."""
