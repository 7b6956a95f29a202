"""The play screen's footer names the keys that work at each step (it is updated in place, not rebuilt,
so check what it draws: every key's label in full, left to right, none left over from the last step)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets._footer import FooterKey

from tests.test_tui_flows import SIZE, open_spouse_call
from tests.tui_helpers import drawn_footer_key, make_app


def footer(app) -> list[str]:
    """The footer's entries as drawn, left to right (the command palette's key aside)."""
    keys = sorted((k for k in app.screen.query(FooterKey) if "command_palette" not in k.action),
                  key=lambda k: k.region.x)
    drawn = []
    for key in keys:
        label = key.render().plain
        assert key.region.width == cell_len(label), f"{label!r} drawn {key.region.width} cells wide"
        drawn.append(" ".join(label.split()) + (" (dimmed)" if key.has_class("-disabled") else ""))
    return drawn


async def test_footer_follows_each_step_of_a_practice_play_through(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter")  # start: nothing chosen yet, so nothing to undo
        await pilot.pause()
        assert footer(app) == ["1-9 Choose", "esc Save & leave", "? Help"]
        await pilot.press("1")  # the coaching: Enter goes on, u takes the choice back
        await pilot.pause()
        assert footer(app) == ["⏎ Continue", "u Undo", "esc Save & leave", "? Help"]
        await pilot.press("enter")
        await pilot.pause()
        assert footer(app) == ["1-9 Choose", "u Undo", "esc Save & leave", "? Help"]
        await pilot.press("1")
        await pilot.pause()
        assert footer(app) == ["⏎ Continue", "u Undo", "esc Save & leave", "? Help"]
        await pilot.press("u")  # back to the choices of the second step
        await pilot.pause()
        assert footer(app) == ["1-9 Choose", "u Undo", "esc Save & leave", "? Help"]


async def test_footer_in_an_assessment_never_offers_undo_or_continue(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y")
        await pilot.pause()
        assert footer(app) == ["1-9 Choose", "esc Save & leave", "? Help"]
        await pilot.press("1")
        await pilot.pause()
        assert footer(app) == ["1-9 Choose", "esc Save & leave", "? Help"]


async def test_the_catalogue_footer_keeps_help_in_view_at_80_columns_with_translations(tmp_path):
    """The bundled library has Spanish versions, so the catalogue offers its language key (named in the
    status line); the footer must still show "? Help" whole at 80 columns."""
    from trainer.launch import create_app

    app = create_app(db=tmp_path / "progress.db", trainee="Robin Test")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "(l to change)" in str(app.screen.query_one("#catalogue-status").render())
        help_key = await drawn_footer_key(pilot, lambda k: k.key == "question_mark")
        assert help_key.region.width and help_key.region.right <= 80 - len("^p palette")
        assert "Help" in help_key.render().plain
