"""One trainee's training record, the document an auditor asks for: every completed assignment with its
date, scenario title, version and content hash, mode, score, result and sign-off, then what is still
outstanding. Rendered as a self-contained HTML page with print styles, or as a PDF (fpdf2) that embeds
DejaVu Sans when the system has it (any script prints) and falls back to a core font otherwise."""

from __future__ import annotations

import html
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Mapping


from trainer.i18n import N_, _, current_language
from trainer.progress import accounts
from trainer.progress import report_queries as queries
from trainer.progress.programme import trainee_programme
from trainer.progress.store import Store, Trainee
from trainer.reports.formats import attempts_left, shown
from trainer.sanitize import line

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"))
TITLE = N_("Training record")


def record_data(store: Store, trainee: Trainee, catalogue: Mapping, today: date) -> dict:
    """What the record shows, built from the assignments and the attempts that completed them."""
    site = accounts.site(store)
    account = accounts.find(store, trainee.name) if site else None
    programme = trainee_programme(store, trainee, catalogue, today)
    completed, outstanding = [], []
    for row in programme:
        for attempt in row["completions"]:
            completed.append({
                "date": attempt.finished_at, "scenario": row["scenario"],
                "title": attempt.scenario_title or row["title"], "version": attempt.scenario_version,
                "content_hash": attempt.content_hash, "mode": attempt.mode, "score": attempt.overall,
                "passed": bool(attempt.passed), "signed_off_by": attempt.signed_off_by,
                "signed_off_at": attempt.signed_off_at, "assignment": row["via"],
                "language": attempt.language or "en",
            })
        if row["status"] not in ("passed", "waived"):
            outstanding.append({k: row[k] for k in ("scenario", "title", "due", "status", "mode", "attempts_left",
                                                    "current_version")})
        if row["status"] == "waived":
            outstanding.append({"scenario": row["scenario"], "title": row["title"], "due": row["due"],
                                "status": "waived", "waived_by": row["waived_by"], "mode": row["mode"],
                                "attempts_left": None, "current_version": row["current_version"]})
    completed.sort(key=lambda c: c["date"])
    return {"trainee": trainee.name, "site": site.iri if site else None,
            "groups": list(account.groups) if account else [], "today": today.isoformat(),
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "completed": completed, "outstanding": outstanding, "reviewed": reviewed(store, trainee)}


def reviewed(store: Store, trainee: Trainee) -> list[dict]:
    """Every attempt a supervisor signed off or wrote a note on, assigned or not, with its notes: what a
    supervisor vouched for belongs on the record whether or not it completed an assignment."""
    out = []
    for r in queries.reviewed_attempts(store, trainee.id):
        out.append({"date": r.date, "scenario": r.scenario_id, "title": r.title or r.scenario_id, "mode": r.mode,
                    "status": r.status, "score": r.overall, "passed": bool(r.passed), "signed_off_by": r.signed_off_by,
                    "signed_off_at": r.signed_off_at, "language": r.language or "en",
                    "notes": [{"at": n.created_at, "author": n.author, "text": n.text}
                              for n in store.notes(r.id)]})
    return out


def _review_result(r: dict) -> str:
    return _result(r) if r["status"] == "completed" else shown(r["status"])


def _notes_text(r: dict) -> str:
    return " · ".join(f"{_day(n['at'])} {n['author']}: {' '.join(n['text'].split())}" for n in r["notes"])


def _played(c: dict) -> str:
    """The scenario's id, and the language it was played in when that was not English (a translation)."""
    return c["scenario"] if c.get("language", "en") == "en" else f"{c['scenario']}, {c['language']}"


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    from trainer.i18n import day_text

    return day_text(iso)  # the app's one date format for the language


def _signed(c: dict) -> str:
    return f"{c['signed_off_by']}, {_day(c['signed_off_at'])}" if c["signed_off_by"] else _("not signed off")


def _score(c: dict) -> str:
    return "" if c["score"] is None else f"{c['score']:.0f}%"


def _standing(o: dict) -> str:
    if o["status"] == "waived":
        return _("retraining waived by {name}").format(name=o.get("waived_by") or "")
    left = o["attempts_left"]
    if left is None or o["status"] in ("not-started", "retraining-due"):
        return shown(o["status"])
    return f"{shown(o['status'])}, {attempts_left(left)}"


def _header(data: dict) -> list[str]:
    parts = [_("Trainee: {name}").format(name=data["trainee"])]
    if data["groups"]:
        parts.append(_("Groups: {names}").format(names=", ".join(data["groups"])))
    if data["site"]:
        parts.append(_("Site: {iri}").format(iri=data["site"]))
    parts.append(_("Printed: {date}").format(date=_day(data["generated_at"])))
    return parts


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2430}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:1.8rem;border-bottom:2px solid #d0d7e2}
.meta{color:#475467;margin:.1rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.3rem .45rem;text-align:left;border-bottom:1px solid #e3e8ef;vertical-align:top}
th{background:#f3f6fa}td.n{text-align:right}.hash{font-family:monospace;font-size:.8rem;color:#475467}
.pass{color:#05603a}.fail{color:#b42318}
@media print{body{margin:0;max-width:none;font-size:10pt}th{background:none;border-bottom:1.5px solid #000}
tr{page-break-inside:avoid}h2{page-break-after:avoid}@page{margin:15mm}}
"""


def record_html(data: dict) -> str:
    """A page that needs nothing else (no script, no link, no image) and prints cleanly."""
    def e(value) -> str:
        return html.escape(line(value))

    title = e(_(TITLE))
    out = [f"<!DOCTYPE html><html lang='{e(current_language())}'><head><meta charset='utf-8'>",
           f"<title>{title} · {e(data['trainee'])}</title><style>{_CSS}</style></head><body>",
           f"<h1>{title}</h1>", *[f"<p class='meta'>{e(p)}</p>" for p in _header(data)],
           f"<h2>{e(_('Completed'))}</h2>"]
    if data["completed"]:
        out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in _completed_headings()) + "</tr>")
        for c in data["completed"]:
            out.append(f"<tr><td>{e(_day(c['date']))}</td><td>{e(c['title'])}<br><span class='hash'>{e(_played(c))}"
                       f"</span></td><td class='n'>{c['version']}</td><td class='hash'>{e(c['content_hash'])}</td>"
                       f"<td>{e(shown(c['mode']))}</td><td class='n'>{_score(c)}</td>"
                       f"<td class='{'pass' if c['passed'] else 'fail'}'>{e(_result(c))}</td>"
                       f"<td>{e(_signed(c))}</td></tr>")
        out.append("</table>")
    else:
        out.append(f"<p>{e(_('No assignment completed yet.'))}</p>")
    if data["outstanding"]:
        out.append(f"<h2>{e(_('Outstanding'))}</h2><table><tr>"
                   + "".join(f"<th>{e(h)}</th>" for h in _outstanding_headings()) + "</tr>")
        for o in data["outstanding"]:
            out.append(f"<tr><td>{e(o['title'])}</td><td>{e(o['due'])}</td><td>{e(_standing(o))}</td>"
                       f"<td>{e(shown(o['mode']))}</td></tr>")
        out.append("</table>")
    if data.get("reviewed"):
        out.append(f"<h2>{e(_('Reviewed by a supervisor'))}</h2><table><tr>"
                   + "".join(f"<th>{e(h)}</th>" for h in _reviewed_headings()) + "</tr>")
        for r in data["reviewed"]:
            notes = "<br>".join(f"{e(_day(n['at']))} {e(n['author'])}: {e(' '.join(n['text'].split()))}"
                                for n in r["notes"])
            out.append(f"<tr><td>{e(_day(r['date']))}</td><td>{e(r['title'])}<br><span class='hash'>{e(_played(r))}"
                       f"</span></td><td>{e(shown(r['mode']))}</td><td class='n'>{_score(r)}</td>"
                       f"<td class='{'pass' if r['passed'] else 'fail'}'>{e(_review_result(r))}</td>"
                       f"<td>{e(_signed(r))}</td><td>{notes}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _result(c: dict) -> str:
    return _("pass") if c["passed"] else _("not passed")


def _completed_headings() -> list[str]:
    return [_("Date"), _("Scenario"), _("Version"), _("Content hash"), _("Mode"), _("Score"), _("Result"),
            _("Signed off")]


def _reviewed_headings() -> list[str]:
    return [_("Date"), _("Scenario"), _("Mode"), _("Score"), _("Result"), _("Signed off"), _("Notes")]


def _outstanding_headings() -> list[str]:
    return [_("Scenario"), _("Due"), _("Status"), _("Mode")]


def unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) if installed: fpdf2's core fonts only cover Latin-1."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def record_pdf(data: dict, font: tuple[Path, Path] | None | bool = True) -> bytes:
    """The record as PDF bytes (A4, landscape). `font=None` forces the core-font fallback, in which
    characters outside Latin-1 print as '?'."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    found = unicode_font() if font is True else font
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"{_(TITLE)} - {line(data['trainee'])}")
    pdf.set_creator("trainer")
    if found:
        pdf.add_font("DejaVu", "", str(found[0]))
        pdf.add_font("DejaVu", "B", str(found[1]))
        family = "DejaVu"

        def t(value) -> str:
            return line(value)
    else:
        family = "Helvetica"

        def t(value) -> str:
            return line(value).encode("latin-1", "replace").decode("latin-1")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, t(_(TITLE)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    for part in _header(data):
        pdf.cell(0, 6, t(part), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, t(_("Completed")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    head = FontFace(emphasis="BOLD", fill_color=(243, 246, 250))
    if data["completed"]:
        with pdf.table(col_widths=(24, 78, 17, 34, 24, 15, 22, 54), headings_style=head, line_height=5,
                       text_align="LEFT") as table:
            table.row([t(h) for h in _completed_headings()])
            for c in data["completed"]:
                table.row([t(_day(c["date"])), t(f"{c['title']} ({_played(c)})"), str(c["version"]),
                           t(c["content_hash"]), t(shown(c["mode"])), _score(c), t(_result(c)),
                           t(_signed(c))])
    else:
        pdf.cell(0, 6, t(_("No assignment completed yet.")), new_x="LMARGIN", new_y="NEXT")
    if data["outstanding"]:
        pdf.ln(4)
        pdf.set_font(family, "B", 12)
        pdf.cell(0, 8, t(_("Outstanding")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        with pdf.table(col_widths=(120, 30, 70, 30), headings_style=head, line_height=5, text_align="LEFT") as table:
            table.row([t(h) for h in _outstanding_headings()])
            for o in data["outstanding"]:
                table.row([t(f"{o['title']} ({o['scenario']})"), t(o["due"]), t(_standing(o)), t(shown(o["mode"]))])
    if data.get("reviewed"):
        pdf.ln(4)
        pdf.set_font(family, "B", 12)
        pdf.cell(0, 8, t(_("Reviewed by a supervisor")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        with pdf.table(col_widths=(24, 70, 24, 15, 24, 45, 68), headings_style=head, line_height=5,
                       text_align="LEFT") as table:
            table.row([t(h) for h in _reviewed_headings()])
            for r in data["reviewed"]:
                table.row([t(_day(r["date"])), t(f"{r['title']} ({_played(r)})"), t(shown(r["mode"])), _score(r),
                           t(_review_result(r)), t(_signed(r)), t(_notes_text(r))])
    return bytes(pdf.output())
