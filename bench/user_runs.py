"""The figures timed the way a user meets them, as whole processes:

* start-up: `trainer --trainee X` until the catalogue is drawn in a real pseudo-terminal, against a
  minimal Textual app drawn the same way (both run through bench/first_frame_cpu.py, which also notes
  the CPU time each has used when it writes that frame: the clock of a shared machine is noisy);
* `trainer validate DIR` (default options: lint warnings included) over many files, with an empty
  scenario cache (cold) and with the cache a previous run left (warm), against a process that only
  parses the same files with libyaml.

Each side runs in turn with the other (so a busy spell of the shared machine hits both) and the
figure is the ratio of the medians.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from bench.generate import scenario_folder
from bench.terminal import time_to_text

ROOT = Path(__file__).resolve().parent.parent


def user_env(home: Path) -> dict[str, str]:
    """The environment of a user with a personal installation: their own data, cache and config
    folders (fresh ones under `home`), none of trainer's overrides, and bytecode caching on, as an
    installed package has it (this machine's PYTHONDONTWRITEBYTECODE would recompile every start)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TRAINER_") and k not in ("PYTHONDONTWRITEBYTECODE", "COLUMNS", "LINES")}
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["TERM"] = "xterm-256color"
    return env


def trainer_command() -> list[str]:
    """The `trainer` console script installed beside this Python, as a user types it."""
    script = Path(sys.executable).parent / "trainer"
    return [str(script)] if script.exists() else [sys.executable, "-m", "trainer"]


def in_turns(sides: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, run in sides.items():
            times[name].append(run())
    return times


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


# --- start-up ---------------------------------------------------------------------------------------------

def bench_startup(runs: int, tmp: Path, figure) -> dict:
    from bench.minimal_app import READY
    from trainer.scenario.library import load_library

    # one row per original; a translation shares its original's row and alternate forms are not listed
    count = len(load_library((), include_bundled=True).catalogue())
    catalogue_drawn = f"{count} of {count} scenarios"  # the catalogue's status line, below the table
    env = user_env(tmp / "startup-home")
    cpu_file = tmp / "first-frame-cpu"
    noting = [sys.executable, str(ROOT / "bench" / "first_frame_cpu.py"), str(cpu_file)]
    trainer = [*noting, catalogue_drawn, "-m", "trainer", "--trainee", "Bench Trainee"]
    minimal = [*noting, READY, str(ROOT / "bench" / "minimal_app.py")]
    cpu: dict[str, list[float]] = {"minimal": [], "trainer": []}

    def run(name: str, argv: list[str], text: str) -> float:
        cpu_file.unlink(missing_ok=True)
        elapsed = time_to_text(argv, text, env)
        if cpu_file.exists():
            cpu[name].append(float(cpu_file.read_text()))
        return elapsed

    sides = {
        "minimal": lambda: run("minimal", minimal, READY),
        "trainer": lambda: run("trainer", trainer, catalogue_drawn),
    }
    for side in sides.values():  # first runs write bytecode, the scenario cache and the database
        side()
    for values in cpu.values():
        values.clear()
    times = in_turns(sides, runs)
    ratio = statistics.median(times["trainer"]) / statistics.median(times["minimal"])
    cpu_note = ""
    if len(cpu["trainer"]) == len(cpu["minimal"]) == runs:
        cpu_ratio = statistics.median(cpu["trainer"]) / statistics.median(cpu["minimal"])
        cpu_note = (f"; CPU to the first frame {_ms(cpu['trainer'])} vs {_ms(cpu['minimal'])} ({cpu_ratio:.2f}x: "
                    "less disturbed by a busy machine)")
    return figure("start-up: trainer --trainee X to the catalogue / minimal Textual app (pty)", ratio, 1.3,
                  detail=f"medians of {runs}: trainer {_ms(times['trainer'])}, minimal app {_ms(times['minimal'])};"
                         f" fastest {min(times['trainer']) * 1000:.0f} / {min(times['minimal']) * 1000:.0f} ms"
                         + cpu_note)


# --- validate ---------------------------------------------------------------------------------------------

def with_warnings(paths: list[Path], every: int = 10) -> int:
    """Take the technique tags off one choice in every `every`-th file: validate then has lint warnings
    to print (and to keep in its cache), as an author's folder usually does."""
    changed = 0
    for path in paths[::every]:
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"(?m)^ +tags: \[.*\]\n", "", text, count=1)
        if edited != text:
            path.write_text(edited, encoding="utf-8")
            changed += 1
    return changed


CPU: dict[tuple[str, ...], list[float]] = {}  # CPU seconds of each process run, by command


def _process(argv: list[str], env: dict, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(tuple(argv), []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed, done


def bench_validate(count: int, runs: int, tmp: Path, figure) -> list[dict]:
    folder = tmp / "validate" / "scenarios"
    edited = with_warnings(scenario_folder(folder, count, ROOT / "scenarios"))
    env = user_env(tmp / "validate-home")
    cache = Path(env["XDG_CACHE_HOME"])
    validate = [*trainer_command(), "validate", str(folder)]
    bare = [sys.executable, str(ROOT / "bench" / "bare_parse.py"), str(folder)]
    outputs: dict[str, set] = {"cold": set(), "warm": set()}
    cpu_cold: list[float] = []  # CPU seconds of each cold validate: less disturbed by a busy machine

    def run_validate(kind: str) -> float:
        if kind == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        elapsed, done = _process(validate, env, folder.parent)
        outputs[kind].add((done.returncode, done.stdout, done.stderr))
        if kind == "cold":
            cpu_cold.append(CPU[tuple(validate)][-1])
        return elapsed

    def run_bare() -> float:
        elapsed, done = _process(bare, env, folder.parent)
        assert done.returncode == 0, done.stderr.decode()[-400:]
        return elapsed

    _process(bare, env, folder.parent)  # bytecode and the page cache, for both sides alike
    run_validate("cold")
    outputs["cold"].clear()
    CPU.clear()
    cpu_cold.clear()
    times = in_turns({"bare": run_bare, "cold": lambda: run_validate("cold"),
                      "warm": lambda: run_validate("warm")}, runs)
    same = len(outputs["cold"] | outputs["warm"]) == 1
    code, out, err = next(iter(outputs["cold"]))
    summary = (err or out).decode().strip().splitlines()[-1] if (err or out).strip() else ""
    warnings = out.decode().count(": warning: ")
    base = statistics.median(times["bare"])
    cpu_bare = statistics.median(CPU[tuple(bare)])
    cpu_note = (f"; CPU time {statistics.median(cpu_cold):.1f} s vs {cpu_bare:.1f} s "
                f"({statistics.median(cpu_cold) / cpu_bare:.2f}x)")
    note = f"{warnings} warnings printed, exit {code}; " + ("cold and warm print the same" if same else
                                                            "COLD AND WARM OUTPUT DIFFER")
    return [
        figure(f"validate {count} files, cold cache / bare libyaml parse (processes)",
               statistics.median(times["cold"]) / base, 2.0,
               detail=f"medians of {runs}: {_ms(times['cold'])} vs {_ms(times['bare'])}{cpu_note}; {note}"),
        figure(f"validate {count} files, warm cache / bare libyaml parse (processes)",
               statistics.median(times["warm"]) / base, 0.5, ok=same and statistics.median(times["warm"]) <= 0.5 * base,
               detail=f"medians of {runs}: {_ms(times['warm'])} vs {_ms(times['bare'])}; {edited} files with "
                      f"a warning planted{'; ' + summary if summary else ''}"),
    ]
