"""Every earlier schema version (fixture databases under tests/fixtures/schema/) upgrades with data intact."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from backcare.store import SCHEMA_VERSION, Store, checkins_frame, session_movements, sessions_frame
from tests.conftest import FIXTURES

EXPECTED = {"v1.db": {"checkins": 3, "sessions": 2, "session_movements": 3}}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_old_schema_upgrades_and_keeps_every_row(tmp_path, name):
    path = tmp_path / name
    shutil.copy(FIXTURES / "schema" / name, path)
    before = {
        t: sqlite3.connect(path).execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXPECTED[name]
    }
    assert before == EXPECTED[name]
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        for table, count in EXPECTED[name].items():
            assert store.value(f"SELECT count(*) FROM {table}") == count
        assert store.value("PRAGMA integrity_check") == "ok"
        assert store.value("PRAGMA foreign_key_check") is None
        checkins = checkins_frame(store)
        assert (
            checkins["pain"].tolist() == [5, 4, 6] and checkins["notes"].iloc[0] == "first day, <b>stiff</b>"
        )
        sessions = sessions_frame(store)
        assert sorted(sessions["exercise_type"]) == ["strength", "yoga"]
        assert (
            len(
                session_movements(store, int(sessions.loc[sessions["exercise_type"] == "yoga", "id"].iloc[0]))
            )
            == 2
        )
        # the new tables work on the upgraded file
        for table in ("experiments", "peg", "global_impression", "red_flag_checks"):
            assert store.value(f"SELECT count(*) FROM {table}") == 0


def test_v2_upgrades_with_timing_columns_empty_and_every_row_kept(tmp_path):
    path = tmp_path / "v2.db"
    shutil.copy(FIXTURES / "schema" / "v2.db", path)
    counts = {"checkins": 2, "sessions": 5, "symptom_records": 2, "peg": 1, "global_impression": 1,
              "red_flag_checks": 1}  # fmt: skip
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 3
        for table, count in counts.items():
            assert store.value(f"SELECT count(*) FROM {table}") == count
        assert store.value("PRAGMA integrity_check") == "ok"
        assert store.value("SELECT count(*) FROM checkins WHERE time IS NULL AND utc_offset IS NULL") == 2
        assert store.value("SELECT count(*) FROM sessions WHERE duration_quality = 'recorded'") == 5
        assert checkins_frame(store)["notes"].iloc[0] == "first day"
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            conn.execute("UPDATE sessions SET duration_quality = 'guessed'")
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            conn.execute("UPDATE checkins SET utc_offset = '5 hours'")


def test_v3_upgrades_to_set_details_and_running_keeping_the_persons_own_running_type(tmp_path):
    path = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "schema" / "v3.db", path)
    counts = {"checkins": 2, "sessions": 8, "session_movements": 11, "symptom_records": 2}
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 4
        for table, count in counts.items():
            assert store.value(f"SELECT count(*) FROM {table}") == count
        assert (
            store.value("PRAGMA integrity_check") == "ok" and store.value("PRAGMA foreign_key_check") is None
        )
        assert store.rows("SELECT key, name, builtin FROM exercise_types WHERE key IN ('running', 'rowing') ORDER BY key") == [
            {"key": "rowing", "name": "Rowing", "builtin": 1},
            {"key": "running", "name": "Running", "builtin": 1},
        ]  # fmt: skip
        assert store.value("SELECT count(*) FROM sessions WHERE exercise_type = 'running'") == 1
        assert store.value("SELECT count(*) FROM movement_sets") == 0  # nothing invented for old imports
        assert store.value("SELECT count(*) FROM sessions WHERE recorded_duration_min IS NULL") == 8
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            conn.execute(
                "INSERT INTO movement_sets (session_movement_id, reps) VALUES (1, 4500)"
            )  # unflagged
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
            conn.execute("INSERT INTO movement_sets (session_movement_id, set_type) VALUES (1, 'superset')")
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO movement_sets (session_movement_id, reps, implausible) VALUES (1, 4500, 1)"
            )
            conn.execute(
                "DELETE FROM sessions WHERE id = (SELECT session_id FROM session_movements WHERE id = 1)"
            )
        assert store.value("SELECT count(*) FROM movement_sets") == 0  # removed with its session
