"""Shared set-up for app tests: a small scenario folder, a temp database and a controllable clock."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES, doc_example
from trainer.launch import create_app


class FakeClock:
    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def scenario_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / "spouse-call.yaml").write_text(doc_example(), encoding="utf-8")
    shutil.copy(FIXTURES / "minimal.yaml", folder / "move-appointment.yaml")
    return folder


def make_app(tmp_path: Path, trainee: str | None = "Robin Test", clock=None, play=None, seed: int | None = None):
    """The app on the test scenarios; choices in file order unless a `seed` gives every attempt that order."""
    return create_app(db=tmp_path / "progress.db", scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                      trainee=trainee, clock=clock or FakeClock(), play=play, order_seed=lambda: seed)


async def drawn_footer_key(pilot, wanted, tries: int = 50):
    """The first footer entry for which `wanted(key)` holds, once it is drawn: the footer recomposes after
    the screen's bindings settle, which on a busy machine can take more than one pause."""
    for _ in range(tries):
        found = [k for k in pilot.app.screen.query("FooterKey") if wanted(k) and k.region.width]
        if found:
            return found[0]
        await pilot.pause()
    raise AssertionError("the footer never drew the key asked for")
