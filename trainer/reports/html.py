"""The supervisor report as one self-contained HTML page: SVG charts drawn by trainer.reports.svg, tables
that wrap instead of widening the page (it fits a 1280 px window), dates in the reader's local form, and
print styles. No script, no external asset: the file makes no request of its own.

Rows are per mode: practice and assessment are never averaged together, and each row says its mode.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import default_locale, format_date, format_skeleton, format_time

from trainer.i18n import N_, _, current_language, ngettext
from trainer.reports import svg
from trainer.reports.formats import attempts_left, shown
from trainer.reports.svg import esc
from trainer.sanitize import printable

STATUS_STYLE = {  # status -> (fill, mark in the cell, what it means)
    "passed": ("#12b76a", "✓", N_("passed")),
    "waived": ("#a6f4c5", "W", N_("retraining waived")),
    "in-progress": ("#84caff", "…", N_("in progress")),
    "not-started": ("#eaecf0", "·", N_("not started")),
    "failed": ("#fdb022", "✗", N_("failed (attempts left)")),
    "overdue": ("#d92d20", "!", N_("overdue")),
    "retraining-due": ("#9e77ed", "↻", N_("retraining due (a newer version)")),
}

TRIP_UPS_SHOWN = 8
FILTER_NAMES = {"trainee": N_("trainee"), "scenario": N_("scenario"), "since": N_("since"), "mode": N_("mode")}

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5rem auto;padding:0 1.5rem;color:#1d2430;
max-width:1200px;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #d0d7e2}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;table-layout:fixed}
th,td{padding:.3rem .5rem;text-align:left;border-bottom:1px solid #e3e8ef;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f6fa}td.n,th.n{text-align:right}tr.node td{background:#f9fafb;font-weight:600}
.bad{color:#b42318}.good{color:#05603a}.muted{color:#667085}.chart{display:block;height:auto;margin:.5rem 0 1rem}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.9rem;margin:.3rem 0 1rem;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:.35rem}.swatch{display:inline-block;width:1.1rem;height:1.1rem;
border-radius:3px;text-align:center;font-size:.8rem;line-height:1.1rem;border:1px solid #d0d7e2}
.note{background:#f3f6fa;border-left:4px solid #175cd3;padding:.5rem .8rem;margin:1rem 0}
@media print{body{margin:0;padding:0;max-width:none;font-size:10pt}h2{break-after:avoid}
section,.chart,table tr{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}}
"""


def _locale() -> Locale:
    try:
        return Locale.parse(default_locale("LC_TIME") or "en_GB")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en_GB")


LOCALE = _locale()


def local_time(stamp: str | None) -> str:
    """An ISO timestamp as the reader's local date and time, e.g. '30 Nov 2026, 14:05'."""
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return f"{format_date(moment, 'medium', locale=LOCALE)}, {format_time(moment, 'short', locale=LOCALE)}"


def local_day(day: date | str | None) -> str:
    if not day:
        return "—"
    try:
        return format_date(date.fromisoformat(day) if isinstance(day, str) else day, "medium", locale=LOCALE)
    except ValueError:
        return str(day)


def short_day(day: date) -> str:
    return format_skeleton("MMMd", day, locale=LOCALE)


def pct(value, suffix: str = "%") -> str:
    return "—" if value is None else f"{value:.0f}{suffix}"


def trend(value) -> str:
    if value is None:
        return ""
    return f"{'▲' if value > 0 else '▼' if value < 0 else '='}{abs(value):.0f}"


def _who(row: dict) -> str:
    return f"{row['name']} · {shown(row['mode'])}" if row.get("mode") else row["name"]


def _scenario_label(row: dict) -> str:
    title = row.get("title") or row["id"]
    return f"{title} · {shown(row['mode'])}" if row.get("mode") else title


def legend(entries: list[tuple[str, str, str]]) -> str:
    """entries: (fill, mark, meaning)."""
    return "<ul class='legend'>" + "".join(
        f"<li><span class='swatch' style='background:{fill};color:{svg.ink_on(fill)}'>{esc(mark)}</span>{esc(text)}</li>"
        for fill, mark, text in entries) + "</ul>"


def completion_section(assignments: list[dict]) -> str:
    people = list(dict.fromkeys(a["trainee"] for a in assignments))
    titles = {a["scenario"]: a["title"] or a["scenario"] for a in assignments}
    ids = sorted(titles, key=lambda s: titles[s].casefold())
    cells = {}
    for a in assignments:
        fill, mark, meaning = STATUS_STYLE.get(a["status"], ("#ffffff", "?", a["status"]))
        tip = (f"{a['trainee']} · {titles[a['scenario']]}: {_(meaning)}, " + _("due {date}").format(date=local_day(a["due"]))
               + f", {shown(a['mode'])}")
        if a.get("passed_at"):
            tip += ", " + _("passed {date} (version {version})").format(date=local_day(a["passed_at"][:10]),
                                                                       version=a["passed_version"])
        cells[(people.index(a["trainee"]), ids.index(a["scenario"]))] = (fill, mark, tip)
    size = (ngettext("{count} trainee", "{count} trainees", len(people)).format(count=len(people)) + " × "
            + ngettext("{count} assigned scenario", "{count} assigned scenarios", len(ids)).format(count=len(ids)))
    chart = svg.heatmap("grid", _("Completion grid"), _("{size}; each cell is the status of that assignment").format(
        size=size), people, [titles[s] for s in ids], cells)
    rows = []
    for a in assignments:
        cls = {"passed": "good", "waived": "good", "overdue": "bad", "failed": "bad",
               "retraining-due": "bad"}.get(a["status"], "")
        passed = f"{esc(local_day(a['passed_at'][:10]))} (v{a['passed_version']})" if a.get("passed_at") else ""
        left = "" if a.get("attempts_left") is None else a["attempts_left"]
        rows.append(f"<tr><td>{esc(a['trainee'])}</td><td>{esc(a['title'])}</td><td>{esc(local_day(a['due']))}</td>"
                    f"<td class='{cls}'>{esc(shown(a['status']))}</td><td>{esc(shown(a['mode']))}</td>"
                    f"<td class='n'>{left}</td><td>{passed}</td></tr>")
    return (f"<section><h2 id='programme'>{esc(_('Programme: completion grid'))}</h2>" + chart
            + legend([(fill, mark, _(meaning)) for fill, mark, meaning in STATUS_STYLE.values()])
            + table_head((_("Trainee"), ""), (_("Scenario"), " style='width:28%'"), (_("Due"), ""), (_("Status"), ""),
                         (_("Mode"), ""), (_("Attempts left"), " class='n'"), (_("Passed"), ""))
            + "".join(rows) + "</table></section>")


def table_head(*columns: tuple[str, str]) -> str:
    """<table> and its heading row: (heading, attributes of its <th>)."""
    return "<table><tr>" + "".join(f"<th{attrs}>{esc(text)}</th>" for text, attrs in columns) + "</tr>"


def pass_rate_section(scenarios: list[dict]) -> str:
    items = [(_scenario_label(s), s["pass_rate"],
              ngettext("{rate} of {completed} completed", "{rate} of {completed} completed", s["completed"]).format(
                  rate=pct(s["pass_rate"]), completed=s["completed"]),
              _("{scenario}: {passed} passed of {completed} completed ({started} started), average {average}").format(
                  scenario=_scenario_label(s), passed=s["passed"], completed=s["completed"], started=s["attempts"],
                  average=pct(s["average"]))) for s in scenarios]
    return (f"<section><h2 id='pass-rates'>{esc(_('Pass rate per scenario'))}</h2>"
            + svg.bars("pass", _("Pass rate per scenario"), _("Share of completed attempts that passed, per scenario "
                                                               "and mode"), items) + "</section>")


def skills_section(trainees: list[dict]) -> str:
    rows = [t for t in trainees if t["skills"]]
    skills = sorted({k for t in rows for k in t["skills"]})
    cells = {}
    for i, t in enumerate(rows):
        for j, skill in enumerate(skills):
            s = t["skills"].get(skill)
            if s is None:
                continue
            if not s.get("assessed", True):  # no choice on these attempts' paths could move it
                cells[(i, j)] = (svg.percent_fill(None), "—",
                                 _("{who} · {skill}: not assessed on these attempts' paths").format(
                                     who=_who(t), skill=shown(skill)))
                continue
            mark = f" {trend(s['trend'])}" if s["trend"] is not None else ""
            tip = _("{who} · {skill}: average {average}").format(who=_who(t), skill=shown(skill),
                                                                  average=pct(s["average"])) + (
                ", " + _("trend {trend} points (latest three attempts against the three before)").format(
                    trend=trend(s["trend"])) if mark else "")
            cells[(i, j)] = (svg.percent_fill(s["average"]), f"{pct(s['average'], '')}{mark}", tip)
    chart = svg.heatmap("skills", _("Trainee by skill"), _("Average percent per skill for each trainee and mode; "
                                                           "darker is higher"), [_who(t) for t in rows],
                        [shown(k) for k in skills], cells)
    key = legend([(svg.percent_fill(v), "", f"{v}%") for v in (0, 25, 50, 75, 100)]
                 + ([(svg.percent_fill(None), "—", _("not assessed on these attempts' paths"))]
                    if any(not s.get("assessed", True) for t in rows for s in t["skills"].values()) else []))
    return f"<section><h2 id='skills'>{esc(_('Skills: trainee × skill'))}</h2>{chart}{key}</section>"


def timeline_section(report: dict) -> str:
    points = report.get("timeline") or []
    trainee = report["filters"].get("trainee")
    modes = [m for m in ("assessment", "practice") if any(p["mode"] == m for p in points)]
    mode = report["filters"].get("mode") or (modes[0] if modes else "assessment")
    series: list[tuple[str, list]] = []

    def day_means(name: str, chosen: list[dict]) -> None:
        by_day: dict[date, list[float]] = {}
        for p in chosen:
            by_day.setdefault(date.fromisoformat(local_time_iso(p["finished_at"])), []).append(p["score"] or 0.0)
        if by_day:
            series.append((name, [(d, sum(v) / len(v), f"{name}, {local_day(d)}: {sum(v) / len(v):.0f}% ("
                                   + ngettext("{count} attempt", "{count} attempts", len(v)).format(count=len(v)) + ")")
                                  for d, v in sorted(by_day.items())]))

    if trainee:
        for kind in modes:
            day_means(f"{points[0]['trainee']} · {shown(kind)}", [p for p in points if p["mode"] == kind])
        caption = _("Each point is the day's average score; practice and assessment are separate lines.")
    else:
        chosen = [p for p in points if p["mode"] == mode]
        groups = report.get("groups") or {}
        if groups:
            for name, members in list(groups.items())[:7]:
                day_means(f"{name}", [p for p in chosen if p["trainee"] in members])
            day_means(_("Everyone"), chosen)
            caption = (_("Assessment attempts only: each point is a group's average score that day.")
                       if mode == "assessment" else
                       _("Practice attempts only: each point is a group's average score that day."))
        else:
            people = sorted({p["trainee"] for p in chosen}, key=lambda n: -sum(p["trainee"] == n for p in chosen))
            for name in people[:8]:
                day_means(name, [p for p in chosen if p["trainee"] == name])
            caption = (_("Assessment attempts only: each point is a trainee's average score that day.")
                       if mode == "assessment" else
                       _("Practice attempts only: each point is a trainee's average score that day."))
    chart = svg.lines("scores", _("Scores over dates"), caption, series, short_day)
    return (f"<section><h2 id='scores'>{esc(_('Scores over dates'))}</h2><p class='muted'>{esc(caption)}</p>"
            f"{chart}</section>")


def local_time_iso(stamp: str) -> str:
    """The reader's local calendar day of a timestamp, as YYYY-MM-DD."""
    try:
        return datetime.fromisoformat(stamp).astimezone().date().isoformat()
    except ValueError:
        return stamp[:10]


def _choice_label(item: dict, chars: int = 70) -> str:
    return f"{item['node']}: {svg.clip(item['text'] or item['choice_id'], chars)}"


def trip_up_section(scenarios: list[dict]) -> str:
    parts = [f"<section><h2 id='trip-ups'>{esc(_('Choices that trip people up'))}</h2><p class='muted'>"
             + esc(_("Point-losing and critical choices (the {count} most common per scenario) in conversation order. "
                     "The bar is the share of trainees who reached that step and picked it; a trainee who repeats a "
                     "choice in several attempts counts once.").format(count=TRIP_UPS_SHOWN)) + "</p>"]
    any_shown = False
    for k, s in enumerate(scenarios):
        trips = s.get("trip_ups") or []
        worst = sorted(trips, key=lambda t: (-t["trainees"] / max(1, t["reached"]), -t["trainees"], -t["critical"]))
        keep = {id(t) for t in worst[:TRIP_UPS_SHOWN]}
        trips = [t for t in trips if id(t) in keep]
        if not trips:
            continue
        any_shown = True
        items = [(_choice_label(t, 80), 100.0 * t["trainees"] / max(1, t["reached"]),
                  ngettext("{count} of {reached} trainee", "{count} of {reached} trainees", t["reached"]).format(
                      count=t["trainees"], reached=t["reached"]) + (" · " + _("critical") if t["critical"] else ""),
                  _("{choice} — picked by {count} of {reached} trainees who reached {node} ({picks} picks), average "
                    "{points} points").format(choice=_choice_label(t, 400), count=t["trainees"], reached=t["reached"],
                                              node=t["node"], picks=t["picks"], points=f"{t['average_points']:+.2f}")
                  + (", " + _("a critical error") if t["critical"] else "")) for t in trips]
        parts.append(f"<h3>{esc(_scenario_label(s))}</h3>"
                     + svg.bars(f"trip{k}", _("Choices that trip people up: {scenario}").format(scenario=_scenario_label(s)),
                                _("Share of trainees picking each point-losing choice, in conversation order"), items,
                                label_w=560))
    if not any_shown:
        parts.append(f"<p>{esc(_('No point-losing choice has been picked yet.'))}</p>")
    return "".join(parts) + "</section>"


def trainees_section(trainees: list[dict]) -> str:
    from trainer.reports.formats import accommodations_text

    out = [f"<section><h2 id='trainees'>{esc(_('Trainees'))}</h2>"
           + table_head((_("Trainee"), " style='width:24%'"), (_("Mode"), ""), (_("Attempts"), " class='n'"),
                        (_("Completed"), " class='n'"), (_("Pass rate"), " class='n'"), (_("Average"), " class='n'"),
                        (_("Last activity"), " style='width:18%'"), (_("Accommodation"), ""))]
    for t in trainees:
        out.append(f"<tr><td>{esc(t['name'])}</td><td>{esc(shown(t.get('mode')))}</td><td class='n'>{t['attempts']}</td>"
                   f"<td class='n'>{t['completed']}</td><td class='n'>{pct(t['pass_rate'])}</td>"
                   f"<td class='n'>{pct(t['average'])}</td><td>{esc(local_time(t['last_activity']))}</td>"
                   f"<td>{esc(accommodations_text(t.get('accommodations') or ()))}</td></tr>")
    if not trainees:
        out.append(f"<tr><td colspan='8'>{esc(_('No attempts recorded yet.'))}</td></tr>")
    return "".join(out) + "</table></section>"


def items_section(scenarios: list[dict]) -> str:
    from trainer.reports.formats import forms_text, languages_text

    out = [f"<section><h2 id='items'>{esc(_('Item analysis'))}</h2><p class='muted'>"
           + esc(_("Every choice picked, step by step in conversation order; share is of all picks at that step."))
           + "</p>"]
    for s in scenarios:
        figures = ngettext("{count} attempt · pass rate {rate} · average {average}",
                           "{count} attempts · pass rate {rate} · average {average}", s["attempts"]).format(
            count=s["attempts"], rate=pct(s["pass_rate"]), average=pct(s["average"]))
        out.append(f"<h3>{esc(_scenario_label(s))} <span class='muted'>({esc(s['id'])}, {esc(shown(s['category']))})"
                   f"</span></h3><p>{esc(figures + languages_text(s.get('languages')) + forms_text(s.get('forms')))}</p>")
        if not s["items"]:
            continue
        out.append(table_head((_("Choice"), " style='width:60%'"), (_("Picked"), " class='n'"), (_("Share"), " class='n'"),
                              (_("Avg points"), " class='n'")))
        node = None
        for item in s["items"]:
            if (item.get("form"), item["node"]) != node:
                node = item.get("form"), item["node"]
                step = _("Step: {node}").format(node=item["node"]) if item.get("form", s["id"]) == s["id"] else \
                    _("Form {form}, step: {node}").format(form=item["form"], node=item["node"])
                out.append(f"<tr class='node'><td colspan='4'>{esc(step)}</td></tr>")
            cls = "bad" if item["average_points"] < 0 or item["critical"] else "good" if item["average_points"] > 0 else ""
            crit = f" <strong class='bad'>{esc(_('critical'))}</strong>" if item["critical"] else ""
            text = esc(printable(item["text"] or item["choice_id"], layout=False))
            out.append(f"<tr><td>{text}{crit}</td><td class='n'>{item['picks']}</td><td class='n'>{item['share']:.0f}%"
                       f"</td><td class='n {cls}'>{item['average_points']:+.2f}</td></tr>")
        out.append("</table>")
    return "".join(out) + "</section>"


def report_html(report: dict) -> str:
    filters = {k: v for k, v in report["filters"].items() if v}
    title = esc(_("Training progress report"))
    head = [f"<!DOCTYPE html><html lang='{esc(current_language())}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{title}</title>", f"<style>{CSS}</style></head><body>", f"<h1>{title}</h1>",
            "<p class='muted'>" + esc(_("Generated {when}").format(when=local_time(report["generated_at"])))]
    if filters:
        named = ", ".join(f"{_(FILTER_NAMES.get(k, k))} = {shown(v) if k == 'mode' else v}" for k, v in filters.items())
        head.append(" · " + esc(_("filters: {filters}").format(filters=named)))
    head.append("</p><p class='note'>" + esc(_(
        "Practice and assessment are reported separately and never averaged together. Trend marks next to a skill: "
        "▲ up, ▼ down or = level, by that many points — the average of a trainee's latest three completed attempts "
        "minus the three before them (shown once there are two). Hover a chart cell, bar or point for the exact "
        "figures.")) + "</p>")
    body = []
    if report.get("assignments"):
        body.append(completion_section(report["assignments"]))
    if report["scenarios"]:
        body.append(pass_rate_section(report["scenarios"]))
    if any(t["skills"] for t in report["trainees"]):
        body.append(skills_section(report["trainees"]))
    if report.get("timeline"):
        body.append(timeline_section(report))
    if report["scenarios"]:
        body.append(trip_up_section(report["scenarios"]))
    body.append(trainees_section(report["trainees"]))
    body.append(items_section(report["scenarios"]))
    return "\n".join(head + body + ["</body></html>"])
