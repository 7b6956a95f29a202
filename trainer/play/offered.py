"""What a trainee is offered, decided once for every front end (the terminal app and the HTML pages):
which scenarios the catalogue lists for the site's jurisdiction, in which order, and which mode a brief
opens in. Moved here from the terminal app so the web app calls the same rules instead of copying them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from trainer.i18n import N_, _, ngettext
from trainer.progress.dbfile import StoreError
from trainer.scenario.vocabulary import DIFFICULTIES

if TYPE_CHECKING:
    from trainer.progress.store import Store, Trainee


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


# An assignment as the catalogue words it: the same words in the terminal app and the HTML pages.
def day_words(day: date) -> str:
    from trainer.i18n import day_text

    return day_text(day)  # the app's one date format for the language


def due_words(row: dict, today: date) -> str:
    due = date.fromisoformat(row["due"])
    days = (due - today).days
    label = day_words(due)
    if row["status"] in ("passed", "waived"):  # the Status column says so; the Due column keeps to dates
        return _("next {day}").format(day=day_words(date.fromisoformat(row["next_due"]))) if row["next_due"] \
            else label
    if days < 0:
        return f"{label} (" + ngettext("{count} day late", "{count} days late", -days).format(count=-days) + ")"
    if days == 0:
        return f"{label} (" + _("today") + ")"
    return f"{label} (" + ngettext("{count} day", "{count} days", days).format(count=days) + ")"


def status_words(row: dict) -> str:
    status = row["status"]
    if status == "failed" and row["attempts_left"] == 0:
        return _("failed, no attempts left")
    if status == "retraining-due":
        return _("retrain: v{version}").format(version=row["current_version"])
    return _(ASSIGNMENT_WORDS[status]) if status in ASSIGNMENT_WORDS else status


ASSIGNMENT_WORDS = {"not-started": N_("to do"), "in-progress": N_("started"), "passed": N_("✓ passed"),
                    "waived": N_("✓ waived"), "overdue": N_("overdue"), "failed": N_("failed")}
