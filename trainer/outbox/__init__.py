"""The xAPI outbox: statements built from the facts the store records (statements.py, facts.py) and
delivered to a Learning Record Store over HTTP (client.py, sync.py). The outbox table itself, and every
read and write of it, live in trainer.progress.outbox_tables.

Importing this package registers the statement builder with the store, so an entry point that opens a
site database (the CLI, the apps, the web server) imports it. Part of the domain: imports the standard
library, trainer.sanitize, trainer.i18n and trainer.progress; never textual; trainer.progress never
imports it."""

import trainer.outbox.facts  # noqa: F401  (registers the statement builder)
