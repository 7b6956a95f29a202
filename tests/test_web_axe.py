"""axe-core (axe-playwright-python) on every page of the HTML app, in English and in Spanish: WCAG 2.1 A and AA
and axe's best practices, no violation allowed. Each page is also checked for what axe cannot judge alone:
its `lang`, a title, the skip link to the main landmark, and no horizontal scrolling at 320 CSS px."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import needs_chromium
from tests.site_helpers import BOSS, BOSS_PASS, SAM, SAM_PASS
from tests.web_helpers import browser, server, web_db  # noqa: F401

pytestmark = needs_chromium

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}

WORDS = {
    "en": {"name": "Name", "passphrase": "Passphrase", "sign_in": "Sign in", "start": "Start", "continue": "Continue",
           "debrief": "Debrief", "assessment": "Assessment", "resume": "Resume", "leave": "Save and leave",
           "choices": "What do you say?", "sign_out": "Sign out"},
    "es": {"name": "Nombre", "passphrase": "Frase de acceso", "sign_in": "Iniciar sesión", "start": "Empezar",
           "continue": "Continuar", "debrief": "Repaso", "assessment": "Evaluación", "resume": "Retomar",
           "leave": "Guardar y salir", "choices": "¿Qué dice?", "sign_out": "Cerrar sesión"},
}


class Checked:
    """Runs axe and the page checks on each page visited, keeping what failed to report it all at once."""

    def __init__(self, page, lang: str):
        from axe_playwright_python.sync_playwright import Axe

        self.page, self.lang, self.axe = page, lang, Axe()
        self.problems: list[str] = []
        self.pages: list[str] = []

    def __call__(self, what: str) -> None:
        page = self.page
        self.pages.append(what)
        results = self.axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            self.problems.append(f"{what}: {results.generate_report()}")
        if page.evaluate("document.documentElement.lang") != self.lang:
            self.problems.append(f"{what}: lang is {page.evaluate('document.documentElement.lang')!r}")
        if not page.title().strip():
            self.problems.append(f"{what}: no title")
        skip = page.locator("a.skip-link")
        if skip.count() != 1 or skip.get_attribute("href") != "#main" or page.locator("main#main").count() != 1:
            self.problems.append(f"{what}: no skip link to the main landmark")
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 640})
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            self.problems.append(f"{what}: scrolls sideways at 320 CSS px")
        page.set_viewport_size(size)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_has_no_axe_violation(browser, server, web_db, lang):
    w = WORDS[lang]
    context = browser.new_context(locale={"en": "en-US", "es": "es-ES"}[lang])
    page = context.new_page()
    check = Checked(page, lang)
    base = server.base
    page.goto(base + "/")
    check("sign-in")
    page.get_by_label(w["name"], exact=True).fill(SAM)
    page.get_by_label(w["passphrase"], exact=True).fill("not the passphrase")
    page.get_by_role("button", name=w["sign_in"], exact=True).click()
    check("sign-in with an error")
    page.get_by_label(w["name"], exact=True).fill(SAM)
    page.get_by_label(w["passphrase"], exact=True).fill(SAM_PASS)
    page.get_by_role("button", name=w["sign_in"], exact=True).click()
    page.wait_for_url(base + "/")
    check("catalogue")
    page.goto(base + "/?q=zzzz-nothing")
    check("catalogue, nothing matches")
    page.goto(base + "/s/minimal")
    check("brief")
    page.get_by_label(w["assessment"]).check()
    page.get_by_role("button", name=w["start"], exact=True).click()
    check("brief, asked before an assessment")
    page.goto(base + "/s/minimal")
    page.get_by_role("button", name=w["start"], exact=True).click()
    check("play")
    page.get_by_role("button", name="Hold on.", exact=True).click()  # not the end yet: there is more to resume
    check("practice coaching")
    page.get_by_role("button", name=w["leave"], exact=True).click()
    page.wait_for_url(base + "/")
    check("catalogue with an unfinished attempt")
    page.goto(base + "/s/minimal")
    check("brief with an attempt to resume")
    page.get_by_role("button", name=w["resume"], exact=True).click()
    while not page.get_by_role("heading", level=1, name=re.compile(w["debrief"])).count():
        go_on = page.get_by_role("button", name=w["continue"], exact=True)
        if go_on.count():
            go_on.click()
        else:
            page.get_by_role("group", name=w["choices"]).get_by_role("button").first.click()
    check("debrief")
    page.goto(base + "/s/timed")
    page.get_by_role("button", name=w["start"], exact=True).click()
    check("play, a timed moment")
    page.goto(base + "/s/minimal")
    page.get_by_role("button", name=w["start"], exact=True).click()
    check("brief, asked before discarding")
    page.goto(base + "/s/no-such-scenario")
    check("not found")
    page.goto(base + "/progress")
    check("my progress")
    page.goto(base + "/accessibility")
    check("accessibility statement")
    page.get_by_role("button", name=w["sign_out"], exact=True).click()
    page.get_by_label(w["name"], exact=True).fill(BOSS)
    page.get_by_label(w["passphrase"], exact=True).fill(BOSS_PASS)
    page.get_by_role("button", name=w["sign_in"], exact=True).click()
    check("a supervisor's page")
    page.goto(base + "/lms/launch?key=not-a-key&scenario=minimal&student_id=E1&student_name=Doe%2C%20Jo")
    check("an LMS launch refused")
    context.close()
    assert not check.problems, "\n\n".join(check.problems)
    assert len(check.pages) == 18
