"""Hostile backups (issue 16 items 1-3, 11, 15, 17): a restore either makes the diary exactly the
backup, or refuses with one plain line and leaves the diary byte-for-byte as it was."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from backcare.errors import StoreError
from backcare.models import checkin_from_input
from backcare.store import Store, backup_to, checkins_frame, restore_bytes, restore_from, save_checkin
from tests.conftest import ROOT
from tests.restore_helpers import (
    content,
    demo_backup,
    fingerprint,
    leftovers,
    mutate,
    read_only,
    rebuild_without_checks,
    run_cli,
)


@pytest.fixture
def diary(tmp_path):
    """A diary with two days of its own, open in a Store."""
    with Store(tmp_path / "diary" / "backcare.db") as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7, notes="mine"))
        save_checkin(store, checkin_from_input(date=date(2026, 2, 2), pain=6))
        yield store


def refused(store: Store, source: Path, match: str) -> str:
    """Restore must raise StoreError matching ``match``, in one line naming no work file, and
    leave the diary file and its -wal byte-for-byte as before."""
    before = fingerprint(store.path)
    with pytest.raises(StoreError, match=match) as caught:
        restore_from(store, source)
    message = str(caught.value)
    assert "\n" not in message and ".restore-" not in message and "candidate" not in message
    assert fingerprint(store.path) == before
    assert leftovers(store.path.parent) == []
    return message


# -- item 1: triggers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "trigger",
    [
        "CREATE TRIGGER wipe AFTER INSERT ON checkins BEGIN DELETE FROM checkins; END",
        "CREATE TRIGGER empty AFTER UPDATE ON meta BEGIN DELETE FROM checkins; DELETE FROM sessions; END",
    ],
)
def test_a_backup_with_a_trigger_is_refused(diary, tmp_path, trigger):
    source = mutate(demo_backup(tmp_path / "in"), trigger)
    refused(diary, source, "contains a trigger")
    save_checkin(diary, checkin_from_input(date=date(2026, 2, 3), pain=2))  # the diary still works
    assert len(checkins_frame(diary)) == 3


# -- item 2: never report failure after the swap ----------------------------------------------------------
def test_text_in_meta_revision_is_refused_before_anything_changes(diary, tmp_path):
    source = mutate(demo_backup(tmp_path / "in"), "UPDATE meta SET value = 'abc' WHERE key = 'revision'")
    refused(diary, source, "meta table")


def test_a_failing_swap_leaves_the_diary_and_names_the_safety_copy(tmp_path):
    db = tmp_path / "diary" / "backcare.db"
    with Store(db) as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
    source = demo_backup(tmp_path / "in", days=1500)
    size = source.stat().st_size
    # Every file the restore writes before the swap is at most the backup's size; the swap's WAL
    # frames carry 24 bytes more per page, so a limit just above the size fails only the swap.
    limit = size + (size // 4096) * 12
    before = content(db)
    result = run_cli("--db", str(db), "restore", str(source), limit_bytes=limit)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "disk is full" in line and "was not changed" in line
    safety = next((db.parent / "backups").glob("backcare-before-restore-*.db"))
    assert str(safety) in line
    assert content(db) == before == content(safety)
    with Store(db) as store:
        assert checkins_frame(store)["pain"].tolist() == [7]
    assert leftovers(db.parent) == []


# -- item 3: the whole schema and every row -------------------------------------------------------------
def _view_instead_of_peg(path: Path) -> Path:
    return mutate(
        path, "DROP TABLE peg", "CREATE VIEW peg AS SELECT date, pain, pain AS enjoyment FROM checkins"
    )


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: mutate(rebuild_without_checks(p, "checkins"),
                          "UPDATE checkins SET pain = 99 WHERE rowid = (SELECT min(rowid) FROM checkins)"),
         "checkins is not defined"),
        (lambda p: mutate(rebuild_without_checks(p, "checkins"), "UPDATE checkins SET pain = 'abc'"),
         "checkins is not defined"),
        (lambda p: mutate(rebuild_without_checks(p, "checkins"), "UPDATE checkins SET date = '3026-01-01' "
                          "WHERE rowid = (SELECT min(rowid) FROM checkins)"), "checkins is not defined"),
        (_view_instead_of_peg, "contains a view"),
        (lambda p: mutate(p, "DROP TABLE global_impression"), "global_impression is missing"),
        (lambda p: mutate(p, "UPDATE sessions SET exercise_type = 'karate'"), "refers to a missing row"),
        (lambda p: mutate(p, "UPDATE checkins SET pain = 99"), "holds a value backcare never stores"),
        (lambda p: mutate(p, "UPDATE sessions SET duration_quality = 'guessed'"), "never stores"),
        (lambda p: mutate(p, "CREATE TABLE extra (x)"), "extra table extra"),
        (lambda p: mutate(p, "CREATE INDEX checkins_by_pain ON checkins(pain)"), "extra index"),
        (lambda p: rebuild_without_checks(p, "peg", {"pain": "TEXT"}), "peg is not defined"),
        (lambda p: mutate(p, "ALTER TABLE checkins DROP COLUMN medication"), "checkins is not defined"),
        (lambda p: mutate(p, "DELETE FROM _sqlite_migrations WHERE name LIKE 'm003%'"), "record of schema"),
        (lambda p: mutate(p, "PRAGMA user_version = 2"), "checkins is not defined"),
        (lambda p: mutate(p, "UPDATE meta SET value = 'other' WHERE key = 'app'"), "meta table"),
    ],
)  # fmt: skip
def test_a_backup_unlike_backcares_schema_or_rows_is_refused(diary, tmp_path, make, match):
    refused(diary, make(demo_backup(tmp_path / "in")), match)


def test_the_cli_refuses_a_hostile_backup_with_exit_2_and_one_line(tmp_path):
    db = tmp_path / "diary" / "backcare.db"
    with Store(db) as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
    source = mutate(
        rebuild_without_checks(demo_backup(tmp_path / "in"), "checkins"), "UPDATE checkins SET pain = 99"
    )
    before = fingerprint(db)
    result = run_cli("--db", str(db), "restore", str(source))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "backup.db is not a backcare diary" in result.stderr
    assert fingerprint(db) == before


def test_an_ordinary_backup_restores_exactly(diary, tmp_path):
    source = demo_backup(tmp_path / "in")
    revision = diary.revision()
    restore_from(diary, source)
    assert content(diary.path) == content(source) and diary.revision() > revision
    assert leftovers(diary.path.parent) == []


# -- item 11: a WAL-mode copy brings its -wal -------------------------------------------------------------
def test_a_wal_mode_copy_restores_with_its_uncheckpointed_rows(diary, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    live = tmp_path / "live.db"
    Store(live).close()
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.executemany(
        "INSERT INTO checkins(date, pain, created_at, updated_at) VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        [(f"2025-02-{day:02d}", day % 11) for day in range(1, 29)],
    )
    for suffix in ("", "-wal", "-shm"):  # a copy of a diary that was open: the trio
        (folder / f"diary.db{suffix}").write_bytes(Path(f"{live}{suffix}").read_bytes())
    writer.close()
    main_only = sqlite3.connect(f"{(folder / 'diary.db').as_uri()}?immutable=1", uri=True)
    assert main_only.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0  # the rows live in the -wal
    main_only.close()
    restore_from(diary, folder / "diary.db")
    assert len(checkins_frame(diary)) == 28
    assert sorted(p.name for p in folder.iterdir()) == ["diary.db", "diary.db-shm", "diary.db-wal"]


# -- item 15: page sizes, links, read-only places, a full disk -----------------------------------------------
@pytest.mark.parametrize("page_size", [512, 65536])
def test_a_backup_with_another_page_size_restores(diary, tmp_path, page_size):
    source = demo_backup(tmp_path / "in")
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == page_size
    conn.close()
    restore_from(diary, source)
    assert content(diary.path) == content(source) and diary.value("PRAGMA page_size") == 4096
    assert diary.value("PRAGMA integrity_check") == "ok"


def test_a_full_disk_during_the_copy_is_named_and_changes_nothing(tmp_path):
    db = tmp_path / "diary" / "backcare.db"
    Store(db).close()
    source = demo_backup(tmp_path / "in", days=400)
    before = fingerprint(db)
    result = run_cli("--db", str(db), "restore", str(source), limit_bytes=source.stat().st_size // 2)
    assert result.returncode == 2 and "the disk is full" in result.stderr, result.stderr
    assert (
        result.stderr.count("\n") == 1
        and "candidate" not in result.stderr
        and ".restore-" not in result.stderr
    )
    assert fingerprint(db) == before and leftovers(db.parent) == []


def test_a_full_disk_during_a_backup_is_named_and_leaves_no_partial_file(tmp_path):
    db = tmp_path / "diary" / "backcare.db"
    with Store(db) as store:
        from backcare import demo

        demo.write_demo(store, 400, 2)
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(
        "--db", str(db), "backup", "--out", str(out / "b.db"), limit_bytes=db.stat().st_size // 2
    )
    assert result.returncode == 2 and "the disk is full" in result.stderr, result.stderr
    assert ".backcare-" not in result.stderr and list(out.iterdir()) == []


def test_a_dangling_link_as_diary_is_named_and_nothing_is_created(tmp_path):
    link = tmp_path / "diary.db"
    link.symlink_to(tmp_path / "gone" / "real.db")
    with pytest.raises(StoreError, match="is a link to a file that does not exist"):
        Store(link)
    result = run_cli("--db", str(link), "init")
    assert result.returncode == 2 and "link" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "gone").exists()


def test_a_read_only_diary_file_is_named(tmp_path):
    db = tmp_path / "backcare.db"
    Store(db).close()
    with read_only(db), pytest.raises(StoreError, match=r"The diary .*backcare\.db is read-only") as caught:
        Store(db)
    assert "not a usable" not in str(caught.value)


def test_a_read_only_folder_is_named(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    Store(folder / "backcare.db").close()
    with Store(tmp_path / "backcare.db") as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
        with read_only(folder):
            for name in ("backcare.db", "new.db"):
                with pytest.raises(StoreError, match=f"The folder {folder} is read-only"):
                    Store(folder / name)
            with pytest.raises(StoreError, match=f"could not be written: the folder {folder} is read-only"):
                backup_to(store, folder / "backup.db")
    assert sorted(p.name for p in folder.iterdir()) == ["backcare.db"]


# -- item 17: no diary copies in the system temporary folder, none left behind -----------------------------
def test_an_uploaded_backup_is_restored_without_touching_the_system_temp_folder(diary, tmp_path, monkeypatch):
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    source = demo_backup(tmp_path / "in")
    restore_bytes(diary, source.read_bytes(), name="phone-backup.db")
    assert content(diary.path) == content(source)
    with pytest.raises(StoreError, match=r"^phone-backup\.db is not a backcare backup"):
        restore_bytes(diary, b"hello", name="phone-backup.db")
    assert list(system_tmp.iterdir()) == [] and leftovers(diary.path.parent) == []


def _kill_while_working(command: list[str], env: dict[str, str], watch: list[Path], delay: float) -> None:
    """Start a restore, wait until a work copy exists (in the diary's folder or the temp folder),
    then SIGKILL it after ``delay`` seconds."""
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not (leftovers(watch[0]) or any(watch[1].iterdir())):
        time.sleep(0.0005)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_restores_leave_old_or_new_diary_and_no_copies_anywhere(tmp_path):
    source = demo_backup(tmp_path / "in", days=800)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    db = tmp_path / "diary" / "backcare.db"
    with Store(db) as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
    old, new = content(db), content(source)
    command = [sys.executable, "-m", "backcare", "--db", str(db), "restore", str(source)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(system_tmp)}
    rng = random.Random(16)
    killed_mid_work = 0
    for _ in range(5):
        _kill_while_working(command, env, [db.parent, system_tmp], rng.uniform(0, 0.03))
        killed_mid_work += bool(leftovers(db.parent))
        assert list(system_tmp.iterdir()) == []  # never a diary copy in the system temporary folder
        with Store(db):  # opening removes the work folders of killed restores
            assert leftovers(db.parent) == []
            assert content(db) in (old, new)
    assert killed_mid_work >= 3  # the kills did land while a work copy existed


def test_a_work_folder_is_owner_only_and_only_dead_ones_are_swept(tmp_path):
    from backcare.private_files import private_workspace

    stale = tmp_path / ".restore-killed"
    stale.mkdir()
    (stale / "candidate.db").write_bytes(b"a whole diary")
    with private_workspace(tmp_path) as live:
        assert stat.S_IMODE(live.stat().st_mode) == 0o700 and live.parent == tmp_path
        (live / "candidate.db").write_bytes(b"in use")
        Store(tmp_path / "backcare.db").close()  # opening a diary sweeps the folder next to it
        assert not stale.exists()  # nobody held it: a killed process's leftover
        assert (live / "candidate.db").read_bytes() == b"in use"  # held by a running restore: kept
    assert leftovers(tmp_path) == []


def test_a_copy_taken_mid_write_restores_the_last_committed_state(diary, tmp_path):
    source = demo_backup(tmp_path / "in")
    committed = content(source)
    folder = tmp_path / "copy"
    folder.mkdir()
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before the commit
    writer.execute("BEGIN")
    original = source.read_bytes()
    writer.execute("UPDATE checkins SET notes = 'half-written ' || date")
    writer.execute("UPDATE sessions SET notes = 'half-written ' || date")
    assert source.read_bytes() != original  # the file itself is half-written now
    for suffix in ("", "-journal"):  # a copy of a file caught in the middle of a write
        (folder / f"diary.db{suffix}").write_bytes(Path(f"{source}{suffix}").read_bytes())
    writer.execute("ROLLBACK")
    writer.close()
    restore_from(diary, folder / "diary.db")
    assert content(diary.path) == committed


@pytest.mark.parametrize(("name", "checkins"), [("v1.db", 3), ("v2.db", 2)])
def test_every_earlier_schema_passes_the_check_and_is_upgraded(diary, tmp_path, name, checkins):
    from tests.conftest import FIXTURES

    source = tmp_path / name
    source.write_bytes((FIXTURES / "schema" / name).read_bytes())
    restore_from(diary, source)
    assert len(checkins_frame(diary)) == checkins and diary.value("PRAGMA integrity_check") == "ok"
    assert (
        FIXTURES / "schema" / name
    ).read_bytes() == source.read_bytes()  # only the private copy was upgraded


def test_a_refusal_quoting_a_multi_line_check_is_one_line(tmp_path):
    """Found by the fuzz test: a type key that breaks the multi-line CHECK on exercise_types."""
    from backcare.store import restore_from

    source = tmp_path / "source.db"
    with Store(source) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE exercise_types SET key = 99 WHERE rowid = (SELECT min(rowid) FROM exercise_types)")
    conn.commit()
    conn.close()
    with Store(tmp_path / "diary.db") as diary, pytest.raises(StoreError) as err:
        restore_from(diary, source)
    assert "\n" not in str(err.value) and "never stores" in str(err.value)
