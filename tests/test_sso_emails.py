"""E-mail addresses on site accounts (`trainees add --email`, `supervisors add --email`, `trainees
set-email`): checked and bounded, one account per address whatever its case, and audited."""

from __future__ import annotations

import json

import pytest

from tests.site_helpers import ANA, BOSS, SAM, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress import accounts, audit, emails
from trainer.progress.store import Store


@pytest.fixture
def db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    as_supervisor(monkeypatch)
    return path


def run(runner, db, *args, input=None):
    return runner.invoke(cli, ["--db", str(db), *args], input=input)


def test_add_with_email_then_set_email_and_the_owner_is_found_whatever_the_case(runner, db):
    added = run(runner, db, "trainees", "add", "Lee Park", "--email", "Lee.Park@Clinic.example",
                "--passphrase-stdin", input="lees passphrase\n")
    assert added.exit_code == 0, added.output
    boss = run(runner, db, "supervisors", "add", "Kim Baptiste", "--email", "kim@clinic.example", "--passphrase-stdin",
               input="kims passphrase\n")
    assert boss.exit_code == 0, boss.output
    changed = run(runner, db, "trainees", "set-email", "sam rivera", "sam.rivera@clinic.example")
    assert changed.exit_code == 0 and "sam.rivera@clinic.example" in changed.output
    store = Store.open(db)
    assert emails.owner(store, "lee.park@clinic.EXAMPLE").name == "Lee Park"
    assert emails.owner(store, "KIM@clinic.example").role == "supervisor"
    assert emails.owner(store, "sam.rivera@clinic.example").name == SAM
    assert emails.owner(store, "nobody@clinic.example") is None
    trail = [(e["action"], e["subject"], e["detail"].get("email")) for e in audit.entries(store)]
    assert ("account-add", "Lee Park", "Lee.Park@Clinic.example") in trail
    assert ("account-set-email", SAM, "sam.rivera@clinic.example") in trail
    listed = json.loads(run(runner, db, "trainees", "list", "--format", "json").stdout)
    assert {r["name"]: r["email"] for r in listed} == {ANA: None, "Lee Park": "Lee.Park@Clinic.example",
                                                       SAM: "sam.rivera@clinic.example"}


def test_an_address_belongs_to_one_account_whatever_its_case(runner, db):
    assert run(runner, db, "trainees", "set-email", SAM, "sam@clinic.example").exit_code == 0
    taken = run(runner, db, "trainees", "set-email", ANA, "SAM@Clinic.Example")
    assert taken.exit_code == 1 and "already belongs to Sam Rivera" in taken.output
    again = run(runner, db, "trainees", "add", "Lee Park", "--email", "sam@CLINIC.example", "--passphrase-stdin",
                input="lees passphrase\n")
    assert again.exit_code == 1 and "already belongs to Sam Rivera" in again.output
    store = Store.open(db)
    assert accounts.find(store, "Lee Park") is None  # refused whole: no account without its address
    assert emails.owner(store, "sam@clinic.example").name == SAM


@pytest.mark.parametrize("bad", ["", "sam", "sam@", "@clinic.example", "sam@clinic", "sam rivera@clinic.example",
                                 "sam@clinic..example", "sam@-clinic.example", "sam\x1b[31m@clinic.example",
                                 "a@b@clinic.example", "x" * 65 + "@clinic.example", "s@" + "a" * 250 + ".org"])
def test_a_malformed_address_is_misuse_and_changes_nothing(runner, db, bad):
    result = run(runner, db, "trainees", "set-email", SAM, bad)
    assert result.exit_code == 2 and "\x1b" not in result.output and "Traceback" not in result.output
    added = run(runner, db, "supervisors", "add", "Kim Baptiste", "--email", bad, "--passphrase-stdin",
                input="kims passphrase\n")
    assert added.exit_code == 2
    store = Store.open(db)
    assert emails.emails(store) == {} and accounts.find(store, "Kim Baptiste") is None


def test_set_email_is_for_trainees_and_needs_a_sign_in(runner, db, monkeypatch):
    wrong = run(runner, db, "trainees", "set-email", BOSS, "morgan@clinic.example")
    assert wrong.exit_code == 1 and "is a supervisor" in wrong.output
    monkeypatch.delenv("TRAINER_PASSPHRASE")
    refused = run(runner, db, "trainees", "set-email", SAM, "sam@clinic.example")
    assert refused.exit_code == 2 and "sign-in" in refused.output
    assert emails.emails(Store.open(db)) == {}


def test_the_database_itself_refuses_a_second_account_with_the_address(runner, db):
    import sqlite3

    assert run(runner, db, "trainees", "set-email", SAM, "sam@clinic.example").exit_code == 0
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE accounts SET email = 'x', email_key = 'sam@clinic.example' WHERE name = ?", [ANA])
    conn.close()
