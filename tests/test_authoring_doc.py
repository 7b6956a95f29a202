"""docs/authoring.md is followed literally from an empty folder: every `$ trainer` command runs, its
shown output appears, and the scenario it builds validates, graphs and plays."""

from __future__ import annotations

import re
import shlex

from tests.conftest import ROOT
from trainer.cli import cli

DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
EDIT = re.compile(r'<!-- doc-test: replace "(.*?)" with "(.*?)" in (\S+) -->')


def steps():
    """('edit', (old, new, file)) and ('run', (command, expected lines)) in document order."""
    out = []
    for block in re.finditer(r"```console\n(.*?)```|<!-- doc-test:.*?-->", DOC, re.S):
        if block.group(0).startswith("<!--"):
            out.append(("edit", EDIT.match(block.group(0)).groups()))
            continue
        command, expected = None, []
        for line in block.group(1).splitlines():
            if line.startswith("$ "):
                if command:
                    out.append(("run", (command, expected)))
                command, expected = line[2:], []
            elif line.strip():
                expected.append(line)
        out.append(("run", (command, expected)))
    return out


def test_doc_has_the_whole_workflow():
    commands = [s[1][0].split()[1] for s in steps() if s[0] == "run"]
    for needed in ("new", "validate", "graph", "preview", "simulate", "analyze"):
        assert needed in commands


def test_following_the_walk_through_from_an_empty_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = 0
    for kind, payload in steps():
        if kind == "edit":
            old, new, name = payload
            path = tmp_path / name
            text = path.read_text()
            assert old in text, f"the doc edits '{old}', which the file does not contain"
            path.write_text(text.replace(old, new))
            continue
        command, expected = payload
        args = shlex.split(command)
        assert args[0] == "trainer"
        if args[1] == "preview":
            continue  # interactive: covered by tests/test_preview.py
        result = runner.invoke(cli, args[1:])
        should_fail = any(": error: " in line for line in expected)
        assert (result.exit_code != 0) == should_fail, f"{command}\n{result.output}"
        for line in expected:
            assert line in result.output, f"{command}: expected {line!r} in\n{result.output}"
        ran += 1
    assert ran >= 7
    assert (tmp_path / "my-scenarios" / "parking-complaint.mmd").read_text().startswith("flowchart TD")
