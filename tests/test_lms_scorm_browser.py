"""A real SCORM 1.2 run-time plays the LMS: scorm-again's API on a stand-in LMS page (another site than the
trainer) launches the package's SCO in Chromium; the learner plays to the debrief inside the frames, and
the LMS gets the result. Also: a relaunch resumes the unfinished attempt without a second trainee, and a
revoked package's launch gets a page that says so (403)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_helpers import ARTIFACTS, needs_chromium, query
from tests.browser_helpers import browser, serve  # noqa: F401 (fixtures: Chromium; servers on this module's site_db)
from tests.lms_helpers import Lms, scorm_again_script
from tests.site_helpers import as_supervisor, make_site
from trainer.cli import cli

pytestmark = needs_chromium
SCENARIO = "wellness-visit-bill"
LEARNER_ID, LEARNER_NAME, TRAINEE = "E1001", "Okafor, Ngozi", "Ngozi Okafor"


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    scorm_again_script()  # skip (or fail in CI) before anything starts
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    return path


@pytest.fixture
def lms_site(site_db, serve, runner, monkeypatch, tmp_path):
    """The trainer serving the site, a package for SCENARIO pointing at it, and the stand-in LMS holding it."""
    server = serve()
    as_supervisor(monkeypatch)
    package = tmp_path / "out" / "course.zip"
    result = runner.invoke(cli, ["--db", str(site_db), "lms", "scorm", SCENARIO, "--url", server.base, "-o", str(package)])
    assert result.exit_code == 0, result.output
    lms = Lms(tmp_path / "lms", package)
    yield server, lms
    lms.stop()


def trainer_frame(page):
    return page.frame_locator("#sco").frame_locator("#trainer-frame")


def frame_url(page) -> str:
    return next((f.url for f in page.frames if "/lms/" in f.url), "")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def poll(page, check, what: str, timeout: float = 30):
    for _ in range(int(timeout * 10)):
        value = check()
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def test_lms_launch_play_to_debrief_reports_to_scorm_again(lms_site, site_db, browser):
    server, lms = lms_site
    player = lms.player("ngozi", LEARNER_ID, LEARNER_NAME)
    page = browser.new_context().new_page()

    # first launch: the brief of the package's scenario, no sign-in; start an assessment, answer once
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(player)
    app = trainer_frame(page)
    app.get_by_role("button", name="Start").wait_for()
    shot(page, "lms-brief")
    app.get_by_label(re.compile("Assessment", re.I)).check()
    app.get_by_role("button", name="Start").click()
    app.locator("section.confirm button[type=submit]").click()  # "recorded, your supervisor sees it": yes
    app.locator("button[name=choice]").first.click()
    [(attempt, status, choices)] = poll(page, lambda: [a for a in query(
        site_db, "SELECT a.id, a.status, a.choices FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
                 " WHERE t.name = ?", TRAINEE) if a[2] == 1], "the first choice to be recorded")
    assert status == "in-progress"
    assert page.evaluate("window.lmsCalls") == ["LMSInitialize", "LMSCommit"]  # incomplete, not finished
    # a result posted by anyone but the trainer's frame (here the LMS's own origin) is not believed
    sco = next(f for f in page.frames if f.url.endswith("/course/sco-1.html"))
    sco.evaluate("window.postMessage({type: 'trainer:result', status: 'passed', score: 100}, '*')")
    page.evaluate("new Promise(done => setTimeout(done, 0))")  # let the message be delivered
    assert "LMSFinish" not in page.evaluate("window.lmsCalls")
    assert page.evaluate("API.cmi.core.lesson_status") == "incomplete"

    # second launch (the LMS opens the course again): the same trainee, back in the unfinished attempt
    page.goto(player)
    poll(page, lambda: f"/a/{attempt}" in frame_url(page), "the relaunch to resume the attempt")
    debrief, choice = app.locator("h1", has_text="Debrief"), app.locator("button[name=choice]")
    for _ in range(80):
        debrief.or_(choice).first.wait_for()
        if debrief.count():
            break
        try:  # the choices seen may be the last step's, just before its answer's page replaced them
            choice.first.click(timeout=5000)
        except PlaywrightTimeout:
            continue
    else:
        raise AssertionError("never reached the debrief")
    poll(page, lambda: "LMSFinish" in page.evaluate("window.lmsCalls"), "the SCO to call LMSFinish")
    shot(page, "lms-debrief")
    assert app.get_by_role("status").filter(has_text="learning system").count() == 1

    [(overall, passed, mode, done)] = query(site_db, "SELECT overall, passed, mode, status FROM attempts WHERE id = ?",
                                            attempt)
    assert (mode, done) == ("assessment", "completed")
    sent = page.evaluate("window.lmsSet")
    assert sent["cmi.core.lesson_status"] == ("passed" if passed else "failed")
    assert page.evaluate("API.cmi.core.lesson_status") == sent["cmi.core.lesson_status"]  # accepted, not refused
    assert float(sent["cmi.core.score.raw"]) == pytest.approx(overall)
    assert float(page.evaluate("API.cmi.core.score.raw")) == pytest.approx(overall)
    assert (sent["cmi.core.score.min"], sent["cmi.core.score.max"]) == ("0", "100")
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", sent["cmi.core.session_time"]), sent
    assert page.evaluate("API.lmsGetLastError()") in ("0", 0)
    assert page.evaluate("window.lmsCalls")[-2:] == ["LMSCommit", "LMSFinish"]
    assert query(site_db, "SELECT count(*) FROM trainees WHERE name LIKE 'Ngozi Okafor%'") == [(1,)]
    assert query(site_db, "SELECT student_id FROM lms_learners") == [(LEARNER_ID,)]
    assert query(site_db, "SELECT count(*) FROM attempts") == [(1,)]


def test_revoked_package_launch_says_so(lms_site, site_db, browser, runner):
    server, lms = lms_site
    assert runner.invoke(cli, ["--db", str(site_db), "lms", "revoke", "1"]).exit_code == 0
    page = browser.new_context().new_page()
    statuses = {}
    page.on("response", lambda r: statuses.setdefault(r.url.split("?")[0], r.status))
    page.goto(lms.player("late", "E3003", "Late, Lee"))
    trainer_frame(page).get_by_role("heading", name="This course was withdrawn").wait_for()
    assert statuses[f"{server.base}/lms/launch"] == 403
    assert query(site_db, "SELECT count(*) FROM lms_learners") == [(0,)]


def test_sco_outside_an_lms_says_so(lms_site, browser):
    server, lms = lms_site
    page = browser.new_context().new_page()
    page.goto(f"http://localhost:{lms.port}/course/sco-1.html")  # no API in any parent or opener
    page.get_by_role("status").filter(has_text="Open this course from your learning system").wait_for()
    assert page.locator("#trainer-frame").is_hidden()
