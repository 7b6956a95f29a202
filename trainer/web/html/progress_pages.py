"""My progress (`/progress`), the accessibility statement (`/accessibility`) and keeping a session alive
(`/session/extend`), as HTML pages.

My progress shows what the terminal app's My progress screen shows, from the same domain calls: totals per
mode (never averaged together), the attempts with the supervisor's sign-off and notes, the notes left for
the trainee, the language setting (trainer.progress.preferences, the same setting the terminal app keeps)
and the passphrase change (accounts.change_own_passphrase: the current passphrase checked with the
lockout rules, the new one's strength checked, audited). Each form is a POST answered by a 303 back to
the page, with one notice for the next view.
"""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from trainer.i18n import _, available_languages, day_text, ngettext
from trainer.sanitize import line
from trainer.web.html import pages as p
from trainer.web.html import session_expiry

FIELD_MAX = 1024


def routes() -> list:
    return [
        web.get("/progress", progress_page, name="progress"),
        web.post("/progress/language", language_post),
        web.post("/progress/passphrase", passphrase_post),
        web.get("/accessibility", accessibility_page, name="accessibility"),
        web.post("/session/extend", extend_post),
    ]


def _notices() -> dict[str, tuple[str, bool]]:
    """What a form's redirect says on the page it lands on (`?done=CODE`): (message, is it an error).
    A code, not the message, travels in the address: nothing a visitor types is ever echoed from it."""
    return {
        "language": (_("Language saved."), False),
        "changed": (_("Your passphrase is changed."), False),
        "missing": (_("Type your current passphrase and the new one twice."), True),
        "differ": (_("The two new passphrases differ; type them again."), True),
        "wrong": (_("Your current passphrase is not right; nothing was changed."), True),
        "weak": (_("That new passphrase is too easy to guess: use three or four unrelated words, 12 characters "
                   "or more. Nothing was changed."), True),
        "locked": (_("Too many wrong passphrases in a row: wait a minute, then try again. Nothing was changed."), True),
        "failed": (_("Your passphrase could not be changed just now; try again."), True),
    }


def _view(store, user) -> dict:
    """The page's content in the current language: from trainer.progress.my_progress, in words."""
    from trainer.progress.accommodations import from_code
    from trainer.progress.my_progress import my_progress
    from trainer.progress.store import Trainee
    from trainer.reports.formats import sparkline
    from trainer.scenario.languages import language_name
    from trainer.scenario.vocabulary import label
    from trainer.reports.formats import shown as word

    mine = my_progress(store, Trainee(user.trainee_id, user.name))
    summaries = []
    for s in mine.summaries:
        counts = " · ".join((
            ngettext("{count} started", "{count} started", s.started).format(count=s.started),
            ngettext("{count} completed", "{count} completed", s.completed).format(count=s.completed),
            ngettext("{count} passed", "{count} passed", s.passed).format(count=s.passed)))
        if s.pass_rate is not None:
            counts += " · " + _("pass rate {percent}%").format(percent=f"{s.pass_rate:.0f}")
        summaries.append({
            "heading": _("Assessment") if s.mode == "assessment" else _("Practice"), "counts": counts,
            "skills": [{"name": line(label(k)), "percent": f"{v:.0f}%"} for k, v in s.skill_averages],
            "not_assessed": ", ".join(line(label(k)) for k in s.not_assessed)})
    attempts = []
    for a in mine.attempts:
        supervisor = []
        if a.signed_off_by:
            supervisor.append(_("Signed off by {name} on {day}").format(name=line(a.signed_off_by),
                                                                       day=day_text(a.signed_off_at)))
        if a.notes:
            supervisor.append(ngettext("{count} note", "{count} notes", a.notes).format(count=a.notes))
        attempts.append({
            "when": day_text(a.started_at), "title": line(a.title), "mode": word(a.mode), "status": word(a.status),
            "score": "" if a.overall is None else f"{a.overall:.0f}%",
            "result": "" if a.passed is None else (_("✓ pass") if a.passed else _("✗ not yet")),
            "supervisor": " · ".join(supervisor), "language": line(language_name(a.language)),
            "lang": a.language.split("-")[0],  # the title is in the language played: marked when not the page's
            "accommodation": from_code(a.accommodation).label(),
            "link": f"/a/{a.id}/debrief" if a.completed else f"/s/{a.scenario_id}" if a.status == "in-progress" else "",
            "link_words": _("Debrief") if a.completed else _("Resume"),
            "link_label": (_("Debrief of {title}, {when}") if a.completed else _("Resume {title}, started {when}")
                           ).format(title=line(a.title), when=day_text(a.started_at))})
    notes = [{"when": day_text(n.at), "scenario": line(n.scenario), "author": line(n.author),
              "text": line(" ".join(n.text.split()))} for n in mine.notes]
    scores = ""
    if mine.recent_scores:
        scores = (_("Recent assessment scores (oldest → newest):") if mine.scores_mode == "assessment"
                  else _("Recent practice scores (oldest → newest):"))
        scores += " " + ", ".join(f"{v:.0f}%" for v in mine.recent_scores)
    return {"summaries": summaries, "attempts": attempts, "notes": notes, "scores": scores,
            "languages": any(a.language != "en" for a in mine.attempts),  # the column only when it tells something
            "spark": sparkline(list(mine.recent_scores)) if mine.recent_scores else ""}


def words() -> dict[str, str]:
    return {
        "title": _("My progress"), "summary": _("Summary"), "no_attempts": _("No attempts yet: pick a scenario "
                                                                              "from the catalogue."),
        "skills": _("Average by skill"), "not_assessed": _("Not assessed yet on your paths:"),
        "notes": _("Notes from your supervisor"), "attempts": _("Your attempts"), "when": _("When"),
        "scenario": _("Scenario"), "mode": _("Mode"), "status": _("Status"), "score": _("Score"),
        "result": _("Result"), "supervisor": _("Supervisor"), "language": _("Language"),
        "accommodation": _("Timing"), "open": _("Open"),
        "language_heading": _("Language"),
        "language_help": _("For the pages' own words; each scenario keeps the language it was written in."),
        "language_auto": _("As my browser asks"), "save_language": _("Save language"),
        "passphrase_heading": _("Change my passphrase"), "current": _("Current passphrase"),
        "new": _("New passphrase"), "again": _("New passphrase again"),
        "new_help": _("At least 12 characters; three or four unrelated words are easy to remember and hard to guess."),
        "change": _("Change passphrase"),
    }


async def progress_page(request: web.Request) -> web.Response:
    user = await p.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    here = p.site(request)
    here.language_for(request, user)
    notice, error = _notices().get(request.query.get("done", ""), ("", False))
    languages = [{"code": code, "name": name, "chosen": code == (user.language or "")}
                 for code, name in available_languages().items()]
    return await p.render(request, "progress.html", title=_("My progress"), w=words(), view=_view(here.store, user),
                          languages=languages, auto_chosen=not user.language, notice=notice, error=error)


async def language_post(request: web.Request) -> web.Response:
    fields = await p.form(request)
    if isinstance(fields, web.Response):
        return fields
    user = await p.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    from trainer.progress.preferences import set_language
    from trainer.progress.store import StoreError, Trainee

    code = fields.get("language", "")
    if code and code not in available_languages():
        return await p.problem(request, 400, lambda: _("That language is not one the app speaks."), back="/progress")
    try:
        set_language(p.site(request).store, Trainee(user.trainee_id, user.name), code or None)
    except StoreError:
        return await p.problem(request, 503, lambda: _("The language could not be saved just now; try again."),
                               back="/progress")
    return p.see_other("/progress?done=language#language")


async def passphrase_post(request: web.Request) -> web.Response:
    fields = await p.form(request)
    if isinstance(fields, web.Response):
        return fields
    user = await p.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    p.site(request).language_for(request, user)
    current, new, again = (fields.get(k, "") for k in ("current", "new", "again"))
    if not current or not new or max(len(current), len(new), len(again)) > FIELD_MAX:
        code = "missing"
    elif new != again:
        code = "differ"
    else:
        here = p.site(request)
        address = p.keeper(request).client_address(request)
        async with here._checking:  # argon2 one at a time, off the event loop, as the sign-in does
            code = await asyncio.to_thread(_change, here.db, user.id, current, new, address)
    return p.see_other(f"/progress?done={code}#passphrase")


def _change(db, account_id: int, current: str, new: str, address: str) -> str:
    """Change the passphrase on a connection of this worker thread's own; the notice code of the outcome."""
    from trainer.progress import accounts
    from trainer.progress.passphrase import LockedOut, WeakPassphrase, check_strength
    from trainer.progress.store import Store, StoreError

    store = Store.open(db)
    try:
        account = accounts.account_by_id(store, account_id)
        if account is None:
            return "wrong"
        check_strength(new, (account.name,))  # said as such (change_own_passphrase reports it as a refusal)
        accounts.change_own_passphrase(store, account, current, new, clock=time.time, address=address)
        return "changed"
    except LockedOut:
        return "locked"
    except accounts.SignInRefused:
        return "wrong"
    except WeakPassphrase:
        return "weak"
    except (StoreError, ValueError):  # the database unavailable, a name that no longer cleans
        return "failed"
    finally:
        store.close()


async def accessibility_page(request: web.Request) -> web.Response:
    from trainer.web.html import conformance as c

    user = await p.current_user(request)
    p.site(request).language_for(request, user)
    statement = {
        "title": _(c.TITLE), "intro": _(c.INTRO),
        "sections": [(_(heading), [_(s) for s in texts], bulleted) for heading, texts, bulleted in (
            (c.SCOPE_HEADING, c.SCOPE, True), (c.LIMITS_HEADING, c.LIMITS, True),
            (c.EVALUATION_HEADING, c.EVALUATION, True), (c.REPORT_HEADING, c.REPORT, False))],
        "table_heading": _(c.TABLE_HEADING), "columns": [_(col) for col in c.COLUMNS],
        "rows": [c.translated(criterion) for criterion in c.CRITERIA],
        "standard": _("Standard: {standard}, levels A and AA; last checked {when}.").format(
            standard=c.STANDARD, when=c.EVALUATED),
    }
    return await p.render(request, "accessibility.html", title=statement["title"], statement=statement)


async def extend_post(request: web.Request) -> web.Response:
    """"Stay signed in": the session's idle time starts again now, and the page it came from is shown again
    (trainer.web.html.session_expiry says when a session ends)."""
    fields = await p.form(request)
    if isinstance(fields, web.Response):
        return fields
    user = await p.current_user(request)
    if user is None:
        return p.see_other("/signin")
    held = p.keeper(request)
    payload = held.session_of(request)
    response = p.see_other(session_expiry.local_path(fields.get("back", "/")))
    if payload is not None:
        held.set_cookie(request, response, {**payload, "l": held.clock()})
    return response
