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
