"""Playing a scenario: the character, the conversation so far, and numbered choices."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual import events
from textual.widgets import OptionList, Static

from trainer.i18n import N_, _
from trainer.play.engine import Step
from trainer.scenario.model import line_for
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import AttemptElsewhere, AttemptMovedOn, StoreError
from trainer.sanitize import line, printable
from trainer.tui.choices import MIN_CONVERSATION, ChoiceList, Hanging
from trainer.ui.translated import TranslatedScreen
from trainer.ui.footer import KeysFooter
from trainer.ui.textual_private import has_notifications
from trainer.ui.widgets import MoodMeter, coloured, points_text, spoken


class PlayScreen(TranslatedScreen):
    # All priority: a key is taken by the app as soon as it arrives, not after passing through the focused
    # list, its containers and the screen (each a queue that waits behind any drawing), and all of them,
    # so that keys typed ahead keep their order (a priority 1 would overtake the Enter before it). A key
    # whose action does not apply here (Enter with the choices shown) goes on to the list as usual.
    BINDINGS = [
        Binding("1", "pick(1)", N_("Choose"), key_display="1-9", id="pick-1", priority=True),
        *[Binding(str(n), f"pick({n})", N_("Choose"), show=False, id=f"pick-{n}", priority=True)
          for n in range(2, 10)],
        Binding("enter", "continue", N_("Continue"), id="continue", show=True, priority=True),
        Binding("m", "more", N_("More choices"), id="more-choices", priority=True),
        Binding("u", "undo", N_("Undo"), id="undo", priority=True),
        Binding("escape", "leave", N_("Save & leave"), id="leave", priority=True),
    ]

    def __init__(self, attempt: RecordedAttempt):
        super().__init__()
        self.attempt = attempt
        self.awaiting_continue = False
        self.deadline: float | None = None
        self.introduced: set[str] = set()  # speakers other than the main character whose role was shown
        self._lines: list[Static] = []  # transcript lines to mount together (see _flush)
        self._countdown_shown: int | None = None  # seconds left as drawn (None: no countdown)
        self._offered = False  # the first step's choices are on screen: a number typed before is ignored

    @property
    def session(self):
        return self.attempt.session

    @property
    def practice(self) -> bool:
        return self.attempt.mode == "practice"

    def compose(self) -> ComposeResult:
        s = self.session.scenario
        with Horizontal(id="character-panel"):
            who = Text(line(s.character.name), style="bold")
            if s.character.role:
                who.append(f" · {line(s.character.role)}", style="dim")
            yield Static(who, id="character-name")
            yield Static(id="countdown")
            yield MoodMeter(s.mood, self.session.mood, id="mood")
        with VerticalScroll(id="transcript"), Vertical(id="lines"):
            # the conversation so far (a resumed attempt's history) and the step on screen, composed with
            # the screen so its first frame is complete, with no second mount and layout for them
            self._say_history()
            if not self.session.finished:
                self._say_node(self.session.state, self.session.mood, self.session.flags)
            lines, self._lines = self._lines, []
            yield from lines
        with Vertical(id="feedback"):
            yield Static(id="feedback-body")
        yield Static(id="choices-note")
        yield ChoiceList(id="choices")
        yield KeysFooter()

    def on_mount(self) -> None:
        if has_notifications(self.app):  # a notice left from the screen before (a resume within seconds of leaving)
            self.app.clear_notifications()  # must not sit over the choices
        mode = _("Practice") if self.practice else _("Assessment")
        self.sub_title = f"{line(self.session.scenario.title)} · {mode}"
        self.query_one("#feedback").display = False
        self.query_one("#choices-note").display = False
        self.query_one("#transcript", VerticalScroll).anchor()  # kept at its end as lines arrive, in the same layout
        if self.session.finished:  # resumed after its last choice was saved: straight to the debrief
            self.app.show_debrief(self.attempt)
            return
        self._offer()
        self.set_interval(0.25, self.check_timer)

    # --- rendering ----------------------------------------------------------------------------------
    def _add(self, text: Text, classes: str) -> None:
        self._lines.append(Static(Hanging.of(text), classes=classes))

    def _flush(self) -> None:
        """Mount the lines added since the last flush in one go (one layout, not one per line; a resumed
        attempt's whole history at once). The transcript is anchored, so its end stays in view in the
        layout that places them, with no scroll and redraw after it."""
        if self._lines:
            lines, self._lines = self._lines, []
            self.query_one("#transcript", VerticalScroll).scroll_end(animate=False, immediate=True)  # re-anchors
            # the view if the trainee had scrolled up
            self.query_one("#lines", Vertical).mount_all(lines)

    def _say_history(self) -> None:
        self.introduced = set()
        for step in self.session.transcript:
            self._say_node(step.node, step.mood_before, step.flags_before)
            self._say_choice(step)

    def _say_node(self, node_id: str, mood: int, flags) -> None:
        scenario = self.session.scenario
        step = scenario.step(node_id)
        if step.narration:
            self._add(Text(line(" ".join(step.narration.split())), style="italic"), "narration")
        said = line_for(step.says, scenario.mood, mood, flags)
        if said:
            self._say(*said)

    def _say(self, speaker: str, text: str, classes: str = "character-line") -> None:
        """A character's line, credited by name; another character's role is shown the first time they speak
        (the main character's is in the panel above)."""
        scenario = self.session.scenario
        who = scenario.speaker(speaker)
        role = ""
        if who.id != scenario.character.id and who.id not in self.introduced:
            self.introduced.add(who.id)
            role = who.role
        self._add(spoken(who.name, text, role), classes)

    def _say_choice(self, step: Step) -> None:
        text = Text(_("You:") + " ", style="bold")
        text.append(printable(step.text))
        self._add(text, "trainee-line")
        if step.reply:
            self._say(step.reply["speaker"], step.reply["text"], "character-line reply")

    def _show_node(self) -> None:
        session = self.session
        if session.finished:  # nothing more to draw here: the debrief replaces this screen
            self.deadline = None
            self.app.show_debrief(self.attempt)
            return
        self.query_one(MoodMeter).set_mood(session.mood)
        self._say_node(session.state, session.mood, session.flags)
        self._flush()
        self._offer()

    def _offer(self) -> None:
        """The current step's choices, its clock started (or, resumed, continued) from now."""
        session = self.session
        try:  # when this node was first shown and its deadline live in the store: a resume keeps both
            self.deadline = self.attempt.show(self.app.clock())
        except AttemptElsewhere as exc:
            self._elsewhere(exc)
            return
        except StoreError as exc:
            self.notify(line(_("Could not save the time on this step: {reason}").format(reason=exc)), severity="warning", timeout=8, markup=False)
            session.shown_at = self.app.clock()
            limit = session.time_limit
            self.deadline = session.shown_at + limit if limit is not None else None
        choices = self.query_one("#choices", ChoiceList)
        self._offered = True
        choices.offer([(choice.id, line(" ".join(choice.text.split()))) for choice in session.options()],
                      self.app.size.width, self._room())
        choices.display = True
        self._show_pages()
        self.set_focus(choices)  # at once, not later: a deferred focus could land on the list after a quick
        # number key has already hidden it, and the Enter meant for the coaching would then be lost
        self._update_countdown()

    def _room(self) -> int:
        """The lines the choices may take: all but the character panel, the footer and a few lines of
        the conversation."""
        return self.app.size.height - 2 - MIN_CONVERSATION

    def _show_pages(self, hint: str | None = None) -> None:
        """The line above the choices: a hint about a key just pressed (for a few seconds: here, not in a
        toast that would cover the choices), else whether the choices are paged, which are shown and the key
        for the others; hidden when there is nothing to say."""
        choices = self.query_one("#choices", ChoiceList)
        note = self.query_one("#choices-note", Static)
        was = note.display
        if getattr(self, "_hint_timer", None) is not None:
            self._hint_timer.stop()
            self._hint_timer = None
        if hint:
            note.update(Text(hint, style="bold"))
            self._hint_timer = self.set_timer(3, self._show_pages)
        elif choices.paged:
            shown, total = choices.shown, len(choices.prompts)
            which = (_("Choice {number} of {total}, not all fit:").format(number=shown.start + 1, total=total)
                     if len(shown) == 1 else
                     _("Choices {first}-{last} of {total}, not all fit:").format(first=shown.start + 1,
                                                                                 last=shown.stop, total=total))
            text = Text(which + " ", style="bold")
            text.append(_("m for the others") if choices.all_seen else _("m for the others (see all before choosing)"),
                        style="bold reverse")
            note.update(text)
        note.display = choices.display and bool(hint or choices.paged)
        if was != note.display:
            self.refresh_bindings()

    def hint(self, text: str) -> None:
        """Say something about a key or click that did nothing, just above the choices."""
        if self.query_one("#choices").display:
            self._show_pages(text)
        else:
            self.notify(text, timeout=3)

    def on_resize(self, event: events.Resize) -> None:
        choices = self.query_one("#choices", ChoiceList)
        if self._offered and choices.display:
            choices.refit(event.size.width, self._room())
            self._show_pages()

    def action_more(self) -> None:
        choices = self.query_one("#choices", ChoiceList)
        if choices.paged and choices.display and not self.awaiting_continue:
            choices.show_page(choices.page + 1)
            self._show_pages()

    def _update_countdown(self) -> None:
        left = None if self.deadline is None else max(0, int(self.deadline - self.app.clock() + 0.999))
        if left == self._countdown_shown:
            return  # unchanged: no new layout for the line (it is redrawn only when the seconds change)
        self._countdown_shown = left
        widget = self.query_one("#countdown", Static)
        if left is None:
            widget.update("")
        else:
            widget.update(coloured("⏱ " + _("{seconds}s left").format(seconds=left),
                                   "bold red" if left <= 10 else "bold yellow"))

    def _show_feedback(self, step: Step) -> None:
        body = Text()
        if step.timed_out:
            body.append(_("Time ran out.") + " ", style="bold red")
        if step.critical:
            body.append(_("CRITICAL ERROR:") + " ", style="bold red")
            body.append(line(step.critical) + "\n", style="red")
        body.append(line(" ".join(step.feedback.split())) or _("No coaching note for this choice."))
        body.append("\n")
        body.append_text(points_text(step.points))
        if step.tags:
            body.append("   " + line("  ".join(step.tags)), style="italic cyan")
        body.append("\n" + _("Enter to continue · u to undo"), style="dim")
        self.query_one("#feedback-body", Static).update(body)
        self.query_one("#feedback").display = True
        self.query_one("#choices").display = False
        self.query_one("#choices-note").display = False
        self.set_focus(None)  # Enter now belongs to the screen: continue
        self.awaiting_continue = True

    # --- acting ----------------------------------------------------------------------------------------
    def check_timer(self) -> None:
        """Called on an interval (and directly by tests): take the timeout branch when time is up. While
        help or the palette covers the screen the clock keeps running; the timeout, stamped at the
        deadline, is taken as soon as the screen is back."""
        if self.deadline is None or self.awaiting_continue or self.app.screen is not self:
            return
        if self.app.clock() >= self.deadline:
            deadline = self.deadline
            self.deadline = None
            if not self._act(lambda: self.attempt.time_out(deadline)):
                self.deadline = deadline  # not saved: try again on a later tick
        else:
            self._update_countdown()

    def on_screen_resume(self) -> None:
        self.check_timer()

    def action_pick(self, number: int) -> None:
        if self.awaiting_continue or self.session.finished or not self._offered:
            return
        if number > len(self.session.options()):
            self.hint(_("There is no choice {number} here.").format(number=number))
            return
        choices = self.query_one("#choices", ChoiceList)
        if number - 1 not in choices.shown:  # a choice is chosen only while the trainee can read it whole
            self.hint(_("Choice {number} is not on screen: press m to see it.").format(number=number))
            return
        if not choices.all_seen:
            self.hint(_("Not every choice has been on screen yet: press m to see the others first."))
            return
        self._act(lambda: self.attempt.choose(number, self.app.clock()))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.awaiting_continue:  # an Enter that reached the hidden list while coaching is shown
            self.action_continue()
        else:
            self.action_pick(self.query_one("#choices", ChoiceList).number_at(event.option_index))

    def _act(self, make_step) -> bool:
        """Make and save one step (saved before anything is drawn), then show it; on a save failure nothing
        changed and the step can be tried again."""
        try:
            step = make_step()
        except AttemptMovedOn as exc:
            self._moved_on(exc)
            return False
        except AttemptElsewhere as exc:
            self._elsewhere(exc)
            return False
        except StoreError as exc:
            now = self.app.clock()
            if now - getattr(self, "_last_error", -1e9) >= 5:  # a retrying timeout must not flood the screen
                self.notify(line(_("Could not save that choice: {reason}").format(reason=exc)), severity="error", timeout=8, markup=False)
                self._last_error = now
            return False
        self.deadline = None
        self._update_countdown()
        self._say_choice(step)
        if self.practice:
            self._flush()
            self._show_feedback(step)
        else:
            self._show_node()  # the choice and the next step's lines in one mount
        self.refresh_bindings()
        return True

    def _moved_on(self, exc: AttemptMovedOn) -> None:
        """Another window answered this step first: say so, and show the step the attempt is now at."""
        self.deadline = None
        self.notify(f"{str(exc)[0].upper()}{str(exc)[1:]}.", title=_("Attempt moved on"), severity="warning",
                    timeout=10, markup=False)
        self.awaiting_continue = False
        self.query_one("#feedback").display = False
        self.query_one("#lines", Vertical).remove_children()
        self._say_history()
        self._show_node()
        self.refresh_bindings()

    def _elsewhere(self, exc: AttemptElsewhere) -> None:
        """Another window took this attempt over (or ended it): stop here without writing anything."""
        self.deadline = None
        self.notify(f"{str(exc)[0].upper()}{str(exc)[1:]}.", title=_("Attempt open elsewhere"), severity="warning",
                    timeout=10, markup=False)
        self.attempt.close()
        self.app.back_to_catalogue()

    def action_continue(self) -> None:
        """Enter past the coaching panel. It never also chooses: the next step starts with nothing
        highlighted, so a second Enter does nothing."""
        if self.awaiting_continue:
            self.awaiting_continue = False
            self.query_one("#feedback").display = False
            self._show_node()
            self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "undo":
            return self.practice and bool(self.session.transcript)
        if action == "pick":
            return not self.awaiting_continue
        if action == "continue":
            return self.awaiting_continue
        if action == "more":  # only while the choices are shown a page at a time
            found = self.query("#choices")
            choices = found.first() if found else None
            return bool(choices and choices.paged and choices.display and not self.awaiting_continue)
        return True

    def action_undo(self) -> None:
        if not self.practice:
            return
        try:
            removed = self.attempt.undo()
        except AttemptElsewhere as exc:
            self._elsewhere(exc)
            return
        except StoreError as exc:
            self.notify(line(_("Could not take that choice back: {reason}").format(reason=exc)), severity="error", timeout=8, markup=False)
            return
        if removed is None:
            return
        self.awaiting_continue = False
        self.query_one("#feedback").display = False
        self.query_one("#lines", Vertical).remove_children()
        self._say_history()
        self.notify(_("Choice taken back."), timeout=2)
        self._show_node()
        self.refresh_bindings()

    def on_unmount(self) -> None:
        try:  # leaving, quitting or finishing: another window need not be warned about this one
            self.attempt.release()
        except StoreError:
            pass  # the warning then shows for a few minutes; nothing recorded depends on it

    def action_leave(self) -> None:
        self.notify(_("Saved. Open this scenario again to resume."), timeout=3)
        self.attempt.close()
        self.app.back_to_catalogue()
