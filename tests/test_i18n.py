"""The app's own text follows the trainee's setting, else the environment, else English; and the shipped
catalogues (the .pot, Spanish .po and its compiled .mo) are never behind the source."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import ROOT
from trainer import i18n
from trainer.i18n import _, ngettext

LOCALE = ROOT / "trainer" / "locale"
POT = LOCALE / "messages.pot"


def _language_from(monkeypatch, **env) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return i18n.set_language(None)


def test_lang_es_shows_spanish(monkeypatch):
    assert _language_from(monkeypatch, LANG="es_ES.UTF-8") == "es"
    assert _("Help") == "Ayuda"


def test_language_wins_over_lang_as_gettext_reads_it(monkeypatch):
    assert _language_from(monkeypatch, LANG="es_ES.UTF-8", LANGUAGE="en_GB") == "en"
    assert _("Help") == "Help"
    assert _language_from(monkeypatch, LANG="en_US.UTF-8", LANGUAGE="fr:es") == "es"  # first one with a catalogue


def test_lc_all_wins_over_lang(monkeypatch):
    assert _language_from(monkeypatch, LANG="en_US.UTF-8", LC_ALL="es_MX.UTF-8") == "es"


@pytest.mark.parametrize("lang", ["fr_FR.UTF-8", "C", "xx", "not a locale!"])
def test_an_unknown_language_is_english_without_an_error(monkeypatch, lang):
    assert _language_from(monkeypatch, LANG=lang) == "en"
    assert _("Help") == "Help"


def test_the_setting_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert i18n.set_language("en") == "en"
    assert _("Help") == "Help"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.set_language("es-MX") == "es"  # a BCP 47 tag falls back to its language
    assert _("Help") == "Ayuda"
    assert i18n.set_language("klingon") == "en"


def test_empty_text_is_never_the_catalogue_header():
    i18n.set_language("es")
    assert _("") == ""


def test_plural_forms_follow_the_count():
    i18n.set_language("es")
    one = ngettext("{count} attempt", "{count} attempts", 1).format(count=1)
    many = ngettext("{count} attempt", "{count} attempts", 3).format(count=3)
    assert (one, many) == ("1 intento", "3 intentos")


def test_languages_are_listed_by_their_own_names():
    assert i18n.available_languages() == {"en": "English", "es": "Español"}


# --- the catalogues are up to date --------------------------------------------------------------------------

def _ids(catalog) -> set:
    return {(m.context, m.id) for m in catalog if m.id}


def test_the_template_holds_exactly_the_strings_in_the_source(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-location",
                    "--sort-output", "--add-comments=Translators:", "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with fresh.open("rb") as new, POT.open("rb") as committed:
        added, gone = _ids(read_po(new)) - _ids(read_po(committed)), _ids(read_po(committed)) - _ids(read_po(new))
    assert not added and not gone, (f"trainer/locale/messages.pot is behind the source (docs/translating.md): "
                                    f"new {sorted(added, key=str)}, gone {sorted(gone, key=str)}")


def _strings(catalog) -> dict:
    def flat(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {(m.context, flat(m.id)): flat(m.string) for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


@pytest.mark.parametrize("language", [p.name for p in LOCALE.iterdir() if p.is_dir()])
def test_every_catalogue_is_complete_and_compiled(language):
    with POT.open("rb") as f:
        template = _ids(read_po(f))
    po_path = LOCALE / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as f:
        catalog = read_po(f)
    assert _ids(catalog) == template, f"run pybabel update for {language} (docs/translating.md)"
    for message in catalog:
        if not message.id:
            continue
        where = f"{language}: {message.id!r}"
        assert "fuzzy" not in message.flags, f"{where} is marked fuzzy: check the translation, drop the flag"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(strings), f"{where} is not translated"
        for string in strings:  # a lost or renamed {placeholder} would raise KeyError on screen
            assert _placeholders(string) <= set().union(*map(_placeholders, ids)), where
        assert _placeholders(strings[-1]) == _placeholders(ids[-1]), where
    with (po_path.with_suffix(".mo")).open("rb") as f:
        compiled = _strings(read_mo(f))
    written = _strings(catalog)
    assert compiled == written, f"run pybabel compile -d trainer/locale ({language}'s .mo is behind its .po)"


# --- the trainee app in Spanish -------------------------------------------------------------------------------

SIZE = (80, 24)


def _fresh_process_with(monkeypatch, **env) -> None:
    """As a new `trainer` process started with this environment would choose its language."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    i18n.set_language(None)


async def _open_spouse_call(pilot) -> None:
    from textual.widgets import DataTable

    table = pilot.app.screen.query_one("#catalogue", DataTable)
    table.move_cursor(row=table.get_row_index("spouse-call"))
    await pilot.press("enter")
    await pilot.pause()


async def test_lang_es_shows_the_catalogue_brief_and_debrief_in_spanish(tmp_path, monkeypatch):
    from tests.test_tui_output_safety import screen_text
    from tests.tui_helpers import make_app

    _fresh_process_with(monkeypatch, LANG="es_ES.UTF-8")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        catalogue = screen_text(app)
        assert "Escenarios · Robin Test" in catalogue and "Categoría" in catalogue and "2 de 2 escenarios" in catalogue
        assert "privacidad" in catalogue and "Mi progreso" in catalogue  # a category, a footer key
        assert "Scenarios" not in catalogue and "My progress" not in catalogue
        await _open_spouse_call(pilot)
        brief = screen_text(app)
        assert "Su puesto" in brief and "Situación" in brief and "Empezar" in brief and "● práctica" in brief
        await pilot.press("m", "enter", "y", "2", "2")  # assessment, two choices to an ending
        await pilot.pause()
        debrief = screen_text(app)
        assert "Resultado:" in debrief and "evaluación" in debrief and "aprueba con 70%" in debrief
        assert "NO APROBADO ✗" in debrief or "APROBADO ✓" in debrief
        assert "PASSED" not in debrief and "Overall" not in debrief


async def test_an_unknown_lang_shows_english(tmp_path, monkeypatch):
    from tests.test_tui_output_safety import screen_text
    from tests.tui_helpers import make_app

    _fresh_process_with(monkeypatch, LANG="fr_FR.UTF-8")
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Scenarios · Robin Test" in screen_text(pilot.app) and "2 of 2 scenarios" in screen_text(pilot.app)


async def test_the_trainees_choice_in_the_app_overrides_lang_and_is_kept(tmp_path, monkeypatch):
    from textual.widgets import OptionList

    from tests.test_tui_output_safety import screen_text
    from tests.tui_helpers import make_app
    from trainer.progress.preferences import language_of
    from trainer.tui.screens.language import LanguageScreen

    _fresh_process_with(monkeypatch, LANG="es_ES.UTF-8")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p", "l")  # My progress, then its language key
        await pilot.pause()
        assert isinstance(app.screen, LanguageScreen)
        picker = app.screen.query_one(OptionList)
        shown = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert shown == ["Como en este equipo (Español)", "English", "Español"]
        picker.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert "My progress · Robin Test" in screen_text(app)  # at once, on the screen the choice was made
        await pilot.press("escape")
        await pilot.pause()
        assert "Scenarios · Robin Test" in screen_text(app) and "Category" in screen_text(app)  # and under it
        assert language_of(app.store, app.trainee) == "en"
    _fresh_process_with(monkeypatch, LANG="es_ES.UTF-8")  # the next start: the trainee's choice wins
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "Scenarios · Robin Test" in screen_text(pilot.app)
        await pilot.press("p", "l")
        await pilot.pause()
        pilot.app.screen.query_one(OptionList).highlighted = 0  # back to "as on this computer"
        await pilot.press("enter")
        await pilot.pause()
        assert "Mi progreso · Robin Test" in screen_text(pilot.app)
        assert language_of(pilot.app.store, pilot.app.trainee) is None
