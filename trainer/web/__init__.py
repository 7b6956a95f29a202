"""The browser server behind `trainer serve`: textual-serve with a page of our own (fonts and scripts from
the package, nothing fetched from outside, no inline script), a session cap with a "site is busy" page,
idle close, and app processes that are bounded and always end (guard.py holds every limit: message and
input sizes, memory, the environment allowlist, the Origin check, the security headers). Each browser tab
runs `python -m trainer` in its own process, so this package never imports Textual or the apps. May import
textual_serve, aiohttp, jinja2, trainer.i18n, trainer.progress and trainer.sanitize; never the CLI."""
