"""`trainer trainees accommodate`: a supervisor gives a trainee extra time or no timer for timed moments.

Kept apart from accounts.py (which is near its size limit); it adds one command to the `trainees` group.
"""

from __future__ import annotations

import click

from trainer.cli.accounts import _Refused, _existing, signed_in, trainees
from trainer.cli.base import Context
from trainer.i18n import _
from trainer.sanitize import line


@trainees.command("accommodate")
@click.argument("name")
@click.option("--extra-time", "extra_time", type=float, metavar="FACTOR",
              help="Multiply the seconds of every timed moment by FACTOR (more than 1, at most 4; e.g. 1.5).")
@click.option("--no-timer", "no_timer", is_flag=True, help="Timed moments wait for an answer: no countdown.")
@click.option("--none", "clear", is_flag=True, help="Take the accommodation away: timed as the scenario says.")
@click.pass_obj
def trainees_accommodate(obj: Context, name: str, extra_time: float | None, no_timer: bool, clear: bool) -> None:
    """Give a trainee extra time or no timer for timed moments (attempts already started keep theirs)."""
    from trainer.progress import accommodations

    given = [extra_time is not None, no_timer, clear]
    if sum(given) != 1:
        raise click.UsageError(_("give exactly one of --extra-time FACTOR, --no-timer or --none"))
    try:
        accommodation = accommodations.Accommodation(extra_time, no_timer)
    except ValueError:
        raise click.BadParameter(_("must be more than 1 and at most {most} (e.g. 1.5)").format(
            most=f"{accommodations.MAX_EXTRA_TIME:g}"), param_hint="'--extra-time'") from None
    with signed_in(obj, _("changing a trainee's accommodation")) as (store, actor):
        account = _existing(store, name, "trainee")
        if account.trainee_id is None:  # pragma: no cover - every trainee account has its trainee row
            raise _Refused(_("there is no account named '{name}'").format(name=line(name)))
        accommodations.set_for_trainee(store, account.trainee_id, account.name, accommodation, actor)
    if accommodation.none:
        click.echo(_("{name}'s timed moments are timed as written again.").format(name=line(account.name)))
    else:
        click.echo(_("{name} now has {accommodation} on timed moments (new attempts).").format(
            name=line(account.name), accommodation=accommodation.label()))
