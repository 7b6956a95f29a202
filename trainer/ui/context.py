"""What a screen may use from the app it runs under, as one typed, frozen value.

Review screens run under two apps (the review app, and the site app once a supervisor signs in), and
trainee screens under the trainee app and the preview: rather than reaching into `self.app.store` or
guessing with `getattr(self.app, "clock", ...)`, a screen reads `self.ctx` (trainer.ui.translated), which
each app fills in the same shape. The app swaps in a new context when who is signed in changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable

from trainer.scenario.library import Library

if TYPE_CHECKING:  # imported when the database opens, after the first frame
    from trainer.progress.store import Store


class StoreSource:
    """The progress database, open already or opened on first use: the first screen then paints before
    the database (and sqlite-utils) is opened, which keeps start-up close to a bare Textual app."""

    def __init__(self, store: Store | Callable[[], Store]):
        self._store = None if callable(store) else store  # an opener, or the open store
        self._open = None if self._store is not None else store

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._open()
        return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None


@dataclass(frozen=True)
class AppContext:
    """The library, the database, the clock, and who is working: everything screens share."""

    library: Library
    stores: StoreSource
    clock: Callable[[], float] = time.time
    site: bool = False  # a site database: everyone signs in
    supervisor: str | None = None  # the supervisor reviewing, once known
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # per-app results worth keeping

    @property
    def store(self) -> Store:
        return self.stores.store

    @property
    def store_is_open(self) -> bool:
        return self.stores.is_open

    def today(self) -> date:
        return date.fromtimestamp(self.clock())


class UsesContext:
    """Mixed into screens and widgets: `self.ctx` is the context of the app they run under."""

    @property
    def ctx(self) -> AppContext:
        return self.app.ctx
