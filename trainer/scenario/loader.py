"""Load and validate scenario files into immutable `Scenario` models.

Every problem in a file is collected and reported together as `path:line:col: error: message`.
"""

from __future__ import annotations

import dataclasses
import gc
from contextlib import contextmanager
import hashlib
import re
from pathlib import Path
from types import MappingProxyType

from trainer.scenario.diagnostics import Diagnostic, Location, Report, ScenarioError, did_you_mean, display_path
from trainer.scenario.format import BAD, is_id, nfc
from trainer.scenario.model import DEFAULT_SKILLS, SCENARIO_KIND, MoodScale, Node, Scenario, Skill
from trainer.scenario.yamlsrc import YMap, parse, read_text


def load_scenario(path: Path | str) -> Scenario:
    """Load one file; raise `ScenarioError` carrying every error found."""
    scenario, report = check_file(path)
    if scenario is None:
        raise ScenarioError(report.errors)
    return scenario


def check_file(path: Path | str) -> tuple[Scenario | None, Report]:
    """Load one file, returning the scenario (None when it has errors) and all diagnostics."""
    path = Path(path)
    report = Report(display_path(path))
    text = read_text(path, report)
    if text is None:
        return None, report
    return check_text(text, path, report)


def check_text(text: str, path: Path, report: Report | None = None) -> tuple[Scenario | None, Report]:
    with gc_paused():
        return _check_text(text, path, report)


@contextmanager
def gc_paused():
    """Loading builds many small objects and no reference cycles: let the collector sleep meanwhile
    (on a 5,000-node file it would otherwise run dozens of full passes)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check_text(text: str, path: Path, report: Report | None) -> tuple[Scenario | None, Report]:
    report = report or Report(display_path(path))
    root = parse(text, report)
    if root is None:
        return None, report
    if not isinstance(root, YMap):
        report.error(root.loc, "a scenario file must be a mapping (keys like 'title:' and 'nodes:')",
                     "see docs/scenario-format.md for a complete example", code="type")
        return None, report
    value = SCENARIO_KIND.convert(root, report, "the scenario")
    if value is BAD or not value.nodes or value.endings is None:
        return None, report  # the missing or malformed parts are already reported
    scenario = _finish(value, path, text, report)
    if report.errors:
        return None, report
    from trainer.scenario.bounds import check_state_space  # here, not at the top: only once a model loaded
    from trainer.scenario.loops import check_loops

    if check_state_space(scenario, report):
        check_loops(scenario, report)
    if report.errors:
        return None, report
    return scenario, report


def _finish(s: Scenario, path: Path, text: str, report: Report) -> Scenario:
    """Cross-references the kinds cannot check on their own; fills in defaults that depend on the file."""
    skills = {name: Skill(id=name) for name in DEFAULT_SKILLS}
    skills.update(s.skills)
    s = _main_character(s, report)
    _check_mood(s.mood, s, report)

    targets = {**s.nodes, **s.endings}  # a mapping: membership checks stay O(1) on big scenarios
    for ident in set(s.nodes) & set(s.endings):
        report.error(s.endings[ident].locs.get("", Location()),
                     f"'{ident}' is both a node and an ending", "ids must be unique across nodes and endings",
                     code="duplicate")
    start = s.start or next(iter(s.nodes))  # convert() guarantees at least one node
    if start not in s.nodes:
        report.error(s.locs.get("start", Location()), f"start node '{start}' does not exist"
                     + did_you_mean(start, s.nodes), code="reference")

    flags_set = {flag for node in s.nodes.values() for choice in node.choices for flag in choice.sets}
    nodes = {}
    missing: dict[str, list[Location]] = {}  # 'next' names that are no node or ending -> where
    for node in s.nodes.values():
        choices = []
        seen: dict[str, Location] = {}
        for number, choice in enumerate(node.choices, 1):
            if not choice.id:
                choice = dataclasses.replace(choice, id=f"c{number}")
            here = choice.locs.get("", Location())
            if choice.id in seen:
                report.error(choice.locs.get("id", here), f"choice id '{choice.id}' is used twice in node "
                             f"'{node.id}' (first at line {seen[choice.id].line})", code="duplicate")
            seen[choice.id] = choice.locs.get("id", here)
            choices.append(choice)
            _check_effects(choice, node, targets, skills, s.mood, report, missing)
            _check_lines(choice.reply, s, flags_set, report)
        if node.timeout is not None:
            _check_effects(node.timeout, node, targets, skills, s.mood, report, missing)
            _check_lines(node.timeout.reply, s, flags_set, report)
        _check_lines(node.says, s, flags_set, report)
        nodes[node.id] = dataclasses.replace(node, choices=tuple(choices))
    for ending in s.endings.values():
        _check_lines(ending.says, s, flags_set, report)
    _report_missing(s, start, targets, missing, report)
    _check_declared_skills(s, report)
    if "{" in text:  # a placeholder other than {trainee} would reach the trainee verbatim
        from trainer.scenario.placeholders import check_placeholders

        check_placeholders(s, text, report)

    ident = nfc(path.stem)  # macOS hands out decomposed file names
    if not is_id(ident):
        report.error(Location(), f"the file name '{path.stem}' cannot be a scenario id: a scenario's id is its "
                     "file name, which must use letters (any language), digits, '-' and '_' only, starting with "
                     "a letter or digit", f"rename the file, e.g. {_suggested_name(path)}", code="file-name")
    language = _check_language(s, ident, report)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return dataclasses.replace(
        s, id=ident, path=str(path), content_hash=digest, start=start, language=language,
        skills=MappingProxyType(skills), nodes=MappingProxyType(nodes),
    )


def _check_language(s: Scenario, ident: str, report: Report) -> str:
    """The language tag written canonically (es-US); an unknown language is a warning (a typo such as
    'sp' for 'es'); a scenario cannot translate itself. Whether the original exists and has the same
    structure is checked where both are loaded (trainer.scenario.translation)."""
    from trainer.scenario.languages import canonical, known

    language = canonical(s.language)
    if not known(language):
        report.warning(s.locs.get("language", Location()), f"'{s.language}' is not a language trainer knows",
                       "use a language code such as en or es, optionally with a region: es-US", code="language")
    if s.translation_of and s.translation_of == ident:
        report.error(s.locs.get("translation_of", Location()), "a scenario cannot be a translation of itself",
                     "name the original's id (its file name without .yaml)", code="translation")
    if s.form_of and s.form_of == ident:
        report.error(s.locs.get("form_of", Location()), "a scenario cannot be a form of itself",
                     "name the original's id (its file name without .yaml)", code="form")
    return language


def _suggested_name(path: Path) -> str:
    slug = re.sub(r"[^\w-]+", "-", nfc(path.stem)).strip("-_") or "my-scenario"
    return slug + path.suffix


def _check_mood(scale: MoodScale, s: Scenario, report: Report) -> None:
    loc = s.locs.get("mood", Location())
    if scale.min >= scale.max:
        report.error(scale.locs.get("max", loc), f"mood max ({scale.max}) must be above min ({scale.min})")
        return
    starts = list(scale.bands.values())
    if not starts:
        report.error(scale.locs.get("bands", loc), "mood bands must name at least one band")
    elif starts != sorted(starts) or len(set(starts)) != len(starts):
        report.error(scale.locs.get("bands", loc), "mood bands must be listed lowest first, each starting higher")
    elif starts[0] > scale.min:
        report.error(scale.locs.get("bands", loc), f"the first mood band must start at the minimum ({scale.min})")
    elif starts[-1] > scale.max:
        report.error(scale.locs.get("bands", loc), f"a mood band starts above the maximum ({scale.max})")
    if s.character is None:  # already reported as missing or malformed
        return
    mood = s.character.mood
    if not scale.min <= mood <= scale.max:
        report.error(s.character.locs.get("mood", loc),
                     f"starting mood {mood} is outside the mood scale {scale.min}..{scale.max}", code="range")


def _check_effects(choice, node: Node, targets, skills, scale: MoodScale, report: Report, missing) -> None:
    here = choice.locs.get("", Location())
    if choice.next and choice.next not in targets:
        missing.setdefault(choice.next, []).append(choice.locs.get("next", here))
    for skill in choice.points:
        if skill not in skills:
            report.error(choice.locs.get("points", here), f"points for unknown skill '{skill}'"
                         + did_you_mean(skill, skills),
                         "declare new skills under 'skills:' at the top of the file", code="reference")
    if choice.when is not None:
        _check_condition(choice.when, scale, here, report)


def _check_condition(when, scale: MoodScale, here: Location, report: Report) -> None:
    for key in ("mood_at_least", "mood_below"):
        value = getattr(when, key)
        if value is not None and not scale.min <= value <= scale.max + 1:
            report.error(when.locs.get(key, here),
                         f"'{key}: {value}' is outside the mood scale {scale.min}..{scale.max}", code="range")


def _main_character(s: Scenario, report: Report) -> Scenario:
    """With `characters:`, `character` becomes the main one: marked `main: true`, else the first listed."""
    if not s.characters:
        return s
    marked = [c for c in s.characters.values() if c.main]
    for extra in marked[1:]:
        report.error(extra.locs.get("main", Location()), f"'{extra.id}' and '{marked[0].id}' are both marked "
                     "main: true", "only one character can be the main one (whose mood the meter follows)",
                     code="duplicate")
    main = marked[0] if marked else next(iter(s.characters.values()))
    for other in s.characters.values():
        if other is not main and "mood" in other.locs:
            report.warning(other.locs["mood"], f"'mood' of '{other.id}' is ignored: only the main character "
                           f"('{main.id}') has a mood", f"remove it, or mark '{other.id}' main: true",
                           code="ignored")
    return s if s.character is not None else dataclasses.replace(s, character=main)


def _check_lines(lines, s: Scenario, flags_set, report: Report) -> None:
    scale = s.mood
    for entry in lines:
        here = entry.locs.get("", Location())
        short = entry.locs.get("text") == here  # written as text or bands, not as an entry with `text:`
        names = [*scale.bands, "default", *(("text", "speaker", "when") if short else ())]
        for band, _ in entry.text or ():  # None when missing (already reported)
            if band != "default" and band not in scale.bands:
                report.error(entry.locs.get("text", here), f"'{band}' is not a mood band" + did_you_mean(band, names),
                             f"bands: {', '.join(scale.bands)}, or 'default'", code="reference")
        if entry.speaker and entry.speaker not in s.characters:
            if s.characters:
                hint = f"speakers are the ids under 'characters:': {', '.join(s.characters)}"
            else:
                hint = "this scenario has one 'character:'; list several under 'characters:' to name who speaks"
            report.error(entry.locs.get("speaker", here), f"unknown speaker '{entry.speaker}'"
                         + did_you_mean(entry.speaker, s.characters), hint, code="reference")
        if entry.when is not None:
            _check_condition(entry.when, scale, here, report)
            for flag in entry.when.flags:
                if flag not in flags_set:
                    report.warning(entry.when.locs.get("flags", here), f"flag '{flag}' is never set by any "
                                   "choice, so this line is never said" + did_you_mean(flag, flags_set),
                                   "set it with 'sets:' on a choice", code="never")


def _options(s: Scenario):
    for node in s.nodes.values():
        yield from node.choices
        if node.timeout is not None:
            yield node.timeout


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _report_missing(s: Scenario, start: str, targets, missing: dict[str, list[Location]], report: Report) -> None:
    """A 'next' that names nothing, with a did-you-mean, unless the close name is itself the odd one out:
    when several choices go to a missing name and fewer to the existing one, the node's own name is the
    typo, and renaming it fixes them all (suggesting the typo to every choice would spread it)."""
    import difflib
    from collections import Counter

    refs = Counter(option.next for option in _options(s))
    refs[start] += 1
    for name, where in missing.items():
        where = list(dict.fromkeys(where))  # a choice reused through a YAML alias is written once
        close = difflib.get_close_matches(name, list(targets), n=1, cutoff=0.6)
        odd = close[0] if close and len(where) >= 2 and refs[close[0]] < len(where) else None
        if odd is None:
            for loc in where:
                report.error(loc, f"'next' names '{name}', which is not a node or ending"
                             + did_you_mean(name, targets), code="reference")
            continue
        kind = "ending" if odd in s.endings else "node"
        step = targets[odd]
        used = ("is never referenced" if not refs[odd]
                else f"is referenced by only {_plural(refs[odd], 'choice', 'choices')}")
        go = f"{_plural(len(where), 'choice goes', 'choices go')} to '{name}'"
        report.error(step.locs.get("id", step.locs.get("", Location())),
                     f"{kind} '{odd}' {used}; {go}, which does not exist: rename the {kind}?",
                     f"rename '{odd}' to '{name}', or if '{name}' is the misspelling, change 'next:' on lines "
                     f"{', '.join(str(loc.line) for loc in where)} to '{odd}'", code="reference")


def _check_declared_skills(s: Scenario, report: Report) -> None:
    """A skill declared under 'skills:' that no choice scores, and whose name is close to one the choices
    do score, is a misspelling: its weight, threshold and description would apply to nothing."""
    import difflib

    scored = {skill for option in _options(s) for skill in option.points}
    undeclared = sorted(scored - set(s.skills))
    for skill in s.skills.values():
        if skill.id in scored:
            continue
        close = difflib.get_close_matches(skill.id, undeclared, n=1, cutoff=0.6)
        if close:
            report.error(skill.locs.get("id", skill.locs.get("", Location())),
                         f"skill '{skill.id}' under 'skills:' gets no points from any choice "
                         f"(did you mean '{close[0]}'?)",
                         f"rename it to '{close[0]}', the skill the choices score, so its settings apply to it",
                         code="reference")


def diagnostics_for(path: Path | str) -> list[Diagnostic]:
    return check_file(path)[1].sorted()
