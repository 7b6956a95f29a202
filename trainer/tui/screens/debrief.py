"""The debrief: outcome, scores against thresholds, critical errors, and an annotated transcript (with the
stronger choice at each step in practice only)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from trainer.i18n import N_, _, day_text
from trainer.play.recording import RecordedAttempt
from trainer.scenario.vocabulary import label
from trainer.sanitize import line
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import coloured, points_text, skill_bars, spoken, word
from trainer.ui.footer import KeysFooter

OUTCOME_STYLE = {"resolved": "bold green", "partial": "bold yellow", "referred": "bold cyan",
                 "escalated": "bold yellow", "failed": "bold red"}


class DebriefScreen(TranslatedScreen):
    BINDINGS = [
        Binding("r", "retry", N_("Retry"), id="retry"),
        Binding("n", "next", N_("Next scenario"), id="next-scenario"),
        Binding("escape,c", "catalogue", N_("Catalogue"), id="to-catalogue"),
        Binding("p", "progress", N_("My progress"), id="progress-from-debrief"),
    ]

    def __init__(self, attempt: RecordedAttempt, reopened: bool = False):
        super().__init__()
        self.attempt = attempt
        self.reopened = reopened  # from My progress: Esc goes back there

    def compose(self) -> ComposeResult:
        session = self.attempt.session
        scenario = session.scenario
        score = session.score()
        ending = scenario.endings[session.state]
        with VerticalScroll(id="debrief"):
            head = Text(f"{line(scenario.title)}\n", style="bold")
            head.append(_("Outcome: {outcome}").format(outcome=label(ending.outcome)), style=OUTCOME_STYLE.get(ending.outcome, "bold"))
            head.append(f" · {word(self.attempt.mode)}\n", style="dim")
            head.append(line(" ".join(ending.summary.split())))
            yield Static(head, id="debrief-head")
            verdict = Text()
            passed = score.passed
            partial = getattr(self.attempt, "partial", False)  # a preview that is not a whole run
            verdict.append(_("Overall {percent}%").format(percent=f"{score.overall:.0f}"), style="bold")
            if partial:
                verdict.append("  " + _("preview - partial run"), style="bold yellow")
                verdict.append(_(": it did not play the whole scenario from the start, so there is no pass or fail"),
                               style="dim")
            else:
                verdict.append(" " + _("(pass mark {percent}%)").format(percent=f"{score.pass_mark:g}") + "  ")
                verdict.append(_("PASSED ✓") if passed else _("NOT PASSED ✗"), style="bold green" if passed else "bold red")
            yield Static(verdict, id="verdict")
            if score.critical_errors:
                crit = coloured((_("Critical error in this run:") if partial else
                             _("Critical error — this fails the attempt whatever the score:")) + "\n", "bold red")
                for message in score.critical_errors:
                    crit.append(f" • {line(message)}\n", style="red")
                crit.rstrip()
                yield Static(crit, id="critical", classes="critical")
            supervisor = self._supervisor()
            if supervisor is not None:
                yield Static(supervisor, id="debrief-supervisor")
            yield Static(skill_bars(score, verdicts=not partial), id="skill-bars")
            yield Static(Text(_("What happened, step by step"), style="bold"), classes="section")
            yield Static(self._annotated(), id="annotated")
        yield KeysFooter()

    def _supervisor(self) -> Text | None:
        """A supervisor's sign-off and notes on this attempt, when there are any."""
        store, attempt_id = getattr(self.attempt, "store", None), self.attempt.attempt_id
        row = store.attempt(attempt_id) if store is not None and attempt_id else None
        notes = store.notes(attempt_id) if row else []
        if not row or (not row.signed_off_by and not notes):
            return None
        text = Text(_("From your supervisor"), style="bold")
        if row.signed_off_by:
            text.append("\n" + _("Signed off by {name} on {day}").format(name=line(row.signed_off_by),
                                                                      day=day_text(row.signed_off_at)), style="green")
        for note in notes:
            text.append(f"\n{day_text(note.created_at)} · {line(note.author)}: ", style="dim")
            text.append(line(" ".join(note.text.split())))
        return text

    def _annotated(self) -> Text:
        session = self.attempt.session
        scenario = session.scenario
        compiled = session.compiled
        text = Text()
        for i, step in enumerate(session.transcript, 1):
            text.append(f"{i}. ", style="bold")
            text.append((_("(time ran out)") + " " if step.timed_out else "") + line(" ".join(step.text.split())) + "\n")
            if step.reply:
                text.append("   ")
                text.append_text(spoken(step.reply["name"], step.reply["text"]))
                text.append("\n")
            if step.critical:
                text.append("   " + _("CRITICAL: {message}").format(message=line(step.critical)) + "\n", style="bold red")
            if step.feedback:
                text.append("   " + line(" ".join(step.feedback.split())) + "\n", style="italic")
            text.append("   ")
            text.append_text(points_text(step.points))
            if step.tags:
                text.append("  " + line(" ".join(step.tags)), style="cyan")
            text.append("\n")
            if self.attempt.mode != "practice":
                continue  # an assessment debrief never gives the answers away: retries must be earned
            best = compiled.best_choice(step.node, step.flags_before, step.mood_before)
            if best and best != step.choice:
                node = scenario.nodes[step.node]
                better = next((c for c in node.choices if c.id == best), None)
                if better is not None:
                    text.append("   " + _("Stronger here:") + " ", style="bold green")
                    shown = better.worded(session.wording(step.node, better))  # as this attempt words it
                    text.append(line(" ".join(shown.split())) + "\n", style="green")
        return text

    def action_retry(self) -> None:
        """Back to the brief, where a new attempt needs its own Enter. The brief keeps its own mode (practice
        unless assigned as an assessment): an assessment is never started again just because the last was one."""
        self.app.open_brief(self.attempt.session.scenario.id, replace=True)

    def action_next(self) -> None:
        following = self.app.next_scenario_after(self.attempt.session.scenario.id)
        if following is None:
            self.notify(_("This is the only scenario."), timeout=2)
            return
        self.app.open_brief(self.app.version_for(following), replace=True)

    def action_progress(self) -> None:
        """Back to My progress when this debrief was reopened from there, else open it."""
        if self.reopened:
            self.app.pop_screen()
        else:
            self.app.action_progress()

    def action_catalogue(self) -> None:
        if self.reopened:
            self.app.pop_screen()
            return
        self.app.back_to_catalogue()

    def on_unmount(self) -> None:
        self.attempt.close()
