"""trainer.launch, the one factory: one typed options object, the site-or-personal decision made once per
command, no click (what stops an app is a LaunchError the CLI words), and no app handed another's screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_helpers import BOSS, BOSS_PASS, IRI
from tests.tui_helpers import FakeClock, scenario_folder
from trainer.cli import cli
from trainer.launch import (AppOptions, BrokenScenario, Launch, NotUsedOnASite, UnknownScenario, create_app,
                            create_review_app)
from trainer.progress import accounts, dbfile
from trainer.progress.store import Store
from trainer.tui.app import TrainerApp

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site_db(tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    store = Store.open(db)
    accounts.init_site(store, BOSS, IRI, [scenario_folder(tmp_path)], BOSS_PASS)
    store.close()
    return db


@pytest.fixture
def peeks(monkeypatch):
    """How many times the database file was asked "is this a site?"; the app is built but not run."""
    asked = []
    real = dbfile.peek_site

    def counting(path):
        asked.append(path)
        return real(path)

    monkeypatch.setattr(dbfile, "peek_site", counting)
    monkeypatch.setattr(TrainerApp, "run", lambda self, *a, **k: None)
    return asked


@pytest.mark.parametrize("args", [[], ["review"]], ids=["open", "review"])
def test_a_command_asks_whether_the_database_is_a_site_once(runner, site_db, peeks, args):
    result = runner.invoke(cli, ["--db", str(site_db), *args])
    assert result.exit_code == 0, result.output
    assert len(peeks) == 1


def test_launch_loads_no_click():
    code = "import sys, trainer.launch\nprint('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_one_options_object_or_the_same_options_by_name(tmp_path):
    options = AppOptions(db=tmp_path / "p.db", scenario_dirs=(scenario_folder(tmp_path),), bundled=False,
                         trainee="Robin Test", clock=FakeClock())
    by_object, by_name = create_app(options), create_app(**vars(options))
    for app in (by_object, by_name):
        assert not app.site and app.trainee_name == "Robin Test" and app.library.get("spouse-call") is not None
    with pytest.raises(TypeError):
        create_app(dbb=tmp_path / "p.db")  # a misspelt option is an error, not silently ignored


def test_a_site_ignores_personal_options_unless_strict(site_db, tmp_path):
    app = create_app(db=site_db, bundled=False, trainee="Someone")
    assert app.site and app.trainee_name is None
    for changes in ({"trainee": "Someone"}, {"scenario_dirs": (tmp_path,)}):
        with pytest.raises(NotUsedOnASite, match="site database"):
            Launch(AppOptions(db=site_db, bundled=False, strict=True, **changes)).trainee_app()


def test_a_scenario_to_play_that_is_missing_or_broken_is_a_launch_error(tmp_path):
    folder = scenario_folder(tmp_path)
    (folder / "torn.yaml").write_text("id: torn\ntitle: [unclosed\n", encoding="utf-8")
    options = AppOptions(db=tmp_path / "p.db", scenario_dirs=(folder,), bundled=False, strict=True)
    with pytest.raises(UnknownScenario, match="no scenario 'spouse-cal'.*spouse-call"):
        Launch(AppOptions(**{**vars(options), "play": "spouse-cal"})).trainee_app()
    with pytest.raises(BrokenScenario) as broken:
        Launch(AppOptions(**{**vars(options), "play": "torn"})).trainee_app()
    assert "torn" in str(broken.value) and broken.value.report.sorted()


def test_with_options_keeps_the_decision(site_db, peeks):
    launch = Launch(AppOptions(db=site_db))
    assert launch.site is not None
    assert launch.with_options(supervisor="Lee").site is launch.site and len(peeks) == 1


async def test_the_review_screens_read_the_same_typed_context_under_either_app(site_db, tmp_path):
    """The supervisor's review on a site runs inside the trainee app; on a personal database in its own app.
    Either way its screens read `ctx` (the store, library, supervisor and clock), never guess at the app."""
    from tests.site_helpers import BOSS_PASS as secret
    from trainer.review.screens import TraineesScreen

    site_app = create_app(db=site_db, bundled=False, clock=FakeClock())
    async with site_app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*BOSS, "enter", *secret, "enter")
        assert isinstance(site_app.screen, TraineesScreen)
        assert site_app.screen.ctx is site_app.ctx and site_app.screen.ctx.supervisor == BOSS
    store = Store.open(tmp_path / "personal.db")
    review = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                               supervisor="Lee Park", clock=FakeClock())
    assert review.ctx.supervisor == "Lee Park" and review.ctx.store is store and not review.ctx.site
    store.close()


def test_the_first_frame_loads_no_store_but_every_recording_process_registers_the_statement_builder():
    """Start-up imports nothing of the store (it opens after the catalogue's first frame); but a process that
    records on a site database (the served web app, the trainee app once its store opens) must have the xAPI
    statement builder registered, or every choice is refused ("nothing was saved")."""
    code = ("import sys, trainer.cli.running, trainer.tui.app, trainer.tui.screens.catalogue\n"
            "print(any(m in sys.modules for m in ('trainer.progress.store', 'trainer.outbox', 'sqlite_utils')))\n"
            "import trainer.web\n"
            "from trainer.progress import outbox_tables\n"
            "print(outbox_tables._builder is not None)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]


def test_the_trainee_app_registers_the_statement_builder_when_its_store_opens(tmp_path):
    code = ("from trainer.launch import create_app\n"
            "from trainer.progress import outbox_tables\n"
            f"app = create_app(db={str(tmp_path / 'p.db')!r}, trainee='Robin Test')\n"
            "print(outbox_tables._builder is not None)\n"
            "app.store\n"
            "print(outbox_tables._builder is not None)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]
