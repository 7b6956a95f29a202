"""The recorded output of a cold `trainer validate` (tests/fixtures/validate-expected.json), so that work
on validate's speed can show it prints exactly what it printed before, line for line.

Two runs, each from an empty cache, in a scratch folder holding copies of the inputs (so the paths shown
are the same everywhere):
* `all`: the bundled library, tests/fixtures' scenarios and tests/fixtures/validate-corpus (files with
  every kind of error and warning, forms and a translation that are wrong in each way): past the
  process pool's threshold, so checked on every core;
* `alone`: tests/fixtures and the corpus without the library, so the forms naming a bundled scenario
  find their original in the library (`trainer validate` loads it) rather than among the files.

Each file's lines are kept with the SHA-256 of the file and of the files its `form_of:` or
`translation_of:` names. When a scenario in the library is edited later, only that file's (and its
forms') recorded lines are skipped: the others, and every frozen corpus file, are still compared.

Record again (after checking the difference is intended): `python -m tests.validate_golden`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED = FIXTURES / "validate-expected.json"
RUNS = {"all": ["library", "fixtures", "corpus"], "alone": ["fixtures", "corpus"]}
_LINK = re.compile(r"^(?:form_of|translation_of):\s*(\S+)\s*$", re.M)


def sources() -> dict[str, Path]:
    from trainer.scenario.library import bundled_dir

    return {"library": bundled_dir(), "fixtures": FIXTURES, "corpus": FIXTURES / "validate-corpus"}


def stage(where: Path) -> None:
    """Copy the inputs under `where`: library/, fixtures/ (its scenario files only), corpus/."""
    found = sources()
    shutil.copytree(found["library"], where / "library")
    shutil.copytree(found["corpus"], where / "corpus")
    for path in found["fixtures"].rglob("*.yaml"):
        relative = path.relative_to(found["fixtures"])
        if relative.parts[0] != "validate-corpus":
            (where / "fixtures" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, where / "fixtures" / relative)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dependencies(where: Path, shown: str, inputs: list[str]) -> dict[str, str]:
    """The file shown as `shown` and the file(s) its form_of/translation_of names, among the run's inputs or
    the bundled library, each with its SHA-256: what the file's lines depend on."""
    path = where / shown
    deps = {shown: _sha(path)}
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return deps
    for target in _LINK.findall(text):
        for folder in [where / name for name in inputs] + [sources()["library"]]:
            for candidate in sorted(folder.rglob(f"{target}.y*ml")):
                key = str(candidate.relative_to(where)) if candidate.is_relative_to(where) else f"bundled:{candidate.name}"
                deps[key] = _sha(candidate)
    return deps


def by_file(output: str, shown: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Output lines grouped by the file they are about (a hint stays with its diagnostic), and the rest."""
    grouped: dict[str, list[str]] = {name: [] for name in shown}
    rest: list[str] = []
    current: list[str] = rest
    for text in output.splitlines():
        if text.startswith("  hint: "):
            current.append(text)
            continue
        owner = next((name for name in shown if text.startswith(name + ":")), None)
        current = grouped[owner] if owner is not None else rest
        current.append(text)
    return grouped, rest


def shown_files(where: Path, inputs: list[str]) -> list[str]:
    from trainer.scenario.library import scenario_files

    return [str(p.relative_to(where)) for name in inputs for p in scenario_files(where / name)]


def record(where: Path, run: str, exit_code: int, output: str) -> dict:
    inputs = RUNS[run]
    shown = shown_files(where, inputs)
    grouped, rest = by_file(output, shown)
    return {"exit": exit_code, "rest": rest,
            "files": {name: {"deps": dependencies(where, name, inputs), "lines": grouped[name]} for name in shown}}


def run_validate(where: Path, run: str, keep_cache: bool = False) -> tuple[int, str]:
    """`trainer validate` of the run's inputs from an empty cache (or the one the last run left, with
    `keep_cache`), in `where` (in this process, through click's runner, as the CLI tests do)."""
    import os

    from click.testing import CliRunner

    from trainer.cli import cli

    cache = where / f"cache-{run}"
    if not keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    env = {"XDG_CACHE_HOME": str(cache), "XDG_DATA_HOME": str(where / "data"),
           "XDG_CONFIG_HOME": str(where / "config")}
    old = os.getcwd()
    os.chdir(where)
    try:
        result = CliRunner().invoke(cli, ["validate", *RUNS[run]], env=env)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch)
        stage(where)
        recorded = {}
        for run in RUNS:
            code, output = run_validate(where, run)
            recorded[run] = record(where, run, code, output)
    EXPECTED.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED}")
