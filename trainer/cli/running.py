"""Opening the app from the command line: trainer.launch builds it, and here each reason it cannot start
becomes one clear line and the exit code docs/cli.md gives (never a traceback)."""

from __future__ import annotations

import click

from trainer.launch import ROLES, AppOptions, BrokenScenario, Launch, NotUsedOnASite, UnknownScenario


def launch_for(obj, trainee: str | None = None, play: str | None = None,
               roles: tuple[str, ...] = ROLES) -> Launch:
    """The command's launch: the site-or-personal decision is made once, here, for everything after."""
    return Launch(AppOptions(db=obj.db, scenario_dirs=tuple(obj.extra), trainee=trainee, play=play, roles=roles,
                             strict=True))


def run_app(obj, trainee: str | None = None, play: str | None = None, roles: tuple[str, ...] = ROLES,
            launch: Launch | None = None) -> None:
    """Open the app; database problems and misuse become one clear line, not a traceback."""
    from trainer.progress.names import InvalidName
    from trainer.progress.dbfile import StoreError
    from trainer.sanitize import printable

    import gc

    launch = launch or launch_for(obj, trainee, play, roles)
    # No collection until the first frame is drawn (the app turns the collector back on then, after moving
    # what start-up built out of its sight): start-up makes hundreds of thousands of long-lived objects
    # (styles, widgets, the library) and a full pass over them mid-start-up cost 14 ms of a 340 ms start
    gc.disable()
    try:
        app = launch.trainee_app()
    except (NotUsedOnASite, UnknownScenario) as exc:
        raise click.UsageError(str(exc)) from None
    except InvalidName as exc:
        raise click.BadParameter(str(exc), param_hint="--trainee") from None
    except BrokenScenario as exc:
        click.echo(printable(str(exc)), err=True)
        for found in exc.report.sorted():
            click.echo(printable(found.format()), err=True)
        raise SystemExit(1) from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    app.leave_on_terminate = True
    try:
        app.run()
    finally:
        gc.enable()
        if app.store_is_open:
            app.store.close()
    if app.return_code:
        raise SystemExit(app.return_code)


def checked_name(name: str, option: str) -> str:
    """A trainee name given on the command line, cleaned; a bad one is a usage error (exit 2)."""
    from trainer.progress.names import InvalidName, clean_name

    try:
        return clean_name(name, "trainee name")
    except InvalidName as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None
