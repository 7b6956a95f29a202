"""Rendering the supervisor report as text or CSV (HTML with charts: trainer.reports.html). Names, titles and
choice text come from users and scenario files: every renderer passes them through trainer.sanitize."""

from __future__ import annotations

import csv
import io

from trainer.sanitize import csv_row, line

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
    lines.append(f"Trainees ({len(trainees)})")
    if not trainees:
        lines.append("  no attempts recorded yet")
    for t in trainees:
        lines.append(f"  {line(t['name'])} · {t['mode']}: {t['attempts']} attempt{'' if t['attempts'] == 1 else 's'}, {t['completed']} completed, pass rate "
                     f"{_fmt(t['pass_rate'])}, average {_fmt(t['average'])}, last active {t['last_activity'] or '—'}"
                     f"  {sparkline(t['recent'])}")
        for skill, s in t["skills"].items():
            lines.append(f"      {line(skill):<14} {_fmt(s['average']):>5} {_trend(s['trend'])}")
    lines.append("")
    lines.append(f"Scenarios ({len(report['scenarios'])})")
    for s in report["scenarios"]:
        lines.append(f"  {line(s['id'])} ({line(s['title'])}) · {s['mode']}: {s['attempts']} attempts, pass rate {_fmt(s['pass_rate'])}, "
                     f"average {_fmt(s['average'])}")
        node = None
        for item in s["items"]:
            if item["node"] != node:
                node = item["node"]
                lines.append(f"      [{line(node)}]")
            mark = " CRITICAL" if item["critical"] else ""
            lines.append(f"        {item['share']:5.1f}%  {item['picks']:>4}x  avg {item['average_points']:+.2f}  "
                         f"{line(item['choice_id'])}{mark}")
    assignments = report.get("assignments") or []
    if assignments:
        lines += ["", f"Assignments ({len(assignments)})"]
        for a in assignments:
            lines.append(f"  {line(a['trainee'])} · {line(a['scenario'])}: {assignment_state(a)}")
    return "\n".join(lines)


def assignment_state(a: dict) -> str:
    """One assignment's standing in words: status, due date, attempts left, the pass that counts."""
    text = f"{a['status']}, due {a['due']}, {a['mode']}"
    if a["attempts_left"] is not None and a["status"] not in ("passed", "waived"):
        text += f", {a['attempts_left']} attempt{'' if a['attempts_left'] == 1 else 's'} left"
    if a["passed_at"]:
        text += f", passed {a['passed_at'][:10]} (version {a['passed_version']})"
    if a["status"] == "retraining-due":
        text += f", now version {a['current_version']}"
    if a["next_due"] and a["status"] == "passed":
        text += f", next due {a['next_due']}"
    return text


ASSIGNMENT_CSV = ("trainee", "scenario", "title", "due", "status", "mode", "via", "attempts_left", "every",
                  "next_due", "passed_at", "passed_version", "current_version", "score", "signed_off_by")


def report_csv(report: dict) -> str:
    skills = sorted({k for t in report["trainees"] for k in t["skills"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["trainee", "mode", "attempts", "completed", "passed", "pass_rate", "average", "last_activity",
                     *[f"{line(s)}_average" for s in skills], *[f"{line(s)}_trend" for s in skills]])
    for t in report["trainees"]:
        writer.writerow(csv_row([t["name"], t["mode"], t["attempts"], t["completed"], t["passed"], t["pass_rate"], t["average"],
                                 t["last_activity"], *[t["skills"].get(s, {}).get("average") for s in skills],
                                 *[t["skills"].get(s, {}).get("trend") for s in skills]]))
    if report.get("assignments"):  # the completion grid: a second table after a blank line
        writer.writerow([])
        writer.writerow(ASSIGNMENT_CSV)
        for a in report["assignments"]:
            writer.writerow(csv_row([a[k] for k in ASSIGNMENT_CSV]))
    return buffer.getvalue()
