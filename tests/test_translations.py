"""`language:` and `translation_of:`: a translation keeps its original's structure (checked wherever both
are loaded: the library and `trainer validate`), and each difference is an error in plain words at the
translation's line and column."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.scenario.library import load_library
from trainer.scenario.loader import check_file, load_scenario

ORIGINAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
SPANISH = """\
title: Mínimo
language: es
translation_of: minimal
category: scheduling
summary: El escenario útil más pequeño.
character: {name: Ana Ruiz}
nodes:
  start:
    says: Hola, necesito cambiar mi cita.
    choices:
      - {id: help, text: "Claro, con gusto le ayudo.", next: done, points: {resolution: 2, empathy: 1, de-escalation: 1}, feedback: Bien., tags: [HEARD:resolve]}
      - {id: wait, text: "Espere.", next: meh, points: {resolution: -1}, feedback: Vago., tags: [AIDET:duration]}
  meh:
    says: Bueno...
    choices:
      - {id: recover, text: "Disculpe, tengo el martes a las 10.", next: done, points: {resolution: 1}, feedback: Se recuperó., tags: [HEARD:apologize]}
      - {id: leak, text: "Su vecina tiene el martes a las 10.", next: bad, points: {privacy: -3}, critical: Compartió la cita de otra paciente., feedback: Nunca., tags: [privacy:minimum-necessary]}
endings:
  done: {outcome: resolved, summary: Cambiada.}
  bad: {outcome: failed, summary: Filtró datos.}
"""


@pytest.fixture
def folder(tmp_path):
    """A folder with the original and its Spanish translation; returns a function to rewrite the latter."""
    (tmp_path / "minimal.yaml").write_text(ORIGINAL, encoding="utf-8")

    def translation(text: str = SPANISH, name: str = "minimo.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return translation


def validate(runner, *paths, env=None):
    result = runner.invoke(cli, ["validate", "--format", "json", *map(str, paths)], env=env)
    data = json.loads(result.output)
    return result.exit_code, [d for d in data["diagnostics"] if d["severity"] == "error"]


def test_language_defaults_to_english_and_is_written_canonically(write):
    assert load_scenario(write(ORIGINAL, "minimal.yaml")).language == "en"
    scenario = load_scenario(write(SPANISH.replace("language: es", "language: ES-us"), "minimo.yaml"))
    assert (scenario.language, scenario.translation_of, scenario.original_id) == ("es-US", "minimal", "minimal")


@pytest.mark.parametrize("tag", ["spanish", "es_US", "e", "es-"])
def test_a_malformed_language_tag_is_an_error_with_the_fix(write, tag):
    scenario, report = check_file(write(SPANISH.replace("language: es", f"language: {tag}")))
    assert scenario is None
    [error] = report.errors
    assert (error.loc.line, error.loc.col) == (2, 11) and "BCP 47" in error.hint and "es-US" in error.hint


def test_an_unknown_language_is_a_warning(write):
    scenario, report = check_file(write(SPANISH.replace("language: es", "language: sp")))
    assert scenario is not None
    assert any("'sp' is not a language trainer knows" in d.message for d in report.warnings)


def test_a_faithful_translation_validates_with_its_original(runner, folder):
    code, errors = validate(runner, folder())
    assert code in (0, 1) and errors == []  # warnings (the fixture's fairness) are not at issue here


@pytest.mark.parametrize("change, where, message", [
    (("resolution: 2, empathy: 1", "resolution: 3, empathy: 1"), (11, 76),
     "choice 'help' in node 'start' gives resolution +3 here but +2 in the original 'minimal'"),
    (("points: {privacy: -3}", "points: {privacy: -3, empathy: 1}"), (17, 84),
     "choice 'leak' in node 'meh' gives empathy +1 here but none in the original 'minimal'"),
    (("next: bad", "next: done"), (17, 71),
     "where choice 'leak' in node 'meh' leads is 'done' here but 'bad' in the original 'minimal'"),
    (("critical: Compartió la cita de otra paciente., ", ""), (17, 9),
     "choice 'leak' in node 'meh' is not a critical error here, unlike in the original 'minimal'"),
    (("tags: [HEARD:resolve]", "tags: [HEARD:resolver]"), (11, 146),
     "choice 'help' in node 'start' is tagged HEARD:resolver here but HEARD:resolve in the original 'minimal'"),
    (("id: wait,", "id: espera,"), (11, 7),
     "node 'start' lacks choice(s) wait in the original 'minimal' and has choice(s) espera that are not in the "
     "original 'minimal'"),
    (("bad", "malo"), (20, 9),
     "ending 'malo' is not in the original 'minimal'"),
    (("outcome: resolved", "outcome: partial"), (19, 19),
     "ending 'done''s outcome is partial here but resolved in the original 'minimal'"),
    (("next: done, points: {resolution: 1}", "next: done, points: {resolution: 1}, when: {mood_below: 40}"),
     (16, 111), "choice 'recover' in node 'meh' is offered when mood below 40 here but always in the original"),
    (("title: Mínimo\n", "title: Mínimo\nversion: 2\n"), (2, 10),
     "'version' is 2 here but 1 in the original 'minimal': bring the translation up to date"),
    (("category: scheduling", "category: billing"), (4, 11),
     "'category' is billing here but scheduling in the original 'minimal'"),
])
def test_each_structural_difference_is_an_error_at_its_place(runner, folder, change, where, message):
    text = SPANISH.replace(*change)
    assert text != SPANISH
    code, errors = validate(runner, folder(text))
    assert code == 1
    found = [(e["line"], e["col"], e["message"]) for e in errors if e["path"].endswith("minimo.yaml")]
    assert any(m.startswith(message) for _, _, m in found), found
    assert (where[0], where[1]) in [(line, col) for line, col, m in found if m.startswith(message)], found
    assert all("only the text is translated" in e["hint"] for e in errors)


def test_an_unknown_original_is_an_error_with_did_you_mean(runner, folder):
    code, errors = validate(runner, folder(SPANISH.replace("translation_of: minimal", "translation_of: minimall")))
    assert code == 1
    [error] = errors
    assert (error["line"], error["col"]) == (3, 17)
    assert error["message"] == "'translation_of' names 'minimall', which is not a loaded scenario " \
                               "(did you mean 'minimal'?)"


def test_the_original_may_come_from_the_library(runner, folder, tmp_path):
    only = tmp_path / "es"
    only.mkdir()
    (only / "minimo.yaml").write_text(SPANISH, encoding="utf-8")
    code, errors = validate(runner, only / "minimo.yaml", env={"TRAINER_SCENARIOS": str(tmp_path / "minimal.yaml")})
    assert errors == []
    code, errors = validate(runner, only / "minimo.yaml")  # no original anywhere
    assert [e["message"] for e in errors] == ["'translation_of' names 'minimal', which is not a loaded scenario"]


def test_a_translation_in_the_original_language_or_of_a_translation_is_an_error(runner, folder):
    code, errors = validate(runner, folder(SPANISH.replace("language: es", "language: en-GB")))
    assert "this translation is in the same language as its original 'minimal' (en)" in [e["message"] for e in errors]
    folder()
    chained = SPANISH.replace("translation_of: minimal", "translation_of: minimo").replace("language: es",
                                                                                         "language: pt")
    code, errors = validate(runner, folder(chained, "minimo-pt.yaml"))
    assert [e["message"] for e in errors] == ["'minimo' is itself a translation (of 'minimal')"]


def test_two_translations_into_one_language_are_an_error(runner, folder):
    folder()
    code, errors = validate(runner, folder(SPANISH, "minimo-2.yaml"))
    assert [(e["path"].rsplit("/", 1)[-1], e["message"]) for e in errors] == [
        ("minimo.yaml", "'minimo-2' is already the Español (es) translation of 'minimal'")]


def test_the_library_leaves_out_a_translation_that_differs_and_says_where(folder):
    path = folder(SPANISH.replace("resolution: 2, empathy: 1", "resolution: 3, empathy: 1"))
    for _ in range(2):  # the second load is served from the cache, which keeps no locations
        library = load_library([path], include_bundled=False)
        assert list(library.summaries) == ["minimal"]
        [error] = library.errors
        assert error.path.endswith("minimo.yaml") and (error.loc.line, error.loc.col) == (11, 76)
    library = load_library([folder()], include_bundled=False)
    assert library.errors == []
    warm = load_library([folder()], include_bundled=False)  # the pair is known to match: nothing unpickled
    assert warm.errors == [] and set(warm.scenarios._blobs) == {"minimal", "minimo"}
    summary = library.summaries["minimo"]
    assert (summary.language, summary.translation_of, summary.original_id) == ("es", "minimal", "minimal")
    assert library.version_in("minimal", "es-MX").id == "minimo"
    assert library.version_in("minimal", "fr").id == "minimal"


def test_the_catalogue_names_languages_from_the_cache_without_loading_babel(folder, tmp_path):
    """The catalogue's "also in Español" and "English first" come from the cached summaries: with a warm
    cache, building them loads no Babel locale data (it cost 30-45 ms before the first frame)."""
    import os
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from trainer.scenario.library import load_library\n"
        "from trainer.ui.widgets import version_title\n"
        f"library = load_library([{str(folder())!r}], include_bundled=False)\n"
        "print(version_title(library, 'minimal', 'en').plain, '|', library.language_label('en'),\n"
        "      '|', 'babel' in sys.modules)\n")
    env = {**os.environ, "TRAINER_CACHE_DIR": str(tmp_path / ".cache")}
    runs = [subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]  # the first reads the files and fills the cache; the second is a warm start
    assert runs[0].stdout == "Minimal · also in Español | English | True\n"
    assert runs[1].stdout == "Minimal · also in Español | English | False\n"
