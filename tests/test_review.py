"""Supervisor review: the passphrase gate both ways, drill-down, notes, sign-off, views and export."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from tests.recorded import SECRET, recorded_store, store  # noqa: F401 (store: a fixture)
from tests.tui_helpers import scenario_folder
from trainer.progress import audit, passphrase
from trainer.cli import cli
from trainer.launch import create_review_app
from trainer.review.app import GateScreen
from trainer.review.screens import (AttemptsScreen, ScenariosScreen, TechniquesScreen, TraineesScreen,
                                    TranscriptScreen)

SIZE = (80, 24)


def review_app(tmp_path, store):
    return create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                             supervisor="Sam Supervisor")


def shown(app, selector="Static") -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(selector))


def test_passphrase_is_stored_only_as_an_argon2id_hash(store):
    raw = store._db.execute("SELECT value FROM settings WHERE key = 'supervisor_passphrase'").fetchone()[0]
    assert SECRET not in raw and raw.startswith("$argon2id$")
    assert passphrase.check(store, SECRET) and not passphrase.check(store, SECRET + "!")


async def test_wrong_passphrase_gives_no_access(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"guess", "enter")
        assert isinstance(app.screen, GateScreen) and not app.unlocked
        assert "not right. 4 tries left" in shown(app, "#gate-message")
        assert "Dana" not in shown(app)


async def test_right_passphrase_then_drill_down_note_and_sign_off(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter")
        assert isinstance(app.screen, TraineesScreen)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Dana Whitfield", "Luis Ortega"]
        await pilot.press("enter")
        assert isinstance(app.screen, AttemptsScreen)
        attempts = app.screen.query_one(DataTable)
        assert attempts.row_count == 2
        statuses = [str(attempts.get_row_at(i)[5]) for i in range(2)]
        row = statuses.index("✗ fail")
        attempts.move_cursor(row=row)
        await pilot.press("enter")
        assert isinstance(app.screen, TranscriptScreen)
        body = shown(app, "#replay-body")
        assert "CRITICAL ERROR: Confirmed to an unverified caller" in body
        assert "Best here:" in body and "Even confirming that someone is a patient" in body
        await pilot.press("n", *"Talked through verification", "enter")
        await pilot.press("s")
        # a failed attempt (#22): says it failed and why, what a sign-off means, and Enter alone is no yes
        question = " ".join(shown(app).split())
        assert "This attempt failed with a critical error: Confirmed to an unverified caller" in question
        assert ("Signing off says that you, Sam Supervisor, have reviewed this attempt with Dana Whitfield. "
                "It goes on Dana Whitfield's training record; it does not change the score or the result.") in question
        assert "Sign it off anyway?" in question
        await pilot.press("enter")
        assert "signed off by" not in shown(app, "#replay-body") and "Sign it off anyway?" in shown(app)
        await pilot.press("n")
        assert "signed off by" not in shown(app, "#replay-body")
        await pilot.press("s", "y")
        body = shown(app, "#replay-body")
        assert "Sam Supervisor: Talked through verification" in body and "signed off by Sam Supervisor" in body
    attempt = store._db.execute("SELECT signed_off_by FROM attempts WHERE signed_off_by IS NOT NULL").fetchall()
    assert attempt == [("Sam Supervisor",)]
    assert [e["action"] for e in audit.entries(store)] == ["sign-in", "note", "sign-off"]


async def test_sign_off_is_refused_in_progress_and_can_be_withdrawn(tmp_path, store):
    running = store._db.execute("SELECT id FROM attempts WHERE status = 'in-progress'").fetchone()[0]
    done = store._db.execute("SELECT id FROM attempts WHERE status = 'completed'").fetchone()[0]
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter")
        app.push_screen(TranscriptScreen(running))
        await pilot.pause()
        await pilot.press("s")
        assert isinstance(app.screen, TranscriptScreen)
        assert store.attempt(running).signed_off_by is None
        app.pop_screen()
        audit.sign_off(store, done, "Kim Baptiste")
        app.push_screen(TranscriptScreen(done))
        await pilot.pause()
        await pilot.press("s")
        assert "Withdraw the sign-off by Kim Baptiste?" in shown(app)
        await pilot.press("y")
    assert store.attempt(done).signed_off_by is None
    assert [(e["actor"], e["action"]) for e in audit.entries(store) if e["action"] != "sign-in"] == [
        ("Kim Baptiste", "sign-off"), ("Sam Supervisor", "withdraw-sign-off")]


async def test_sort_filter_scenarios_and_techniques_views(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter")
        table = app.screen.query_one(DataTable)
        await pilot.press("o")  # sort by attempts, most first
        assert str(table.get_row_at(0)[0]) == "Luis Ortega"
        await pilot.press("slash", *"dana", "enter")
        assert table.row_count == 1
        app.screen.query_one("#f-name", Input).value = ""
        await pilot.press("g")  # first scenario with attempts: minimal
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Luis Ortega"]
        await pilot.press("v")
        assert isinstance(app.screen, ScenariosScreen)
        await pilot.press("down", "up")
        assert "Most-picked choices that lose points" in shown(app, "#trouble")
        await pilot.press("escape", "t")
        assert isinstance(app.screen, TechniquesScreen)
        tags = app.screen.query_one(DataTable)
        rows = [[str(c) for c in tags.get_row_at(i)] for i in range(tags.row_count)]
        assert ["  verify:before-disclosure", "Dana Whitfield", "0", "2"] in rows  # under its framework


async def test_export_from_the_review(tmp_path, store):
    app = review_app(tmp_path, store)
    target = tmp_path / "out.json"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "e")
        app.screen.query_one("#export-format", Input).value = "xapi"
        app.screen.query_one("#export-path", Input).value = str(target)
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, TraineesScreen)
    assert '"verb"' in target.read_text()
    entry = audit.entries(store)[-1]
    assert (entry["actor"], entry["action"], entry["subject"]) == ("Sam Supervisor", "export", "xapi")


def test_review_command_needs_a_passphrase_first(runner, tmp_path):
    recorded_store(tmp_path).close()
    result = runner.invoke(cli, ["--db", str(tmp_path / "progress.db"), "review"])
    assert result.exit_code == 1 and "trainer supervisor set-passphrase" in result.output


def test_set_passphrase_command(runner, tmp_path):
    db = str(tmp_path / "p.db")
    assert runner.invoke(cli, ["--db", db, "supervisor", "set-passphrase"], input="short\nshort\n").exit_code == 1
    ok = runner.invoke(cli, ["--db", db, "supervisor", "set-passphrase"], input=f"{SECRET}\n{SECRET}\n")
    assert ok.exit_code == 0, ok.output
    wrong = runner.invoke(cli, ["--db", db, "supervisor", "set-passphrase"], input="nope nope\n")
    assert wrong.exit_code == 1 and "not the current passphrase" in wrong.output


def test_snapshot_trainees(snap_compare, tmp_path, store):
    async def run_before(pilot):
        await pilot.press(*SECRET, "enter")

    assert snap_compare(review_app(tmp_path, store), terminal_size=SIZE, run_before=run_before)


def test_snapshot_transcript(snap_compare, tmp_path, store):
    async def run_before(pilot):
        await pilot.press(*SECRET, "enter", "enter")
        table = pilot.app.screen.query_one(DataTable)
        for i in range(table.row_count):
            if str(table.get_row_at(i)[5]) == "✗ fail":
                table.move_cursor(row=i)
        await pilot.press("enter")

    assert snap_compare(review_app(tmp_path, store), terminal_size=SIZE, run_before=run_before)
