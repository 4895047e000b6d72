"""Schema migrations (sqlite-utils Migrations). The DDL defends the data with CHECK constraints.

Never edit a migration that has shipped: add a new one, bump SCHEMA_VERSION in
backcare/store/version.py (a test checks it equals the number of migrations), and commit a
fixture database of the previous version under tests/fixtures/schema/ so the upgrade is tested.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from backcare.catalogue import BUILTIN_MOVEMENTS, BUILTIN_TYPES
from backcare.store.schema_m005 import M005_BLOCK, m005_triggers
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION

MIGRATION_SET = "backcare"
__all__ = ["APPLICATION_ID", "MIGRATION_SET", "SCHEMA_VERSION", "migrations"]

migrations = Migrations(MIGRATION_SET)

_DATE = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
_TS = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'"


def _score(column: str, lo: int = 0, hi: int = 10, *, required: bool = False) -> str:
    null = "NOT NULL " if required else ""
    return f"{column} INTEGER {null}CHECK ({column} IS NULL OR ({column} BETWEEN {lo} AND {hi}))"


@migrations()
def m001_initial(db: Database) -> None:
    """Exercise types, movements, check-ins, sessions, session movements and app metadata."""
    db.execute(
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE exercise_types (
            key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 40 AND key = lower(key)
                                        AND key GLOB '[a-z]*' AND key NOT GLOB '*[^a-z0-9_]*'),
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 60),
            builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
            sort_order INTEGER NOT NULL DEFAULT 100
        )"""
    )
    db.execute(
        """CREATE TABLE movements (
            id INTEGER PRIMARY KEY,
            exercise_type TEXT NOT NULL REFERENCES exercise_types(key),
            name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 120),
            description TEXT,
            builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
            UNIQUE (exercise_type, name)
        )"""
    )
    db.execute(
        f"""CREATE TABLE checkins (
            date TEXT PRIMARY KEY CHECK (date {_DATE}),
            {_score("pain", required=True)},
            {_score("worst_pain")},
            {_score("stiffness")},
            {_score("sleep_quality")},
            {_score("stress")},
            locations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(locations) AND json_type(locations) = 'array'),
            qualities TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(qualities) AND json_type(qualities) = 'array'),
            medication TEXT CHECK (medication IS NULL OR length(medication) <= 500),
            flare INTEGER NOT NULL DEFAULT 0 CHECK (flare IN (0, 1)),
            notes TEXT CHECK (notes IS NULL OR length(notes) <= 2000),
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL CHECK (created_at {_TS}),
            updated_at TEXT NOT NULL CHECK (updated_at {_TS}),
            CHECK (worst_pain IS NULL OR worst_pain >= pain)
        )"""
    )
    db.execute(
        f"""CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date {_DATE}),
            start_time TEXT CHECK (start_time IS NULL OR start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
            exercise_type TEXT NOT NULL REFERENCES exercise_types(key),
            duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 600),
            {_score("rpe", 1, 10)},
            {_score("pain_before")},
            {_score("pain_after")},
            with_instructor INTEGER NOT NULL DEFAULT 0 CHECK (with_instructor IN (0, 1)),
            notes TEXT CHECK (notes IS NULL OR length(notes) <= 2000),
            source TEXT NOT NULL DEFAULT 'manual',
            source_id TEXT,
            source_label TEXT,
            created_at TEXT NOT NULL CHECK (created_at {_TS}),
            updated_at TEXT NOT NULL CHECK (updated_at {_TS}),
            UNIQUE (source, source_id)
        )"""
    )
    db.execute("CREATE INDEX sessions_by_date ON sessions(date)")
    db.execute(
        """CREATE TABLE session_movements (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            movement_id INTEGER NOT NULL REFERENCES movements(id),
            position INTEGER NOT NULL DEFAULT 0,
            sets INTEGER CHECK (sets IS NULL OR sets BETWEEN 1 AND 100),
            reps INTEGER CHECK (reps IS NULL OR reps BETWEEN 0 AND 1000),
            weight_kg REAL CHECK (weight_kg IS NULL OR weight_kg BETWEEN 0 AND 1000)
        )"""
    )
    db.execute("CREATE INDEX session_movements_by_session ON session_movements(session_id)")
    db.execute("INSERT INTO meta(key, value) VALUES ('app', 'backcare'), ('revision', '0')")
    db.conn.executemany(
        "INSERT INTO exercise_types(key, name, builtin, sort_order) VALUES (?, ?, 1, ?)",
        [(t.key, t.name, t.order) for t in BUILTIN_TYPES],
    )
    db.conn.executemany(
        "INSERT INTO movements(exercise_type, name, description, builtin) VALUES (?, ?, ?, 1)",
        [(key, name, desc) for key, moves in BUILTIN_MOVEMENTS.items() for name, desc in moves],
    )


@migrations()
def m002_experiments_questionnaires_safety(db: Database) -> None:
    """Planned experiments, weekly PEG-3, monthly global impression, red-flag screenings, and
    symptom records imported from other apps on their own scale (never converted to 0-10)."""
    db.execute(
        f"""CREATE TABLE symptom_records (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date {_DATE}),
            time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
            symptom TEXT NOT NULL CHECK (length(symptom) BETWEEN 1 AND 80),
            scale TEXT NOT NULL CHECK (length(scale) BETWEEN 1 AND 80),
            value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 80),
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            created_at TEXT NOT NULL CHECK (created_at {_TS}),
            UNIQUE (source, source_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            plan_json TEXT NOT NULL CHECK (json_valid(plan_json) AND json_type(plan_json) = 'object'),
            plan_hash TEXT NOT NULL CHECK (length(plan_hash) = 64),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'stopped', 'completed')),
            status_reason TEXT CHECK (status_reason IS NULL OR length(status_reason) <= 500),
            started_at TEXT NOT NULL CHECK (started_at {_TS}),
            resumed_on TEXT CHECK (resumed_on IS NULL OR resumed_on {_DATE}),
            updated_at TEXT NOT NULL CHECK (updated_at {_TS})
        )"""
    )
    # At most one running (active or paused) experiment: a unique index over a constant.
    db.execute(
        "CREATE UNIQUE INDEX one_running_experiment ON experiments((status IN ('active', 'paused'))) "
        "WHERE status IN ('active', 'paused')"
    )
    db.execute(
        f"""CREATE TABLE peg (
            date TEXT PRIMARY KEY CHECK (date {_DATE}),
            {_score("pain", required=True)},
            {_score("enjoyment", required=True)},
            {_score("activity", required=True)},
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL CHECK (created_at {_TS}),
            updated_at TEXT NOT NULL CHECK (updated_at {_TS})
        )"""
    )
    db.execute(
        f"""CREATE TABLE global_impression (
            date TEXT PRIMARY KEY CHECK (date {_DATE}),
            rating INTEGER NOT NULL CHECK (rating BETWEEN -3 AND 3),
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL CHECK (created_at {_TS}),
            updated_at TEXT NOT NULL CHECK (updated_at {_TS})
        )"""
    )
    db.execute(
        f"""CREATE TABLE red_flag_checks (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date {_DATE}),
            answers TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'array'),
            level TEXT NOT NULL CHECK (level IN ('none', 'urgent', 'emergency')),
            resolved_at TEXT CHECK (resolved_at IS NULL OR resolved_at {_TS}),
            resolution TEXT CHECK (resolution IS NULL OR length(resolution) <= 500),
            created_at TEXT NOT NULL CHECK (created_at {_TS})
        )"""
    )


_OFFSET = "GLOB '[+-][0-1][0-9]:[0-5][0-9]'"


@migrations()
def m003_timing_and_duration_quality(db: Database) -> None:
    """When pain was rated (time of day) and the UTC offset of every dated entry (so exports name
    the true instant whatever the exporting computer's zone), and whether a session's minutes were
    recorded, estimated by backcare (the source had none) or unreliable (a timer left running)."""
    offset = f"utc_offset TEXT CHECK (utc_offset IS NULL OR utc_offset {_OFFSET})"
    db.execute(
        "ALTER TABLE checkins ADD COLUMN time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]')"
    )
    for table in ("checkins", "sessions", "symptom_records"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN {offset}")
    db.execute(
        "ALTER TABLE sessions ADD COLUMN duration_quality TEXT NOT NULL DEFAULT 'recorded' "
        "CHECK (duration_quality IN ('recorded', 'estimated', 'unreliable'))"
    )


@migrations()
def m004_set_details_and_cardio_types(db: Database) -> None:
    """Per-set details of imported workouts (set type, time, distance, RPE, notes, values kept as
    given with a flag when implausible), the minutes a timer recorded when they could not be used
    (a forgotten timer), and the built-in types running and rowing (a person's own type with the
    same key or name is kept and simply becomes built-in)."""
    db.execute(
        """CREATE TABLE movement_sets (
            session_movement_id INTEGER PRIMARY KEY REFERENCES session_movements(id) ON DELETE CASCADE,
            set_type TEXT NOT NULL DEFAULT 'normal' CHECK (set_type IN ('normal', 'warmup', 'drop', 'failure')),
            reps INTEGER CHECK (reps IS NULL OR reps >= 0),
            weight_kg REAL CHECK (weight_kg IS NULL OR weight_kg >= 0),
            duration_s REAL CHECK (duration_s IS NULL OR duration_s >= 0),
            distance_m REAL CHECK (distance_m IS NULL OR distance_m >= 0),
            rpe REAL CHECK (rpe IS NULL OR rpe BETWEEN 0 AND 10),
            notes TEXT CHECK (notes IS NULL OR length(notes) <= 2000),
            implausible INTEGER NOT NULL DEFAULT 0 CHECK (implausible IN (0, 1)),
            CHECK (implausible = 1 OR ((reps IS NULL OR reps <= 1000) AND (weight_kg IS NULL OR weight_kg <= 1000)
                   AND (duration_s IS NULL OR duration_s <= 86400) AND (distance_m IS NULL OR distance_m <= 1000000)))
        )"""
    )
    db.execute(
        "ALTER TABLE sessions ADD COLUMN recorded_duration_min INTEGER "
        "CHECK (recorded_duration_min IS NULL OR recorded_duration_min >= 0)"
    )
    for key, name, order in (("running", "Running", 45), ("rowing", "Rowing", 75)):
        db.execute(
            "UPDATE exercise_types SET builtin = 1, sort_order = ? WHERE key = ? OR lower(name) = lower(?)",
            [order, key, name],
        )
        db.execute(
            "INSERT OR IGNORE INTO exercise_types(key, name, builtin, sort_order) VALUES (?, ?, 1, ?)",
            [key, name, order],
        )


@migrations()
def m005_block_stamps(db: Database) -> None:
    """Per 28-day block of check-ins and of sessions: how many rows it holds and a random stamp that
    every write to it replaces (a session's movements included), kept by triggers in the same
    transaction as the write, whoever writes; the triggers also move meta's revision. ``backcare.aggregates``
    rebuilds only the blocks whose stamp moved, after reading about a hundred small rows instead of
    summing every row of the diary. A date SQLite cannot read as a day (``2026-13-01`` passes the
    tables' pattern) has no block and no stamp."""
    db.execute(
        """CREATE TABLE block_stamps (
            tbl TEXT NOT NULL CHECK (tbl IN ('checkins', 'sessions')),
            block INTEGER NOT NULL CHECK (block >= 0),
            rows INTEGER CHECK (rows IS NULL OR rows >= 0),
            stamp INTEGER NOT NULL,
            PRIMARY KEY (tbl, block)
        ) WITHOUT ROWID"""
    )
    for trigger in m005_triggers():
        db.execute(trigger)
    for table in ("checkins", "sessions"):
        db.execute(
            f"INSERT INTO block_stamps (tbl, block, rows, stamp) SELECT '{table}', {M005_BLOCK.format(day='date')}, "
            f"count(*), random() FROM {table} WHERE julianday(date) IS NOT NULL GROUP BY 2"
        )
