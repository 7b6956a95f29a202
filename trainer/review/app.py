"""Supervisor review: a passphrase gate, then trainees, attempts, transcripts, scenarios and techniques."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from trainer.i18n import N_, _, ngettext
from trainer.progress import passphrase
from trainer.ui.app import TrainerBaseApp
from trainer.ui.context import AppContext
from trainer.ui.translated import TranslatedScreen
from trainer.ui.footer import KeysFooter

MAX_TRIES = 5


class GateScreen(TranslatedScreen):
    """Nothing from the database is shown until the passphrase checks out."""

    BINDINGS = [Binding("escape", "app.quit", N_("Quit"), id="quit-gate")]

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="gate"):
            yield Static(_("Supervisor review"), classes="screen-title")
            yield Static(_("Enter the supervisor passphrase."), classes="muted")
            yield Input(password=True, id="passphrase", placeholder=_("passphrase"))
            yield Static(id="gate-message", classes="error-text")
        yield KeysFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            ok = passphrase.check(self.ctx.store, event.value)
        except passphrase.LockedOut as exc:
            self.app.exit(return_code=2, message="trainer: " + _("{reason}; review closed.").format(reason=exc))
            return
        if ok:
            from trainer.review.screens import TraineesScreen

            self.app.unlocked = True
            self.app.switch_screen(TraineesScreen())
            return
        self.tries += 1
        event.input.value = ""
        left = MAX_TRIES - self.tries
        if left <= 0:
            self.app.exit(return_code=2, message="trainer: " + _("too many wrong passphrases; review closed."))
            return
        self.query_one("#gate-message", Static).update(
            ngettext("That passphrase is not right. {count} try left.",
                     "That passphrase is not right. {count} tries left.", left).format(count=left))


class ReviewApp(TrainerBaseApp):
    """`trainer review` on a personal database: the passphrase gate, then the review's screens (which
    also run under the site app once a supervisor signs in there: both give them `ctx`)."""

    TITLE = "trainer review"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True)]

    def __init__(self, ctx: AppContext):
        super().__init__(ctx)
        self.unlocked = False

    def on_mount(self) -> None:
        self.push_screen(GateScreen())
        self.call_after_refresh(self._on_first_frame)
