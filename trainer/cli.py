"""The `trainer` command: a thin click layer over the library API."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from trainer import __version__
from trainer.diagnostics import Report, did_you_mean, display_path
from trainer.vocabulary import CATEGORIES


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
    from trainer.playthrough import compiled_for
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


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--at", "node", help="Start at this node (default: the scenario's start).")
@click.option("--mood", type=int, help="Starting mood (default: the character's).")
@click.option("--flag", "flags", multiple=True, help="A flag to have set (repeatable).")
def preview(file: Path, node: str | None, mood: int | None, flags: tuple[str, ...]) -> None:
    """Try FILE in practice mode from any node and state; reloads whenever the file is saved."""
    from trainer.lint import lint
    from trainer.loader import check_file

    if not file.exists():
        raise click.BadParameter(f"'{file}' does not exist", param_hint="FILE")
    scenario, report = check_file(file)
    if scenario is not None:
        lint(scenario, report)
        if node is not None and node not in scenario.nodes and node not in scenario.endings:
            raise click.BadParameter(f"no node '{node}' in {file.name}"
                                     + did_you_mean(node, list(scenario.nodes) + list(scenario.endings)),
                                     param_hint="--at")
    from trainer.tui.preview import PreviewApp

    PreviewApp(file, node, mood, flags).run()


@cli.command()
@click.argument("scenario")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.pass_obj
def graph(obj: Context, scenario: str, fmt: str, output: Path | None) -> None:
    """Draw SCENARIO as a flow chart: nodes, choices as labelled edges, endings by outcome."""
    from trainer.graph import GraphvizMissing, to_dot, to_mermaid, to_svg

    loaded = obj.scenario(scenario)
    try:
        text = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}[fmt](loaded)
    except GraphvizMissing as exc:
        raise click.ClickException(str(exc)) from exc
    _emit(text, output, newline=False)


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema (draft 2020-12) of the scenario format, for editor completion."""
    from trainer.schema import scenario_schema

    _emit(json.dumps(scenario_schema(), indent=2, ensure_ascii=False), output)


@cli.command()
@click.argument("slug")
@click.option("--category", required=True, type=click.Choice(CATEGORIES), help="Library category.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write SLUG.yaml in (created if missing).")
def new(slug: str, category: str, folder: Path) -> None:
    """Write a small, valid, commented starter scenario SLUG.yaml to edit."""
    import re

    from trainer.format import ID_PATTERN
    from trainer.starter import starter_text

    if not re.match(ID_PATTERN, slug) or slug.endswith((".yaml", ".yml")):
        raise click.BadParameter("use letters, digits, '-' and '_' only, e.g. billing-dispute (no .yaml)",
                                 param_hint="SLUG")
    path = folder / f"{slug}.yaml"
    if path.exists():
        raise click.ClickException(f"{path} already exists; pick another name or delete it first")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(starter_text(slug, category), encoding="utf-8")
        schema_file = folder / "scenario.schema.json"
        if not schema_file.exists():  # the starter's first line points editors at it
            from trainer.schema import scenario_schema

            schema_file.write_text(json.dumps(scenario_schema(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {path}\nnext: trainer validate --strict {path}   then   trainer preview {path}")


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2026-11-01", param_hint="--since") from None


@cli.command()
@click.option("--trainee", help="Only this trainee.")
@click.option("--scenario", help="Only this scenario id.")
@click.option("--since", help="Only attempts started on or after this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_obj
def report(obj: Context, trainee: str | None, scenario: str | None, since: str | None, fmt: str,
           output: Path | None) -> None:
    """Progress per trainee and item analysis per scenario, for supervisors."""
    from trainer.report_formats import report_csv, report_html, report_text
    from trainer.reports import build_report

    store = obj.store()
    if trainee and store.find_trainee(trainee) is None:
        raise click.UsageError(f"no trainee '{trainee}'" + did_you_mean(trainee, [t.name for t in store.trainees()]))
    data = build_report(store, trainee, scenario, _since(since))
    store.close()
    render = {"json": lambda d: json.dumps(d, indent=2, ensure_ascii=False), "text": report_text,
              "csv": report_csv, "html": report_html}[fmt]
    _emit(render(data), output)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xapi"]), required=True)
@click.option("--since", help="Only attempts started on or after this date (YYYY-MM-DD).")
@click.option("--home-page", default="https://trainer.example.org", show_default=True, envvar="TRAINER_XAPI_HOME",
              help="xAPI: the account homePage that identifies trainees (your organisation's URL).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_obj
def export(obj: Context, fmt: str, since: str | None, home_page: str, output: Path | None) -> None:
    """Export recorded attempts as CSV, JSON Lines, or xAPI 1.0.3 statements."""
    from trainer.exports import export_csv, export_jsonl, export_xapi

    if fmt == "xapi" and not home_page.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--home-page")
    store = obj.store()
    when = _since(since)
    if fmt == "csv":
        text = export_csv(store, when)
    elif fmt == "jsonl":
        text = "".join(line + "\n" for line in export_jsonl(store, when))
    else:
        text = json.dumps(export_xapi(store, when, home_page), indent=2, ensure_ascii=False) + "\n"
    store.close()
    _emit(text, output, newline=False)


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


@cli.group()
def supervisor() -> None:
    """Supervisor settings."""


@supervisor.command("set-passphrase")
@click.pass_obj
def set_passphrase_command(obj: Context) -> None:
    """Set (or change) the passphrase that protects `trainer review`."""
    from trainer import passphrase
    from trainer.store import StoreError

    store = obj.store()
    try:
        if passphrase.is_set(store):
            current = click.prompt("Current passphrase", hide_input=True)
            if not passphrase.check(store, current):
                raise click.ClickException("that is not the current passphrase; nothing was changed")
        new = click.prompt("New passphrase (8+ characters)", hide_input=True, confirmation_prompt=True)
        passphrase.set_passphrase(store, new)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    click.echo("Supervisor passphrase set.")


@cli.command()
@click.option("--as", "supervisor", default=lambda: os.environ.get("USER", "supervisor"),
              help="Name recorded with notes and sign-offs (default: your login name).")
@click.pass_obj
def review(obj: Context, supervisor: str) -> None:
    """Open the supervisor review (asks for the supervisor passphrase)."""
    from trainer import passphrase
    from trainer.launch import create_review_app

    store = obj.store()
    if not passphrase.is_set(store):
        store.close()
        raise click.ClickException("no supervisor passphrase is set yet: run `trainer supervisor set-passphrase` first")
    app = create_review_app(store=store, library=obj.library, supervisor=supervisor)
    try:
        app.run()
    finally:
        store.close()


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
