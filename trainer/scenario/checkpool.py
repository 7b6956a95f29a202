"""`trainer validate`'s cold checks on every core: files the content cache has not seen are checked in a
process pool once there are more than a few dozen of them (`trainer validate` of 1,000 files spent its
time in one core's loading and linting while the others idled).

Each file is checked by the same function whichever process runs it, the parent hands the workers the
bytes it has already read and hashed (so what is checked is what is cached), and results come back in
the files' order: the output is the same, line for line, as a check in one process. A few dozen files or
one core: no pool, since starting one costs more than it saves.
"""

from __future__ import annotations

import gc
import os
import sys
from functools import partial
from pathlib import Path
from typing import Callable

POOL_FROM = 48  # files to check before a pool pays for itself (a file takes ~20 ms to check cold; a worker
# costs a fork, its pipe and the pickling of what it sends back)
MAX_WORKERS = 8  # the bytes of every file in flight are held twice; more workers than this gain little

Found = tuple  # (diagnostics without the path, translation_of, form_of): what the checks cache keeps


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def check_all(items: list[tuple[Path, bytes]], check_one: Callable[[Path, bytes], Found]) -> list[Found]:
    """`check_one(path, data)` for every item, in order: in this process for a few files or on one core,
    else spread over a pool of worker processes."""
    workers = min(usable_cores(), MAX_WORKERS, len(items) // (POOL_FROM // 2) or 1)
    if len(items) < POOL_FROM or workers < 2:
        return _in_order(items, check_one)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork where it is safe and cheap (Linux): the workers start with every checking module imported
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    chunk = max(1, len(items) // (workers * 16))  # small enough that the workers finish together, large enough to
    # amortise the pipe (at 200 files a chunk of 12 took 0.15 s: one worker idled that long at the end)
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
            return list(pool.map(partial(_counted, check_one), *zip(*items), chunksize=chunk))
    except (OSError, ImportError, BrokenProcessPool):  # no processes allowed here (a sandbox, no /dev/shm),
        # or a worker was killed (out of memory): check them all in this process, as without a pool
        return _in_order(items, check_one)


def _in_order(items, check_one) -> list[Found]:
    return [_counted(check_one, path, data) for path, data in items]


def _start_worker() -> None:
    """Objects of a checked file are freed by reference counting, as in the parent (see check_files), with
    a collector pass every 200 files (`_counted`)."""
    gc.disable()


_checked_here = 0  # files this worker has checked


def _counted(check_one: Callable[[Path, bytes], Found], path: Path, data: bytes) -> Found:
    """`check_one`, with a collector pass every 200 files for what a broken file may leave in a cycle."""
    global _checked_here
    found = check_one(path, data)
    _checked_here += 1
    if _checked_here % 200 == 0:
        gc.collect()
    return found
