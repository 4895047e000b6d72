"""Opening a diary (backcare/store/connection.py): what is refused before anything is written, the
plain cause of SQLite failures, and all-or-nothing transactions. Every refused file is left
byte-for-byte as it was, with no journal or -wal beside it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from backcare.errors import StoreError
from backcare.store import Store
from backcare.store.connection import SQLITE_HEADER, examine_path, sqlite_problem, with_nullable_ints
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION

AS_ROOT = os.geteuid() == 0


def _untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]


def _refused(path: Path, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == message
    _untouched(path, before)


def test_a_missing_diary_is_refused_when_it_may_not_be_created(tmp_path):
    with pytest.raises(StoreError, match=r"There is no backcare database at .*missing\.db\."):
        Store(tmp_path / "missing.db", create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_diary_inside_a_file_cannot_be_created(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    with pytest.raises(StoreError) as caught:
        Store(blocker / "sub" / "diary.db")
    assert str(caught.value) == f"{blocker} is a file, so the diary cannot be created inside it."
    assert blocker.read_text() == "a file, not a folder"


def test_missing_folders_are_made_owner_only_for_a_new_diary(tmp_path):
    with Store(tmp_path / "a" / "b" / "diary.db") as store:
        assert store.schema_version == SCHEMA_VERSION
    assert oct((tmp_path / "a" / "b" / "diary.db").stat().st_mode)[-3:] == "600"


def test_a_folder_is_not_a_diary(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store(tmp_path)
    assert str(caught.value) == f"{tmp_path} is a folder or a device, not a backcare database file."


def test_a_dangling_link_is_refused_and_nothing_is_created_where_it_points(tmp_path):
    link = tmp_path / "diary.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    with pytest.raises(StoreError) as caught:
        Store(link)
    assert str(caught.value) == f"{link} is a link to a file that does not exist."
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_truncated_sqlite_header_is_not_a_sqlite_file(tmp_path):
    short = tmp_path / "short.db"
    short.write_bytes(SQLITE_HEADER + b"\x00" * 20)
    _refused(short, f"{short} is not a backcare database (not a SQLite file). It was left untouched.")


def test_another_program_s_sqlite_file_without_an_application_id_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    _refused(other, f"{other} is a SQLite file, but not a backcare database. It was left untouched.")


def test_a_damaged_sqlite_file_is_refused_naming_the_damage(tmp_path):
    damaged = tmp_path / "damaged.db"
    conn = sqlite3.connect(damaged)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    data = bytearray(damaged.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page is garbage; the header is intact
    damaged.write_bytes(bytes(data))
    before = damaged.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(damaged)
    assert str(caught.value).startswith(f"{damaged} is damaged or not a backcare database (")
    assert str(caught.value).endswith("). It was left untouched.")
    _untouched(damaged, before)


def test_an_empty_sqlite_file_of_no_program_becomes_a_diary(tmp_path):
    blank = tmp_path / "blank.db"
    conn = sqlite3.connect(blank)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")  # writes a header and an empty schema
    conn.close()
    assert blank.read_bytes().startswith(SQLITE_HEADER)
    with Store(blank) as store:
        assert store.value("PRAGMA application_id") == APPLICATION_ID
        assert store.schema_version == SCHEMA_VERSION


def test_a_backcare_file_whose_pages_are_damaged_is_not_usable(tmp_path):
    path = tmp_path / "diary.db"
    with Store(path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA journal_mode = DELETE")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x07" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value).startswith(f"{path} is not a usable backcare database (")


def test_a_newer_diary_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "newer.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (
        f"{path} was written by a newer backcare (schema {SCHEMA_VERSION + 3}; this version knows "
        f"{SCHEMA_VERSION}). Update backcare to open it."
    )


@pytest.mark.skipif(AS_ROOT, reason="root may write into read-only files and folders")
def test_read_only_diaries_and_folders_are_refused_before_writing(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    Store(folder / "diary.db").close()
    (folder / "diary.db").chmod(0o400)
    with pytest.raises(StoreError, match="is read-only: backcare needs to write to it"):
        Store(folder / "diary.db")
    (folder / "diary.db").chmod(0o600)
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="needs to write its journal next to the diary"):
            Store(folder / "diary.db")
        with pytest.raises(StoreError, match="backcare cannot create its diary there"):
            Store(folder / "new.db")
    finally:
        folder.chmod(0o700)


def test_a_full_disk_is_named_as_such(tmp_path):
    conn = sqlite3.connect(tmp_path / "small.db")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute("INSERT INTO t VALUES (?)", [b"x" * 100_000])
    conn.close()
    assert sqlite_problem(caught.value, tmp_path / "small.db") == (
        "the disk is full (or failing): a write did not complete"
    )


def test_writing_a_read_only_connection_names_the_file_or_says_a_file(tmp_path):
    path = tmp_path / "ro.db"
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (x)")
    setup.commit()
    setup.close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert sqlite_problem(caught.value, path) == f"{path} or its folder is read-only"
    assert sqlite_problem(caught.value) == "a file it needs or its folder is read-only"


def test_a_file_that_cannot_be_opened_is_named(tmp_path):
    missing = tmp_path / "no-folder" / "x.db"
    with pytest.raises(sqlite3.Error) as caught:
        sqlite3.connect(f"{missing.as_uri()}?mode=rw", uri=True).execute("SELECT 1")
    assert sqlite_problem(caught.value, missing) == (
        f"{missing} cannot be opened (is its folder read-only or missing?)"
    )


def test_any_other_sqlite_error_keeps_sqlite_s_words():
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute("SELEC 1")
    assert sqlite_problem(caught.value) == str(caught.value) and "syntax error" in str(caught.value)


def test_examine_path_accepts_a_writable_backcare_diary_and_a_new_path(tmp_path):
    Store(tmp_path / "diary.db").close()
    examine_path(tmp_path / "diary.db", create=False)
    examine_path(tmp_path / "new" / "diary.db")
    assert not (tmp_path / "new").exists()  # looking creates nothing


def test_a_failed_transaction_rolls_back_and_keeps_the_revision(store):
    before = store.revision()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO peg (date, pain, enjoyment, activity, created_at, updated_at) "
                     "VALUES ('2026-01-05', 5, 5, 5, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z')")  # fmt: skip
        raise RuntimeError("half-way")
    assert store.value("SELECT count(*) FROM peg") == 0
    assert store.revision() == before


def test_nested_transactions_join_the_outer_one_and_commit_once(store):
    before = store.revision()
    with store.transaction() as outer:
        with store.transaction() as inner:
            assert inner is outer
            inner.execute("INSERT INTO global_impression (date, rating, created_at, updated_at) "
                          "VALUES ('2026-01-05', 1, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z')")  # fmt: skip
        assert outer.in_transaction
    assert store.revision() == before + 1
    assert store.value("SELECT rating FROM global_impression") == 1


def test_an_inner_failure_rolls_back_the_whole_outer_transaction(store):
    with pytest.raises(ValueError), store.transaction() as outer:
        outer.execute("INSERT INTO global_impression (date, rating, created_at, updated_at) "
                      "VALUES ('2026-01-05', 1, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z')")  # fmt: skip
        with store.transaction():
            raise ValueError("inner")
    assert store.value("SELECT count(*) FROM global_impression") == 0


def test_a_write_while_another_connection_holds_the_lock_says_the_diary_is_busy(db_path):
    with Store(db_path, busy_timeout=0.05) as store:
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with (
                pytest.raises(StoreError, match="The diary is busy with another change"),
                store.transaction(),
            ):
                pass
        finally:
            other.execute("ROLLBACK")
            other.close()
        with store.transaction():  # free again
            pass


def test_reads_return_rows_values_and_frames_with_columns_even_when_empty(store):
    assert store.rows("SELECT key, name FROM exercise_types WHERE key = ?", ["yoga"]) == [
        {"key": "yoga", "name": "Yoga"}
    ]
    assert store.value("SELECT name FROM exercise_types WHERE key = 'nothing'") is None
    empty = store.frame("SELECT date, pain FROM checkins")
    assert list(empty.columns) == ["date", "pain"] and empty.empty


def test_optional_whole_numbers_become_nullable_integers():
    frame = pd.DataFrame({"rpe": [3, None, 7], "notes": ["a", None, "c"]})
    out = with_nullable_ints(frame, ["rpe"])
    assert str(out["rpe"].dtype) == "Int64"
    assert out["rpe"].tolist()[0] == 3 and out["rpe"].isna().tolist() == [False, True, False]
    assert out["notes"].tolist()[::2] == ["a", "c"]  # other columns are left as they were
