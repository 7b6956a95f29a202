"""Finding scenario files: the bundled library plus any folders the user adds.

Scenarios are loaded lazily: the catalogue needs only each one's summary, so a start-up served from
the cache unpickles a scenario's full model only when it is opened.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from trainer.scenario.diagnostics import Diagnostic, Location, Report, display_path
from trainer.scenario.yamlsrc import decode, read_bytes

SUFFIXES = (".yaml", ".yml")


class ScenarioSummary(NamedTuple):
    """What the catalogue and `trainer list` show, without the scenario's full model."""

    id: str
    title: str
    category: str
    difficulty: str
    summary: str
    role: str
    minutes: int
    version: int
    nodes: int
    endings: int
    skills: tuple[str, ...]
    path: str
    content_hash: str
    language: str = "en"
    translation_of: str = ""
    language_name: str = ""  # the language's own name ("Español"), kept so the catalogue needs no Babel at start-up
    jurisdiction: str = ""  # ISO 3166-1 alpha-2; "" when the scenario names none (offered everywhere)
    topics: tuple[str, ...] = ()
    form_of: str = ""
    scored: tuple[str, ...] = ()  # the skills its choices score, which its forms must score too

    @property
    def original_id(self) -> str:
        return self.translation_of or self.id

    @property
    def counts_toward(self) -> str:
        """Where attempts on this file are recorded and assigned: a form's original, else `original_id`."""
        return self.form_of or self.original_id


def summarise(s) -> ScenarioSummary:
    from trainer.scenario.languages import language_name

    from trainer.scenario.forms import scored_skills

    return ScenarioSummary(s.id, s.title, s.category, s.difficulty, " ".join(s.summary.split()), s.role,
                           s.minutes, s.version, len(s.nodes), len(s.endings), tuple(s.skills), s.path,
                           s.content_hash, s.language, s.translation_of, language_name(s.language),
                           s.jurisdiction, tuple(s.topics), s.form_of, scored_skills(s))


def bundled_dir() -> Path:
    """`scenarios/` inside the wheel (trainer/scenarios), or beside the package in a source checkout
    or an editable install."""
    package = Path(__file__).resolve().parent.parent  # trainer/
    packaged = package / "scenarios"
    return packaged if packaged.is_dir() else package.parent / "scenarios"


def scenario_files(path: Path) -> list[Path]:
    """A file as itself; a folder as its YAML files and its sub-folders' (sorted, hidden files and folders
    skipped, a symbolic link to a folder not followed)."""
    if path.is_dir():
        found: list[Path] = []
        _yaml_files_in(path, found)
        return sorted(found)
    return [path]


def _yaml_files_in(folder: Path, found: list[Path]) -> None:
    """What `folder.rglob("*")` filtered by suffix, `is_file()` and no hidden part gives, from one listing
    per folder: an entry's type comes with the listing, so a plain file costs no call to the system (a stat
    per file was a sixth of reading the library at start-up, bench: start-up)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:  # unreadable or gone meanwhile: as rglob, nothing from it
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _yaml_files_in(folder / entry.name, found)
        elif os.path.splitext(entry.name)[1] in SUFFIXES and entry.is_file():
            found.append(folder / entry.name)


class LazyScenarios(Mapping):
    """id -> Scenario, unpickling each cached model the first time it is asked for."""

    def __init__(self) -> None:
        self._loaded: dict[str, object] = {}
        self._blobs: dict[str, bytes] = {}
        self._order: list[str] = []

    def add(self, ident: str, scenario=None, blob: bytes | None = None) -> None:
        self._order.append(ident)
        if scenario is not None:
            self._loaded[ident] = scenario
        else:
            self._blobs[ident] = blob

    def __getitem__(self, ident: str):
        if ident not in self._loaded:
            if ident not in self._blobs:
                raise KeyError(ident)
            import trainer.scenario.model  # noqa: F401 - the classes the pickle refers to

            self._loaded[ident] = pickle.loads(self._blobs.pop(ident))
        return self._loaded[ident]

    def __iter__(self):
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, ident) -> bool:
        return ident in self._loaded or ident in self._blobs

    def discard(self, ident: str) -> None:
        self._loaded.pop(ident, None)
        self._blobs.pop(ident, None)
        if ident in self._order:
            self._order.remove(ident)


@dataclass
class Library:
    """Scenarios by id (loaded on first use), their summaries, and the report of every file read."""

    scenarios: LazyScenarios = field(default_factory=LazyScenarios)
    summaries: dict[str, ScenarioSummary] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)

    @property
    def errors(self):
        return [d for r in self.reports for d in r.errors]

    def broken(self) -> list[Report]:
        """The reports of the files that could not be loaded (each says why)."""
        return [r for r in self.reports if r.errors]

    def broken_report(self, ident: str) -> Report | None:
        """Why the file that would have been scenario `ident` could not be loaded, if there is one."""
        return next((r for r in self.broken() if Path(r.path).stem == ident), None)

    def validate_command(self) -> str:
        """`trainer validate` on the folders holding the files that could not be loaded."""
        import shlex

        folders = dict.fromkeys(str(Path(r.path).parent) for r in self.broken())
        return " ".join(["trainer validate", *(shlex.quote(f) for f in folders)])

    def get(self, ident: str):
        return self.scenarios.get(ident)

    def originals(self) -> list[ScenarioSummary]:
        """One summary per scenario: translations are versions of their original, not scenarios of their own."""
        return [s for s in self.summaries.values() if not s.translation_of]

    def catalogue(self) -> list[ScenarioSummary]:
        """The scenarios a trainee picks from: one row each, its translations and its parallel forms being
        versions of it (an assessment opened on it plays the form the trainee has seen least)."""
        return [s for s in self.originals() if not s.form_of]

    def has_jurisdiction(self, code: str) -> bool:
        """Whether any scenario is written for `code`'s law and practice."""
        return any(s.jurisdiction == code for s in self.summaries.values())

    def elsewhere(self, ids, jurisdiction: str) -> list[tuple[str, str]]:
        """(id, its jurisdiction) of each scenario in `ids` written for another country than `jurisdiction`
        (a scenario that names none is for everywhere)."""
        found = []
        for ident in ids:
            summary = self.summaries.get(ident)
            if summary is not None and summary.jurisdiction and summary.jurisdiction != jurisdiction:
                found.append((ident, summary.jurisdiction))
        return found

    def language_label(self, code: str) -> str:
        """A language's own name ("Español"): from the summaries when a scenario is in it (they keep it, so
        the catalogue's first frame loads no Babel locale data: 30-45 ms of start-up), else from Babel."""
        for s in self.summaries.values():
            if s.language == code and s.language_name:
                return s.language_name
        from trainer.scenario.languages import language_name

        return language_name(code)

    def languages_of(self, original_id: str) -> list[str]:
        """The languages a scenario can be played in, its original's first."""
        first = self.summaries.get(original_id)
        return ([first.language] if first else []) + [s.language for s in self.translations(original_id)]

    def played(self, attempt):
        """The scenario an attempt (a trainer.progress.records.Attempt) was played on: the translation when
        it was one, else the original."""
        return self.get(attempt.translation_id or attempt.scenario_id)

    def translations(self, original_id: str) -> list[ScenarioSummary]:
        """The loaded translations of a scenario, in library order (indexed on first use: the catalogue
        asks for every row)."""
        index = self.__dict__.get("_translations")
        if index is None:
            index = {}
            for s in self.summaries.values():
                if s.translation_of:
                    index.setdefault(s.translation_of, []).append(s)
            self._translations = index
        return index.get(original_id, [])

    def version_in(self, original_id: str, language: str | None):
        """The summary of the version of `original_id` a trainee reading `language` should see first: the
        translation into that language when there is one, else the original."""
        from trainer.scenario.languages import same_language

        if language:
            for s in self.translations(original_id):
                if s.language == language:
                    return s
            for s in self.translations(original_id):
                if same_language(s.language, language):
                    return s
        return self.summaries.get(original_id)


def load_library(extra: list[Path] | tuple[Path, ...] = (), include_bundled: bool = True,
                 cache=None) -> Library:
    """Load every scenario; a file with errors is skipped (its report says why). Validated models are
    reused from the content-keyed cache when the file is byte-for-byte unchanged."""
    from trainer.scenario.cache import ScenarioCache, default_cache_file

    cache = cache if cache is not None else ScenarioCache(default_cache_file())
    folders = ([bundled_dir()] if include_bundled else []) + [Path(p) for p in extra]
    library = Library()
    seen: dict[str, str] = {}
    by_id: dict[str, Report] = {}
    for folder in folders:
        for path in scenario_files(folder):
            report = Report(display_path(path))
            library.reports.append(report)
            data = read_bytes(path, report)
            if data is None:
                continue
            hit = cache.get(path, data)
            scenario = blob = None
            if hit is not None:
                summary, blob = hit
            else:
                text = decode(data, report)
                if text is None:
                    continue
                from trainer.scenario.loader import check_text

                scenario, report = check_text(text, path, report)
                if scenario is None:
                    continue
                summary = summarise(scenario)
                cache.put(path, data, summary, scenario)
            if summary.id in seen:
                report.error(Location(), f"scenario id '{summary.id}' is already used by {seen[summary.id]}",
                             "rename one of the files: the id is the file name")
                continue
            seen[summary.id] = report.path  # display_path(path), worked out once per file
            by_id[summary.id] = report
            library.summaries[summary.id] = summary
            library.scenarios.add(summary.id, scenario, blob)
    _link_forms(library, by_id)
    _link_translations(library, by_id, cache)
    cache.save()
    return library


def _link_forms(library: Library, reports: dict[str, Report]) -> None:
    """A form whose original is missing, is not an original, or scores other skills is an error in its
    report and is left out of the library. Checked on the summaries (nothing unpickled); a form with an
    error is read again to say where. Runs before translations, so a translation of a dropped form is
    reported too."""
    from trainer.scenario.forms import check_form

    forms = [s for s in library.summaries.values() if s.form_of and not s.translation_of]
    for summary in forms:
        scratch = Report(reports[summary.id].path)
        if check_form(summary, library.summaries.get, library.summaries, scratch):
            continue
        from trainer.scenario.loader import check_file

        fresh, _ = check_file(summary.path)
        if fresh is not None:  # for the location of `form_of:`
            scratch = Report(reports[summary.id].path)
            check_form(fresh, library.summaries.get, library.summaries, scratch)
        reports[summary.id].diagnostics.extend(scratch.diagnostics)
        del library.summaries[summary.id]
        library.scenarios.discard(summary.id)


def _link_translations(library: Library, reports: dict[str, Report], cache) -> None:
    """A translation whose original is missing or whose structure differs is an error in its report and
    is left out of the library, like any file with errors. That a translation's structure matches its
    original is cached per pair of file contents, so a warm start unpickles neither; otherwise only the
    two are unpickled, and a translation whose model came from the cache (no locations) is read again
    to say where it differs."""
    from trainer.scenario.translation import check_translation

    translations = [s.id for s in library.summaries.values() if s.translation_of]
    if not translations:
        return
    originals = library.scenarios.get  # unpickles only the originals asked for
    taken: dict[tuple[str, str], str] = {}
    for ident in translations:
        summary = library.summaries[ident]
        original = library.summaries.get(summary.translation_of)
        pair = f"{summary.content_hash}:{original.content_hash if original else ''}".encode()
        scratch = Report(reports[ident].path)
        if original is not None and cache.get(summary.path + "#translation", pair) == "sound":
            if check_translation(summary, library.summaries.get, library.summaries, scratch, taken,
                                 structure=False):
                continue
        else:
            scenario = library.scenarios[ident]
            if check_translation(scenario, originals, library.summaries, scratch, taken):
                cache.remember(summary.path + "#translation", pair, "sound")
                continue
        scenario = library.scenarios[ident]
        if not scenario.locs:  # from the cache: read the file again for the locations of what differs
            from trainer.scenario.loader import check_file

            fresh, _ = check_file(scenario.path)
            if fresh is not None:
                scratch = Report(reports[ident].path)
                check_translation(fresh, originals, library.summaries, scratch, dict(taken))
        reports[ident].diagnostics.extend(scratch.diagnostics)
        del library.summaries[ident]
        library.scenarios.discard(ident)


def check_files(files: list[Path], cache=None, translations: dict[Path, str] | None = None,
                forms: dict[Path, str] | None = None, briefs: dict | None = None) -> list[Report]:
    """Every problem in each file, lint warnings included: what `trainer validate` reports. A file
    byte-for-byte unchanged since an earlier check gets its findings from the content-keyed cache
    (which is why a warm run costs a fraction of a cold one); any other file is loaded and linted.
    `briefs` receives, for each file checked afresh, what the forms check reads of it (a FormBrief, None
    when it has errors), so that check parses no file again."""
    import gc

    from trainer.scenario.cache import ContentCache, default_cache_file

    cache = cache if cache is not None else ContentCache(default_cache_file("checks"))
    reports = []
    was_on = gc.isenabled()
    gc.disable()  # each file's objects are freed by reference counting (see _check), without collector passes
    try:
        pending = []  # (index, path, bytes) of the files the cache has not seen
        known = []  # per file: what the cache (or the check below) found; None until checked
        for path in files:
            report = Report(display_path(path))
            reports.append(report)
            data = read_bytes(path, report)
            if data is None:  # unreadable, a folder, too big: nothing to key on
                known.append(("", "", ""))
                continue
            found = cache.get(path, data)
            if found is None:
                pending.append((len(known), path, data))
            else:
                report.diagnostics.extend(Diagnostic(report.path, *d) for d in found[0])
            known.append(found)
        if pending:
            from trainer.scenario.checkpool import check_all

            _import_checks()  # before a pool starts, so that its workers have them
            for (index, path, data), (found, brief) in zip(pending, check_all([(p, d) for _, p, d in pending],
                                                                                _check_one)):
                if briefs is not None:
                    briefs[path] = brief
                cache.put(path, data, found)
                reports[index].diagnostics.extend(Diagnostic(reports[index].path, *d) for d in found[0])
                known[index] = found
    finally:
        if was_on:
            gc.enable()
    cache.save()
    for path, (_diagnostics, original, form_of) in zip(files, known):
        if original and translations is not None:
            translations[path] = original
        elif form_of and forms is not None:
            forms[path] = form_of
    return reports


def _import_checks() -> None:
    """Every module a check imports on first use, imported once here before a pool forks its workers
    (each worker importing PyYAML and the checks' modules itself cost about 30 ms of CPU apiece)."""
    import yaml  # noqa: F401

    import trainer.scenario.bounds  # noqa: F401
    import trainer.scenario.detect  # noqa: F401
    import trainer.scenario.forms  # noqa: F401
    import trainer.scenario.lint  # noqa: F401
    import trainer.scenario.loader  # noqa: F401
    import trainer.scenario.placeholders  # noqa: F401


def _check_one(path: Path, data: bytes) -> tuple:
    """A file's findings as the checks cache keeps them: (its diagnostics without the path, which is shown
    relative to where validate runs; the id it is a translation of; the id it is a form of), '' for an
    original or a broken file; and its FormBrief (None when it has errors). Runs in a pool's worker
    process too (see checkpool)."""
    report = Report(display_path(path))
    original, form_of, brief = _check(path, data, report)
    return (tuple(d[1:] for d in report.diagnostics), original, form_of), brief


def _check(path: Path, data: bytes, report: Report) -> tuple[str, str, object]:
    text = decode(data, report)
    if text is None:
        return "", "", None
    from trainer.scenario.forms import brief_of
    from trainer.scenario.lint import lint
    from trainer.scenario.loader import check_text

    scenario, _ = check_text(text, path, report)
    if scenario is None:
        return "", "", None
    lint(scenario, report)
    scenario.forget()  # its analysis refers back to it: free both now, without the garbage collector
    return scenario.translation_of, scenario.form_of, brief_of(scenario)


def check_translation_files(translations: dict[Path, str], files: list[Path], reports: list[Report],
                            library: Callable[[], Library]) -> None:
    """`trainer validate`'s check of each translation among `files` against its original (see
    CrossFileCheck)."""
    from trainer.scenario.crossfile import CrossFileCheck
    from trainer.scenario.translation import check_translation

    if translations:
        files_checked = CrossFileCheck(files, reports, library)
        taken: dict[tuple[str, str], str] = {}
        for scenario, known, report in files_checked.pairs(translations):
            check_translation(scenario, files_checked.original, known, report, taken)
