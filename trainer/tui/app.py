"""The trainee app: pick a trainee, browse the catalogue, play, and read the debrief. On a site database it
is also the site's app: everyone signs in, and a supervisor goes on to the review's screens."""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trainer.i18n import N_, _, current_language, set_language
from trainer.progress.dbfile import StoreError
from trainer.sanitize import line
from trainer.ui.app import CSS_FILE, TrainerBaseApp
from trainer.ui.context import AppContext

if TYPE_CHECKING:  # the store module loads when the database opens, after the first frame
    from trainer.progress.store import Trainee

__all__ = ["CSS_FILE", "TrainerApp"]
TERMINATE_GRACE = 5.0  # seconds a terminated app has to leave cleanly before the process just ends


class TrainerApp(TrainerBaseApp):
    """Keyboard-first role-play practice."""

    TITLE = "trainer"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True, show=False)]

    def __init__(self, ctx: AppContext, trainee: Trainee | str | None = None, play: str | None = None,
                 roles: tuple[str, ...] = ("trainee", "supervisor"),
                 order_seed: Callable[[], int | None] | None = None):
        """Built by trainer.launch, which decides whether this is a site (`ctx.site`) and how the store opens."""
        super().__init__(ctx)
        known = trainee is not None and not isinstance(trainee, str)  # a Trainee record, not just a name
        self._trainee = trainee if known else None
        self.trainee_name = trainee.name if known else trainee
        self.play_first = play
        self.footer_keys_at_once = False  # until the first screen is drawn (see _show_first)
        self._leaving = False
        self.roles = roles
        self.account = None
        self.order_seed = order_seed or (lambda: None)
        self.chosen_language: str | None = None  # set with the catalogue's 'l': which version to show first
        self._jurisdiction: str | None = None

    @property
    def site(self) -> bool:
        """A site database: everyone signs in first."""
        return self.ctx.site

    @property
    def scenario_language(self) -> str:
        """The language whose version of a scenario the trainee sees first: the one picked in the catalogue,
        else the app's language (the trainee's setting, else the environment)."""
        return self.chosen_language or current_language()

    @property
    def jurisdiction(self) -> str:
        """Whose law and practice the catalogue, suggestions and assignments offer: the site's setting on a
        site database, the locale's country on a personal one (US when it names none)."""
        if self._jurisdiction is None:
            if self.site and self.store_is_open:
                from trainer.progress.accounts import jurisdiction_of

                self._jurisdiction = jurisdiction_of(self.store)
            else:
                from trainer.i18n import territory_from_environment

                return territory_from_environment()
        return self._jurisdiction

    def offered_here(self, summary) -> bool:
        """A scenario offered for this jurisdiction (trainer.play.offered decides)."""
        from trainer.play.offered import offered_here

        return offered_here(self.library, self.jurisdiction, summary)

    def version_for(self, scenario_id: str) -> str:
        """The id of the version of `scenario_id` (an original) to open in the current language."""
        found = self.library.version_in(scenario_id, self.scenario_language)
        return found.id if found is not None else scenario_id

    @property
    def trainee(self) -> Trainee | None:
        if self._trainee is None and self.trainee_name:
            self._trainee = self.store.trainee(self.trainee_name)
            self.apply_language()
        return self._trainee

    @trainee.setter
    def trainee(self, value: Trainee) -> None:
        self._trainee = value
        self.trainee_name = value.name
        self.apply_language()

    def apply_language(self) -> bool:
        """Speak the trainee's own language when they chose one, else the environment's; True on a change."""
        from trainer.progress.preferences import language_of

        before = current_language()
        chosen = language_of(self.store, self._trainee) if self._trainee is not None and self.store_is_open else None
        return set_language(chosen) != before

    def change_language(self, code: str | None) -> None:
        """Keep the trainee's choice (None: as on this computer) and show it at once: My progress is rebuilt,
        and the catalogue under it too when that is all there is underneath (a debrief or a scenario under
        it keeps its words until it is next opened; the footer keys change at once everywhere)."""
        from trainer.progress.preferences import set_language as keep
        from trainer.tui.screens.catalogue import CatalogueScreen
        from trainer.tui.screens.progress import ProgressScreen

        try:
            keep(self.store, self.trainee, code)
        except StoreError as exc:
            self.notify(line(str(exc)), severity="error", markup=False)
            return
        self.apply_language()
        under = self.screen_stack[-2] if len(self.screen_stack) >= 2 else None
        if isinstance(self.screen, ProgressScreen) and isinstance(under, CatalogueScreen):
            self.pop_screen()
            self.switch_screen(CatalogueScreen())
            self.push_screen(ProgressScreen())
        elif isinstance(self.screen, ProgressScreen):
            self.switch_screen(ProgressScreen())
        self.refresh_bindings()

    def ready(self) -> bool:
        """Open the store and find the trainee; on failure, leave with the reason instead of a traceback."""
        if self._leaving:
            return False
        try:
            self.store
            self.trainee
            return True
        except StoreError as exc:
            self._leaving = True  # say it once, however many screens ask
            self.exit(return_code=1, message=Text(line(f"trainer: {exc}")))
            return False

    # --- navigation ----------------------------------------------------------------------------------
    leave_on_terminate = False  # trainer.cli.running sets it: SIGTERM/SIGHUP (a closed tab or terminal) leave as a quit does

    def on_mount(self) -> None:
        from trainer.tui.screens.catalogue import CatalogueScreen

        if self.leave_on_terminate:  # the app is the process (trainer.launch), not one of many in a test run
            import asyncio
            import signal

            for ending in (signal.SIGTERM, signal.SIGHUP):  # a closed tab's process; a closed terminal
                asyncio.get_running_loop().add_signal_handler(ending, self.terminated)

        if self.site:
            from trainer.tui.screens.signin import SignInScreen

            title = _("Supervisor sign-in") if self.roles == ("supervisor",) else _("Sign in")
            if self.ready():
                self.push_screen(SignInScreen(self.roles, title))
                self.call_after_refresh(self.sign_in_by_ticket)
        elif self.trainee_name is None:
            from trainer.tui.screens.trainee import TraineeScreen

            if self.ready():
                self.push_screen(TraineeScreen())
        elif self.play_first:  # straight to a brief, which needs the database at once
            if self.ready():
                self.push_screen(CatalogueScreen())
                self.open_brief(self.play_first)
        else:
            # Pushed once Textual's start-up batch is over, not inside it: a screen pushed inside is laid
            # out and rendered there, that frame is thrown away, and the frame shown after it was only a
            # partial update until the next layout pass (35 ms of a 330 ms start-up, measured in a pty)
            self.call_later(self._show_first, CatalogueScreen())
            return
        self._show_first(None)

    def _show_first(self, screen: Screen | None) -> None:
        """Push the first screen (None: pushed already) and, once it is drawn, let footers draw their keys with
        their screens and turn the collector back on."""
        if screen is not None:
            self.push_screen(screen)
        self.call_after_refresh(self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        self.footer_keys_at_once = True
        self._on_first_frame()
        if self.leave_on_terminate:
            self._collect_from_now_on()

    def warm_up(self) -> None:
        """Once the catalogue shows the trainee's progress: load what opening a brief and starting it need
        (the engine, `transitions`, the brief and play screens), so the first Enter on a brief does not wait
        for those imports. A trainee reads the catalogue for seconds; ten served terminals pressing Enter at
        once each spent about 25 ms of CPU on them inside the Enter -> choices wait (bench: serve)."""
        import trainer.play.recording  # noqa: F401
        import trainer.tui.screens.brief  # noqa: F401
        import trainer.tui.screens.play  # noqa: F401

        if self.leave_on_terminate:  # the app is the process: what was just loaded lives as long as it does,
            gc.freeze()  # like start-up's (below); never in a test run, whose other apps' garbage it would keep

    @staticmethod
    def _collect_from_now_on() -> None:
        """After the first frame, move what start-up built (Textual's styles and widgets, the library) out
        of the collector's sight: it lives as long as the process, and every full collection walked it
        again (gen-2 passes of 90-200 ms under load were most of a served terminal's Enter -> choices
        wait). Then the collector, off during start-up (trainer.cli.running), is on again, with a first
        generation of 5,000 objects rather than 700: a choice's frames allocate tens of thousands (Textual's
        strips and their caches), nearly all freed by reference counting, and at 700 the collector ran
        about twenty times per step; at 5,000, once or twice, with half the collector's time spent (bench:
        serve)."""
        gc.freeze()
        gc.set_threshold(5_000, 20, 20)
        gc.enable()

    def sign_in_by_ticket(self) -> None:
        """A terminal tab behind a login proxy: the web server passed a one-time single sign-on ticket
        (TRAINER_SSO_TICKET; trainer.web.sso), which skips the sign-in screen once. Taken out of the
        environment at once; an unknown, used or expired ticket leaves the sign-in screen as it is."""
        import os

        token = os.environ.pop("TRAINER_SSO_TICKET", "")
        if not token:
            return
        from trainer.progress import audit, sso

        try:
            account = sso.redeem_ticket(self.store, token, audit.client_address())
        except StoreError:
            return
        if account is not None and account.role in self.roles:
            self.signed_in(account)

    def signed_in(self, account) -> None:
        """After the sign-in: a trainee goes to their catalogue, a supervisor to the review."""
        self.account = account
        if account.role == "supervisor":
            from trainer.review.screens import TraineesScreen

            self.ctx = replace(self.ctx, supervisor=account.name)
            self.sub_title = line(_("{name} · supervisor").format(name=account.name))
            self.switch_screen(TraineesScreen())
            return
        self.choose_trainee(account.trainee)

    def terminated(self) -> None:
        """SIGTERM or SIGHUP (the web server closing a tab's process, `kill`, a closed terminal or SSH
        connection): sign out first, then leave as a quit does; if leaving is stuck, end the process anyway."""
        import asyncio
        import os

        self.sign_out()
        self.call_after_refresh(self.exit)  # after the screen being shown has mounted: leaving mid-mount fails
        asyncio.get_running_loop().call_later(TERMINATE_GRACE, os._exit, 0)

    def sign_out(self) -> None:
        """Record that the signed-in person left (once), with where from."""
        account, self.account = self.account, None
        if account is None or not self.store_is_open:
            return
        from trainer.progress import audit

        try:
            audit.sign_out(self.store, account.name)
        except StoreError:
            pass  # a read-only or vanished database: the sign-in itself was recorded, nothing else is lost

    def on_unmount(self) -> None:
        """Leaving the app (a quit, or the browser tab closed) signs the person out: audited, with where from."""
        self.sign_out()

    def action_change_passphrase(self) -> None:
        from trainer.tui.screens.signin import ChangePassphraseScreen

        if self.account is not None and not isinstance(self.screen, ChangePassphraseScreen):
            self.push_screen(ChangePassphraseScreen(),
                             lambda changed: changed and self.notify(_("Your passphrase is changed.")))

    def choose_trainee(self, trainee: Trainee) -> None:
        from trainer.tui.screens.catalogue import CatalogueScreen

        self.trainee = trainee
        self.sub_title = line(trainee.name)
        self.switch_screen(CatalogueScreen())
        if self.play_first:
            self.open_brief(self.play_first)

    def suggestions(self, today) -> list:
        """What the signed-in trainee should play next (trainer.play.suggest); the library's offers are
        worked out once per app."""
        from trainer.play.next_up import offers, suggestions_for

        if getattr(self, "_offers", None) is None:
            here = self.jurisdiction
            self._offers = offers(self.library, here if self.library.has_jurisdiction(here) else None,
                                  self.scenario_language)
        return suggestions_for(self.store, self.trainee, self.library, today, self._offers)

    def ordered_scenarios(self):
        """Summaries of the originals in catalogue order (trainer.play.offered)."""
        from trainer.play.offered import catalogue_order

        return catalogue_order(self.library)

    def open_brief(self, scenario_id: str, replace: bool = False, mode: str | None = None) -> None:
        """The scenario's brief, over the current screen or (`replace`, from a debrief) in its place. A
        debrief sits over the brief its attempt was started from: a retry goes back to that brief, and
        another scenario's brief takes its place. Without a `mode` it opens in the one the trainee's
        assignment asks for, else practice."""
        from trainer.tui.screens.brief import BriefScreen

        scenario = self.library.get(scenario_id)
        if scenario is None:
            self.notify(_("No scenario '{id}'").format(id=line(scenario_id)), severity="error", markup=False)
            return
        if not self.ready():  # the brief reads the database straight away (`trainer play` comes here first)
            return
        if mode is None:
            mode = self.assigned_mode(scenario.original_id)
        below = self.screen_stack[-2] if replace and len(self.screen_stack) > 1 else None
        if isinstance(below, BriefScreen):
            self.pop_screen()
            if below.scenario.id == scenario.id:
                below.back_from_attempt(mode)
                return
        screen = BriefScreen(scenario, mode)
        self.switch_screen(screen) if replace else self.push_screen(screen)

    def assigned_mode(self, original_id: str) -> str:
        """The mode a brief opens in (trainer.play.offered: the assignment's, else practice)."""
        from datetime import date

        from trainer.play.offered import assigned_mode

        return assigned_mode(self.store, self.trainee, self.library, original_id, date.fromtimestamp(self.clock()))

    def start_attempt(self, scenario, mode: str, resume_id: str | None = None, discard: Iterable[str] = ()) -> None:
        """A new attempt with its own choice order, or a resumed one taken over for this window. A new one
        abandons only the unfinished attempts in `discard`, those the trainee was asked about and agreed to
        give up (the brief names them); nothing else is ever abandoned on the way. Its play
        screen goes over the brief rather than in its place: replacing a screen keeps the app from taking
        keys until the old one is removed, and a number pressed on the first choices waited for that
        (bench: serve). The debrief then takes the play screen's place, over the brief."""
        from trainer.play.recording import RecordedAttempt
        from trainer.tui.screens.play import PlayScreen

        try:
            if resume_id:
                row = self.store.attempt(resume_id)  # on a form, perhaps: resume the very file played
                scenario = (self.library.played(row) if row and row.form_id else None) or scenario
                attempt = RecordedAttempt.resume(self.store, resume_id, scenario, self.clock)
            else:
                for old in discard:
                    self.store.abandon_attempt(old)
                attempt = RecordedAttempt.start(self.store, self.trainee, scenario, mode, self.clock,
                                                 seed=self.order_seed())
        except StoreError as exc:  # read-only file, full disk, busy: say so and stay where we are
            self.notify(line(_("Could not start the attempt: {reason}").format(reason=exc)), title=_("Not started"),
                        severity="error",
                        timeout=10, markup=False)
            return
        self.push_screen(PlayScreen(attempt))

    def _brief_of_another_form(self, scenario) -> bool:
        """An assessment plays the form of the scenario the trainee has seen least (practice included), so
        it measures judgment rather than recall of a key seen in practice. When that is another form than
        the brief on screen, its own brief takes that one's place (its situation and people differ), saying
        which form it is; Enter there starts it. True when it did."""
        from trainer.play.unseen import assessment_form
        from trainer.tui.screens.brief import BriefScreen

        chosen, number, count = assessment_form(self.store, self.trainee.id, self.library, scenario)
        if chosen.id == scenario.id or not isinstance(self.screen, BriefScreen):
            return False
        self.switch_screen(BriefScreen(chosen, "assessment"))
        self.notify(line(_("This assessment uses form {number} of {count}: {title}, the one you have seen least. "
                           "Read its situation, then press Enter to start.").format(
            number=number, count=count, title=chosen.title)), title=_("Assessment form"), timeout=10, markup=False)
        return True

    def show_debrief(self, attempt) -> None:
        from trainer.tui.screens.debrief import DebriefScreen

        self.switch_screen(DebriefScreen(attempt))

    def next_scenario_after(self, scenario_id: str) -> str | None:
        ids = [s.id for s in self.ordered_scenarios()]
        summary = self.library.summaries.get(scenario_id)
        scenario_id = summary.original_id if summary is not None else scenario_id
        if scenario_id not in ids or len(ids) < 2:
            return None
        return ids[(ids.index(scenario_id) + 1) % len(ids)]

    def back_to_catalogue(self) -> None:
        from trainer.tui.screens.catalogue import CatalogueScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, CatalogueScreen):
            self.pop_screen()
        if not isinstance(self.screen, CatalogueScreen):
            self.switch_screen(CatalogueScreen())
        else:
            self.screen.refresh_rows()

    # --- actions --------------------------------------------------------------------------------------
    def action_progress(self) -> None:
        from trainer.tui.screens.progress import ProgressScreen

        if self.trainee is not None and not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())

    def action_language(self) -> None:
        """The language picker, opened over My progress (where the choice is shown at once)."""
        from trainer.progress.preferences import language_of
        from trainer.tui.screens.language import LanguageScreen
        from trainer.tui.screens.progress import ProgressScreen

        if self.trainee is None or isinstance(self.screen, LanguageScreen):
            return
        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen())
        self.push_screen(LanguageScreen(language_of(self.store, self.trainee)),
                         lambda code: code is not None and self.change_language(code or None))

    def action_catalogue(self) -> None:
        if self.trainee is not None:
            self.back_to_catalogue()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.trainee is not None:
            yield SystemCommand(_("Catalogue"), _("Go back to the scenario catalogue"), self.action_catalogue)
            yield SystemCommand(_("My progress"), _("Your attempts, scores and trends"), self.action_progress)
            yield SystemCommand(_("Language"), _("The language of the app's own words"), self.action_language)
        if self.account is not None:
            yield SystemCommand(_("Change my passphrase"), _("Set a new passphrase for signing in"),
                                self.action_change_passphrase)
        yield SystemCommand(_("Switch light/dark theme"), _("Toggle between the light and dark themes"),
                            self.action_toggle_theme)
        yield SystemCommand(_("Trainer keys"), _("The keys for this screen and the whole app"), self.action_help)
