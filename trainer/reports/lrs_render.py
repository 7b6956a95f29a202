"""The every-site report (trainer.reports.lrs) as text, CSV and HTML, each site in its own section with
the same figures, words and columns as that site's own report. Site IRIs, titles and names come from an
LRS anyone with write access could fill: every renderer passes them through trainer.sanitize."""

from __future__ import annotations

import csv
import io

from trainer.i18n import _, ngettext
from trainer.reports.formats import shown
from trainer.sanitize import csv_row, line


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


def lrs_text(report: dict) -> str:
    out = [_("Every site's report from {source}").format(source=line(report["source"]))]
    if not report["sites"]:
        out.append("  " + _("no statements from a trainer site"))
    for site in report["sites"]:
        out += ["", _("Site {iri}").format(iri=line(site["site"])),
                "  " + _("Trainees ({count})").format(count=len(site["trainees"]))]
        for t in site["trainees"]:
            figures = ngettext("{count} attempt, {completed} completed, pass rate {rate}, average {average}",
                               "{count} attempts, {completed} completed, pass rate {rate}, average {average}",
                               t["attempts"]).format(count=t["attempts"], completed=t["completed"],
                                                     rate=_fmt(t["pass_rate"]), average=_fmt(t["average"]))
            out.append(f"    {line(t['name'])} · {shown(t['mode'])}: {figures}")
            for skill, s in t["skills"].items():
                out.append(f"        {line(shown(skill)):<14} {_fmt(s['average']):>5}")
        out.append("  " + _("Scenarios ({count})").format(count=len(site["scenarios"])))
        for s in site["scenarios"]:
            figures = ngettext("{count} attempt, pass rate {rate}, average {average}",
                               "{count} attempts, pass rate {rate}, average {average}", s["attempts"]).format(
                count=s["attempts"], rate=_fmt(s["pass_rate"]), average=_fmt(s["average"]))
            out.append(f"    {line(s['id'])} ({line(s['title'])}) · {shown(s['mode'])}: {figures}")
    return "\n".join(out)


CSV_HEADER = ("site", "kind", "id", "name", "mode", "attempts", "completed", "passed", "pass_rate", "average")


def lrs_csv(report: dict) -> str:
    """One table: a row per site x trainee x mode (kind `trainee`, id the pseudonymous account) and per
    site x scenario x mode (kind `scenario`), then each skill's average as a column."""
    skills = sorted({k for site in report["sites"] for t in site["trainees"] for k in t["skills"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_HEADER, *[f"{line(s)}_average" for s in skills]])
    for site in report["sites"]:
        for t in site["trainees"]:
            writer.writerow(csv_row([site["site"], "trainee", t["account"], t["name"], t["mode"], t["attempts"],
                                     t["completed"], t["passed"], t["pass_rate"], t["average"],
                                     *[t["skills"].get(s, {}).get("average") for s in skills]]))
        for s in site["scenarios"]:
            writer.writerow(csv_row([site["site"], "scenario", s["id"], s["title"], s["mode"], s["attempts"],
                                     s["completed"], s["passed"], s["pass_rate"], s["average"], *[None] * len(skills)]))
    return buffer.getvalue()


def lrs_html(report: dict) -> str:
    from trainer.i18n import current_language
    from trainer.reports.html import CSS, local_time, pct, table_head, trainees_section
    from trainer.reports.svg import esc

    title = esc(_("Every site's training report"))
    out = [f"<!DOCTYPE html><html lang='{esc(current_language())}'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>{title}</title>", f"<style>{CSS}</style></head><body>", f"<h1>{title}</h1>",
           "<p class='muted'>" + esc(_("Generated {when} from the statements in {source}").format(
               when=local_time(report["generated_at"]), source=line(report["source"]))) + "</p>",
           "<p class='note'>" + esc(_("Each site's figures are those of its own report. People are named as their "
                                      "site sends them: a pseudonymous account unless the site sends names.")) + "</p>"]
    if not report["sites"]:
        out.append("<p>" + esc(_("no statements from a trainer site")) + "</p>")
    for site in report["sites"]:
        out.append(f"<section><h2>{esc(_('Site {iri}').format(iri=line(site['site'])))}</h2>")
        out.append(trainees_section(site["trainees"]).replace("<h2 id='trainees'>", "<h3>").replace("</h2>", "</h3>", 1))
        out.append(f"<h3>{esc(_('Scenarios'))}</h3>" + table_head(
            (_("Scenario"), " style='width:40%'"), (_("Mode"), ""), (_("Attempts"), " class='n'"),
            (_("Completed"), " class='n'"), (_("Pass rate"), " class='n'"), (_("Average"), " class='n'")))
        for s in site["scenarios"]:
            out.append(f"<tr><td>{esc(line(s['title']))} <span class='muted'>({esc(line(s['id']))})</span></td>"
                       f"<td>{esc(shown(s['mode']))}</td><td class='n'>{s['attempts']}</td><td class='n'>{s['completed']}"
                       f"</td><td class='n'>{pct(s['pass_rate'])}</td><td class='n'>{pct(s['average'])}</td></tr>")
        out.append("</table></section>")
    return "\n".join(out + ["</body></html>"])
