"""Totals kept on write: what the supervisor's report, dashboard and review list aggregate, updated in the
same transaction as the attempt they count, so reading them costs the same at a year of data as at a day.

Why on write: a hospital records about a million choices a year; counting them again for every report
(distinct trainees per choice, averages per skill) grows with history, while these tables grow only with
trainees x scenarios x choices on offer.

What counts (the same rules the report states): every attempt started counts in `attempts` and in its
scenario's language and form breakdown; only completed attempts count in pass rates, averages, skills and
the item analysis, and only their choices still in effect (a choice taken back never counts). A choice can
only be taken back while its attempt is in progress, so a completed attempt's counts never change after
its finish; nothing is ever deleted.

`RECOUNT` holds, per table, the query that counts the same figures again from the raw attempts, skills
and choices: the migration builds the tables with it, and tests check the kept tables equal it.
"""

from __future__ import annotations

DONE = "a.status = 'completed'"
ITEM = "coalesce(a.form_id, a.scenario_id)"  # a form's choices are its own items; a translation shares its original's
POINTS = "(SELECT coalesce(sum(value), 0) FROM json_each(c.points))"

# New tables of this module (the older totals tables are made by m005; `create_schema` adds what they lack).
SCHEMA = """
CREATE TABLE IF NOT EXISTS scenario_variants (
    scenario_id TEXT NOT NULL, mode TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('language', 'form')),
    value TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scenario_id, mode, kind, value));
CREATE TABLE IF NOT EXISTS item_trainees (
    scenario_id TEXT NOT NULL, mode TEXT NOT NULL, node TEXT NOT NULL, choice_id TEXT NOT NULL,
    trainee_id INTEGER NOT NULL, picks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scenario_id, mode, node, choice_id, trainee_id));
CREATE TABLE IF NOT EXISTS node_totals (
    scenario_id TEXT NOT NULL, mode TEXT NOT NULL, node TEXT NOT NULL, picks INTEGER NOT NULL DEFAULT 0,
    seq_sum INTEGER NOT NULL DEFAULT 0, trainees INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scenario_id, mode, node));
CREATE TABLE IF NOT EXISTS node_trainees (
    scenario_id TEXT NOT NULL, mode TEXT NOT NULL, node TEXT NOT NULL, trainee_id INTEGER NOT NULL,
    picks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scenario_id, mode, node, trainee_id));
CREATE INDEX IF NOT EXISTS idx_attempts_completed_finished ON attempts(finished_at) WHERE status = 'completed';
"""

# table -> (key columns, counted columns, the recount from raw rows giving key + counted columns in order)
RECOUNT: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "trainee_totals": (
        ("trainee_id", "mode"), ("attempts", "completed", "passed", "overall_sum", "last_activity"),
        f"SELECT a.trainee_id, a.mode, count(*), coalesce(sum({DONE}), 0),"
        f" coalesce(sum(CASE WHEN {DONE} THEN coalesce(a.passed, 0) ELSE 0 END), 0),"
        f" coalesce(sum(CASE WHEN {DONE} THEN coalesce(a.overall, 0) ELSE 0 END), 0.0),"
        f" max(CASE WHEN {DONE} AND a.finished_at > a.started_at THEN a.finished_at ELSE a.started_at END)"
        " FROM attempts a GROUP BY a.trainee_id, a.mode"),
    "trainee_skill_totals": (
        ("trainee_id", "mode", "skill"), ("n", "percent_sum", "not_assessed"),
        "SELECT a.trainee_id, a.mode, s.skill, coalesce(sum(s.assessed != 0), 0),"
        " coalesce(sum(CASE WHEN s.assessed THEN s.percent ELSE 0 END), 0.0), coalesce(sum(s.assessed = 0), 0)"
        f" FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id WHERE {DONE}"
        " GROUP BY a.trainee_id, a.mode, s.skill"),
    "scenario_totals": (
        ("scenario_id", "mode"), ("attempts", "completed", "passed", "overall_sum"),
        f"SELECT a.scenario_id, a.mode, count(*), coalesce(sum({DONE}), 0),"
        f" coalesce(sum(CASE WHEN {DONE} THEN coalesce(a.passed, 0) ELSE 0 END), 0),"
        f" coalesce(sum(CASE WHEN {DONE} THEN coalesce(a.overall, 0) ELSE 0 END), 0.0)"
        " FROM attempts a GROUP BY a.scenario_id, a.mode"),
    "scenario_variants": (
        ("scenario_id", "mode", "kind", "value"), ("attempts",),
        "SELECT a.scenario_id, a.mode, 'language', a.language, count(*) FROM attempts a"
        " GROUP BY a.scenario_id, a.mode, a.language"
        f" UNION ALL SELECT a.scenario_id, a.mode, 'form', {ITEM}, count(*) FROM attempts a"
        f" GROUP BY a.scenario_id, a.mode, {ITEM}"),
    "item_totals": (
        ("scenario_id", "mode", "node", "choice_id"), ("picks", "points", "critical", "trainees"),
        f"SELECT {ITEM}, a.mode, c.node, c.choice_id, count(*), sum({POINTS}), sum(c.critical IS NOT NULL),"
        f" count(DISTINCT a.trainee_id) FROM choices c JOIN attempts a ON a.id = c.attempt_id"
        f" WHERE {DONE} AND c.undone = 0 GROUP BY 1, a.mode, c.node, c.choice_id"),
    "item_trainees": (
        ("scenario_id", "mode", "node", "choice_id", "trainee_id"), ("picks",),
        f"SELECT {ITEM}, a.mode, c.node, c.choice_id, a.trainee_id, count(*) FROM choices c JOIN attempts a"
        f" ON a.id = c.attempt_id WHERE {DONE} AND c.undone = 0 GROUP BY 1, a.mode, c.node, c.choice_id,"
        " a.trainee_id"),
    "node_totals": (
        ("scenario_id", "mode", "node"), ("picks", "seq_sum", "trainees"),
        f"SELECT {ITEM}, a.mode, c.node, count(*), sum(c.seq), count(DISTINCT a.trainee_id) FROM choices c"
        f" JOIN attempts a ON a.id = c.attempt_id WHERE {DONE} AND c.undone = 0 GROUP BY 1, a.mode, c.node"),
    "node_trainees": (
        ("scenario_id", "mode", "node", "trainee_id"), ("picks",),
        f"SELECT {ITEM}, a.mode, c.node, a.trainee_id, count(*) FROM choices c JOIN attempts a"
        f" ON a.id = c.attempt_id WHERE {DONE} AND c.undone = 0 GROUP BY 1, a.mode, c.node, a.trainee_id"),
}


def _has_column(conn, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def create_schema(conn) -> None:
    """The tables and columns this module keeps (the older totals tables gain a column each)."""
    for statement in SCHEMA.split(";"):  # one by one: executescript would commit the migration's transaction
        if statement.strip():
            conn.execute(statement)
    for table, column in (("trainee_skill_totals", "not_assessed"), ("item_totals", "trainees")):
        if not _has_column(conn, table, column):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")


CHOICE_TABLES = ("item_totals", "item_trainees", "node_totals", "node_trainees")


def rebuild(conn) -> None:
    """Every total counted again from the raw rows (the migration; a generated benchmark database). Titles,
    categories and choice texts are what live writes would have left: the latest original's title (else the
    first attempt's), the latest category, the text shown in the latest finished attempt.
    The four tables counted from choices come from one pass over them (a temporary table per trainee and
    choice), not four: at a million choices that pass is most of the migration's time."""
    for table, (keys, counted, query) in RECOUNT.items():
        conn.execute(f"DELETE FROM {table}")
        columns = ", ".join(keys + counted)
        if table == "scenario_totals":
            conn.execute(f"INSERT INTO scenario_totals ({columns}, title, category) SELECT r.*,"
                         " (SELECT scenario_title FROM attempts WHERE scenario_id = r.sid AND mode = r.kind ORDER BY"
                         " translation_id IS NULL DESC, CASE WHEN translation_id IS NULL THEN started_at END DESC,"
                         " started_at LIMIT 1),"
                         " (SELECT category FROM attempts WHERE scenario_id = r.sid AND mode = r.kind"
                         " ORDER BY started_at DESC LIMIT 1)"
                         f" FROM ({query.replace('a.scenario_id, a.mode,', 'a.scenario_id AS sid, a.mode AS kind,', 1)}) r")
        elif table not in CHOICE_TABLES:
            conn.execute(f"INSERT INTO {table} ({columns}) {query}")
    conn.execute("DROP TABLE IF EXISTS temp.picked")
    conn.execute(f"CREATE TEMP TABLE picked AS SELECT {ITEM} AS sid, a.mode AS kind, c.node AS node, c.choice_id AS ch,"
                 f" a.trainee_id AS who, count(*) AS picks, sum({POINTS}) AS points, sum(c.critical IS NOT NULL) AS"
                 " critical, sum(c.seq) AS seq_sum, max(a.finished_at) AS last_at, c.text AS text FROM choices c"  # text: of last_at's row
                 " JOIN attempts a ON"
                 f" a.id = c.attempt_id WHERE {DONE} AND c.undone = 0 GROUP BY 1, 2, 3, 4, 5")
    conn.execute("INSERT INTO item_totals (scenario_id, mode, node, choice_id, picks, points, critical, trainees, text)"
                 " SELECT sid, kind, node, ch, p, pts, cr, n, text FROM (SELECT sid, kind, node, ch, sum(picks) AS p,"
                 " sum(points) AS pts, sum(critical) AS cr, count(*) AS n, max(last_at), text FROM picked"
                 " GROUP BY sid, kind, node, ch)")  # text: the latest finished attempt's (SQLite's bare column with max)
    conn.execute("INSERT INTO item_trainees (scenario_id, mode, node, choice_id, trainee_id, picks)"
                 " SELECT sid, kind, node, ch, who, picks FROM picked")
    conn.execute("INSERT INTO node_totals (scenario_id, mode, node, picks, seq_sum, trainees)"
                 " SELECT sid, kind, node, sum(picks), sum(seq_sum), count(DISTINCT who) FROM picked"
                 " GROUP BY sid, kind, node")
    conn.execute("INSERT INTO node_trainees (scenario_id, mode, node, trainee_id, picks)"
                 " SELECT sid, kind, node, who, sum(picks) FROM picked GROUP BY sid, kind, node, who")
    conn.execute("DROP TABLE temp.picked")


def recount(conn) -> dict[str, set[tuple]]:
    """Per table, its rows as a fresh count from the raw rows would give them (floats rounded)."""
    return {table: {_rounded(row) for row in conn.execute(query)} for table, (_, _, query) in RECOUNT.items()}


def kept(conn) -> dict[str, set[tuple]]:
    """Per table, the rows the tables hold now (the same columns as `recount`, rows that count nothing left out)."""
    out = {}
    for table, (keys, counted, _) in RECOUNT.items():
        first = "attempts" if "attempts" in counted else counted[0] if table != "trainee_skill_totals" else None
        where = f" WHERE {first} > 0" if first else " WHERE n > 0 OR not_assessed > 0"
        out[table] = {_rounded(row) for row in conn.execute(f"SELECT {', '.join(keys + counted)} FROM {table}{where}")}
    return out


def _rounded(row) -> tuple:
    return tuple(round(v, 6) if isinstance(v, float) else v for v in row)


# --- kept on write ------------------------------------------------------------------------------------------

def on_start(conn, trainee_id: int, scenario_id: str, mode: str, stamp: str, title: str, category: str,
             translated: bool, language: str, form: str) -> None:
    """Inside the write that starts an attempt: it counts as started for its trainee and its scenario."""
    conn.execute(
        "INSERT INTO trainee_totals (trainee_id, mode, attempts, last_activity) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (trainee_id, mode) DO UPDATE SET attempts = attempts + 1, last_activity ="
        " CASE WHEN last_activity > excluded.last_activity THEN last_activity ELSE excluded.last_activity END",
        (trainee_id, mode, stamp))
    conn.execute(
        "INSERT INTO scenario_totals (scenario_id, mode, title, category, attempts) VALUES (?, ?, ?, ?, 1)"
        " ON CONFLICT (scenario_id, mode) DO UPDATE SET attempts = attempts + 1, title = CASE WHEN ?"
        " THEN title ELSE excluded.title END, category = excluded.category",
        (scenario_id, mode, title, category, translated))
    conn.executemany(
        "INSERT INTO scenario_variants (scenario_id, mode, kind, value, attempts) VALUES (?, ?, ?, ?, 1)"
        " ON CONFLICT (scenario_id, mode, kind, value) DO UPDATE SET attempts = attempts + 1",
        [(scenario_id, mode, "language", language), (scenario_id, mode, "form", form)])


def on_finish(conn, attempt_id: str, trainee_id: int, mode: str, passed: int, overall: float, stamp: str) -> None:
    """Inside the write that finishes an attempt, after its skills are stored and before it is marked
    completed: its result, skills and choices in effect join its trainee's, scenario's and items' totals."""
    execute = conn.execute
    execute("UPDATE trainee_totals SET completed = completed + 1, passed = passed + ?, overall_sum = overall_sum + ?,"
            " last_activity = CASE WHEN last_activity > ? THEN last_activity ELSE ? END"
            " WHERE trainee_id = ? AND mode = ?", (passed, overall, stamp, stamp, trainee_id, mode))
    execute("UPDATE scenario_totals SET completed = completed + 1, passed = passed + ?, overall_sum = overall_sum + ?"
            " WHERE (scenario_id, mode) = (SELECT scenario_id, mode FROM attempts WHERE id = ?)",
            (passed, overall, attempt_id))
    execute("INSERT INTO trainee_skill_totals (trainee_id, mode, skill, n, percent_sum, not_assessed)"
            " SELECT ?, ?, skill, assessed != 0, CASE WHEN assessed THEN percent ELSE 0 END, assessed = 0"
            " FROM attempt_skills WHERE attempt_id = ? AND true ON CONFLICT (trainee_id, mode, skill) DO UPDATE SET"
            " n = n + excluded.n, percent_sum = percent_sum + excluded.percent_sum,"
            " not_assessed = not_assessed + excluded.not_assessed", (trainee_id, mode, attempt_id))
    item = execute("SELECT coalesce(form_id, scenario_id) FROM attempts WHERE id = ?", (attempt_id,)).fetchone()[0]
    live = "FROM choices c WHERE c.attempt_id = ? AND c.undone = 0"
    # a trainee counts once per item and per node: +1 only when they had never picked or reached it before
    execute("INSERT INTO item_totals (scenario_id, mode, node, choice_id, text, picks, points, critical, trainees)"
            f" SELECT ?, ?, c.node, c.choice_id, max(c.text), count(*), sum({POINTS}), sum(c.critical IS NOT NULL),"
            " NOT EXISTS (SELECT 1 FROM item_trainees t WHERE t.scenario_id = ? AND t.mode = ? AND t.node = c.node"
            f" AND t.choice_id = c.choice_id AND t.trainee_id = ?) {live} GROUP BY c.node, c.choice_id"
            " ON CONFLICT (scenario_id, mode, node, choice_id) DO UPDATE SET picks = picks + excluded.picks,"
            " points = points + excluded.points, critical = critical + excluded.critical, text = excluded.text,"
            " trainees = trainees + excluded.trainees", (item, mode, item, mode, trainee_id, attempt_id))
    execute("INSERT INTO item_trainees (scenario_id, mode, node, choice_id, trainee_id, picks)"
            f" SELECT ?, ?, c.node, c.choice_id, ?, count(*) {live} GROUP BY c.node, c.choice_id"
            " ON CONFLICT (scenario_id, mode, node, choice_id, trainee_id) DO UPDATE SET picks = picks + excluded.picks",
            (item, mode, trainee_id, attempt_id))
    execute("INSERT INTO node_totals (scenario_id, mode, node, picks, seq_sum, trainees)"
            " SELECT ?, ?, c.node, count(*), sum(c.seq), NOT EXISTS (SELECT 1 FROM node_trainees t WHERE"
            f" t.scenario_id = ? AND t.mode = ? AND t.node = c.node AND t.trainee_id = ?) {live} GROUP BY c.node"
            " ON CONFLICT (scenario_id, mode, node) DO UPDATE SET picks = picks + excluded.picks,"
            " seq_sum = seq_sum + excluded.seq_sum, trainees = trainees + excluded.trainees",
            (item, mode, item, mode, trainee_id, attempt_id))
    execute("INSERT INTO node_trainees (scenario_id, mode, node, trainee_id, picks)"
            f" SELECT ?, ?, c.node, ?, count(*) {live} GROUP BY c.node"
            " ON CONFLICT (scenario_id, mode, node, trainee_id) DO UPDATE SET picks = picks + excluded.picks",
            (item, mode, trainee_id, attempt_id))
