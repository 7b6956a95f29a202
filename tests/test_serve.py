"""`trainer serve` start-up and `trainer backup`, without a browser: one clear line and exit 1 for a port in
use, a personal database, a missing or unreadable one; app processes never see the server's secrets; a
backup is a consistent, owner-only copy made while another process writes, behind the supervisor gate."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from tests.site_helpers import BOSS, BOSS_PASS, SAM, SAM_PASS, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress.store import Store
from trainer.web.guard import allowed_environment
from trainer.web.server import app_command


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    return path


def _serve(db, *args, timeout=60, env=None):
    return subprocess.run([sys.executable, "-m", "trainer", "--db", str(db), "serve", *args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _one_line_error(result, words: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_taken_port_is_one_line_and_exit_1(site_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        _one_line_error(_serve(site_db, "--port", str(port)), f"cannot listen on 127.0.0.1:{port}: the port is already in use")


def test_a_personal_database_is_refused(tmp_path, runner):
    personal = tmp_path / "personal.db"
    Store.open(personal).close()
    _one_line_error(_serve(personal), "is a personal database; trainer serve serves a site database")


def test_a_missing_or_unreadable_database_is_refused(tmp_path):
    _one_line_error(_serve(tmp_path / "nowhere.db"), "there is no database at")
    assert not (tmp_path / "nowhere.db").exists()  # serving never creates an empty database
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all")
    _one_line_error(_serve(junk), "is not a trainer database")


def test_bad_limits_are_usage_errors(site_db):
    result = _serve(site_db, "--max-sessions", "0")
    assert result.returncode == 2 and "--max-sessions" in result.stderr


def test_app_processes_get_an_allowlist_of_variables_and_a_quoted_command(tmp_path):
    env = {"PATH": "/usr/bin", "HOME": "/home/x", "LANG": "es_ES.UTF-8", "TRAINER_PASSPHRASE": "secret",
           "TRAINER_SUPERVISOR": BOSS, "TRAINER_TRAINEE": SAM, "TRAINER_LRS_PASSWORD": "p", "TRAINER_LRS_USERNAME": "u",
           "TRAINER_SCENARIOS": "/elsewhere", "TRAINER_CACHE_DIR": "/cache", "AWS_SECRET_ACCESS_KEY": "k",
           "GITHUB_TOKEN": "t", "DB_PASS": "hunter2", "DATABASE_URL": "postgres://u:p@db/x",
           "http_proxy": "http://user:pw@proxy:3128", "HTTPS_PROXY": "http://user:pw@proxy:3128",
           "TRAINER_CLIENT_ADDRESS": "192.0.2.7"}
    assert allowed_environment(env) == {"PATH": "/usr/bin", "HOME": "/home/x", "LANG": "es_ES.UTF-8",
                                        "TRAINER_CACHE_DIR": "/cache", "TRAINER_CLIENT_ADDRESS": "192.0.2.7"}
    command = app_command(tmp_path / "a site; rm -rf ~" / "site.db", python="/opt/py thon/bin/python")
    assert command == f"exec '/opt/py thon/bin/python' -m trainer --db '{tmp_path}/a site; rm -rf ~/site.db'"


@pytest.mark.parametrize("what, mode", [("file", 0o666), ("file", 0o620), ("folder", 0o777), ("folder", 0o1777),
                                        ("folder", 0o770)])
def test_a_database_others_can_write_is_refused_with_the_fix(site_db, what, mode):
    target = site_db if what == "file" else site_db.parent
    os.chmod(target, mode)
    try:
        result = _serve(site_db, "--port", "1", timeout=30)
    finally:
        os.chmod(target, 0o600 if what == "file" else 0o700)
    _one_line_error(result, f"{target} can be written by other accounts (mode {mode:04o})")
    assert f"chmod go-w {target}" in result.stderr


def _get(url: str, headers: dict | None = None):
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def served(site_db):
    from tests.browser_helpers import Server

    server = Server(site_db)
    yield server
    server.stop()


def test_every_response_carries_the_security_headers_and_the_page_no_inline_script(served):
    import re

    for path in ("/", "/terminal", "/signin", "/assets/app.css", "/busy", "/status", "/static/js/textual.js", "/site/trainer.js", "/nowhere", "/ws"):
        status, headers, body = _get(served.base + path)
        csp = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") == "no-referrer", path
    status, _, page = _get(served.base + "/terminal")
    assert status == 200
    scripts = re.findall(rb"<script\b[^>]*>(.*?)</script>", page, re.S)
    assert scripts and all(not body.strip() for body in scripts)  # every script is a file
    assert all(b"src=" in tag for tag in re.findall(rb"<script\b[^>]*>", page))
    assert not re.search(rb"\son[a-z]+\s*=", page)  # no inline event handlers
    assert b'id="start-again"' in page


def test_a_plain_get_of_the_websocket_is_400_without_a_traceback(served):
    status, _, body = _get(served.base + "/ws")
    assert status == 400 and b"websocket" in body
    assert served.status()["sessions"] == 0
    served.process.terminate()
    log = served.process.stderr.read()  # everything the server wrote, until it exited
    assert "Traceback" not in log and "Error" not in log, log


def test_status_shows_counts_to_anyone_and_sessions_to_a_supervisor(served):
    import base64

    def basic(name, secret):
        return {"Authorization": "Basic " + base64.b64encode(f"{name}:{secret}".encode()).decode()}

    status, _, body = _get(served.base + "/status")
    assert status == 200 and set(json.loads(body)) == {"sessions", "max_sessions", "refused", "idle_closed", "flooded"}
    for who in (basic(BOSS, "wrong passphrase"), basic(SAM, SAM_PASS), basic("Nobody Here", "x" * 12),
                {"Authorization": "Basic !!!"}):
        status, headers, body = _get(served.base + "/status", who)
        assert status == 401 and "session_list" not in json.loads(body)
        assert headers["WWW-Authenticate"].startswith("Basic")
    status, _, body = _get(served.base + "/status", basic(BOSS, BOSS_PASS))
    assert status == 200 and json.loads(body)["session_list"] == []


def test_backup_needs_a_supervisor(site_db, tmp_path, runner):
    out = tmp_path / "out" / "copy.db"
    result = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(out)])
    assert result.exit_code == 2 and "needs a supervisor sign-in" in result.output
    assert not out.exists()


CHURN = """
import sqlite3, sys, os
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("CREATE TABLE IF NOT EXISTS churn (n INTEGER)")
db.commit()
while not os.path.exists(sys.argv[2]):  # a busy site: writes in pairs that must land together
    with db:
        db.execute("INSERT INTO churn VALUES (1)")
        db.execute("INSERT INTO churn VALUES (2)")
"""


def _rows(db) -> int:
    try:
        return sqlite3.connect(db, timeout=30).execute("SELECT count(*) FROM churn").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_backup_is_a_consistent_private_copy_while_another_process_writes(site_db, tmp_path, runner, monkeypatch):
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", CHURN, str(site_db), str(stop)])
    try:
        for _ in range(600):  # bounded: until the writer is really writing
            if _rows(site_db) > 100:
                break
            assert writer.poll() is None, "the writer stopped"
            time.sleep(0.05)  # polling interval, bounded above
        as_supervisor(monkeypatch)
        out = tmp_path / "out" / "copy.db"
        result = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(out)])
        still_writing = writer.poll() is None
    finally:
        stop.touch()
        writer.wait(timeout=30)
    assert still_writing
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ones, twos = (copy.execute("SELECT count(*) FROM churn WHERE n = ?", [n]).fetchone()[0] for n in (1, 2))
    assert ones == twos  # one snapshot: never half a transaction
    assert copy.execute("SELECT name FROM accounts WHERE name = ?", [SAM]).fetchone() == (SAM,)
    live = sqlite3.connect(site_db)  # audited once written: the row is in the database, not in the copy
    assert live.execute("SELECT actor, action FROM audit ORDER BY id DESC LIMIT 1").fetchone() == (BOSS, "backup")
    assert copy.execute("SELECT count(*) FROM audit WHERE action = 'backup'").fetchone() == (0,)
    assert not (tmp_path / "copy.db-wal").exists()


def test_backup_never_writes_through_a_symlink_or_over_the_database(site_db, tmp_path, runner, monkeypatch):
    as_supervisor(monkeypatch)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out" / "link.db"
    link.symlink_to(target)
    result = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert target.read_text() == "keep me"
    itself = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(site_db)])
    assert itself.exit_code == 2 and "the database itself" in itself.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")) == []


def test_sync_every_needs_an_endpoint_and_an_interval(site_db):
    result = _serve(site_db, "--sync-every", "5m", env={"TRAINER_LRS_ENDPOINT": ""})
    assert result.returncode == 2 and "--sync-every needs --endpoint" in result.stderr
    result = _serve(site_db, "--sync-every", "often", "--endpoint", "http://127.0.0.1:9/xAPI/")
    assert result.returncode == 2 and "not an interval like 30s, 5m or 1h" in result.stderr
