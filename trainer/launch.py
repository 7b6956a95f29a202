"""The one factory that builds the app from loaded objects; the CLI and the tests both use it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import click

from trainer.i18n import _
from trainer.scenario.library import load_library
from trainer.progress.store import Store, StoreError


ROLES = ("trainee", "supervisor")


def create_app(db: Path | str | None = None, scenario_dirs=(), trainee: str | None = None,
               play: str | None = None, bundled: bool = True, clock: Callable[[], float] = time.time,
               store: Store | None = None, library=None, roles: tuple[str, ...] = ROLES,
               order_seed: Callable[[], int | None] | None = None):
    """Load the library and open the store, then build the Textual app around them. On a site database
    the app starts at the sign-in (trainees to their catalogue, supervisors, or only they with
    `roles=("supervisor",)`, to the review) and plays the site's scenario folders, never others.
    `order_seed` gives each new attempt its choice-order seed (default: a random one; tests pass a fixed
    one, or None for file order)."""
    from trainer.progress.accounts import peek_site, site as site_of
    from trainer.tui.app import TrainerApp

    site = site_of(store) if store is not None else peek_site(db_path(db))
    if site is not None:
        scenario_dirs, trainee = site.scenario_dirs, None
    if library is None:
        library = load_library(tuple(Path(p) for p in scenario_dirs), include_bundled=bundled)
    source = store if store is not None else (lambda: Store.open(db))
    return TrainerApp(library=library, store=source, trainee=trainee, play=play, clock=clock, site=site is not None,
                      roles=roles, review_home=_review_home,
                      order_seed=order_seed or _new_seed)


def _new_seed() -> int:
    """A new attempt's choice-order seed; imported on first use, so the engine and `transitions` load after
    the catalogue's first frame, not before it."""
    from trainer.play.recording import new_seed

    return new_seed()


def _review_home():
    from trainer.review.screens import TraineesScreen

    return TraineesScreen()


def db_path(db: Path | str | None) -> Path:
    from trainer.progress.store import default_db_path

    return Path(db) if db is not None else default_db_path()


def run_app(ctx, trainee: str | None = None, play: str | None = None, roles: tuple[str, ...] = ROLES) -> None:
    """Open the app for the CLI; database problems become one clear line, not a traceback."""
    from trainer.progress.accounts import peek_site

    site = peek_site(db_path(ctx.db))
    library = None
    if site is not None:
        if trainee is not None:
            raise click.UsageError(_("this is a site database: everyone signs in, so --trainee is not used here"))
        if ctx.extra:
            raise click.UsageError(_("this is a site database: its scenario folders are site settings "
                                     "(leave out --scenarios and TRAINER_SCENARIOS)"))
        library = load_library(site.scenario_dirs)
    elif trainee is not None:
        trainee = checked_name(trainee, "--trainee")
    library = library if library is not None else ctx.library
    if play is not None and library.get(play) is None:
        from trainer.scenario.diagnostics import did_you_mean

        broken = library.broken_report(play)
        if broken is not None:  # its file is there but has errors: say which, as `trainer validate` would
            from trainer.sanitize import printable

            click.echo(printable(_("trainer: scenario '{id}' could not be loaded:").format(id=play)), err=True)
            for found in broken.sorted():
                click.echo(printable(found.format()), err=True)
            raise SystemExit(1)

        raise click.UsageError(_("no scenario '{id}'").format(id=play) + did_you_mean(play, library.scenarios,
                                                                                     translated=True))
    try:
        precheck(ctx.db)
        app = create_app(ctx.db, trainee=trainee, play=play, library=library, roles=roles)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    app.leave_on_terminate = True
    try:
        app.run()
    finally:
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


def precheck(db: Path | str | None) -> None:
    """Refuse a file that is not a database before the app starts (the store itself opens after the
    first screen is on display)."""
    from trainer.progress.store import check_existing_file, database_exists, default_db_path

    path = Path(db) if db is not None else default_db_path()
    if database_exists(path):
        check_existing_file(path)


def create_review_app(db: Path | str | None = None, scenario_dirs=(), bundled: bool = True,
                      store: Store | None = None, library=None, supervisor: str = "supervisor"):
    """The supervisor review app, built the same way for the CLI and the tests."""
    from trainer.review.app import ReviewApp

    if library is None:
        library = load_library(tuple(Path(p) for p in scenario_dirs), include_bundled=bundled)
    return ReviewApp(store or Store.open(db), library, supervisor)
