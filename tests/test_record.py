"""`trainer record NAME -o FILE.pdf|FILE.html`: one trainee's training record, checked in both formats.
The PDF's text is extracted here without a PDF library: its content streams are inflated with zlib and
the glyph codes mapped back through each font's ToUnicode CMap (poppler's pdftotext is not installed on
the test machines)."""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta

import pytest

from tests.site_helpers import ANA, BOSS, SAM, as_supervisor, make_site
from tests.test_programme import finish
from trainer.cli import cli
from trainer.play.recording import RecordedAttempt
from trainer.progress import audit
from trainer.progress.store import Store
from trainer.reports.record import record_pdf, unicode_font
from trainer.scenario.library import load_library

DUE = (date.today() + timedelta(days=30)).isoformat()


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object's dictionary and its stream (inflated), cut by the stream's /Length: compressed bytes
    may happen to contain "endobj"."""
    out = {}
    at = 0
    while (m := re.compile(rb"(\d+) 0 obj").search(pdf, at)) is not None:
        head_end = pdf.find(b"endobj", m.end())
        stream_at = pdf.find(b"stream", m.end())
        if stream_at != -1 and stream_at < head_end:
            head = pdf[m.end():stream_at]
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            start = stream_at + len(b"stream")
            start += 2 if pdf[start:start + 2] == b"\r\n" else 1
            data = pdf[start:start + length]
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            out[int(m.group(1))] = (head, data)
            at = pdf.find(b"endobj", start + length) + len(b"endobj")
        else:
            out[int(m.group(1))] = (pdf[m.end():head_end], None)
            at = head_end + len(b"endobj")
    return out


def _unescape(raw: bytes) -> bytes:
    named = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match) -> bytes:
        s = m.group(1)
        if s[:1].isdigit():
            return bytes([int(s, 8)])
        return named.get(s, s)
    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """Every string shown with Tj, decoded through its font's ToUnicode map, one per line."""
    objects = _objects(pdf)
    cmaps: dict[bytes, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            font_head = objects[int(ref)][0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if to_unicode:
                cmap = objects[int(to_unicode.group(1))][1].decode("ascii")
                table = {int(a, 16): chr(int(b, 16)) for a, b in re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>\n", cmap)}
                for lo, hi, start in re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", cmap):
                    for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        table[code] = chr(int(start, 16) + i)
                cmaps[name] = table
    shown, font = [], None
    for head, data in objects.values():
        if data is None or b"BT" not in data:
            continue
        for m in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
            if m.group(1):
                font = m.group(1)
                continue
            raw = _unescape(m.group(2))
            table = cmaps.get(font)
            if table is None:
                shown.append(raw.decode("latin-1"))
            else:
                shown.append("".join(table.get(int.from_bytes(raw[i:i + 2], "big"), "?") for i in range(0, len(raw), 2)))
    return "\n".join(shown)


@pytest.fixture
def site(runner, monkeypatch, tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db)
    as_supervisor(monkeypatch)
    for args in (("sets", "add", "Privacy essentials", "records-request", "spouse-wants-results"),
                 ("assign", "Privacy essentials", "--group", "Front desk", "--due", DUE, "--attempts", "2")):
        assert runner.invoke(cli, ["--db", str(db), *args]).exit_code == 0
    store = Store.open(db)
    library = load_library()
    finish(store, SAM, library.get("spouse-wants-results"), False)
    passing = finish(store, SAM, library.get("records-request"), True)
    audit.sign_off(store, passing, BOSS)
    return db


def test_the_pdf_record_lists_the_completed_assignment_and_what_is_outstanding(runner, site, tmp_path):
    out = tmp_path / "out" / "sam.pdf"
    result = runner.invoke(cli, ["--db", str(site), "record", "sam rivera", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-") and oct(out.stat().st_mode & 0o777) == "0o600"
    text = pdf_text(out.read_bytes())
    scenario = load_library().get("records-request")
    assert "Training record" in text and f"Trainee: {SAM}" in text and "Groups: Front desk" in text
    score = Store.open(site)._db.execute("SELECT overall FROM attempts WHERE passed = 1").fetchone()[0]
    assert scenario.content_hash in text and "assessment" in text and f"{score:.0f}%" in text and "pass" in text
    assert f"{BOSS}," in text  # signed off by, with the date
    assert "Outstanding" in text and "failed, no" not in text
    assert "failed, 1 attempt left" in text.replace("\n", " ")  # spouse-wants-results (2 allowed, 1 used)
    assert str(scenario.version) in text.split(scenario.content_hash)[0].splitlines()[-1]
    entry = audit.entries(Store.open(site), "record")[-1]
    assert (entry["actor"], entry["subject"]) == (BOSS, SAM)


def test_the_html_record_is_self_contained_and_printable(runner, site, tmp_path):
    out = tmp_path / "out" / "sam.html"
    assert runner.invoke(cli, ["--db", str(site), "record", SAM, "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    scenario = load_library().get("records-request")
    assert "@media print" in page and "<script" not in page and "<link" not in page and "src=" not in page
    assert scenario.content_hash in page and "not signed off" not in page.split("Outstanding")[0]
    assert "Morgan Lee" in page and "&quot;All my mother&#x27;s records, please&quot;" in page


def test_record_misuse_is_one_line(runner, site, tmp_path):
    wrong = runner.invoke(cli, ["--db", str(site), "record", SAM, "-o", str(tmp_path / "out" / "sam.docx")])
    assert wrong.exit_code == 2 and ".pdf or .html" in wrong.output
    nobody = runner.invoke(cli, ["--db", str(site), "record", "Sam Rivero", "-o", str(tmp_path / "out" / "x.pdf")])
    assert nobody.exit_code == 2 and "did you mean 'Sam Rivera'" in nobody.output
    empty = runner.invoke(cli, ["--db", str(site), "record", ANA, "-o", str(tmp_path / "out" / "ana.html")])
    assert empty.exit_code == 0 and "No assignment completed yet" in (tmp_path / "out" / "ana.html").read_text()


def test_without_a_unicode_font_the_pdf_falls_back_to_latin_1():
    data = {"trainee": "Zoë Ōta", "site": None, "groups": [], "today": "2026-11-30",
            "generated_at": "2026-11-30T06:00:00+00:00", "completed": [], "outstanding": []}
    assert "Trainee: Zoë ?ta" in pdf_text(record_pdf(data, font=None))
    if unicode_font():
        assert "Trainee: Zoë Ōta" in pdf_text(record_pdf(data))


def test_signed_off_attempts_and_their_notes_are_on_the_record(runner, site, tmp_path):
    """#22: a sign-off on an attempt outside any assignment (here a practice run, failed) and the notes on
    it were missing from the record; an auditor sees what a supervisor vouched for."""
    store = Store.open(site)
    practice = RecordedAttempt.start(store, store.find_trainee(SAM), load_library().get("waiting-room-delay"),
                                     "practice")
    while not practice.session.finished:
        practice.choose(min(practice.session.options(), key=lambda c: sum(c.points.values())).id)
    store.add_note(practice.attempt_id, BOSS, "Went through the\nHEARD steps together")
    audit.sign_off(store, practice.attempt_id, BOSS)
    store.close()
    page_file, pdf_file = tmp_path / "out" / "sam.html", tmp_path / "out" / "sam.pdf"
    for out in (page_file, pdf_file):
        assert runner.invoke(cli, ["--db", str(site), "record", SAM, "-o", str(out)]).exit_code == 0
    page = page_file.read_text(encoding="utf-8").split("Reviewed by a supervisor")[1]
    title = load_library().get("waiting-room-delay").title
    assert title in page.replace("&#x27;", "'") and "practice" in page and "not passed" in page
    assert f"{BOSS}: Went through the HEARD steps together" in page and f"{BOSS}," in page
    text = pdf_text(pdf_file.read_bytes()).replace("\n", " ")
    assert "Reviewed by a supervisor" in text and "HEARD steps together" in " ".join(text.split())
