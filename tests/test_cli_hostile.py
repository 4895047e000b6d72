"""Issue 16, command-line items 4, 5, 15, 16 and 17: hostile arguments refuse cleanly (exit 2, one
plain line naming the cause) and leave the diary exactly as it was."""

from __future__ import annotations

import os
import pty
import resource
import signal
import stat
from pathlib import Path

import pytest

from backcare.cli import main
from backcare.store import Store, get_checkin
from tests.cli_helpers import ROOT, cli, digest, one_line, run

WRITERS = {
    "export csv": ["export", "csv", "--out"],
    "export fhir": ["export", "fhir", "--out"],
    "report": ["report", "--out"],
    "ics": ["experiment", "plan", "yoga", "--ics"],
    "backup": ["backup", "--out"],
}


@pytest.fixture
def diary(tmp_path, capsys):
    db = tmp_path / "diary.db"
    assert cli(capsys, db, "checkin", "6", "--date", "2026-01-02", "--note", "keep me")[0] == 0
    return db


def _targets(db: Path) -> dict[str, Path]:
    folder = db.parent
    (folder / "backups").mkdir(exist_ok=True)
    daily = folder / "backups" / "diary-2026-01-02.db"
    daily.write_bytes(db.read_bytes())
    (folder / "link.db").symlink_to(db)
    os.link(db, folder / "hard.db")
    os.link(daily, folder / "hard-backup.db")
    return {
        "the diary": db,
        "its -wal": folder / "diary.db-wal",
        "its -shm": folder / "diary.db-shm",
        "a symlink to it": folder / "link.db",
        "a hard link to it": folder / "hard.db",
        "the backups folder": folder / "backups",
        "a file in backups": daily,
        "a new file in backups": folder / "backups" / "new.csv",
        "a hard link to a backup": folder / "hard-backup.db",
    }


@pytest.mark.parametrize("writer", WRITERS)
def test_item4_no_output_path_may_resolve_to_the_diary_or_the_backups(diary, capsys, writer):
    targets = _targets(diary)
    before, backup_before = digest(diary), digest(targets["a file in backups"])
    for name, target in targets.items():
        code, _, err = cli(capsys, diary, *WRITERS[writer], str(target))
        assert code == 2, (name, err)
        line = one_line(err)
        assert "your diary" in line or "backups folder" in line, (name, line)
        assert digest(diary) == before and digest(targets["a file in backups"]) == backup_before, name
    assert not (diary.parent / "backups" / "new.csv").exists()
    with Store(diary) as store:
        assert get_checkin(store, __import__("datetime").date(2026, 1, 2))["notes"] == "keep me"


def _kept_files(db: Path) -> dict[str, tuple[Path, str]]:
    """Files beside the diary that backcare keeps, each with the phrase its refusal must name."""
    from backcare import auth

    folder = db.parent
    password = folder / "backcare-auth.json"
    auth.save_record(password, auth.hash_password("correct horse"))
    throttle = auth.throttle_path(password)
    throttle.write_text("{}")
    (folder / "tls").mkdir(mode=0o700)
    key = folder / "tls" / "backcare-key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\n")
    (folder / ".restore-abc").mkdir()
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "to-password.csv").symlink_to(password)
    (elsewhere / "to-tls").symlink_to(folder / "tls")
    os.link(key, elsewhere / "hard-key.pem")
    return {
        "the password file": (password, "password file"),
        "a link to it": (elsewhere / "to-password.csv", "password file"),
        "the throttle file": (throttle, "throttle"),
        "the TLS key": (key, "HTTPS key"),
        "a new file in tls/": (folder / "tls" / "new.pem", "HTTPS key"),
        "a new file through a link to tls/": (elsewhere / "to-tls" / "x.pdf", "HTTPS key"),
        "a hard link to the key": (elsewhere / "hard-key.pem", "HTTPS key"),
        "the demo diary": (folder / "backcare-demo.db", "demo diary"),
        "the diary's -journal": (folder / "diary.db-journal", "your diary"),
        "a restore work folder": (folder / ".restore-abc" / "candidate.db", "restore work folder"),
    }


@pytest.mark.parametrize("writer", WRITERS)
def test_no_output_may_replace_the_password_throttle_or_tls_files(diary, capsys, writer):
    """Before: every one of these was written over with exit 0 (the key, the password file ...)."""
    kept = _kept_files(diary)
    before = {p: p.read_bytes() for p, _ in kept.values() if p.is_file()}
    diary_before = digest(diary)
    for name, (target, needle) in kept.items():
        code, _, err = cli(capsys, diary, *WRITERS[writer], str(target))
        assert code == 2, (name, err)
        assert needle in one_line(err), (name, err)
    assert {p: p.read_bytes() for p in before} == before
    assert digest(diary) == diary_before
    assert not (diary.parent / "tls" / "new.pem").exists() and not (diary.parent / "tls" / "x.pdf").exists()


def test_a_diary_given_through_a_link_protects_the_files_beside_the_real_one(diary, capsys, tmp_path):
    """--db is a link in another folder: the password file beside the real diary is still kept."""
    from backcare import auth

    password = diary.parent / "backcare-auth.json"
    auth.save_record(password, auth.hash_password("correct horse"))
    before = password.read_bytes()
    (tmp_path / "other").mkdir()
    link = tmp_path / "other" / "linked.db"
    link.symlink_to(diary)
    code, _, err = cli(capsys, link, "backup", "--out", str(password))
    assert code == 2 and "password file" in one_line(err)
    assert password.read_bytes() == before
    code, _, _ = cli(capsys, link, "backup", "--out", str(diary.parent / "diary.db2"))
    assert code == 0  # a name that merely starts like the diary's is an ordinary file


def test_item5_checkin_on_a_logged_day_changes_only_what_it_names(diary, capsys):
    code, _, _ = cli(capsys, diary, "edit", "checkin", "2026-01-02", "--medication", "ibuprofen 400",
                     "--location", "lower_back", "--location", "hip", "--flare", "--time", "08:15")  # fmt: skip
    assert code == 0
    code, out, _ = cli(capsys, diary, "checkin", "3", "--date", "2026-01-02")
    assert code == 0
    assert "pain 6/10 -> 3/10" in out and "note" not in out and "flare" not in out
    with Store(diary) as store:
        row = get_checkin(store, __import__("datetime").date(2026, 1, 2))
    assert (row["pain"], row["notes"], row["medication"]) == (3, "keep me", "ibuprofen 400")
    assert (row["locations"], row["flare"], row["time"]) == (["lower_back", "hip"], True, "08:15")
    code, out, _ = cli(capsys, diary, "checkin", "3", "--date", "2026-01-02")
    assert code == 0 and "Nothing changed" in out and "Updated" not in out


def test_item5_checkin_note_and_flare_change_only_when_named(diary, capsys):
    code, out, _ = cli(capsys, diary, "checkin", "6", "--date", "2026-01-02", "--no-flare", "--note", "new")
    assert code == 0 and "note changed" in out and "pain" not in out.split(":", 1)[1]
    with Store(diary) as store:
        row = get_checkin(store, __import__("datetime").date(2026, 1, 2))
    assert (row["pain"], row["notes"], row["flare"]) == (6, "new", False)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["insights", "--lag", "-5"], "--lag must be from 0"),
        (["experiment", "plan", "yoga", "--start", "9999-12-01"], "more than a year ahead"),
        (["checkin", "1_0"], "'1_0' is not a number"),
        (["checkin", "+"], "not a number"),
        (["checkin", "4", "--date", "2026-01-01xyz"], "'2026-01-01xyz' is not a date"),
        (["checkin", "4", "--date", "20260101"], "not a date"),
        (["checkin", "4", "--time", "25:00"], "not a time"),
        (["checkin", "4", "--time", "07:30xyz"], "not a time"),
        (["demo", "--days", "1_0"], "not a whole number"),
        (["edit", "checkin", "2026-01-02"], "at least one field"),
        (["edit", "checkin", "2026-01-03", "--pain", "2"], "no check-in on 2026-01-03"),
        (["delete", "checkin", "2026-01-03"], "no check-in on 2026-01-03"),
        (["list", "checkins", "--from", "2026-02-01", "--to", "2026-01-01"], "--from must be on or before"),
    ],
)
def test_item15_17_bad_arguments_exit_2_naming_the_cause(diary, capsys, args, needle):
    before = digest(diary)
    code, _, err = cli(capsys, diary, *args)
    assert code == 2
    assert needle in one_line(err)
    assert digest(diary) == before


def test_item15_output_into_a_folder_a_missing_folder_or_a_read_only_one(diary, capsys, tmp_path):
    cases = {
        str(tmp_path): "is a folder",
        str(tmp_path / "missing" / "out.csv"): "does not exist",
        "/sys/backcare-export.csv": "read-only",  # refused even for root (the CI runs as root)
        "": "empty",
    }
    for target, needle in cases.items():
        code, _, err = cli(capsys, diary, "export", "csv", "--out", target)
        assert code == 2 and needle in one_line(err), (target, err)
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a 0555 folder")
def test_item15_output_into_a_read_only_folder_as_a_person(diary, capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    code, _, err = cli(capsys, diary, "export", "csv", "--out", str(locked / "x.csv"))
    assert code == 2 and "read-only" in one_line(err)


def test_item15_17_db_empty_or_a_dangling_symlink(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKCARE_DB", str(tmp_path / "env.db"))
    code = main(["--db", "", "checkin", "3"])
    assert code == 2 and "--db is empty" in one_line(capsys.readouterr().err)
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "gone" / "diary.db")
    code, _, err = cli(capsys, dangling, "checkin", "3")
    assert code == 2 and "does not exist" in one_line(err)
    code, _, err = cli(capsys, tmp_path, "checkin", "3")
    assert code == 2 and "is a folder" in one_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.db"]


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_item15_a_full_disk_during_export_says_so(tmp_path):
    db = tmp_path / "big.db"
    assert run(db, "demo", "--days", "365").returncode == 0
    before = digest(db)
    out = tmp_path / "out" / "bundle.json"
    out.parent.mkdir()
    done = run(db, "export", "fhir", "--out", str(out), preexec_fn=_small_file_limit)
    assert done.returncode == 2, done.stderr
    assert "the disk is full" in one_line(done.stderr)
    assert list(out.parent.iterdir()) == []  # no partial file, no temporary file left behind
    assert digest(db) == before


def test_item16_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    db = tmp_path / "d.db"
    done = run(
        db,
        "import",
        "strong",
        str(ROOT / "tests" / "fixtures" / "imports" / "strong_export.csv"),
        "--unit",
        "kg",
    )
    assert done.returncode == 0 and done.stderr == ""
    broken = tmp_path / "broken.csv"
    broken.write_text("not,a,strong,export\n1,2,3,4\n")
    done = run(db, "import", "strong", str(broken))
    assert done.returncode == 2 and one_line(done.stderr).startswith("backcare: ")


def test_item16_progress_bar_on_a_terminal(tmp_path):
    db = tmp_path / "d.db"
    leader, follower = pty.openpty()
    done = run(db, "import", "apple-health", str(ROOT / "tests" / "fixtures" / "imports" / "apple_health_export.xml"),
               stderr=follower)  # fmt: skip
    os.close(follower)
    drawn = b""
    try:
        while chunk := os.read(leader, 4096):
            drawn += chunk
    except OSError:
        pass
    os.close(leader)
    assert done.returncode == 0
    assert b"Reading [" in drawn and b"100.0%" in drawn


def test_item17_calendar_file_is_owner_only(diary, capsys, tmp_path):
    ics = tmp_path / "plan.ics"
    code, out, _ = cli(capsys, diary, "experiment", "plan", "yoga", "--seed", "3", "--ics", str(ics))
    assert code == 0 and "Calendar written" in out
    assert stat.S_IMODE(ics.stat().st_mode) == 0o600
    assert ics.read_text().startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    "args",
    [
        ["checkin", "11"],
        ["checkin", "4", "--date", "2026-01-01xyz"],
        ["import", "strong", "/nonexistent/strong.csv"],
        ["import", "csv", "/nonexistent/backup.zip"],
        ["session", "add", "karate", "30"],
        ["experiment", "plan", "karate"],
        ["edit", "session", "7", "--minutes", "20"],
        ["types", "add", "!!!"],
    ],
)
def test_item17_a_refused_command_does_not_create_the_diary(tmp_path, capsys, args):
    db = tmp_path / "new" / "diary.db"
    db.parent.mkdir()
    code, _, err = cli(capsys, db, *args)
    assert code == 2, err
    one_line(err)
    assert list(db.parent.iterdir()) == []


def test_item4_the_wal_next_to_a_symlinked_diarys_real_file_is_refused(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link.db"
    Store(real / "diary.db").close()
    link.symlink_to(real / "diary.db")
    assert cli(capsys, link, "checkin", "3", "--date", "2026-01-02")[0] == 0
    for suffix in ("", "-wal", "-shm"):
        code, _, err = cli(capsys, link, "export", "csv", "--out", str(real / f"diary.db{suffix}"))
        assert code == 2 and "your diary" in one_line(err), suffix
    assert not (real / "diary.db-wal").exists()


def test_db_in_a_missing_folder_is_refused_and_no_folder_is_made(tmp_path, capsys):
    """Before: `--db typo/sub/diary.db` silently created typo/ and typo/sub/ and a new diary."""
    target = tmp_path / "typo" / "sub" / "diary.db"
    code, _, err = cli(capsys, target, "checkin", "3", "--date", "2026-01-02")
    assert code == 2 and f"the folder {target.parent} does not exist" in one_line(err)
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--address", "example.com"], "must be an IP address"),
        (["--address", ""], "must be an IP address"),
        (["--address", "127.0.0.1; rm -rf ~"], "must be an IP address"),
        (["--address", "192.0.2.7"], "Plain HTTP is served only on 127.0.0.1"),
        (["--address", "0.0.0.0"], "not one address of this computer"),
        (["--lan", "--address", "example.com"], "must be an IP address"),  # before any password question
        (["--lan", "--address", "0.0.0.0"], "not one address of this computer"),
        (["--lan", "--address", "::"], "not one address of this computer"),
        (["--lan", "--address", "224.0.0.1"], "not one address of this computer"),
    ],
)
def test_serve_address_must_be_an_ip_address_or_localhost(tmp_path, capsys, args, needle):
    code, out, err = cli(capsys, tmp_path / "d.db", "serve", *args, "--dry-run")
    assert code == 2 and needle in one_line(err) and out == ""
    assert not (tmp_path / "tls").exists() and not (tmp_path / "d.db").exists()


def test_serve_localhost_means_plain_http_on_127_0_0_1_only(tmp_path, capsys):
    for given in ("localhost", "[::1]", "127.0.0.1"):
        code, out, _ = cli(capsys, tmp_path / "d.db", "serve", "--address", given, "--dry-run")
        assert code == 0 and "http://127.0.0.1:8501" in out and "--server.address=127.0.0.1" in out


@pytest.mark.parametrize("hours", ["nan", "inf", "1e300", "-1"])
def test_serve_session_hours_must_be_a_finite_number_of_hours(tmp_path, capsys, hours):
    """nan, inf and 1e300 were accepted: with nan or inf no login token could ever be issued (the app
    failed at the first login), with 1e300 a login never expired."""
    code, out, err = cli(capsys, tmp_path / "d.db", "serve", "--session-hours", hours, "--dry-run")
    assert code == 2 and "--session-hours must be from 0 to 720" in one_line(err) and out == ""
