"""The xAPI outbox: statements built from recorded facts (statements.py), written to the outbox table in
the same transaction as the fact (facts.py), and delivered to a Learning Record Store over HTTP
(client.py, sync.py).

Part of the domain: imports only the standard library and trainer.sanitize; never textual, never
trainer.progress (the store imports this package to write its outbox rows, not the other way round)."""
