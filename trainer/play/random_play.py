"""Seeded random playthroughs for `trainer analyze --random`: coverage and score distributions."""

from __future__ import annotations

import random
from collections import Counter

from trainer.scenario.model import Scenario
from trainer.play.engine import compiled_for

MAX_STEPS = 200  # a random walk round a loop stops here and counts as unfinished


def random_playthroughs(scenario: Scenario, runs: int, seed: int) -> dict:
    rng = random.Random(seed)
    compiled = compiled_for(scenario)
    nodes, choices, endings = Counter(), Counter(), Counter()
    scores: list[float] = []
    passed = unfinished = 0
    for _ in range(runs):
        session = compiled.start(clock=lambda: 0.0)
        for _ in range(MAX_STEPS):
            if session.finished:
                break
            nodes[session.state] += 1
            options = session.options()
            pool = len(options) + (1 if session.timeout else 0)
            if pool == 0:
                break
            pick = rng.randrange(pool)
            step = session.time_out() if pick == len(options) else session.choose_id(options[pick].id)
            choices[(step.node, step.choice)] += 1
        if session.finished:
            endings[session.state] += 1
            score = session.score()
            scores.append(score.overall)
            passed += score.passed
        else:
            unfinished += 1
        session.close()
    all_choices = [(n.id, c.id) for n in scenario.nodes.values() for c in n.choices] + \
                  [(n.id, "timeout") for n in scenario.nodes.values() if n.timeout]
    bins = [0] * 10
    for value in scores:
        bins[min(9, int(value // 10))] += 1
    return {
        "runs": runs, "seed": seed,
        "node_coverage": round(100.0 * len(nodes) / len(scenario.nodes), 1),
        "choice_coverage": round(100.0 * len(choices) / len(all_choices), 1) if all_choices else 100.0,
        "nodes_never_visited": [n for n in scenario.nodes if n not in nodes],
        "choices_never_picked": [f"{n}/{c}" for n, c in all_choices if (n, c) not in choices],
        "endings": {e: endings.get(e, 0) for e in scenario.endings},
        "unfinished": unfinished,
        "passed": passed,
        "score_histogram": [{"from": 10 * i, "to": 10 * i + 10, "count": c} for i, c in enumerate(bins)],
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
    }


def random_text(data: dict, width: int = 40) -> str:
    lines = [f"  random playthroughs: {data['runs']} (seed {data['seed']}); passed {data['passed']}, "
             f"unfinished {data['unfinished']}, mean score {data['mean_score']}",
             f"  coverage: nodes {data['node_coverage']}%, choices {data['choice_coverage']}%"]
    if data["choices_never_picked"]:
        lines.append("  never picked: " + ", ".join(data["choices_never_picked"][:10])
                     + (" …" if len(data["choices_never_picked"]) > 10 else ""))
    total = max(1, data["runs"])
    lines.append("  endings:")
    for ending, count in data["endings"].items():
        lines.append(f"    {ending:<24} {count:>6}  {'█' * round(width * count / total)}")
    lines.append("  score distribution:")
    top = max([b["count"] for b in data["score_histogram"]] + [1])
    for b in data["score_histogram"]:
        label = f"{b['from']:>3}-{b['to']:<3}"
        lines.append(f"    {label} {b['count']:>6}  {'█' * round(width * b['count'] / top)}")
    return "\n".join(lines)
