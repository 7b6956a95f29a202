"""Programme commands: assign, unassign, sets add/list/show/remove, waive, record. Every one goes through
the supervisor gate and lands in the audit trail."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from trainer.cli.base import Context, OutputFile, cli, did_you_mean, echo, mode_word, no_scenario, no_trainee
from trainer.cli.gate import require_supervisor
from trainer.i18n import _, ngettext
from trainer.sanitize import dumps, line



class _Refused(click.ClickException):
    """A programme change that was refused (exit 1, one line)."""


@contextmanager
def _supervising(obj: Context, what: str):
    """The store and the signed-in supervisor; a refused change becomes one line and exit 1."""
    from trainer.progress.programme import ProgrammeError

    store = obj.store()
    try:
        actor = require_supervisor(store, what)
        try:
            yield store, actor
        except ProgrammeError as exc:
            raise _Refused(line(str(exc))) from None
    finally:
        store.close()


def _due(value: str) -> date:
    from trainer.progress.schedule import check_due

    try:
        return check_due(value, date.today())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--due") from None


def _every(value: str | None) -> int | None:
    from trainer.progress.schedule import parse_every

    if value is None:
        return None
    try:
        return parse_every(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None


def _target(trainee: str | None, group: str | None) -> None:
    if (trainee is None) == (group is None):
        raise click.UsageError(_("give one of --trainee NAME or --group GROUP"))


def _known_scenarios(obj: Context, ids) -> None:
    unknown = [i for i in ids if obj.library.get(i) is None]
    if unknown:
        raise click.UsageError(no_scenario(unknown[0], obj.library.scenarios))


def _expand(obj: Context, store, items) -> list[tuple[str, str | None]]:
    from trainer.progress.programme import ProgrammeError, expand, sets

    try:
        found = expand(store, items, obj.library.scenarios)
        summaries = obj.library.summaries  # a translation or form named stands for its original: attempts count there
        return list(dict.fromkeys((summaries[sid].counts_toward if sid in summaries else sid, via)
                                  for sid, via in found))
    except ProgrammeError:
        bad = next(i for i in items if i not in obj.library.scenarios and not any(
            s["name"].casefold() == i.casefold() for s in sets(store)))
        names = [*obj.library.scenarios, *(s["name"] for s in sets(store))]
        raise click.UsageError(_("'{name}' is neither a scenario id nor a set name{suggestion}; `trainer list` and "
                                 "`trainer sets list` show them").format(name=bad, suggestion=did_you_mean(bad, names))
                               ) from None


@cli.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--trainee", help="Assign to this trainee.")
@click.option("--group", help="Assign to everyone in this group, now and later.")
@click.option("--due", required=True, help="Due date, YYYY-MM-DD.")
@click.option("--mode", type=click.Choice(["assessment", "practice"]), default="assessment", show_default=True,
              help="Which attempts count: assessment ones only, or any.")
@click.option("--attempts", type=click.IntRange(min=1), help="Attempts allowed (default: unlimited).")
@click.option("--every", help="Comes back due this long after each pass, e.g. 12m or 1y (default: once).")
@click.option("--any-jurisdiction", is_flag=True,
              help="Also assign scenarios written for another country's law and practice than the site's.")
@click.pass_obj
def assign(obj: Context, scenarios: tuple[str, ...], trainee: str | None, group: str | None, due: str, mode: str,
           attempts: int | None, every: str | None, any_jurisdiction: bool) -> None:
    """Assign scenarios or named sets to a trainee or a group, due by a date."""
    from trainer.progress.accounts import jurisdiction_of
    from trainer.progress.programme import assign as do_assign

    _target(trainee, group)
    day, months = _due(due), _every(every)
    with _supervising(obj, _("assigning")) as (store, actor):
        items = _expand(obj, store, scenarios)
        here = jurisdiction_of(store)
        elsewhere = [] if any_jurisdiction else obj.library.elsewhere([sid for sid, _via in items], here)
        if elsewhere:
            ident, code = elsewhere[0]
            raise click.UsageError(_("'{id}' teaches {code} law and practice and this site trains for {here}: pick "
                                     "a {here} scenario, or add --any-jurisdiction").format(
                id=line(ident), code=code, here=here))
        do_assign(store, items, actor, day, trainee=trainee, group=group, mode=mode, max_attempts=attempts,
                  every_months=months)
        who = _stored_name(store, trainee, group)
    terms = [mode_word(mode)]
    if attempts:
        terms.append(ngettext("{count} attempt", "{count} attempts", attempts).format(count=attempts))
    if every:
        terms.append(_("every {interval}").format(interval=every.strip()))
    echo(ngettext("Assigned {count} scenario to {who}, due {date} ({terms}).",
                  "Assigned {count} scenarios to {who}, due {date} ({terms}).", len(items)).format(
        count=len(items), who=line(who), date=day.isoformat(), terms=", ".join(terms)))


def _stored_name(store, trainee: str | None, group: str | None) -> str:
    """The trainee's or group's name as stored (the supervisor may have typed another case)."""
    if trainee is not None:
        return store.find_trainee(trainee).name
    from trainer.progress.names import name_key

    from trainer.progress.lookups import group_name

    return _("group {name}").format(name=group_name(store, name_key(group)) or group)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--trainee", help="Withdraw from this trainee.")
@click.option("--group", help="Withdraw from this group.")
@click.pass_obj
def unassign(obj: Context, scenarios: tuple[str, ...], trainee: str | None, group: str | None) -> None:
    """Withdraw assignments (scenarios or sets); the attempts made stay recorded."""
    from trainer.progress.programme import unassign as do_unassign

    _target(trainee, group)
    with _supervising(obj, _("withdrawing assignments")) as (store, actor):
        ids = [sid for sid, _from_set in _expand(obj, store, scenarios)]
        gone = do_unassign(store, ids, actor, trainee=trainee, group=group)
    echo(ngettext("Withdrew {count} assignment.", "Withdrew {count} assignments.", gone).format(count=gone))


@cli.command()
@click.argument("scenario")
@click.option("--trainee", required=True, help="The trainee whose retraining is waived.")
@click.option("--reason", help="Why (kept in the audit trail).")
@click.pass_obj
def waive(obj: Context, scenario: str, trainee: str, reason: str | None) -> None:
    """Waive retraining: accept a trainee's pass on an older version of a scenario."""
    from trainer.progress.programme import waive as do_waive

    with _supervising(obj, _("waiving retraining")) as (store, actor):
        row = do_waive(store, trainee, scenario, obj.library.summaries, actor, date.today(), reason)
    echo(_("Retraining waived for {trainee} on {scenario} (version {passed} pass accepted for version {current}).").format(
        trainee=line(row["trainee"]), scenario=line(scenario), passed=row["passed_version"],
        current=row["current_version"]))


@cli.group()
def sets() -> None:
    """Named sets of scenarios, assignable like one scenario (supervisor sign-in needed)."""


@sets.command("add")
@click.argument("name")
@click.argument("scenarios", nargs=-1, required=True)
@click.pass_obj
def sets_add(obj: Context, name: str, scenarios: tuple[str, ...]) -> None:
    """Create a set, or add scenarios to an existing one."""
    from trainer.progress.programme import add_to_set

    _known_scenarios(obj, scenarios)
    with _supervising(obj, _("changing sets")) as (store, actor):
        found = add_to_set(store, name, scenarios, actor)
    echo(_("Set '{name}': {scenarios}.").format(name=line(found["name"]), scenarios=", ".join(map(line, found["scenarios"]))))


@sets.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def sets_list(obj: Context, fmt: str) -> None:
    """List the named sets and their scenarios."""
    from trainer.progress.programme import sets as all_sets

    with _supervising(obj, _("listing sets")) as (store, _actor):
        found = all_sets(store)
    if fmt == "json":
        click.echo(dumps(found, indent=2))
        return
    for s in found:
        echo(f"{line(s['name'])}: {', '.join(map(line, s['scenarios']))}")
    click.echo(ngettext("{count} set", "{count} sets", len(found)).format(count=len(found)), err=True)


@sets.command("show")
@click.argument("name")
@click.pass_obj
def sets_show(obj: Context, name: str) -> None:
    """The scenarios in one set, with their titles."""
    from trainer.progress.programme import find_set, sets as all_sets

    with _supervising(obj, _("showing a set")) as (store, _actor):
        found = find_set(store, name)
        names = [s["name"] for s in all_sets(store)]
    if found is None:
        raise click.UsageError(_("no set '{name}'").format(name=name) + did_you_mean(name, names))
    echo(line(found["name"]))
    for sid in found["scenarios"]:
        meta = obj.library.summaries.get(sid)
        echo(f"  {line(sid)}  {line(meta.title) if meta else _('(not in the library)')}")


@sets.command("remove")
@click.argument("name")
@click.argument("scenarios", nargs=-1)
@click.pass_obj
def sets_remove(obj: Context, name: str, scenarios: tuple[str, ...]) -> None:
    """Remove scenarios from a set, or the whole set; assignments already made stay."""
    from trainer.progress.programme import remove_set

    with _supervising(obj, _("changing sets")) as (store, actor):
        left = remove_set(store, name, actor, scenarios)
    echo(_("Set '{name}' removed.").format(name=line(name)) if left is None else
         _("Set '{name}': {scenarios}.").format(name=line(left["name"]), scenarios=", ".join(map(line, left["scenarios"]))))
@cli.command()
@click.argument("name")
@click.option("-o", "--output", required=True, type=OutputFile(),
              help="The file to write: FILE.pdf or FILE.html.")
@click.pass_obj
def record(obj: Context, name: str, output: Path) -> None:
    """One trainee's training record, as a printable PDF or HTML file."""
    from trainer.cli.base import write_output
    from trainer.progress import audit
    from trainer.reports.record import record_data, record_html, record_pdf

    kind = output.suffix.lower()
    if kind not in (".pdf", ".html", ".htm"):
        raise click.BadParameter(_("give a file name ending in .pdf or .html"), param_hint="-o")
    store = obj.store()
    try:
        actor = require_supervisor(store, _("the training record"))
        person = store.find_trainee(name)
        if person is None:
            raise click.UsageError(no_trainee(name, store))
        data = record_data(store, person, obj.library.summaries, date.today())
        audit.log(store, actor, "record", person.name, output=str(output))
    finally:
        store.close()
    write_output(record_pdf(data) if kind == ".pdf" else record_html(data), output)
