"""Brief, play, practice coaching and debrief as HTML pages, on the terminal app's own domain objects:
`RecordedAttempt` (every choice committed the moment it is made, the deadline of a timed moment kept in
the database), `assessment_form` (an assessment plays the form seen least), `assigned_mode`, and the
session's `score()` for the debrief.

Why a `step` number in the choice form: it is how many choices the page was drawn after, so a form from a
stale tab (or a double click) can never answer a later step than the one it showed."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from aiohttp import web

from trainer.i18n import _
from trainer.scenario.model import line_for
from trainer.scenario.vocabulary import label
from trainer.sanitize import line, printable
from trainer.web.html import words
from trainer.web.html.sessions import WebUser
from trainer.web.html.site import Playing

MODES = ("practice", "assessment")
MAX_ID = 200


def _routes():
    from trainer.web.html import pages
    return pages


def routes() -> list:
    return [
        web.get("/s/{scenario_id}", brief_page, name="brief"),
        web.post("/s/{scenario_id}/start", start_post, name="start"),
        web.get("/a/{attempt_id}", play_page, name="play"),
        web.post("/a/{attempt_id}/choose", choose_post, name="choose"),
        web.post("/a/{attempt_id}/continue", continue_post, name="coaching_continue"),
        web.post("/a/{attempt_id}/undo", undo_post, name="undo"),
        web.post("/a/{attempt_id}/leave", leave_post, name="leave"),
        web.get("/a/{attempt_id}/debrief", debrief_page, name="debrief"),
    ]


def _trainee(user: WebUser):
    from trainer.progress.store import Trainee

    return Trainee(user.trainee_id, user.name)


def _today(site) -> date:
    return date.fromtimestamp(site.clock())


def _played(site, attempt: dict):
    played = site.library.played(attempt)
    return played


# --- the brief -----------------------------------------------------------------------------------------
async def brief_page(request: web.Request) -> web.Response:
    r = _routes()
    user = await r.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    site = r.site(request)
    site.language_for(request, user)
    scenario = site.library.get(request.match_info["scenario_id"][:MAX_ID])
    if scenario is None:
        return await r.problem(request, 404, lambda: _("There is no such scenario here."))
    from trainer.play.offered import assigned_mode

    mode = request.query.get("mode")
    if mode not in MODES:
        mode = assigned_mode(site.store, _trainee(user), site.library, scenario.original_id, _today(site))
    unfinished = site.store.resumable(_trainee(user), scenario, forms=True)
    resumable = next((a for a in unfinished if (p := _played(site, a)) is not None
                      and p.content_hash == a["content_hash"]), None)
    confirm = request.query.get("confirm") == "1" and (unfinished or mode == "assessment")
    form_note = ""
    if request.query.get("form", "").isdecimal() and request.query.get("of", "").isdecimal():
        form_note = _("This assessment uses form {number} of {count}: {title}, the one you have seen least. "
                      "Read its situation, then start it.").format(
            number=int(request.query["form"]), count=int(request.query["of"]), title=line(scenario.title))
    return await r.render(request, "brief.html", title=line(scenario.title), s=scenario, mode=mode,
                          view=_brief_view(scenario, mode, unfinished, resumable, confirm), form_note=form_note)


def _brief_view(scenario, mode: str, unfinished: list[dict], resumable: dict | None, confirm: bool) -> dict:
    from trainer.i18n import moment_text, ngettext

    def naming(attempt: dict) -> str:
        made = ngettext("{count} choice made", "{count} choices made", attempt["choices"]).format(
            count=attempt["choices"])
        named = (_("your assessment of “{title}”, started {when}, {progress}") if attempt["mode"] == "assessment"
                 else _("your practice of “{title}”, started {when}, {progress}"))
        return named.format(title=line(scenario.title), when=moment_text(attempt["started_at"]), progress=made)

    view = {
        "meta": _("{category} · {level} · about {minutes} min · version {version}").format(
            category=label(scenario.category), level=label(scenario.difficulty), minutes=scenario.minutes,
            version=scenario.version),
        "others": [(line(o.name), line(o.role)) for o in scenario.characters.values() if o.id != scenario.character.id],
        "summary": " ".join(scenario.summary.split()),
        "resumable": resumable, "resume_text": "", "unfinished": [a["id"] for a in unfinished],
        "confirm": confirm, "question": "", "discards": [], "confirm_button": "",
    }
    if resumable:
        unfinished_words = (_("You have an unfinished practice attempt from {when}") if resumable["mode"] == "practice"
                            else _("You have an unfinished assessment attempt from {when}"))
        view["resume_text"] = unfinished_words.format(when=moment_text(resumable["started_at"])) + " (" + \
            ngettext("{count} choice made", "{count} choices made", resumable["choices"]).format(
                count=resumable["choices"]) + ")."
    if confirm:
        recorded = _("This attempt is recorded and your supervisor sees it: no coaching and no undo until the debrief.")
        if unfinished:
            view["question"] = _("Discard the unfinished attempt?")
            view["discards"] = [_("Discard {attempt}?").format(attempt=naming(a)) for a in unfinished]
            view["after"] = (_("The new attempt is an assessment.") + " " + recorded if mode == "assessment"
                             else _("The new attempt is practice."))
            view["confirm_button"] = _("Discard and start")
        else:
            view["question"] = _("Start an assessment of “{title}”?").format(title=line(scenario.title))
            view["after"] = recorded
            view["confirm_button"] = _("Start the assessment")
    return view


async def start_post(request: web.Request) -> web.Response:
    r = _routes()
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    user = await r.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    site = r.site(request)
    site.language_for(request, user)
    scenario_id = request.match_info["scenario_id"][:MAX_ID]
    scenario = site.library.get(scenario_id)
    if scenario is None:
        return await r.problem(request, 404, lambda: _("There is no such scenario here."))
    from trainer.play.recording import RecordedAttempt
    from trainer.progress.store import StoreError

    trainee = _trainee(user)
    here = f"/s/{quote(scenario.id, safe='')}"
    if fields.get("resume"):
        try:
            held = site.held(fields["resume"][:64], user.trainee_id)
        except StoreError as exc:
            return await r.problem(request, 409, lambda: words.sentence(str(exc)), back=here)
        if held is None:
            return await r.problem(request, 404, lambda: _("That attempt is not yours to resume."), back=here)
        return r.see_other(f"/a/{held.attempt.attempt_id}#now")
    mode = fields.get("mode", "")
    if mode not in MODES:
        return await r.problem(request, 400, lambda: _("Choose practice or assessment."), back=here)
    if mode == "assessment":
        from trainer.play.unseen import assessment_form

        chosen, number, count = assessment_form(site.store, trainee.id, site.library, scenario)
        if chosen.id != scenario.id:
            return r.see_other(f"/s/{quote(chosen.id, safe='')}?mode=assessment&form={number}&of={count}")
    unfinished = [a["id"] for a in site.store.resumable(trainee, scenario, forms=True)]
    confirmed = fields.get("confirmed") == "1" and sorted(fields.get("discard", "").split()) == sorted(unfinished)
    if (unfinished or mode == "assessment") and not confirmed:
        return r.see_other(f"{here}?mode={mode}&confirm=1")
    try:
        for old in unfinished:  # only those the question named (the form lists them; a changed list asks again)
            site.store.abandon_attempt(old)
            site.forget(old)
        attempt = RecordedAttempt.start(site.store, trainee, scenario, mode, site.clock, seed=site.order_seed())
    except StoreError as exc:
        return await r.problem(request, 503, lambda: _("Could not start the attempt: {reason}").format(
            reason=line(str(exc))), back=here)
    site.remember(attempt.attempt_id, Playing(attempt, user.trainee_id))
    return r.see_other(f"/a/{attempt.attempt_id}#now")


# --- play ------------------------------------------------------------------------------------------------
async def _held(request: web.Request):
    """(user, site, Playing) for the attempt in the URL, or the response to send instead."""
    r = _routes()
    user = await r.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    site = r.site(request)
    site.language_for(request, user)
    from trainer.progress.store import StoreError

    try:
        held = site.held(request.match_info["attempt_id"], user.trainee_id)
    except StoreError as exc:
        return await r.problem(request, 409, lambda: words.sentence(str(exc)))
    if held is None:
        return await r.problem(request, 404, lambda: _("There is no such attempt of yours."))
    return user, site, held


def _elsewhere_guard(site, held: Playing, work):
    """Run `work()`; an attempt another window took over is dropped from the cache and rebuilt (this tab
    takes it back, as resuming in the terminal app does), then `work()` runs once more."""
    from trainer.progress.store import AttemptElsewhere, AttemptMovedOn

    try:
        return work(held)
    except AttemptMovedOn:
        raise
    except AttemptElsewhere:
        attempt_id, trainee_id = held.attempt.attempt_id, held.trainee_id
        site.forget(attempt_id)
        again = site.held(attempt_id, trainee_id)
        return work(again) if again is not None else None


def _deadline(site, held: Playing) -> tuple[float | None, bool]:
    """The timed moment's deadline (stored when the step was first shown) or None, and whether it had
    already passed: then the timeout branch is taken now, stamped at the deadline, as the terminal app does."""
    if held.coaching or held.attempt.session.finished:
        return None, False
    attempt_id = held.attempt.attempt_id
    deadline = _elsewhere_guard(site, held, lambda h: h.attempt.show(site.clock()))
    held = site.playing.get(attempt_id, held)
    if deadline is not None and site.clock() >= deadline:
        held.attempt.time_out(deadline)
        held.notice = _("Time ran out.")
        held.coaching = held.attempt.mode == "practice"
        return None, True
    return deadline, False


async def play_page(request: web.Request) -> web.Response:
    r = _routes()
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    from trainer.progress.store import StoreError

    try:
        deadline, _timed_out = _deadline(site, held)
    except StoreError as exc:
        held.notice = _("Could not save the time on this step: {reason}").format(reason=line(str(exc)))
        deadline = None
    held = site.playing.get(held.attempt.attempt_id, held)
    session = held.attempt.session
    if session.finished and not held.coaching:
        return r.see_other(f"/a/{held.attempt.attempt_id}/debrief")
    notice, held.notice = held.notice, ""
    left = None if deadline is None else max(0, int(deadline - site.clock() + 0.999))
    scenario = session.scenario
    mode = _("Practice") if held.attempt.mode == "practice" else _("Assessment")
    return await r.render(request, "play.html", title=f"{line(scenario.title)} · {mode}", s=scenario,
                          mode_word=mode, held=held, lines=conversation(session), notice=notice,
                          choices=[] if held.coaching else [(c.id, " ".join(c.text.split())) for c in session.options()],
                          step=len(session.transcript), coaching=coaching_of(session) if held.coaching else None,
                          left=left, mood=label(session.band), attempt_id=held.attempt.attempt_id)


def conversation(session) -> list[dict]:
    """The conversation so far and the step on screen, as lines: narration, the character's and the
    trainee's. Another character's role is given the first time they speak."""
    scenario = session.scenario
    introduced: set[str] = set()
    out: list[dict] = []

    def say(speaker: str, text: str, kind: str) -> None:
        who = scenario.speaker(speaker)
        role = ""
        if who.id != scenario.character.id and who.id not in introduced:
            introduced.add(who.id)
            role = who.role
        out.append({"kind": kind, "name": line(who.name), "role": line(role), "text": " ".join(text.split())})

    def node(node_id: str, mood: int, flags) -> None:
        step = scenario.step(node_id)
        if step.narration:
            out.append({"kind": "narration", "name": "", "role": "", "text": " ".join(step.narration.split())})
        said = line_for(step.says, scenario.mood, mood, flags)
        if said:
            say(*said, "character")

    for step in session.transcript:
        node(step.node, step.mood_before, step.flags_before)
        out.append({"kind": "trainee", "name": _("You:"), "role": "",
                    "text": (_("(time ran out)") if step.timed_out else " ".join(step.text.split()))})
        if step.reply:
            say(step.reply["speaker"], step.reply["text"], "character")
    if not session.finished:
        node(session.state, session.mood, session.flags)
    return out


def coaching_of(session) -> dict | None:
    if not session.transcript:
        return None
    step = session.transcript[-1]
    return {"timed_out": step.timed_out, "critical": line(step.critical) if step.critical else "",
            "feedback": " ".join(step.feedback.split()) or _("No coaching note for this choice."),
            "points": words.points_words(step.points), "tags": "  ".join(step.tags)}


async def choose_post(request: web.Request) -> web.Response:
    r = _routes()
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    page = f"/a/{held.attempt.attempt_id}"
    if held.attempt.session.finished:
        return r.see_other(page + "/debrief")
    if held.coaching:
        return r.see_other(page + "#now")
    if fields.get("step", "") != str(len(held.attempt.session.transcript)):
        held.notice = _("That page was out of date, so nothing was chosen. Here is where the attempt is now.")
        return r.see_other(page + "#now")
    wanted = fields.get("choice", "")[:MAX_ID]
    from trainer.progress.store import AttemptMovedOn, StoreError

    try:
        _left, timed_out = _deadline(site, held)
        held = site.playing.get(held.attempt.attempt_id, held)
        if timed_out:  # the time ran out before this choice arrived: the timeout branch was taken instead
            return r.see_other(page + ("/debrief" if held.attempt.session.finished and not held.coaching else "#now"))
        options = [c.id for c in held.attempt.session.options()]
        if wanted not in options:
            held.notice = _("That choice is not on offer at this step.")
            return r.see_other(page + "#now")
        number = options.index(wanted) + 1  # by its number: a choice id may look like a number
        _elsewhere_guard(site, held, lambda h: h.attempt.choose(number, site.clock()))
        held = site.playing.get(held.attempt.attempt_id, held)
    except AttemptMovedOn as exc:
        held.notice = words.sentence(str(exc))
        return r.see_other(page + "#now")
    except StoreError as exc:
        held.notice = _("Could not save that choice: {reason}").format(reason=line(str(exc)))
        return r.see_other(page + "#now")
    held.coaching = held.attempt.mode == "practice"
    if held.attempt.session.finished and not held.coaching:
        return r.see_other(page + "/debrief")
    return r.see_other(page + "#now")


async def continue_post(request: web.Request) -> web.Response:
    r = _routes()
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    held.coaching = False
    page = f"/a/{held.attempt.attempt_id}"
    return r.see_other(page + "/debrief" if held.attempt.session.finished else page + "#now")


async def undo_post(request: web.Request) -> web.Response:
    r = _routes()
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    from trainer.progress.store import StoreError

    page = f"/a/{held.attempt.attempt_id}"
    if held.attempt.mode == "practice" and not held.attempt.session.finished:
        try:
            if _elsewhere_guard(site, held, lambda h: h.attempt.undo()) is not None:
                held = site.playing.get(held.attempt.attempt_id, held)
                held.coaching = False
                held.notice = _("Choice taken back.")
        except StoreError as exc:
            held.notice = _("Could not take that choice back: {reason}").format(reason=line(str(exc)))
    return r.see_other(page + "#now")


async def leave_post(request: web.Request) -> web.Response:
    r = _routes()
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    from trainer.progress.store import StoreError

    try:
        held.attempt.release()  # another window need not be warned about this one
    except StoreError:
        pass
    site.forget(held.attempt.attempt_id)
    return r.see_other("/")


# --- debrief --------------------------------------------------------------------------------------------
async def debrief_page(request: web.Request) -> web.Response:
    r = _routes()
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    user, site, held = found
    session = held.attempt.session
    if not session.finished:
        return r.see_other(f"/a/{held.attempt.attempt_id}#now")
    held.coaching = False
    from trainer.web.html.debrief import debrief_view

    view = debrief_view(site, held.attempt)
    return await r.render(request, "debrief.html", title=words.common()["debrief"] + ": " + line(session.scenario.title),
                          s=session.scenario, view=view, printable=printable)
