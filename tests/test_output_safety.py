"""No raw control character from a name or a scenario reaches a reader; CSV cells never run as formulas;
`-o` writes owner-only files and never follows a symlink."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from tests.conftest import FIXTURES
from tests.recorded import recorded_store
from trainer.cli import cli
from trainer.sanitize import csv_cell, dumps, printable

# What must never appear raw: C0 (but newline and tab), DEL, C1, bidi embeddings/overrides/isolates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "Dana\x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eevil\u2066\x9b31m\x7f\r\nX"
HOSTILE_TEXT = "I agree\x1b]52;c;cm0gLXJmIH4=\x1b\\ \x1b[31mred"


def osc52_scenario(folder):
    """The minimal fixture with escape sequences everywhere a scenario author can write text."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("title: Minimal", 'title: "Minimal\\e[2J\\u202eevil"'),
        ("character: {name: Ana Ruiz}", 'character: {name: "Ana\\e[8m Ruiz", role: "Patient\\x9b"}'),
        ("says: Hello, I need to move my appointment.", 'says: "Hello\\e]52;c;cm0gLXJmIH4=\\aworld\\e[31m red"'),
        ('text: "Of course, let me help."', 'text: "Of course\\e[5m, let me help.\\x7f"'),
        ("feedback: Good.", 'feedback: "Good\\u2066 job\\e[0m."'),
        ("says: OK...", 'says: "OK\\x1b]52;c;ZXZpbA==\\x1b\\\\"'),
        ("critical: Shared another patient's appointment.", 'critical: "Shared\\e[1m another patient."'),
    ]:
        assert old in text
        text = text.replace(old, new)
    (folder / "osc52.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def hostile_db(tmp_path):
    """Recorded data, then hostile text written straight into the rows, as an old database could hold it."""
    store = recorded_store(tmp_path)
    with store.write():
        store._db.execute("UPDATE trainees SET name = ? WHERE name = 'Dana Whitfield'", [HOSTILE])
        store._db.execute("UPDATE attempts SET scenario_title = ?", ["Spouse\x1b[8m call"])
        store._db.execute("UPDATE choices SET text = ?", [HOSTILE_TEXT])
        store._db.execute("UPDATE item_totals SET text = ?", [HOSTILE_TEXT])
        store._db.execute("UPDATE scenario_totals SET title = ?", ["Spouse\x1b[8m call"])
    store.close()
    return tmp_path / "progress.db"


def _out(runner, db, *args) -> str:
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert not RAW_CONTROL.findall(text), RAW_CONTROL.findall(text)
    return text


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_every_report_format_is_free_of_raw_control_characters(runner, hostile_db, fmt):
    text = _out(runner, hostile_db, "report", "--format", fmt)
    if fmt == "json":  # escaped, not altered: the data reads back exactly
        assert HOSTILE in [t["name"] for t in json.loads(text)["trainees"]]
    else:  # shown as visible escapes
        assert "Dana\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\u202eevil" in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xapi"])
def test_every_export_format_is_free_of_raw_control_characters(runner, hostile_db, fmt):
    text = _out(runner, hostile_db, "export", "--format", fmt)
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
        assert HOSTILE in {r["trainee"] for r in records}
        assert any(step["text"] == HOSTILE_TEXT for r in records for step in r["transcript"])
    elif fmt == "xapi":  # actors carry no names by default: the hostile scenario title stands in
        assert "Spouse\x1b[8m call" in {s["object"]["definition"]["name"]["en-US"] for s in json.loads(text)
                                          if s["verb"]["display"]["en-US"] == "completed"}
    else:
        assert "\\x1b]52" in text


def test_report_to_a_file_is_free_of_raw_control_bytes(runner, hostile_db, tmp_path):
    target = tmp_path / "out" / "report.html"
    runner.invoke(cli, ["--db", str(hostile_db), "report", "--format", "html", "-o", str(target)])
    data = target.read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data)
    assert not RAW_CONTROL.search(data.decode("utf-8"))


def test_printable_escapes_visibly_and_keeps_layout_only_when_asked():
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("one\n\ttwo") == "one\n\ttwo"
    assert printable("one\ntwo\r", layout=False) == "one\\ntwo\\r"
    assert printable("\u202egnp.exe\x9b\x7f") == "\\u202egnp.exe\\x9b\\x7f"
    assert printable("Zoë Łukasz 山田") == "Zoë Łukasz 山田"


def test_json_keeps_readable_unicode_and_escapes_what_json_leaves_raw():
    text = dumps({"name": "Zoë\x7f\x85\u202e\u2069\x1b"})
    assert "Zoë" in text and not RAW_CONTROL.search(text)
    assert json.loads(text) == {"name": "Zoë\x7f\x85\u202e\u2069\x1b"}


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_could_run_as_formulas_are_neutralised(value):
    cell = csv_cell(value)
    assert cell.startswith("'") and not RAW_CONTROL.search(cell)


def test_csv_numbers_stay_numbers():
    assert [csv_cell(v) for v in (-12.5, -3, 0, True, None)] == [-12.5, -3, 0, True, None]
    assert csv_cell("Dana Whitfield") == "Dana Whitfield"


@pytest.mark.parametrize("command", [["report", "--format", "csv"], ["export", "--format", "csv"]])
def test_formula_names_are_neutralised_in_report_and_export_csv(runner, tmp_path, command):
    store = recorded_store(tmp_path)
    with store.write():
        store._db.execute("UPDATE trainees SET name = ? WHERE name = 'Dana Whitfield'", ["=cmd|' /C calc'!A0"])
        store._db.execute("UPDATE trainees SET name = ? WHERE name = 'Luis Ortega'", ["-1+1"])
    store.close()
    text = _out(runner, tmp_path / "progress.db", *command)
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {r["trainee"] for r in rows}
    assert names == {"'=cmd|' /C calc'!A0", "'-1+1"}
    # a negative number is a number, not a formula
    numbers = [v for r in rows for k, v in r.items() if k.endswith("_trend") and v]
    assert all(not v.startswith("'") for v in numbers)
    if command[0] == "report":
        assert any(v.startswith("-") for v in numbers), numbers


def test_output_onto_a_symlink_is_refused_and_its_target_untouched(runner, tmp_path):
    recorded_store(tmp_path).close()
    secret = tmp_path / "authorized_keys"
    secret.write_text("ssh-ed25519 AAAA keep me\n")
    link = tmp_path / "out" / "out.csv"
    link.symlink_to(secret)
    result = runner.invoke(cli, ["--db", str(tmp_path / "progress.db"), "export", "--format", "csv", "-o", str(link)])
    assert result.exit_code == 1
    assert "symbolic link" in result.output and len(result.output.strip().splitlines()) == 1
    assert secret.read_text() == "ssh-ed25519 AAAA keep me\n" and link.is_symlink()
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".out")) == []


def test_output_files_are_owner_only_and_replace_the_target_whole(runner, tmp_path):
    recorded_store(tmp_path).close()
    fresh, existing = tmp_path / "out" / "fresh.csv", tmp_path / "out" / "existing.csv"
    existing.write_text("old\n")
    os.chmod(existing, 0o644)
    for target in (fresh, existing):
        result = runner.invoke(cli, ["--db", str(tmp_path / "progress.db"), "export", "--format", "csv",
                                     "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_text().startswith("attempt_id,")
        assert os.stat(target).st_mode & 0o777 == 0o600
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_output_onto_something_not_a_regular_file_is_refused_with_one_line(runner, tmp_path):
    """(The old writer renamed its temporary file over whatever was there: run as root, `-o /dev/null`
    replaced the device with a plain file. Tested on a FIFO of our own.)"""
    fifo = tmp_path / "out" / "pipe"
    os.mkfifo(fifo)
    result = runner.invoke(cli, ["schema", "-o", str(fifo)])
    assert result.exit_code == 1 and "not a regular file" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert os.path.exists(fifo) and not os.path.isfile(fifo)


def test_new_never_writes_through_a_dangling_symlink(runner, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "billing-dispute.yaml").symlink_to(elsewhere)
    result = runner.invoke(cli, ["new", "billing-dispute", "--category", "billing", "--dir", str(folder)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert not elsewhere.exists()


@pytest.mark.parametrize("command", [["simulate", "--choose", "2,2"], ["simulate", "--choose", "1", "--format", "json"],
                                     ["analyze"], ["analyze", "--format", "json"], ["graph"], ["graph", "--format", "dot"],
                                     ["validate"], ["list"]])
def test_a_scenario_with_osc52_never_reaches_the_terminal_raw(runner, tmp_path, command):
    osc52_scenario(tmp_path)
    path = tmp_path / "osc52.yaml"
    broken = tmp_path / "broken.yaml"  # a diagnostic quotes the bad value
    broken.write_text(path.read_text(encoding="utf-8").replace("next: meh", 'next: "m\\e]52;c;eA==\\a"'),
                      encoding="utf-8")
    if command[0] == "list":
        args = ["--scenarios", str(tmp_path), "list"]
    elif command[0] == "validate":
        args = ["validate", str(tmp_path)]
    else:
        args = [command[0], str(path), *command[1:]]
    result = runner.invoke(cli, args)
    text = result.stdout_bytes.decode("utf-8") + result.stderr_bytes.decode("utf-8")
    assert "Traceback" not in text and not RAW_CONTROL.findall(text), RAW_CONTROL.findall(text)
    if command[0] in ("simulate", "validate", "list"):  # these quote the hostile text: escaped, not dropped
        assert "\\x1b" in text or "\\u001b" in text
    if command[-1] == "json" and command[0] == "simulate":  # the exact text, escaped only in transit
        assert json.loads(result.stdout)["transcript"][0]["text"] == "Of course\x1b[5m, let me help.\x7f"
