"""What an assessment prefers the trainee has not seen: the form of a scenario they have met least, and for
each choice a wording not shown to them in practice. Practice shows coaching after every choice, so an
assessment in the very words practised would measure recall of the answer key, not judgment.

A wording is drawn from the attempt's seed like the choice order (see order.py), so a resume, a review or
`trainer simulate --seed N` shows the same words; what practice showed is worked out again from each
practice attempt's seed and the choices it stored as shown.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from trainer.progress.lookups import attempts_per_form, practiced_steps


def pick_wording(seed: int | None, node_id: str, choice_id: str, count: int,
                 seen: Mapping[int, int] | None = None) -> int:
    """The index of the wording an attempt shows for one choice: the first without a seed; else drawn from
    (seed, node, choice) among the wordings seen least often (`seen`: wording index -> times seen)."""
    if count < 2:
        return 0
    candidates = list(range(count))
    if seen:
        fewest = min(seen.get(i, 0) for i in candidates)
        candidates = [i for i in candidates if seen.get(i, 0) == fewest]
    if seed is None:
        return candidates[0]
    return random.Random(f"trainer-wording:{int(seed)}:{node_id}:{choice_id}").choice(candidates)


def seen_in_practice(store, trainee_id: int, scenario, before: str | None = None) -> dict:
    """(node, choice id) -> {wording index: times shown} over the trainee's practice attempts on this very
    file (started before `before`, when given: a resumed assessment draws as it did when it began). Earlier
    versions of the file count too: an edit elsewhere does not make words already practised new."""
    multi = {(node.id, c.id): len(c.wordings) for node in scenario.nodes.values() for c in node.choices
             if len(c.wordings) > 1}
    if not multi:
        return {}
    seen: dict = {}
    for step in practiced_steps(store, trainee_id, scenario.id, before):
        seed, node, chosen, wording = step.order_seed, step.node, step.choice, step.wording
        for choice_id in step.shown or [chosen]:
            count = multi.get((node, choice_id))
            if count is None:
                continue
            index = wording if choice_id == chosen and wording is not None else \
                pick_wording(seed, node, choice_id, count)  # practice avoids nothing: the seed alone drew it
            if index >= count:
                continue  # a wording since removed from the file
            tally = seen.setdefault((node, choice_id), {})
            tally[index] = tally.get(index, 0) + 1
    return seen


def forms_of(library, scenario_id: str) -> list[str]:
    """The original `scenario_id` counts toward and each of its forms (never translations), original first."""
    summary = library.summaries.get(scenario_id)
    group = summary.counts_toward if summary is not None else scenario_id
    return [group] + [s.id for s in library.summaries.values() if s.form_of == group and not s.translation_of]


def least_seen_form(store, trainee_id: int, library, scenario_id: str) -> str:
    """The form of `scenario_id` (its original or one of its forms) the trainee has started fewest attempts
    on, practice included; on a tie the one asked for, then the original, then library order. Returns the
    form's id (an original, not a translation: open it in the trainee's language with `version_in`)."""
    forms = forms_of(library, scenario_id)
    if len(forms) < 2:
        return scenario_id
    asked = library.summaries[scenario_id].original_id if scenario_id in library.summaries else scenario_id
    counts = attempts_per_form(store, trainee_id, forms[0])
    return min(forms, key=lambda form: (counts.get(form, 0), form != asked, forms.index(form)))


def assessment_form(store, trainee_id: int, library, scenario) -> tuple[object, int, int]:
    """The scenario an assessment opened on `scenario` plays: its least-seen form, in the language
    `scenario` is in when that form has a translation into it; with the form's number among the forms
    (the original is 1) and how many there are, so the app can say which it opened."""
    forms = forms_of(library, scenario.id)
    if len(forms) < 2:
        return scenario, 1, 1
    form = least_seen_form(store, trainee_id, library, scenario.id)
    version = library.version_in(form, scenario.language)
    chosen = library.get(version.id) if version is not None else None
    if chosen is None:
        chosen = scenario
    number = forms.index(chosen.original_id) + 1 if chosen.original_id in forms else 1
    return chosen, number, len(forms)
