"""`trainer validate` checks many files on every core (a process pool past a few dozen files) and prints
exactly what a check in one process prints, in the same order."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.scenario import checkpool
from trainer.scenario.library import bundled_dir

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture
def many(tmp_path):
    """60 files: bundled scenarios (translations and forms among them), files with lint warnings, files
    with errors of each kind (YAML, a dangling `next:`, not UTF-8), so every path through a check is taken."""
    root = tmp_path / "many"
    root.mkdir()
    bundled = sorted(bundled_dir().glob("*.yaml"))
    for i, source in enumerate(bundled):
        shutil.copy(source, root / source.name)
    kinds = [MINIMAL.replace(", tags: [AIDET:duration]", ""), MINIMAL.replace("next: meh", "next: mhe"),
             "title: [unclosed\n", MINIMAL]
    for i in range(60 - len(bundled)):
        text = kinds[i % len(kinds)]
        (root / f"extra-{i:02d}.yaml").write_bytes(b"\xff\xfe" if i == 5 else text.encode("utf-8"))
    return root


def _validate(runner, folder, monkeypatch, pool_from: int):
    monkeypatch.setattr(checkpool, "POOL_FROM", pool_from)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder.parent / f"cache-{pool_from}"))  # cold each time
    return runner.invoke(cli, ["validate", str(folder)])


@pytest.mark.skipif(checkpool.usable_cores() < 2, reason="a pool needs two cores")
def test_a_pooled_validate_prints_the_same_as_one_process(runner, many, monkeypatch):
    one = _validate(runner, many, monkeypatch, pool_from=10**9)
    pooled = _validate(runner, many, monkeypatch, pool_from=8)
    assert one.exit_code == pooled.exit_code == 1  # the broken files are errors
    assert ": error: " in one.output and ": warning: " in one.output
    assert pooled.output == one.output


def _whose(path, data):
    return os.getpid(), path


@pytest.mark.skipif(checkpool.usable_cores() < 2, reason="a pool needs two cores")
def test_many_files_are_checked_in_worker_processes_and_come_back_in_order(tmp_path):
    items = [(tmp_path / f"f{i:03d}.yaml", b"") for i in range(checkpool.POOL_FROM * 2)]
    found = checkpool.check_all(items, _whose)
    assert [path for _, path in found] == [path for path, _ in items]
    assert os.getpid() not in {pid for pid, _ in found}


def test_a_few_files_are_checked_here(tmp_path):
    items = [(tmp_path / f"f{i}.yaml", b"") for i in range(checkpool.POOL_FROM - 1)]
    assert {pid for pid, _ in checkpool.check_all(items, _whose)} == {os.getpid()}
