"""Wrong passphrases slow down guessing per account *and place* and per place, so nobody at one address
can lock a supervisor out at another; every sign-in, failure, lockout and sign-out is audited with where
it came from ("terminal", or the browser's address the web server passes in TRAINER_CLIENT_ADDRESS)."""

from __future__ import annotations

import pytest

from tests.site_helpers import BOSS, BOSS_PASS, IRI, SAM, SAM_PASS
from tests.tui_helpers import FakeClock
from trainer.launch import create_app
from trainer.progress import accounts, audit, passphrase
from trainer.progress.store import Store

ATTACKER, DESK = "192.0.2.66", "192.0.2.10"


@pytest.fixture
def store(tmp_path, fast_hashing, monkeypatch):
    monkeypatch.delenv("TRAINER_CLIENT_ADDRESS", raising=False)
    store = Store.open(tmp_path / "site.db")
    accounts.init_site(store, BOSS, IRI, [], BOSS_PASS)
    accounts.add_account(store, SAM, "trainee", SAM_PASS, BOSS)
    yield store
    store.close()


def _at(monkeypatch, address: str | None) -> None:
    if address is None:
        monkeypatch.delenv("TRAINER_CLIENT_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("TRAINER_CLIENT_ADDRESS", address)


def _hammer(store, name: str, tries: int, now: float) -> int:
    """Wrong passphrases for `name` as fast as allowed (never waiting); how many were refused as locked."""
    locked = 0
    for n in range(tries):
        try:
            accounts.sign_in(store, name, f"wrong guess number {n}", clock=lambda: now)
        except passphrase.LockedOut:
            locked += 1
        except accounts.SignInRefused:
            pass
    return locked


def test_an_attacker_at_one_address_cannot_lock_out_a_supervisor_at_another(store, monkeypatch):
    _at(monkeypatch, ATTACKER)
    assert _hammer(store, BOSS, 60, now=1000.0) > 0  # the attacker is slowed down
    with pytest.raises(passphrase.LockedOut):
        accounts.sign_in(store, BOSS, BOSS_PASS, clock=lambda: 1000.0)  # even the right one waits, there
    _at(monkeypatch, DESK)
    assert accounts.sign_in(store, BOSS, BOSS_PASS, clock=lambda: 1000.0).name == BOSS
    _at(monkeypatch, None)  # the terminal is another place too
    assert accounts.sign_in(store, BOSS, BOSS_PASS, clock=lambda: 1000.0).name == BOSS


def test_guessing_one_account_from_one_place_waits_after_five(store, monkeypatch):
    _at(monkeypatch, ATTACKER)
    assert _hammer(store, SAM, 5, now=1000.0) == 0
    with pytest.raises(passphrase.LockedOut, match="30 s"):
        accounts.sign_in(store, SAM, SAM_PASS, clock=lambda: 1000.0)


def test_spraying_many_names_from_one_place_is_slowed_down_for_that_place_only(store, monkeypatch):
    """Wrong passphrases across accounts, and names with no account at all, count for the place."""
    _at(monkeypatch, ATTACKER)
    for n in range(passphrase.ADDRESS_FREE_TRIES):
        name = SAM if n % 5 == 0 else f"Nobody Number {n}"
        assert _hammer(store, name, 1, now=1000.0) == 0
    with pytest.raises(passphrase.LockedOut):
        accounts.sign_in(store, "Yet Another Name", "whatever it is", clock=lambda: 1000.0)
    with pytest.raises(passphrase.LockedOut):  # a real account from that place waits as well
        accounts.sign_in(store, BOSS, BOSS_PASS, clock=lambda: 1000.0)
    _at(monkeypatch, DESK)
    assert accounts.sign_in(store, SAM, SAM_PASS, clock=lambda: 1000.0).name == SAM


def test_at_the_terminal_wrong_tries_on_other_names_never_make_a_supervisor_wait(store, monkeypatch):
    """Everyone at a terminal (local users, an SSH forced command) is one place: it has no place-wide count."""
    _at(monkeypatch, None)
    _hammer(store, SAM, 10, now=1000.0)
    for n in range(3 * passphrase.ADDRESS_FREE_TRIES):
        _hammer(store, f"Nobody Number {n}", 1, now=1000.0)
    assert accounts.sign_in(store, BOSS, BOSS_PASS, clock=lambda: 1000.0).name == BOSS
    with pytest.raises(passphrase.LockedOut):  # names with no account are still slowed down there
        accounts.sign_in(store, "Nobody At All", "whatever it is", clock=lambda: 1000.0)


def test_right_passphrases_do_not_use_up_a_places_tries(store, monkeypatch):
    _at(monkeypatch, DESK)  # a busy front desk: many people sign in from one computer all day
    for _ in range(3 * passphrase.ADDRESS_FREE_TRIES):
        accounts.sign_in(store, SAM, SAM_PASS, clock=lambda: 1000.0)
    assert passphrase.failures(store, passphrase.address_key(DESK)).count == 0


def test_counts_left_alone_for_an_hour_are_dropped(store, monkeypatch):
    for n in range(50):  # fifty places, one wrong try each
        _at(monkeypatch, f"198.51.100.{n}")
        _hammer(store, SAM, 1, now=1000.0)
    assert store._db.execute("SELECT count(*) FROM sign_in_failures").fetchone()[0] == 100
    _at(monkeypatch, DESK)
    accounts.sign_in(store, SAM, SAM_PASS, clock=lambda: 1000.0 + 3600)
    assert store._db.execute("SELECT count(*) FROM sign_in_failures").fetchone()[0] <= 1


def test_a_reset_clears_the_account_everywhere(store, monkeypatch):
    for place in (ATTACKER, DESK):
        _at(monkeypatch, place)
        _hammer(store, SAM, 6, now=1000.0)
    accounts.reset_passphrase(store, SAM, "a brand new secret", BOSS)
    for place in (ATTACKER, DESK):
        _at(monkeypatch, place)
        assert accounts.sign_in(store, SAM, "a brand new secret", clock=lambda: 1000.0).name == SAM


def _trail(store, since_id: int = 0) -> list[tuple]:
    return [(e["actor"], e["action"], e["detail"].get("from"), e["detail"].get("reason"), e["detail"].get("scope"))
            for e in audit.entries(store) if e["id"] > since_id]


def _last_id(store) -> int:
    return audit.entries(store)[-1]["id"]


def test_sign_ins_failures_and_lockouts_are_audited_with_the_place(store, monkeypatch):
    start = _last_id(store)
    _at(monkeypatch, ATTACKER)
    _hammer(store, SAM, 5, now=1000.0)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(store, "Nobody Here", "typed passphrase", clock=lambda: 1000.0)
    _at(monkeypatch, None)
    accounts.sign_in(store, SAM, SAM_PASS, clock=lambda: 1000.0)
    trail = _trail(store, start)
    assert trail[:4] == [(SAM, "sign-in-failed", ATTACKER, "wrong passphrase", None)] * 4
    assert trail[4:6] == [(SAM, "sign-in-failed", ATTACKER, "wrong passphrase", None),
                          (SAM, "sign-in-lockout", ATTACKER, None, "account")]
    assert trail[6] == ("(unknown name)", "sign-in-failed", ATTACKER, "unknown name", None)
    assert trail[7] == (SAM, "sign-in", "terminal", None, None)
    assert "typed passphrase" not in str(audit.entries(store)) and "Nobody Here" not in str(audit.entries(store))
    lockout = audit.entries(store, "sign-in-lockout")[0]
    assert lockout["detail"]["seconds"] == 30


def test_a_lockout_is_audited_once_not_for_every_refused_try(store, monkeypatch):
    _at(monkeypatch, ATTACKER)
    _hammer(store, SAM, 5, now=1000.0)
    before = len(audit.entries(store))
    assert _hammer(store, SAM, 200, now=1001.0) == 200  # hammering a lockout writes nothing
    assert len(audit.entries(store)) == before


def test_disabled_accounts_and_wrong_roles_are_audited_failures(store, monkeypatch):
    accounts.add_account(store, "Kim Baptiste", "trainee", "kims passphrase", BOSS)
    accounts.disable(store, "Kim Baptiste", BOSS)
    start = _last_id(store)
    with pytest.raises(accounts.SignInRefused, match="disabled"):
        accounts.sign_in(store, "Kim Baptiste", "kims passphrase")
    with pytest.raises(accounts.WrongRole):
        accounts.sign_in(store, SAM, SAM_PASS, role="supervisor")
    assert [t[1:4] for t in _trail(store, start)] == [("sign-in-failed", "terminal", "disabled"),
                                                       ("sign-in-failed", "terminal", "wrong role")]


def test_the_client_address_is_kept_printable_and_short(monkeypatch):
    _at(monkeypatch, "10.0.0.7\x1b[2J" + "9" * 500)
    where = audit.client_address()
    assert where.startswith("10.0.0.7") and "\x1b" not in where and len(where) <= 100
    _at(monkeypatch, "  ")
    assert audit.client_address() == "terminal"


async def test_signing_in_and_out_of_the_app_is_audited_from_the_browsers_address(store, monkeypatch, tmp_path):
    db = store.path
    store.close()
    _at(monkeypatch, DESK)
    app = create_app(db=db, bundled=False, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SAM, "enter", *SAM_PASS, "enter")
        assert app.account is not None and app.account.name == SAM
    store = Store.open(db)
    last = [(e["actor"], e["action"], e["detail"].get("from")) for e in audit.entries(store)][-2:]
    assert last == [(SAM, "sign-in", DESK), (SAM, "sign-out", DESK)]
    store.close()


@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP"])
def test_a_terminated_app_process_still_records_the_sign_out(store, tmp_path, ending):
    """A closed browser tab ends its app process with SIGTERM, a closed terminal with SIGHUP: the app
    leaves as a quit does, so the sign-out lands in the audit trail (a real process on a pseudo-terminal)."""
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    db = store.path
    store.close()
    main, child = pty.openpty()
    env = {**os.environ, "TRAINER_CLIENT_ADDRESS": DESK, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "--db", str(db)], stdin=child, stdout=child,
                            stderr=child, cwd=ROOT, env=env, start_new_session=True)
    os.close(child)

    def actions() -> list[str]:
        check = Store.open(db)
        try:
            return [e["action"] for e in audit.entries(check) if e["detail"].get("from") == DESK]
        finally:
            check.close()

    def read_until(done, seconds: float = 30.0) -> bool:
        """Drain the app's screen output until `done()`, for at most `seconds`; stops at the end of the
        output (the app closed its terminal)."""
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if select.select([main], [], [], min(left, 0.2))[0]:
                try:
                    if not os.read(main, 65536):
                        return done()
                except OSError:  # EIO: the app's side of the terminal is closed
                    return done()
        return True

    try:
        assert read_until(lambda: proc.poll() is not None, seconds=2) is False  # it is running, not failed
        os.write(main, f"{SAM}\r".encode())
        os.write(main, f"{SAM_PASS}\r".encode())
        assert read_until(lambda: "sign-in" in actions()), actions()
        proc.send_signal(getattr(signal, ending))
        read_until(lambda: proc.poll() is not None)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        os.close(main)
    assert actions() == ["sign-in", "sign-out"]
