"""Nothing lost: backups, restore (validated, atomic, reversible), load from 8 threads, and SIGKILL during import."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import demo
from backcare.errors import StoreError
from backcare.models import checkin_from_input, session_from_input
from backcare.store import (
    Store,
    add_session,
    backup_to,
    checkins_frame,
    daily_backup,
    delete_sessions,
    restore_from,
    save_checkin,
    save_peg,
)
from tests.conftest import FIXTURES, ROOT


def snapshot(store: Store) -> tuple:
    return tuple(
        tuple(map(tuple, store.rows(f"SELECT * FROM {t} ORDER BY 1")))
        for t in ("checkins", "sessions", "session_movements", "peg", "experiments", "meta")
    )


def test_backup_is_consistent_while_another_thread_writes(store, tmp_path):
    demo.write_demo(store, 200, 4)
    stop = threading.Event()

    def writer() -> None:
        day = date(2020, 1, 1)
        while not stop.is_set():
            add_session(store, session_from_input(date=day, exercise_type="walking", duration_min=10))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = [backup_to(store, tmp_path / f"b{i}.db") for i in range(5)]
    finally:
        stop.set()
        thread.join()
    for copy in copies:
        assert oct(copy.stat().st_mode)[-3:] == "600"
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == len(checkins_frame(store))


def test_daily_backups_one_per_day_keep_fourteen(store):
    save_checkin(store, checkin_from_input(date=date(2026, 1, 1), pain=3))
    start = date(2026, 1, 1)
    made = [daily_backup(store, start + timedelta(days=i)) for i in range(20)]
    assert all(made) and daily_backup(store, start + timedelta(days=19)) is None  # once per day
    kept = sorted((store.path.parent / "backups").glob("backcare-????-??-??.db"))
    assert len(kept) == 14 and kept[0].name == f"backcare-{start + timedelta(days=6)}.db"
    assert oct((store.path.parent / "backups").stat().st_mode)[-3:] == "700"


def test_restore_replaces_content_and_keeps_the_previous_diary(store, tmp_path):
    save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7, notes="before restore"))
    other = Store(tmp_path / "other.db")
    demo.write_demo(other, 60, 2)
    source = backup_to(other, tmp_path / "source.db")
    expected = len(checkins_frame(other))
    other.close()
    revision = store.revision()
    safety = restore_from(store, source)
    assert len(checkins_frame(store)) == expected and store.revision() > revision
    with Store(safety) as old:
        assert checkins_frame(old)["notes"].tolist() == ["before restore"]
    assert store.value("PRAGMA integrity_check") == "ok"


def test_restore_upgrades_an_older_schema(store, tmp_path):
    shutil.copy(FIXTURES / "schema" / "v1.db", tmp_path / "v1.db")
    restore_from(store, tmp_path / "v1.db")
    assert checkins_frame(store)["pain"].tolist() == [5, 4, 6]
    assert store.value("SELECT count(*) FROM experiments") == 0  # new tables exist after the upgrade
    assert (
        sqlite3.connect(FIXTURES / "schema" / "v1.db").execute("PRAGMA user_version").fetchone()[0] == 1
    )  # untouched


def _newer(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    with Store(path) as s:
        s.conn.execute("PRAGMA user_version = 99")
    return path


def _foreign(tmp_path: Path) -> Path:
    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    return path


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "cut.db"
    data = (FIXTURES / "schema" / "v1.db").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [(_newer, "newer backcare"), (_foreign, "not a backcare diary"), (_truncated, "damaged|integrity"),
     (lambda p: (p / "x.txt", (p / "x.txt").write_text("hello"))[0], "not a SQLite database")],
)  # fmt: skip
def test_restore_refuses_bad_files_and_changes_nothing(store, tmp_path, make, message):
    save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
    before = snapshot(store)
    with pytest.raises(StoreError, match=message):
        restore_from(store, make(tmp_path))
    assert snapshot(store) == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), junk=st.binary(max_size=64), at=st.floats(0, 1))
def test_restore_fuzz_never_crashes_or_half_writes(store, cut, junk, at):
    if not store.value("SELECT count(*) FROM checkins"):
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
    data = bytearray((FIXTURES / "schema" / "v1.db").read_bytes())
    position = int(len(data) * at)
    data[position : position + len(junk)] = junk
    data = data[: max(1, int(len(data) * cut))] if cut < 0.999 else data
    before = snapshot(store)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "fuzz.db"
        source.write_bytes(bytes(data))
        try:
            restore_from(store, source)
        except StoreError as exc:
            assert "Nothing was changed" in str(exc) or "damaged" in str(exc)
            assert snapshot(store) == before
            return
    assert store.value("PRAGMA integrity_check") == "ok"  # a mutation that left a valid diary restores whole


def test_eight_threads_two_hundred_mixed_writes_each_lose_nothing(store):
    errors: list[Exception] = []
    base = date(2018, 1, 1)

    def worker(n: int) -> None:
        rng = random.Random(n)
        mine: list[int] = []
        try:
            for i in range(200):
                action = rng.random()
                if action < 0.5:
                    mine.append(
                        add_session(
                            store,
                            session_from_input(date=base, exercise_type="yoga", duration_min=1 + i % 60),
                        )
                    )
                elif action < 0.8:
                    save_checkin(
                        store,
                        checkin_from_input(date=base + timedelta(days=n * 200 + i), pain=rng.randint(0, 10)),
                    )
                elif action < 0.9 and mine:
                    delete_sessions(store, [mine.pop()])
                else:
                    save_peg(store, base + timedelta(days=n * 200 + i), 1, 2, 3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        results[n] = len(mine)

    results: dict[int, int] = {}
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.value("SELECT count(*) FROM sessions") == sum(results.values())
    checkin_days = store.value("SELECT count(*) FROM checkins") + store.value("SELECT count(*) FROM peg")
    assert checkin_days > 8 * 200 * 0.35  # every check-in and PEG write landed on its own date
    assert store.value("PRAGMA integrity_check") == "ok"


def _big_export(path: Path, workouts: int) -> None:
    head = (FIXTURES / "imports" / "apple_health_export.xml").read_text().split("<HealthData", 1)[0]
    rows = []
    start = date(2015, 1, 1)
    for i in range(workouts):
        day = start + timedelta(days=i // 3)
        hour = 7 + (i % 3) * 4
        rows.append(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="30" durationUnit="min" '
            f'sourceName="Watch" startDate="{day} {hour:02d}:00:00 +0100" endDate="{day} {hour:02d}:30:00 +0100"/>\n'
        )
    path.write_text(head + '<HealthData locale="en_GB">\n' + "".join(rows) + "</HealthData>\n")


def test_sigkill_during_import_leaves_all_or_nothing(tmp_path):
    export = tmp_path / "export.xml"
    workouts = 6000
    _big_export(export, workouts)
    db = tmp_path / "crash.db"
    Store(db).close()
    command = [sys.executable, "-m", "backcare", "--db", str(db), "import", "apple-health", str(export)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    full_run = time.perf_counter() - started
    rng = random.Random(20)
    outcomes = []
    for _ in range(20):
        fresh = tmp_path / "victim.db"
        for leftover in tmp_path.glob("victim.db*"):
            leftover.unlink()
        Store(fresh).close()
        proc = subprocess.Popen(
            [*command[:4], str(fresh), *command[5:]],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, full_run * 1.1))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Store(fresh) as store:
            assert store.value("PRAGMA integrity_check") == "ok"
            count = store.value("SELECT count(*) FROM sessions")
        assert count in (0, workouts), count
        outcomes.append(count)
    assert 0 in outcomes  # at least some kills landed before the commit
