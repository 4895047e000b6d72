"""Issue 12: the command line does what the app does (list, edit, delete, PEG, impression, safety
check, own types, check-in time), backup and restore through real files, and the busy diary."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date

import pytest

from backcare import safety
from backcare.cli import build_parser
from backcare.importers import KINDS
from backcare.store import (
    Store,
    checkin_rows,
    get_checkin,
    global_impression_frame,
    peg_frame,
    red_flag_frame,
    session_rows,
)
from tests.cli_helpers import ROOT, cli, digest, one_line, run

D1, D2, D3 = "2026-01-02", "2026-01-03", "2026-01-04"


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "diary.db"
    for day, pain in ((D1, "5"), (D2, "3"), (D3, "7")):
        assert cli(capsys, path, "checkin", pain, "--date", day, "--time", "08:00")[0] == 0
    assert cli(capsys, path, "session", "add", "yoga", "30", "--date", D1, "--note", "morning")[0] == 0
    assert cli(capsys, path, "session", "add", "walking", "45", "--date", D3, "--pain-after", "2")[0] == 0
    return path


def test_list_checkins_range_and_json(db, capsys):
    code, out, _ = cli(capsys, db, "list", "checkins", "--from", D2, "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["date"], r["pain"], r["time"]) for r in rows] == [(D2, 3, "08:00"), (D3, 7, "08:00")]
    code, out, _ = cli(capsys, db, "list", "checkins", "--to", D2)
    assert code == 0 and D1 in out and D2 in out and D3 not in out
    code, out, _ = cli(capsys, db, "list", "checkins", "--from", "2025-01-01", "--to", "2025-01-31")
    assert code == 0 and "No check-ins" in out


def test_list_sessions_text_and_json(db, capsys):
    code, out, _ = cli(capsys, db, "list", "sessions")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3 and "Yoga" in lines[1] and "morning" in lines[1] and "-/2" in lines[2]
    code, out, _ = cli(capsys, db, "list", "sessions", "--from", D3, "--json")
    assert [(r["exercise_type"], r["duration_min"], r["type_name"]) for r in json.loads(out)] == [
        ("walking", 45, "Walking")
    ]
    code, out, _ = cli(capsys, db, "list", "sessions", "--to", "2025-12-31")
    assert code == 0 and "No sessions" in out


def test_edit_checkin_changes_only_named_fields(db, capsys):
    code, out, _ = cli(capsys, db, "edit", "checkin", D1, "--worst-pain", "8", "--stiffness", "4",
                       "--sleep", "6", "--stress", "2", "--quality", "aching", "--note", "long day")  # fmt: skip
    assert code == 0 and out.startswith(f"Updated {D1}: ") and "pain" in out
    with Store(db) as store:
        row = get_checkin(store, date(2026, 1, 2))
    assert (row["pain"], row["worst_pain"], row["stiffness"], row["sleep_quality"], row["stress"]) == (
        5,
        8,
        4,
        6,
        2,
    )
    assert (row["qualities"], row["notes"], row["time"]) == (["aching"], "long day", "08:00")
    code, _, err = cli(capsys, db, "edit", "checkin", D1, "--worst-pain", "2")
    assert code == 2 and "cannot be lower" in one_line(err)


def test_edit_session_keeps_what_is_not_named(db, capsys):
    code, out, _ = cli(
        capsys, db, "edit", "session", "1", "--minutes", "50", "--rpe", "6", "--type", "pilates"
    )
    assert code == 0 and "minutes" in out and "type" in out and "effort" in out
    with Store(db) as store:
        first = session_rows(store)[0]
    assert (first["exercise_type"], first["duration_min"], first["rpe"], first["notes"]) == (
        "pilates",
        50,
        6,
        "morning",
    )
    code, _, err = cli(capsys, db, "edit", "session", "1", "--minutes", "0")
    assert code == 2 and "Minutes" in one_line(err)
    code, _, err = cli(capsys, db, "edit", "session", "1")
    assert code == 2 and "at least one field" in one_line(err)
    code, _, err = cli(capsys, db, "edit", "session", "1", "--date", "2026-13-01")
    assert code == 2 and "not a date" in one_line(err)


def test_delete_says_what_went_and_refuses_what_is_not_there(db, capsys):
    code, out, _ = cli(capsys, db, "delete", "checkin", D2)
    assert code == 0 and out.strip() == f"Deleted the check-in of {D2} (pain 3/10)."
    code, out, _ = cli(capsys, db, "delete", "session", "2")
    assert code == 0 and "45 min of walking" in out
    code, _, err = cli(capsys, db, "delete", "session", "2")
    assert code == 2 and "no session #2" in one_line(err)
    code, _, err = cli(capsys, db, "delete", "checkin", D2)
    assert code == 2 and "nothing was deleted" in one_line(err)
    with Store(db) as store:
        assert [r["date"] for r in checkin_rows(store)] == [D1, D3]
        assert [r["id"] for r in session_rows(store)] == [1]


def test_peg_and_impression_are_stored(db, capsys):
    code, out, _ = cli(capsys, db, "peg", "4", "5", "6", "--date", D1)
    assert code == 0 and "score 5.0" in out
    code, out, _ = cli(capsys, db, "impression", "-2", "--date", D1)
    assert code == 0 and "-2 (Worse)" in out
    code, _, err = cli(capsys, db, "peg", "4", "11", "6")
    assert code == 2 and "Enjoyment" in one_line(err)
    code, _, err = cli(capsys, db, "impression", "4")
    assert code == 2 and "Global impression" in one_line(err)
    with Store(db) as store:
        peg, gi = peg_frame(store), global_impression_frame(store)
    assert (len(peg), int(peg.iloc[0]["enjoyment"])) == (1, 5)
    assert (len(gi), int(gi.iloc[0]["rating"])) == (1, -2)


def test_safety_check_prints_the_advice_for_its_level(db, capsys):
    code, out, _ = cli(capsys, db, "safety-check", "--answer", "bladder", "--answer", "fever")
    assert code == 0 and safety.EMERGENCY_MESSAGE in out
    code, out, _ = cli(capsys, db, "safety-check", "--answer", "trauma")
    assert code == 0 and safety.URGENT_MESSAGE in out and safety.EMERGENCY_MESSAGE not in out
    code, out, _ = cli(capsys, db, "safety-check")
    assert code == 0 and "none of the warning signs" in out
    code, _, err = cli(capsys, db, "safety-check", "--answer", "headache")
    assert code == 2 and "invalid choice" in one_line(err)
    with Store(db) as store:
        assert list(red_flag_frame(store)["level"]) == ["none", "urgent", "emergency"]


def test_own_type_can_then_be_logged(db, capsys):
    code, out, _ = cli(capsys, db, "types", "add", "Tai chi")
    assert code == 0 and "tai_chi" in out
    assert cli(capsys, db, "session", "add", "tai_chi", "25", "--date", D2)[0] == 0
    code, _, err = cli(capsys, db, "types", "add", "tai chi")
    assert code == 2 and "already" in one_line(err)


def test_checkin_time_defaults_to_the_moment_of_saving_today(tmp_path, capsys):
    db = tmp_path / "t.db"
    before = time.strftime("%H:%M")
    assert cli(capsys, db, "checkin", "4")[0] == 0
    with Store(db) as store:
        row = checkin_rows(store)[0]
    assert before <= row["time"] <= time.strftime("%H:%M") or before > time.strftime("%H:%M")  # midnight
    assert cli(capsys, db, "checkin", "4", "--date", D1)[0] == 0
    with Store(db) as store:
        assert get_checkin(store, date(2026, 1, 2))["time"] is None  # a past day: no invented time


def test_import_accepts_every_registered_kind():
    kinds = next(a for a in _sub(build_parser(), "import")._actions if a.dest == "kind").choices
    assert list(kinds) == [*KINDS, "csv"]


def _sub(parser, name):
    action = next(a for a in parser._actions if isinstance(getattr(a, "choices", None), dict))
    return action.choices[name]


def test_map_option_must_be_activity_equals_type(db, capsys, tmp_path):
    export = ROOT / "tests" / "fixtures" / "imports" / "hevy_export.csv"
    code, _, err = cli(capsys, db, "import", "hevy", str(export), "--map", "walk")
    assert code == 2 and "ACTIVITY=TYPE" in one_line(err)


def test_backup_then_restore_round_trip_through_real_files(db, tmp_path):
    backup = tmp_path / "saved" / "backup.db"
    backup.parent.mkdir()
    done = run(db, "backup", "--out", str(backup))
    assert done.returncode == 0 and "Backup written" in done.stdout
    assert run(db, "checkin", "9", "--date", "2026-01-05").returncode == 0
    assert run(db, "delete", "session", "1").returncode == 0
    done = run(db, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "Restored backup.db: 5 check-ins and sessions" in done.stdout
    with Store(db) as store:
        assert [r["date"] for r in checkin_rows(store)] == [D1, D2, D3]
        assert [r["id"] for r in session_rows(store)] == [1, 2]
    saved = done.stdout.rsplit("saved as ", 1)[1].strip().rstrip(".")
    with Store(saved) as store:  # the diary as it was just before the restore
        assert [r["date"] for r in checkin_rows(store)][-1] == "2026-01-05"


def test_restore_refuses_a_missing_or_foreign_file_and_keeps_the_diary(db, tmp_path):
    before = digest(db)
    done = run(db, "restore", str(tmp_path / "nope.db"))
    assert done.returncode == 2 and "no such file" in one_line(done.stderr)
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database at all " * 100)
    done = run(db, "restore", str(foreign))
    assert done.returncode == 2
    one_line(done.stderr)
    assert digest(db) == before


HOLD_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_busy_diary_exits_2_after_the_configured_wait(db):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(db), "20"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = run(db, "checkin", "1", "--date", D1, env={"BACKCARE_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    assert "busy" in one_line(done.stderr)
    with Store(db) as store:
        assert get_checkin(store, date(2026, 1, 2))["pain"] == 5


def test_a_bad_busy_timeout_is_refused(db):
    done = run(db, "checkin", "1", "--date", D1, env={"BACKCARE_BUSY_TIMEOUT": "soon"})
    assert done.returncode == 2 and "BACKCARE_BUSY_TIMEOUT" in one_line(done.stderr)
