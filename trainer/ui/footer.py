"""The footer whose keys change in place (the play screen's), through public Textual API plus the few
private details kept in trainer.ui.textual_private."""

from __future__ import annotations

from textual.compose import compose
from textual.widgets import Footer

from trainer.i18n import _
from trainer.ui.textual_private import (FooterKey, bindings_ready, is_pruning, key_disabled, mark_bindings_ready,
                                        set_key_disabled)


class FooterKeyNoAnswer(FooterKey):
    """A footer key whose click never answers: "1-9 Choose" is a label for the number keys, and a click on it
    ran choice 1 (in an assessment too). A click there says how to choose instead; other keys act as usual."""

    def on_mouse_down(self, event) -> None:
        if self.action.startswith("pick("):
            event.prevent_default()  # not FooterKey's own: that would press the key
            said = _("Press a choice's number, or click the choice itself.")
            hint = getattr(self.screen, "hint", None)
            hint(said) if hint else self.app.notify(said, timeout=3)


class KeysFooter(Footer):
    """Textual's footer, with its keys updated in place and at once. Textual's own removes and mounts all
    its keys again whenever the screen's bindings may have changed (a focus change, every
    `refresh_bindings`), several times per key press, and only after the next refresh, so each change
    drew one more frame: in the play screen that was about two fifths of the app's work per choice
    (bench: serve). Here a new set of keys that lines up with the one on screen (same number, no groups)
    is copied onto the keys already mounted as soon as the bindings change, so they are drawn in the same
    frame as the change; an unchanged set costs nothing; anything else falls back to Textual's rebuild."""

    _drawn: tuple | None = None  # the screen's bindings when the keys were last laid out

    def compose(self):
        if self.is_attached and getattr(self.app, "footer_keys_at_once", True):  # the keys come with the
            # screen's first frame: Textual's footer composes empty and mounts its keys after the screen's
            # bindings first change, a second mount and layout (a fifteenth of the served app's work); a
            # later change of the keys is copied onto these
            mark_bindings_ready(self)
        for widget in super().compose():
            if type(widget) is FooterKey and "-command-palette" not in widget.classes:  # the same key, as one
                # that a click never turns into an answer
                widget = FooterKeyNoAnswer(widget.key, widget.key_display, widget.description, widget.action,
                                           disabled=key_disabled(widget), tooltip=widget.tooltip or "",
                                           classes=" ".join(widget.classes - {"-disabled", "-compact"}),
                                           ).data_bind(compact=Footer.compact)
            if isinstance(widget, FooterKey) and "-command-palette" not in widget.classes:  # bound to `compact`
                self._settle_compact(widget)
            yield widget

    def _settle_compact(self, key: FooterKey) -> None:
        """Give a new key its final `compact` before it is mounted. Otherwise it mounts with FooterKey's
        default (True: styles worked out again to add "-compact") and the footer's value arrives a moment
        later through the data binding (styles again to take it away): three style passes per key where
        one will do, on every screen, and a tenth of the served app's work (bench: serve)."""
        key.set_reactive(FooterKey.compact, self.compact)
        key.set_class(self.compact, "-compact", update=False)

    def bindings_changed(self, screen) -> None:
        mark_bindings_ready(self)
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._copy_keys():  # they do not line up (the first keys of a screen): rebuild, as Textual would
            self.call_after_refresh(super().recompose)

    async def recompose(self) -> None:  # Textual's other calls (e.g. `compact` changed) come here
        if not self._copy_keys():
            await super().recompose()

    def _copy_keys(self) -> bool:
        """Bring the mounted keys up to date without remounting them; False when that needs a rebuild."""
        if not self.is_attached or is_pruning(self):
            return True  # nothing to draw on
        bindings = tuple((binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                         for _, binding, enabled, tooltip in self.screen.active_bindings.values())
        if bindings == self._drawn and bindings_ready(self):
            return True  # most calls: a focus change or refresh that changed nothing shown
        shown = list(self.children)
        if not shown and any(show for _, _, _, show, _, _ in bindings):  # a screen's first keys: nothing to
            # copy onto, so no comparison to build
            self._drawn = None
            return False
        wanted = list(compose(self))
        # A play step's keys differ in number from the next one's ("1-9 Choose" for the choices; "Enter
        # Continue" and "u Undo" for the coaching): the plain keys are copied onto those mounted and the
        # extra ones mounted or removed, rather than all of them mounted again; the keys after them (the
        # palette's) must line up as they are.
        plain_shown, rest_shown = _plain_first(shown)
        plain_wanted, rest_wanted = _plain_first(wanted)
        states = {"-disabled", "-compact"}  # set per key here (and by the footer's `compact`), not by compose
        if len(rest_shown) != len(rest_wanted) or not all(
                isinstance(w, FooterKey) and type(s) is type(w) and s.classes - states == w.classes - states
                for s, w in zip(rest_shown, rest_wanted)):
            self._drawn = None
            return False
        self._drawn = bindings
        kept = min(len(plain_wanted), len(plain_shown))
        for key, new in zip(plain_shown[:kept] + rest_shown, plain_wanted[:kept] + rest_wanted):
            now = (new.key, new.key_display, new.description, new.action, key_disabled(new), new.tooltip)
            if now == (key.key, key.key_display, key.description, key.action, key_disabled(key), key.tooltip):
                continue
            key.key, key.key_display, key.description, key.action = now[:4]
            set_key_disabled(key, now[4])
            key.set_class(now[4], "-disabled")
            key.tooltip = new.tooltip
            key.refresh(layout=True)
        for extra in plain_shown[kept:]:
            extra.remove()
        if len(plain_wanted) > kept:
            self.mount_all(plain_wanted[kept:], before=rest_shown[0] if rest_shown else None)
        return True


def _plain_first(keys: list) -> tuple[list, list]:
    """The footer's plain keys (one per action, no group) that come first, and the keys after them."""
    count = 0
    for key in keys:
        if type(key) is not FooterKeyNoAnswer or "-grouped" in key.classes:
            break
        count += 1
    return keys[:count], keys[count:]
