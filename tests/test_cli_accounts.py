"""`trainer site init`, `trainer trainees add|list|rename|disable|reset-passphrase`, `trainer supervisors add`."""

from __future__ import annotations

import json

import pytest

from tests.site_helpers import ANA, BOSS, IRI, SAM, SAM_PASS, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress import accounts, audit
from trainer.progress.store import Store


@pytest.fixture
def db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path, [tmp_path])
    return path


def run(runner, db, *args, input=None):
    return runner.invoke(cli, ["--db", str(db), *args], input=input)


def test_site_init_creates_the_site_with_its_folders(db, tmp_path):
    store = Store.open(db)
    assert accounts.site(store) == accounts.Site(IRI, (tmp_path.resolve(),))
    assert [a.name for a in accounts.accounts(store, "supervisor")] == [BOSS]
    assert [(a.name, a.groups) for a in accounts.accounts(store, "trainee")] == [(ANA, ("Call centre",)),
                                                                              (SAM, ("Front desk",))]


def test_site_init_needs_an_iri_and_has_no_default(runner, tmp_path, fast_hashing):
    result = run(runner, tmp_path / "s.db", "site", "init", "--supervisor", BOSS, "--passphrase-stdin", input="x" * 9)
    assert result.exit_code == 2 and "--site-iri" in result.output
    result = run(runner, tmp_path / "s.db", "site", "init", "--supervisor", BOSS, "--site-iri", "clinic",
                 "--passphrase-stdin", input="long enough pass\n")
    assert result.exit_code == 1 and "not a site IRI" in result.output
    result = run(runner, tmp_path / "s.db", "site", "init", "--supervisor", BOSS, "--site-iri", IRI,
                 "--passphrase-stdin", input=" " * 12 + "\n")
    assert result.exit_code == 1 and "only spaces" in result.output


def test_site_init_refuses_an_existing_site(runner, db):
    result = run(runner, db, "site", "init", "--supervisor", "Kim", "--site-iri", IRI, "--passphrase-stdin",
                 input="another passphrase\n")
    assert result.exit_code == 1 and "already a site" in result.output


def test_account_commands_need_a_supervisor_sign_in(runner, db):
    for args in (["trainees", "list"], ["trainees", "disable", SAM], ["supervisors", "add", "Kim"]):
        result = run(runner, db, *args, input="kims passphrase\n")
        assert result.exit_code == 2 and "needs a supervisor sign-in" in result.output, args
        assert SAM not in result.output and ANA not in result.output
    store = Store.open(db)
    assert not accounts.find(store, SAM).disabled and accounts.find(store, "Kim") is None


def test_trainees_list_text_and_json(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    text = run(runner, db, "trainees", "list")
    assert text.exit_code == 0 and f"{ANA}  [Call centre]" in text.output and f"{SAM}  [Front desk]" in text.output
    rows = json.loads(run(runner, db, "trainees", "list", "--format", "json").stdout)
    assert rows == [{"name": ANA, "role": "trainee", "disabled": False, "groups": ["Call centre"], "email": None, "accommodation": None},
                    {"name": SAM, "role": "trainee", "disabled": False, "groups": ["Front desk"], "email": None, "accommodation": None}]


def test_add_rename_disable_reset_are_audited(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    assert run(runner, db, "supervisors", "add", "Kim Baptiste", "--passphrase-stdin", input="kims passphrase\n"
               ).exit_code == 0
    renamed = run(runner, db, "trainees", "rename", "sam rivera", "Samantha Rivera")
    assert renamed.exit_code == 0 and "Renamed to Samantha Rivera" in renamed.output
    assert run(runner, db, "trainees", "reset-passphrase", "Samantha Rivera", "--passphrase-stdin",
               input="fresh passphrase\n").exit_code == 0
    assert run(runner, db, "trainees", "disable", ANA).exit_code == 0
    store = Store.open(db)
    assert accounts.sign_in(store, "Samantha Rivera", "fresh passphrase").name == "Samantha Rivera"
    assert accounts.find(store, ANA).disabled
    trail = [(e["actor"], e["action"], e["subject"]) for e in audit.entries(store) if e["action"] != "sign-in"][-4:]
    assert trail == [(BOSS, "account-add", "Kim Baptiste"), (BOSS, "account-rename", "Samantha Rivera"),
                     (BOSS, "account-reset-passphrase", "Samantha Rivera"), (BOSS, "account-disable", ANA)]


def test_refusals_are_one_line(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    dup = run(runner, db, "trainees", "add", "SAM RIVERA", "--passphrase-stdin", input="a fine passphrase\n")
    assert dup.exit_code == 1 and "already an account" in dup.output and len(dup.output.strip().splitlines()) == 1
    bad = run(runner, db, "trainees", "add", "Eve\x1b]52;c;aGk=\x07", "--passphrase-stdin", input="a fine passphrase\n")
    assert bad.exit_code == 1 and "control, format or bidirectional" in bad.output and "\x1b" not in bad.output
    wrong_role = run(runner, db, "trainees", "disable", BOSS)
    assert wrong_role.exit_code == 1 and "is a supervisor, not a trainee" in wrong_role.output
    missing = run(runner, db, "trainees", "rename", "Nobody", "Somebody")
    assert missing.exit_code == 1 and "no account named 'Nobody'" in missing.output


def test_a_passphrase_never_comes_from_the_command_line(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    result = run(runner, db, "trainees", "add", "Kim", "--passphrase", "kims passphrase")
    assert result.exit_code == 2 and "No such option" in result.output
    piped = run(runner, db, "trainees", "add", "Kim", input="kims passphrase\n")  # no terminal, no flag
    assert piped.exit_code == 2 and "--passphrase-stdin" in piped.output


def test_the_passphrase_prompt_is_hidden(runner, db, monkeypatch):
    monkeypatch.setattr("trainer.cli.gate.interactive", lambda: True)
    result = run(runner, db, "trainees", "add", "Kim Baptiste",
                 input=f"{BOSS}\nmorgans passphrase\nkims passphrase\nkims passphrase\n")
    assert result.exit_code == 0, result.output
    assert "morgans passphrase" not in result.output and "kims passphrase" not in result.output
    assert accounts.sign_in(Store.open(db), "Kim Baptiste", "kims passphrase").role == "trainee"


def test_personal_databases_have_no_accounts(runner, tmp_path):
    result = run(runner, tmp_path / "p.db", "trainees", "list")
    assert result.exit_code == 1 and "personal database" in result.output


def test_site_init_checks_the_length_before_asking_to_repeat_it(runner, tmp_path, monkeypatch):
    """A too-short passphrase is refused as soon as it is typed, and asked for again: not after the
    supervisor has typed it a second time."""
    monkeypatch.setattr("trainer.cli.gate.interactive", lambda: True)
    db = tmp_path / "fresh.db"
    result = runner.invoke(cli, ["--db", str(db), "site", "init", "--supervisor", "Morgan Reyes",
                                 "--site-iri", "https://clinic.example/training"],
                           input="short\nlong enough now\nlong enough now\n")
    assert result.exit_code == 0, result.output
    out = result.output
    refused = out.index("at least 12 characters")
    assert "Repeat for confirmation" not in out[:refused]  # refused before the confirmation was asked
    assert out.count("Repeat for confirmation") == 1
    assert accounts.sign_in(Store.open(db), "Morgan Reyes", "long enough now").role == "supervisor"
