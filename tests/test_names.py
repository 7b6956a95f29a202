"""Names of trainees and supervisors: one rule wherever a name comes in (picker, --trainee, accounts, sign-in)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from trainer.progress.names import InvalidName, clean_name, name_key
from trainer.progress.store import Store, StoreError


@pytest.mark.parametrize("raw, stored", [
    ("  Sam   Rivera ", "Sam Rivera"),
    ("Ｓａｍ Ｒｉｖｅｒａ", "Sam Rivera"),          # full-width letters fold to plain ones (NFKC)
    ("Zoë Ng", "Zoë Ng"),
    ("Zoe\u0308 Ng", "Zoë Ng"),                     # combining diaeresis composes
    ("x" * 80, "x" * 80),
])
def test_names_are_normalised(raw, stored):
    assert clean_name(raw) == stored


@pytest.mark.parametrize("raw, message", [
    ("Sam\x1b]52;c;aGk=\x07", "U+001B"),
    ("Sam\tRivera", "U+0009"),
    ("Sam\nRivera", "U+000A"),
    ("Sam\u202eareviR", "RIGHT-TO-LEFT OVERRIDE"),
    ("Sam\u2067Rivera", "U+2067"),
    ("Sa\u200bm", "ZERO WIDTH SPACE"),
    ("Sam\u2028Rivera", "LINE SEPARATOR"),
])
def test_control_format_and_bidi_characters_are_refused_with_the_character_named(raw, message):
    with pytest.raises(InvalidName, match="control, format or bidirectional") as caught:
        clean_name(raw)
    assert message in str(caught.value)


@pytest.mark.parametrize("raw, message", [("", "cannot be empty"), ("   ", "cannot be empty"),
                                          ("x" * 81, "at most 80 characters")])
def test_length_is_one_to_eighty(raw, message):
    with pytest.raises(InvalidName, match=message):
        clean_name(raw, "trainee name")


def test_names_equal_after_case_folding_are_one_person(tmp_path):
    store = Store.open(tmp_path / "p.db")
    first = store.trainee("Straße Team")
    assert store.trainee("STRASSE TEAM") == first
    assert store.trainee("ｓｔｒａßｅ team") == first
    assert [t.name for t in store.trainees()] == ["Straße Team"]
    assert name_key("Sam Rivera") == name_key("SAM  RIVERA")


def test_the_store_refuses_a_bad_name_with_the_reason(tmp_path):
    store = Store.open(tmp_path / "p.db")
    with pytest.raises(StoreError, match="control, format or bidirectional"):
        store.trainee("Dana\x1b[2J")
    assert store.trainees() == []


@given(st.text(max_size=100))
def test_a_clean_name_is_always_printable_and_stable(raw):
    try:
        name = clean_name(raw)
    except InvalidName:
        return
    assert 1 <= len(name) <= 80 and name == name.strip()
    assert all(ch.isprintable() for ch in name)
    assert clean_name(name) == name


def test_every_way_a_name_comes_in_from_the_command_line_is_checked(runner, tmp_path):
    from tests.conftest import FIXTURES
    from trainer.cli import cli

    bad = "Dana\x1b]52;c;aGk=\x07"
    db = str(tmp_path / "p.db")
    for args in (["--trainee", bad], ["review", "--as", bad],
                 ["simulate", str(FIXTURES / "minimal.yaml"), "--record", "--trainee", bad]):
        result = runner.invoke(cli, ["--db", db, *args])
        assert result.exit_code == 2, (args, result.output)
        assert "\x1b" not in result.output
    assert Store.open(tmp_path / "p.db").trainees() == []


# --- names that look alike (UTS #39 security skeletons) -----------------------------------------------
@pytest.fixture
def site(tmp_path, fast_hashing):
    from tests.site_helpers import BOSS, BOSS_PASS, IRI
    from trainer.progress import accounts

    store = Store.open(tmp_path / "site.db")
    accounts.init_site(store, BOSS, IRI, [], BOSS_PASS)
    accounts.add_account(store, "Sam Rivera", "trainee", "sams passphrase", BOSS, groups=["Front desk"])
    accounts.add_account(store, "Bill Okafor", "trainee", "bills passphrase", BOSS)
    yield store
    store.close()


@pytest.mark.parametrize("look_alike, existing", [
    ("S\u0430m Rivera", "Sam Rivera"),          # Cyrillic а
    ("Sam Riv\u0435r\u0430", "Sam Rivera"),     # Cyrillic е and а
    ("Sarn Rivera", "Sam Rivera"),              # r n for m
    ("SAM RlVERA", "Sam Rivera"),               # l for I, whatever the case
    ("BiII Okafor", "Bill Okafor"),             # capital I for l
    ("Bill 0kafor", "Bill Okafor"),             # zero for O
    ("\u039corgan Lee", "Morgan Lee"),          # Greek capital mu
])
def test_a_name_that_looks_like_an_existing_one_is_refused_naming_it(site, look_alike, existing):
    from tests.site_helpers import BOSS
    from trainer.progress import accounts

    with pytest.raises(accounts.AccessError, match=f"looks like '{existing}'"):
        accounts.add_account(site, look_alike, "trainee", "a fine passphrase", BOSS)
    assert accounts.find(site, look_alike) is None


def test_a_rename_into_a_look_alike_is_refused_but_a_change_of_case_is_not(site):
    from tests.site_helpers import BOSS
    from trainer.progress import accounts

    with pytest.raises(accounts.AccessError, match="looks like 'Sam Rivera'"):
        accounts.rename(site, "Bill Okafor", "S\u0430m Rivera", BOSS)
    assert accounts.rename(site, "Sam Rivera", "SAM RIVERA", BOSS).name == "SAM RIVERA"
    assert accounts.rename(site, "SAM RIVERA", "Sam Rivera", BOSS).name == "Sam Rivera"


def test_a_group_that_looks_like_an_existing_one_is_refused(site):
    from tests.site_helpers import BOSS
    from trainer.progress import accounts

    with pytest.raises(accounts.AccessError, match="looks like 'Front desk'"):
        accounts.add_to_group(site, "Bill Okafor", "Fr\u043ent desk", BOSS)
    assert accounts.add_to_group(site, "Bill Okafor", "front desk", BOSS).groups == ("Front desk",)


def test_different_names_in_other_scripts_are_still_welcome(site):
    from tests.site_helpers import BOSS
    from trainer.progress import accounts

    for name in ("Sam Rivers", "Samir Rivera", "Зоя Смирнова", "李明", "José Núñez", "Jose Nunez"):
        accounts.add_account(site, name, "trainee", "a fine passphrase", BOSS)


def test_the_cli_refuses_a_look_alike_with_one_line(runner, tmp_path, fast_hashing, monkeypatch):
    from tests.site_helpers import as_supervisor, make_site
    from trainer.cli import cli

    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db)
    as_supervisor(monkeypatch)
    result = runner.invoke(cli, ["--db", str(db), "trainees", "add", "S\u0430m Rivera", "--passphrase-stdin"],
                           input="a fine passphrase\n")
    assert result.exit_code == 1
    assert "looks like 'Sam Rivera'" in result.output and len(result.output.strip().splitlines()) == 1
