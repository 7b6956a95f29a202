"""The HTML pages' own words, translated where the page is rendered (the request's language is current then).

Why here and not in the templates: the catalogues are extracted from Python sources (babel.cfg), so every
word a page shows goes through `_()` in this module or its caller, and the templates only place them."""

from __future__ import annotations

from trainer.i18n import _


def sentence(reason: str) -> str:
    """A reason as a sentence: first letter up, a full stop."""
    reason = reason.strip()
    if not reason:
        return reason
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith((".", "!", "?")) else ".")


def points_words(points: dict[str, int]) -> str:
    """A choice's points per skill ("+2 Empathy  -1 Privacy"), or that it earned none either way."""
    from trainer.scenario.vocabulary import label

    if not points:
        return _("no points either way")
    return ", ".join(f"{value:+d} {label(skill)}" for skill, value in sorted(points.items()))


def common() -> dict[str, str]:
    """The words of the frame every page shares, and of its forms."""
    return {
        "product": "trainer",
        "skip": _("Skip to main content"),
        "site_nav": _("Site"),
        "catalogue": _("Catalogue"),
        "progress": _("My progress"),
        "sign_out": _("Sign out"),
        "signed_in_as": _("Signed in as {name}"),
        "sign_in": _("Sign in"),
        "name": _("Name"),
        "passphrase": _("Passphrase"),
        "signin_help": _("Sign in with the name and passphrase your supervisor gave you."),
        "terminal": _("Terminal version"),
        "accessibility": _("Accessibility"),
        "back": _("Go back"),
        "footer": _("Every choice is saved the moment you make it."),
        # the catalogue
        "next_for_you": _("Next for you"),
        "assigned": _("Assigned to you"),
        "all_scenarios": _("All scenarios"),
        "filters": _("Filter the scenarios"),
        "search": _("Title contains"),
        "category": _("Category"),
        "level": _("Level"),
        "any": _("Any"),
        "apply": _("Show"),
        "scenario": _("Scenario"),
        "why": _("Why"),
        "due": _("Due"),
        "status": _("Status"),
        "best": _("Best"),
        "none_match": _("No scenario matches these filters."),
        "unfinished": _("You have an unfinished attempt. Open it to resume:"),
        # brief
        "your_role": _("Your role"),
        "you_talk_to": _("You talk to"),
        "also_speaking": _("Also speaking"),
        "situation": _("Situation"),
        "objectives": _("Objectives"),
        "mode": _("Mode"),
        "practice": _("Practice"),
        "practice_help": _("coaching after every choice, undo allowed"),
        "assessment": _("Assessment"),
        "assessment_help": _("no feedback or undo until the debrief"),
        "start": _("Start"),
        "resume": _("Resume"),
        "new_attempt": _("New attempt"),
        # play
        "conversation": _("Conversation"),
        "choices": _("What do you say?"),
        "coaching": _("Coaching"),
        "continue": _("Continue"),
        "undo": _("Undo"),
        "you": _("You:"),
        "mood": _("Mood"),
        "leave": _("Save and leave"),
        "critical": _("CRITICAL ERROR:"),
        "time_ran_out": _("Time ran out."),
        "seconds_left": _("{seconds} s left"),
        "no_script_timer": _("This moment is timed. If the time runs out, reload the page to carry on."),
        # debrief
        "debrief": _("Debrief"),
        "outcome": _("Outcome: {outcome}"),
        "overall": _("Overall {percent}%"),
        "pass_mark": _("(pass mark {percent}%)"),
        "passed": _("PASSED ✓"),
        "not_passed": _("NOT PASSED ✗"),
        "skills": _("Skills"),
        "skill": _("Skill"),
        "score": _("Score"),
        "needs": _("Needs"),
        "verdict": _("Result"),
        "pass": _("✓ pass"),
        "below": _("✗ below"),
        "not_assessed": _("not assessed on this path"),
        "step_by_step": _("What happened, step by step"),
        "stronger": _("Stronger here:"),
        "from_supervisor": _("From your supervisor"),
        "try_again": _("Try again"),
        "critical_fails": _("Critical error — this fails the attempt whatever the score:"),
    }


def problem_title(status: int) -> str:
    return {400: _("That did not work"), 403: _("Not done"), 404: _("Not found"), 413: _("Too large"),
            429: _("Too many tries")}.get(status, _("Something went wrong"))


def signin_title() -> str:
    return _("Sign in")


def catalogue_title() -> str:
    return _("Catalogue")


def supervisor_title() -> str:
    return _("Supervisors")
