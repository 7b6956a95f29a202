"""The apps' parsed stylesheet, kept between runs.

Why: at start Textual parses the app's stylesheet (app.tcss) and the default CSS of every widget class in
use, 15-20 ms of CPU before the catalogue's first frame on the bench machine, the largest part of
start-up that a minimal Textual app does not pay too (bench: start-up). Unpickling the rules a previous
run parsed takes about 1.5 ms.

The parsed rules are kept beside the scenario cache, with its safety checks (trainer.scenario.cache: a
pickle is read only from a file and folder nobody else can write to), under the theme's variables they
were parsed with and the Textual install they come from. Textual looks each source up in its own parse
cache by the source's exact text, so a stylesheet that changed is parsed afresh, and a theme change
(which sets other variables) empties that cache and parses as before.
"""

from __future__ import annotations

import os

from textual.app import App

from trainer.scenario.cache import ContentCache, default_cache_file, folder_refused
from trainer.ui.textual_private import add_parsed_styles, parsed_styles, stylesheet_variables

_KEY = "/textual-stylesheet"  # the cache's one entry per fingerprint: a name, not a file (absolute, so
# the same from any working folder; as no such file exists, saving drops the entries of other fingerprints)


class ParsedStyles:
    """An app's parsed stylesheet, from the cache and back to it once per run."""

    def __init__(self, app: App):
        """Before the app's stylesheet is first parsed and after its theme's variables are set: give Textual
        the rules a previous run parsed under the same variables."""
        self.app = app
        self.cache: ContentCache | None = None
        self.fingerprint = b""
        self.found: dict = {}
        path = default_cache_file("styles")
        if path is None or folder_refused(path.parent):  # the scenario cache says why, once
            return
        self.cache = ContentCache(path)
        self.fingerprint = _fingerprint(app)
        found = self.cache.get(_KEY, self.fingerprint)
        if isinstance(found, dict):
            self.found = found
            add_parsed_styles(app, found)

    def keep(self) -> None:
        """After the first frame (or on leaving, if sooner): keep what was parsed, if anything was not in
        the cache already. Only the first call does anything."""
        cache, self.cache = self.cache, None
        if cache is None or self.fingerprint != _fingerprint(self.app):  # the theme changed meanwhile
            return
        parsed = parsed_styles(self.app)
        if parsed and not parsed.keys() <= self.found.keys():
            cache.put(_KEY, self.fingerprint, {**self.found, **parsed})
            cache.save()


def _fingerprint(app: App) -> bytes:
    """The variables the rules are parsed with, and the Textual install that parses them (its classes are
    in the pickle): its location and the time and size of its parser's file."""
    import textual.css.parse as parser

    info = os.stat(parser.__file__)
    variables = sorted(stylesheet_variables(app).items())
    return repr((parser.__file__, info.st_mtime_ns, info.st_size, variables)).encode()
