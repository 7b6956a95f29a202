"""Finding scenario files: the bundled library plus any folders the user adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from trainer.diagnostics import Location, Report, display_path
from trainer.loader import check_file
from trainer.model import Scenario

SUFFIXES = (".yaml", ".yml")


def bundled_dir() -> Path:
    """`scenarios/` inside the wheel, or beside the package in a source checkout / editable install."""
    packaged = Path(str(resources.files("trainer"))) / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "scenarios"


def scenario_files(path: Path) -> list[Path]:
    """A file as itself; a folder as its YAML files (sorted, hidden files skipped)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                      and not any(part.startswith(".") for part in p.relative_to(path).parts))
    return [path]


@dataclass
class Library:
    """Loaded scenarios by id, plus the reports of every file that was read."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)

    @property
    def errors(self):
        return [d for r in self.reports for d in r.errors]

    def get(self, ident: str) -> Scenario | None:
        return self.scenarios.get(ident)


def load_library(extra: list[Path] | tuple[Path, ...] = (), include_bundled: bool = True) -> Library:
    """Load every scenario; a file with errors is skipped (its report says why)."""
    folders = ([bundled_dir()] if include_bundled else []) + [Path(p) for p in extra]
    library = Library()
    seen: dict[str, str] = {}
    for folder in folders:
        for path in scenario_files(folder):
            scenario, report = check_file(path)
            library.reports.append(report)
            if scenario is None:
                continue
            if scenario.id in seen:
                report.error(Location(), f"scenario id '{scenario.id}' is already used by {seen[scenario.id]}",
                             "rename one of the files: the id is the file name")
                continue
            seen[scenario.id] = display_path(path)
            library.scenarios[scenario.id] = scenario
    return library
