"""`trainer analyze`: what the scenario graph allows, computed by the scoring DP (no path enumeration)."""

from __future__ import annotations

from collections import Counter

from scoring.graph import PATH_COUNT_CAP
from trainer.play.order import node_order, order_report
from trainer.scenario.analysis import Analysis, PathRun, analysis_for
from trainer.scenario.fairness import fairness_for
from trainer.scenario.model import Scenario


def shown_numbers(analysis: Analysis, run: PathRun, seed: int | None) -> list[int | str]:
    """What a trainee presses at each step of `run` when choices are shown in `seed`'s order (the
    same order `simulate --seed` and an attempt with that seed show)."""
    if seed is None:
        return run.numbers
    visits: Counter = Counter()
    out: list[int | str] = []
    for state, (node_id, choice_id), number in zip(run.states, run.labels, run.numbers):
        if number != "timeout":
            node = analysis.scenario.nodes[node_id]
            shown = node_order(node, analysis.offered(state), seed, visits[node_id])
            number = next(i for i, c in enumerate(shown, 1) if c.id == choice_id)
        out.append(number)
        visits[node_id] += 1
    return out


def _path_report(run: PathRun, numbers: list[int | str]) -> dict:
    return {
        "overall": run.score.overall,
        "passed": run.passed,
        "points_passed": run.score.points_passed,
        "choices": numbers,
        "choice_ids": [choice for _, choice in run.labels],
        "ending": run.ending,
        "critical_errors": list(run.score.critical_errors),
    }


def analyze(scenario: Scenario, seed: int | None = None) -> dict:
    """The analysis report; path numbers follow file order, or the order an attempt with `seed` shows."""
    from trainer.scenario.loader import gc_paused

    with gc_paused():
        return _analyze(scenario, seed)


def _analyze(scenario: Scenario, seed: int | None) -> dict:
    analysis = analysis_for(scenario)
    out: dict = {"scenario": scenario.id, "nodes": len(scenario.nodes), "endings_count": len(scenario.endings),
                 "order": order_report(seed)}
    if analysis.loop_error is not None:
        out["error"] = str(analysis.loop_error)
        return out
    best = analysis.best_path
    worst = analysis.worst_path
    critical_runs = analysis.critical_candidates
    passing = [r for r in critical_runs if r.score.points_passed]
    critical_run = passing[0] if passing else (critical_runs[0] if critical_runs else None)
    reached = {s[0] for s in analysis.reachable_states}
    out.update({
        "paths": analysis.paths,
        "paths_at_least": analysis.paths is not None and analysis.paths >= PATH_COUNT_CAP,
        "has_loops": analysis.paths is None,
        "best": _path_report(best, shown_numbers(analysis, best, seed)),
        "worst": _path_report(worst, shown_numbers(analysis, worst, seed)),
        "per_skill": {
            name: {
                "best": best.score.skills[name].percent,
                "worst": worst.score.skills[name].percent,
                "max_points": analysis.ranges[name][0],
                "min_points": analysis.ranges[name][1],
                "threshold": best.score.skills[name].threshold,
                "scored": best.score.skills[name].scored,
            }
            for name in analysis.skills
        },
        "endings": {e: e in reached for e in scenario.endings},
        "outcomes": {e.id: e.outcome for e in scenario.endings.values()},
        "pass_with_critical_error": bool(critical_run and critical_run.score.points_passed),
        "best_critical_path": (_path_report(critical_run, shown_numbers(analysis, critical_run, seed))
                               if critical_run else None),
        "pass_at_failed_ending": any(r.passed for r in analysis.failed_ending_candidates),
        "unreachable": analysis.unreachable,
        "dead_ends": analysis.dead_ends,
        "traps": [t for t in analysis.traps if t not in analysis.dead_ends],
    })
    out.update(_fairness_report(scenario))
    return out


def _fairness_report(scenario: Scenario) -> dict:
    fairness = fairness_for(scenario)
    if fairness is None:
        return {"test_wise": [], "single_slips": [], "single_slips_summary": "no ending can be reached",
                "best_is_longest": None}
    slips = fairness.single_slips
    return {
        "test_wise": [r.as_dict() for r in fairness.test_wise],
        "single_slips": [s.as_dict() for s in slips],
        "single_slips_summary": f"{fairness.slips_passing} of {len(slips)} single slips still pass",
        "best_is_longest": {"decision_points": len(fairness.decision_points), "longest": fairness.longest_best},
    }


def analyze_text(data: dict) -> str:
    if "error" in data:
        return f"{data['scenario']}: cannot analyse: {data['error']}"
    lines = [f"Scenario {data['scenario']}: {data['nodes']} nodes, {data['endings_count']} endings, "
             + (f"{data['paths']} complete paths" if data["paths"] is not None else "loops (unlimited paths)")]
    if data.get("order", "file") != "file":
        lines.append(f"  choice numbers in the order shown with seed {data['order']['seed']}")
    for key in ("best", "worst"):
        p = data[key]
        verdict = "passes" if p["passed"] else "fails"
        lines.append(f"  {key:<5} {p['overall']:5.1f}% {verdict:<6} ending {p['ending']}  "
                     f"--choose {','.join(map(str, p['choices']))}")
    lines.append("  per skill (best path / worst path):")
    for name, s in data["per_skill"].items():
        note = "" if s["scored"] else "  (not scored)"
        lines.append(f"    {name:<14} {s['best']:5.1f}% / {s['worst']:5.1f}%  points {s['min_points']:g}..{s['max_points']:g}"
                     f"  threshold {s['threshold']:g}%{note}")
    reached = [e for e, ok in data["endings"].items() if ok]
    lines.append(f"  endings reachable: {len(reached)}/{len(data['endings'])}  "
                 + ", ".join(f"{e} ({data['outcomes'][e]})" for e in data["endings"]))
    lines.append(f"  a path passes with a critical error: {'YES' if data['pass_with_critical_error'] else 'no'}")
    lines.append(f"  a path to a failed ending passes: {'YES' if data['pass_at_failed_ending'] else 'no'}")
    lines.append(f"  unreachable: {', '.join(data['unreachable']) or 'none'}; "
                 f"dead ends: {', '.join(data['dead_ends']) or 'none'}")
    lines.extend(fairness_text(data))
    return "\n".join(lines)


def fairness_text(data: dict) -> list[str]:
    if not data["test_wise"]:
        return []
    lines = ["  test-wise (never reading the situation, choices in file order):"]
    for r in data["test_wise"]:
        verdict = "PASSES" if r["passed"] else "fails"
        end = f"ending {r['ending']}" if r["ending"] else "never finishes (goes round a loop)"
        lines.append(f"    {r['strategy']:<16} {r['overall']:5.1f}% {verdict:<6} {end}")
    cue = data["best_is_longest"]
    lines.append(f"  best answer is the longest at {cue['longest']} of {cue['decision_points']} decision points")
    lines.append(f"  single slips: {data['single_slips_summary']}")
    for slip in data["single_slips"]:
        if not slip["passed"]:
            score = f"{slip['overall']:.1f}%" if slip["overall"] is not None else "no ending"
            lines.append(f"    fails: {slip['choice']} at {slip['node']} ({score})")
    return lines
