"""Rendering the supervisor report as text, CSV or a single self-contained HTML file. Names, titles and
choice text come from users and scenario files: every renderer passes them through trainer.sanitize."""

from __future__ import annotations

import csv
import html
import io

from trainer.sanitize import csv_row, line, printable

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
        lines.append(f"  {line(t['name'])}: {t['attempts']} attempt{'' if t['attempts'] == 1 else 's'}, {t['completed']} completed, pass rate "
                     f"{_fmt(t['pass_rate'])}, average {_fmt(t['average'])}, last active {t['last_activity'] or '—'}"
                     f"  {sparkline(t['recent'])}")
        for skill, s in t["skills"].items():
            lines.append(f"      {line(skill):<14} {_fmt(s['average']):>5} {_trend(s['trend'])}")
    lines.append("")
    lines.append(f"Scenarios ({len(report['scenarios'])})")
    for s in report["scenarios"]:
        lines.append(f"  {line(s['id'])} ({line(s['title'])}): {s['attempts']} attempts, pass rate {_fmt(s['pass_rate'])}, "
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
    writer.writerow(["trainee", "attempts", "completed", "passed", "pass_rate", "average", "last_activity",
                     *[f"{line(s)}_average" for s in skills], *[f"{line(s)}_trend" for s in skills]])
    for t in report["trainees"]:
        writer.writerow(csv_row([t["name"], t["attempts"], t["completed"], t["passed"], t["pass_rate"], t["average"],
                                 t["last_activity"], *[t["skills"].get(s, {}).get("average") for s in skills],
                                 *[t["skills"].get(s, {}).get("trend") for s in skills]]))
    if report.get("assignments"):  # the completion grid: a second table after a blank line
        writer.writerow([])
        writer.writerow(ASSIGNMENT_CSV)
        for a in report["assignments"]:
            writer.writerow(csv_row([a[k] for k in ASSIGNMENT_CSV]))
    return buffer.getvalue()


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d2430;max-width:70rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #d0d7e2}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{padding:.3rem .5rem;text-align:left;
border-bottom:1px solid #e3e8ef;vertical-align:top}th{background:#f3f6fa}td.n{text-align:right}
.bad{color:#b42318}.good{color:#05603a}.spark{font-family:monospace;letter-spacing:1px}.muted{color:#667085}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def _html(value, layout: bool = False) -> str:
    return html.escape(printable(value, layout=layout) if layout else line(value))


def report_html(report: dict) -> str:
    e = _html
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Training progress report</title>",
           f"<style>{_CSS}</style></head><body>", "<h1>Training progress report</h1>",
           f"<p class='muted'>Generated {e(report['generated_at'])}"]
    filters = {k: v for k, v in report["filters"].items() if v}
    if filters:
        out.append(" · filters: " + e(", ".join(f"{k} = {line(v)}" for k, v in filters.items())))
    out.append("</p><h2>Trainees</h2>")
    skills = sorted({k for t in report["trainees"] for k in t["skills"]})
    out.append("<table><tr><th>Trainee</th><th>Attempts</th><th>Completed</th><th>Pass rate</th><th>Average</th>"
               + "".join(f"<th>{e(s)}</th>" for s in skills) + "<th>Recent</th><th>Last activity</th></tr>")
    for t in report["trainees"]:
        cells = "".join(
            f"<td class='n'>{_fmt(t['skills'].get(s, {}).get('average'))} {_trend(t['skills'].get(s, {}).get('trend'))}</td>"
            for s in skills)
        out.append(f"<tr><td>{e(t['name'])}</td><td class='n'>{t['attempts']}</td><td class='n'>{t['completed']}</td>"
                   f"<td class='n'>{_fmt(t['pass_rate'])}</td><td class='n'>{_fmt(t['average'])}</td>{cells}"
                   f"<td class='spark'>{sparkline(t['recent'])}</td><td>{e(t['last_activity'] or '—')}</td></tr>")
    out.append("</table><h2>Scenarios</h2>")
    for s in report["scenarios"]:
        out.append(f"<h3>{e(s['title'])} <span class='muted'>({e(s['id'])}, {e(s['category'] or '')})</span></h3>"
                   f"<p>{s['attempts']} attempts · pass rate {_fmt(s['pass_rate'])} · average {_fmt(s['average'])}</p>")
        if s["items"]:
            out.append("<table><tr><th>Node</th><th>Choice</th><th>Picked</th><th>Share</th><th>Avg points</th></tr>")
            for item in s["items"]:
                cls = "bad" if item["average_points"] < 0 or item["critical"] else "good" if item["average_points"] > 0 else ""
                crit = " <strong class='bad'>critical</strong>" if item["critical"] else ""
                out.append(f"<tr><td>{e(item['node'])}</td><td>{e(item['text'] or item['choice_id'], True)}{crit}</td>"
                           f"<td class='n'>{item['picks']}</td><td class='n'>{item['share']:.0f}%</td>"
                           f"<td class='n {cls}'>{item['average_points']:+.2f}</td></tr>")
            out.append("</table>")
    if report.get("assignments"):
        out.append("<h2>Assignments</h2><table><tr><th>Trainee</th><th>Scenario</th><th>Due</th><th>Status</th>"
                   "<th>Mode</th><th>Attempts left</th><th>Passed</th></tr>")
        for a in report["assignments"]:
            cls = {"passed": "good", "waived": "good", "overdue": "bad", "failed": "bad",
                   "retraining-due": "bad"}.get(a["status"], "")
            passed = f"{e(a['passed_at'][:10])} (v{a['passed_version']})" if a["passed_at"] else ""
            left = "" if a["attempts_left"] is None else a["attempts_left"]
            out.append(f"<tr><td>{e(a['trainee'])}</td><td>{e(a['title'])}</td><td>{e(a['due'])}</td>"
                       f"<td class='{cls}'>{e(a['status'])}</td><td>{e(a['mode'])}</td><td class='n'>{left}</td>"
                       f"<td>{passed}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
