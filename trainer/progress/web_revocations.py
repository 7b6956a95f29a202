"""Signed-out HTML app sessions kept in the site database, so that sign-out survives a server restart.

Why in the database: the session cookie is signed, not stored, so a copy of it stays valid until it expires
unless its nonce is known to be revoked; a list kept only in memory would be forgotten by a restart and the
copied cookie would work again. Each row lives only until the cookie would have expired anyway (idle or
maximum age), then it is pruned, so the table holds at most the sign-outs of the last idle period or so.
The server reads the list once when it starts and keeps it in memory: checking a request costs no query."""

from __future__ import annotations

from trainer.progress.store import Store


def revoke(store: Store, nonce: str, expires_at: float, now: float) -> None:
    """Record that the session `nonce` was signed out (refused until `expires_at`), and prune the rows of
    sessions that have expired anyway by `now`: both in one transaction."""
    with store.write():
        store._db.execute("DELETE FROM web_revoked_sessions WHERE expires_at <= ?", [now])
        store._db.execute("INSERT OR REPLACE INTO web_revoked_sessions (nonce, expires_at) VALUES (?, ?)",
                          [nonce, expires_at])


def still_revoked(store: Store, now: float) -> dict[str, float]:
    """Every revoked session nonce not yet expired by `now`, with when its cookie would have expired."""
    rows = store._db.execute("SELECT nonce, expires_at FROM web_revoked_sessions WHERE expires_at > ?",
                             [now]).fetchall()
    return {nonce: expires for nonce, expires in rows}
