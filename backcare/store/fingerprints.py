"""Per-block summaries of the check-in and session tables, for telling which blocks of days changed.

A block is ``block_days`` consecutive days counted from Monday 1 January 0001 (day ordinal 1), the
same numbering as ``backcare.aggregates.block_of``. For each block SQLite sums, without handing
rows to Python, what any write changes: how many rows, their ids, and their ``updated_at`` (every
write through backcare sets it to the time of the write; the sum moves even when the latest one
does not), plus the movements of the sessions. The names of exercise types and movements, which
session frames show, are one small summary for the whole diary. ``backcare.aggregates`` compares
these summaries with the ones it saw and rebuilds only the blocks whose summary moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.store.connection import Store

Summary = tuple[Any, ...]

_BLOCK = "CAST(julianday({column}) - julianday('0001-01-01') AS INTEGER) / ?"
_ROWS = "count(*), total({id}), max({t}.updated_at), total(julianday({t}.updated_at)), total({id} * julianday({t}.updated_at))"


def _bounds(start: date | None, end: date | None) -> list[str]:
    return [(start or date.min).isoformat(), (end or date.max).isoformat()]


def checkin_block_summaries(
    store: Store, block_days: int, start: date | None, end: date | None
) -> dict[int, Summary]:
    """Block number -> summary of the check-ins in [start, end]; the third item is the block's latest
    ``updated_at``."""
    sql = (
        f"SELECT {_BLOCK.format(column='date')} AS block, {_ROWS.format(id='rowid', t='checkins')} "
        "FROM checkins WHERE date >= ? AND date <= ? GROUP BY block"
    )
    with store._lock:
        rows = store.conn.execute(sql, [block_days, *_bounds(start, end)]).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def session_block_summaries(
    store: Store, block_days: int, start: date | None, end: date | None, *, names: bool = True
) -> dict[int, Summary]:
    """Block number -> summary of the sessions in [start, end] and of their movements, each with the
    names of every type and movement, unless ``names`` is False: then of the sessions' own rows
    only (for frames without movements or names); the third item is the block's latest session
    ``updated_at``."""
    sessions = (
        f"SELECT {_BLOCK.format(column='date')} AS block, {_ROWS.format(id='id', t='sessions')} "
        "FROM sessions WHERE date >= ? AND date <= ? GROUP BY block"
    )
    movements = (
        f"SELECT {_BLOCK.format(column='s.date')} AS block, count(*), total(sm.id), total(sm.movement_id), "
        "total(sm.movement_id * sm.position), total(sm.position) "
        "FROM session_movements sm JOIN sessions s ON s.id = sm.session_id "
        "WHERE s.date >= ? AND s.date <= ? GROUP BY block"
    )
    with store._lock:
        shown = (
            (
                tuple(store.conn.execute("SELECT key, name FROM exercise_types ORDER BY key").fetchall()),
                tuple(store.conn.execute("SELECT id, name FROM movements ORDER BY id").fetchall()),
            )
            if names
            else None
        )
        summary = {
            row[0]: tuple(row[1:]) for row in store.conn.execute(sessions, [block_days, *_bounds(start, end)])
        }
        moved = (
            {
                row[0]: tuple(row[1:])
                for row in store.conn.execute(movements, [block_days, *_bounds(start, end)])
            }
            if names
            else {}
        )
    return {block: (*rows, moved.get(block), shown) for block, rows in summary.items()}
