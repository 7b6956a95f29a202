"""Checks beyond the format: loops that make scores unbounded (errors) and authoring mistakes
(warnings, which `trainer validate --strict` treats as failures)."""

from __future__ import annotations

from trainer.scenario.analysis import Analysis
from trainer.scenario.diagnostics import Report
from trainer.scenario.fairness import LENGTH_CUE_SHARE, MILD_COST, fairness_for
from trainer.scenario.loader import gc_paused
from trainer.scenario.loops import check_loops, find_choice as _find_choice, location_of as _loc
from trainer.scenario.model import Scenario


def lint(scenario: Scenario, report: Report) -> Analysis:
    """Warnings for a scenario that loaded (so it has no errors, unbalanced loops included)."""
    with gc_paused():
        return _lint(scenario, report)


def _lint(scenario: Scenario, report: Report) -> Analysis:
    analysis = check_loops(scenario, report)
    s = scenario
    from trainer.scenario.detect import check_language

    check_language(s, report)  # a file written in another language than its `language:`
    if analysis.loop_error is not None:
        return analysis

    for ident in analysis.unreachable:
        step = s.step(ident)
        kind = "ending" if s.is_ending(ident) else "node"
        report.warning(_loc(step), f"{kind} '{ident}' can never be reached from '{s.start}'",
                       "point a choice's 'next' at it, or delete it", code="unreachable")
    for ident in analysis.dead_ends:
        report.warning(_loc(s.nodes[ident]), f"node '{ident}' is a dead end: it has no choices and no timeout",
                       "add choices, or make it an ending", code="dead-end")
    dead = set(analysis.dead_ends)
    for ident in analysis.traps:
        if ident not in dead:
            report.warning(_loc(s.nodes[ident]), f"from node '{ident}' no ending can be reached "
                           "(a loop with no way out)", "give the loop a choice that leads on", code="trap")

    used_skills: set[str] = set()
    flags_set = {f for n in s.nodes.values() for c in n.choices for f in c.sets}
    for node in s.nodes.values():
        texts: dict[str, str] = {}
        for choice in node.choices:
            used_skills.update(k for k, v in choice.points.items() if v)
            if not choice.feedback:
                report.warning(_loc(choice), f"choice '{choice.id}' in node '{node.id}' has no feedback",
                               "say in a sentence or two why this choice helps or hurts", code="no-feedback")
            if not choice.tags:
                report.warning(_loc(choice), f"choice '{choice.id}' in node '{node.id}' has no technique tags",
                               "tag the technique it uses or misses, e.g. NURSE:naming", code="no-tags")
            key = " ".join(choice.text.lower().split())
            if key in texts and choice.when is None:  # conditional twins may never be offered together
                report.warning(_loc(choice, "text"), f"choices '{texts[key]}' and '{choice.id}' in node "
                               f"'{node.id}' have the same text", code="duplicate-text")
            texts.setdefault(key, choice.id)
            _lint_condition(s, node, choice, flags_set, report)
            _lint_mood_reached(s, analysis, node, choice, report)
        if node.timeout is not None:
            used_skills.update(k for k, v in node.timeout.points.items() if v)
    for skill in s.skills.values():
        if skill.weight > 0 and skill.id not in used_skills:
            report.warning(_loc(s, "skills") if skill.id not in s.locs else _loc(skill),
                           f"no choice gives or takes points for skill '{skill.id}'",
                           "add points for it, or set its weight to 0 under 'skills:'", code="unused-skill")

    _lint_scores(s, analysis, report)
    _lint_fairness(s, report)
    return analysis


def _lint_condition(s: Scenario, node, choice, flags_set, report: Report) -> None:
    cond = choice.when
    if cond is None:
        return
    scale = s.mood
    lo = cond.mood_at_least if cond.mood_at_least is not None else scale.min
    hi = cond.mood_below if cond.mood_below is not None else scale.max + 1
    if lo > scale.max or hi <= scale.min or lo >= hi:
        report.warning(_loc(choice, "when"), f"choice '{choice.id}' in node '{node.id}' can never be offered: "
                       f"no mood in {scale.min}..{scale.max} is at least {lo} and below {hi}", code="never")
    for flag in cond.flags:
        if flag not in flags_set:
            report.warning(_loc(choice, "when"), f"choice '{choice.id}' in node '{node.id}' needs flag '{flag}', "
                           "which no choice sets", "check the spelling against the choices' 'sets:'",
                           code="never")


def _lint_mood_reached(s: Scenario, analysis: Analysis, node, choice, report: Report) -> None:
    """A mood condition the scale allows but no path brings the mood to at this node: the choice is
    never offered. The state graph tracks mood wherever a condition tests it, so the moods reached at
    the node are exact."""
    cond = choice.when
    if cond is None or (cond.mood_at_least is None and cond.mood_below is None):
        return
    moods = analysis.moods_at.get(node.id)
    if not moods:
        return  # an unreachable node is warned about already
    lo = cond.mood_at_least if cond.mood_at_least is not None else s.mood.min
    hi = cond.mood_below if cond.mood_below is not None else s.mood.max + 1
    if lo > s.mood.max or hi <= s.mood.min or lo >= hi or any(lo <= m < hi for m in moods):
        return  # possible, or impossible on any scale (the warning above)
    needs = " and ".join(p for p in (f"at least {cond.mood_at_least}" if cond.mood_at_least is not None else "",
                                     f"below {cond.mood_below}" if cond.mood_below is not None else "") if p)
    reached = f"{min(moods)}" if min(moods) == max(moods) else f"between {min(moods)} and {max(moods)}"
    report.warning(_loc(choice, "when"), f"choice '{choice.id}' in node '{node.id}' is never offered: it needs "
                   f"mood {needs}, and on every path the mood at '{node.id}' is {reached}",
                   "change the condition, or the mood changes of the choices that lead here", code="never")


def _lint_scores(s: Scenario, analysis: Analysis, report: Report) -> None:
    if analysis.start not in analysis.best.value:
        return
    best = analysis.best_path
    if not best.score.points_passed:
        failing = [k for k, v in best.score.skills.items() if v.scored and not v.passed]
        detail = f"skills below threshold: {', '.join(failing)}" if failing else (
            f"overall {best.score.overall} < pass mark {s.pass_mark}")
        report.warning(_loc(s, "nodes"), f"the best possible path does not pass ({detail})",
                       "lower the thresholds or give the best choices more points", code="best-fails")
    for run in analysis.failed_ending_candidates:
        if run.score.points_passed and not run.score.critical_errors:
            report.warning(_loc(s.endings[run.ending]), f"a path to ending '{run.ending}' (outcome failed) scores "
                           f"{run.score.overall} and would pass", "take points off the choices that lead there, "
                           "or give the ending a different outcome", code="failed-ending-passes")
            break
    for run in analysis.critical_candidates:
        if run.score.points_passed:
            node, choice_id = next((n, c) for n, c in run.labels if (_find_choice(s, n, c) or s.nodes[n]).critical)
            report.warning(_loc(_find_choice(s, node, choice_id) or s.nodes[node]),
                           f"a path through critical error '{choice_id}' (node '{node}') scores "
                           f"{run.score.overall} and would pass on points",
                           "take more points off critical choices so the score agrees", code="critical-passes")
            return


_STRATEGY_WORDS = {"always-longest": "the longest answer", "always-shortest": "the shortest answer",
                   "always-first": "the first answer in the file", "always-last": "the last answer in the file"}


def _lint_fairness(s: Scenario, report: Report) -> None:
    """A score must measure reading the situation: not length, not position, and not one small slip."""
    fairness = fairness_for(s)
    if fairness is None:
        return
    # A trainee sees a shuffled node's choices in their attempt's own order, so the file position of the best
    # answer is no cue there: only the nodes with `shuffle: false` can give it away by position.
    pinned = [n.id for n in s.nodes.values() if not n.shuffle and len(n.choices) > 1]
    for result in fairness.test_wise:
        if result.passed:
            where = "length" if "longest" in result.strategy or "shortest" in result.strategy else "position"
            if where == "position" and not pinned:
                continue
            hint = ("make the other answers as long, warm and plausible as the best one: the difference must be "
                    "in what is said, not how much" if where == "length" else
                    "these nodes keep their file order (shuffle: false), so there the position gives the answer "
                    "away: vary where the best answer sits in them: " + ", ".join(pinned))
            report.warning(_loc(s, "nodes"), f"always choosing {_STRATEGY_WORDS[result.strategy]} passes "
                           f"({result.overall}%) without reading the situation", hint, code="test-wise-pass")
    points = fairness.all_decision_points
    if fairness.length_cue:
        cued = [p.state[0] for p in points if p.best_is_longest]
        report.warning(_loc(s, "nodes"), f"the best choice is also the longest at {len(cued)} of {len(points)} "
                       f"decision points, on the best path and off it (at most {LENGTH_CUE_SHARE:.0%} allowed): "
                       + ", ".join(dict.fromkeys(cued)),
                       "make other answers as long and warm as the best one, or the best one more concise",
                       code="length-cue")
    for slip in fairness.unforgiving:
        result = f"scores {slip.overall}% and fails" if slip.score else "can never reach an ending"
        report.warning(_loc(_find_choice(s, slip.node, slip.choice)),
                       f"choice '{slip.choice}' in node '{slip.node}' costs at most {MILD_COST} point in every "
                       f"skill against '{slip.best_choice}', yet an attempt that takes it and plays best "
                       f"afterwards {result}", "soften its penalties (or the thresholds), or if it is a real "
                       "mistake make it cost more or mark it critical", code="unforgiving-slip")


def lint_style(checked: list[tuple[Scenario, Report]], library: list[Scenario]) -> None:
    """`style-cue-pass`: a model that reads only the answers' wording, trained on the library's other
    scenarios, passes the scenario by always choosing the answer that sounds best. Only on request
    (`validate --style`): it imports scikit-learn and trains one model per scenario family."""
    from trainer.scenario.style import classify

    results = classify([s for s, _ in checked], library)
    for s, report in checked:
        result = results[s.id]
        if result["passed"]:
            report.warning(_loc(s, "nodes"), f"always choosing the answer whose wording sounds most like the best "
                           f"answers of {result['trained_on']} other scenarios passes ({result['overall']}%) "
                           "without reading the situation",
                           "give wrong answers the virtues of right ones (a question, thanks, a specific time, "
                           "\"you're right\") and let right answers sound ordinary; `trainer analyze --library` "
                           "shows the cues", code="style-cue-pass")
