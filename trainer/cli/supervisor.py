"""Supervisor commands: report, export, supervisor set-passphrase, review."""

from __future__ import annotations

import os
from pathlib import Path

import click

from trainer.sanitize import dumps

from trainer.cli.base import Context, OutputFile, _emit, cli, echo, no_scenario, no_trainee, since_day
from trainer.cli.gate import AccessRefused, require_supervisor
from trainer.i18n import _


@cli.command()
@click.option("--trainee", help="Only this trainee.")
@click.option("--scenario", help="Only this scenario id.")
@click.option("--since", help="Only attempts started on or after this date (YYYY-MM-DD).")
@click.option("--mode", type=click.Choice(["assessment", "practice"]),
              help="Only this mode (by default each trainee and scenario has a row per mode; never mixed).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True)
@click.option("-o", "--output", type=OutputFile(),
              help="Write to this file instead of standard output.")
@click.option("--from-lrs", "from_lrs", metavar="URL",
              help="Every site's report, from the statements the sites sent to this LRS's xAPI endpoint "
              "(credentials from TRAINER_LRS_USER and TRAINER_LRS_PASSWORD); no database is opened.")
@click.option("--site", "sites", multiple=True, metavar="IRI",
              help="With --from-lrs: only this site (its site IRI); repeatable.")
@click.pass_obj
def report(obj: Context, trainee: str | None, scenario: str | None, since: str | None, mode: str | None, fmt: str,
           output: Path | None, from_lrs: str | None, sites: tuple[str, ...]) -> None:
    """Progress per trainee and item analysis per scenario, for supervisors.

    With --from-lrs, one report for every site from the LRS their statements reach.
    """
    if from_lrs is not None or sites:
        from trainer.cli.lrs_report import report_from_lrs

        report_from_lrs(from_lrs, sites, trainee, scenario, since, mode, fmt, output)
        return
    from trainer.reports.formats import report_csv, report_text
    from trainer.reports.html import report_html
    from trainer.reports.data import build_report

    store = obj.store()
    actor = require_supervisor(store, _("the report"))
    if trainee and store.find_trainee(trainee) is None:
        raise click.UsageError(no_trainee(trainee, store))
    if scenario:
        from trainer.progress.report_queries import reported_scenarios

        known = set(obj.library.summaries) | set(reported_scenarios(store))
        if scenario not in known:
            raise click.UsageError(no_scenario(scenario, sorted(known)))
        if scenario in obj.library.summaries:  # a translation or a form: its attempts are recorded under its original
            scenario = obj.library.summaries[scenario].counts_toward
    data = build_report(store, trainee, scenario, since_day(since), mode=mode, catalogue=obj.library.summaries,
                        scenarios=obj.library.scenarios)
    from trainer.progress import audit  # on use: `trainer` alone (the app) never needs it

    audit.log(store, actor, "report", fmt, trainee=trainee, scenario=scenario, since=since, mode=mode,
              output=str(output) if output else None)
    store.close()
    render = {"json": lambda d: dumps(d, indent=2), "text": report_text,
              "csv": report_csv, "html": report_html}[fmt]
    _emit(render(data), output)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xapi"]), required=True)
@click.option("--since", help="Only attempts started on or after this date (YYYY-MM-DD).")
@click.option("--home-page", envvar="TRAINER_XAPI_HOME",
              help="xAPI: the account homePage that identifies trainees (your organisation's URL; default: the "
              "site IRI on a site database, https://trainer.example.org on a personal one).")
@click.option("-o", "--output", type=OutputFile(),
              help="Write to this file instead of standard output.")
@click.pass_obj
def export(obj: Context, fmt: str, since: str | None, home_page: str | None, output: Path | None) -> None:
    """Export recorded attempts as CSV, JSON Lines, or xAPI 1.0.3 statements."""
    from trainer.reports.exports import export_csv, export_jsonl, export_xapi

    if fmt == "xapi" and home_page is not None and not home_page.startswith(("http://", "https://")):
        raise click.BadParameter(_("must be an http(s) URL"), param_hint="--home-page")
    store = obj.store()
    actor = require_supervisor(store, _("the export"))
    when = since_day(since)
    if fmt == "csv":
        text = export_csv(store, when)
    elif fmt == "jsonl":
        text = "".join(line + "\n" for line in export_jsonl(store, when))
    else:
        text = dumps(export_xapi(store, when, home_page), indent=2) + "\n"
    from trainer.progress import audit

    audit.log(store, actor, "export", fmt, since=since, output=str(output) if output else None)
    store.close()
    _emit(text, output, newline=False)


@cli.group()
def supervisor() -> None:
    """Supervisor settings."""


@supervisor.command("set-passphrase")
@click.pass_obj
def set_passphrase_command(obj: Context) -> None:
    """Set (or change) the passphrase that protects `trainer review`."""
    from trainer.progress import passphrase
    from trainer.progress.store import StoreError

    from trainer.progress import accounts

    store = obj.store()
    if accounts.is_site(store):
        store.close()
        raise click.ClickException(_("this is a site database: every supervisor has their own passphrase "
                                     "(`trainer supervisors reset-passphrase NAME`)"))
    try:
        if passphrase.is_set(store):
            current = click.prompt(_("Current passphrase"), hide_input=True)
            try:
                right = passphrase.check(store, current)
            except passphrase.LockedOut as exc:
                raise AccessRefused(str(exc)) from None
            if not right:
                raise click.ClickException(_("that is not the current passphrase; nothing was changed"))
        from trainer.cli.gate import strong_enough

        new = click.prompt(_("New passphrase (12+ characters)"), hide_input=True, value_proc=strong_enough,
                           confirmation_prompt=_("Repeat for confirmation"))
        passphrase.set_passphrase(store, new)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    echo(_("Supervisor passphrase set."))


@cli.command()
@click.option("--as", "supervisor", help="Personal database: the name recorded with notes and sign-offs "
              "(default: your login name). On a site database the name is the supervisor who signs in.")
@click.pass_obj
def review(obj: Context, supervisor: str | None) -> None:
    """Open the supervisor review (a supervisor sign-in on a site; the passphrase on a personal database)."""
    from trainer.progress import passphrase
    from trainer.cli.running import checked_name, launch_for, run_app

    launch = launch_for(obj, roles=("supervisor",))
    if launch.site is not None:
        if supervisor is not None:
            raise click.UsageError(_("--as is for personal databases; on a site database the supervisor who signs in "
                                     "is named"))
        run_app(obj, launch=launch)
        return
    supervisor = checked_name(supervisor, "--as") if supervisor else os.environ.get("USER", "supervisor")
    store = obj.store()
    if not passphrase.is_set(store):
        store.close()
        raise click.ClickException(_("no supervisor passphrase is set yet: run `trainer supervisor set-passphrase` "
                                     "first"))
    app = launch.with_options(store=store, library=obj.library, supervisor=supervisor).review_app()
    try:
        app.run()
    finally:
        store.close()
    if app.return_code:
        raise SystemExit(app.return_code)
