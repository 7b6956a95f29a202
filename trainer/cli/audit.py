"""`trainer audit`: list the audit trail, or check its hash chain (supervisor sign-in)."""

from __future__ import annotations

import click

from trainer.cli.base import Context, cli, echo, since_day
from trainer.cli.gate import require_supervisor
from trainer.i18n import _, ngettext
from trainer.sanitize import dumps, line

EXIT_BROKEN = 1


@cli.command("audit")
@click.option("--since", help="Only entries on or after this date (YYYY-MM-DD, UTC).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verify", is_flag=True,
              help="Check the hash chain instead of listing: name the first row that does not match (exit 1), "
              "or print the last row's hash to keep elsewhere.")
@click.pass_obj
def audit_command(obj: Context, since: str | None, fmt: str, verify: bool) -> None:
    """The audit trail: who did what, when and from where (supervisor sign-in)."""
    from trainer.progress import audit

    if verify and since:
        raise click.UsageError(_("--verify checks the whole trail; leave out --since"))
    since = since_day(since)
    store = obj.store()
    try:
        actor = require_supervisor(store, _("the audit trail"))
        if verify:
            verdict = audit.verify(store)
        else:
            rows = audit.entries(store, since=since)
            audit.log(store, actor, "audit", fmt, since=since)  # after reading: the list never shows itself
    finally:
        store.close()
    if verify:
        _show_verdict(verdict, fmt)
        if not verdict.intact:
            raise SystemExit(EXIT_BROKEN)
        return
    if fmt == "json":
        click.echo(dumps(rows, indent=2))
        return
    if not rows:
        echo(_("No audit entries since {date}.").format(date=since) if since else _("No audit entries."))
    for row in rows:
        echo(_row_text(row))


def _row_text(row: dict) -> str:
    """One entry on one line: number, time (UTC, to the second), actor, action, subject, then the details."""
    at = row["at"][:19].replace("T", " ")
    detail = "  ".join(f"{key}={_value(value)}" for key, value in row["detail"].items() if value not in (None, [], ""))
    parts = [f"#{row['id']}", at, line(row["actor"]), line(row["action"]), line(row["subject"]), line(detail)]
    return "  ".join(part for part in parts if part)


def _value(value) -> str:
    if isinstance(value, (list, dict)):
        return dumps(value, separators=(",", ":"))
    return str(value)


def _show_verdict(verdict, fmt: str) -> None:
    if fmt == "json":
        broken = None if verdict.broken_id is None else {
            "id": verdict.broken_id, "at": verdict.broken_at, "action": verdict.broken_action, "reason": verdict.reason}
        click.echo(dumps({"intact": verdict.intact, "rows_checked": verdict.rows,
                          "last_good": {"id": verdict.head_id, "hash": verdict.head_hash},
                          "first_mismatch": broken, "missing_guards": list(verdict.missing_guards)}, indent=2))
        return
    if verdict.broken_id is not None:
        if verdict.reason == "no-hash":
            text = _("Audit row #{id} ({at}, {action}) has no hash: it was added outside trainer.")
        else:
            text = _("Audit row #{id} ({at}, {action}) does not match its hash: it, or a row before it, was changed, "
                     "removed or added outside trainer.")
        echo(text.format(id=verdict.broken_id, at=line(verdict.broken_at), action=line(verdict.broken_action)))
        echo(ngettext("The {count} row before it is intact.", "The {count} rows before it are intact.",
                      verdict.rows).format(count=verdict.rows))
    if verdict.missing_guards:
        echo(_("The triggers that keep the audit trail append-only are missing ({names}): someone changed the "
               "database outside trainer.").format(names=", ".join(verdict.missing_guards)))
    if verdict.intact:
        echo(ngettext("The audit trail is intact: {count} row.", "The audit trail is intact: {count} rows.",
                      verdict.rows).format(count=verdict.rows))
        if verdict.head_id is not None:
            echo(_("Last row #{id}, hash {hash}. Keep this line elsewhere: a later check that does not reach "
                   "the same row and hash means the trail was cut short or rewritten.").format(
                id=verdict.head_id, hash=verdict.head_hash))
