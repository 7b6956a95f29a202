"""The training programme from the command line, as a supervisor runs it on a site: named sets,
assignments to a group (covering people who join later), the completion grid in `trainer report`,
retraining after a version bump and its waiver, all in the audit trail."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from tests.site_helpers import ANA, BOSS, SAM, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress import accounts, audit
from trainer.progress.programme import completion_grid, due_soon
from trainer.progress.store import Store
from trainer.scenario.library import load_library

PRIVACY = ("records-request", "spouse-wants-results")
DUE = (date.today() + timedelta(days=30)).isoformat()


def finish(store: Store, name: str, scenario, passed: bool) -> str:
    """An assessment played through the recording path: the best choice at every step for a pass, the
    lowest-scoring offered choice for a fail."""
    from trainer.play.recording import RecordedAttempt

    attempt = RecordedAttempt.start(store, store.find_trainee(name), scenario, "assessment")
    session = attempt.session
    while not session.finished:
        best = session.compiled.best_choice(session.state, session.flags, session.mood)
        if passed and best:
            attempt.choose(best)
        else:
            attempt.choose(min(session.options(), key=lambda c: sum(c.points.values())).id)
    assert bool(store.attempt(attempt.attempt_id).passed) is passed
    return attempt.attempt_id


@pytest.fixture
def site(runner, monkeypatch, tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db)
    as_supervisor(monkeypatch)
    return db


def run(runner, db, *args, code=0):
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == code, result.output
    return result.output


def test_sets_add_show_list_and_remove(runner, site):
    run(runner, site, "sets", "add", "Privacy essentials", *PRIVACY)
    run(runner, site, "sets", "add", "privacy ESSENTIALS", "records-request", "portal-password-reset")
    shown = run(runner, site, "sets", "show", "Privacy essentials")
    assert shown.splitlines()[1:] == ["  records-request  \"All my mother's records, please\"",
                                      "  spouse-wants-results  A husband on the line wants her biopsy results",
                                      "  portal-password-reset  Locked out of the portal, and Thursday won't work"]
    listed = json.loads(run(runner, site, "sets", "list", "--format", "json"))
    assert listed == [{"name": "Privacy essentials", "scenarios": [*PRIVACY, "portal-password-reset"]}]
    run(runner, site, "sets", "remove", "Privacy essentials", "portal-password-reset")
    assert json.loads(run(runner, site, "sets", "list", "--format", "json"))[0]["scenarios"] == list(PRIVACY)
    bad = run(runner, site, "sets", "add", "Oops", "records-reqest", code=2)
    assert "did you mean 'records-request'" in bad
    run(runner, site, "sets", "remove", "Privacy essentials")
    assert json.loads(run(runner, site, "sets", "list", "--format", "json")) == []
    store = Store.open(site)
    assert [e["action"] for e in audit.entries(store) if e["action"].startswith("set-")] == \
        ["set-add", "set-add", "set-remove", "set-remove"]


def test_assign_a_set_to_a_group_covers_a_trainee_who_joins_later(runner, site):
    run(runner, site, "sets", "add", "Privacy essentials", *PRIVACY)
    out = run(runner, site, "assign", "Privacy essentials", "--group", "front desk", "--due", DUE, "--attempts", "2")
    assert "Assigned 2 scenarios to group Front desk" in out
    store = Store.open(site)
    library = load_library()
    grid = completion_grid(store, library.summaries, date.today())
    assert {(r["trainee"], r["scenario"], r["status"]) for r in grid} == {(SAM, s, "not-started") for s in PRIVACY}
    accounts.add_to_group(store, ANA, "Front desk", BOSS)  # joins after the assignment was made
    finish(store, SAM, library.get("records-request"), True)
    finish(store, ANA, library.get("records-request"), False)
    report = json.loads(run(runner, site, "report", "--format", "json"))
    rows = {(a["trainee"], a["scenario"]): a for a in report["assignments"]}
    assert set(rows) == {(p, s) for p in (SAM, ANA) for s in PRIVACY}
    assert all({"trainee", "scenario", "due", "status", "mode"} <= set(a) for a in report["assignments"])
    assert rows[(SAM, "records-request")]["status"] == "passed"
    assert rows[(SAM, "records-request")]["passed_version"] == library.get("records-request").version
    assert (rows[(ANA, "records-request")]["status"], rows[(ANA, "records-request")]["attempts_left"]) == ("failed", 1)
    assert rows[(ANA, "spouse-wants-results")] | {"due": DUE, "mode": "assessment", "status": "not-started"} == \
        rows[(ANA, "spouse-wants-results")]
    text = run(runner, site, "report")
    assert f"{ANA} · records-request: failed, due {DUE}, assessment, 1 attempt left" in text
    table = run(runner, site, "report", "--format", "csv").split("\n\n", 1)[1]
    grid_rows = list(csv.DictReader(io.StringIO(table)))
    assert {(r["trainee"], r["scenario"], r["status"]) for r in grid_rows} >= {(SAM, "records-request", "passed")}
    assert [e["subject"] for e in audit.entries(store, "assign")] == list(PRIVACY)
    soon = due_soon(store, store.find_trainee(ANA), library.summaries, date.today() + timedelta(days=20))
    assert [r["scenario"] for r in soon] == ["records-request", "spouse-wants-results"]


def test_assign_refuses_misuse_with_one_line(runner, site, monkeypatch):
    both = run(runner, site, "assign", "records-request", "--trainee", SAM, "--group", "Front desk", "--due", DUE,
               code=2)
    assert "one of --trainee NAME or --group GROUP" in both
    past = run(runner, site, "assign", "records-request", "--trainee", SAM, "--due", "2020-01-01", code=2)
    assert "in the past" in past
    assert "did you mean 'records-request'" in run(runner, site, "assign", "records-reqest", "--trainee", SAM,
                                                   "--due", DUE, code=2)
    assert "12m" in run(runner, site, "assign", "records-request", "--trainee", SAM, "--due", DUE, "--every", "1 year",
                        code=2)
    assert "no group named 'Billing'" in run(runner, site, "assign", "records-request", "--group", "Billing",
                                             "--due", DUE, code=1)
    monkeypatch.delenv("TRAINER_PASSPHRASE")
    refused = run(runner, site, "assign", "records-request", "--trainee", SAM, "--due", DUE, code=2)
    assert "supervisor sign-in" in refused
    assert Store.open(site)._db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_a_version_bump_makes_retraining_due_and_a_waiver_is_audited(runner, site, tmp_path, monkeypatch):
    from tests.conftest import FIXTURES

    folder = tmp_path / "site-scenarios"
    folder.mkdir()
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    (folder / "minimal.yaml").write_text(text, encoding="utf-8")
    v1 = load_library([folder], include_bundled=False).get("minimal")
    store = Store.open(site)
    run(runner, site, "--scenarios", str(folder), "assign", "minimal", "--trainee", SAM, "--due", DUE)
    finish(store, SAM, v1, True)
    (folder / "minimal.yaml").write_text(text.replace("version: 1", "version: 2") if "version: 1" in text
                                         else "version: 2\n" + text, encoding="utf-8")
    assert load_library([folder], include_bundled=False).get("minimal").version == 2
    report = json.loads(run(runner, site, "--scenarios", str(folder), "report", "--format", "json"))
    assert [(a["status"], a["passed_version"], a["current_version"]) for a in report["assignments"]] == \
        [("retraining-due", 1, 2)]
    out = run(runner, site, "--scenarios", str(folder), "waive", "minimal", "--trainee", SAM, "--reason", "typo fix")
    assert "version 1 pass accepted for version 2" in out
    report = json.loads(run(runner, site, "--scenarios", str(folder), "report", "--format", "json"))
    assert [(a["status"], a["waived_by"]) for a in report["assignments"]] == [("waived", BOSS)]
    entry = audit.entries(store, "waive-retraining")[0]
    assert (entry["actor"], entry["subject"], entry["detail"]["reason"]) == (BOSS, "minimal", "typo fix")
    again = run(runner, site, "--scenarios", str(folder), "waive", "minimal", "--trainee", SAM, code=1)
    assert "waived, not retraining-due" in again
