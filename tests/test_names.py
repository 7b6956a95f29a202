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
