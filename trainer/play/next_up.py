"""The suggestion's inputs read from the database and the library (trainer.play.suggest decides)."""

from __future__ import annotations

from datetime import date
from typing import Mapping

from trainer.play.suggest import DUE_SOON_DAYS, Assigned, Attempt, Offer, Suggestion, suggest
from trainer.progress import lookups
from trainer.progress.schedule import local_day
from trainer.progress.store import Store, Trainee


def offer_for(scenario) -> Offer:
    """A scenario as the suggestion sees it: per skill, its weight x the most points a path can earn in
    it (from the scenario analysis), and every technique tag it uses."""
    from scoring import extremes
    from trainer.scenario.analysis import analysis_for

    analysis = analysis_for(scenario)
    exercise: dict[str, float] = {}
    if analysis.loop_error is None:  # only the best totals are needed, not the whole `ranges`
        for i, skill in enumerate(analysis.skills):
            best = extremes(analysis.graph, lambda e, i=i: e.weights[i], True, analysis.start)
            exercise[skill] = scenario.skills[skill].weight * max(0.0, best.value.get(analysis.start, 0.0))
    else:  # unbalanced loops: fall back to the points written on choices
        for node in scenario.nodes.values():
            for choice in node.choices:
                for skill, pts in choice.points.items():
                    if pts > 0 and skill in scenario.skills:
                        exercise[skill] = exercise.get(skill, 0.0) + scenario.skills[skill].weight * pts
    tags = frozenset(t for n in scenario.nodes.values() for c in n.choices for t in c.tags)
    return Offer(scenario.id, scenario.title, scenario.category, scenario.difficulty, scenario.pass_mark,
                 exercise, tags)


def offers(library, jurisdiction: str | None = None, language: str | None = None) -> dict[str, Offer]:
    """Every scenario of the library (loaded and analysed once each); a translation or a form is a version
    of its original (its attempts are recorded there), not a scenario to suggest on its own. With
    `jurisdiction`, only that country's scenarios and those that name none: a US trainee is never pointed
    at a UK scenario's rules. With `language`, only scenarios that can be played in it (an English
    reader is not pointed at a scenario written in Spanish alone), unless fewer than three are."""
    from trainer.scenario.languages import same_language

    here = [s for s in library.originals() if not s.form_of
            and (jurisdiction is None or not s.jurisdiction or s.jurisdiction == jurisdiction)]
    if language:
        readable = [s for s in here if any(same_language(code, language) for code in library.languages_of(s.id))]
        here = readable if len(readable) >= 3 else here
    return _offers_for(library, here)


def _offers_for(library, summaries) -> dict[str, Offer]:
    """`offer_for` each scenario, kept in a content-keyed cache beside the scenario cache: working them out
    unpickles and analyses every scenario, which was most of the catalogue's wait for "Next for you" at
    each launch. Keyed on the file's path and content hash, so an edited scenario is analysed afresh."""
    from trainer.scenario.cache import ContentCache, default_cache_file

    cache = ContentCache(default_cache_file("offers"))
    found: dict[str, Offer] = {}
    for summary in summaries:
        key = summary.content_hash.encode() if summary.path and summary.content_hash else None
        offer = cache.get(summary.path, key) if key is not None else None
        if not isinstance(offer, Offer):
            offer = offer_for(library.scenarios[summary.id])
            if key is not None:
                cache.put(summary.path, key, offer)
        found[summary.id] = offer
    cache.save()
    return found


def finished_attempts(store: Store, trainee: Trainee) -> list[Attempt]:
    """The trainee's completed attempts (practice and assessment) with per-skill percentages and, per
    skill, the technique tags of the choices that lost points in it."""
    return [Attempt(a.scenario_id, local_day(a.finished_at), a.finished_at, a.passed, a.overall, skills=a.skills,
                    offered=a.offered, missed=a.missed)
            for a in lookups.finished_attempts(store, trainee.id)]


def open_assignments(store: Store, trainee: Trainee, catalogue: Mapping, today: date) -> list[Assigned]:
    from trainer.progress.programme import due_soon

    return [Assigned(r["scenario"], date.fromisoformat(r["due"]))
            for r in due_soon(store, trainee, catalogue, today, days=DUE_SOON_DAYS)]


def suggestions_for(store: Store, trainee: Trainee | None, library, today: date,
                    offered: Mapping[str, Offer] | None = None, about: bool = False) -> list[Suggestion]:
    """Up to three scenarios for this trainee today. `offered` reuses offers already built (the review
    app asks for many trainees at once). A trainee not in the database yet (None) has no history."""
    if offered is None:
        from trainer.progress.accounts import jurisdiction_of

        here = jurisdiction_of(store)
        offered = offers(library, here if library.has_jurisdiction(here) else None)
    if trainee is None:
        return suggest([], offered, [], today)
    return suggest(finished_attempts(store, trainee), offered,
                   open_assignments(store, trainee, library.summaries, today), today,
                   about=trainee.name if about else None)  # `about`: a supervisor reads them
