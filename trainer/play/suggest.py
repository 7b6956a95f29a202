"""What to practise next: up to three scenarios for one trainee, each with a reason they understand.

A pure function of the trainee's finished attempts, the library's scenarios, their open assignments and
today's date (no database, no clock), so the same inputs always give the same answer. The rules, in the
order they fill the three places (docs/practice.md says the same in plain words):

1. Assignments overdue or due within 14 days, soonest first.
2. Spaced re-practice: a scenario failed, or passed by less than NARROW_MARGIN points over its pass mark,
   comes back 1, 7 and 30 days after that attempt, and not before. Any later attempt on or after a
   return date settles that return; another weak result starts the 1/7/30 clock again.
3. The weakest skill: each skill's percentage averaged over the last RECENT finished attempts (practice
   and assessment), each weighted by the points it offered in the skill and by recency: the newest
   counting 1, the one before it RECENCY as much, then RECENCY squared, and so on. Scenarios that
   exercise that skill strongly (weight x points on offer at least STRONG of the most any offers) come
   first, among those within one level of the trainee's; then nearest the level, then most exercise;
   the most-missed technique of that skill names the reason.
4. The level starts at beginner; a pass at or above the level moves it up one (up to advanced), two
   failures in a row move it down one.
A new trainee with no history gets beginner scenarios first, one per category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping, Sequence

from trainer.i18n import N_, _, ngettext
from trainer.scenario.vocabulary import label

LEVELS = ("beginner", "intermediate", "advanced")
RETURN_DAYS = (1, 7, 30)
# a starter's reason, by the trainee's level (the article agrees with the level in each language)
STARTER_WORDS = {"beginner": N_("a beginner scenario to start with: {topic}"),
                 "intermediate": N_("an intermediate scenario to start with: {topic}"),
                 "advanced": N_("an advanced scenario to start with: {topic}")}
STEP_UP_WORDS = {"intermediate": N_("one step up, an intermediate scenario to start with: {topic}"),
                 "advanced": N_("one step up, an advanced scenario to start with: {topic}")}
NARROW_MARGIN = 10.0
RECENT = 20
RECENCY = 0.8
DUE_SOON_DAYS = 14
MAX_SUGGESTIONS = 3
STRONG = 0.5  # a scenario offering at least half the most any scenario offers in a skill "exercises" it

# Technique tags in plain words, for reasons a trainee understands. Unknown tags are shown as written.
TECHNIQUES = {
    "verify:before-disclosure": N_("verifying a caller before saying anything"),
    "verify:two-identifiers": N_("checking two identifiers before going on"),
    "verify:authorisation": N_("checking someone is authorised before sharing"),
    "privacy:minimum-necessary": N_("sharing only what is needed"),
    "privacy:setting": N_("keeping private details out of earshot"),
    "privacy:consent": N_("asking the patient's consent before sharing"),
    "privacy:authorisation": N_("checking for a signed authorisation"),
    "privacy:secure-route": N_("sending details by a secure route"),
    "privacy:misdirected-fax": N_("reporting information sent to the wrong place"),
    "HEARD:hear": N_("letting the person say it all first"),
    "HEARD:empathize": N_("saying you understand how they feel"),
    "HEARD:apologize": N_("apologising for what went wrong"),
    "HEARD:resolve": N_("settling the problem with a clear next step"),
    "HEARD:diagnose": N_("finding out what actually went wrong"),
    "NURSE:naming": N_("naming the feeling you hear"),
    "NURSE:understanding": N_("showing you understand"),
    "NURSE:respecting": N_("showing respect for what they are dealing with"),
    "NURSE:supporting": N_("offering support"),
    "NURSE:exploring": N_("asking more about their worry"),
    "AIDET:introduce": N_("introducing yourself and your role"),
    "AIDET:duration": N_("saying how long things will take"),
    "AIDET:explanation": N_("explaining what happens next"),
    "AIDET:acknowledge": N_("greeting the person by name"),
    "AIDET:thank-you": N_("thanking them"),
    "teach-back": N_("checking they understood by asking them to say it back"),
    "plain-language": N_("using plain words"),
    "escalation:supervisor": N_("bringing in a supervisor at the right moment"),
    "escalation:clinician": N_("handing clinical questions to a clinician"),
    "emergency:direct-to-emergency": N_("sending an emergency straight to emergency care"),
    "emergency:time-critical": N_("acting at once when minutes matter"),
    "honesty:accurate": N_("saying only what you know is true"),
    "honesty:no-false-promises": N_("promising only what you can deliver"),
    "scope:no-diagnosis": N_("staying out of diagnosis"),
    "scope:no-results": N_("leaving results to the clinician"),
    "language-access:offer-interpreter": N_("offering a professional interpreter"),
    "team-care:no-blame": N_("owning the problem without blaming anyone"),
}


@dataclass(frozen=True)
class Attempt:
    """One finished attempt: when, how it went overall and per skill, and the techniques missed
    (tags on choices that lost points in that skill)."""

    scenario: str
    day: date
    at: str  # the finishing instant, for a stable order within a day
    passed: bool
    overall: float
    skills: Mapping[str, float] = field(default_factory=dict)  # skill -> percent
    offered: Mapping[str, float] = field(default_factory=dict)  # skill -> points the best path earns
    missed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # skill -> tags missed


@dataclass(frozen=True)
class Offer:
    """A scenario in the library as the suggestion sees it."""

    id: str
    title: str
    category: str
    difficulty: str
    pass_mark: float
    exercise: Mapping[str, float] = field(default_factory=dict)  # skill -> weight x points on offer
    techniques: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Assigned:
    """An open assignment (not passed): its scenario and due date."""

    scenario: str
    due: date


@dataclass(frozen=True)
class Suggestion:
    scenario: str
    title: str
    reason: str
    skill: str | None
    due: date | None  # the assignment's due date, or the day a spaced return fell due
    why: str  # assigned, return, skill or start

    def as_json(self) -> dict:
        return {"scenario": self.scenario, "title": self.title, "reason": self.reason, "skill": self.skill,
                "due": self.due.isoformat() if self.due else None, "why": self.why}


def technique_words(tag: str) -> str:
    return _(TECHNIQUES[tag]) if tag in TECHNIQUES else tag.replace(":", ": ").replace("-", " ")


def skill_standing(attempts: Sequence[Attempt]) -> dict[str, float]:
    """Each skill's share of the points on offer earned over the last RECENT attempts: percentages
    weighted by the points each attempt offered in the skill and by recency (newest counts most)."""
    totals: dict[str, list[float]] = {}
    for i, a in enumerate(_newest_first(attempts)[:RECENT]):
        for skill, percent in a.skills.items():
            w = RECENCY ** i * max(a.offered.get(skill, 1.0), 0.1)
            t = totals.setdefault(skill, [0.0, 0.0])
            t[0] += w * percent
            t[1] += w
    return {s: t[0] / t[1] for s, t in totals.items() if t[1] > 0}


def missed_techniques(attempts: Sequence[Attempt], skill: str) -> list[str]:
    """Tags missed in this skill, most missed first (recency-weighted like the skills; ties by name)."""
    counts: dict[str, float] = {}
    for i, a in enumerate(_newest_first(attempts)[:RECENT]):
        for tag in a.missed.get(skill, ()):
            counts[tag] = counts.get(tag, 0.0) + RECENCY ** i
    return sorted(counts, key=lambda t: (-round(counts[t], 9), t))


def level(attempts: Sequence[Attempt], offers: Mapping[str, Offer]) -> int:
    """0 beginner .. 2 advanced: up one after a pass at or above the level, down one after two
    failures in a row."""
    current, failures = 0, 0
    for a in sorted(attempts, key=lambda a: (a.day, a.at)):
        offer = offers.get(a.scenario)
        difficulty = LEVELS.index(offer.difficulty) if offer and offer.difficulty in LEVELS else current
        if a.passed:
            failures = 0
            if difficulty >= current:
                current = min(len(LEVELS) - 1, difficulty + 1)
        else:
            failures += 1
            if failures == 2:
                current, failures = max(0, current - 1), 0
    return current


def weak(attempt: Attempt, offer: Offer | None) -> bool:
    """Failed, or passed by less than NARROW_MARGIN points over the pass mark."""
    if not attempt.passed:
        return True
    return offer is not None and attempt.overall < offer.pass_mark + NARROW_MARGIN


def spaced_return(attempts: Sequence[Attempt], offer: Offer | None, today: date) -> tuple[date, Attempt] | None:
    """(the return date that has come, the weak attempt it follows) for one scenario's attempts, or None
    when nothing is due back today."""
    ordered = sorted(attempts, key=lambda a: (a.day, a.at))
    anchor = next((a for a in reversed(ordered) if weak(a, offer)), None)
    if anchor is None:
        return None
    later = [a.day for a in ordered if (a.day, a.at) > (anchor.day, anchor.at)]
    due = None
    for days in RETURN_DAYS:
        back = anchor.day + timedelta(days=days)
        if back > today:
            break
        if not any(d >= back for d in later):
            due = due or back
    return (due, anchor) if due else None


def _held_back(attempts: Sequence[Attempt], offer: Offer | None, today: date) -> bool:
    """A weak result whose next return date has not come yet: the scenario waits for it."""
    ordered = sorted(attempts, key=lambda a: (a.day, a.at))
    anchor = next((a for a in reversed(ordered) if weak(a, offer)), None)
    if anchor is None:
        return False
    return today < anchor.day + timedelta(days=RETURN_DAYS[-1]) and spaced_return(attempts, offer, today) is None


def suggest(attempts: Sequence[Attempt], offers: Mapping[str, Offer], assigned: Sequence[Assigned],
            today: date, limit: int = MAX_SUGGESTIONS, about: str | None = None) -> list[Suggestion]:
    """Up to `limit` scenarios to play next, best first (the module docstring gives the rules). The
    reasons speak to the trainee, or with `about` (their name: a supervisor is reading) of them."""
    out: list[Suggestion] = []
    standing = skill_standing(attempts)
    ranked_skills = sorted(standing, key=lambda s: (round(standing[s], 9), s))
    by_scenario: dict[str, list[Attempt]] = {}
    for a in attempts:
        by_scenario.setdefault(a.scenario, []).append(a)

    def taken(sid: str) -> bool:
        return any(s.scenario == sid for s in out)

    for item in sorted(assigned, key=lambda x: (x.due, x.scenario)):
        offer = offers.get(item.scenario)
        if offer is None or taken(item.scenario) or (item.due - today).days > DUE_SOON_DAYS:
            continue
        days = (item.due - today).days
        when = (_("overdue since {day}").format(day=item.due.isoformat()) if item.due < today else
                _("due today") if item.due == today else
                ngettext("due {day} (in {count} day)", "due {day} (in {count} days)", days).format(
                    day=item.due.isoformat(), count=days))
        assigned_to = (_("assigned to {name}, {when}").format(name=about, when=when) if about
                       else _("assigned to you, {when}").format(when=when))
        out.append(Suggestion(offer.id, offer.title, assigned_to,
                              _focus(offer, ranked_skills), item.due, "assigned"))
        if len(out) >= limit:
            return out

    returns = []
    for sid in sorted(by_scenario):
        found = spaced_return(by_scenario[sid], offers.get(sid), today)
        if found and sid in offers:
            returns.append((found[0], sid, found[1]))
    for due, sid, anchor in sorted(returns, key=lambda r: (r[0], r[1])):
        if taken(sid):
            continue
        offer = offers[sid]
        gap = (due - anchor.day).days
        rank = {k: i for i, k in enumerate(ranked_skills)}  # ties go to the trainee's weakest skill overall
        low = min(sorted(anchor.skills), key=lambda k: (round(anchor.skills[k]), rank.get(k, len(rank))), default=None)
        where = _(", losing most on {skill} ({percent}%)").format(
            skill=label(low), percent=f"{anchor.skills[low]:.0f}") if low and anchor.skills[low] < 100 else ""
        day = anchor.day.isoformat()
        if about:
            result = (_("{name} failed this on {day}{where}").format(name=about, day=day, where=where)
                      if not anchor.passed else _("{name} only just passed this ({percent}%) on {day}{where}").format(
                          name=about, percent=f"{anchor.overall:.0f}", day=day, where=where))
        else:
            result = (_("you failed this on {day}{where}").format(day=day, where=where) if not anchor.passed else
                      _("you only just passed this ({percent}%) on {day}{where}").format(
                          percent=f"{anchor.overall:.0f}", day=day, where=where))
        again = ngettext("a day later is the time to play it again so it sticks",
                         "{count} days later is the time to play it again so it sticks", gap).format(count=gap)
        out.append(Suggestion(sid, offer.title, f"{result}; {again}", low or _focus(offer, ranked_skills), due,
                              "return"))
        if len(out) >= limit:
            return out

    current = level(attempts, offers)
    free = [o for sid, o in sorted(offers.items()) if not taken(sid)
            and not _held_back(by_scenario.get(sid, ()), o, today)]
    if not ranked_skills:
        return out + _starters(free, current, limit - len(out))
    targets = ranked_skills[:2]
    slot = 0
    while len(out) < limit and free:
        skill = targets[slot % len(targets)] if slot < 2 else targets[0]
        slot += 1
        missed = missed_techniques(attempts, skill)
        most = max(o.exercise.get(skill, 0.0) for o in free)
        pick = min(free, key=lambda o: (_distance(o, current) > 1, o.exercise.get(skill, 0.0) < most * STRONG,
                                        _distance(o, current),
                                        bool(by_scenario.get(o.id)), -o.exercise.get(skill, 0.0),
                                        not (set(missed[:1]) & o.techniques), o.id))
        free.remove(pick)
        out.append(Suggestion(pick.id, pick.title, _skill_reason(skill, standing[skill], missed, pick, about,
                                                                 skill == ranked_skills[0]),
                              skill, None, "skill"))
    return out


def _distance(offer: Offer, current: int) -> int:
    return abs((LEVELS.index(offer.difficulty) if offer.difficulty in LEVELS else 1) - current)


def _focus(offer: Offer, ranked_skills: list[str]) -> str | None:
    """The skill this scenario works on for this trainee: their weakest one it exercises, else its main one."""
    for skill in ranked_skills:
        if offer.exercise.get(skill, 0.0) > 0:
            return skill
    return max(sorted(offer.exercise), key=lambda s: offer.exercise[s], default=None)


def _skill_reason(skill: str, percent: float, missed: list[str], offer: Offer, about: str | None,
                  weakest: bool) -> str:
    shown = label(skill)
    if about:
        head = (_("{name} lost most points on {skill} ({percent}% lately)") if weakest
                else _("{skill} is {name}'s next weakest skill ({percent}% lately)")).format(
            name=about, skill=shown, percent=f"{percent:.0f}")
    else:
        head = (_("you lost most points on {skill} ({percent}% lately)") if weakest
                else _("{skill} is your next weakest skill ({percent}% lately)")).format(skill=shown,
                                                                                       percent=f"{percent:.0f}")
    technique = next((t for t in missed if t in offer.techniques), None)
    if technique is None:
        return _("{head}; this scenario leans on {skill}").format(head=head, skill=shown)
    return f"{head}: {technique_words(technique)}"


def _starters(free: list[Offer], current: int, room: int) -> list[Suggestion]:
    """No history yet: scenarios at the level (beginner), one per category, nearest difficulty first."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for offer in sorted(free, key=lambda o: (_distance(o, current), o.category, o.id)):
        if len(out) >= room:
            break
        if offer.category in seen:
            continue
        seen.add(offer.category)
        topic = label(offer.category).replace("-", " ")
        if _distance(offer, current) == 0:
            reason = STARTER_WORDS[LEVELS[current]]
        else:
            reason = STEP_UP_WORDS.get(offer.difficulty, N_("one step up, a {level} scenario to start with: {topic}"))
        out.append(Suggestion(offer.id, offer.title, _(reason).format(level=label(offer.difficulty), topic=topic),
                              None, None, "start"))
    return out


def _newest_first(attempts: Sequence[Attempt]) -> list[Attempt]:
    return sorted(attempts, key=lambda a: (a.day, a.at), reverse=True)
