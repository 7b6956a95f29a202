"""The LMS launch over HTTP, against a real `trainer serve`: what a forged, unknown or incomplete launch
gets (403, a page that says why, nothing created), what a session may reach (its own scenario and
attempts, nothing else), and that only pages under /lms/ may be framed by another site."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest

from tests.browser_helpers import Server, query
from tests.site_helpers import as_supervisor, make_site
from trainer.cli import cli

SCENARIO = "wellness-visit-bill"
LMS_ORIGIN = "https://lms.example"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str):
    """(status, headers, body) without following redirects."""
    try:
        with OPENER.open(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from click.testing import CliRunner

    tmp = tmp_path_factory.mktemp("lmsweb")
    (tmp / "out").mkdir()
    db = tmp / "site.db"
    with pytest.MonkeyPatch.context() as monkeypatch:
        runner = CliRunner()
        make_site(runner, monkeypatch, db)
        server = Server(db)
        as_supervisor(monkeypatch)
        result = runner.invoke(cli, ["--db", str(db), "lms", "scorm", SCENARIO, "--url", server.base,
                                     "-o", str(tmp / "out" / "p.zip")])
        assert result.exit_code == 0, result.output
    page = zipfile.ZipFile(tmp / "out" / "p.zip").read("sco-1.html").decode()
    key = re.search(r'data-launch-key="([^"]+)"', page).group(1)
    yield server, db, key
    server.stop()


def launch_url(server, key, student_id="E1001", name="Okafor, Ngozi", scenario=SCENARIO, origin=LMS_ORIGIN):
    query_string = urllib.parse.urlencode({"key": key, "scenario": scenario, "student_id": student_id,
                                           "student_name": name, "sco_origin": origin})
    return f"{server.base}/lms/launch?{query_string}"


@pytest.mark.parametrize("change, words", [
    ({"key": "forged-key"}, "not known to the training site"),
    ({"student_id": ""}, "did not say who you are"),
    ({"origin": "javascript:alert(1)"}, "did not come from a course page"),
    ({"scenario": "surprise-bill"}, "asked for another scenario"),
])
def test_a_bad_launch_gets_a_page_that_says_why_and_creates_nothing(site, change, words):
    server, db, key = site
    before = query(db, "SELECT count(*) FROM lms_learners")
    args = {"key": key, **change}
    status, headers, body = get(launch_url(server, args.pop("key"), **args))
    assert status == 403 and words in body and "<h1>" in body
    assert query(db, "SELECT count(*) FROM lms_learners") == before
    assert "frame-ancestors *" in headers["Content-Security-Policy"] and "X-Frame-Options" not in headers


def test_a_launch_opens_its_own_pages_and_nothing_else(site):
    server, db, key = site
    status, headers, _ = get(launch_url(server, key))
    assert status == 303
    location = headers["Location"]
    token = re.fullmatch(rf"/lms/t/([\w-]+)/s/{SCENARIO}", location).group(1)
    status, headers, body = get(server.base + location)
    assert status == 200 and "Ngozi Okafor" in body
    assert 'action="/signout"' not in body  # the LMS signs people in and out
    assert f'action="/lms/t/{token}/s/{SCENARIO}/start"' in body  # forms stay in the session
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    # another scenario: back to the launched one; someone else's attempt: not found; a made-up token: ended
    status, headers, _ = get(f"{server.base}/lms/t/{token}/s/first-opening-26-days")
    assert status == 303 and headers["Location"] == f"/lms/t/{token}/s/{SCENARIO}"
    assert get(f"{server.base}/lms/t/{token}/a/{'0' * 32}")[0] == 404
    status, _, body = get(f"{server.base}/lms/t/not-a-token/s/{SCENARIO}")
    assert status == 403 and "This session has ended" in body
    # the rest of the site still refuses to be framed
    _, headers, _ = get(server.base + "/signin")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_the_refusal_speaks_the_browsers_language(site):
    server, db, key = site
    request = urllib.request.Request(launch_url(server, "forged-key"), headers={"Accept-Language": "es-MX,es;q=0.9"})
    try:
        OPENER.open(request, timeout=30)
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        assert exc.code == 403 and 'lang="es"' in body and "El sitio de formación no conoce este curso" in body
    else:
        raise AssertionError("a forged key was accepted")
