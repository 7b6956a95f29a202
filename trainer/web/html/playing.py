"""Play, practice coaching and the debrief as HTML pages (the brief is brief.py), on the terminal app's own
domain objects: `RecordedAttempt` (every choice committed the moment it is made, the deadline of a timed
moment kept in the database) and the session's `score()` for the debrief.

Why a `step` number in the choice form: it is how many choices the page was drawn after, so a form from a
stale tab (or a double click) can never answer a later step than the one it showed."""

from __future__ import annotations

from aiohttp import web

from trainer.i18n import _
from trainer.scenario.model import line_for
from trainer.scenario.vocabulary import label
from trainer.sanitize import line
from trainer.web.html import pages as r
from trainer.web.html import words
from trainer.web.html.site import Playing


MAX_ID = 200


def routes() -> list:
    from trainer.web.html.brief import brief_page, start_post

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


# --- play ------------------------------------------------------------------------------------------------
async def _held(request: web.Request):
    """(user, site, Playing) for the attempt in the URL, or the response to send instead."""
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


async def _posted(request: web.Request):
    """(user, site, Playing, fields) for a POST on the attempt in the URL, checked in this order: signed in
    (else to the sign-in), the form's size and CSRF token, then the attempt (only now taken over, if it
    has to be rebuilt); or the response to send instead."""
    user = await r.signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
    found = await _held(request)
    if isinstance(found, web.Response):
        return found
    return (*found, fields)


def _elsewhere_guard(site, held: Playing, work):
    """Run `work()`; an attempt another window took over is dropped from the cache and rebuilt (this tab
    takes it back, as resuming in the terminal app does), then `work()` runs once more. Only for showing
    a step: a choice or an undo is never repeated on the rebuilt attempt (the trainee did not see it)."""
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
                          mode_word=mode, held=held, lines=conversation(session, held.coaching), notice=notice,
                          choices=[] if held.coaching else [(c.id, " ".join(c.text.split())) for c in session.options()],
                          step=len(session.transcript), coaching=coaching_of(session) if held.coaching else None,
                          left=left, mood=label(session.band), attempt_id=held.attempt.attempt_id)


def conversation(session, coaching: bool = False) -> list[dict]:
    """The conversation so far and the step on screen, as lines: narration, the character's and the
    trainee's. Another character's role is given the first time they speak. While practice coaching is
    shown, the next step's lines wait for Continue (as in the terminal app): the reply is the newest line."""
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
    if not session.finished and not coaching:
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
    found = await _posted(request)
    if isinstance(found, web.Response):
        return found
    user, site, held, fields = found
    page = f"/a/{held.attempt.attempt_id}"
    if held.attempt.session.finished:
        return r.see_other(page + "/debrief")
    if held.coaching:
        return r.see_other(page + "#now")
    if fields.get("step", "") != str(len(held.attempt.session.transcript)):
        held.notice = _("That page was out of date, so nothing was chosen. Here is where the attempt is now.")
        return r.see_other(page + "#now")
    wanted = fields.get("choice", "")[:MAX_ID]
    from trainer.progress.store import AttemptElsewhere, AttemptMovedOn, StoreError

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
        held.attempt.choose(number, site.clock())
    except AttemptMovedOn as exc:  # another window answered this step first: the attempt has caught up
        held.notice = words.sentence(str(exc))
        return r.see_other(page + "#now")
    except AttemptElsewhere:  # another window took the attempt over: nothing chosen here; take it back and show it
        site.forget(held.attempt.attempt_id)
        try:
            again = site.held(held.attempt.attempt_id, user.trainee_id)
        except StoreError:
            again = None  # the page after the redirect says why
        if again is not None:
            again.notice = _("This attempt was open in another window, so nothing was chosen. Here is where "
                             "it is now.")
        return r.see_other(page + "#now")
    except StoreError as exc:
        held.notice = _("Could not save that choice: {reason}").format(reason=line(str(exc)))
        return r.see_other(page + "#now")
    held.coaching = held.attempt.mode == "practice"
    if held.attempt.session.finished and not held.coaching:
        return r.see_other(page + "/debrief")
    return r.see_other(page + "#now")


async def continue_post(request: web.Request) -> web.Response:
    found = await _posted(request)
    if isinstance(found, web.Response):
        return found
    user, site, held, fields = found
    held.coaching = False
    page = f"/a/{held.attempt.attempt_id}"
    return r.see_other(page + "/debrief" if held.attempt.session.finished else page + "#now")


async def undo_post(request: web.Request) -> web.Response:
    found = await _posted(request)
    if isinstance(found, web.Response):
        return found
    user, site, held, fields = found
    from trainer.progress.store import AttemptElsewhere, StoreError

    page = f"/a/{held.attempt.attempt_id}"
    if held.attempt.mode == "practice" and not held.attempt.session.finished:
        try:
            if held.attempt.undo() is not None:
                held.coaching = False
                held.notice = _("Choice taken back.")
        except AttemptElsewhere:  # another window took it over: take back nothing it did; show where it is
            site.forget(held.attempt.attempt_id)
        except StoreError as exc:
            held.notice = _("Could not take that choice back: {reason}").format(reason=line(str(exc)))
    return r.see_other(page + "#now")


async def leave_post(request: web.Request) -> web.Response:
    found = await _posted(request)
    if isinstance(found, web.Response):
        return found
    user, site, held, fields = found
    from trainer.progress.store import StoreError

    try:
        held.attempt.release()  # another window need not be warned about this one
    except StoreError:
        pass
    site.forget(held.attempt.attempt_id)
    return r.see_other("/")


# --- debrief --------------------------------------------------------------------------------------------
async def debrief_page(request: web.Request) -> web.Response:
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
                          s=session.scenario, view=view)
