"""Backups as files and as a download (backcare/store/backup.py): a consistent, self-contained copy
made next to the diary and nowhere else, and sources that are not a file refused by name."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare import demo
from backcare.errors import StoreError
from backcare.models import checkin_from_input
from backcare.private_files import WORKSPACE_PREFIX
from backcare.store import Store, backup_bytes, check_backup_file, daily_backup, restore_from, save_checkin
from backcare.store.version import SCHEMA_VERSION


def _pains(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT date, pain FROM checkins ORDER BY date").fetchall()
    finally:
        conn.close()


def test_a_downloaded_backup_is_the_whole_diary_in_one_file_and_leaves_nothing_behind(tmp_path):
    diary = tmp_path / "diary.db"
    with Store(diary) as store:
        demo.write_demo(store, 20, 5, end=date(2026, 3, 1))
        save_checkin(store, checkin_from_input(date=date(2026, 3, 1), pain=9, notes="after the move"))
        data = backup_bytes(store)
        listing = sorted(p.name for p in tmp_path.iterdir())
    assert data.startswith(b"SQLite format 3\x00")
    assert not any(name.startswith(WORKSPACE_PREFIX) for name in listing)  # its work folder is gone
    copy = tmp_path / "download.db"
    copy.write_bytes(data)
    assert _pains(copy) == _pains(diary) and ("2026-03-01", 9) in _pains(copy)
    assert check_backup_file(copy) == SCHEMA_VERSION
    # self-contained: rollback-journal mode, no -wal needed next to it
    assert data[18:20] == b"\x01\x01"


def test_daily_backups_are_named_by_day_and_the_oldest_beyond_fourteen_go(store):
    start = date(2026, 1, 1)
    for i in range(16):
        assert daily_backup(store, start + timedelta(days=i)) is not None
    folder = store.path.parent / "backups"
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 14
    assert names[0] == f"{store.path.stem}-2026-01-03.db" and names[-1] == f"{store.path.stem}-2026-01-16.db"
    assert oct(folder.stat().st_mode)[-3:] == "700"


def test_a_folder_given_as_a_backup_is_refused_by_name(store, tmp_path):
    folder = tmp_path / "not-a-backup"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        restore_from(store, folder, name="phone backup")
    assert str(caught.value) == "phone backup is not a file that can be restored. Nothing was changed."
    with pytest.raises(StoreError) as checked:
        check_backup_file(folder, "phone backup")
    assert str(checked.value).startswith("phone backup cannot be read (")


def test_a_text_file_is_not_a_backup(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("dear diary")
    with pytest.raises(StoreError) as caught:
        check_backup_file(text)
    assert (
        str(caught.value) == "notes.db is not a backcare backup (not a SQLite database). Nothing was changed."
    )


def test_a_backup_of_a_diary_someone_ran_analyze_on_restores(tmp_path):
    # DB Browser for SQLite's "Optimize", `sqlite3 diary.db ANALYZE` or PRAGMA optimize leave SQLite's
    # own statistics tables behind; they are not backcare's tables, but the diary is still the diary.
    source = tmp_path / "analysed.db"
    with Store(source) as other:
        demo.write_demo(other, 40, 4)
    conn = sqlite3.connect(source)
    conn.execute("ANALYZE")
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master")} >= {"sqlite_stat1"}
    conn.close()
    with Store(tmp_path / "diary.db") as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
        restore_from(store, source, name="analysed.db")
        assert len(_pains(store.path)) > 20 and (date(2026, 2, 1).isoformat(), 7) not in _pains(store.path)


@pytest.mark.parametrize(
    ("stored", "restores"),
    [("CAST(tbl_name AS BLOB)", True), ("X'70656700ff'", False)],
    ids=["same-text", "undecodable"],
)
def test_a_backup_whose_schema_holds_a_blob_is_restored_whole_or_refused_by_name(tmp_path, stored, restores):
    # Found by the restore fuzz test: a damaged schema row read back as bytes, not text, and the check
    # failed with a TypeError instead of restoring the diary or saying the file cannot be restored.
    source = tmp_path / "damaged.db"
    with Store(source) as other:
        demo.write_demo(other, 20, 1)
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(f"UPDATE sqlite_master SET tbl_name = {stored} WHERE name = 'peg'")
    conn.commit()
    conn.close()
    with Store(tmp_path / "diary.db") as store:
        save_checkin(store, checkin_from_input(date=date(2026, 2, 1), pain=7))
        if restores:
            restore_from(store, source, name="damaged.db")
            assert len(_pains(store.path)) > 10
        else:
            with pytest.raises(StoreError, match=r"damaged\.db"):
                restore_from(store, source, name="damaged.db")
            assert _pains(store.path) == [("2026-02-01", 7)]
