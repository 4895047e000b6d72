"""Raw rows behind the check-in and session frames, for telling which blocks of days changed.

``backcare.aggregates`` compares these rows block by block with what it saw before and rebuilds
only the frames of blocks whose rows differ: an exact comparison, so any writer (another tab, the
command line, an import) is seen. These queries read the tables' own rows, without the per-session
movement subquery that makes ``sessions_frame`` costly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.store.connection import Store


def _bounds(start: date | None, end: date | None) -> list[str]:
    return [(start or date.min).isoformat(), (end or date.max).isoformat()]


def checkin_fingerprint_rows(store: Store, start: date | None, end: date | None) -> list[tuple[Any, ...]]:
    """Every column of every check-in in [start, end], date first, in date order."""
    with store._lock:
        return store.conn.execute(
            "SELECT date, * FROM checkins WHERE date >= ? AND date <= ? ORDER BY date", _bounds(start, end)
        ).fetchall()


def session_fingerprint_rows(store: Store, start: date | None, end: date | None) -> list[tuple[Any, ...]]:
    """Every column of every session in [start, end] with its type's name, then one row per movement
    of those sessions (session, position, movement and its name); date first, in date order."""
    with store._lock:
        sessions = store.conn.execute(
            """SELECT s.date, s.*, t.name FROM sessions s JOIN exercise_types t ON t.key = s.exercise_type
               WHERE s.date >= ? AND s.date <= ? ORDER BY s.date, s.id""",
            _bounds(start, end),
        ).fetchall()
        movements = store.conn.execute(
            """SELECT s.date, sm.session_id, sm.position, mv.id, mv.name
               FROM session_movements sm JOIN sessions s ON s.id = sm.session_id
               JOIN movements mv ON mv.id = sm.movement_id
               WHERE s.date >= ? AND s.date <= ? ORDER BY s.date, sm.session_id, sm.position, mv.id""",
            _bounds(start, end),
        ).fetchall()
    return sessions + movements
