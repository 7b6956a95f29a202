"""The `trainer` command: a thin click layer over the library API."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from trainer import __version__
from trainer.diagnostics import Report, did_you_mean, display_path


class Context:
    """What every command needs: where scenarios and the database live."""

    def __init__(self, db: Path | None, scenarios: tuple[Path, ...], trainee: str | None = None):
        self.db = db
        self.extra = scenarios
        self.trainee = trainee
        self._library = None

    @property
    def library(self):
        if self._library is None:
            from trainer.library import load_library

            self._library = load_library(self.extra)
        return self._library

    def store(self):
        """The progress database, opened (and upgraded) on first use; a clear error if it cannot be."""
        from trainer.store import Store, StoreError

        try:
            return Store.open(self.db)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc

    def scenario(self, ident: str):
        """A scenario by id, or by path to a YAML file; a clear error otherwise."""
        path = Path(ident)
        if path.suffix in (".yaml", ".yml") or path.exists():
            from trainer.lint import lint
            from trainer.loader import check_file

            scenario, report = check_file(path)
            if scenario is not None:
                lint(scenario, report)
            if scenario is None or report.errors:
                fail_with(report)
            return scenario
        scenario = self.library.get(ident)
        if scenario is None:
            broken = [r for r in self.library.reports if Path(r.path).stem == ident and r.errors]
            if broken:
                fail_with(broken[0])
            raise click.UsageError(f"no scenario '{ident}'" + did_you_mean(ident, self.library.scenarios)
                                   + "; `trainer list` shows them all")
        return scenario


def fail_with(report: Report) -> None:
    for d in report.sorted():
        click.echo(d.format(), err=True)
    raise SystemExit(1)


def _paths_from_env(value: str | None):
    return tuple(Path(p) for p in value.split(os.pathsep) if p) if value else ()


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="trainer")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="TRAINER_DB",
              help="Progress database file (default: in your user data folder). Env: TRAINER_DB.")
@click.option("--scenarios", "scenario_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Extra scenario folder, added to the bundled library (repeatable). Env: TRAINER_SCENARIOS.")
@click.option("--trainee", help="Open the app as this trainee (created if new).")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, scenario_dirs: tuple[Path, ...], trainee: str | None) -> None:
    """Practise hard conversations at the front desk and on the phone, and get scored.

    Run with no command to open the app.
    """
    extra = scenario_dirs or _paths_from_env(os.environ.get("TRAINER_SCENARIOS"))
    for folder in extra:
        if not folder.exists():
            raise click.BadParameter(f"'{folder}' does not exist", param_hint="--scenarios")
    ctx.obj = Context(db, extra, trainee)
    if ctx.invoked_subcommand is None:
        from trainer.launch import run_app

        run_app(ctx.obj, trainee=trainee)


@cli.command()
@click.argument("scenario")
@click.pass_obj
def play(obj: Context, scenario: str) -> None:
    """Open the app on SCENARIO's brief (use the global --trainee to skip picking a trainee)."""
    from trainer.launch import run_app

    run_app(obj, trainee=obj.trainee, play=scenario)


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def list_command(obj: Context, fmt: str) -> None:
    """List the scenarios in the library."""
    rows = [scenario_summary(s) for s in obj.library.summaries.values()]
    rows.sort(key=lambda r: (r["category"], r["difficulty_rank"], r["title"]))
    for r in rows:
        r.pop("difficulty_rank")
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No scenarios found.")
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['category']:<15} {r['difficulty']:<12} {r['title']}")
    click.echo(f"\n{len(rows)} scenarios in {len({r['category'] for r in rows})} categories")
    if obj.library.errors:
        click.echo(f"{len(obj.library.errors)} error(s) in other files: run `trainer validate`", err=True)


def scenario_summary(s) -> dict:
    from trainer.vocabulary import DIFFICULTIES

    return {
        "id": s.id, "title": s.title, "category": s.category, "difficulty": s.difficulty,
        "difficulty_rank": DIFFICULTIES.index(s.difficulty), "summary": s.summary,
        "role": s.role, "minutes": s.minutes, "version": s.version,
        "nodes": s.nodes, "endings": s.endings, "skills": list(s.skills),
        "path": display_path(s.path),
    }


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as failures.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def validate(obj: Context, paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
    """Check scenario files (default: the whole library) and report every problem.

    Exit status: 0 clean, 1 errors (with --strict, warnings too), 2 usage errors.
    """
    from trainer.library import bundled_dir, scenario_files
    from trainer.lint import lint
    from trainer.loader import check_file

    for p in paths:
        if not p.exists():
            raise click.BadParameter(f"'{p}' does not exist", param_hint="PATHS")
    targets = list(paths) or [bundled_dir(), *obj.extra]
    files = [f for t in targets for f in scenario_files(t)]
    reports = []
    for f in files:
        scenario, report = check_file(f)
        if scenario is not None:
            lint(scenario, report)
        reports.append(report)
    diagnostics = [d for r in reports for d in r.sorted()]
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if fmt == "json":
        click.echo(json.dumps({"files": len(files), "errors": errors, "warnings": warnings,
                               "diagnostics": [d.as_dict() for d in diagnostics]}, indent=2))
    else:
        for d in diagnostics:
            click.echo(d.format())
        summary = f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)"
        click.echo(summary, err=bool(diagnostics))
    if errors or (strict and warnings):
        raise SystemExit(1)


@cli.command()
@click.argument("scenario")
@click.option("--choose", "choices", default="", help="Comma-separated choices: the 1-based number shown at "
              "each step, or a choice id; 'timeout' lets a timed node run out.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--record", is_flag=True, help="Record the attempt in the progress database, as the app would.")
@click.option("--trainee", help="Trainee to record the attempt for (with --record).")
@click.option("--mode", type=click.Choice(["practice", "assessment"]), default="assessment", show_default=True,
              help="Mode recorded with the attempt (with --record).")
@click.pass_obj
def simulate(obj: Context, scenario: str, choices: str, fmt: str, record: bool, trainee: str | None,
             mode: str) -> None:
    """Play SCENARIO (an id or a file) headless with the given choices and print the score."""
    from trainer.engine import ChoiceNotAvailable
    from trainer.engine import compiled_for
    from trainer.report_json import session_json, session_text

    if record and not trainee:
        raise click.UsageError("--record needs --trainee NAME")
    if trainee and not record:
        raise click.UsageError("--trainee only applies with --record")
    loaded = obj.scenario(scenario)
    if record:
        from trainer.recording import RecordedAttempt

        store = obj.store()
        actor = RecordedAttempt.start(store, store.trainee(trainee), loaded, mode)
        session = actor.session
    else:
        actor = session = compiled_for(loaded).start()
    wanted = [c.strip() for c in choices.split(",") if c.strip()]
    for position, item in enumerate(wanted, 1):
        try:
            if item == "timeout":
                actor.time_out()
            else:
                actor.choose(item)
        except ChoiceNotAvailable as exc:
            if exc.finished:
                click.echo(f"error: choice {position} ('{item}') comes after the scenario ended at "
                           f"'{session.state}'", err=True)
            else:
                click.echo(f"error: choice {position} ('{item}') is not available at node '{session.state}'; "
                           f"valid: {', '.join(exc.options) or 'none'}"
                           + ("; or 'timeout'" if session.timeout else ""), err=True)
            raise SystemExit(1)
    data = session_json(session)
    if record:
        data["attempt_id"] = actor.attempt_id
    session.close()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(session_text(data))


@cli.command()
@click.argument("scenario")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--random", "runs", type=click.IntRange(1, 1_000_000), help="Also play N seeded random playthroughs.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --random (same seed, same runs).")
@click.pass_obj
def analyze(obj: Context, scenario: str, fmt: str, runs: int | None, seed: int) -> None:
    """Best and worst paths, per-skill ranges, reachability and fairness checks for SCENARIO."""
    from trainer.analyze import analyze as run_analysis, analyze_text

    loaded = obj.scenario(scenario)
    data = run_analysis(loaded)
    if runs and "error" not in data:
        from trainer.random_play import random_playthroughs

        data["random"] = random_playthroughs(loaded, runs, seed)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(analyze_text(data))
        if "random" in data:
            from trainer.random_play import random_text

            click.echo(random_text(data["random"]))
    if "error" in data:
        raise SystemExit(1)


def _emit(text: str, output: Path | None, newline: bool = True) -> None:
    if output is None:
        click.echo(text, nl=newline)
        return
    try:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text + ("\n" if newline else ""), encoding="utf-8")
        tmp.replace(output)  # never leave a half-written file behind
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output}", err=True)


# The other commands live beside this module; importing them registers them on `cli`.
from trainer import cli_authoring, cli_supervisor  # noqa: E402,F401


def main() -> None:
    """Console entry point: no traceback ever reaches the user unless TRAINER_DEBUG is set."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - last line of defence
        if os.environ.get("TRAINER_DEBUG"):
            raise
        click.echo(f"trainer: unexpected error: {exc.__class__.__name__}: {exc} "
                   "(set TRAINER_DEBUG=1 for details)", err=True)
        sys.exit(3)
