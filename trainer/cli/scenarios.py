"""Commands on scenarios: play, list, validate, simulate, analyze."""

from __future__ import annotations

import os
from pathlib import Path

import click

from trainer.sanitize import dumps

from trainer.cli.base import Context, cli, does_not_exist, echo
from trainer.i18n import _, ngettext
from trainer.scenario.vocabulary import label
from trainer.scenario.diagnostics import display_path


@cli.command()
@click.argument("scenario")
@click.pass_obj
def play(obj: Context, scenario: str) -> None:
    """Open the app on SCENARIO's brief (use the global --trainee to skip picking a trainee)."""
    from trainer.cli.running import run_app

    run_app(obj, trainee=obj.trainee, play=scenario)


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def list_command(obj: Context, fmt: str) -> None:
    """List the scenarios in the library."""
    library = obj.library
    rows = [scenario_summary(s) for s in library.originals()]  # a translation is listed with its original
    for r in rows:
        r["translations"] = {t.language: t.id for t in library.translations(r["id"])}
    rows.sort(key=lambda r: (r["category"], r["difficulty_rank"], r["title"]))
    for r in rows:
        r.pop("difficulty_rank")
    if fmt == "json":
        echo(dumps(rows, indent=2))
        return
    if not rows:
        echo(_("No scenarios found."))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        also = "".join(f"  ({code}: {ident})" for code, ident in r["translations"].items())
        if r["form_of"]:
            also += "  " + _("(a form of {id})").format(id=r["form_of"])
        echo(f"{r['id']:<{width}}  {label(r['category']):<15} {label(r['difficulty']):<12} {r['title']}{also}")
    categories = len({r["category"] for r in rows})
    echo("\n" + ngettext("{count} scenario", "{count} scenarios", len(rows)).format(count=len(rows)) + " "
         + ngettext("in {count} category", "in {count} categories", categories).format(count=categories))
    broken = obj.library.broken()
    if broken:
        echo(ngettext("{count} file could not be loaded: run `{command}`",
                      "{count} files could not be loaded: run `{command}`", len(broken)).format(
            count=len(broken), command=obj.library.validate_command()), err=True)


def scenario_summary(s) -> dict:
    from trainer.scenario.vocabulary import DIFFICULTIES

    return {
        "id": s.id, "title": s.title, "category": s.category, "difficulty": s.difficulty,
        "difficulty_rank": DIFFICULTIES.index(s.difficulty), "summary": s.summary,
        "role": s.role, "minutes": s.minutes, "version": s.version, "language": s.language,
        "jurisdiction": s.jurisdiction or None, "topics": list(s.topics),
        "nodes": s.nodes, "endings": s.endings, "skills": list(s.skills),
        "path": display_path(s.path), "form_of": s.form_of or None,
    }


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as failures.")
@click.option("--style", is_flag=True, help="Also check that the answers' wording does not give the key away "
              "(style-cue-pass): slower, it trains a model on the library.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def validate(obj: Context, paths: tuple[Path, ...], strict: bool, style: bool, fmt: str) -> None:
    """Check scenario files (default: the whole library) and report every problem.

    Exit status: 0 clean, 1 errors (with --strict, warnings too), 2 usage errors.
    """
    from itertools import islice

    from trainer.scenario.diagnostics import Location, Report
    from trainer.scenario.formbrief import LibraryOriginals
    from trainer.scenario.forms import check_form_files
    from trainer.scenario.library import bundled_dir, check_files, check_translation_files, scenario_files

    for p in paths:
        if not os.path.lexists(p):
            raise click.BadParameter(does_not_exist(p), param_hint="PATHS")
    targets = list(paths) or [bundled_dir(), *obj.extra]
    files, slots = [], []  # per target: its files' count, or a report that it has none
    for target in targets:
        found = scenario_files(target)
        if not found:  # an empty folder, or a folder named like a file (x.yaml/)
            empty = Report(display_path(target))
            empty.error(Location(), "no scenario files found here", "scenario files end in .yaml or .yml "
                        "(hidden files and folders are skipped)", code="no-files")
            slots.append(empty)
        files += found
        slots.append(len(found))
    translations: dict[Path, str] = {}
    forms: dict[Path, str] = {}
    briefs: dict = {}  # what the forms check reads of each file checked afresh: no file parsed twice
    all_reports = check_files(files, translations=translations, forms=forms, briefs=briefs)
    check_form_files(forms, files, all_reports, lambda: obj.library, briefs=briefs,
                     outside=LibraryOriginals([bundled_dir(), *obj.extra], lambda: obj.library))
    check_translation_files(translations, files, all_reports, lambda: obj.library)
    if style:
        _check_style(obj, files, all_reports)
    checked = iter(all_reports)
    reports = [r for slot in slots for r in ([slot] if isinstance(slot, Report) else islice(checked, slot))]
    diagnostics = [d for r in reports for d in r.sorted()]
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if fmt == "json":
        echo(dumps({"files": len(files), "errors": errors, "warnings": warnings,
                          "diagnostics": [d.as_dict() for d in diagnostics]}, indent=2))
    else:
        for d in diagnostics:
            echo(d.format())
        summary = (ngettext("{count} file checked", "{count} files checked", len(files)).format(count=len(files))
                   + ": " + ngettext("{count} error", "{count} errors", errors).format(count=errors) + ", "
                   + ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings))
        echo(summary, err=bool(diagnostics))
    if errors or (strict and warnings):
        raise SystemExit(1)


def _check_style(obj: Context, files: list[Path], reports: list) -> None:
    """`validate --style`: the style classifier on every file that loaded, trained on the library the
    command sees (the bundled library and --scenarios folders) with the checked files in it."""
    from trainer.scenario.lint import lint_style
    from trainer.scenario.loader import check_file

    checked = []
    for path, report in zip(files, reports):
        if not report.errors:
            scenario, _report = check_file(path)  # with source positions, for the warning's line
            if scenario is not None:
                checked.append((scenario, report))
    lint_style(checked, _scenarios(obj.library))


def _storable_seed(seed: int | None) -> int | None:
    """A seed the progress database can keep (SQLite integers are 64-bit)."""
    if seed is not None and not -2**63 <= seed < 2**63:
        raise click.BadParameter(_("must be a whole number between -2^63 and 2^63-1"), param_hint="--seed")
    return seed


@cli.command()
@click.argument("scenario")
@click.option("--choose", "choices", default="", help="Comma-separated choices: the 1-based number shown at "
              "each step (in file order, or --seed's order), or a choice id; 'timeout' lets a timed node run out.")
@click.option("--seed", type=int, metavar="N", callback=lambda ctx, param, value: _storable_seed(value),
              help="Show (and number) each step's choices in the order an attempt with this seed shows them, "
              "as `analyze --seed` numbers them (default: file order); kept with the attempt under --record.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--record", is_flag=True, help="Record the attempt in the progress database, as the app would.")
@click.option("--trainee", help="Trainee to record the attempt for (with --record). On a site database, "
              "you sign in as yourself (env: TRAINER_TRAINEE and TRAINER_PASSPHRASE).")
@click.option("--mode", type=click.Choice(["practice", "assessment"]),
              help="Mode recorded with the attempt (with --record; default assessment on a personal database; "
              "a site database records practice only).")
@click.pass_obj
def simulate(obj: Context, scenario: str, choices: str, seed: int | None, fmt: str, record: bool,
             trainee: str | None, mode: str | None) -> None:
    """Play SCENARIO (an id or a file) headless with the given choices and print the score."""
    from trainer.play.engine import ChoiceNotAvailable
    from trainer.play.engine import compiled_for
    from trainer.reports.session import session_json, session_text

    if trainee and not record:
        raise click.UsageError(_("--trainee only applies with --record"))
    loaded = obj.scenario(scenario)
    if record:
        from trainer.cli.gate import recording_trainee
        from trainer.play.recording import RecordedAttempt
        from trainer.progress.store import StoreError

        store = obj.store()
        who, mode = recording_trainee(store, trainee, mode, loaded)
        try:
            actor = RecordedAttempt.start(store, who, loaded, mode, seed=seed)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        session = actor.session
    else:
        from trainer.scenario.placeholders import personalised

        actor = session = compiled_for(personalised(loaded)).start(seed=seed)  # {trainee}: the role
    wanted = [c.strip() for c in choices.split(",") if c.strip()]
    for position, item in enumerate(wanted, 1):
        try:
            if item == "timeout":
                actor.time_out()
            else:
                actor.choose(item)
        except ChoiceNotAvailable as exc:
            if exc.finished:
                echo(_("error: choice {position} ('{choice}') comes after the scenario ended at '{node}'").format(
                    position=position, choice=item, node=session.state), err=True)
            else:
                valid = ", ".join(exc.options) or _("none")
                echo((_("error: choice {position} ('{choice}') is not available at node '{node}'; valid: {valid}; "
                        "or 'timeout'") if session.timeout else
                      _("error: choice {position} ('{choice}') is not available at node '{node}'; valid: {valid}")
                      ).format(position=position, choice=item, node=session.state, valid=valid), err=True)
            raise SystemExit(1)
    data = session_json(session)
    if record:
        data["attempt_id"] = actor.attempt_id
    session.close()
    if fmt == "json":
        echo(dumps(data, indent=2))
    else:
        echo(session_text(data))


@cli.command()
@click.argument("targets", nargs=-1, metavar="SCENARIO | --library [DIR...]")
@click.option("--library", "whole_library", is_flag=True, help="Style analysis of a whole library instead of one "
              "scenario: the cue table and the style classifier's result per scenario, for the DIR folders (default: "
              "the bundled library and --scenarios folders).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--random", "runs", type=click.IntRange(1, 1_000_000), help="Also play N seeded random playthroughs.")
@click.option("--seed", type=int, help="Number the paths' choices in the order an attempt with this seed shows "
              "them (default: file order); also seeds --random (default 0).")
@click.pass_obj
def analyze(obj: Context, targets: tuple[str, ...], whole_library: bool, fmt: str, runs: int | None,
            seed: int | None) -> None:
    """Best and worst paths, per-skill ranges, reachability, fairness and style checks for SCENARIO; with
    --library, the style analysis of every scenario in a library."""
    if whole_library:
        if runs or seed is not None:
            raise click.UsageError(_("--random and --seed apply to one scenario, not to --library"))
        _analyze_library(obj, targets, fmt)
        return
    if len(targets) != 1:
        raise click.UsageError(_("name one scenario (an id or a file), or use --library"))
    from trainer.play.analyze import analyze as run_analysis, analyze_text
    from trainer.scenario.style import style_report, style_text

    loaded = obj.scenario(targets[0])
    data = run_analysis(loaded, seed)
    if "error" not in data:
        data["style"] = style_report(loaded, _scenarios(obj.library))
    if runs and "error" not in data:
        from trainer.play.random_play import random_playthroughs

        data["random"] = random_playthroughs(loaded, runs, 0 if seed is None else seed)
    if fmt == "json":
        echo(dumps(data, indent=2))
    else:
        echo(analyze_text(data))
        if "style" in data:
            echo("\n".join(style_text(data["style"])))
        if "random" in data:
            from trainer.play.random_play import random_text

            echo(random_text(data["random"]))
    if "error" in data:
        raise SystemExit(1)


def _scenarios(library) -> list:
    """Every scenario of a library that loaded (translations included), in id order."""
    return [library.get(ident) for ident in sorted(library.scenarios)]


def _analyze_library(obj: Context, folders: tuple[str, ...], fmt: str) -> None:
    from trainer.scenario.library import load_library
    from trainer.scenario.style import classify, cue_table, cues

    for folder in folders:
        if not os.path.isdir(folder):
            raise click.BadParameter(_("'{path}' is not a folder").format(path=folder), param_hint="DIR")
    library = load_library([Path(f) for f in folders], include_bundled=False) if folders else obj.library
    scenarios = _scenarios(library)
    results = classify(scenarios, scenarios)
    table = cues(scenarios)
    rows = [{"scenario": s.id, "language": s.language, "classifier": results[s.id]} for s in scenarios]
    if fmt == "json":
        echo(dumps({"scenarios": rows, "cues": table}, indent=2))
        return
    echo(_("Cues: share of best answers and of the other answers that contain each word, phrase or mark"))
    echo("\n".join(cue_table(table)))
    echo()
    echo(_("Always choosing the answer that sounds best (a model of the other scenarios' wording):"))
    width = max((len(r["scenario"]) for r in rows), default=0)
    for r in rows:
        result = r["classifier"]
        if result["overall"] is None:
            verdict = _("not enough other scenarios to train on")
        else:
            verdict = (f"{result['overall']:5.1f}%  " + (_("PASSES") if result["passed"] else _("fails")) + "  "
                       + _("(trained on {count})").format(count=result["trained_on"]))
        echo(f"  {r['scenario']:<{width}}  {verdict}")
    passing = sum(r["classifier"]["passed"] for r in rows)
    echo(ngettext("{count} of {total} scenario passes on style alone", "{count} of {total} scenarios pass on "
                  "style alone", len(rows)).format(count=passing, total=len(rows)))
