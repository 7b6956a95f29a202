"""A trainee's own settings kept with them in the database: for now the language the app speaks to them in."""

from __future__ import annotations

from trainer.progress.store import Store, Trainee


def language_of(store: Store, trainee: Trainee) -> str | None:
    """The language the trainee chose in the app, or None to follow the environment."""
    row = store._db.execute("SELECT language FROM trainees WHERE id = ?", [trainee.id]).fetchone()
    return (row[0] or None) if row else None


def set_language(store: Store, trainee: Trainee, code: str | None) -> None:
    """Keep `code` ("es") as the trainee's language; None goes back to following the environment."""
    with store.write():
        store._db.execute("UPDATE trainees SET language = ? WHERE id = ?", [code or None, trainee.id])
