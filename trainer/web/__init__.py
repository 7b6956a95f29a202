"""The browser server behind `trainer serve`. At `/`, the trainee app as HTML pages (trainer.web.html: plain
forms, server-rendered, no process per tab). At `/terminal`, textual-serve with a page of our own (fonts and
scripts from the package, nothing fetched from outside, no inline script), a session cap with a "site is
busy" page, idle close, and app processes that are bounded and always end (guard.py holds every limit:
message and input sizes, memory, the environment allowlist, the Origin check, the security headers). Each
terminal tab runs `python -m trainer` in its own process, so this package never imports Textual or the apps.
May import textual_serve, aiohttp, jinja2, trainer.i18n, trainer.sanitize and the domain (trainer.play,
trainer.progress, trainer.scenario); never the CLI."""

import trainer.outbox  # noqa: F401  (registers the xAPI statement builder: the server records on a site database)

