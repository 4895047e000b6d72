"""Per-block stamps of the check-in and session tables, for telling which blocks of days changed.

A block is 28 consecutive days counted from Monday 1 January 0001 (day ordinal 1), the same
numbering as ``block_of``. The table ``block_stamps`` (migration m005) holds,
per table and block, how many rows the block has and a random stamp; triggers replace the stamp in
the same transaction as every insert, update or delete of a row of the block (for sessions, of
their movements too), whoever writes: the app, the command line, an import, or another program.
Reading the stamps of ten years is about 130 small rows, where summing every row of the diary
took milliseconds. The names of exercise types and movements, which session frames show, are one
small summary for the whole diary. ``backcare.aggregates`` compares these summaries with the ones
it saw and rebuilds only the blocks whose summary moved.

A restored or upgraded file gets fresh stamps (``restamp_blocks``): a stamp read from a file is
never trusted to describe rows it did not see written.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from backcare.store.connection import Store

Summary = tuple[Any, ...]
BLOCK_DAYS = 28  # fixed by the triggers of migration m005
EPOCH = date(1, 1, 1)  # a Monday, day ordinal 1: blocks are whole weeks
_BLOCK = "CAST(julianday(date) - julianday('0001-01-01') AS INTEGER) / 28"


def block_of(day: date) -> int:
    """The number of the 28-day block (Monday to Sunday four weeks later) a day falls in."""
    return (day - EPOCH).days // BLOCK_DAYS


def _block(day: date | None, default: int) -> int:
    return default if day is None else block_of(day)


def _stamps(store: Store, table: str, start: date | None, end: date | None) -> dict[int, Summary]:
    # rows NULL: not known since a REPLACE (the block may have rows): read like a block with rows
    sql = "SELECT block, rows, stamp FROM block_stamps WHERE tbl = ? AND (rows IS NULL OR rows > 0) AND block BETWEEN ? AND ?"
    with store._lock:
        rows = store.conn.execute(sql, [table, _block(start, 0), _block(end, 1 << 62)]).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def checkin_block_summaries(store: Store, start: date | None, end: date | None) -> dict[int, Summary]:
    """Block number -> (rows, stamp) of the blocks of check-ins that [start, end] touches."""
    return _stamps(store, "checkins", start, end)


def session_block_summaries(
    store: Store, start: date | None, end: date | None, *, names: bool = True
) -> dict[int, Summary]:
    """Block number -> (rows, stamp) of the blocks of sessions that [start, end] touches (the stamp
    also moves with the sessions' movements), with the names of every type and movement unless
    ``names`` is False (for frames without names)."""
    summary = _stamps(store, "sessions", start, end)
    if not names:
        return summary
    with store._lock:
        shown = (
            tuple(store.conn.execute("SELECT key, name FROM exercise_types ORDER BY key").fetchall()),
            tuple(store.conn.execute("SELECT id, name FROM movements ORDER BY id").fetchall()),
        )
    return {block: (*stamp, shown) for block, stamp in summary.items()}


def restamp_blocks(conn: sqlite3.Connection) -> None:
    """Give every block of check-ins and sessions its row count and a fresh random stamp (after a
    migration or a restore: stamps that came with a file are not kept)."""
    conn.execute("DELETE FROM block_stamps")
    for table in ("checkins", "sessions"):
        conn.execute(
            f"INSERT INTO block_stamps (tbl, block, rows, stamp) SELECT '{table}', {_BLOCK}, count(*), random() "
            f"FROM {table} WHERE julianday(date) IS NOT NULL GROUP BY 2"
        )
