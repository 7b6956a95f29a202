"""The one factory that builds the app from loaded objects; the CLI and the tests both use it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import click

from trainer.library import load_library
from trainer.store import Store, StoreError


def create_app(db: Path | str | None = None, scenario_dirs=(), trainee: str | None = None,
               play: str | None = None, bundled: bool = True, clock: Callable[[], float] = time.time,
               store: Store | None = None, library=None):
    """Load the library and open the store, then build the Textual app around them."""
    from trainer.tui.app import TrainerApp

    if library is None:
        library = load_library(tuple(Path(p) for p in scenario_dirs), include_bundled=bundled)
    store = store or Store.open(db)
    who = store.trainee(trainee) if trainee else None
    return TrainerApp(library=library, store=store, trainee=who, play=play, clock=clock)


def run_app(ctx, trainee: str | None = None, play: str | None = None) -> None:
    """Open the app for the CLI; database problems become one clear line, not a traceback."""
    if play is not None and ctx.library.get(play) is None:
        from trainer.diagnostics import did_you_mean

        raise click.UsageError(f"no scenario '{play}'" + did_you_mean(play, ctx.library.scenarios))
    try:
        app = create_app(ctx.db, trainee=trainee, play=play, library=ctx.library)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        app.run()
    finally:
        app.store.close()


def create_review_app(db: Path | str | None = None, scenario_dirs=(), bundled: bool = True,
                      store: Store | None = None, library=None, supervisor: str = "supervisor"):
    """The supervisor review app, built the same way for the CLI and the tests."""
    from trainer.review.app import ReviewApp

    if library is None:
        library = load_library(tuple(Path(p) for p in scenario_dirs), include_bundled=bundled)
    return ReviewApp(store or Store.open(db), library, supervisor)
