"""`trainer analyze`: what the scenario graph allows, computed by the scoring DP (no path enumeration)."""

from __future__ import annotations

from scoring.graph import PATH_COUNT_CAP
from trainer.scenario.analysis import PathRun, analysis_for
from trainer.scenario.model import Scenario


def _path_report(run: PathRun) -> dict:
    return {
        "overall": run.score.overall,
        "passed": run.passed,
        "points_passed": run.score.points_passed,
        "choices": run.numbers,
        "choice_ids": [choice for _, choice in run.labels],
        "ending": run.ending,
        "critical_errors": list(run.score.critical_errors),
    }


def analyze(scenario: Scenario) -> dict:
    from trainer.scenario.loader import gc_paused

    with gc_paused():
        return _analyze(scenario)


def _analyze(scenario: Scenario) -> dict:
    analysis = analysis_for(scenario)
    out: dict = {"scenario": scenario.id, "nodes": len(scenario.nodes), "endings_count": len(scenario.endings)}
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
        "best": _path_report(best),
        "worst": _path_report(worst),
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
        "best_critical_path": _path_report(critical_run) if critical_run else None,
        "pass_at_failed_ending": any(r.passed for r in analysis.failed_ending_candidates),
        "unreachable": analysis.unreachable,
        "dead_ends": analysis.dead_ends,
        "traps": [t for t in analysis.traps if t not in analysis.dead_ends],
    })
    return out


def analyze_text(data: dict) -> str:
    if "error" in data:
        return f"{data['scenario']}: cannot analyse: {data['error']}"
    lines = [f"Scenario {data['scenario']}: {data['nodes']} nodes, {data['endings_count']} endings, "
             + (f"{data['paths']} complete paths" if data["paths"] is not None else "loops (unlimited paths)")]
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
    return "\n".join(lines)
