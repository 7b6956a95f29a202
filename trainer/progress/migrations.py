"""The progress database schema, as sqlite-utils migrations applied on open (oldest first)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "trainer"


class NamedMigrations(Migrations):
    """sqlite-utils' migrations, also keeping the names registered in `names` (its own list is private):
    the store refuses a database with a migration this version does not know (written by a newer one)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.names: list[str] = []

    def __call__(self, *, name: str | None = None, transactional: bool = True):
        register = super().__call__(name=name, transactional=transactional)

        def inner(func):
            registered = register(func)
            self.names.append(name or func.__name__)
            return registered
        return inner


migrations = NamedMigrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db["trainees"].create({"id": int, "name": str, "created_at": str}, pk="id", not_null={"name"})
    db.execute("CREATE UNIQUE INDEX idx_trainees_name ON trainees(name COLLATE NOCASE)")
    db["attempts"].create({
        "id": str, "trainee_id": int, "scenario_id": str, "scenario_version": int, "content_hash": str,
        "scenario_title": str, "category": str, "mode": str, "started_at": str, "finished_at": str,
        "status": str, "ending": str, "outcome": str, "overall": float, "passed": int,
        "choices": int, "last_activity": str,
    }, pk="id", foreign_keys=[("trainee_id", "trainees", "id")], defaults={"choices": 0},
        not_null={"trainee_id", "scenario_id", "status", "mode"})
    db["choices"].create({
        "id": int, "attempt_id": str, "seq": int, "node": str, "choice_id": str, "number": int, "text": str,
        "points": str, "mood_before": int, "mood_after": int, "latency": float, "at": str, "critical": str,
        "timed_out": int, "tags": str,
    }, pk="id", foreign_keys=[("attempt_id", "attempts", "id")], not_null={"attempt_id", "seq"})
    db.execute("CREATE UNIQUE INDEX idx_choices_attempt_seq ON choices(attempt_id, seq)")
    db["attempt_skills"].create({
        "attempt_id": str, "skill": str, "raw": float, "max": float, "percent": float, "threshold": float,
        "passed": int,
    }, pk=("attempt_id", "skill"), foreign_keys=[("attempt_id", "attempts", "id")])
    db["settings"].create({"key": str, "value": str}, pk="key")
    db.execute("CREATE INDEX idx_attempts_trainee ON attempts(trainee_id, started_at)")


@migrations()
def m002_review(db: Database) -> None:
    """Supervisor review: notes, sign-off, undo marks, and per-choice statistics kept on write."""
    db["attempts"].add_column("signed_off_by", str)
    db["attempts"].add_column("signed_off_at", str)
    db["choices"].add_column("undone", int, not_null_default=0)
    db["notes"].create({"id": int, "attempt_id": str, "author": str, "text": str, "created_at": str},
                       pk="id", foreign_keys=[("attempt_id", "attempts", "id")])
    db["item_stats"].create({
        "scenario_id": str, "node": str, "choice_id": str, "text": str, "picks": int, "points": float,
        "critical": int,
    }, pk=("scenario_id", "node", "choice_id"), defaults={"picks": 0, "points": 0.0, "critical": 0})
    db.execute("""
        INSERT INTO item_stats (scenario_id, node, choice_id, text, picks, points, critical)
        SELECT a.scenario_id, c.node, c.choice_id, max(c.text), count(*),
               sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))),
               sum(c.critical IS NOT NULL)
        FROM choices c JOIN attempts a ON a.id = c.attempt_id
        GROUP BY a.scenario_id, c.node, c.choice_id
    """)
    db.execute("CREATE INDEX idx_attempts_scenario ON attempts(scenario_id, started_at)")
    db.execute("CREATE INDEX idx_attempts_status ON attempts(status, last_activity)")


@migrations()
def m003_summaries(db: Database) -> None:
    """Per-trainee and per-scenario totals kept on write, so reports stay flat as history grows."""
    db["trainee_stats"].create({
        "trainee_id": int, "attempts": int, "completed": int, "passed": int, "overall_sum": float,
        "last_activity": str,
    }, pk="trainee_id", foreign_keys=[("trainee_id", "trainees", "id")],
        defaults={"attempts": 0, "completed": 0, "passed": 0, "overall_sum": 0.0})
    db["trainee_skill_stats"].create({"trainee_id": int, "skill": str, "n": int, "percent_sum": float},
                                     pk=("trainee_id", "skill"))
    db["scenario_stats"].create({
        "scenario_id": str, "title": str, "category": str, "attempts": int, "completed": int, "passed": int,
        "overall_sum": float,
    }, pk="scenario_id", defaults={"attempts": 0, "completed": 0, "passed": 0, "overall_sum": 0.0})
    db.execute("""
        INSERT INTO trainee_stats (trainee_id, attempts, completed, passed, overall_sum, last_activity)
        SELECT trainee_id, count(*), sum(status = 'completed'), sum(coalesce(passed, 0)),
               sum(CASE WHEN status = 'completed' THEN coalesce(overall, 0) ELSE 0 END), max(last_activity)
        FROM attempts GROUP BY trainee_id
    """)
    db.execute("""
        INSERT INTO trainee_skill_stats (trainee_id, skill, n, percent_sum)
        SELECT a.trainee_id, s.skill, count(*), sum(s.percent)
        FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id GROUP BY a.trainee_id, s.skill
    """)
    db.execute("""
        INSERT INTO scenario_stats (scenario_id, title, category, attempts, completed, passed, overall_sum)
        SELECT scenario_id, max(scenario_title), max(category), count(*), sum(status = 'completed'),
               sum(coalesce(passed, 0)), sum(CASE WHEN status = 'completed' THEN coalesce(overall, 0) ELSE 0 END)
        FROM attempts GROUP BY scenario_id
    """)
    db.execute("CREATE INDEX idx_attempts_trainee_finished ON attempts(trainee_id, finished_at)")


@migrations()
def m004_accounts(db: Database) -> None:
    """Sign-in: accounts with roles and argon2id passphrases, groups of trainees, the shared count of
    wrong passphrases, and the audit trail of supervisor actions. Existing trainees get a case-folded
    name key (the same person whatever the case); two old names that fold alike keep their rows, and
    the later one gets a key of its own so nothing is merged or lost."""
    import unicodedata

    db["trainees"].add_column("name_key", str)
    seen: set[str] = set()
    for trainee_id, name in db.execute("SELECT id, name FROM trainees ORDER BY id").fetchall():
        key = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
        if key in seen:
            key = f"{key} #{trainee_id}"
        seen.add(key)
        db.execute("UPDATE trainees SET name_key = ? WHERE id = ?", [key, trainee_id])
    db.execute("CREATE UNIQUE INDEX idx_trainees_name_key ON trainees(name_key)")
    db.execute("""
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('trainee', 'supervisor')),
            trainee_id INTEGER UNIQUE REFERENCES trainees(id),
            passphrase TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            CHECK ((role = 'trainee') = (trainee_id IS NOT NULL))
        )""")
    db.execute("""
        CREATE TABLE groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE group_members (
            group_id INTEGER NOT NULL REFERENCES groups(id),
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            PRIMARY KEY (group_id, trainee_id)
        )""")
    db.execute("CREATE INDEX idx_group_members_trainee ON group_members(trainee_id)")
    db.execute("""
        CREATE TABLE sign_in_failures (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL DEFAULT 0,
            last_failure_at REAL
        )""")
    db.execute("""
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT,
            detail TEXT
        )""")
    db.execute("CREATE INDEX idx_audit_at ON audit(at)")


@migrations()
def m007_programme(db: Database) -> None:
    """The training programme: named sets of scenarios, assignments to a trainee or a group (a group's
    covers whoever is in it, including people who join later), and supervisors' waivers of retraining."""
    db.execute("""
        CREATE TABLE scenario_sets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE scenario_set_items (
            set_id INTEGER NOT NULL REFERENCES scenario_sets(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            scenario_id TEXT NOT NULL,
            PRIMARY KEY (set_id, scenario_id)
        )""")
    db.execute("""
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            scenario_id TEXT NOT NULL,
            trainee_id INTEGER REFERENCES trainees(id),
            group_id INTEGER REFERENCES groups(id),
            due TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('assessment', 'practice')),
            max_attempts INTEGER CHECK (max_attempts IS NULL OR max_attempts > 0),
            every_months INTEGER CHECK (every_months IS NULL OR every_months > 0),
            from_set TEXT,
            assigned_by TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            CHECK ((trainee_id IS NULL) != (group_id IS NULL))
        )""")
    db.execute("CREATE UNIQUE INDEX idx_assignments_target ON assignments"
               "(scenario_id, coalesce(trainee_id, 0), coalesce(group_id, 0))")
    db.execute("CREATE INDEX idx_assignments_trainee ON assignments(trainee_id)")
    db.execute("CREATE INDEX idx_assignments_group ON assignments(group_id)")
    db.execute("""
        CREATE TABLE waivers (
            assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            version INTEGER NOT NULL,
            waived_by TEXT NOT NULL,
            waived_at TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (assignment_id, trainee_id)
        )""")


@migrations()
def m006_outbox(db: Database) -> None:
    """The xAPI outbox: one row per statement, written with the fact it reports; and a random UUID per
    person that stands for them in statements (a trigger gives each new trainee one). On a site
    database the statements of attempts recorded before this upgrade are enqueued here, so the first
    sync delivers the whole history."""
    from trainer.progress import outbox_tables

    outbox_tables.create_schema(db.conn)
    outbox_tables.backfill(db.conn)


@migrations()
def m005_attempt_integrity(db: Database) -> None:
    """Attempts that mean what they say: each attempt's choice-order seed, the current node's shown time
    and deadline (a timer survives leaving and resuming), the window that owns it (its writes are checked
    against it), and each choice's shown order. Totals kept on write are split by mode and count
    completed attempts only, so practice is never averaged into assessment; they replace m002/m003's."""
    attempts = db["attempts"]
    for column, kind in (("order_seed", int), ("shown_seq", int), ("shown_at", float), ("deadline", float),
                         ("owner", str), ("owner_seen", str)):
        attempts.add_column(column, kind)
    db["choices"].add_column("shown", str)
    db["trainee_totals"].create({
        "trainee_id": int, "mode": str, "attempts": int, "completed": int, "passed": int, "overall_sum": float,
        "last_activity": str,
    }, pk=("trainee_id", "mode"), foreign_keys=[("trainee_id", "trainees", "id")],
        defaults={"attempts": 0, "completed": 0, "passed": 0, "overall_sum": 0.0})
    db["trainee_skill_totals"].create({"trainee_id": int, "mode": str, "skill": str, "n": int, "percent_sum": float},
                                      pk=("trainee_id", "mode", "skill"))
    db["scenario_totals"].create({
        "scenario_id": str, "mode": str, "title": str, "category": str, "attempts": int, "completed": int,
        "passed": int, "overall_sum": float,
    }, pk=("scenario_id", "mode"), defaults={"attempts": 0, "completed": 0, "passed": 0, "overall_sum": 0.0})
    db["item_totals"].create({
        "scenario_id": str, "mode": str, "node": str, "choice_id": str, "text": str, "picks": int,
        "points": float, "critical": int,
    }, pk=("scenario_id", "mode", "node", "choice_id"), defaults={"picks": 0, "points": 0.0, "critical": 0})
    done = "status = 'completed'"
    db.execute(f"""
        INSERT INTO trainee_totals (trainee_id, mode, attempts, completed, passed, overall_sum, last_activity)
        SELECT trainee_id, mode, count(*), sum({done}), sum(CASE WHEN {done} THEN coalesce(passed, 0) ELSE 0 END),
               sum(CASE WHEN {done} THEN coalesce(overall, 0) ELSE 0 END), max(last_activity)
        FROM attempts GROUP BY trainee_id, mode
    """)
    db.execute(f"""
        INSERT INTO trainee_skill_totals (trainee_id, mode, skill, n, percent_sum)
        SELECT a.trainee_id, a.mode, s.skill, count(*), sum(s.percent)
        FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id WHERE a.{done}
        GROUP BY a.trainee_id, a.mode, s.skill
    """)
    db.execute(f"""
        INSERT INTO scenario_totals (scenario_id, mode, title, category, attempts, completed, passed, overall_sum)
        SELECT scenario_id, mode, max(scenario_title), max(category), count(*), sum({done}),
               sum(CASE WHEN {done} THEN coalesce(passed, 0) ELSE 0 END),
               sum(CASE WHEN {done} THEN coalesce(overall, 0) ELSE 0 END)
        FROM attempts GROUP BY scenario_id, mode
    """)
    db.execute(f"""
        INSERT INTO item_totals (scenario_id, mode, node, choice_id, text, picks, points, critical)
        SELECT a.scenario_id, a.mode, c.node, c.choice_id, max(c.text), count(*),
               sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))), sum(c.critical IS NOT NULL)
        FROM choices c JOIN attempts a ON a.id = c.attempt_id WHERE a.{done} AND c.undone = 0
        GROUP BY a.scenario_id, a.mode, c.node, c.choice_id
    """)
    for old in ("item_stats", "trainee_skill_stats", "trainee_stats", "scenario_stats"):
        db[old].drop()
    db.execute("CREATE INDEX idx_attempts_trainee_mode ON attempts(trainee_id, mode, finished_at)")


@migrations()
def m008_language_preference(db: Database) -> None:
    """The trainee's own choice of the app's language (a catalogue code such as "es"); empty follows the
    environment (LANGUAGE / LANG)."""
    db["trainees"].add_column("language", str)


@migrations()
def m009_attempt_language(db: Database) -> None:
    """Attempts on a translation count toward its original: `scenario_id` is the original's id, `language`
    the language played and `translation_id` the translation's own id (NULL when the original was played,
    so resuming and transcripts open the very file played). Earlier attempts were all English originals."""
    attempts = db["attempts"]
    attempts.add_column("language", str, not_null_default="en")
    attempts.add_column("translation_id", str)


@migrations()
def m010_forms_and_wordings(db: Database) -> None:
    """Parallel forms and wordings: `form_id` is the form an attempt played (NULL for an original; its
    `scenario_id` is the original it counts toward, its `translation_id` the very file played), so the item
    analysis keeps a form's choices apart; `wording` is which of a choice's wordings was shown (0 the first:
    every earlier choice had one)."""
    db["attempts"].add_column("form_id", str)
    db["choices"].add_column("wording", int, not_null_default=0)


@migrations()
def m011_one_answer_per_step(db: Database) -> None:
    """One answer per step, enforced by the database: each choice row carries `step`, its position in the
    attempt's live transcript (0 for the first answer), unique per attempt among rows not taken back, so
    two windows on one attempt can never both answer the same step: the second is refused by this index.

    An older database may hold a step answered twice (two windows raced before this index existed). In an
    attempt still open, a row whose mood before is not the mood the live row before it left cannot follow
    it: it is such a second answer, and it and the rows after it (the second window's own path) are marked
    taken back (`undone`: kept for the record, never deleted), keeping the first answer. A second answer
    that left the mood unchanged looks like a loop back to the same node; only the scenario can tell them
    apart, so `RecordedAttempt.resume` settles those the same way. A finished attempt keeps every row: its
    result was scored on the path that finished it. The remaining rows are numbered in the order made."""
    from trainer.progress import outbox_tables

    db["choices"].add_column("step", int)
    rows = db.execute("SELECT c.attempt_id, c.seq, c.mood_before, c.mood_after FROM choices c JOIN attempts a"
                      " ON a.id = c.attempt_id WHERE c.undone = 0 AND a.status != 'completed'"
                      " ORDER BY c.attempt_id, c.seq").fetchall()
    previous = cut = None
    for attempt_id, seq, mood_before, mood_after in rows:
        if attempt_id == cut or (previous and previous[0] == attempt_id and None not in (mood_before, previous[1])
                                 and mood_before != previous[1]):
            cut = attempt_id  # a second answer, or what its window recorded after it: taken back, as an undo
            db.execute("UPDATE choices SET undone = 1 WHERE attempt_id = ? AND seq = ?", [attempt_id, seq])
            db.execute("UPDATE attempts SET choices = choices - 1 WHERE id = ?", [attempt_id])
            outbox_tables.on_undo(db.conn, attempt_id, seq)
            continue
        previous = (attempt_id, mood_after)
    db.execute("UPDATE choices SET step = (SELECT count(*) FROM choices earlier WHERE earlier.attempt_id ="
               " choices.attempt_id AND earlier.undone = 0 AND earlier.seq < choices.seq) WHERE undone = 0")
    db.execute("CREATE UNIQUE INDEX idx_choices_one_answer_per_step ON choices(attempt_id, step) WHERE undone = 0")


@migrations()
def m012_audit_chain(db: Database) -> None:
    """The audit trail becomes tamper-evident: each row keeps a SHA-256 hash over its own fields and the
    hash of the row before it (existing rows are chained here, oldest first), and triggers refuse any
    UPDATE or DELETE of a row and any row added without its hash. Sign-in failures start counting per
    account and client address from here: the old per-account counts are dropped, which ends any
    lockout in force (nobody stays locked out by an upgrade)."""
    from trainer.progress.chain import create_guards, rechain

    db["audit"].add_column("hash", str)
    rechain(db.conn)
    create_guards(db.conn)
    db.execute("DELETE FROM sign_in_failures")


@migrations()
def m013_skill_assessed(db: Database) -> None:
    """A skill no choice on an attempt's path could move is "not assessed on this path": kept with
    `assessed = 0` and no percent, left out of every average and never passed. Earlier attempts' skills
    stay assessed (which choices were on offer was not recorded, so it cannot be decided afterwards)."""
    db["attempt_skills"].add_column("assessed", int, not_null_default=1)


@migrations()
def m014_sso_email(db: Database) -> None:
    """Accounts get an e-mail address (what a login proxy names a person by), unique whatever its case:
    `email` as given, `email_key` case-folded under a unique index (NULL for accounts without one); and
    the one-time tickets that carry a single sign-on into a terminal tab's app process."""
    db["accounts"].add_column("email", str)
    db["accounts"].add_column("email_key", str)
    db.execute("CREATE UNIQUE INDEX idx_accounts_email_key ON accounts(email_key) WHERE email_key IS NOT NULL")
    # one-time sign-in tickets the web server hands a terminal tab's app process (SHA-256 of the token only)
    db.execute("""
        CREATE TABLE sso_tickets (
            hash TEXT PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            expires_at REAL NOT NULL
        )""")


@migrations()
def m015_scorm_launch_keys(db: Database) -> None:
    """LMS launches (SCORM 1.2 packages): each package's launch key (kept only as a SHA-256 hash; the key
    itself is inside the package), the LMS learners linked to trainees by their LMS student id (one
    trainee per id, whatever package launched it), and the short-lived sessions a launch opens (the
    token travels in the page's URL because the LMS frames the app from another site, where cookies
    are not sent)."""
    db.execute("""
        CREATE TABLE lms_packages (
            id INTEGER PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            scenarios TEXT NOT NULL,
            base_url TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            revoked_at TEXT,
            revoked_by TEXT,
            launches INTEGER NOT NULL DEFAULT 0,
            last_launch_at TEXT
        )""")
    db.execute("""
        CREATE TABLE lms_learners (
            id INTEGER PRIMARY KEY,
            student_id TEXT NOT NULL UNIQUE,
            trainee_id INTEGER NOT NULL UNIQUE REFERENCES trainees(id),
            package_id INTEGER NOT NULL REFERENCES lms_packages(id),
            created_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE lms_sessions (
            token_hash TEXT PRIMARY KEY,
            package_id INTEGER NOT NULL REFERENCES lms_packages(id),
            learner_id INTEGER NOT NULL REFERENCES lms_learners(id),
            scenario_id TEXT NOT NULL,
            sco_origin TEXT NOT NULL,
            started_at TEXT NOT NULL,
            expires_at REAL NOT NULL
        )""")
    db.execute("CREATE INDEX idx_lms_sessions_expiry ON lms_sessions(expires_at)")


@migrations()
def m016_totals_kept_on_write(db: Database) -> None:
    """Everything the report, dashboard and review list aggregate is kept on write (trainer.progress.totals):
    distinct trainees per choice and per node, each node's average step, attempts per language and form, and
    skills never assessed. Built here from the recorded rows; every total is counted again the same way, so
    older totals that counted a form's items under its original, or an unfinished attempt, are put right."""
    from trainer.progress import totals

    totals.create_schema(db.conn)
    totals.rebuild(db.conn)


@migrations()
def m017_webmore_accommodations(db: Database) -> None:
    """Accommodations for timed moments: a supervisor may give a trainee extra time (`extra_time`, a factor
    such as 1.5) or no timer (`no_timer`). Each attempt keeps the accommodation it was played under, copied
    from the trainee by a trigger in the very insert that starts it, so a report says which scores were
    earned with extra time and a later change never rewrites an attempt already made."""
    for table in ("trainees", "attempts"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN extra_time REAL")
        db.execute(f"ALTER TABLE {table} ADD COLUMN no_timer INTEGER NOT NULL DEFAULT 0")
    db.execute("""CREATE TRIGGER attempts_accommodation AFTER INSERT ON attempts BEGIN
        UPDATE attempts SET extra_time = (SELECT extra_time FROM trainees WHERE id = NEW.trainee_id),
                            no_timer = coalesce((SELECT no_timer FROM trainees WHERE id = NEW.trainee_id), 0)
        WHERE id = NEW.id;
    END""")


@migrations()
def m018_webcap_revoked_sessions(db: Database) -> None:
    """The HTML app's signed-out sessions (trainer.progress.web_revocations): a sign-out revokes its cookie's
    nonce here, so a copy of the cookie stays refused after the server restarts. A row is needed only until
    the cookie would have expired anyway (`expires_at`, seconds since the epoch), then it is pruned."""
    db.execute("CREATE TABLE web_revoked_sessions (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL)")
    db.execute("CREATE INDEX idx_web_revoked_sessions_expiry ON web_revoked_sessions(expires_at)")


@migrations()
def m019_accommodated_attempts_index(db: Database) -> None:
    """The attempts played under an accommodation, by trainee and mode: a report asks, for each trainee row,
    which accommodations its attempts had (trainer.progress.accommodations.used). Few attempts have one, so
    the index is small, and the question no longer reads every attempt of the trainee (4 ms a trainee at a
    million recorded choices: most of the report's time)."""
    db.execute("CREATE INDEX idx_attempts_accommodated ON attempts(trainee_id, mode)"
               " WHERE extra_time IS NOT NULL OR no_timer")
