"""The one factory that builds the apps from one typed set of options; the CLI and the tests both use it.

Site or personal is decided once per launch (`Launch.site`), from the store or the database file. Nothing
here talks to the user: what stops an app from starting is raised as a LaunchError (or the domain's own
StoreError / InvalidName), and trainer.cli turns each into its message and exit code. No click here."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from trainer.i18n import _
from trainer.scenario.library import Library, load_library

if TYPE_CHECKING:
    from trainer.progress.store import Store
    from trainer.progress.dbfile import Site
    from trainer.review.app import ReviewApp
    from trainer.scenario.diagnostics import Report
    from trainer.tui.app import TrainerApp

ROLES = ("trainee", "supervisor")


@dataclass(frozen=True)
class AppOptions:
    """Everything an app is built from. A site database ignores `trainee` and `scenario_dirs` (everyone signs
    in; its folders are site settings) unless `strict`, which refuses them instead, and also refuses a
    `play` scenario that is not in the library and a file that is not a database (the CLI sets it)."""

    db: Path | str | None = None
    scenario_dirs: tuple[Path | str, ...] = ()
    bundled: bool = True
    trainee: str | None = None
    play: str | None = None
    clock: Callable[[], float] = time.time
    store: Store | None = None  # an open store (tests); else `db` is opened after the first screen paints
    library: Library | None = None  # a loaded library (tests); else loaded from the folders
    roles: tuple[str, ...] = ROLES  # who may sign in on a site
    order_seed: Callable[[], int | None] | None = None  # each new attempt's choice-order seed (default: random)
    supervisor: str = "supervisor"  # who reviews, on a personal database
    strict: bool = False


def _recording(store: Store | None, db: Path | str | None) -> Store:
    """The store an app records in (`store`, else `db` opened), with the xAPI statement builder registered
    first: a site database records a statement with every choice. Imported here, not at the top, so the
    catalogue's first frame (which opens no store) loads neither."""
    import trainer.outbox  # noqa: F401  (registers the statement builder with the store)
    from trainer.progress.store import Store

    return store if store is not None else Store.open(db)


def _new_seed() -> int:
    """A new attempt's choice-order seed; imported on first use, so the engine and `transitions` load after
    the catalogue's first frame, not before it."""
    from trainer.play.recording import new_seed

    return new_seed()




class LaunchError(Exception):
    """Why an app cannot start, in plain words."""


class NotUsedOnASite(LaunchError):
    """An option a site database does not use (a misuse of the command: exit 2)."""


class UnknownScenario(LaunchError):
    """The scenario to play is not in the library (a misuse: exit 2)."""


class BrokenScenario(LaunchError):
    """The scenario to play is there but its file has errors (exit 1); `report` says which."""

    def __init__(self, scenario_id: str, report: Report):
        super().__init__(_("trainer: scenario '{id}' could not be loaded:").format(id=scenario_id))
        self.report = report


class Launch:
    """One launch: its options and the one decision, site or personal, that the app and the CLI share."""

    def __init__(self, options: AppOptions):
        self.options = options

    @cached_property
    def site(self) -> Site | None:
        store = self.options.store
        if store is not None:
            from trainer.progress.accounts import site as site_of

            return site_of(store)
        from trainer.progress.dbfile import peek_site

        return peek_site(db_path(self.options.db))

    def with_options(self, **changes) -> Launch:
        """The same launch (the site already decided) with some options changed."""
        other = Launch(replace(self.options, **changes))
        if "site" in self.__dict__:
            other.__dict__["site"] = self.site
        return other

    def trainee_app(self) -> TrainerApp:
        """The trainee app, which on a site starts at the sign-in (trainees go to their catalogue,
        supervisors, or only they with `roles=("supervisor",)`, to the review) and plays the site's scenario
        folders, never others."""
        from trainer.tui.app import TrainerApp
        from trainer.ui.context import AppContext, StoreSource

        options, site = self.options, self.site
        trainee = options.trainee
        if site is not None:
            if options.strict and trainee is not None:
                raise NotUsedOnASite(_("this is a site database: everyone signs in, so --trainee is not used here"))
            if options.strict and options.scenario_dirs:
                raise NotUsedOnASite(_("this is a site database: its scenario folders are site settings "
                                       "(leave out --scenarios and TRAINER_SCENARIOS)"))
            folders, trainee = site.scenario_dirs, None
        else:
            folders = options.scenario_dirs
            if options.strict and trainee is not None:
                from trainer.progress.names import clean_name

                trainee = clean_name(trainee, "trainee name")  # InvalidName: the CLI's usage error
        library = options.library
        if library is None:
            library = load_library(tuple(Path(p) for p in folders), include_bundled=options.bundled)
        if options.strict:
            _check_playable(library, options.play)
            precheck(options.db)
        source = (_recording(options.store, options.db) if options.store is not None
                  else lambda: _recording(None, options.db))  # opened after the first frame
        ctx = AppContext(library=library, stores=StoreSource(source), clock=options.clock, site=site is not None)
        return TrainerApp(ctx, trainee=trainee, play=options.play, roles=options.roles,
                          order_seed=options.order_seed or _new_seed)

    def review_app(self) -> ReviewApp:
        """The supervisor review on a personal database, behind its passphrase."""
        from trainer.review.app import ReviewApp
        from trainer.ui.context import AppContext, StoreSource

        options = self.options
        library = options.library
        if library is None:
            library = load_library(tuple(Path(p) for p in options.scenario_dirs), include_bundled=options.bundled)
        store = _recording(options.store, options.db)
        return ReviewApp(AppContext(library=library, stores=StoreSource(store), clock=options.clock,
                                    supervisor=options.supervisor))


def create_app(options: AppOptions | None = None, /, **fields) -> TrainerApp:
    """The trainee app from `options` (or the same options given by name, as the tests do)."""
    return Launch(options if options is not None else AppOptions(**fields)).trainee_app()


def create_review_app(options: AppOptions | None = None, /, **fields) -> ReviewApp:
    """The supervisor review app, built the same way for the CLI and the tests."""
    return Launch(options if options is not None else AppOptions(**fields)).review_app()


def _check_playable(library: Library, scenario_id: str | None) -> None:
    if scenario_id is None or library.get(scenario_id) is not None:
        return
    broken = library.broken_report(scenario_id)
    if broken is not None:  # its file is there but has errors: say which, as `trainer validate` would
        raise BrokenScenario(scenario_id, broken)
    from trainer.scenario.diagnostics import did_you_mean

    raise UnknownScenario(_("no scenario '{id}'").format(id=scenario_id)
                          + did_you_mean(scenario_id, library.scenarios, translated=True))


def db_path(db: Path | str | None) -> Path:
    from trainer.progress.dbfile import default_db_path

    return Path(db) if db is not None else default_db_path()


def precheck(db: Path | str | None) -> None:
    """Refuse a file that is not a database before the app starts (the store itself opens after the
    first screen is on display)."""
    from trainer.progress.dbfile import check_existing_file, database_exists, default_db_path

    path = Path(db) if db is not None else default_db_path()
    if database_exists(path):
        check_existing_file(path)
