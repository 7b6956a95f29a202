"""`trainer sync`: deliver a site's xAPI outbox to a Learning Record Store, or show what is waiting."""

from __future__ import annotations

import os
import sys

import click

from trainer.cli.base import Context, cli
from trainer.cli.gate import interactive, require_supervisor
from trainer.i18n import _
from trainer.sanitize import dumps, line


def lrs_client(endpoint: str, prompt: bool = True):
    """A client for the LRS at `endpoint`, with credentials from TRAINER_LRS_USER / TRAINER_LRS_PASSWORD,
    or asked for at a prompt when someone is there to answer (none: sent without credentials)."""
    from trainer.outbox.client import EndpointError, LrsClient

    user, password = os.environ.get("TRAINER_LRS_USER"), os.environ.get("TRAINER_LRS_PASSWORD")
    if prompt and interactive():
        if not user:
            user = click.prompt(_("LRS user"), err=True)
        if password is None:
            password = click.prompt(_("LRS password"), hide_input=True, err=True)
    try:
        return LrsClient(endpoint, user or None, password)
    except EndpointError as exc:
        raise click.BadParameter(line(str(exc)), param_hint="--endpoint") from None


def _status(store, fmt: str) -> None:
    from trainer.outbox.sync import status

    data = status(store)
    if fmt == "json":
        click.echo(dumps(data, indent=2))
        return
    click.echo(_("pending {pending}, sent {sent}, parked {parked}").format(
        pending=data["pending"], sent=data["sent"], parked=data["parked"])
        + (" " + _("(last sent {when})").format(when=data["last_sent_at"]) if data["last_sent_at"] else ""))
    for item in data["pending_reasons"]:
        click.echo(_("still pending {count}: {reason}").format(count=item["count"], reason=line(item["reason"])))
    for item in data["parked_statements"]:
        click.echo(_("parked {statement} ({verb}, attempt {attempt}): {reason}").format(
            statement=item["statement_id"], verb=line(item["verb"]), attempt=item["attempt_id"],
            reason=line(item["reason"] or "")))


@cli.command()
@click.option("--endpoint", envvar="TRAINER_LRS_ENDPOINT", metavar="URL",
              help="The LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/ (https, or http to this machine). "
              "Env: TRAINER_LRS_ENDPOINT.")
@click.option("--status", "show_status", is_flag=True, help="Show pending, sent and parked counts; send nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output of --status.")
@click.option("--retry-parked", is_flag=True, help="Queue the parked statements again before sending.")
@click.option("--batch", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Statements per request (halved automatically if the LRS says a request is too large).")
@click.pass_obj
def sync(obj: Context, endpoint: str | None, show_status: bool, fmt: str, retry_parked: bool, batch: int) -> None:
    """Send this site's xAPI statements to a Learning Record Store (supervisor sign-in needed).

    Credentials for the LRS come from TRAINER_LRS_USER and TRAINER_LRS_PASSWORD, or a prompt.
    Exit 1 if the LRS could not be reached or refused the credentials (the rest stays pending)."""
    from trainer.progress import accounts, audit

    if not show_status and not endpoint:
        raise click.UsageError(_("give --endpoint URL (or TRAINER_LRS_ENDPOINT), or --status"))
    store = obj.store()
    try:
        actor = require_supervisor(store, _("sync"))
        if not accounts.is_site(store):
            raise click.ClickException(_("this is a personal database; only a site database has an outbox to sync "
                                         "(`trainer site init`)"))
        if show_status:
            _status(store, fmt)
            return
        client = lrs_client(endpoint)
        result = _deliver(store, client, batch, retry_parked)
        audit.log(store, actor, "sync", client.endpoint, sent=result.sent, held=result.held, parked=result.parked,
                  pending=result.pending, stopped=result.stopped)
    finally:
        store.close()
    click.echo(result.summary(client.endpoint), err=bool(result.stopped))
    if result.stopped:
        raise SystemExit(1)


def _deliver(store, client, batch: int, retry_parked: bool):
    from trainer.outbox.sync import pending_count, retry_parked as requeue, sync_once

    if retry_parked:
        requeue(store)
    total = pending_count(store)
    if total <= batch or not sys.stderr.isatty():
        return sync_once(store, client, batch=batch)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(_("sending")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sync", total=total)
        return sync_once(store, client, batch=batch, progress=lambda n: bar.advance(task, n))
