"""Snapshots (80x24) of the key trainee screens. Review the SVGs before `--snapshot-update`."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui_helpers import make_app

SIZE = (80, 24)


async def _open_spouse_call(pilot):
    await pilot.pause()  # the catalogue is pushed once Textual's start-up batch is over (trainer.tui.app)
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index("spouse-call"))
    await pilot.press("enter")


def test_catalogue(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE)


def test_play_practice_feedback(snap_compare, tmp_path):
    async def run_before(pilot):
        await _open_spouse_call(pilot)
        await pilot.press("enter", "1", "enter", "1")

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_debrief(snap_compare, tmp_path):
    async def run_before(pilot):
        await _open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "2", "2")

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_catalogue_in_spanish(snap_compare, tmp_path, monkeypatch):
    from trainer import i18n

    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    i18n.set_language(None)  # as a process started with LANG=es_ES.UTF-8
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE)
