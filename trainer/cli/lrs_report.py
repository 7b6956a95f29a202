"""`trainer report --from-lrs URL`: every site's report from the statements in one LRS (see
trainer.reports.lrs). It opens no database: the LRS's own credentials are what let someone read it."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.base import _emit, since_day
from trainer.i18n import _
from trainer.sanitize import dumps, line


class LrsUnread(click.ClickException):
    """The LRS could not be read: one line, exit 1 (as `trainer sync` when it cannot reach the LRS)."""


def report_from_lrs(url: str | None, sites: tuple[str, ...], trainee: str | None, scenario: str | None,
                    since: str | None, mode: str | None, fmt: str, output: Path | None) -> None:
    from datetime import date

    import os

    from trainer.outbox.client import EndpointError, LrsClient
    from trainer.progress.accounts import AccessError, check_iri
    from trainer.reports.lrs import LrsReadError, build_lrs_report, read_statements
    from trainer.reports.lrs_render import lrs_csv, lrs_html, lrs_text

    if url is None:
        raise click.UsageError(_("--site chooses sites of --from-lrs URL; give --from-lrs too"))
    if trainee is not None:
        raise click.UsageError(_("--trainee cannot be used with --from-lrs: the LRS knows people by "
                                 "pseudonymous accounts, not by name"))
    for iri in sites:
        try:
            check_iri(iri)
        except AccessError as exc:
            raise click.BadParameter(line(str(exc)), param_hint="--site") from None
    day = since_day(since)
    try:
        client = LrsClient(url, os.environ.get("TRAINER_LRS_USER") or None, os.environ.get("TRAINER_LRS_PASSWORD"))
    except EndpointError as exc:
        raise click.BadParameter(line(str(exc)), param_hint="--from-lrs") from None
    try:
        data = build_lrs_report(read_statements(client, date.fromisoformat(day) if day else None), client.endpoint,
                                date.fromisoformat(day) if day else None, sites, mode, scenario)
    except LrsReadError as exc:
        raise LrsUnread(line(str(exc))) from None
    render = {"json": lambda d: dumps(d, indent=2), "text": lrs_text, "csv": lrs_csv, "html": lrs_html}[fmt]
    _emit(render(data), output)
