"""The CLI's file commands end to end (import, export, report, password) and its exit-code mapping."""

from __future__ import annotations

import json
import os
import pty
import resource
import signal
import stat
import subprocess
import sys
import zipfile

import pytest

from backcare.cli import main
from backcare.store import Store, checkin_rows, session_rows
from tests.cli_helpers import ROOT, cli, one_line, run

IMPORTS = ROOT / "tests" / "fixtures" / "imports"


@pytest.fixture
def diary(tmp_path, capsys):
    db = tmp_path / "diary.db"
    assert cli(capsys, db, "demo", "--days", "60", "--seed", "3")[0] == 0
    return db


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_export_csv_then_import_it_into_a_new_diary(diary, tmp_path, capsys):
    out = tmp_path / "export.zip"
    code, text, _ = cli(capsys, diary, "export", "csv", "--out", str(out))
    assert code == 0 and "Wrote" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "checkins.csv" in zipfile.ZipFile(out).namelist()
    fresh = tmp_path / "fresh.db"
    code, text, _ = cli(capsys, fresh, "import", "csv", str(out), "--dry-run")
    assert code == 0 and "Dry run" in text and not fresh.exists()
    code, text, _ = cli(capsys, fresh, "import", "csv", str(out))
    assert code == 0 and "Imported everything" in text
    with Store(diary) as a, Store(fresh) as b:
        assert [(r["date"], r["pain"]) for r in checkin_rows(a)] == [
            (r["date"], r["pain"]) for r in checkin_rows(b)
        ]
        assert len(session_rows(a)) == len(session_rows(b)) > 0


def test_export_fhir_with_a_date_range(diary, tmp_path, capsys):
    with Store(diary) as store:
        days = [r["date"] for r in checkin_rows(store)]
    out = tmp_path / "bundle.json"
    code, _, _ = cli(capsys, diary, "export", "fhir", "--out", str(out), "--from", days[10], "--to", days[19],
                     "--name", "Ada")  # fmt: skip
    assert code == 0
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    dates = {e["resource"].get("effectiveDateTime", "")[:10] for e in bundle["entry"]} - {""}
    assert dates and min(dates) >= days[10] and max(dates) <= days[19]


def test_import_strong_dry_run_then_for_real(tmp_path, capsys):
    db = tmp_path / "d.db"
    export = str(IMPORTS / "strong_export.csv")
    code, out, _ = cli(capsys, db, "import", "strong", export, "--unit", "kg", "--dry-run")
    assert code == 0 and "Dry run: nothing was written." in out
    with Store(db) as store:
        assert session_rows(store) == []
    code, out, _ = cli(capsys, db, "import", "strong", export, "--unit", "kg")
    assert code == 0
    with Store(db) as store:
        added = len(session_rows(store))
    assert added > 0
    assert cli(capsys, db, "import", "strong", export, "--unit", "kg")[0] == 0  # never twice
    with Store(db) as store:
        assert len(session_rows(store)) == added


def test_report_pdf_with_chosen_sections(diary, tmp_path, capsys):
    with Store(diary) as store:
        last = checkin_rows(store)[-1]["date"]
    out = tmp_path / "report.pdf"
    code, text, _ = cli(
        capsys, diary, "report", "--out", str(out), "--to", last, "--section", "notes", "--name", "Ada"
    )
    assert code == 0 and "report for" in text
    assert out.read_bytes().startswith(b"%PDF") and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_insights_text_and_experiment_commands(diary, capsys):
    code, out, _ = cli(capsys, diary, "insights")
    assert code == 0 and "not proof of cause" in out
    code, _, err = cli(capsys, diary, "experiment", "result")
    assert code == 2 and "No experiment is running" in one_line(err)
    code, out, _ = cli(capsys, diary, "experiment", "status")
    assert code == 0 and "No experiment is running." in out
    code, out, _ = cli(
        capsys, diary, "experiment", "plan", "yoga", "--compare", "walking", "--seed", "5", "--start-now"
    )
    assert code == 0 and "started" in out
    assert "-point difference" in out and "pairs of 14-day periods" in out  # planning advice
    code, out, _ = cli(capsys, diary, "experiment", "result")
    assert code == 0 and "period  1" in out and "Not enough completed pairs yet" in out


def test_insights_with_no_sessions(tmp_path, capsys):
    code, out, _ = cli(capsys, tmp_path / "empty.db", "insights")
    assert code == 0 and out.strip() == "No exercise sessions logged yet."


def _tiny_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (32, 32))


def test_a_full_disk_while_saving_the_password_exits_2(tmp_path):
    db = tmp_path / "d.db"
    done = run(
        db, "set-password", env={"BACKCARE_NEW_PASSWORD": "a long enough secret"}, preexec_fn=_tiny_file_limit
    )
    assert done.returncode == 2 and "the disk is full" in one_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))  # room for the -shm, not a backup


def test_backup_on_a_full_disk_names_the_cause(tmp_path):
    db = tmp_path / "d.db"
    assert run(db, "demo", "--days", "120").returncode == 0
    out = tmp_path / "backups-elsewhere"
    out.mkdir()
    assert db.stat().st_size > 64 * 1024
    done = run(db, "backup", "--out", str(out / "b.db"), preexec_fn=_small_file_limit)
    assert done.returncode == 2 and "disk is full" in one_line(done.stderr)
    assert list(out.iterdir()) == []


def test_interrupted_password_prompt_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BACKCARE_NEW_PASSWORD"}
    terminal, keyboard = pty.openpty()  # the prompt needs a terminal (without one: a clear refusal)
    child = subprocess.Popen(
        [sys.executable, "-m", "backcare", "--db", str(tmp_path / "d.db"), "set-password"],
        stdin=keyboard, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**env, "PYTHONPATH": str(ROOT)}, start_new_session=True,
    )  # fmt: skip
    os.close(keyboard)
    assert child.stderr is not None
    seen = ""
    while "New password" not in seen:
        char = child.stderr.read(1)
        assert char, seen  # the prompt never came
        seen += char
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    os.close(terminal)
    assert child.returncode == 2
    assert err.strip().splitlines()[-1] == "backcare: interrupted; nothing partial was saved."
    assert not (tmp_path / "backcare-auth.json").exists()


def test_db_inside_a_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = cli(capsys, blocker / "d.db", "checkin", "3")
    assert code == 2 and "is a file, not a folder" in one_line(err)


def test_set_password_then_clear_it(tmp_path, capsys, monkeypatch):
    from backcare import auth

    db = tmp_path / "d.db"
    saved = tmp_path / "backcare-auth.json"
    monkeypatch.setenv("BACKCARE_NEW_PASSWORD", "correct horse battery")
    code, out, _ = cli(capsys, db, "set-password")
    assert code == 0 and "scrypt" in out
    record = auth.load_record(saved)
    assert record is not None and auth.verify_password("correct horse battery", record)
    assert "correct horse" not in saved.read_text() and stat.S_IMODE(saved.stat().st_mode) == 0o600
    code, out, _ = cli(capsys, db, "set-password", "--clear")
    assert code == 0 and "Password removed" in out and auth.load_record(saved) is None
