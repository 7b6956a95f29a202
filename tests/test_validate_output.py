"""A cold `trainer validate` prints exactly what it printed when tests/fixtures/validate-expected.json was
recorded (tests/validate_golden.py): every line, for the bundled library, tests/fixtures' scenarios and a
corpus of broken files, checked in one process and on every core. Making validate faster must not change
a word of what it says."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from tests import validate_golden as golden
from trainer.scenario import checkpool

EXPECTED = json.loads(golden.EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    where = tmp_path_factory.mktemp("validate-output")
    golden.stage(where)
    return where


def _compare(where, run: str) -> None:
    code, output = golden.run_validate(where, run)
    now = golden.record(where, run, code, output)
    then = EXPECTED[run]
    unchanged = [name for name, entry in then["files"].items()
                 if name in now["files"] and now["files"][name]["deps"] == entry["deps"]]
    # the frozen corpus never changes, so at least its files are always compared
    assert all(name in unchanged for name in then["files"] if name.startswith("corpus/"))
    for name in unchanged:
        assert now["files"][name]["lines"] == then["files"][name]["lines"], name
    if len(unchanged) == len(then["files"]) == len(now["files"]):  # nothing edited since: the whole output
        assert (code, now["rest"]) == (then["exit"], then["rest"])


@pytest.mark.parametrize("pool_from", [10**9, 8], ids=["one-process", "pooled"])
def test_validate_of_library_fixtures_and_broken_files_prints_what_it_did(staged, monkeypatch, pool_from):
    if pool_from < 10**9 and checkpool.usable_cores() < 2:
        pytest.skip("a pool needs two cores")
    monkeypatch.setattr(checkpool, "POOL_FROM", pool_from)
    _compare(staged, "all")


def test_forms_whose_original_is_in_the_library_print_what_they_did(staged):
    _compare(staged, "alone")


def test_a_cold_validate_parses_each_file_once_and_only_the_library_originals_it_needs(staged, monkeypatch):
    """Forms are checked from what the files' first check kept: no file is parsed again for the line of
    `form_of:`, and an original outside the files is read alone, without loading the whole library."""
    from trainer.scenario import library, loader

    parsed = []
    real = loader.check_text
    monkeypatch.setattr(loader, "check_text", lambda text, path, report=None: (parsed.append(path.name),
                                                                              real(text, path, report))[1])
    monkeypatch.setattr(library, "load_library", lambda *a, **k: pytest.fail("the whole library was loaded"))
    monkeypatch.setattr(checkpool, "POOL_FROM", 10**9)  # parsed in this process, where they are counted
    where = staged / "forms-only"
    (where / "forms").mkdir(parents=True)
    for name in ("min-original", "min-form-version", "min-form-sound", "form-of-library"):
        (where / "forms" / f"{name}.yaml").write_bytes((staged / "corpus" / f"{name}.yaml").read_bytes())
    golden.RUNS["forms-only"] = ["forms"]
    try:
        code, output = golden.run_validate(where, "forms-only")
    finally:
        del golden.RUNS["forms-only"]
    assert code == 1 and "'version' is 2 here but 3 in the original 'records-request'" in output
    assert sorted(parsed) == ["form-of-library.yaml", "min-form-sound.yaml", "min-form-version.yaml",
                              "min-original.yaml", "records-request.yaml"]


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_language_check_finds_the_same_words_in_ascii_text_with_its_quicker_pattern(text):
    from trainer.scenario import detect

    lowered = text.lower()
    assert detect._ASCII_WORD.findall(lowered) == detect._WORD.findall(lowered)


def test_a_warm_validate_of_forms_parses_no_file(staged, monkeypatch):
    """The second run finds every file's findings, each form's check and which library file is its
    original in the caches: it parses nothing."""
    from trainer.scenario import library, loader

    where = staged / "forms-warm"
    (where / "forms").mkdir(parents=True)
    for name in ("min-original", "min-form-sound", "form-of-library"):
        (where / "forms" / f"{name}.yaml").write_bytes((staged / "corpus" / f"{name}.yaml").read_bytes())
    golden.RUNS["forms-warm"] = ["forms"]
    try:
        cold = golden.run_validate(where, "forms-warm", keep_cache=False)
        parsed = []
        real = loader.check_text
        monkeypatch.setattr(loader, "check_text", lambda text, path, report=None: (parsed.append(path.name),
                                                                                  real(text, path, report))[1])
        monkeypatch.setattr(library, "load_library", lambda *a, **k: pytest.fail("the whole library was loaded"))
        warm = golden.run_validate(where, "forms-warm", keep_cache=True)
    finally:
        del golden.RUNS["forms-warm"]
    assert warm == cold and "'version' is 2 here but 3" in warm[1]
    assert parsed == []
