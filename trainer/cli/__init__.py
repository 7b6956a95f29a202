"""The `trainer` command: a thin click layer over the library API, one module per command family.
May import every trainer package; nothing imports it."""

from __future__ import annotations

import os
import sys

import click

from trainer.cli.base import COMMAND_MODULES, cli

cli.lazy = COMMAND_MODULES  # each command's module loads when the command is asked for (trainer.cli.base)

__all__ = ["cli", "main"]


def main() -> None:
    """Console entry point: no traceback ever reaches the user unless TRAINER_DEBUG is set."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - last line of defence
        if os.environ.get("TRAINER_DEBUG"):
            raise
        from trainer.i18n import _
        from trainer.sanitize import line

        click.echo("trainer: " + _("unexpected error: {kind}: {reason} (set TRAINER_DEBUG=1 for details)").format(
            kind=exc.__class__.__name__, reason=line(str(exc))), err=True)
        sys.exit(3)
