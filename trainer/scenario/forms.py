"""Parallel forms: a scenario with `form_of:` is another form of its original, the same skills and objectives
in a different situation with different people and words. Its attempts are recorded under the original (so
an assignment of the original is met by passing any form, and reports group the forms like translations),
while the item analysis keeps each form's choices apart. An assessment opens the form the trainee has seen
least, so it measures judgment rather than recall of an answer key met in practice.

Checked wherever both files are loaded (the library and `trainer validate`): the original must exist, be
neither a form nor a translation itself, carry the same `version` (retraining compares a pass's version with
the original's) and score the same skills. Each problem is one error at the form's
`form_of:` line and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from trainer.scenario.diagnostics import Location, Report, did_you_mean


def scored_skills(scenario) -> tuple[str, ...]:
    """The skills some choice or timeout of `scenario` gives or takes points for, sorted."""
    found: set[str] = set()
    for node in scenario.nodes.values():
        for choice in (*node.choices, *((node.timeout,) if node.timeout is not None else ())):
            found.update(skill for skill, value in choice.points.items() if value)
    return tuple(sorted(found))


@dataclass(frozen=True)
class FormBrief:
    """The parts of a scenario `check_form` reads, on either side of the check: `trainer validate` keeps one
    from each file's first check (in whichever process checked it), so the forms check parses no file again."""

    id: str
    form_of: str
    translation_of: str
    version: int
    scored: tuple[str, ...]  # the skills its choices score (forms.scored_skills)
    locs: Mapping[str, Location]  # only the locations the form errors point at


def brief_of(scenario) -> FormBrief:
    locs = {key: scenario.locs[key] for key in ("", "form_of", "version") if key in scenario.locs}
    return FormBrief(scenario.id, scenario.form_of, scenario.translation_of, scenario.version,
                     scored_skills(scenario), locs)


def _scored(item) -> tuple[str, ...]:
    """A summary keeps its scored skills; a scenario's are worked out."""
    return item.scored if hasattr(item, "scored") else scored_skills(item)


def _loc(scenario) -> Location:
    locs = getattr(scenario, "locs", None) or {}
    return locs.get("form_of") or locs.get("") or Location()


def check_form(form, lookup: Callable[[str], object | None], known: Iterable[str], report: Report) -> bool:
    """Report everything wrong with `form` (a scenario, or a library summary) against its original, found
    through `lookup` (scenarios or summaries); True when it is a sound form. A translation of a form repeats
    its original's `form_of`, which the translation check compares, so it is not checked here."""
    target = form.form_of
    if not target or form.translation_of:
        return True
    loc = _loc(form)
    original = lookup(target)
    if original is None:
        report.error(loc, f"'form_of' names '{target}', which is not a loaded scenario"
                     + did_you_mean(target, [k for k in known if k != form.id]),
                     "name the original's id (its file name without .yaml); the original must be in the library "
                     "or among the files checked", code="form")
        return False
    if original.form_of:
        report.error(loc, f"'{target}' is itself a form (of '{original.form_of}')",
                     f"make every form a form of the original: form_of: {original.form_of}", code="form")
        return False
    if original.translation_of:
        report.error(loc, f"'{target}' is a translation (of '{original.translation_of}'), not an original",
                     f"name the original: form_of: {original.translation_of}", code="form")
        return False
    if form.version != original.version:  # attempts record it: retraining compares it with the original's
        locs = getattr(form, "locs", None) or {}
        report.error(locs.get("version") or loc, f"'version' is {form.version} here but {original.version} in the "
                     f"original '{target}': a form carries its original's version, so a pass on either counts alike "
                     "for retraining", f"bring the form up to date with the original, then set version: "
                     f"{original.version}", code="form")
        return False
    here, there = set(_scored(form)), set(_scored(original))
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        parts = ([f"gives no points for {', '.join(missing)}"] if missing else []) + \
                ([f"scores {', '.join(extra)}, which '{target}' does not"] if extra else [])
        report.error(loc, f"this form {' and '.join(parts)}: a form must score the same skills as its original "
                     f"'{target}' ({', '.join(sorted(there)) or 'none'})",
                     "give points for the same skills as the original, so that a pass on either form means the "
                     "same", code="form")
        return False
    return True


def check_form_files(forms: dict[Path, str], files: list[Path], reports: list[Report],
                     library: Callable[[], object], cache=None, briefs: dict | None = None,
                     outside=None) -> None:
    """`trainer validate`'s check of each form among `files` against its original (see CrossFileCheck).
    Findings are cached on the form's bytes and its original's (the file checked beside it, else the
    library's version), so a warm run reads neither again (parsing them for locations was most of a warm
    validate's time). `briefs` (path -> FormBrief, None for a file with errors) are what the files' first
    check kept, and `outside` finds an original among the library's files reading only that file
    (formbrief.LibraryOriginals), so that no file is parsed twice."""
    from trainer.scenario.cache import ContentCache, default_cache_file
    from trainer.scenario.crossfile import CrossFileCheck
    from trainer.scenario.diagnostics import Diagnostic

    if not forms:
        return
    cache = cache if cache is not None else ContentCache(default_cache_file("form-checks"))
    files_checked = CrossFileCheck(files, reports, library)
    briefs = briefs or {}
    if outside is not None:
        outside.cache = cache

    def model(path: Path):
        return briefs[path] if path in briefs else files_checked.model(path)

    def original(ident: str):
        if ident in files_checked.checked:
            return model(files_checked.checked[ident])
        return outside.get(ident) if outside is not None else library().get(ident)

    for path, target in forms.items():
        report = files_checked.reports[path]
        both = _pair_key(path, files_checked.checked.get(target), target, library, outside)
        found = cache.get(path, both) if both is not None else None
        if found is not None:
            report.diagnostics.extend(Diagnostic(report.path, *d) for d in found)
            continue
        scratch = Report(report.path)
        form = model(path)
        in_files = target in files_checked.checked
        if form is not None and not (in_files and model(files_checked.checked[target]) is None):
            known = LazyIds(lambda: set(files_checked.checked) | (set() if in_files else set(library().summaries)))
            check_form(form, original, known, scratch)
        report.diagnostics.extend(scratch.diagnostics)
        if both is not None:
            cache.put(path, both, tuple(d[1:] for d in scratch.diagnostics))
    cache.save()


class LazyIds:
    """The ids a did-you-mean may suggest, worked out only if a message needs them (most forms' originals
    are found, and working them out may load the whole library)."""

    def __init__(self, make: Callable[[], set[str]]):
        self._make = make

    def __iter__(self):
        return iter(self._make())


def _pair_key(path: Path, original_file: Path | None, target: str, library: Callable[[], object],
              outside=None) -> bytes | None:
    """What a form's check depends on: its bytes and its original's (None: not cacheable, e.g. no such
    original, whose did-you-mean depends on every id loaded)."""
    try:
        data = path.read_bytes()
        if original_file is not None:
            return data + b"\0form_of\0" + original_file.read_bytes()
        if outside is not None:
            digest = outside.content_hash(target)
        else:
            summary = library().summaries.get(target)
            digest = getattr(summary, "content_hash", None) if summary is not None else None
        if not digest:
            return None
        return data + b"\0form_of library\0" + str(digest).encode()
    except OSError:
        return None
