"""Generate docs/scenario-library.md from the bundled scenarios.

Run `python -m tests.gen_library_doc > docs/scenario-library.md`; a test fails when it is out of date.
"""

from __future__ import annotations

from trainer.scenario.fairness import fairness_for
from trainer.scenario.languages import language_name
from trainer.scenario.library import load_library
from trainer.scenario.model import CATEGORIES, DIFFICULTIES


def techniques(scenario) -> list[str]:
    tags = {t for n in scenario.nodes.values() for c in n.choices for t in c.tags}
    tags |= {t for n in scenario.nodes.values() if n.timeout for t in n.timeout.tags}
    return sorted(tags, key=str.lower)


def fairness_line(scenario) -> str:
    fairness = fairness_for(scenario)
    if fairness is None:
        return "**Fairness:** no ending can be reached."
    wise = ", ".join(f"{r.strategy.removeprefix('always-')} {r.overall:g}%"
                     + (" **passes**" if r.passed else "" if r.run.ending else " (never finishes)")
                     for r in fairness.test_wise)
    slips = fairness.single_slips
    return (f"**Fairness:** always picking the {wise}; the best answer is the longest at "
            f"{fairness.longest_best} of {len(fairness.all_decision_points)} decision points (on the best path and off it); "
            f"{fairness.slips_passing} of {len(slips)} single slips still pass.")


def style_line(result: dict) -> str:
    verdict = "**passes**" if result["passed"] else "fails"
    return (f"**Style:** always choosing the answer that sounds best scores {result['overall']:g}% and {verdict} "
            f"(trained on {result['trained_on']} other scenario files).")


def render() -> str:
    from trainer.scenario.style import classify

    library = load_library()
    everything = [library.scenarios[s.id] for s in library.summaries.values()]
    style = classify(everything, everything)
    forms = {}
    for s in library.originals():
        if s.form_of:
            forms.setdefault(s.form_of, []).append(s.id)
    scenarios = sorted((library.scenarios[s.id] for s in library.originals()),
                       key=lambda s: (CATEGORIES.index(s.category), DIFFICULTIES.index(s.difficulty), s.title))
    out = ["# The scenario library", "",
           f"{len(scenarios)} scenarios ship with trainer"
           + (f", plus {len(library.summaries) - len(scenarios)} translation(s) listed under their originals"
              if len(library.summaries) > len(scenarios) else "") + ". Every one (and every translation) passes `trainer validate --strict` (but for the length "
           "cue counted off the best path since #25, which awaits the library's rework), and "
           "`trainer analyze` shows its best path passing, its worst path failing, no path passing on points "
           "while committing a critical error, and no unreachable nodes or dead ends (`tests/test_library.py` "
           "checks all of this). All people, clinics, insurers, numbers and dates are invented.", "",
           "**Fairness** gives, per scenario, the score of each strategy that never reads the situation "
           "(always the longest, shortest, first or last answer, in file order), how often the best answer is "
           "also the longest, and how many single slips (one other non-critical choice on the best path, then "
           "best play) still pass; see `trainer analyze` in docs/cli.md.", "",
           "**Style** gives the score of a text-only model that reads nothing but the answers' wording, trained on "
           "the best and other answers of every other scenario (a scenario's translations and forms left out with "
           "it), always choosing the answer that sounds best (`trainer analyze --library`); a scenario it passes "
           "can be passed by learning the library's house style instead of judging the situation.", "",
           "This page is generated: `python -m tests.gen_library_doc > docs/scenario-library.md`.", "",
           "| Scenario | Category | Level | Role | Minutes | Jurisdiction | Topics |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in scenarios:
        out.append(f"| [{s.title}](#{s.id}) | {s.category} | {s.difficulty} | {s.role} | {s.minutes} | "
                   f"{s.jurisdiction or 'any'} | {', '.join(s.topics)} |")
    for s in scenarios:
        timed = sum(1 for n in s.nodes.values() if n.timeout)
        critical = sum(1 for n in s.nodes.values() for c in n.choices if c.critical)
        out += ["", f'<a id="{s.id}"></a>', f"## {s.title}", "",
                f"`{s.id}` · {s.category} · {s.difficulty} · about {s.minutes} min · version {s.version}"
                f" · {s.jurisdiction or 'any jurisdiction'} · topics: {', '.join(s.topics) or 'none'}", "",
                f"**Role:** {s.role}. **Talking to:** "
                + " and ".join(f"{c.name}" + (f" ({c.role})" if c.role else "")
                               for c in [s.character, *(c for c in s.characters.values() if c.id != s.character.id)])
                + ".", "",
                f"**Situation:** {' '.join(s.summary.split())}", ""]
        if s.objectives:
            out.append("**Learning objectives:**")
            out.append("")
            out += [f"- {o}" for o in s.objectives]
            out.append("")
        out.append("**Techniques taught:** " + ", ".join(f"`{t}`" for t in techniques(s)))
        out.append("")
        endings = ", ".join(f"{e.id} ({e.outcome})" for e in s.endings.values())
        extras = []
        if timed:
            extras.append(f"{timed} timed moment{'s' if timed > 1 else ''}")
        if critical:
            extras.append(f"{critical} critical-error choice{'s' if critical > 1 else ''}")
        skills = ", ".join(f"{k} ×{v.weight:g}" for k, v in s.skills.items() if v.weight > 0)
        out.append(f"**Shape:** {len(s.nodes)} nodes; endings: {endings}"
                   + (f"; {', '.join(extras)}" if extras else "") + f". **Scored skills:** {skills}.")
        out += ["", fairness_line(s), "", style_line(style[s.id])]
        if s.form_of:
            out += ["", f"**A parallel form of** [`{s.form_of}`](#{s.form_of}): the same skills and objectives in "
                    "another situation; an assessment plays the form the trainee has seen least."]
        if forms.get(s.id):
            out += ["", "**Parallel forms:** " + ", ".join(f"[`{f}`](#{f})" for f in sorted(forms[s.id])) + "."]
        for t in library.translations(s.id):
            translated = library.scenarios[t.id]
            out += ["", f"**Also in {language_name(t.language)}:** `{t.id}`, *{translated.title}* "
                    f"({translated.role}). " + fairness_line(translated) + " " + style_line(style[t.id])]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
