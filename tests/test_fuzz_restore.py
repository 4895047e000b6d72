"""Restore fuzzed (issue 16): random schema and data mutations of a real backup of a demo diary.

Whatever the mutation, either the restore succeeds and the diary then holds exactly the backup's
rows and every page's queries work, or it raises StoreError and the diary file (and its -wal) is
byte-for-byte what it was, with no work files left behind.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backcare.errors import StoreError
from backcare.models import checkin_from_input
from backcare.reports.gather import report_inputs
from backcare.store import (
    Store,
    checkins_frame,
    diary_tables,
    experiments_frame,
    global_impression_frame,
    peg_frame,
    red_flag_frame,
    restore_from,
    save_checkin,
    sessions_frame,
    symptom_records_frame,
)
from tests.restore_helpers import content, demo_backup, fingerprint, leftovers, rebuild_without_checks

TABLE_COLUMNS = [
    (table, column)
    for table, columns in {
        "checkins": ["pain", "worst_pain", "date", "notes", "locations", "flare", "time", "utc_offset"],
        "sessions": ["duration_min", "exercise_type", "date", "rpe", "duration_quality", "start_time"],
        "session_movements": ["sets", "reps", "weight_kg", "movement_id"],
        "peg": ["pain", "enjoyment", "date"],
        "global_impression": ["rating"],
        "exercise_types": ["key", "name", "builtin"],
        "movements": ["name", "exercise_type"],
        "meta": ["value"],
    }.items()
    for column in columns
]
VALUES = [
    99,
    -1,
    11,
    0,
    5,
    "abc",
    "3026-01-01",
    "2026-13-45",
    None,
    1e300,
    b"\x00\xff",
    "[]",
    "{}",
    "x" * 3000,
]


@st.composite
def sql_mutation(draw: st.DrawFn) -> tuple[str, ...]:
    table, column = draw(st.sampled_from(TABLE_COLUMNS))
    value = draw(st.sampled_from(VALUES))
    literal = "NULL" if value is None else (f"x'{value.hex()}'" if isinstance(value, bytes) else repr(value))
    one_row = f"rowid = (SELECT min(rowid) FROM {table})"
    return draw(
        st.sampled_from(
            [
                (f"ALTER TABLE {table} DROP COLUMN {column}",),
                (f"ALTER TABLE {table} RENAME COLUMN {column} TO {column}_x",),
                (f"CREATE TRIGGER t_{table} AFTER INSERT ON {table} BEGIN DELETE FROM checkins; END",),
                (f"CREATE VIEW v_{table} AS SELECT * FROM {table}",),
                (f"CREATE INDEX i_{table}_{column} ON {table}({column})",),
                (f"UPDATE {table} SET {column} = {literal} WHERE {one_row}",),
                (f"DELETE FROM {table} WHERE rowid % 3 = 0",),
                (f"DROP TABLE {table}",),
                ("PRAGMA writable_schema = ON", f"UPDATE sqlite_master SET sql = replace(sql, 'INTEGER', 'TEXT') "
                 f"WHERE name = '{table}'"),
                (f"UPDATE meta SET value = {literal} WHERE key = '{draw(st.sampled_from(['revision', 'app']))}'",),
                (f"PRAGMA user_version = {draw(st.integers(0, 5))}",),
                (f"PRAGMA application_id = {draw(st.sampled_from([0, 7, 0x42434B31]))}",),
                ("UPDATE checkins SET pain = 3, worst_pain = NULL WHERE " + one_row.replace(table, "checkins"),),
                ("INSERT INTO checkins(date, pain, created_at, updated_at) VALUES "
                 "('2019-05-05', 4, '2019-05-05T08:00:00Z', '2019-05-05T08:00:00Z')",),
                (f"REBUILD {table}",),
            ]
        )
    )  # fmt: skip


def apply_sql(path: Path, statements: tuple[str, ...]) -> None:
    """Run one mutation as an attacker would (constraints off); one that SQLite refuses is skipped."""
    if statements[0].startswith("REBUILD "):
        with contextlib.suppress(sqlite3.DatabaseError):  # e.g. the table was dropped by an earlier one
            rebuild_without_checks(path, statements[0].split()[1])
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for sql in statements:
            conn.execute(sql)
    except sqlite3.DatabaseError:
        pass  # e.g. dropping a primary-key column: the file stays as it was
    finally:
        conn.close()


def apply_bytes(path: Path, cut: float | None, flips: list[tuple[float, int]]) -> None:
    data = bytearray(path.read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] ^= value
    if cut is not None:
        data = data[: int(len(data) * cut)]
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A real backup of a demo diary, and a small diary of someone's own to restore over."""
    folder = tmp_path_factory.mktemp("fuzz-restore")
    backup = demo_backup(folder, days=90, seed=11)
    with Store(folder / "own.db") as own:
        save_checkin(own, checkin_from_input(date="2026-02-01", pain=7, notes="mine"))
    yield backup, folder / "own.db"


def pages_work(store: Store) -> None:
    """What the pages load: every frame, the diary export tables and the report's inputs."""
    for load in (checkins_frame, sessions_frame, peg_frame, global_impression_frame, red_flag_frame,
                 experiments_frame, symptom_records_frame, diary_tables, report_inputs):  # fmt: skip
        load(store)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutations=st.lists(sql_mutation(), min_size=1, max_size=3),
    cut=st.one_of(st.none(), st.floats(0.0, 0.999)),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=3),
    file_level=st.booleans(),
)
def test_restore_of_a_mutated_backup_is_whole_or_refused(originals, mutations, cut, flips, file_level):
    backup, own = originals
    with tempfile.TemporaryDirectory(dir=backup.parent) as folder:
        source = shutil.copy(backup, Path(folder) / "mutated.db")
        (Path(folder) / "diary").mkdir()
        diary = shutil.copy(own, Path(folder) / "diary" / "backcare.db")
        for statements in mutations:
            apply_sql(source, statements)
        if file_level:
            apply_bytes(source, cut, flips)
        with Store(diary) as store:
            before = fingerprint(diary)
            try:
                restore_from(store, source)
            except StoreError as exc:
                event("refused")
                assert "\n" not in str(exc) and ".restore-" not in str(exc)
                assert fingerprint(diary) == before
            else:
                event("restored")
                assert content(diary) == content(source)
                assert store.value("PRAGMA integrity_check") == "ok"
                pages_work(store)
            assert leftovers(diary.parent) == []
            save_checkin(store, checkin_from_input(date="2026-03-01", pain=2))  # the diary still takes writes
