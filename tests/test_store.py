"""The store on real SQLite files: constraints, transactions, permissions, concurrency."""

import sqlite3
import stat
import threading
from datetime import date

import pytest

from backcare.errors import StoreError, ValidationError
from backcare.models import checkin_from_input, session_from_input
from backcare.store import (
    SCHEMA_VERSION,
    Store,
    add_exercise_type,
    add_session,
    checkins_frame,
    delete_sessions,
    get_checkin,
    save_checkin,
    session_movements,
    sessions_frame,
    type_names,
)


def test_new_database_is_private_migrated_and_seeded(db_path, store):
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert store.schema_version == SCHEMA_VERSION >= 1
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA foreign_keys") == 1
    names = type_names(store)
    assert {"pilates", "yoga", "strength", "walking", "stretching", "swimming", "cycling", "other"} <= set(
        names
    )
    moves = store.rows("SELECT name FROM movements WHERE exercise_type = 'yoga'")
    assert {"Child's pose", "Cat-cow", "Downward-facing dog"} <= {m["name"] for m in moves}


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO checkins(date, pain, created_at, updated_at) VALUES ('2026-01-01', 11, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO checkins(date, pain, created_at, updated_at) VALUES ('01/02/2026', 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO checkins(date, pain, created_at, updated_at) VALUES ('2026-01-01', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO sessions(date, exercise_type, duration_min, created_at, updated_at) VALUES ('2026-01-01', 'yoga', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO sessions(date, exercise_type, duration_min, created_at, updated_at) VALUES ('2026-01-01', 'karate', 30, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO sessions(date, exercise_type, duration_min, rpe, created_at, updated_at) VALUES ('2026-01-01', 'yoga', 30, 11, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    ],
)
def test_the_database_defends_itself(store, sql):
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(sql)


def test_checkin_upsert_keeps_one_row_per_day_and_created_at(store):
    day = date(2026, 3, 1)
    assert save_checkin(store, checkin_from_input(date=day, pain=4, locations=["neck"])) == "created"
    created = get_checkin(store, day)["created_at"]
    assert save_checkin(store, checkin_from_input(date=day, pain=6, flare=True)) == "updated"
    row = get_checkin(store, day)
    assert (row["pain"], row["flare"], row["locations"], row["created_at"]) == (6, True, [], created)
    assert len(checkins_frame(store)) == 1


def test_session_with_movements_and_cascade_delete(store):
    sid = add_session(
        store,
        session_from_input(
            date="2026-03-01",
            exercise_type="strength",
            duration_min=40,
            movements=[{"name": "Deadlift", "sets": 3, "reps": 8, "weight_kg": 40}, "Row"],
        ),
    )
    assert [m["name"] for m in session_movements(store, sid)] == ["Deadlift", "Row"]
    assert sessions_frame(store).loc[0, "movements"] == "Deadlift; Row"
    delete_sessions(store, [sid])
    assert store.value("SELECT count(*) FROM session_movements") == 0


def test_manual_session_refuses_movement_outside_catalogue_and_writes_nothing(store):
    with pytest.raises(ValidationError, match="not in the movement list"):
        add_session(
            store,
            session_from_input(
                date="2026-03-01", exercise_type="yoga", duration_min=20, movements=["Cat-cow", "Moonwalk"]
            ),
            create_movements=False,
        )
    assert store.value("SELECT count(*) FROM sessions") == 0


def test_unknown_type_is_a_friendly_error(store):
    with pytest.raises(ValidationError, match="Unknown exercise type 'karate'"):
        add_session(store, session_from_input(date="2026-03-01", exercise_type="karate", duration_min=20))


def test_transaction_rolls_back_everything_on_error(store):
    before = store.revision()
    with pytest.raises(RuntimeError), store.transaction():
        save_checkin(store, checkin_from_input(date="2026-03-01", pain=4))
        add_session(store, session_from_input(date="2026-03-01", exercise_type="yoga", duration_min=20))
        raise RuntimeError("boom")
    assert store.value("SELECT count(*) FROM checkins") == 0
    assert store.value("SELECT count(*) FROM sessions") == 0
    assert store.revision() == before


def test_revision_changes_on_every_write(store):
    r0 = store.revision()
    save_checkin(store, checkin_from_input(date="2026-03-01", pain=4))
    assert store.revision() == r0 + 1


def test_custom_type_gets_a_stable_key_and_duplicates_are_refused(store):
    assert add_exercise_type(store, "Tai chi") == "tai_chi"
    with pytest.raises(ValidationError, match="already"):
        add_exercise_type(store, "tai chi")


def test_foreign_file_and_newer_schema_are_refused(tmp_path):
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a backcare database"):
        Store(foreign)
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer backcare"):
        Store(newer)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(garbage)


def test_threads_sharing_the_store_lose_nothing(store):
    errors: list[Exception] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                add_session(
                    store, session_from_input(date="2026-03-01", exercise_type="walking", duration_min=1 + i)
                )
                if i % 10 == 0:
                    sessions_frame(store)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.value("SELECT count(*) FROM sessions") == 400


def _write_checkins(path: str, first_day: int, count: int, barrier, results) -> None:
    """Child process: open the diary, wait for the other writer, then save ``count`` check-ins,
    noting the revision seen after each commit. A short pause between writes, like an app between
    two saves, lets SQLite's busy handler hand the lock over (it is not first-come-first-served)."""
    import time
    from datetime import timedelta

    with Store(path) as store:
        barrier.wait()
        seen = []
        for i in range(count):
            day = date(2026, 1, 1) + timedelta(days=first_day + i)
            save_checkin(store, checkin_from_input(date=day, pain=i % 11))
            seen.append(store.revision())
            time.sleep(0.005)
    results.put(seen)


def test_two_processes_writing_at_the_same_moment_both_land(db_path):
    import multiprocessing

    Store(db_path).close()
    with Store(db_path) as store:
        start_revision = store.revision()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    writers = [
        context.Process(target=_write_checkins, args=(str(db_path), n * 100, 40, barrier, results))
        for n in range(2)
    ]
    for writer in writers:
        writer.start()
    seen = [results.get(timeout=120) for _ in writers]
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0
    with Store(db_path) as store:
        assert len(checkins_frame(store)) == 80
        assert store.revision() == start_revision + 80  # every commit of both processes counted
    a, b = seen
    assert min(a) < max(b) and min(b) < max(a)  # the writes interleaved: the processes really ran together


def test_another_apps_database_is_refused_untouched(tmp_path):
    for mode in ("delete", "wal"):
        path = tmp_path / f"other-{mode}.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute(f"PRAGMA journal_mode = {mode}")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes(body) VALUES ('not yours')")
        conn.close()
        before = path.read_bytes()
        with pytest.raises(StoreError, match="not a backcare database"):
            Store(path)
        assert path.read_bytes() == before  # byte-identical: still in its own journal mode
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_a_file_with_another_application_id_is_refused_from_its_header(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a backcare database"):
        Store(path)
    assert path.read_bytes() == before and not path.with_name("other.db-wal").exists()


def test_an_empty_file_becomes_a_diary_and_a_text_file_is_refused(tmp_path):
    (tmp_path / "empty.db").touch()
    with Store(tmp_path / "empty.db") as store:
        assert store.schema_version == SCHEMA_VERSION
    (tmp_path / "notes.txt").write_text("my notes")
    with pytest.raises(StoreError, match="not a SQLite file"):
        Store(tmp_path / "notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "my notes"
