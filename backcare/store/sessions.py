"""Exercise sessions and the movements done in them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from backcare.errors import StoreError
from backcare.models import MovementLog, Session
from backcare.store.catalogue import movement_id, require_type
from backcare.store.connection import Store, now_iso, with_nullable_ints

if TYPE_CHECKING:
    import pandas as pd

SESSION_COLUMNS = [
    "id", "date", "start_time", "exercise_type", "duration_min", "rpe", "pain_before", "pain_after",
    "with_instructor", "notes", "source", "source_id", "source_label", "created_at", "updated_at",
    "duration_quality", "recorded_duration_min", "utc_offset",
]  # fmt: skip

_INSERT = """
INSERT INTO sessions (date, start_time, exercise_type, duration_min, rpe, pain_before, pain_after,
                      with_instructor, notes, source, source_id, source_label, created_at, updated_at,
                      duration_quality, recorded_duration_min, utc_offset)
VALUES (:date, :start_time, :exercise_type, :duration_min, :rpe, :pain_before, :pain_after,
        :with_instructor, :notes, :source, :source_id, :source_label, :now, :now,
        :duration_quality, :recorded_duration_min, :utc_offset)
"""
# A session already imported (same source and source id) is skipped; any other constraint still fails.
_INSERT_NEW = _INSERT + " ON CONFLICT (source, source_id) DO NOTHING"


def local_offset(day: date, time_of_day: str | None = None) -> str:
    """This computer's UTC offset ("+HH:MM") at that local date and time (daylight saving included)."""
    try:
        moment = datetime.fromisoformat(f"{day.isoformat()}T{time_of_day or '12:00'}:00").astimezone()
    except (OverflowError, OSError, ValueError):  # a date the platform's time zone rules cannot place
        moment = datetime.now().astimezone()
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _params(s: Session, now: str) -> dict[str, Any]:
    return {
        "date": s.date.isoformat(), "start_time": s.start_time, "exercise_type": s.exercise_type,
        "duration_min": s.duration_min, "rpe": s.rpe, "pain_before": s.pain_before, "pain_after": s.pain_after,
        "with_instructor": int(s.with_instructor), "notes": s.notes, "source": s.source,
        "source_id": s.source_id, "source_label": s.source_label, "now": now,
        "duration_quality": s.duration_quality, "recorded_duration_min": s.recorded_duration_min,
        "utc_offset": s.utc_offset or local_offset(s.date, s.start_time),
    }  # fmt: skip


def _write_movements(
    conn: sqlite3.Connection,
    session_id: int,
    exercise_type: str,
    movements: Sequence[MovementLog],
    *,
    create_movements: bool,
    known: dict[tuple[str, str], int] | None = None,
) -> None:
    """Replace a session's movements; ``known`` caches movement ids across the sessions of one import."""
    conn.execute("DELETE FROM session_movements WHERE session_id = ?", [session_id])
    known = {} if known is None else known
    for position, move in enumerate(movements):
        mid = known.get((exercise_type, move.name))
        if mid is None:
            mid = known[(exercise_type, move.name)] = movement_id(
                conn, exercise_type, move.name, create=create_movements
            )
        conn.execute(
            "INSERT INTO session_movements(session_id, movement_id, position, sets, reps, weight_kg)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [session_id, mid, position, move.sets, move.reps, move.weight_kg],
        )
        if (d := move.details) is not None:
            conn.execute(
                "INSERT INTO movement_sets(session_movement_id, set_type, reps, weight_kg, duration_s, distance_m,"
                " rpe, notes, implausible) VALUES (last_insert_rowid(), ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    d.set_type,
                    d.reps,
                    d.weight_kg,
                    d.duration_s,
                    d.distance_m,
                    d.rpe,
                    d.notes,
                    int(d.implausible),
                ],
            )


def add_session(store: Store, session: Session, *, create_movements: bool = True) -> int:
    """Insert one session (and its movements) in one transaction; return its id."""
    with store.transaction() as conn:
        require_type(conn, session.exercise_type)
        session_id = int(conn.execute(_INSERT, _params(session, now_iso())).lastrowid or 0)
        _write_movements(
            conn, session_id, session.exercise_type, session.movements, create_movements=create_movements
        )
    return session_id


def add_sessions(store: Store, sessions: Iterable[Session]) -> int:
    """Insert many sessions in one transaction, skipping ones whose (source, source_id) exists.

    Returns how many were added; this is what makes imports idempotent.
    """
    now = now_iso()
    added = 0
    known_types: set[str] = set()
    known_movements: dict[tuple[str, str], int] = {}
    with store.transaction() as conn:
        for session in sessions:
            if session.exercise_type not in known_types:
                require_type(conn, session.exercise_type)
                known_types.add(session.exercise_type)
            if session.source_id is not None:
                cursor = conn.execute(_INSERT_NEW, _params(session, now))
                if cursor.rowcount == 0:
                    continue
            else:
                cursor = conn.execute(_INSERT, _params(session, now))
            added += 1
            if session.movements:
                _write_movements(
                    conn, int(cursor.lastrowid or 0), session.exercise_type, session.movements,
                    create_movements=True, known=known_movements,
                )  # fmt: skip
    return added


def update_session(store: Store, session_id: int, session: Session) -> None:
    """Replace the fields of an existing session (movements are replaced too)."""
    with store.transaction() as conn:
        update_session_fields(conn, session_id, session)
        _write_movements(conn, session_id, session.exercise_type, session.movements, create_movements=True)


def replace_movements(store: Store, session_id: int, movements: Sequence[MovementLog]) -> None:
    """Replace one session's movements (names, sets, reps, weight and any imported set details) in
    one transaction; a movement name new for the session's type joins that type's list."""
    with store.transaction() as conn:
        row = conn.execute("SELECT exercise_type FROM sessions WHERE id = ?", [session_id]).fetchone()
        if row is None:
            raise StoreError(
                f"Session {session_id} no longer exists (deleted in another window?). Nothing was saved."
            )
        conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", [now_iso(), session_id])
        _write_movements(conn, session_id, str(row[0]), movements, create_movements=True)


def update_session_fields(conn: sqlite3.Connection, session_id: int, session: Session) -> None:
    """Update the scalar fields of a session inside an open transaction (movements untouched)."""
    params = _params(session, now_iso())
    params["id"] = session_id
    require_type(conn, session.exercise_type)
    cursor = conn.execute(
        """UPDATE sessions SET date = :date, start_time = :start_time, exercise_type = :exercise_type,
               duration_min = :duration_min, rpe = :rpe, pain_before = :pain_before,
               pain_after = :pain_after, with_instructor = :with_instructor, notes = :notes,
               updated_at = :now
           WHERE id = :id""",
        params,
    )
    if cursor.rowcount == 0:
        raise StoreError(
            f"Session {session_id} no longer exists (deleted in another window?). Nothing was saved."
        )


def delete_sessions(store: Store, ids: Iterable[int]) -> int:
    """Delete sessions (and their movements) in one transaction; return how many were removed."""
    with store.transaction() as conn:
        cursor = conn.executemany("DELETE FROM sessions WHERE id = ?", [[int(i)] for i in ids])
        return cursor.rowcount


def sessions_frame(store: Store, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Sessions in date order with the type's display name and a text list of movements."""
    import pandas as pd

    df = store.frame(
        f"""SELECT {", ".join("s." + c for c in SESSION_COLUMNS)}, t.name AS type_name,
                   (SELECT group_concat(m.name, '; ') FROM
                        (SELECT mv.name FROM session_movements sm JOIN movements mv ON mv.id = sm.movement_id
                         WHERE sm.session_id = s.id GROUP BY mv.id ORDER BY min(sm.position)) m) AS movements
            FROM sessions s JOIN exercise_types t ON t.key = s.exercise_type
            WHERE s.date >= ? AND s.date <= ?
            ORDER BY s.date, coalesce(s.start_time, ''), s.id""",
        [(start or date.min).isoformat(), (end or date.max).isoformat()],
    )
    df["date"] = pd.to_datetime(df["date"])
    df["with_instructor"] = df["with_instructor"].astype(bool)
    return with_nullable_ints(
        df, ["id", "duration_min", "rpe", "pain_before", "pain_after", "recorded_duration_min"]
    )


def session_movements(store: Store, session_id: int) -> list[dict[str, Any]]:
    """Movements of one session in order, with sets, reps, weight and (imported sets) the recorded details."""
    return store.rows(
        """SELECT mv.name, sm.sets, sm.reps, sm.weight_kg, ms.set_type, ms.reps AS set_reps,
                  ms.weight_kg AS set_weight_kg, ms.duration_s, ms.distance_m, ms.rpe AS set_rpe,
                  ms.notes AS set_notes, ms.implausible
           FROM session_movements sm JOIN movements mv ON mv.id = sm.movement_id
           LEFT JOIN movement_sets ms ON ms.session_movement_id = sm.id
           WHERE sm.session_id = ? ORDER BY sm.position""",
        [session_id],
    )


def last_session_defaults(store: Store) -> tuple[str | None, int | None]:
    """Type and duration of the most recently logged session, for form defaults."""
    rows = store.rows("SELECT exercise_type, duration_min FROM sessions ORDER BY date DESC, id DESC LIMIT 1")
    if not rows:
        return None, None
    return rows[0]["exercise_type"], int(rows[0]["duration_min"])


SET_DETAIL_COLUMNS = ["set_type", "set_reps", "set_weight_kg", "duration_s", "distance_m", "set_rpe", "set_notes",
                      "implausible"]  # fmt: skip


def all_session_movements(store: Store) -> pd.DataFrame:
    """Every session's movements: session_id, position, name, sets, reps, weight_kg, and for imported sets
    the details as recorded (set_type, set_reps, set_weight_kg, duration_s, distance_m, set_rpe,
    set_notes, implausible; empty for movements logged in the app)."""
    frame = store.frame(
        """SELECT sm.session_id, sm.position, mv.name, sm.sets, sm.reps, sm.weight_kg, ms.set_type,
                  ms.reps AS set_reps, ms.weight_kg AS set_weight_kg, ms.duration_s, ms.distance_m,
                  ms.rpe AS set_rpe, ms.notes AS set_notes, ms.implausible
           FROM session_movements sm JOIN movements mv ON mv.id = sm.movement_id
           LEFT JOIN movement_sets ms ON ms.session_movement_id = sm.id
           ORDER BY sm.session_id, sm.position"""
    )
    return with_nullable_ints(frame, ["sets", "reps", "set_reps", "implausible"])


def session_rows(store: Store, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Sessions in date order as plain dicts (no pandas), with the type's display name."""
    return store.rows(
        """SELECT s.*, t.name AS type_name FROM sessions s JOIN exercise_types t ON t.key = s.exercise_type
           WHERE s.date >= ? AND s.date <= ? ORDER BY s.date, coalesce(s.start_time, ''), s.id""",
        [(start or date.min).isoformat(), (end or date.max).isoformat()],
    )


def get_session(store: Store, session_id: int) -> dict[str, Any] | None:
    """One session as a dict with its movements (name, sets, reps, weight_kg), or None."""
    rows = store.rows("SELECT * FROM sessions WHERE id = ?", [session_id])
    if not rows:
        return None
    return {**rows[0], "movements": session_movements(store, session_id)}
