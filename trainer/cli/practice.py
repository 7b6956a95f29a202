"""`trainer suggest`: the next scenarios for a trainee, each with a reason (trainer.play.suggest)."""

from __future__ import annotations

from datetime import date

import click

from trainer.cli.base import Context, cli, echo
from trainer.i18n import _
from trainer.sanitize import dumps, line


@cli.command()
@click.option("--trainee", required=True, help="Whose suggestions. On a site database a trainee signs in as "
              "themselves (TRAINER_TRAINEE and TRAINER_PASSPHRASE); a supervisor may ask for anyone "
              "(TRAINER_SUPERVISOR and TRAINER_PASSPHRASE).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def suggest(obj: Context, trainee: str, fmt: str) -> None:
    """Up to three scenarios to play next, aimed at the trainee's weakest skill (docs/practice.md)."""
    from trainer.cli.gate import require_self_or_supervisor
    from trainer.cli.running import checked_name
    from trainer.play.next_up import suggestions_for
    from trainer.progress import accounts

    checked_name(trainee, "--trainee")
    store = obj.store()
    try:
        require_self_or_supervisor(store, trainee, _("suggestions"))
        person = store.find_trainee(trainee)
        if person is None and accounts.site(store) is not None:
            raise click.ClickException(_("there is no trainee named '{name}' on this site").format(name=line(trainee)))
        today = date.today()
        found = suggestions_for(store, person, obj.library, today)
    finally:
        store.close()
    if fmt == "json":
        echo(dumps([s.as_json() for s in found], indent=2))
        return
    who = person.name if person else trainee
    if not found:
        echo(_("No suggestions for {name}: the library has no scenarios.").format(name=line(who)))
        return
    echo(_("Next for {name} ({date}):").format(name=line(who), date=today.isoformat()))
    for n, s in enumerate(found, 1):
        echo(f"{n}. {line(s.title)} ({line(s.scenario)})")
        echo(f"   {line(s.reason)}" + (" " + _("[due {date}]").format(date=s.due.isoformat()) if s.due else ""))
