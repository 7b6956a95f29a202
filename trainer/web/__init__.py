"""The browser server behind `trainer serve`: textual-serve with a page of our own (fonts and scripts from
the package, nothing fetched from outside), a session cap with a "site is busy" page, idle close, and app
processes started with secrets scrubbed from their environment. Each browser tab runs `python -m trainer`
in its own process, so this package never imports Textual or the apps. May import textual_serve, aiohttp,
jinja2, trainer.progress and trainer.sanitize; never the CLI."""
