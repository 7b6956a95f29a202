"""The brief as an HTML page, and starting or resuming an attempt from it: the mode the trainee's assignment
asks for (trainer.play.offered), an unfinished attempt to resume, the question before discarding one or
starting an assessment (recorded for a supervisor), and an assessment moved to the form the trainee has
seen least (trainer.play.unseen), as the terminal brief does."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from aiohttp import web

from trainer.i18n import _
from trainer.scenario.vocabulary import label
from trainer.sanitize import line
from trainer.web.html import pages as r
from trainer.web.html import words
from trainer.web.html.sessions import WebUser
from trainer.web.html.site import Playing

MODES = ("practice", "assessment")
MAX_ID = 200


def _trainee(user: WebUser):
    from trainer.progress.store import Trainee

    return Trainee(user.trainee_id, user.name)


def _today(site) -> date:
    return date.fromtimestamp(site.clock())


async def brief_page(request: web.Request) -> web.Response:
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
    resumable = next((a for a in unfinished if (p := site.library.played(a)) is not None
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
    user = await r.signed_in_trainee(request)  # first: a session that ended goes to the sign-in, not "expired"
    if isinstance(user, web.Response):
        return user
    fields = await r.form(request)
    if isinstance(fields, web.Response):
        return fields
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
        held.coaching = False  # resumed at the step it is at, as the terminal app resumes
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
