"""An adversarial review's reproductions of hostile-input promises (issue 16).

Each test failed on main at 0da6a0f and states the promise it checks: exit 2 with one plain line,
the diary exactly as before.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backcare.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    rc = main(list(argv))
    return rc, capsys.readouterr().err.splitlines()


def _diary_with_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    diary, backup = tmp_path / "diary.db", tmp_path / "backup.db"
    for day in ("2026-01-01", "2026-01-02"):
        assert _cli(capsys, "--db", str(diary), "checkin", "4", "--date", day, "--note", "ok")[0] == 0
    assert _cli(capsys, "--db", str(diary), "backup", "--out", str(backup))[0] == 0
    return diary, backup


@pytest.mark.parametrize(
    "poison",
    [
        "UPDATE checkins SET notes = x'00ff10'",  # a BLOB where backcare stores text
        "UPDATE checkins SET notes = CAST(x'c328ff' AS TEXT)",  # text that is not UTF-8
        "UPDATE checkins SET pain = 0.5, worst_pain = NULL",  # a fraction where backcare stores whole numbers
        "INSERT INTO experiments(plan_json, plan_hash, status, started_at, updated_at) VALUES ('{}', "
        "printf('%064d', 0), 'completed', '2026-01-01T00:00:00', '2026-01-01T00:00:00')",  # not a plan
    ],
)
def test_restore_refuses_rows_backcare_never_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], poison: str
) -> None:
    """Such a backup restores with exit 0 and every later `list checkins` ends in exit 1."""
    diary, backup = _diary_with_backup(tmp_path, capsys)
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute(poison)
    conn.close()
    before = diary.read_bytes()
    rc, err = _cli(capsys, "--db", str(diary), "restore", str(backup))
    assert rc == 2 and len(err) == 1
    assert diary.read_bytes() == before
    assert _cli(capsys, "--db", str(diary), "list", "checkins")[0] == 0


@pytest.mark.parametrize("verb", ["edit", "delete"])
def test_a_session_number_too_big_for_sqlite_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    """`delete session 999...9` is exit 1 "unexpected error: OverflowError"."""
    diary = tmp_path / "diary.db"
    assert _cli(capsys, "--db", str(diary), "checkin", "4", "--date", "2026-01-01")[0] == 0
    extra = ["--minutes", "5"] if verb == "edit" else []
    rc, err = _cli(capsys, "--db", str(diary), verb, "session", "9" * 30, *extra)
    assert rc == 2 and len(err) == 1 and "unexpected" not in err[0]


def test_an_encrypted_csv_export_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16 item 14: an encrypted entry in a backcare CSV zip is exit 1 "RuntimeError"."""
    diary = tmp_path / "diary.db"
    assert _cli(capsys, "--db", str(diary), "checkin", "4", "--date", "2026-01-01")[0] == 0
    export = tmp_path / "export.zip"
    assert _cli(capsys, "--db", str(diary), "export", "csv", "--out", str(export))[0] == 0
    plain = tmp_path / "plain"
    zipfile.ZipFile(export).extractall(plain)
    locked = tmp_path / "locked.zip"
    names = sorted(p.name for p in plain.iterdir())
    subprocess.run(["zip", "-q", "-e", "-P", "pw", str(locked), *names], cwd=plain, check=True)
    rc, err = _cli(capsys, "--db", str(tmp_path / "new.db"), "import", "csv", str(locked))
    assert rc == 2 and len(err) == 1 and "unexpected" not in err[0]


def test_a_note_starting_with_a_quote_survives_the_csv_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 item 17: the note `'=1+1` comes back as `=1+1`."""
    diary, export, copy = tmp_path / "a.db", tmp_path / "a.zip", tmp_path / "b.db"
    assert _cli(capsys, "--db", str(diary), "checkin", "4", "--date", "2026-01-01", "--note", "'=1+1")[0] == 0
    assert _cli(capsys, "--db", str(diary), "export", "csv", "--out", str(export))[0] == 0
    assert _cli(capsys, "--db", str(copy), "import", "csv", str(export))[0] == 0
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT notes FROM checkins").fetchone()[0] == "'=1+1"
    conn.close()


def test_a_workout_inside_an_xml_comment_does_not_fail_the_apple_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 item 17: exit 2 "the export is cut off in the middle of an entry"."""
    xml = tmp_path / "export.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<HealthData locale="en">\n'
        '<!-- <Workout workoutActivityType="HKWorkoutActivityTypeYoga" -->\n'
        '<Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="30" durationUnit="min" '
        'sourceName="Watch" startDate="2026-01-03 08:00:00 +0100" endDate="2026-01-03 08:30:00 +0100" '
        'creationDate="2026-01-03 08:31:00 +0100"/>\n</HealthData>\n'
    )
    rc, err = _cli(capsys, "--db", str(tmp_path / "d.db"), "import", "apple-health", str(xml))
    assert rc == 0, err


def test_set_password_without_a_terminal_is_one_plain_line(tmp_path: Path) -> None:
    """`set-password` with stdin closed: exit 1 "unexpected error: EOFError" after getpass warnings."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(tmp_path / "d.db"), "set-password"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        start_new_session=True,  # no controlling terminal, like cron or a script
        timeout=60,
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr


@pytest.mark.parametrize("make", ["folder", "fifo"])
@pytest.mark.parametrize("command", [["restore"], ["import", "apple-health"]])
def test_a_folder_or_pipe_given_as_input_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str, command: list[str]
) -> None:
    """`restore <a folder>` or a pipe said "no such file", which is not the cause."""
    target = tmp_path / "thing"
    if make == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    rc, err = _cli(capsys, "--db", str(tmp_path / "d.db"), *command, str(target))
    assert rc == 2 and len(err) == 1
    assert ("is a folder" if make == "folder" else "not a regular file") in err[0]
    assert not (tmp_path / "d.db").exists()


def _header_patch(path: Path, offset: int, value: int, width: int = 4) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(value.to_bytes(width, "big"))


@pytest.mark.parametrize("shape", ["sparse tail", "header agrees"])
def test_a_huge_sparse_backup_is_refused_before_any_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    """A 2 GiB sparse file was copied in full (filling the disk) before being refused. With files
    limited to 64 MiB, the copy fails "the disk is full"; checked first, it never starts."""
    import resource

    diary, backup = _diary_with_backup(tmp_path, capsys)
    if shape == "sparse tail":
        os.truncate(backup, 2 << 30)  # a real backup followed by 2 GiB of holes
        needle = "differs from"
    else:  # the header's page count says the file really is this big
        pages = (5 << 30) // 4 // 4096
        _header_patch(backup, 28, pages)
        os.truncate(backup, pages * 4096)
        needle = "larger than any backcare diary"
    before = diary.read_bytes()
    limit = 64 << 20

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(diary), "restore", str(backup)],
        capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120,
        preexec_fn=small_files,
    )  # fmt: skip
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert needle in done.stderr and "Nothing was changed" in done.stderr
    assert diary.read_bytes() == before
    assert not any(p.name.startswith(".restore-") for p in tmp_path.iterdir())


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ((16, 3000, 2), "page size of 3000"),
        ((16, 256, 2), "page size of 256"),
        ((28, 7), "differs from"),  # the header's page count is not the file's
        (None, "whole number of pages"),  # 10 bytes appended
    ],
)
def test_a_backup_whose_header_and_size_disagree_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], patch: tuple[int, ...] | None, needle: str
) -> None:
    diary, backup = _diary_with_backup(tmp_path, capsys)
    if patch is None:
        with open(backup, "ab") as handle:
            handle.write(b"\0" * 10)
    else:
        _header_patch(backup, *patch)
    before = diary.read_bytes()
    rc, err = _cli(capsys, "--db", str(diary), "restore", str(backup))
    assert rc == 2 and len(err) == 1 and needle in err[0], err
    assert diary.read_bytes() == before


# -- the adversary round of 2026-11-27 (docs: SECURITY.md, "How we test"): each case below broke ---------


def _one_plain_line(err: list[str]) -> str:
    assert len(err) == 1, err
    assert "unexpected error" not in err[0] and "\x1b" not in err[0] and "Traceback" not in err[0], err
    return err[0]


@pytest.mark.parametrize(
    "target",
    ["n" * 300 + ".csv", "f" * 300 + "/out.csv"],
    ids=["name", "folder"],
)
def test_an_output_name_too_long_for_the_file_system_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """Was exit 1 "unexpected error: OSError: [Errno 36] File name too long"."""
    diary, _ = _diary_with_backup(tmp_path, capsys)
    rc, err = _cli(capsys, "--db", str(diary), "export", "csv", "--out", str(tmp_path / target))
    assert rc == 2 and "too long" in _one_plain_line(err)


def test_a_diary_name_too_long_for_the_file_system_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, err = _cli(capsys, "--db", str(tmp_path / ("d" * 300 + ".db")), "checkin", "4")
    assert rc == 2 and "too long" in _one_plain_line(err)


def test_an_output_that_is_a_pipe_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was exit 0: the named pipe was replaced by a regular file."""
    diary, _ = _diary_with_backup(tmp_path, capsys)
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    rc, err = _cli(capsys, "--db", str(diary), "export", "csv", "--out", str(pipe))
    assert rc == 2 and "pipe" in _one_plain_line(err)
    assert pipe.is_fifo()


def _export_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str, row: dict[str, str]
) -> Path:
    """The diary's own CSV export with the first row of ``member`` changed (or, if empty, set) to ``row``."""
    import csv
    import io

    diary, _ = _diary_with_backup(tmp_path, capsys)
    export = tmp_path / "export.zip"
    assert _cli(capsys, "--db", str(diary), "export", "csv", "--out", str(export))[0] == 0
    with zipfile.ZipFile(export) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in members if n.endswith(member))
    reader = csv.DictReader(io.StringIO(members[name].decode("utf-8-sig")))
    rows = list(reader) or [dict.fromkeys(reader.fieldnames or [], "")]
    rows[0].update(row)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(reader.fieldnames or []))
    writer.writeheader()
    writer.writerows(rows)
    members[name] = text.getvalue().encode()
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as archive:
        for member_name, data in members.items():
            archive.writestr(member_name, data)
    return changed


@pytest.mark.parametrize(
    ("member", "row", "shown"),
    [
        (
            "symptom_records.csv",
            {"date": "2026-01-02", "time": "07:30\n", "symptom": "Back", "value": "2", "scale": "x",
             "source": "bearable", "source_id": "1"},
            "07:30\\n",
        ),
        ("checkins.csv", {"pain_0_10": "\x1b]0;owned\x07\x1b[2J"}, "\\x1b]0;owned\\x07"),
    ],
    ids=["newline", "terminal-escape"],
)  # fmt: skip
def test_a_value_in_an_error_never_breaks_the_one_line_or_drives_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str, row: dict[str, str], shown: str
) -> None:
    """A newline inside a quoted cell split the refusal over two lines; an escape sequence in a cell
    reached the terminal raw (it could retitle the window or clear the screen)."""
    changed = _export_with(tmp_path, capsys, member, row)
    rc, err = _cli(capsys, "--db", str(tmp_path / "new.db"), "import", "csv", str(changed))
    assert rc == 2 and shown in _one_plain_line(err)


def test_an_apple_workout_lasting_1e308_minutes_is_skipped_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was exit 1 "OverflowError: Python int too large to convert to SQLite INTEGER"."""
    xml = tmp_path / "export.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<HealthData locale="en">\n'
        '<Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="1e308" durationUnit="min" '
        'sourceName="Watch" startDate="2026-01-03 08:00:00 +0100" endDate="2026-01-03 08:30:00 +0100"/>\n'
        "</HealthData>\n"
    )
    rc, err = _cli(capsys, "--db", str(tmp_path / "d.db"), "import", "apple-health", str(xml))
    assert rc == 0, err
    assert sqlite3.connect(tmp_path / "d.db").execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_a_strong_workout_of_a_septillion_hours_is_skipped_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was exit 1 "OverflowError": the recorded minutes of a timer left running were never checked."""
    export = tmp_path / "strong.csv"
    export.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
        '2024-06-26 18:06:30,"Evening",99999999999999999999999h,"Deadlift",1,8.0,10,0,0,"","",\n'
    )
    capsys.readouterr()
    rc = main(["--db", str(tmp_path / "d.db"), "import", "strong", "--unit", "kg", str(export)])
    out = capsys.readouterr().out
    assert rc == 0 and "Recorded minutes must be from 0 to 1000000000" in out


@pytest.mark.parametrize(
    ("args", "limit", "fresh"),
    [
        (["checkin", "4", "--date", "2026-01-02"], 4096, True),
        (["export", "csv", "--out", "x.zip"], 2048, False),
    ],
    ids=["new-diary", "export"],
)
def test_a_file_size_limit_smaller_than_sqlites_shared_memory_is_named_as_a_full_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], limit: int, fresh: bool
) -> None:
    """With `ulimit -f` below 32 KB SQLite cannot make the diary's -shm: the refusal said "disk I/O
    error", and a new diary stayed behind."""
    import resource

    diary = tmp_path / "fresh.db" if fresh else _diary_with_backup(tmp_path, capsys)[0]
    before = None if fresh else diary.read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    args = [str(tmp_path / a) if a == "x.zip" else a for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(diary), *args],
        capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120,
        preexec_fn=small_files,
    )  # fmt: skip
    assert done.returncode == 2 and "disk is full" in _one_plain_line(done.stderr.splitlines())
    assert (not diary.exists()) if fresh else diary.read_bytes() == before
    assert not (tmp_path / "x.zip").exists()


def test_a_backup_with_a_broken_schema_text_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by tests/test_fuzz_restore.py (a flipped byte in the schema): SQLite's message quotes the
    damaged CREATE statement, and the refusal carried its newlines (several lines in the app too)."""
    from backcare.errors import StoreError
    from backcare.store import Store, restore_from

    diary, backup = _diary_with_backup(tmp_path, capsys)
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    # an unbalanced quote: SQLite reports the string literal, which spans two lines, as the culprit
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE checkins (a INTEGER CHECK (a = 1 ''x)),' "
                 "|| char(10) || '  c TEXT CHECK (c GLOB ''))' WHERE name = 'checkins'")  # fmt: skip
    conn.close()
    before = diary.read_bytes()
    with Store(diary) as store, pytest.raises(StoreError) as refused:
        restore_from(store, backup)
    assert "\n" not in str(refused.value) and "damaged" in str(refused.value)
    assert diary.read_bytes() == before


@pytest.mark.parametrize(
    ("weight", "reps", "blank"),
    [("8.0", "1e30", "reps"), ("1e300", "10", "weight_kg"), ("8.0", "99999999999999999999", "reps")],
    ids=["reps-1e30", "weight-1e300", "reps-20-digits"],
)
def test_a_strong_set_value_too_large_to_store_is_left_blank_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], weight: str, reps: str, blank: str
) -> None:
    """Was exit 1 "OverflowError" (too large for SQLite's integers or the packed set): the value is
    left blank, the set is kept and flagged, and the summary says so."""
    export = tmp_path / "strong.csv"
    export.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
        f'2024-06-26 18:06:30,"Evening",45m,"Deadlift",1,{weight},{reps},0,0,"","",\n'
        '2024-06-26 18:06:30,"Evening",45m,"Deadlift",2,9.0,8,0,0,"","",\n'
    )
    db = tmp_path / "d.db"
    capsys.readouterr()
    rc = main(["--db", str(db), "import", "strong", "--unit", "kg", str(export)])
    out = capsys.readouterr().out
    assert rc == 0 and "too large to keep, left blank" in out
    with sqlite3.connect(db) as con:
        sets = con.execute(
            "SELECT reps, weight_kg, implausible FROM movement_sets ORDER BY session_movement_id"
        ).fetchall()
    assert len(sets) == 2 and sets[1] == (8, 9.0, 0)
    first = dict(zip(("reps", "weight_kg", "implausible"), sets[0], strict=True))
    assert first[blank] is None and first["implausible"] == 1


def test_a_zip_whose_directory_points_before_the_file_start_is_a_damaged_zip(tmp_path: Path) -> None:
    """Found by the CSV-zip fuzz test: a member's header offset far outside the file made zipfile
    raise ValueError ("negative seek value") from the import."""
    from backcare.errors import ImportFormatError
    from backcare.importers.zips import open_member

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("checkins.csv", "date,pain\n2026-01-01,4\n")
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
        info.header_offset = -16_774_785
        with pytest.raises(ImportFormatError, match="this zip file is damaged"):
            open_member(archive, info, "export.zip")
