"""Signing in on a site database: name, Enter, passphrase, Enter. Trainees reach their own catalogue,
progress and notes and nobody else's; supervisors reach the review; `trainer review` on a site takes
supervisors only; a trainee changes their own passphrase in the app."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from tests.conftest import FIXTURES
from tests.site_helpers import ANA, ANA_PASS, BOSS, BOSS_PASS, IRI, SAM, SAM_PASS
from tests.tui_helpers import FakeClock, scenario_folder
from trainer.cli import cli
from trainer.launch import create_app
from trainer.play.recording import RecordedAttempt
from trainer.progress import accounts, audit
from trainer.progress.store import Store
from trainer.review.screens import AttemptsScreen, TraineesScreen
from trainer.scenario.loader import load_scenario
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.progress import ProgressScreen
from trainer.tui.screens.signin import ChangePassphraseScreen, SignInScreen

SIZE = (80, 24)


@pytest.fixture
def site_db(tmp_path, fast_hashing):
    """A site with two trainees who each have one attempt, and a note for Sam only."""
    db = tmp_path / "site.db"
    store = Store.open(db)
    accounts.init_site(store, BOSS, IRI, [scenario_folder(tmp_path)], BOSS_PASS)
    accounts.add_account(store, SAM, "trainee", SAM_PASS, BOSS)
    accounts.add_account(store, ANA, "trainee", ANA_PASS, BOSS)
    minimal = load_scenario(FIXTURES / "minimal.yaml")
    for name, choice in ((SAM, "help"), (ANA, "wait")):
        attempt = RecordedAttempt.start(store, store.find_trainee(name), minimal, "practice")
        attempt.choose(choice)
        if name == SAM:
            audit.add_note(store, attempt.attempt_id, BOSS, "Nice opening, Sam.")
    store.close()
    return db


def shown(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def sign_in(pilot, name: str, secret: str) -> None:
    await pilot.press(*name, "enter", *secret, "enter")


async def test_nothing_shows_before_the_sign_in(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SignInScreen)
        assert not app.screen.query_one("#signin-passphrase", Input).display
        await pilot.press(*SAM, "enter", "a", "b")
        secret_box = app.screen.query_one("#signin-passphrase", Input)
        assert secret_box.display and secret_box.password and secret_box.has_class("-typing")
        assert secret_box.value == "ab" and app.screen.query_one("#signin-name", Input).value == SAM
        text = shown(app)
        assert ANA not in text and "Whitfield" not in text


async def test_a_trainee_sees_only_their_own_attempts_and_notes(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam rivera", SAM_PASS)
        assert isinstance(app.screen, CatalogueScreen) and app.trainee.name == SAM
        await pilot.press("p")
        assert isinstance(app.screen, ProgressScreen)
        rows = app.screen.query_one(DataTable)
        assert rows.row_count == 1
        assert "Nice opening, Sam." in str(app.screen.query_one("#progress-notes", Static).render())
        assert ANA not in shown(app)
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, ANA, ANA_PASS)
        await pilot.press("p")
        assert app.screen.query_one(DataTable).row_count == 1
        assert not app.screen.query_one("#progress-notes", Static).display
        assert "Nice opening" not in shown(app)


async def test_a_wrong_passphrase_is_refused_and_the_lockout_is_shown(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SAM, "not it at all")
        assert isinstance(app.screen, SignInScreen)
        assert "do not match an account" in str(app.screen.query_one("#signin-message", Static).render())
        for _ in range(4):
            await pilot.press(*"still wrong", "enter")
        await pilot.press(*SAM_PASS, "enter")
        assert isinstance(app.screen, SignInScreen)
        assert "try again in 30 s" in str(app.screen.query_one("#signin-message", Static).render())


async def test_a_supervisor_signing_in_reaches_the_review(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, BOSS, BOSS_PASS)
        assert isinstance(app.screen, TraineesScreen) and app.supervisor == BOSS
        table = app.screen.query_one(DataTable)
        assert sorted(str(table.get_row_at(i)[0]) for i in range(table.row_count)) == [ANA, SAM]
        await pilot.press("enter")
        assert isinstance(app.screen, AttemptsScreen)


async def test_the_review_sign_in_takes_supervisors_only(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock(), roles=("supervisor",))
    async with app.run_test(size=SIZE) as pilot:
        assert "Supervisor sign-in" in shown(app)
        await sign_in(pilot, SAM, SAM_PASS)
        assert isinstance(app.screen, SignInScreen) and app.trainee is None
        assert "Sam Rivera is a trainee" in str(app.screen.query_one("#signin-message", Static).render())


async def test_a_trainee_changes_their_own_passphrase(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SAM, SAM_PASS)
        await pilot.press("p", "k")
        assert isinstance(app.screen, ChangePassphraseScreen)
        await pilot.press(*SAM_PASS, "enter", *"my own new one", "enter", *"my own typo", "enter")
        assert "differ" in str(app.screen.query_one("#pp-message", Static).render())
        await pilot.press(*"my own new one", "enter", *"my own new one", "enter")
        assert isinstance(app.screen, ProgressScreen)
    store = Store.open(site_db)
    assert accounts.sign_in(store, SAM, "my own new one").name == SAM


def test_the_cli_refuses_trainee_and_scenarios_options_on_a_site(runner, site_db, tmp_path):
    for args in (["--trainee", SAM], ["--scenarios", str(tmp_path)], ["review", "--as", "Someone"]):
        result = runner.invoke(cli, ["--db", str(site_db), *args])
        assert result.exit_code == 2 and "site database" in result.output, args


def test_snapshot_sign_in(snap_compare, site_db):
    async def run_before(pilot):
        await pilot.press(*SAM, "enter")

    assert snap_compare(create_app(db=site_db, bundled=False, clock=FakeClock()), terminal_size=SIZE,
                        run_before=run_before)


async def test_a_too_short_new_passphrase_is_refused_before_it_is_repeated(site_db):
    app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SAM, SAM_PASS)
        await pilot.press("p", "k")
        assert isinstance(app.screen, ChangePassphraseScreen)
        await pilot.press(*SAM_PASS, "enter")
        assert app.screen.focused.id == "pp-new"  # Enter in the first field moves to the next
        await pilot.press(*"short", "enter")
        assert app.screen.focused.id == "pp-new"  # not on to "again": the length is said first
        assert "at least 12 characters" in str(app.screen.query_one("#pp-message", Static).render())
        await pilot.press(*" and longer", "enter")
        assert app.screen.focused.id == "pp-again"
        assert "at least" not in str(app.screen.query_one("#pp-message", Static).render())
