"""Jurisdiction and topics: every bundled scenario names whose law it teaches and what it practises; a site
(or a personal database, through the locale) is offered its own country's scenarios in the catalogue,
suggestions and assignments, with the rest one key away."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import doc_example
from tests.site_helpers import SAM, as_supervisor, make_site
from tests.tui_helpers import make_app, scenario_folder
from trainer.cli import cli
from trainer.i18n import territory_from_environment
from trainer.scenario.library import load_library
from trainer.scenario.vocabulary import TOPICS


def _gb_copy(folder, ident="uk-desk", topics="[billing]"):
    """A copy of the doc example set in Great Britain: one scenario from another jurisdiction."""
    text = (folder / "spouse-call.yaml").read_text(encoding="utf-8")
    text = text.replace("jurisdiction: US", "jurisdiction: GB").replace(
        "topics: [sensitive-information]", f"topics: {topics}").replace(
        "title: A caller asking for her husband's results", "title: A UK caller")
    (folder / f"{ident}.yaml").write_text(text, encoding="utf-8")


def test_every_bundled_scenario_names_its_jurisdiction_and_topics():
    library = load_library()
    for s in library.summaries.values():
        assert len(s.jurisdiction) == 2 and s.jurisdiction.isupper(), s.id
        assert s.topics and set(s.topics) <= set(TOPICS), s.id


def test_list_json_carries_jurisdiction_and_topics(runner):
    rows = json.loads(runner.invoke(cli, ["list", "--format", "json"]).output)
    assert all(r["jurisdiction"] == "US" and r["topics"] for r in rows)


def test_a_bad_jurisdiction_or_topic_is_an_error_at_its_line(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(doc_example().replace("jurisdiction: US", "jurisdiction: usa").replace(
        "topics: [sensitive-information]", "topics: [privacy]"), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml:4:15: error: 'jurisdiction' value 'usa' is not allowed here" in result.output
    assert "two-letter ISO 3166-1 code" in result.output
    assert "bad.yaml:5:10: error: 'topics[1]' must be one of wait-times" in result.output


@pytest.mark.parametrize("env, expected", [({"LANG": "en_GB.UTF-8"}, "GB"), ({"LC_ALL": "es_US.UTF-8", "LANG": "en_GB"}, "US"),
                                           ({"LANG": "C.UTF-8"}, "US"), ({}, "US"), ({"LANG": "de_DE@euro"}, "DE")])
def test_a_personal_database_takes_the_locale_country(env, expected):
    assert territory_from_environment(env) == expected


def test_site_set_jurisdiction_is_kept_audited_and_checked(runner, tmp_path, monkeypatch):
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db)
    as_supervisor(monkeypatch)
    bad = runner.invoke(cli, ["--db", str(db), "site", "set", "--jurisdiction", "XX"])
    assert bad.exit_code == 2 and "not a two-letter ISO 3166-1 country code" in bad.output
    good = runner.invoke(cli, ["--db", str(db), "site", "set", "--jurisdiction", "gb"])
    assert good.exit_code == 0, good.output
    assert "trains for GB" in good.output
    from trainer.progress.accounts import jurisdiction_of
    from trainer.progress.store import Store

    store = Store.open(db)
    try:
        assert jurisdiction_of(store) == "GB"
        rows = store._db.execute("SELECT action, subject FROM audit WHERE action = 'site-set'").fetchall()
        assert ("site-set", "jurisdiction") in [tuple(r) for r in rows]
    finally:
        store.close()


def test_assigning_another_countrys_scenario_needs_the_flag(runner, tmp_path, monkeypatch):
    folder = scenario_folder(tmp_path)
    _gb_copy(folder)
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db, scenario_dirs=[folder])
    as_supervisor(monkeypatch)
    due = (date.today() + timedelta(days=7)).isoformat()
    lib = ["--db", str(db), "--scenarios", str(folder)]
    refused = runner.invoke(cli, [*lib, "assign", "uk-desk", "--trainee", SAM, "--due", due])
    assert refused.exit_code == 2
    assert "'uk-desk' teaches GB law and practice and this site trains for US" in refused.output
    ok = runner.invoke(cli, [*lib, "assign", "uk-desk", "--trainee", SAM, "--due", due,
                             "--any-jurisdiction"])
    assert ok.exit_code == 0, ok.output
    also = runner.invoke(cli, [*lib, "assign", "spouse-call", "--trainee", SAM, "--due", due])
    assert also.exit_code == 0, also.output


def _rows(app):
    from textual.widgets import DataTable

    table = app.screen.query_one("#catalogue", DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def test_catalogue_offers_this_countrys_scenarios_and_j_shows_the_rest(tmp_path):
    folder = scenario_folder(tmp_path)
    _gb_copy(folder)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "uk-desk" not in _rows(app) and "spouse-call" in _rows(app)
        status = str(app.screen.query_one("#catalogue-status").render())
        assert "1 more for other countries (j to show)" in status
        await pilot.press("j")
        assert "uk-desk" in _rows(app)
        await pilot.press("j")
        assert "uk-desk" not in _rows(app)


async def test_catalogue_filters_by_topic(tmp_path):
    folder = scenario_folder(tmp_path)
    _gb_copy(folder, "uk-bill", "[billing, wait-times]")
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j")  # every country, so both topics are in view
        await pilot.press("t")  # the first topic present in the library's vocabulary order: wait-times
        assert app.screen.topic == "wait-times" and _rows(app) == ["uk-bill"]
        assert "topic: wait-times (t to change)" in str(app.screen.query_one("#catalogue-status").render())


def test_suggestions_leave_out_other_countries(tmp_path):
    folder = scenario_folder(tmp_path)
    _gb_copy(folder)
    from trainer.play.next_up import offers

    library = load_library([folder], include_bundled=False)
    assert "uk-desk" in offers(library) and "uk-desk" not in offers(library, "US")
    assert "move-appointment" in offers(library, "US")  # names no jurisdiction: offered everywhere
    assert "uk-desk" in offers(library, "GB") and "spouse-call" not in offers(library, "GB")


def test_a_translation_keeps_its_originals_jurisdiction(runner, tmp_path):
    folder = tmp_path / "lib"
    (folder / "es").mkdir(parents=True)
    (folder / "spouse-call.yaml").write_text(doc_example(), encoding="utf-8")
    translated = doc_example().replace("language: en", "language: es\ntranslation_of: spouse-call").replace(
        "jurisdiction: US", "jurisdiction: MX")
    (folder / "es" / "llamada.yaml").write_text(translated, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "'jurisdiction' is MX here but US in the original" in result.output


async def test_a_country_with_no_scenarios_of_its_own_sees_the_whole_library(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # DE: nothing in the library is written for it
    folder = scenario_folder(tmp_path)
    _gb_copy(folder)
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert set(_rows(app)) == {"uk-desk", "spouse-call", "move-appointment"}


def test_suggestions_offer_scenarios_in_the_readers_language():
    """A scenario written in Spanish alone is not suggested to an English reader (nor an English-only one
    to a Spanish reader, while at least three are left); the catalogue still lists them all."""
    from trainer.play.next_up import offers

    library = load_library()
    english = offers(library, "US", "en")
    spanish_only = [s.id for s in library.originals() if s.language == "es" and not library.translations(s.id)]
    assert spanish_only and not set(spanish_only) & set(english)
    spanish = offers(library, "US", "es")
    assert set(spanish_only) <= set(spanish) and "surprise-bill" not in spanish
    assert "waiting-room-delay" in spanish  # it has a Spanish version


# --- the bundled library's coverage (issue #26) --------------------------------------------------------
UK_ONLY = [r"\bA&E\b", r"\bGP\b", r"\bpractice nurse\b", r"\bparacetamol\b", r"\bcar park\b", r"\bhalf (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
           r"\bmum\b", r"\bNHS\b", r"\bGMS1\b", r"\bLasting power of attorney\b", r"\b0(?:161|7700|113|121|20) ?\d", r"£\d",
           r"\bchemist\b", r"\bfortnight\b", r"\bwhilst\b", r"\bSurgery\b", r"\bHealth Centre\b", r"\bapologis", r"\borganis",
           r"\brecognis", r"\bauthoris(?:e|ed|ing|ation)\b", r"\bcolour", r"\bprogramme\b", r"\bphysio\b", r"\bmobile (?:number|phone)\b",
           r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)\b"]


def _texts(scenario):
    """Everything a trainee reads in a scenario (not its ids or tags)."""
    yield scenario.title
    yield scenario.summary
    yield from scenario.objectives
    for node in scenario.nodes.values():
        yield node.narration
        for entry in node.says:
            yield from (text for _band, text in entry.text)
        for choice in node.choices:
            yield from getattr(choice, "wordings", None) or (choice.text,)
            yield choice.feedback
            yield choice.critical or ""
    for ending in scenario.endings.values():
        yield ending.summary
        yield ending.narration


def test_the_bundled_library_covers_every_pain_point_for_us_clinics():
    library = load_library()
    originals = [s for s in library.originals() if not s.form_of]
    us = [s for s in originals if s.jurisdiction == "US"]
    assert len(originals) >= 28 and len(us) >= 24
    for topic in TOPICS:
        assert sum(topic in s.topics for s in us) >= 3, topic
    forms = [s for s in library.originals() if s.form_of]
    assert len({s.form_of for s in forms}) >= 8
    written_in_spanish = [s for s in originals if s.language == "es" and s.jurisdiction == "US"]
    assert len(written_in_spanish) >= 2


def test_no_uk_only_words_in_us_scenarios():
    import re

    library = load_library()
    found = []
    for summary in library.summaries.values():
        if summary.jurisdiction != "US" or summary.language != "en":
            continue
        for text in _texts(library.scenarios[summary.id]):
            for pattern in UK_ONLY:
                hit = re.search(pattern, text or "")
                if hit:
                    found.append(f"{summary.id}: {hit.group(0)!r} in {text[:60]!r}")
    assert found == []


def test_no_person_or_clinic_name_is_shared_by_two_scenario_families():
    """Invented people and places, each in one scenario (a translation or a form may share its own)."""
    import re

    from trainer.scenario.style import family

    library = load_library()
    known = {s.id: library.scenarios[s.id] for s in library.summaries.values()}
    owners: dict[str, set[str]] = {}
    for ident, scenario in known.items():
        names = {c.name for c in [scenario.character, *scenario.characters.values()] if c}
        text = " ".join(t or "" for t in _texts(scenario))
        names |= {m.group(0) for m in re.finditer(r"\b(?:[A-Z][a-z]+ ){1,3}(?:Family Medicine|Family Practice|Medical Center|"
                                                 r"Health Center|Health Partners|Primary Care|Pediatrics|Urgent Care|"
                                                 r"Endoscopy Center|Community Health|Family Health)\b", text)}
        for name in names:
            owners.setdefault(name, set()).add(family(scenario, known))
    shared = {name: sorted(fams) for name, fams in owners.items() if len(fams) > 1}
    assert shared == {}
