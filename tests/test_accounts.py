"""Site accounts: site init, adding, listing, renaming, disabling and resetting accounts, groups, signing in,
and existing personal databases upgraded in place."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import FIXTURES
from trainer.progress import accounts, audit
from trainer.progress.accounts import AccessError, SignInRefused
from trainer.progress.store import Store

IRI = "https://clinic.example/training"
BOSS, BOSS_PASS = "Morgan Lee", "morgans passphrase"


@pytest.fixture
def site(tmp_path, fast_hashing):
    store = Store.open(tmp_path / "site.db")
    accounts.init_site(store, BOSS, IRI, [tmp_path], BOSS_PASS)
    yield store
    store.close()


def test_site_init_stores_the_iri_the_folders_and_the_first_supervisor(site, tmp_path):
    assert accounts.site(site) == accounts.Site(IRI, (tmp_path.resolve(),))
    boss = accounts.sign_in(site, "morgan lee", BOSS_PASS, role="supervisor")
    assert (boss.name, boss.role, boss.trainee) == (BOSS, "supervisor", None)
    assert site.trainees() == []  # a supervisor is not a trainee in reports
    assert [e["action"] for e in audit.entries(site)] == ["site-init", "account-add", "sign-in"]


@pytest.mark.parametrize("iri", ["", "clinic", "https://", "https://a b.example"])
def test_site_init_refuses_what_is_not_an_iri(tmp_path, fast_hashing, iri):
    store = Store.open(tmp_path / "site.db")
    with pytest.raises(AccessError):
        accounts.init_site(store, BOSS, iri, [], BOSS_PASS)
    assert not accounts.is_site(store)


def test_site_init_refuses_a_database_that_is_already_used(tmp_path, fast_hashing, site):
    with pytest.raises(AccessError, match="already a site"):
        accounts.init_site(site, "Other", IRI, [], BOSS_PASS)
    personal = Store.open(tmp_path / "personal.db")
    personal.trainee("Dana Whitfield")
    with pytest.raises(AccessError, match="already holds personal practice"):
        accounts.init_site(personal, BOSS, IRI, [], BOSS_PASS)
    with pytest.raises(AccessError, match="does not exist"):
        accounts.init_site(Store.open(tmp_path / "new.db"), BOSS, IRI, [tmp_path / "nope"], BOSS_PASS)


def test_trainees_are_added_with_groups_and_listed(site):
    accounts.add_account(site, "Sam Rivera", "trainee", "sams passphrase", BOSS, groups=["Front desk", "Evening"])
    accounts.add_account(site, "Ana Costa", "trainee", "anas passphrase", BOSS, groups=["front DESK"])
    listed = accounts.accounts(site, "trainee")
    assert [(a.name, a.groups) for a in listed] == [("Ana Costa", ("Front desk",)),
                                                   ("Sam Rivera", ("Evening", "Front desk"))]
    assert [a.name for a in accounts.group_members(site, "front desk")] == ["Ana Costa", "Sam Rivera"]
    assert [t.name for t in site.trainees()] == ["Ana Costa", "Sam Rivera"]
    with pytest.raises(AccessError, match="already an account"):
        accounts.add_account(site, "SAM RIVERA", "trainee", "a fine passphrase", BOSS)
    with pytest.raises(AccessError, match="control, format or bidirectional"):
        accounts.add_account(site, "Eve\x1b[2J", "trainee", "a fine passphrase", BOSS)
    with pytest.raises(AccessError, match="at least 12"):
        accounts.add_account(site, "Eve", "trainee", "short", BOSS)
    adds = [(e["subject"], e["detail"]["role"]) for e in audit.entries(site, "account-add")]
    assert adds[-2:] == [("Sam Rivera", "trainee"), ("Ana Costa", "trainee")]


def test_accounts_need_a_site(tmp_path, fast_hashing):
    with pytest.raises(AccessError, match="personal database"):
        accounts.add_account(Store.open(tmp_path / "p.db"), "Sam Rivera", "trainee", "sams passphrase", BOSS)


def test_sign_in_checks_name_passphrase_role_and_disabled(site):
    accounts.add_account(site, "Sam Rivera", "trainee", "sams passphrase", BOSS)
    sam = accounts.sign_in(site, "  sam   RIVERA ", "sams passphrase")
    assert sam.trainee == site.find_trainee("Sam Rivera")
    for name, secret in (("Sam Rivera", "wrong passphrase"), ("Nobody Here", "sams passphrase")):
        with pytest.raises(SignInRefused, match="do not match an account"):
            accounts.sign_in(site, name, secret)
    with pytest.raises(SignInRefused, match="not a supervisor"):
        accounts.sign_in(site, "Sam Rivera", "sams passphrase", role="supervisor")
    accounts.disable(site, "Sam Rivera", BOSS)
    with pytest.raises(SignInRefused, match="disabled"):
        accounts.sign_in(site, "Sam Rivera", "sams passphrase")


def test_rename_keeps_the_attempts_and_refuses_a_taken_name(site):
    accounts.add_account(site, "Sam Rivera", "trainee", "sams passphrase", BOSS)
    accounts.add_account(site, "Ana Costa", "trainee", "anas passphrase", BOSS)
    before = site.find_trainee("Sam Rivera")
    renamed = accounts.rename(site, "sam rivera", "Samantha Rivera", BOSS)
    assert renamed.trainee_id == before.id and site.find_trainee("Samantha Rivera").id == before.id
    assert accounts.sign_in(site, "Samantha Rivera", "sams passphrase").id == renamed.id
    with pytest.raises(AccessError, match="already an account"):
        accounts.rename(site, "Samantha Rivera", "ANA COSTA", BOSS)
    entry = audit.entries(site, "account-rename")[-1]
    assert (entry["actor"], entry["subject"], entry["detail"]) == (BOSS, "Samantha Rivera", {"old": "Sam Rivera"})


def test_the_last_supervisor_cannot_be_disabled(site):
    with pytest.raises(AccessError, match="last active supervisor"):
        accounts.disable(site, BOSS, BOSS)
    accounts.add_account(site, "Kim Baptiste", "supervisor", "kims passphrase", BOSS)
    assert accounts.disable(site, BOSS, "Kim Baptiste").disabled


def test_reset_passphrase_replaces_it_and_clears_a_lockout(site):
    accounts.add_account(site, "Sam Rivera", "trainee", "sams passphrase", BOSS)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.sign_in(site, "Sam Rivera", "guess guess", clock=lambda: 100.0)
    with pytest.raises(accounts.pp.LockedOut):
        accounts.sign_in(site, "Sam Rivera", "sams passphrase", clock=lambda: 100.0)
    accounts.reset_passphrase(site, "Sam Rivera", "a brand new one", BOSS)
    assert accounts.sign_in(site, "Sam Rivera", "a brand new one", clock=lambda: 100.0).name == "Sam Rivera"
    with pytest.raises(SignInRefused):
        accounts.sign_in(site, "Sam Rivera", "sams passphrase", clock=lambda: 100.0)
    assert audit.entries(site, "account-reset-passphrase")[-1]["actor"] == BOSS


def test_a_trainee_changes_their_own_passphrase(site):
    sam = accounts.add_account(site, "Sam Rivera", "trainee", "sams passphrase", BOSS)
    with pytest.raises(SignInRefused):
        accounts.change_own_passphrase(site, sam, "not my passphrase", "my new passphrase")
    accounts.change_own_passphrase(site, sam, "sams passphrase", "my new passphrase")
    assert accounts.sign_in(site, "Sam Rivera", "my new passphrase").id == sam.id
    assert audit.entries(site, "change-own-passphrase")[-1]["actor"] == "Sam Rivera"


def test_an_existing_personal_database_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "progress-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    store = Store.open(path)
    assert not accounts.is_site(store)
    assert store.find_trainee("DANA WHITFIELD").name == "Dana Whitfield"
    assert store.trainee("luis ortega").id == store.find_trainee("Luis Ortega").id
    assert [t.name for t in store.trainees()] == ["Dana Whitfield", "Luis Ortega"]
