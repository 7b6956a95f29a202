"""A recorded attempt replayed for a supervisor: what the trainee was shown (in the order shown), what
they chose, feedback, critical errors and the best choice each step."""

from __future__ import annotations

from rich.text import Text

from trainer.play.engine import Session
from trainer.scenario.library import Library
from trainer.play.engine import compiled_for
from trainer.play.recording import trainee_name
from trainer.play.unseen import seen_in_practice
from trainer.scenario.placeholders import personalised
from trainer.progress.records import StoredChoice
from trainer.progress.accommodations import from_columns
from trainer.progress.store import Store
from trainer.i18n import _, moment_text
from trainer.sanitize import line, printable
from trainer.scenario.languages import language_name
from trainer.ui.widgets import points_text, skill_bars, spoken, word


def _offered(scenario, stored: StoredChoice) -> list:
    """The choices the trainee saw at this step, in the order shown (recorded with the choice)."""
    node = scenario.nodes.get(stored.node)
    if node is None or not stored.shown:
        return []
    by_id = {c.id: c for c in node.choices}
    return [by_id[c] for c in stored.shown if c in by_id]


def transcript_text(store: Store, library: Library, attempt_id: str) -> Text:
    attempt = store.attempt(attempt_id)
    steps = store.steps(attempt_id)
    scenario = library.played(attempt)  # the translation, when that is what was played
    if scenario is not None:  # `{trainee}` as the trainee saw it: their first name
        scenario = personalised(scenario, trainee_name(store, attempt))
    text = Text(f"{line(attempt.scenario_title or attempt.scenario_id)}\n", style="bold")
    text.append(f"{word(attempt.mode)} · {word(attempt.status)} · {line(language_name(attempt.language))}")
    if attempt.overall is not None:
        text.append(f" · {attempt.overall:.0f}% ")
        text.append(_("PASSED") if attempt.passed else _("NOT PASSED"), style="green" if attempt.passed else "bold red")
    if attempt.signed_off_by:
        text.append(" · " + _("signed off by {name} {when}").format(name=line(attempt.signed_off_by),
                                                                  when=moment_text(attempt.signed_off_at)), style="cyan")
    accommodation = from_columns(attempt.extra_time, attempt.no_timer)
    if not accommodation.none:  # the score was earned with it: the reviewer must see that
        text.append(" · " + _("played with {accommodation}").format(accommodation=accommodation.label()), style="magenta")
    text.append("\n\n")
    session = None
    if scenario is not None and scenario.content_hash == attempt.content_hash:
        data = {"transcript": [s.transcript_step() for s in steps], "seed": attempt.order_seed}
        seen = seen_in_practice(store, attempt.trainee_id, scenario, before=attempt.started_at) \
            if attempt.mode == "assessment" else {}  # what it avoided, so other choices read as they were shown
        try:
            session = Session.from_json(compiled_for(scenario), data, seen_wordings=seen)
        except Exception:  # noqa: BLE001 - an unreplayable record still shows what was stored
            session = None
    if session is None:
        text.append(_("The scenario file has changed since this attempt; feedback and best choices are not shown.")
                    + "\n\n",
                    style="yellow")
    elif attempt.completed:  # per skill, with those this path never tested said so
        text.append_text(skill_bars(session.score()))
        text.append("\n\n")
    for i, stored in enumerate(steps):
        replayed = session.transcript[i] if session else None
        text.append(f"{i + 1}. [{line(stored.node)}] ", style="bold")
        offered = _offered(scenario, stored) if session else []
        if stored.timed_out:
            text.append(_("(time ran out)") + " " + line(" ".join(stored.text.split())) + "\n")
        elif offered:
            text.append(_("chose {number} of {count}, in the order shown:").format(number=stored.number,
                                                                               count=len(offered)) + "\n")
            for number, choice in enumerate(offered, 1):
                picked = choice.id == stored.choice
                text.append(f" {'▸' if picked else ' '} {number}. ", style="bold" if picked else "dim")
                said = stored.text if picked else \
                    choice.worded(session.wording(stored.node, choice))  # the chosen line as recorded
                text.append(line(" ".join(said.split())) + "\n", style="" if picked else "dim")
        else:
            text.append(f"{stored.number}. " + line(" ".join(stored.text.split())) + "\n")
        if replayed and replayed.reply:
            text.append("   ")
            text.append_text(spoken(replayed.reply["name"], replayed.reply["text"]))
            text.append("\n")
        if stored.critical:
            text.append("   " + _("CRITICAL ERROR: {error}").format(error=line(stored.critical)) + "\n", style="bold red")
        if replayed and replayed.feedback:
            text.append("   " + line(" ".join(replayed.feedback.split())) + "\n", style="italic")
        text.append("   ")
        text.append_text(points_text(stored.points))
        text.append("   " + _("mood {before}→{after}  {seconds}s").format(
            before=stored.mood_before, after=stored.mood_after, seconds=f"{stored.latency:.1f}") + "\n", style="dim")
        if replayed:
            best = session.compiled.best_choice(replayed.node, replayed.flags_before, replayed.mood_before)
            if best and best != stored.choice:
                node = scenario.nodes[stored.node]
                better = next((c for c in node.choices if c.id == best), None)
                if better:
                    text.append("   " + _("Best here:") + " " + line(" ".join(better.worded(session.wording(node.id, better)).split())) + "\n", style="green")
    if session:
        session.close()
    notes = store.notes(attempt_id)
    if notes:
        text.append("\n" + _("Notes") + "\n", style="bold")
        for note in notes:
            text.append(f" • {moment_text(note.created_at)} {line(note.author)}: ", style="dim")
            text.append(printable(note.text) + "\n")
    return text
