"""Finding scenario files: the bundled library plus any folders the user adds.

Scenarios are loaded lazily: the catalogue needs only each one's summary, so a start-up served from
the cache unpickles a scenario's full model only when it is opened.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
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


def summarise(s) -> ScenarioSummary:
    return ScenarioSummary(s.id, s.title, s.category, s.difficulty, " ".join(s.summary.split()), s.role,
                           s.minutes, s.version, len(s.nodes), len(s.endings), tuple(s.skills), s.path,
                           s.content_hash)


def bundled_dir() -> Path:
    """`scenarios/` inside the wheel (trainer/scenarios), or beside the package in a source checkout
    or an editable install."""
    package = Path(__file__).resolve().parent.parent  # trainer/
    packaged = package / "scenarios"
    return packaged if packaged.is_dir() else package.parent / "scenarios"


def scenario_files(path: Path) -> list[Path]:
    """A file as itself; a folder as its YAML files (sorted, hidden files skipped)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                      and not any(part.startswith(".") for part in p.relative_to(path).parts))
    return [path]


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


@dataclass
class Library:
    """Scenarios by id (loaded on first use), their summaries, and the report of every file read."""

    scenarios: LazyScenarios = field(default_factory=LazyScenarios)
    summaries: dict[str, ScenarioSummary] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)

    @property
    def errors(self):
        return [d for r in self.reports for d in r.errors]

    def get(self, ident: str):
        return self.scenarios.get(ident)


def load_library(extra: list[Path] | tuple[Path, ...] = (), include_bundled: bool = True,
                 cache=None) -> Library:
    """Load every scenario; a file with errors is skipped (its report says why). Validated models are
    reused from the content-keyed cache when the file is byte-for-byte unchanged."""
    from trainer.scenario.cache import ScenarioCache, default_cache_file

    cache = cache if cache is not None else ScenarioCache(default_cache_file())
    folders = ([bundled_dir()] if include_bundled else []) + [Path(p) for p in extra]
    library = Library()
    seen: dict[str, str] = {}
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
            seen[summary.id] = display_path(path)
            library.summaries[summary.id] = summary
            library.scenarios.add(summary.id, scenario, blob)
    cache.save()
    return library


def check_files(files: list[Path], cache=None) -> list[Report]:
    """Every problem in each file, lint warnings included: what `trainer validate` reports. A file
    byte-for-byte unchanged since an earlier check gets its findings from the content-keyed cache
    (which is why a warm run costs a fraction of a cold one); any other file is loaded and linted."""
    import gc

    from trainer.scenario.cache import ContentCache, default_cache_file

    cache = cache if cache is not None else ContentCache(default_cache_file("checks"))
    reports = []
    was_on = gc.isenabled()
    gc.disable()  # each file's objects are freed by reference counting (see _check), without collector passes
    try:
        for number, path in enumerate(files, 1):
            reports.append(_check_file(path, cache))
            if number % 200 == 0:
                gc.collect()  # what a file with errors may have left in a cycle
    finally:
        if was_on:
            gc.enable()
    cache.save()
    return reports


def _check_file(path: Path, cache) -> Report:
    report = Report(display_path(path))
    data = read_bytes(path, report)
    if data is None:
        return report  # unreadable, a folder, too big: nothing to key on
    found = cache.get(path, data)
    if found is None:
        _check(path, data, report)
        found = tuple(d[1:] for d in report.diagnostics)  # without the path: it is shown relative to here
        cache.put(path, data, found)
    else:
        report.diagnostics.extend(Diagnostic(report.path, *d) for d in found)
    return report


def _check(path: Path, data: bytes, report: Report) -> None:
    text = decode(data, report)
    if text is None:
        return
    from trainer.scenario.lint import lint
    from trainer.scenario.loader import check_text

    scenario, _ = check_text(text, path, report)
    if scenario is not None:
        lint(scenario, report)
        scenario.forget()  # its analysis refers back to it: free both now, without the garbage collector
