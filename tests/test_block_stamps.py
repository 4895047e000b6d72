"""The per-block stamps (migration m005, store/fingerprints.py) that tell the frame cache which
four-week blocks changed: every write moves exactly the stamps of the blocks it touched, whoever
writes (backcare or another program), row counts stay true, an upgraded or restored file gets
stamps made from its rows, and a restore refuses a file whose triggers are not backcare's."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare import aggregates, demo
from backcare.errors import StoreError
from backcare.models import checkin_from_input, session_from_input
from backcare.store import (
    Store,
    add_session,
    backup_to,
    checkins_frame,
    delete_sessions,
    restore_from,
    save_checkin,
    sessions_frame,
)
from tests.conftest import ROOT, demo_store
from tests.restore_helpers import mutate

END = date(2026, 3, 15)
OLD = END - timedelta(days=200)


def stamps(store: Store | sqlite3.Connection) -> dict[tuple[str, int], tuple[int, int]]:
    conn = store.conn if isinstance(store, Store) else store
    return {(t, b): (rows, stamp) for t, b, rows, stamp in conn.execute("SELECT * FROM block_stamps")}


def counted(store: Store | sqlite3.Connection) -> dict[tuple[str, int], int]:
    """Rows per (table, block) counted from the rows themselves, with the app's block numbering."""
    conn = store.conn if isinstance(store, Store) else store
    out: dict[tuple[str, int], int] = {}
    for table in ("checkins", "sessions"):
        for (day,) in conn.execute(f"SELECT date FROM {table}"):
            key = (table, aggregates.block_of(date.fromisoformat(day)))
            out[key] = out.get(key, 0) + 1
    return out


def moved(before: dict, after: dict) -> set[tuple[str, int]]:
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


@pytest.fixture
def diary(tmp_path: Path) -> Iterator[Store]:
    yield from demo_store(tmp_path / "diary.db", 300, 2, END)


def test_the_counts_follow_the_rows_and_each_write_moves_only_its_blocks(diary):
    assert {key: rows for key, (rows, _) in stamps(diary).items() if rows} == counted(diary)
    old_block, new_block = aggregates.block_of(OLD), aggregates.block_of(END)
    before = stamps(diary)
    save_checkin(diary, checkin_from_input(date=OLD, pain=9))  # an old day, edited
    assert moved(before, stamps(diary)) == {("checkins", old_block)}

    before = stamps(diary)
    with diary.transaction() as conn:  # a day moved from an old block to the newest one
        conn.execute("DELETE FROM checkins WHERE date = ?", [END.isoformat()])
        conn.execute("UPDATE checkins SET date = ? WHERE date = ?", [END.isoformat(), OLD.isoformat()])
    assert moved(before, stamps(diary)) == {("checkins", old_block), ("checkins", new_block)}
    assert stamps(diary)[("checkins", old_block)][0] == before[("checkins", old_block)][0] - 1
    assert {key: rows for key, (rows, _) in stamps(diary).items() if rows} == counted(diary)

    before = stamps(diary)
    session = add_session(diary, session_from_input(date=OLD, exercise_type="yoga", duration_min=20))
    assert moved(before, stamps(diary)) == {("sessions", old_block)}
    before = stamps(diary)
    with diary.transaction() as conn:  # a movement added to that session: its block's stamp only
        conn.execute(
            "INSERT INTO session_movements (session_id, movement_id, position) "
            "SELECT ?, id, 0 FROM movements LIMIT 1",
            [session],
        )
    after = stamps(diary)
    assert moved(before, after) == {("sessions", old_block)} and after[("sessions", old_block)][0] == before[("sessions", old_block)][0]  # fmt: skip
    before = after
    delete_sessions(diary, [session])  # its movements go with it (cascade): no error, one block
    assert moved(before, stamps(diary)) == {("sessions", old_block)}
    assert {key: rows for key, (rows, _) in stamps(diary).items() if rows} == counted(diary)


def test_a_write_by_another_program_that_leaves_updated_at_alone_is_seen(diary):
    """The cache used to sum ``updated_at``: a program that changes a value without touching it,
    within the same second or not, left the page showing the old value."""
    with diary.transaction() as conn:  # written long ago
        for table in ("checkins", "sessions"):
            conn.execute(f"UPDATE {table} SET updated_at = '2026-01-01T00:00:00Z'")
    cache = aggregates.BlockCache()
    assert int(cache.frame(diary, "d", "checkins", None, None).set_index("date").loc[str(OLD), "pain"]) != 0
    other = sqlite3.connect(diary.path)
    with other:
        other.execute("UPDATE checkins SET pain = 0 WHERE date = ?", [OLD.isoformat()])
        other.execute("DELETE FROM sessions WHERE date = (SELECT max(date) FROM sessions WHERE date < ?)", [OLD.isoformat()])  # fmt: skip
        # REPLACE deletes the old row without firing a delete trigger: the count must stay exact.
        other.execute(
            "INSERT OR REPLACE INTO checkins (date, pain, created_at, updated_at) VALUES (?, 4, ?, ?)",
            [(OLD + timedelta(days=1)).isoformat(), "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"],
        )
        first, last = aggregates.block_bounds(aggregates.block_of(OLD) - 2)  # a whole block emptied
        other.execute(
            "DELETE FROM checkins WHERE date BETWEEN ? AND ?", [first.isoformat(), last.isoformat()]
        )
    other.close()
    assert {key: rows for key, (rows, _) in stamps(diary).items() if rows} == counted(diary)
    assert stamps(diary)[("checkins", aggregates.block_of(OLD) - 2)][0] == 0
    for table, reader in (("checkins", checkins_frame), ("sessions", sessions_frame)):
        got = cache.frame(diary, "d", table, None, None)
        assert got.equals(reader(diary)), table
    assert int(cache.frame(diary, "d", "checkins", None, None).set_index("date").loc[str(OLD), "pain"]) == 0


def test_an_upgraded_schema_4_file_gets_its_stamps_from_its_rows(tmp_path):
    path = tmp_path / "v4.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema" / "v4.db", path)
    with Store(path) as store:
        assert {key: rows for key, (rows, _) in stamps(store).items()} == counted(store)
        assert len(counted(store)) >= 3  # check-ins and sessions in more than one block
        before = stamps(store)
        save_checkin(store, checkin_from_input(date=date(2026, 1, 2), pain=1))
        assert moved(before, stamps(store)) == {("checkins", aggregates.block_of(date(2026, 1, 2)))}


def test_a_restored_file_gets_fresh_stamps_whatever_it_carried(tmp_path):
    """Stamps copied from a backup describe writes this diary never saw: a restore makes new ones
    (a cache that had seen equal stamps would otherwise keep frames of other rows)."""
    with Store(tmp_path / "source.db") as source:
        demo.write_demo(source, 90, 4, end=END)
        backup = backup_to(source, tmp_path / "backup.db")
    mutate(backup, "UPDATE block_stamps SET stamp = 7, rows = rows + 3")
    with Store(tmp_path / "diary" / "backcare.db") as diary:
        save_checkin(diary, checkin_from_input(date=END, pain=2))
        restore_from(diary, backup)
        now = stamps(diary)
        assert {key: rows for key, (rows, _) in now.items()} == counted(diary)
        assert all(stamp != 7 for _, stamp in now.values())


@pytest.mark.parametrize(
    "statements, match",
    [
        (["DROP TRIGGER block_stamp_checkin_insert",
          "CREATE TRIGGER block_stamp_checkin_insert AFTER INSERT ON checkins BEGIN DELETE FROM sessions; END"],
         "contains a trigger \\(block_stamp_checkin_insert\\)"),
        (["DROP TRIGGER block_stamp_session_delete"], "trigger block_stamp_session_delete is missing"),
        (["CREATE TRIGGER block_stamp_extra AFTER DELETE ON meta BEGIN DELETE FROM checkins; END"],
         "contains a trigger \\(block_stamp_extra\\)"),
    ],
)  # fmt: skip
def test_a_backup_whose_triggers_are_not_backcares_is_refused(tmp_path, statements, match):
    with Store(tmp_path / "source.db") as source:
        demo.write_demo(source, 40, 4, end=END)
        backup = backup_to(source, tmp_path / "backup.db")
    mutate(backup, *statements)
    with Store(tmp_path / "diary" / "backcare.db") as diary:
        save_checkin(diary, checkin_from_input(date=END, pain=2))
        before = stamps(diary), checkins_frame(diary)
        with pytest.raises(StoreError, match=match):
            restore_from(diary, backup)
        assert stamps(diary) == before[0] and checkins_frame(diary).equals(before[1])


def test_a_replace_by_another_program_that_empties_a_block_is_seen(diary):
    """An INSERT OR REPLACE deletes the row it conflicts with without a delete trigger, and for
    sessions (keyed by id and by source) and movements (by id) that row may lie in another block:
    its block must still be rebuilt, even when it is left empty, and every view must equal the store."""
    alone = END + timedelta(days=60)  # after the demo: the only session of its block
    session = add_session(diary, session_from_input(date=alone, exercise_type="yoga", duration_min=25))
    with diary.transaction() as conn:
        conn.execute(
            "INSERT INTO session_movements (session_id, movement_id, position) SELECT ?, id, 0 FROM movements LIMIT 1",
            [session],
        )
    cache = aggregates.BlockCache()
    aggregates.insights_inputs(diary, "d")
    for table in ("sessions", "analysis_sessions", "checkins"):
        cache.frame(diary, "d", table, None, None)
    revision = diary.revision()
    other = sqlite3.connect(diary.path)
    with other:
        row = other.execute("SELECT * FROM sessions WHERE id = ?", [session]).fetchone()
        names = [d[0] for d in other.execute("SELECT * FROM sessions LIMIT 0").description]
        moved = dict(zip(names, row, strict=True)) | {"date": OLD.isoformat()}  # the same id, an old day
        other.execute(
            f"INSERT OR REPLACE INTO sessions ({', '.join(moved)}) VALUES ({', '.join('?' * len(moved))})",
            list(moved.values()),
        )
        target = other.execute("SELECT id FROM sessions WHERE date = ? AND id != ?", [END.isoformat(), session]).fetchone()  # fmt: skip
        if target is not None:  # a movement moved by id to a session of the newest block
            movement = other.execute("SELECT id, movement_id FROM session_movements WHERE session_id = ?", [session]).fetchone()  # fmt: skip
            other.execute(
                "INSERT OR REPLACE INTO session_movements (id, session_id, movement_id, position) VALUES (?, ?, ?, 9)",
                [movement[0], target[0], movement[1]],
            )
    other.close()
    assert diary.revision() > revision  # pages keyed on the revision see another program's write
    for table, reader in (("sessions", sessions_frame), ("checkins", checkins_frame)):
        got = cache.frame(diary, "d", table, None, None)
        assert got.equals(reader(diary)), table
    assert not (cache.frame(diary, "d", "sessions", None, None)["date"] == str(alone)).any()
    from backcare.analysis.diary import build_diary
    from backcare.store import analysis_checkins, analysis_sessions

    joined = aggregates.insights_inputs(diary, "d").diary
    expected = build_diary(analysis_checkins(diary), analysis_sessions(diary))
    assert joined.days.equals(expected.days) and joined.types == expected.types
    assert (joined.done == expected.done).all()


def test_a_date_sqlite_cannot_read_gets_no_block_and_does_not_stop_an_upgrade(tmp_path):
    """``2026-13-01`` passes the tables' date pattern; julianday() cannot read it. Such a row (written
    by another program) gets no block, and a schema-4 diary holding one still opens."""
    path = tmp_path / "v4.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema" / "v4.db", path)
    mutate(path, "UPDATE checkins SET date = '2026-13-01' WHERE date = '2026-01-02'")
    with Store(path) as store:
        assert all(block >= 0 for _, block in stamps(store))
        other = sqlite3.connect(store.path)
        with other:
            other.execute("INSERT INTO checkins (date, pain, created_at, updated_at) VALUES ('2026-14-02', 3, ?, ?)",
                          ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"])  # fmt: skip
        other.close()
        assert store.value("SELECT count(*) FROM checkins") == 4
