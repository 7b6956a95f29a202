"""`trainer report --from-lrs URL`: one report for every site, rebuilt from the statements two sites synced
into a real LRS (ralph), and for each site equal to that site's own `trainer report`; pseudonymous
people stay pseudonymous; an LRS that cannot be read is one line and exit 1."""

from __future__ import annotations

import json
import sqlite3
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest

from trainer.cli import cli
from trainer.outbox.sync import sync_once
from trainer.progress import accounts, audit
from trainer.reports import lrs

from outbox_helpers import BOSS, BOSS_PASS, play, site_store
from ralph_lrs import PASSWORD, USER, Ralph, free_port

FIGURES = ("mode", "attempts", "completed", "passed", "pass_rate", "average")
PEOPLE = ("Sam Rivera", "Ana Costa", "Lee Park")


@pytest.fixture(scope="module")
def clinics(tmp_path_factory):
    """Two sites (one sends names, one does not) that played, undid, signed off and synced into one LRS."""
    import argon2

    from trainer.progress import passphrase

    folder = tmp_path_factory.mktemp("clinics")
    fast = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    original = passphrase.hasher
    passphrase.hasher = lambda: fast
    ralph = Ralph(folder / "ralph").start()
    sites = {}
    try:
        for n, named in ((1, True), (2, False)):
            iri = f"https://clinic-{uuid.uuid4().hex[:8]}.example/training"
            path = folder / f"site{n}.db"
            store = site_store(path, iri)
            if named:
                accounts.set_xapi_names(store, True, BOSS)
            for pick, name in enumerate(PEOPLE[: 2 + n]):
                play(store, name, pick=pick + n, mode="assessment")
                play(store, name, pick=pick, mode="practice")
            signed = play(store, PEOPLE[0], pick=2, mode="assessment")
            audit.sign_off(store, signed.attempt_id, BOSS)
            play(store, PEOPLE[1], pick=1, steps=2, mode="assessment")  # left unfinished
            practice = play(store, PEOPLE[0], pick=1, steps=2)
            assert practice.undo() is not None
            play(store, PEOPLE[0], ident="denied-claim-appeal", pick=n, mode="assessment")
            assert sync_once(store, ralph.client()).pending == 0
            store.close()
            sites[iri] = (path, named)
        yield ralph, sites
    finally:
        passphrase.hasher = original
        ralph.stop()


def from_lrs(runner, monkeypatch, endpoint, *args, password=PASSWORD):
    monkeypatch.setenv("TRAINER_LRS_USER", USER)
    monkeypatch.setenv("TRAINER_LRS_PASSWORD", password)
    return runner.invoke(cli, ["report", "--from-lrs", endpoint, *args])


def own_report(runner, monkeypatch, path, *args) -> dict:
    monkeypatch.setenv("TRAINER_SUPERVISOR", BOSS)
    monkeypatch.setenv("TRAINER_PASSPHRASE", BOSS_PASS)
    result = runner.invoke(cli, ["--db", str(path), "report", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def pseudonyms(path) -> dict[str, str]:
    """Trainee name -> the pseudonymous account their site's statements carry."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT t.name, x.name FROM trainees t JOIN xapi_agents x ON x.key = 'trainee:' || t.id")
    found = dict(rows.fetchall())
    conn.close()
    return found


def same_figures(site_report: dict, section: dict, path, scenarios: int = 3) -> None:
    names = pseudonyms(path)
    mine = {(names[t["name"]], t["mode"]): t for t in site_report["trainees"] if t["attempts"]}
    theirs = {(t["account"], t["mode"]): t for t in section["trainees"]}
    assert set(theirs) == set(mine)
    for key, row in mine.items():
        assert {k: theirs[key][k] for k in FIGURES} == {k: row[k] for k in FIGURES}, key
        assert {s: v["average"] for s, v in theirs[key]["skills"].items()} == \
            {s: v["average"] for s, v in row["skills"].items() if v["assessed"]}, key
    mine = {(s["id"], s["mode"]): s for s in site_report["scenarios"]}
    theirs = {(s["id"], s["mode"]): s for s in section["scenarios"]}
    assert set(theirs) == set(mine) and len(mine) == scenarios
    for key, row in mine.items():
        assert {k: theirs[key][k] for k in FIGURES} == {k: row[k] for k in FIGURES}, key


def test_every_sites_figures_equal_its_own_report_through_paged_reads(clinics, runner, monkeypatch):
    ralph, sites = clinics
    monkeypatch.setattr(lrs, "PAGE_SIZE", 7)  # many pages: the `more` links are followed
    result = from_lrs(runner, monkeypatch, ralph.endpoint, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["site"] for s in data["sites"]] == sorted(sites)
    for section in data["sites"]:
        path, named = sites[section["site"]]
        same_figures(own_report(runner, monkeypatch, path), section, path)
        shown = {t["name"] for t in section["trainees"]}
        if named:
            assert shown <= set(PEOPLE)
        else:  # pseudonymous: the accounts, never a name
            assert shown == {t["account"] for t in section["trainees"]}
            assert not any(name in json.dumps(section, ensure_ascii=False) for name in PEOPLE)


def test_site_since_and_mode_filters(clinics, runner, monkeypatch):
    ralph, sites = clinics
    one = sorted(sites)[1]
    result = from_lrs(runner, monkeypatch, ralph.endpoint, "--format", "json", "--site", one, "--mode", "practice")
    data = json.loads(result.stdout)
    assert [s["site"] for s in data["sites"]] == [one]
    same_figures(own_report(runner, monkeypatch, sites[one][0], "--mode", "practice"), data["sites"][0], sites[one][0],
                 scenarios=1)
    later = from_lrs(runner, monkeypatch, ralph.endpoint, "--format", "json", "--since", "2999-01-01")
    assert later.exit_code == 0 and json.loads(later.stdout)["sites"] == []


def test_text_csv_and_html_name_each_site(clinics, runner, monkeypatch):
    ralph, sites = clinics
    text = from_lrs(runner, monkeypatch, ralph.endpoint)
    assert text.exit_code == 0 and all(f"Site {iri}" in text.output for iri in sites)
    csv_out = from_lrs(runner, monkeypatch, ralph.endpoint, "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("site,kind,id,name,mode,attempts,completed,passed,pass_rate,average")
    assert {row.split(",")[0] for row in csv_out[1:] if row} == set(sites)
    html = from_lrs(runner, monkeypatch, ralph.endpoint, "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>") and all(iri in html for iri in sites)


def test_wrong_credentials_are_one_line_and_exit_1(clinics, runner, monkeypatch):
    ralph, _sites = clinics
    result = from_lrs(runner, monkeypatch, ralph.endpoint, password="wrong passphrase")
    assert result.exit_code == 1 and "refused the credentials (HTTP 401)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unreachable_bad_json_and_misuse(runner, monkeypatch):
    closed = from_lrs(runner, monkeypatch, f"http://127.0.0.1:{free_port()}/xAPI/")
    assert closed.exit_code == 1 and "cannot reach the LRS" in closed.output
    assert len(closed.output.strip().splitlines()) == 1

    class SignInPage(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html>Please sign in</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SignInPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = from_lrs(runner, monkeypatch, f"http://127.0.0.1:{server.server_address[1]}/xAPI/")
    finally:
        server.shutdown()
        server.server_close()
    assert page.exit_code == 1 and "not an xAPI statement list" in page.output and "Traceback" not in page.output
    remote = from_lrs(runner, monkeypatch, "http://lrs.example.org/xAPI/")
    assert remote.exit_code == 2 and "use https" in remote.output
    named = from_lrs(runner, monkeypatch, "https://lrs.example.org/xAPI/", "--trainee", "Sam Rivera")
    assert named.exit_code == 2 and "pseudonymous" in named.output
    alone = runner.invoke(cli, ["report", "--site", "https://clinic.example/training"])
    assert alone.exit_code == 2 and "--from-lrs" in alone.output


def test_the_read_stops_with_a_reason_at_its_page_limit(clinics, monkeypatch):
    ralph, _sites = clinics
    monkeypatch.setattr(lrs, "PAGE_SIZE", 5)
    with pytest.raises(lrs.LrsReadError, match="stopped after 3 pages"):
        list(lrs.read_statements(ralph.client(), max_pages=3))
