"""What the HTML catalogue lists for a trainee: "Next for you" (trainer.play.suggest), "Assigned to you"
(trainer.progress.programme), then every scenario offered at this site (trainer.play.offered), filtered
by the GET query (`q` title text, `category`, `level`), each with the trainee's best and status.

Why a plain view object: the template only places what is worked out here, in the request's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from trainer.i18n import _, current_language
from trainer.scenario.vocabulary import CATEGORIES, DIFFICULTIES, label
from trainer.sanitize import line

MAX_QUERY = 100


@dataclass(frozen=True)
class Row:
    id: str  # the version to open (in the page's language when there is one)
    title: str
    category: str
    level: str
    best: str = ""
    status: str = ""
    extra: str = ""  # "Why" for a suggestion, the due date for an assignment
    lang: str = ""  # the language the title is written in (marked on the page for screen readers)


@dataclass
class CatalogueView:
    next_up: list[Row] = field(default_factory=list)
    assigned: list[Row] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unfinished: list[Row] = field(default_factory=list)
    q: str = ""
    category: str = ""
    level: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)
    levels: list[tuple[str, str]] = field(default_factory=list)


def status_of(stats: dict | None) -> str:
    """From the per-mode figures (as the terminal catalogue says it): an assessment result counts; practice
    alone says only 'practised'."""
    if not stats:
        return _("new")
    assessed, practised = stats.get("assessment"), stats.get("practice")
    if any(m.in_progress for m in stats.values()):
        return _("in progress")
    if assessed and assessed.passed:
        return _("✓ passed")
    if assessed and assessed.completed:
        return _("✗ not yet")
    if practised and practised.completed:
        return _("practised")
    return _("started")


def best_of(stats: dict | None) -> str:
    assessed, practised = (stats or {}).get("assessment"), (stats or {}).get("practice")
    if assessed and assessed.best is not None:
        return f"{assessed.best:.0f}%"
    if practised and practised.best is not None:
        return _("{score}p").format(score=f"{practised.best:.0f}")
    return ""


def catalogue_view(site, user, query: Mapping[str, str]) -> CatalogueView:
    from trainer.play.next_up import suggestions_for
    from trainer.play.offered import catalogue_order, due_words, offered_here, status_words
    from trainer.progress.programme import trainee_programme
    from trainer.progress.store import Trainee

    library, store = site.library, site.store
    trainee = Trainee(user.trainee_id, user.name)
    language = current_language()
    today = date.fromtimestamp(site.clock())
    view = CatalogueView(q=query.get("q", "")[:MAX_QUERY].strip(),
                         category=query.get("category", "") if query.get("category") in CATEGORIES else "",
                         level=query.get("level", "") if query.get("level") in DIFFICULTIES else "")
    view.categories = [(c, label(c)) for c in CATEGORIES]
    view.levels = [(d, label(d)) for d in DIFFICULTIES]
    stats = store.best_by_scenario(trainee)

    def version(original_id: str):
        return library.version_in(original_id, language) or library.summaries.get(original_id)

    for s in suggestions_for(store, trainee, library, today, site.offers(language)):
        shown = version(s.scenario)
        if shown is not None:
            view.next_up.append(Row(shown.id, line(shown.title), label(shown.category), label(shown.difficulty),
                                    extra=line(s.reason), lang=shown.language))
    assigned = set()
    for r in trainee_programme(store, trainee, library.summaries, today):
        shown = version(r["scenario"])
        if shown is None:
            continue
        assigned.add(r["scenario"])
        view.assigned.append(Row(shown.id, line(shown.title), label(shown.category), label(shown.difficulty),
                                 status=status_words(r), extra=due_words(r, today), lang=shown.language))
    for attempt in store.resumable(trainee):
        shown = library.played(attempt)
        if shown is not None and all(u.id != shown.id for u in view.unfinished):
            view.unfinished.append(Row(shown.id, line(shown.title), label(shown.category), label(shown.difficulty),
                                       lang=shown.language))
    needle = view.q.casefold()
    for s in catalogue_order(library):
        if s.id in assigned or not offered_here(library, site.jurisdiction, s):
            continue
        if (view.category and s.category != view.category) or (view.level and s.difficulty != view.level):
            continue
        shown = version(s.id)
        if needle and needle not in shown.title.casefold() and needle not in s.title.casefold():
            continue
        view.rows.append(Row(shown.id, line(shown.title), label(s.category), label(s.difficulty),
                             best=best_of(stats.get(s.id)), status=status_of(stats.get(s.id)), lang=shown.language))
    return view
