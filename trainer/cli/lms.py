"""`trainer lms`: SCORM 1.2 packages that let a hospital's LMS launch the site's scenarios, and their
launch keys (listed, revoked). Supervisor sign-in, site databases only: the package frames the site's
web app (`trainer serve`), and the launches are recorded there."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.base import Context, OutputFile, cli, echo, no_scenario, write_output
from trainer.cli.gate import AccessRefused, in_site_folders, require_supervisor
from trainer.i18n import _, ngettext
from trainer.sanitize import dumps, line


def _site_store(obj: Context, what: str):
    """The site database and the signed-in supervisor; a personal database is refused in one line."""
    from trainer.progress import accounts

    store = obj.store()
    try:
        actor = require_supervisor(store, what)
        site = accounts.site(store)
        if site is None:
            raise click.ClickException(_("this is a personal database; an LMS launches a site's scenarios, served by "
                                         "`trainer serve` (`trainer site init`)"))
    except BaseException:
        store.close()
        raise
    return store, actor, site


@cli.group()
def lms() -> None:
    """Launch scenarios from a learning management system (SCORM 1.2)."""


@lms.command("scorm")
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--url", "base_url", required=True, metavar="BASE_URL",
              help="The site's address as learners' browsers reach it (where `trainer serve` answers), "
              "e.g. https://training.clinic.example")
@click.option("--title", help="The course title the LMS shows (default: the scenario's title, or a count).")
@click.option("-o", "--output", type=OutputFile(), required=True, help="The package file to write (.zip).")
@click.pass_obj
def scorm_command(obj: Context, scenarios: tuple[str, ...], base_url: str, title: str | None, output: Path) -> None:
    """Write a SCORM 1.2 package (one SCO per scenario) with its own launch key (supervisor sign-in)."""
    from trainer.lms.scorm import PageWords, ScoEntry, build_package, check_base_url
    from trainer.progress import lms as records

    url = check_base_url(base_url)
    if url is None:
        raise click.BadParameter(_("'{url}' is not an http(s) address like https://training.clinic.example").format(
            url=line(base_url)), param_hint="--url")
    chosen = []
    for ident in scenarios:
        scenario = obj.library.get(ident)
        if scenario is None:
            raise click.UsageError(no_scenario(ident, obj.library.scenarios))
        chosen.append(scenario)
    store, actor, site = _site_store(obj, _("an LMS package"))
    try:
        for scenario in chosen:
            if not in_site_folders(site, scenario):
                raise AccessRefused(_("scenario '{id}' is not one of this site's scenarios (its folders or the bundled "
                                      "library), so the site could not play it").format(id=line(scenario.id)))
        entries = [ScoEntry(s.id, s.title, s.language or "en") for s in chosen]
        course = title or (entries[0].title if len(entries) == 1 else
                           ngettext("Conversation practice: {count} scenario", "Conversation practice: {count} scenarios",
                                    len(entries)).format(count=len(entries)))
        words = PageWords(
            no_api=_("Open this course from your learning system: it needs the system's SCORM connection, and none "
                     "was found."),
            no_init=_("Your learning system would not start this course; close it and open it again."))
        package, key = records.new_package(store, [e.scenario_id for e in entries], url, actor)
        data = build_package(package.id, course, entries, url, key, words)
        try:
            write_output(data, output)
        except click.ClickException:
            records.revoke(store, package.id, actor)  # a key nobody received must not stay live
            raise
    finally:
        store.close()
    echo(ngettext("LMS package {id}: {count} scenario, launching {url}", "LMS package {id}: {count} scenarios, "
                  "launching {url}", len(entries)).format(id=package.id, count=len(entries), url=url), err=True)


@lms.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def list_command(obj: Context, fmt: str) -> None:
    """The site's LMS packages: scenarios, address, launches, learners, revoked or live."""
    from dataclasses import asdict

    from trainer.progress import lms as records

    store, _actor, _site = _site_store(obj, _("the LMS package list"))
    try:
        found = records.packages(store)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dumps([{**asdict(p), "scenarios": list(p.scenarios), "revoked": p.revoked} for p in found],
                         indent=2))
        return
    if not found:
        echo(_("No LMS packages yet: `trainer lms scorm SCENARIO --url BASE_URL -o FILE.zip` makes one."))
        return
    for p in found:
        state = (_("revoked {date} by {name}").format(date=p.revoked_at[:10], name=p.revoked_by) if p.revoked
                 else _("live"))
        echo(_("{id}  {date}  by {name}  {state}  launches {launches}  learners {learners}  {url}  {scenarios}").format(
            id=p.id, date=p.created_at[:10], name=p.created_by, state=state, launches=p.launches,
            learners=p.learners, url=p.base_url, scenarios=", ".join(p.scenarios)))


@lms.command("revoke")
@click.argument("package_id", metavar="ID", type=int)
@click.pass_obj
def revoke_command(obj: Context, package_id: int) -> None:
    """Refuse every later launch with package ID's key and end its open sessions (supervisor sign-in)."""
    from trainer.progress import lms as records

    store, actor, _site = _site_store(obj, _("revoking an LMS package"))
    try:
        records.revoke(store, package_id, actor)
    except records.UnknownPackage as exc:
        raise click.UsageError(line(str(exc))) from None
    except records.LmsError as exc:
        raise click.ClickException(line(str(exc))) from None
    finally:
        store.close()
    echo(_("LMS package {id} revoked: its launches now get a page that says so.").format(id=package_id))
