"""The single sign-on decision (trainer.web.sso.HeaderSignIn.account) on a real site database: the header
believed only from a trusted proxy address, ignored and audited (rate-limited) from anywhere else;
unknown and disabled people refused; strangers made trainees when the site asks for it."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict

from tests.site_helpers import ANA, SAM, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress import accounts, audit
from trainer.progress.store import Store
from trainer.web.sso import AuditBudget, HeaderSignIn, SsoSettings, proxy_networks

HEADER = "X-Auth-Request-Email"
PROXY = "10.0.0.5"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    as_supervisor(monkeypatch)
    for name, address in ((SAM, "sam.rivera@clinic.example"), (ANA, "ana.costa@clinic.example")):
        assert runner.invoke(cli, ["--db", str(path), "trainees", "set-email", name, address]).exit_code == 0
    return path


def resolver(db, clock=None, **settings):
    return HeaderSignIn(db, SsoSettings(HEADER, proxy_networks([PROXY, "fd00::/64"]), **settings),
                        clock=clock or Clock())


def trail(db, action):
    """The audit rows of `action` that single sign-on wrote (the CLI's own sign-ins left out)."""
    return [e for e in audit.entries(Store.open(db), action=action) if action != "sign-in" or "via" in e["detail"]]


def test_the_header_from_a_trusted_proxy_signs_in_by_email_whatever_its_case(db):
    sso = resolver(db)
    found = sso.account(PROXY, CIMultiDict({HEADER: "Sam.Rivera@CLINIC.example"}))
    assert (found.name, found.role) == (SAM, "trainee")
    assert sso.account("::ffff:10.0.0.5", CIMultiDict({HEADER: "ana.costa@clinic.example"})).name == ANA
    assert sso.account("fd00::7", CIMultiDict({HEADER: "ana.costa@clinic.example"})).name == ANA
    signed = trail(db, "sign-in")
    assert [(e["actor"], e["detail"]["via"], e["detail"]["from"]) for e in signed] == [
        (SAM, "sso", PROXY), (ANA, "sso", "10.0.0.5"), (ANA, "sso", "fd00::7")]
    sso.account(PROXY, CIMultiDict({HEADER: "sam.rivera@clinic.example"}))  # every request resolves: one row
    assert len(trail(db, "sign-in")) == 3


def test_the_header_from_any_other_address_is_ignored_and_audited_without_flooding(db):
    clock = Clock()
    sso = resolver(db, clock)
    for _ in range(500):
        assert sso.account("127.0.0.1", CIMultiDict({HEADER: "sam.rivera@clinic.example"})) is None
    ignored = trail(db, "sso-header-ignored")
    assert len(ignored) == 1 and ignored[0]["detail"]["from"] == "127.0.0.1"
    assert ignored[0]["detail"]["claimed"] == "sam.rivera@clinic.example"
    for n in range(200):  # many addresses at once: a burst, then one row per refill
        sso.account(f"192.0.2.{n % 250}", CIMultiDict({HEADER: "boss@clinic.example"}))
    assert len(trail(db, "sso-header-ignored")) == 20  # the burst: 20 rows in all, the first included
    clock.now += 61
    sso.account("127.0.0.1", CIMultiDict({HEADER: "sam.rivera@clinic.example"}))
    rows = trail(db, "sso-header-ignored")
    assert rows[1]["detail"]["suppressed"] == 499 and rows[-1]["detail"]["suppressed"] == 181
    assert len(rows) + sum(r["detail"]["suppressed"] for r in rows) == 500 + 200 + 1  # every request accounted for
    assert trail(db, "sign-in") == []


def test_unknown_disabled_repeated_or_malformed_is_refused(db, runner):
    sso = resolver(db)
    assert sso.account(PROXY, CIMultiDict({HEADER: "nobody@clinic.example"})) is None
    assert sso.account(PROXY, CIMultiDict({HEADER: "not an address"})) is None
    assert sso.account(PROXY, CIMultiDict([(HEADER, "sam.rivera@clinic.example"), (HEADER, "ana.costa@clinic.example")])) is None
    assert sso.account(PROXY, CIMultiDict({})) is None
    assert runner.invoke(cli, ["--db", str(db), "trainees", "disable", SAM]).exit_code == 0
    assert resolver(db).account(PROXY, CIMultiDict({HEADER: "sam.rivera@clinic.example"})) is None
    reasons = [e["detail"]["reason"] for e in trail(db, "sso-sign-in-refused")]
    assert reasons == ["no account has this e-mail address", "not an e-mail address",
                       "the header was sent more than once", "disabled"]
    assert trail(db, "sign-in") == []


def test_strangers_become_trainees_in_the_group_once_named_from_the_second_header(db):
    sso = resolver(db, create_group="New starters", name_header="X-Auth-Request-Preferred-Username")
    headers = CIMultiDict({HEADER: "Lee.Park@clinic.example", "X-Auth-Request-Preferred-Username": "Lee Park"})
    first = sso.account(PROXY, headers)
    again = resolver(db, create_group="New starters").account(PROXY, CIMultiDict({HEADER: "lee.park@clinic.example"}))
    assert first.name == again.name == "Lee Park" and first.account_id == again.account_id
    store = Store.open(db)
    lee = accounts.find(store, "Lee Park")
    assert lee.role == "trainee" and lee.groups == ("New starters",)
    with pytest.raises(accounts.SignInRefused):  # no passphrase: only the proxy signs them in
        accounts.sign_in(store, "Lee Park", "")
    assert [e["detail"]["via"] for e in trail(db, "account-add") if e["subject"] == "Lee Park"] == ["sso"]
    taken = sso.account(PROXY, CIMultiDict({HEADER: "sam.r@other.example", "X-Auth-Request-Preferred-Username": SAM}))
    assert taken is None  # never into someone else's account
    assert "already an account named" in trail(db, "sso-sign-in-refused")[-1]["detail"]["reason"]
    assert len(accounts.accounts(store, "trainee")) == 3


def test_without_create_a_stranger_is_not_made_a_trainee(db):
    assert resolver(db).account(PROXY, CIMultiDict({HEADER: "lee.park@clinic.example"})) is None
    assert accounts.find(Store.open(db), "lee.park") is None


def test_audit_budget_counts_what_it_leaves_out():
    clock = Clock()
    budget = AuditBudget(per_address=60, burst=2, refill=30, clock=clock)
    assert budget.take("a") == 0 and budget.take("a") is None and budget.take("b") == 1
    assert budget.take("c") is None  # the burst is spent
    clock.now += 30
    assert budget.take("c") == 1
