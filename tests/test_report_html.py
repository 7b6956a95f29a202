"""The HTML report a supervisor opens: SVG charts drawn by trainer (completion grid, pass rates, trainee x
skill, scores over dates, the choices that trip people up), item analysis in conversation order, readable
dates, everything escaped; and, in Debian's Chromium through Playwright, a page that fits a 1280 px window
and asks nothing of the network."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.browser_helpers import chromium_executable, needs_chromium
from tests.recorded import recorded_store
from tests.report_helpers import PRIVACY, START, play, programme_store
from trainer.reports.charts import conversation_order
from trainer.reports.data import build_report
from trainer.reports.html import report_html
from trainer.scenario.library import load_library

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE = "Eve <script>alert(1)</script>\x1b]52;c;QUFBQQ==\x07\u202eevil"


@pytest.fixture(scope="module")
def page_and_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    store, library = programme_store(tmp)
    play(store, store.trainee("Eve Hostile"), library.get(PRIVACY[0]), "assessment", START, random.Random(1))
    with store.write():  # a name from an old database, before names were checked
        store._db.execute("UPDATE trainees SET name = ? WHERE name = 'Eve Hostile'", [HOSTILE])
    report = build_report(store, catalogue=library.summaries, scenarios=library.scenarios)
    store.close()
    page = tmp / "report.html"
    page.write_text(report_html(report), encoding="utf-8")
    return page, report, library


def svg_blocks(text: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", text, flags=re.S)


def test_every_chart_is_an_inline_svg_with_a_title(page_and_report):
    page, report, _ = page_and_report
    text = page.read_text(encoding="utf-8")
    titles = [re.search(r"<title id='[^']+'>([^<]*)</title>", block).group(1) for block in svg_blocks(text)]
    for wanted in ("Completion grid", "Pass rate per scenario", "Trainee by skill", "Scores over dates",
                   "Choices that trip people up: "):
        assert any(t.startswith(wanted) for t in titles), (wanted, titles)
    grid = next(b for b in svg_blocks(text) if "Completion grid" in b)
    assert "Sam Rivera · &quot;All my mother&#x27;s records, please&quot;: passed" in grid
    assert grid.count("<rect") == 4 * len(PRIVACY)  # every trainee x every assigned scenario
    assert "Trend marks" in text and "▲ up, ▼ down" in text  # the legend explains the marks


def test_nothing_is_fetched_and_nothing_unescaped(page_and_report):
    text = page_and_report[0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b", text)
    assert not re.search(r"(src|href)\s*=", text) and "@import" not in text and "url(" not in text
    assert "\x1b" not in text and "\u202e" not in text and "<script>alert" not in text
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;\\x1b]52;c;QUFBQQ==\\x07\\u202eevil" in text


def test_dates_are_readable_not_iso(page_and_report):
    text = page_and_report[0].read_text(encoding="utf-8")
    visible = re.sub(r"<[^>]+>", " ", text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", visible)
    assert re.search(r"Generated \w{3} \d{1,2}, 20\d\d|Generated \d{1,2} \w{3} 20\d\d", visible)


def test_item_analysis_follows_the_conversation_not_the_alphabet(page_and_report):
    _, report, library = page_and_report
    checked = 0
    for row in report["scenarios"]:
        nodes = list(dict.fromkeys(i["node"] for i in row["items"]))
        position, _ = conversation_order(library.get(row["id"]))
        assert nodes == sorted(nodes, key=position.__getitem__)
        checked += nodes != sorted(nodes)
        trips = [t["node"] for t in row["trip_ups"]]
        assert trips == sorted(trips, key=position.__getitem__)
    assert checked, "no scenario whose conversation order differs from the alphabet"


def test_a_trainee_repeating_a_bad_choice_counts_once(tmp_path):
    store = recorded_store(tmp_path)  # Dana picked the critical 'confirm-patient' once
    from tests.conftest import doc_example
    from trainer.scenario.loader import load_scenario

    spouse = tmp_path / "spouse-call.yaml"
    spouse.write_text(doc_example(), encoding="utf-8")
    scenario = load_scenario(spouse)
    dana, luis = store.find_trainee("Dana Whitfield"), store.find_trainee("Luis Ortega")
    for who in (dana, dana, luis):
        play(store, who, scenario, "assessment", START, random.Random(2), picks=["confirm-patient", "read-results"])
    report = build_report(store, scenarios={"spouse-call": scenario})
    spouse_row = next(s for s in report["scenarios"] if s["id"] == "spouse-call")
    trip = next(t for t in spouse_row["trip_ups"] if t["choice_id"] == "confirm-patient")
    assert (trip["trainees"], trip["picks"], trip["reached"], trip["critical"]) == (2, 4, 2, True)
    html = report_html(report)
    assert "picked by 2 of 2 trainees who reached opening (4 picks)" in html


@needs_chromium
def test_in_chromium_fits_1280_and_stays_on_the_machine(page_and_report):
    from playwright.sync_api import sync_playwright

    page_file = page_and_report[0]
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            charts = page.locator("svg[role=img]")
            assert charts.count() >= 5
            for k in range(charts.count()):
                box = charts.nth(k).bounding_box()
                assert box["width"] > 200 and box["x"] + box["width"] <= 1280
                assert charts.nth(k).locator("title").first.text_content().strip()
            assert page.get_by_role("heading", name="Programme: completion grid").is_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-1280.png"), full_page=True)
            page.emulate_media(media="print")
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        finally:
            browser.close()
    assert requests == [page_file.as_uri()]
    assert (ARTIFACTS / "report-1280.png").stat().st_size > 10_000

