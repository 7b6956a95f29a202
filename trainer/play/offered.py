"""What a trainee is offered, decided once for every front end (the terminal app and the HTML pages):
which scenarios the catalogue lists for the site's jurisdiction, in which order, and which mode a brief
opens in. Moved here from the terminal app so the web app calls the same rules instead of copying them."""

from __future__ import annotations

from datetime import date

from trainer.progress.store import Store, StoreError, Trainee
from trainer.scenario.vocabulary import DIFFICULTIES


def offered_here(library, jurisdiction: str, summary) -> bool:
    """A scenario for this jurisdiction, or one that names none; every scenario when the library has none
    for this jurisdiction (a locale's country with no scenarios of its own shows the whole library rather
    than an empty catalogue)."""
    return (not summary.jurisdiction or summary.jurisdiction == jurisdiction
            or not library.has_jurisdiction(jurisdiction))


def catalogue_order(library) -> list:
    """Summaries of the originals in catalogue order: by category, then difficulty, then title."""
    return sorted(library.catalogue(),
                  key=lambda s: (s.category, DIFFICULTIES.index(s.difficulty), s.title.lower()))


def assigned_mode(store: Store, trainee: Trainee | None, library, original_id: str, today: date) -> str:
    """"assessment" while the trainee's assignment of this scenario asks for one and has attempts left,
    else "practice" (a brief never remembers the last mode used)."""
    from trainer.progress.programme import trainee_programme

    if trainee is None:
        return "practice"
    try:
        rows = trainee_programme(store, trainee, library.summaries, today)
    except StoreError:
        return "practice"
    row = next((r for r in rows if r["scenario"] == original_id), None)
    wanted = (row is not None and row["mode"] == "assessment" and row["status"] not in ("passed", "waived")
              and row["attempts_left"] != 0)
    return "assessment" if wanted else "practice"
