"""A file in a --scenarios folder that fails to load is named where a trainee or author looks: the
catalogue says how many and which `trainer validate DIR` to run, `trainer play ID` of it prints why, and
`trainer list`'s hint includes the folder."""

from __future__ import annotations

import shutil

from tests.conftest import FIXTURES
from tests.test_tui_output_safety import screen_text
from tests.tui_helpers import FakeClock
from trainer.cli import cli
from trainer.launch import create_app

BROKEN = """\
title: Broken
category: privacy
summary: S
character: {name: Pat}
nodes:
  start:
    says: Hello
    choices:
      - {id: hi, text: Hi, nxt: done}
endings:
  done: {outcome: resolved, summary: S}
"""


def _folder(tmp_path):
    folder = tmp_path / "extra"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", folder / "move-appointment.yaml")
    (folder / "broken-one.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


def test_list_names_the_folder_to_validate(runner, tmp_path):
    folder = _folder(tmp_path)
    result = runner.invoke(cli, ["--scenarios", str(folder), "list"])
    assert result.exit_code == 0
    assert f"1 file could not be loaded: run `trainer validate {folder}`" in result.stderr


def test_play_of_a_broken_file_says_why(runner, tmp_path):
    folder = _folder(tmp_path)
    result = runner.invoke(cli, ["--scenarios", str(folder), "--trainee", "Robin", "play", "broken-one"])
    assert result.exit_code == 1
    assert "scenario 'broken-one' could not be loaded" in result.stderr
    assert "broken-one.yaml:9:9: error: choice 'hi' is missing required key 'next'" in result.stderr


async def test_the_catalogue_names_the_files_that_could_not_be_loaded(tmp_path):
    folder = _folder(tmp_path)
    app = create_app(db=tmp_path / "p.db", scenario_dirs=[folder], bundled=False, trainee="Robin Test",
                     clock=FakeClock(), order_seed=lambda: None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert f"1 file could not be loaded: `trainer validate {folder}`" in screen_text(app)
