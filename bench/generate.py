"""Generated inputs for the benchmarks: big scenarios, many scenario files, a big progress database."""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from pathlib import Path

SKILLS = ("empathy", "de-escalation", "privacy", "resolution")


def big_scenario(nodes: int, seed: int = 1) -> str:
    """A valid scenario with `nodes` nodes in compact YAML (5,000 nodes stay under the 1 MB file limit):
    two choices each with points, feedback and tags, and one critical error every 97 nodes."""
    rng = random.Random(seed)
    out = [f"title: Generated {nodes}", "category: billing", "summary: A generated scenario for benchmarks.",
           "character: {name: Casey Morgan}", "nodes:"]
    for i in range(nodes):
        a = f"n{i + 1}" if i + 1 < nodes else "done"
        b = f"n{i + 2}" if i + 2 < nodes else "done"
        crit = i % 97 == 50
        pa = f"{{{rng.choice(SKILLS)}: {rng.randint(1, 3)}}}"
        pb = "{privacy: -3, resolution: -3}" if crit else f"{{{rng.choice(SKILLS)}: {rng.randint(-2, 1)}}}"
        out.append(f"  n{i}:\n    says: L{i}\n    choices:\n"
                   f"    - {{text: A, next: {a}, points: {pa}, feedback: F, tags: [T]}}\n"
                   f"    - {{text: B, next: {'bad' if crit else b}, points: {pb}, feedback: F, tags: [T]"
                   f"{', critical: C' if crit else ''}}}")
    out += ["endings:", "  done: {outcome: resolved, summary: Done.}", "  bad: {outcome: failed, summary: Bad.}"]
    return "\n".join(out) + "\n"


def scenario_folder(folder: Path, count: int, library: Path, originals_only: bool = False) -> list[Path]:
    """`count` real scenario files (the bundled library, copied round-robin with a distinct first line).
    `originals_only` leaves out alternate forms and translations: a renamed copy's `form_of` would name an
    original that is not there under that name (an error, where the load bench wants a clean library)."""
    sources = sorted(library.glob("*.yaml"))
    if originals_only:
        sources = [p for p in sources if not any(line.startswith(("form_of:", "translation_of:"))
                                                 for line in p.read_text(encoding="utf-8").splitlines())]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        src = sources[i % len(sources)]
        path = folder / f"{src.stem}-{i:04d}.yaml"
        path.write_text(f"# copy {i}\n" + src.read_text(encoding="utf-8"), encoding="utf-8")
        paths.append(path)
    return paths


def progress_db(path: Path, choices: int, trainees: int = 40, scenarios: int = 16, per_attempt: int = 10) -> None:
    """A progress database with `choices` recorded choices, written through the real schema, with the
    totals the store keeps on write built by trainer.progress.totals.rebuild (what live recording keeps)."""
    from trainer.progress import totals
    from trainer.progress.store import Store

    Store.open(path).close()
    rng = random.Random(7)
    conn = sqlite3.connect(path)  # one transaction for every row: executemany in batches, one commit
    conn.execute("PRAGMA synchronous = OFF")
    conn.executemany("INSERT INTO trainees (id, name, name_key, created_at) VALUES (?, ?, ?, '2026-01-01')",
                     [(i + 1, f"Trainee {i + 1:03d}", f"trainee {i + 1:03d}") for i in range(trainees)])
    attempts = choices // per_attempt
    day = 0
    attempt_rows, choice_rows, skill_rows = [], [], []
    for a in range(attempts):
        aid = uuid.UUID(int=a + 1).hex
        sid = f"scenario-{a % scenarios:02d}"
        overall = float(rng.randint(20, 100))
        stamp = f"2026-{1 + (a * 11 // attempts) % 12:02d}-{1 + day % 28:02d}T10:00:00.000+00:00"
        day += 1
        attempt_rows.append((aid, 1 + a % trainees, sid, 1, "h", f"Scenario {sid}", "billing", "assessment", stamp,
                             stamp, "completed", "done", "resolved", overall, int(overall >= 70), per_attempt, stamp))
        for seq in range(per_attempt):
            pts = {"empathy": rng.randint(-2, 3), "privacy": rng.randint(-2, 1)}
            choice_rows.append((aid, seq + 1, f"n{seq}", f"c{rng.randint(0, 2)}", 1, "Option", json.dumps(pts),
                                50, 55, 3.2, stamp, None, 0, '["NURSE:naming"]'))
        for skill in SKILLS:
            skill_rows.append((aid, skill, 3.0, 4.0, float(rng.randint(0, 100)), 60.0, 1))
        if len(choice_rows) >= 50_000:
            _flush(conn, attempt_rows, choice_rows, skill_rows)
    _flush(conn, attempt_rows, choice_rows, skill_rows)
    totals.rebuild(conn)  # the totals kept on write, counted once from the rows above (as the migration does)
    conn.commit()
    conn.close()


def _flush(conn, attempt_rows, choice_rows, skill_rows) -> None:
    conn.executemany("INSERT INTO attempts (id, trainee_id, scenario_id, scenario_version, content_hash,"
                     " scenario_title, category, mode, started_at, finished_at, status, ending, outcome, overall,"
                     " passed, choices, last_activity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", attempt_rows)
    conn.executemany("INSERT INTO choices (attempt_id, seq, node, choice_id, number, text, points, mood_before,"
                     " mood_after, latency, at, critical, timed_out, tags) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     choice_rows)
    conn.executemany("INSERT INTO attempt_skills (attempt_id, skill, raw, max, percent, threshold, passed)"
                     " VALUES (?,?,?,?,?,?,?)", skill_rows)  # assessed: its default, 1
    attempt_rows.clear()
    choice_rows.clear()
    skill_rows.clear()
