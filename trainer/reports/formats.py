"""Rendering the supervisor report as text or CSV (HTML with charts: trainer.reports.html). Names, titles and
choice text come from users and scenario files: every renderer passes them through trainer.sanitize."""

from __future__ import annotations

import csv
import io

from trainer.i18n import N_, _, ngettext
from trainer.sanitize import csv_row, line
from trainer.scenario.vocabulary import label

# stored words as a reader sees them in the text, HTML and PDF reports (CSV and JSON keep the stored English)
SHOWN = {"assessment": N_("assessment"), "practice": N_("practice"), "passed": N_("passed"), "waived": N_("waived"),
         "overdue": N_("overdue"), "failed": N_("failed"), "retraining-due": N_("retraining due"),
         "in-progress": N_("in progress"), "not-started": N_("not started"), "completed": N_("completed"),
         "abandoned": N_("abandoned")}


def shown(word: str | None) -> str:
    """A stored mode or status, or a built-in skill, category or level, in the reader's language."""
    if not word:
        return ""
    return _(SHOWN[word]) if word in SHOWN else label(word)

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    return "".join(SPARK[min(7, int((v or 0) / 100 * 7.999))] for v in values)


def _fmt(value, suffix: str = "%") -> str:
    return "—" if value is None else f"{value:.0f}{suffix}"


def _trend(value) -> str:
    if value is None:
        return ""
    return f"{'▲' if value > 0 else '▼' if value < 0 else '='}{abs(value):.0f}"


def report_text(report: dict) -> str:
    lines = []
    trainees = report["trainees"]
    lines.append(_("Trainees ({count})").format(count=len(trainees)))
    if not trainees:
        lines.append("  " + _("no attempts recorded yet"))
    for t in trainees:
        figures = ngettext("{count} attempt, {completed} completed, pass rate {rate}, average {average}, last active "
                           "{when}", "{count} attempts, {completed} completed, pass rate {rate}, average {average}, "
                           "last active {when}", t["attempts"]).format(
            count=t["attempts"], completed=t["completed"], rate=_fmt(t["pass_rate"]), average=_fmt(t["average"]),
            when=t["last_activity"] or "—")
        lines.append(f"  {line(t['name'])} · {shown(t['mode'])}: {figures}  {sparkline(t['recent'])}")
        if t.get("accommodations"):
            lines.append("      " + _("played with {accommodations}").format(
                accommodations=accommodations_text(t["accommodations"])))
        for skill, s in t["skills"].items():
            if not s.get("assessed", True):
                lines.append(f"      {line(shown(skill)):<14} " + _("not assessed on these attempts' paths"))
                continue
            lines.append(f"      {line(shown(skill)):<14} {_fmt(s['average']):>5} {_trend(s['trend'])}")
    lines.append("")
    lines.append(_("Scenarios ({count})").format(count=len(report["scenarios"])))
    for s in report["scenarios"]:
        figures = ngettext("{count} attempt, pass rate {rate}, average {average}",
                           "{count} attempts, pass rate {rate}, average {average}", s["attempts"]).format(
            count=s["attempts"], rate=_fmt(s["pass_rate"]), average=_fmt(s["average"]))
        lines.append(f"  {line(s['id'])} ({line(s['title'])}) · {shown(s['mode'])}: {figures}"
                     f"{languages_text(s.get('languages'))}{forms_text(s.get('forms'))}")
        node = None
        for item in s["items"]:
            if (item.get("form"), item["node"]) != node:
                node = item.get("form"), item["node"]
                where = item["node"] if item.get("form", s["id"]) == s["id"] else f"{item['form']} · {item['node']}"
                lines.append(f"      [{line(where)}]")
            mark = " " + _("CRITICAL") if item["critical"] else ""
            lines.append(f"        {item['share']:5.1f}%  {item['picks']:>4}x  "
                         + _("avg {points}").format(points=f"{item['average_points']:+.2f}")
                         + f"  {line(item['choice_id'])}{mark}")
    assignments = report.get("assignments") or []
    if assignments:
        lines += ["", _("Assignments ({count})").format(count=len(assignments))]
        for a in assignments:
            lines.append(f"  {line(a['trainee'])} · {line(a['scenario'])}: {assignment_state(a)}")
    return "\n".join(lines)


def languages_text(languages: dict | None) -> str:
    """' · played in English 3, Español 2' when a scenario was played in more than its one language."""
    if not languages or list(languages) == ["en"]:
        return ""
    from trainer.scenario.languages import language_name

    return " · " + _("played in {languages}").format(
        languages=", ".join(f"{line(language_name(k))} {n}" for k, n in languages.items()))


def accommodations_text(codes) -> str:
    """Stored accommodation codes ("extra time 1.5x", "no timer") in the reader's language, joined."""
    from trainer.progress.accommodations import from_code

    return ", ".join(from_code(c).label() or line(c) for c in codes)


def forms_text(forms: dict | None) -> str:
    """' · forms: copay-question 3, copay-question-urgent-care 2' when attempts were made on several forms."""
    if not forms or len(forms) < 2:
        return ""
    return " · " + _("forms: {forms}").format(forms=", ".join(f"{line(k)} {n}" for k, n in forms.items()))


def assignment_state(a: dict) -> str:
    """One assignment's standing in words: status, due date, attempts left, the pass that counts."""
    parts = [shown(a["status"]), _("due {date}").format(date=a["due"]), shown(a["mode"])]
    if a["attempts_left"] is not None and a["status"] not in ("passed", "waived"):
        parts.append(attempts_left(a["attempts_left"]))
    if a["passed_at"]:
        passed = _("passed {date} (version {version})").format(date=a["passed_at"][:10], version=a["passed_version"])
        if a.get("language") and a["language"] != "en":  # a pass on a translation
            from trainer.scenario.languages import language_name

            passed += " · " + _("in {language}").format(language=line(language_name(a["language"])))
        if a.get("form"):  # a pass on another form of the scenario
            passed += " · " + _("on the form {id}").format(id=line(a["form"]))
        parts.append(passed)
    if a["status"] == "retraining-due":
        parts.append(_("now version {version}").format(version=a["current_version"]))
    if a["next_due"] and a["status"] == "passed":
        parts.append(_("next due {date}").format(date=a["next_due"]))
    return ", ".join(parts)


def attempts_left(count: int) -> str:
    return ngettext("{count} attempt left", "{count} attempts left", count).format(count=count)


ASSIGNMENT_CSV = ("trainee", "scenario", "title", "due", "status", "mode", "via", "attempts_left", "every",
                  "next_due", "passed_at", "passed_version", "current_version", "score", "signed_off_by", "language",
                  "form")


def _average_cell(skill: dict | None):
    """A skill's average; "not assessed" (as in `export --format csv`) when no path these attempts took
    could move it, so an empty cell still means the scenario has no such skill."""
    if skill is not None and not skill.get("assessed", True):
        return "not assessed"
    return skill.get("average") if skill else None


def report_csv(report: dict) -> str:
    skills = sorted({k for t in report["trainees"] for k in t["skills"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["trainee", "mode", "attempts", "completed", "passed", "pass_rate", "average", "last_activity",
                     *[f"{line(s)}_average" for s in skills], *[f"{line(s)}_trend" for s in skills], "accommodation"])
    for t in report["trainees"]:
        writer.writerow(csv_row([t["name"], t["mode"], t["attempts"], t["completed"], t["passed"], t["pass_rate"], t["average"],
                                 t["last_activity"], *[_average_cell(t["skills"].get(s)) for s in skills],
                                 *[t["skills"].get(s, {}).get("trend") for s in skills],
                                 "; ".join(t.get("accommodations") or ())]))
    if report.get("assignments"):  # the completion grid: a second table after a blank line
        writer.writerow([])
        writer.writerow(ASSIGNMENT_CSV)
        for a in report["assignments"]:
            writer.writerow(csv_row([a[k] for k in ASSIGNMENT_CSV]))
    return buffer.getvalue()
