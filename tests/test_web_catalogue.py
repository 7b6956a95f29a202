"""The HTML catalogue: "Assigned to you" from the training programme, with the brief opening in the mode the
assignment asks for (the rule the terminal app uses, trainer.play.offered), and the filters as GET query
parameters (title text, category, level)."""

from __future__ import annotations

import re

from tests.site_helpers import SAM, as_supervisor
from tests.test_web_timed import played  # noqa: F401 (a fixture)
from trainer.cli import cli


def _section(page: str, heading: str) -> str:
    found = re.search(rf"<h2 id=\"[a-z]+-heading\">{heading}</h2>(.*?)</section>", page, re.S)
    return found.group(1) if found else ""


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/s/[^"]+"[^>]*>([^<]+)</a>', html)


async def test_an_assignment_is_listed_first_and_its_brief_opens_in_its_mode(played, runner, monkeypatch):
    client, clock, db = played
    page = await (await client.get("/")).text()
    assert "Assigned to you" not in page
    assert 'value="practice" checked' in await (await client.get("/s/waiting-room-delay")).text()
    as_supervisor(monkeypatch)
    result = runner.invoke(cli, ["--db", str(db), "assign", "waiting-room-delay", "--trainee", SAM, "--due", "2027-03-01",
                                 "--mode", "assessment"])
    assert result.exit_code == 0, result.output
    page = await (await client.get("/")).text()
    assert _titles(_section(page, "Assigned to you")) == ["Two hours in the waiting room"]
    assert "Two hours in the waiting room" not in _titles(_section(page, "All scenarios"))  # listed once
    assert 'value="assessment" checked' in await (await client.get("/s/waiting-room-delay")).text()


async def test_the_filters_narrow_the_list_and_keep_their_values(played):
    client, clock, db = played
    everything = _titles(_section(await (await client.get("/")).text(), "All scenarios"))
    assert "Minimal" in everything and "A caller on a timer" in everything and len(everything) > 20
    page = await (await client.get("/", params={"q": "timer"})).text()
    assert _titles(_section(page, "All scenarios")) == ["A caller on a timer"]
    assert 'value="timer"' in page
    page = await (await client.get("/", params={"category": "billing", "level": "advanced"})).text()
    listed = _titles(_section(page, "All scenarios"))
    assert listed and "Minimal" not in listed and len(listed) < len(everything)
    assert '<option value="billing" selected>' in page and '<option value="advanced" selected>' in page
    odd = await client.get("/", params={"category": "<script>", "level": "x" * 5000, "q": "\x1b[2J" * 100})
    assert odd.status == 200 and "<script>" not in await odd.text() and "\x1b" not in await odd.text()
