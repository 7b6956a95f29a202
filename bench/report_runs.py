"""The supervisor's figures at a hospital's scale (a year of a 500-person hospital is about a million
recorded choices), each against a small or empty database measured in the same run:

* report + dashboard data (build_report, trainee_rows, scenario_rows) in-process, large / small database;
* `trainer report --format json` as a whole process on the large database, as a supervisor runs it;
* the review app's first screen (the trainee list, after the passphrase), large database / one with the
  same trainees and nothing recorded (so both lists have the same rows to draw), in Textual's headless
  driver, timed from the passphrase's Enter (its argon2id check included, as a supervisor waits for it)
  until the list is filled.

The databases come from bench.generate.progress_db (rows in one transaction, totals built by
trainer.progress.totals.rebuild, as the migration builds them).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import time
from pathlib import Path

from bench.generate import progress_db
from bench.user_runs import trainer_command, user_env

SECRET = "bench passphrase for the review"


def _report_process(db: Path, home: Path) -> float:
    env = user_env(home) | {"TRAINER_PASSPHRASE": SECRET}
    start = time.perf_counter()
    done = subprocess.run(trainer_command() + ["--db", str(db), "report", "--format", "json"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"trainer report failed: {done.stderr.decode(errors='replace')[-400:]}")
    return elapsed


def _first_screen(db: Path) -> float:
    """Seconds from Enter on the passphrase until the review's trainee list is drawn with its rows."""
    from textual.widgets import DataTable

    from trainer.launch import create_review_app
    from trainer.review.screens import TraineesScreen

    app = create_review_app(db=db, bundled=True, supervisor="Bench Supervisor")

    async def run() -> float:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*SECRET)
            start = time.perf_counter()
            await pilot.press("enter")
            while not (isinstance(app.screen, TraineesScreen) and app.screen.query(DataTable)):
                await pilot.pause()
            await pilot.pause()
            return time.perf_counter() - start

    try:
        return asyncio.run(run())
    finally:
        app.store.close()


def bench_reports(small: int, large: int, repeat: int, tmp: Path, figure, best, interleaved) -> list[dict]:
    from trainer.progress import passphrase
    from trainer.progress.store import Store
    from trainer.reports.data import build_report, scenario_rows, trainee_rows

    paths = {}
    for size in (0, small, large):
        paths[size] = tmp / f"report-{size}.db"
        progress_db(paths[size], size)  # 0: the same trainees, nothing recorded
        store = Store.open(paths[size])
        passphrase.set_passphrase(store, SECRET)
        store.close()
    stores = {size: Store.open(paths[size]) for size in (small, large)}

    def dashboard(store):
        return lambda: (build_report(store), trainee_rows(store), scenario_rows(store))

    t_small, t_large = interleaved([dashboard(stores[small]), dashboard(stores[large])], repeat)
    for store in stores.values():
        store.close()
    home = tmp / "report-home"
    _report_process(paths[large], home)  # bytecode and the scenario cache written once, as on a used machine
    process = [_report_process(paths[large], home) for _ in range(repeat)]
    screens = {0: [], large: []}
    for _ in range(repeat):
        for size in screens:
            screens[size].append(_first_screen(paths[size]))
    s_empty, s_large = statistics.median(screens[0]), statistics.median(screens[large])
    return [
        figure(f"report + dashboard data, {large:,} / {small:,} recorded choices", t_large / t_small, 1.5,
               detail=f"{t_large * 1000:.1f} ms vs {t_small * 1000:.1f} ms (fastest of {repeat}, in turns)"),
        figure(f"`trainer report --format json`, {large:,} recorded choices, whole process", statistics.median(process),
               1.0, unit="s", detail=f"median of {repeat}; fastest {min(process) * 1000:.0f} ms"),
        figure(f"review app's first screen, {large:,} recorded choices / none recorded", s_large / s_empty, 1.5,
               detail=f"medians of {repeat}: {s_large * 1000:.0f} ms vs {s_empty * 1000:.0f} ms (Enter on the "
                      "passphrase to the trainee list filled)"),
    ]
