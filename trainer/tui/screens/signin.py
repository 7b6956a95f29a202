"""Signing in on a site database: name, Enter, passphrase, Enter; and changing your own passphrase.

The same first screen serves a terminal and (later) a browser tab: the app routes a trainee to the
catalogue and a supervisor to the review screens. Nothing from the database shows before a sign-in.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from trainer.i18n import N_, _
from trainer.progress import accounts
from trainer.progress.passphrase import LockedOut
from trainer.progress.store import StoreError
from trainer.sanitize import line
from trainer.ui.translated import TranslatedModalScreen, TranslatedScreen
from trainer.ui.widgets import product_title
from trainer.ui.footer import KeysFooter


ROLE_WORDS = {"trainee": N_("trainee"), "supervisor": N_("supervisor")}


def sentence(reason: str) -> str:
    """A reason as a sentence: first letter up, a full stop (str.capitalize would also lower a name in it)."""
    return reason[:1].upper() + reason[1:] + "."


def role_word(role: str) -> str:
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


class NameInput(Input):
    """The name box. After its Enter it keeps the focus and types into the passphrase box (which looks
    focused): keys then pass through one queue in the order typed, however fast they come (a password
    manager, a browser tab sending keys in one burst). Moving the focus instead would let keys already
    on their way land in the name or overtake each other. A click on the passphrase box focuses it."""

    handing_off = False

    def hand_off(self, on: bool) -> None:
        self.handing_off = on
        self.set_class(on, "-handing-off")
        self.screen.query_one("#signin-passphrase", Input).set_class(on, "-typing")

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if event.key == "enter":  # handled here, not by a binding that would run after later keys
            event.stop()
            event.prevent_default()
            if self.handing_off:
                screen.submit_passphrase()
            else:
                self.hand_off(screen.accept_name(focus=False))
            return
        if not self.handing_off:
            await super()._on_key(event)
            return
        secret_box = screen.query_one("#signin-passphrase", Input)
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            secret_box.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            event.stop()
            event.prevent_default()
            secret_box.action_delete_left()
        else:
            await super()._on_key(event)


class SignInScreen(TranslatedScreen):
    """Who are you: the name, then the passphrase. `roles` limits who may sign in here (review: supervisors)."""

    AUTO_FOCUS = "#signin-name"
    BINDINGS = [Binding("escape", "back", N_("Back / quit"), id="signin-back")]

    def __init__(self, roles: tuple[str, ...] = accounts.ROLES, title: str | None = None):
        super().__init__()
        self.roles = roles
        self.title_text = title or _("Sign in")

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static(product_title(self.title_text), classes="screen-title")  # the first screen of a site
            yield Static(_("Your name, Enter; then your passphrase, Enter."), classes="muted")
            yield NameInput(placeholder=_("Your name"), id="signin-name", max_length=80)
            yield Input(placeholder=_("Passphrase"), id="signin-passphrase", password=True)
            yield Static(id="signin-message", classes="error-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#signin-passphrase", Input).display = False

    def _say(self, text: str) -> None:
        self.query_one("#signin-message", Static).update(Text(line(text)))

    async def on_key(self, event: events.Key) -> None:
        """Keys typed before the name box has the focus (the first frame can be drawn a moment before) are
        the start of the name, not lost."""
        if self.focused is None and (event.is_printable or event.key in ("enter", "backspace")):
            name_box = self.query_one("#signin-name", NameInput)
            self.set_focus(name_box)
            event.stop()
            await name_box._on_key(event)

    def accept_name(self, focus: bool = True) -> bool:
        """Enter in the name box: on to the passphrase (False, with a hint, when no name was typed)."""
        if not self.query_one("#signin-name", Input).value.strip():
            self._say(_("Type your name first."))
            return False
        secret_box = self.query_one("#signin-passphrase", Input)
        secret_box.display = True
        if focus:
            secret_box.focus()
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "signin-passphrase":
            self.submit_passphrase()
        else:
            self.accept_name()

    def submit_passphrase(self) -> None:
        name_box = self.query_one("#signin-name", NameInput)
        secret_box = self.query_one("#signin-passphrase", Input)
        secret_box.display = True
        secret, secret_box.value = secret_box.value, ""
        if not secret:
            self._say(_("Type your passphrase, then Enter."))
            return
        try:
            account = accounts.sign_in(self.ctx.store, name_box.value, secret, clock=self.app.clock, roles=self.roles)
        except accounts.WrongRole as exc:
            self._say(_("This sign-in is for: {roles}. {name} is a {role}.").format(
                roles=", ".join(role_word(r) for r in self.roles), name=exc.account.name,
                role=role_word(exc.account.role)))
            return
        except LockedOut as exc:
            self._say(sentence(str(exc)))
            return
        except StoreError as exc:
            self._say(sentence(str(exc)))
            return
        self.app.signed_in(account)

    def action_back(self) -> None:
        secret_box = self.query_one("#signin-passphrase", Input)
        if secret_box.display:
            secret_box.value = ""
            secret_box.display = False
            self.query_one("#signin-name", NameInput).hand_off(False)
            self.query_one("#signin-name", Input).focus()
        else:
            self.app.exit()


class ChangePassphraseScreen(TranslatedModalScreen[bool]):
    """The signed-in person changes their own passphrase: the current one, then the new one twice."""

    AUTO_FOCUS = "#pp-current"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel-passphrase")]

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static(_("Change my passphrase"), classes="screen-title")
            yield Input(placeholder=_("Current passphrase"), id="pp-current", password=True)
            yield Input(placeholder=_("New passphrase (12+ characters)"), id="pp-new", password=True)
            yield Input(placeholder=_("New passphrase again"), id="pp-again", password=True)
            yield Static(id="pp-message", classes="error-text")
        yield KeysFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["#pp-current", "#pp-new", "#pp-again"]
        at = order.index(f"#{event.input.id}")
        if at == 1 and not self._strong_enough(event.input.value):
            return  # said now, before it is typed a second time
        if at < 2:
            self.query_one("#pp-message", Static).update("")
            self.query_one(order[at + 1], Input).focus()
            return
        current, new, again = (self.query_one(i, Input).value for i in order)
        message = self.query_one("#pp-message", Static)
        if new != again:
            message.update(_("The two new passphrases differ; type them again."))
            self._clear(order[1:])
            return
        try:
            accounts.change_own_passphrase(self.ctx.store, self.app.account, current, new, clock=self.app.clock)
        except (StoreError, LockedOut) as exc:
            message.update(Text(sentence(line(str(exc)))))
            self._clear(order)
            return
        self.dismiss(True)

    def _strong_enough(self, value: str) -> bool:
        from trainer.progress.passphrase import WeakPassphrase, check_strength

        try:
            check_strength(value)
        except WeakPassphrase as exc:
            self.query_one("#pp-message", Static).update(Text(sentence(line(str(exc)))))
            return False
        return True

    def _clear(self, selectors) -> None:
        for selector in selectors:
            self.query_one(selector, Input).value = ""
        self.query_one(selectors[0], Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)
