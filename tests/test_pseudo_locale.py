"""No app text escapes translation: the apps run under a made-up language ("qps") built from the template at
test time, in which every string is accented and marked ⟦…⟧, and no plain-English word of the app's own may be
left on the key screens.

The scenarios shown are first rewritten in Cyrillic letters (their ids, skills and structure unchanged), so an
ASCII word left on a screen is either known data (a technique tag, a scenario's own mood band or skill, a
language's own name, a typed name, key names in the footer, an English month of a date) or app text that never
went through gettext: the test names it and the screen it was on."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from textual.widgets import OptionList, Static

from tests.conftest import FIXTURES, ROOT, doc_example
from tests.tui_helpers import FakeClock
from trainer import i18n
from trainer.launch import create_app

SIZE = (80, 24)
PSEUDO = "qps"
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = str.maketrans(ASCII, "áƀçđéƒğĥíĵķłɱñóþɋŕšťúṽŵẋýžÁɃÇĐÉƑĞĤÍĴĶŁṀÑÓÞɊŔŠŤÚṼŴẊÝŽ")
CYRILLIC = str.maketrans(ASCII, "абцдефгхийклмнопярстувшжызАБЦДЕФГХИЙКЛМНОПЯРСТУВШЖЫЗ")
PLACEHOLDER = re.compile(r"(\{[^{}]*\})")

# Scenario keys whose strings are text a trainee reads (rewritten in Cyrillic); under them, these keys stay
TEXT_KEYS = {"title", "summary", "role", "name", "objectives", "says", "narration", "text", "feedback", "critical",
             "reply", "description"}
STRUCTURAL = {"id", "next", "when", "mood", "flag", "flags", "not_flags", "mood_below", "mood_at_least", "speaker",
              "character", "sets", "clears", "points", "tags", "outcome"}
KEY_NAMES = {"enter", "esc", "escape", "tab", "ctrl", "shift", "space", "up", "down", "left", "right", "delete",
             "backspace"}
MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
          "AM", "PM"}  # Babel's dates for a language it does not know are English ("Dec 5, 2026, 10:42 AM")


def pseudo(message: str) -> str:
    """Every letter accented (placeholders kept), the whole marked: "⟦Šťáŕť {count}⟧"."""
    parts = PLACEHOLDER.split(message)
    return "⟦" + "".join(p if PLACEHOLDER.fullmatch(p) else p.translate(ACCENTED) for p in parts) + "⟧"


def install_pseudo_language(tmp_path, monkeypatch) -> None:
    """Compile the template into a pseudo catalogue under a temporary locale folder and select it the way a
    user would, through the environment (LANGUAGE=qps)."""
    with (ROOT / "trainer" / "locale" / "messages.pot").open("rb") as f:
        template = read_po(f)
    catalog = Catalog(locale="en", domain=i18n.DOMAIN)  # English plural rules
    for message in template:
        if message.id:
            string = tuple(pseudo(i) for i in message.id) if message.pluralizable else pseudo(message.id)
            catalog.add(message.id, string, context=message.context)
    target = tmp_path / "locale" / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    (target / f"{i18n.DOMAIN}.mo").write_bytes(buffer.getvalue())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setenv("LANGUAGE", PSEUDO)
    assert i18n.set_language(None) != "es" and i18n._("Start") == pseudo("Start")


def cyrillic(node, textual: bool = False):
    """A scenario's reading text in Cyrillic letters; ids, skills, bands and flags as they were."""
    if isinstance(node, str):
        return node.translate(CYRILLIC) if textual else node
    if isinstance(node, list):
        return [cyrillic(item, textual) for item in node]
    if isinstance(node, dict):
        return {key: cyrillic(value, key in TEXT_KEYS or (textual and key not in STRUCTURAL))
                for key, value in node.items()}
    return node


def cyrillic_scenarios(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    scenes = (("privacy-call.yaml", doc_example()), ("move.yaml", (FIXTURES / "minimal.yaml").read_text()),
              ("two-speakers.yaml", (FIXTURES / "daughter-answers-for-her-father.yaml").read_text()))
    for name, text in scenes:
        data = cyrillic(yaml.safe_load(text))
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def known_data(app) -> set[str]:
    """ASCII strings a screen may show that are data, not the app's words."""
    from trainer.ui.widgets import PRODUCT

    data = {"English", "Español", PSEUDO, PRODUCT}  # the product's name is a name, never translated
    for scenario in app.library.scenarios.values():
        data |= set(scenario.mood.bands) | set(scenario.skills)
        for node in scenario.nodes.values():
            for choice in node.choices:
                data |= set(choice.tags)
            if node.timeout is not None:
                data |= set(node.timeout.tags)
    return data


def untranslated(app, extra: set[str] = frozenset()) -> list[str]:
    """The ASCII words on the current screen that are neither marked translations nor known data."""
    text = "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())
    for data in sorted(known_data(app) | set(extra), key=len, reverse=True):
        text = text.replace(data, " ")
    words = re.findall(r"[A-Za-z]+", text)
    return [w for w in words if len(w) > 1 and w.lower() not in KEY_NAMES and w not in MONTHS]


def check(app, where: str, extra: set[str] = frozenset()) -> None:
    left = untranslated(app, extra)
    assert not left, f"{where} ({type(app.screen).__name__}) shows app text outside gettext: {left}"


PREFERRED = {"warm-opening", "check-authorisation", "offer-route", "help"}  # a short path through each scenario


async def play_through(pilot, what: str) -> None:
    """Practice from the brief to the debrief, checking the play screen, every coaching panel and the debrief."""
    app = pilot.app
    await pilot.press("enter")
    await pilot.pause()
    check(app, f"{what}: the play screen")
    steps = 0
    while type(app.screen).__name__ == "PlayScreen" and steps < 12:
        choices = app.screen.query_one("#choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        number = next((i for i, cid in enumerate(ids, 1) if cid in PREFERRED), 1)
        await pilot.press(str(number))
        await pilot.pause()
        check(app, f"{what}: coaching after choice {steps + 1}")
        await pilot.press("enter")
        await pilot.pause()
        steps += 1
    assert type(app.screen).__name__ == "DebriefScreen"
    check(app, f"{what}: the debrief")


async def test_the_trainee_app_speaks_only_the_pseudo_language(tmp_path, monkeypatch):
    install_pseudo_language(tmp_path, monkeypatch)
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[cyrillic_scenarios(tmp_path)], bundled=False,
                     trainee=None, clock=FakeClock(), order_seed=lambda: None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        check(app, "who is practising")
        await pilot.press(*"Зоя", "enter")
        await pilot.pause()
        check(app, "the catalogue")
        await pilot.press("question_mark")
        check(app, "help over the catalogue")
        await pilot.press("escape", "enter")  # the brief of the first scenario
        await pilot.pause()
        check(app, "the brief (practice)")
        await pilot.press("m")
        check(app, "the brief (assessment)")
        await pilot.press("m")
        await play_through(pilot, "the first scenario")
        await pilot.press("question_mark")
        check(app, "help over the debrief")
        await pilot.press("escape", "p")
        await pilot.pause()
        check(app, "my progress")
        await pilot.press("l")
        await pilot.pause()
        check(app, "the language picker")


async def test_a_scene_with_two_speakers_speaks_only_the_pseudo_language(tmp_path, monkeypatch):
    from textual.widgets import DataTable

    install_pseudo_language(tmp_path, monkeypatch)
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[cyrillic_scenarios(tmp_path)], bundled=False,
                     trainee="Зоя", clock=FakeClock(), order_seed=lambda: None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#catalogue", DataTable)
        table.move_cursor(row=table.get_row_index("two-speakers"))
        await pilot.press("enter")
        await pilot.pause()
        check(app, "the brief of a scene with two speakers")
        await play_through(pilot, "a scene with two speakers")


async def test_the_sign_in_speaks_only_the_pseudo_language(tmp_path, monkeypatch, runner):
    from tests.site_helpers import SAM, make_site

    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db, [cyrillic_scenarios(tmp_path)])
    install_pseudo_language(tmp_path, monkeypatch)
    app = create_app(db=db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        check(app, "the sign-in")
        await pilot.press(*SAM, "enter")
        await pilot.pause()
        check(app, "the sign-in, passphrase step", extra={SAM})
        await pilot.press(*"not the passphrase", "enter")
        await pilot.pause()
        assert app.screen.query_one("#signin-message").render().plain.strip()  # the refusal is shown
        check(app, "a refused sign-in", extra={SAM})


@pytest.mark.parametrize("planted", ["Objectives"])
async def test_an_unwrapped_string_is_caught(tmp_path, monkeypatch, planted):
    """The check itself: a word of English the app shows outside gettext is named."""
    install_pseudo_language(tmp_path, monkeypatch)
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[cyrillic_scenarios(tmp_path)], bundled=False,
                     trainee="Зоя", clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        check(app, "the catalogue")
        await app.screen.mount(Static(planted))  # as a label without _() would show it
        await pilot.pause()
        assert untranslated(app) == [planted]
