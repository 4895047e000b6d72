"""The CLI contract: exit 0 on success, 2 with one plain line for bad input, nothing written on failure."""

import os
import subprocess
import sys

import pytest

from backcare.cli import main
from backcare.store import Store, checkins_frame, sessions_frame


def run(*args: str, db=None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if db is not None:
        env["BACKCARE_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_checkin_and_session_round_trip_through_a_real_process(tmp_path):
    db = tmp_path / "cli.db"
    assert run("init", db=db).returncode == 0
    ok = run("checkin", "6", "--date", "2026-02-03", "--note", "after gardening", db=db)
    assert ok.returncode == 0, ok.stderr
    assert "6/10" in ok.stdout
    ok = run(
        "session",
        "add",
        "yoga",
        "40",
        "--date",
        "2026-02-03",
        "--rpe",
        "4",
        "--pain-before",
        "6",
        "--pain-after",
        "4",
        "--movement",
        "Cat-cow",
        db=db,
    )
    assert ok.returncode == 0, ok.stderr
    with Store(db) as store:
        c, s = checkins_frame(store), sessions_frame(store)
    assert (c.loc[0, "pain"], c.loc[0, "notes"]) == (6, "after gardening")
    assert (s.loc[0, "exercise_type"], s.loc[0, "duration_min"], s.loc[0, "movements"]) == (
        "yoga",
        40,
        "Cat-cow",
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["checkin", "11"], "from 0 to 10"),
        (["checkin", "3", "--date", "2026-02-30"], "not a date"),
        (["session", "add", "karate", "30"], "Unknown exercise type"),
        (["session", "add", "yoga", "0"], "Minutes"),
        (["session", "add", "yoga"], "required"),
        (["frobnicate"], "invalid choice"),
        (["demo", "--days", "many"], "not a whole number"),
    ],
)
def test_bad_input_exits_2_with_one_plain_line_and_writes_nothing(tmp_path, args, needle):
    db = tmp_path / "cli.db"
    run("init", db=db)
    result = run(*args, db=db)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in result.stderr
    with Store(db) as store:
        assert checkins_frame(store).empty and sessions_frame(store).empty


def test_db_option_beats_environment(tmp_path, monkeypatch):
    env_db, opt_db = tmp_path / "env.db", tmp_path / "opt.db"
    monkeypatch.setenv("BACKCARE_DB", str(env_db))
    assert main(["--db", str(opt_db), "checkin", "2"]) == 0
    assert opt_db.exists() and not env_db.exists()


def test_demo_refuses_a_database_with_own_entries(tmp_path, capsys):
    db = tmp_path / "mine.db"
    assert main(["--db", str(db), "checkin", "3"]) == 0
    assert main(["--db", str(db), "demo", "--days", "30"]) == 2
    assert "own entries" in capsys.readouterr().err
    with Store(db) as store:
        assert len(checkins_frame(store)) == 1
