"""A scenario path that is a loop of symbolic links is a problem with the files: exit 1 and a plain
sentence, never exit 3 "unexpected error" (Python reports such a loop as RuntimeError from resolve())."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _trainer(cwd, *args):
    env = {**os.environ, "TRAINER_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "trainer", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env, stdin=subprocess.DEVNULL)


@pytest.fixture
def loops(tmp_path):
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "d").symlink_to("e")
    (tmp_path / "e").symlink_to("d")
    return tmp_path


@pytest.mark.parametrize("args", [
    ("validate", "a.yaml"),
    ("simulate", "a.yaml", "--choose", "1"),
    ("graph", "a.yaml"),
    ("analyze", "a.yaml"),
    ("validate", "d"),
    ("preview", "a.yaml"),
    ("--scenarios", "d", "list"),
])
def test_a_symlink_loop_is_exit_1_with_a_plain_message(loops, args):
    result = _trainer(loops, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "loop of symbolic links" in output
    assert "unexpected error" not in output and "Traceback" not in output


def test_a_path_that_cannot_be_looked_at_is_exit_1_with_the_reason(tmp_path):
    result = _trainer(tmp_path, "--scenarios", "x" * 300, "list")  # a name longer than the file system allows
    assert result.returncode == 1, result.stderr
    assert "cannot read" in result.stderr and "File name too long" in result.stderr
    assert "unexpected error" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
