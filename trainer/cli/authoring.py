"""Authoring commands: preview, graph, schema, new."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from trainer.sanitize import dumps

from trainer.cli.base import Context, OutputFile, _emit, cannot_write, cli, did_you_mean, echo, require_existing
from trainer.i18n import _

from trainer.scenario.vocabulary import CATEGORIES


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--at", "node", help="Start at this node (default: the scenario's start).")
@click.option("--mood", type=int, help="Starting mood (default: the character's).")
@click.option("--flag", "flags", multiple=True, help="A flag to have set (repeatable).")
def preview(file: Path, node: str | None, mood: int | None, flags: tuple[str, ...]) -> None:
    """Try FILE in practice mode from any node and state; reloads whenever the file is saved."""
    from trainer.scenario.lint import lint
    from trainer.scenario.loader import check_file

    require_existing(file, "FILE")
    scenario, report = check_file(file)
    if scenario is not None:
        lint(scenario, report)
        if node is not None and node not in scenario.nodes and node not in scenario.endings:
            raise click.BadParameter(_("no node '{node}' in {file}").format(node=node, file=file.name)
                                     + did_you_mean(node, list(scenario.nodes) + list(scenario.endings)),
                                     param_hint="--at")
    from trainer.tui.preview import PreviewApp

    PreviewApp(file, node, mood, flags).run()


@cli.command()
@click.argument("scenario")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid", show_default=True)
@click.option("-o", "--output", type=OutputFile(), help="Write to this file.")
@click.pass_obj
def graph(obj: Context, scenario: str, fmt: str, output: Path | None) -> None:
    """Draw SCENARIO as a flow chart: nodes, choices as labelled edges, endings by outcome."""
    from trainer.scenario.graph import GraphvizMissing, to_dot, to_mermaid, to_svg

    loaded = obj.scenario(scenario)
    try:
        text = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}[fmt](loaded)
    except GraphvizMissing as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(text, output, newline=False)


@cli.command()
@click.option("-o", "--output", type=OutputFile(), help="Write to this file.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of the scenario format, for editor completion."""
    from trainer.scenario.schema import scenario_schema

    _emit(dumps(scenario_schema(), indent=2), output)


def _create_new(path: Path, text: str) -> None:
    """Create a new file, never through a symlink (a dangling one included) and never over an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


@cli.command()
@click.argument("slug")
@click.option("--category", required=True, type=click.Choice(CATEGORIES), help="Library category.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write SLUG.yaml in (created if missing).")
def new(slug: str, category: str, folder: Path) -> None:
    """Write a small, valid, commented starter scenario SLUG.yaml to edit."""
    from trainer.scenario.format import is_id, nfc
    from trainer.scenario.starter import starter_text

    slug = nfc(slug)
    if not is_id(slug) or slug.endswith((".yaml", ".yml")):
        raise click.BadParameter(_("use letters (any language), digits, '-' and '_' only, e.g. billing-dispute "
                                   "(no .yaml)"), param_hint="SLUG")
    path = folder / f"{slug}.yaml"
    exists = _("{path} already exists; pick another name or delete it first").format(path=path)
    if os.path.lexists(path):
        raise click.ClickException(exists)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _create_new(path, starter_text(slug, category))
        schema_file = folder / "scenario.schema.json"
        if not os.path.lexists(schema_file):  # the starter's first line points editors at it
            from trainer.scenario.schema import scenario_schema

            _create_new(schema_file, json.dumps(scenario_schema(), indent=2) + "\n")
    except FileExistsError:
        raise click.ClickException(exists) from None
    except OSError as exc:
        raise click.ClickException(cannot_write(path, exc)) from exc
    echo(_("wrote {path}\nnext: trainer validate --strict {path}   then   trainer preview {path}").format(path=path))
