"""What is kept about trainees, and the only package with SQL. The store (store.py writes; attempts.py and
lookups.py answer named questions; results.py writes an attempt's result and totals) hands out typed
records (records.py), never rows; its database is private (`Store._db`). The xAPI outbox's tables and
writes are here too (outbox_tables.py), filled by the statement builder trainer.outbox registers.
Also migrations, accounts, audit, programme and passphrases.
Imports the standard library, sqlite-utils, platformdirs, argon2 and trainer.i18n; never textual, never
trainer.outbox or any UI package."""
