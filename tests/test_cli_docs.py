"""docs/cli.md lists every command and option of `trainer`, and nothing that no longer exists.

The command tree is walked through click itself (what `--help` prints); the docs' rows are the table cells
that start with `trainer ...`, plus the global-options table."""

from __future__ import annotations

import re

import click

from tests.conftest import ROOT
from trainer.cli import cli

DOC = ROOT / "docs" / "cli.md"
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    """(path, command) for the root and every command under it, groups included; hidden ones left out."""
    yield path, group
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from commands(command, path + (name,))
        else:
            yield path + (name,), command


def option_names(command: click.Command) -> set[str]:
    names = set()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            names.update(param.opts + param.secondary_opts)
    return names - {"--help"}


def documented() -> dict[tuple[str, ...], set[str]]:
    """Command path -> options named in the docs' rows for it (the root: the global-options table)."""
    rows: dict[tuple[str, ...], set[str]] = {}
    tree = dict(commands())
    global_table = False
    for raw in DOC.read_text(encoding="utf-8").splitlines():
        if raw.startswith("| option | env |"):
            global_table = True  # the global options: | `--db PATH` | `TRAINER_DB` | ... |
        elif not raw.startswith("|"):
            global_table = False
        cell = re.match(r"^\| `([^`]*)`", raw)
        if not cell:
            continue
        text = cell.group(1)
        if global_table:
            rows.setdefault((), set()).update(_OPTION.findall(text.split()[0]))
            continue
        if not (text == "trainer" or text.startswith("trainer ")):
            continue
        words = text.split()[1:]
        path: tuple[str, ...] = ()
        while words and path + (words[0],) in tree or (words and any(p[: len(path) + 1] == path + (words[0],)
                                                                     for p in tree)):
            path += (words.pop(0),)
        rows.setdefault(path, set()).update(_OPTION.findall(" ".join(words)))
    return rows


def test_every_command_and_option_is_in_docs_cli_md():
    docs = documented()
    missing = []
    for path, command in commands():
        if isinstance(command, click.Group) and path:
            continue  # a group is documented through its commands
        if path not in docs:
            missing.append(" ".join(("trainer", *path)))
            continue
        for param in command.params:
            names = set(param.opts + getattr(param, "secondary_opts", [])) - {"--help"}
            if isinstance(param, click.Option) and not param.hidden and names and not names & docs[path]:
                missing.append(" ".join(("trainer", *path, max(names, key=len))))
    assert not missing, "not in docs/cli.md: " + ", ".join(missing)


def test_docs_cli_md_names_no_command_or_option_that_does_not_exist():
    tree = dict(commands())
    stale = []
    for path, options in documented().items():
        command = tree.get(path)
        if command is None or (isinstance(command, click.Group) and path):
            stale.append(" ".join(("trainer", *path)))
            continue
        stale.extend(" ".join(("trainer", *path, o)) for o in sorted(options - option_names(command)))
    assert not stale, "docs/cli.md names what `trainer --help` does not have: " + ", ".join(stale)


def test_the_check_sees_a_missing_option(monkeypatch):
    """The walk really reads the options: an option added to a command without a docs row is caught."""
    command = dict(commands())[("list",)]
    monkeypatch.setattr(command, "params", command.params + [click.Option(["--colour-scheme"])])
    try:
        test_every_command_and_option_is_in_docs_cli_md()
    except AssertionError as exc:
        assert "trainer list --colour-scheme" in str(exc)
    else:
        raise AssertionError("an undocumented option went unnoticed")
