"""Daily check-ins: one per date."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from backcare.models import CheckIn
from backcare.store.connection import Store, now_iso, with_nullable_ints
from backcare.store.sessions import local_offset

if TYPE_CHECKING:
    import pandas as pd

CHECKIN_COLUMNS = [
    "date", "pain", "worst_pain", "stiffness", "sleep_quality", "stress", "locations", "qualities",
    "medication", "flare", "notes", "source", "created_at", "updated_at", "time", "utc_offset",
]  # fmt: skip

_UPSERT = """
INSERT INTO checkins (date, pain, worst_pain, stiffness, sleep_quality, stress, locations, qualities,
                      medication, flare, notes, source, time, created_at, updated_at, utc_offset)
VALUES (:date, :pain, :worst_pain, :stiffness, :sleep_quality, :stress, :locations, :qualities,
        :medication, :flare, :notes, :source, :time, :now, :now, coalesce(:utc_offset, :local_offset))
ON CONFLICT(date) DO UPDATE SET
    pain = excluded.pain, worst_pain = excluded.worst_pain, stiffness = excluded.stiffness,
    sleep_quality = excluded.sleep_quality, stress = excluded.stress, locations = excluded.locations,
    qualities = excluded.qualities, medication = excluded.medication, flare = excluded.flare,
    notes = excluded.notes, source = excluded.source, time = excluded.time, updated_at = excluded.updated_at,
    utc_offset = coalesce(:utc_offset, checkins.utc_offset, :local_offset)
"""


def _params(c: CheckIn, now: str) -> dict[str, Any]:
    return {
        "date": c.date.isoformat(), "pain": c.pain, "worst_pain": c.worst_pain, "stiffness": c.stiffness,
        "sleep_quality": c.sleep_quality, "stress": c.stress, "locations": json.dumps(list(c.locations)),
        "qualities": json.dumps(list(c.qualities)), "medication": c.medication, "flare": int(c.flare),
        "notes": c.notes, "source": c.source, "time": c.time, "now": now,
        "utc_offset": c.utc_offset, "local_offset": local_offset(c.date, c.time),
    }  # fmt: skip


def save_checkin(store: Store, checkin: CheckIn) -> Literal["created", "updated"]:
    """Insert or replace the check-in for its date; report whether it was new."""
    with store.transaction() as conn:
        existed = conn.execute("SELECT 1 FROM checkins WHERE date = ?", [checkin.date.isoformat()]).fetchone()
        conn.execute(_UPSERT, _params(checkin, now_iso()))
    return "updated" if existed else "created"


def save_checkins(store: Store, checkins: Iterable[CheckIn]) -> int:
    """Insert or replace many check-ins in one transaction; return how many were written."""
    now = now_iso()
    rows = [_params(c, now) for c in checkins]
    with store.transaction() as conn:
        conn.executemany(_UPSERT, rows)
    return len(rows)


def get_checkin(store: Store, day: date) -> dict[str, Any] | None:
    """The check-in for one date as a dict (locations/qualities as lists), or None."""
    rows = store.rows("SELECT * FROM checkins WHERE date = ?", [day.isoformat()])
    if not rows:
        return None
    row = rows[0]
    row["locations"] = json.loads(row["locations"])
    row["qualities"] = json.loads(row["qualities"])
    row["flare"] = bool(row["flare"])
    return row


def checkin_rows(store: Store, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Check-ins in date order as plain dicts (no pandas): every column, lists decoded."""
    rows = store.rows(
        "SELECT * FROM checkins WHERE date >= ? AND date <= ? ORDER BY date",
        [(start or date.min).isoformat(), (end or date.max).isoformat()],
    )
    for row in rows:
        row["locations"], row["qualities"] = json.loads(row["locations"]), json.loads(row["qualities"])
        row["flare"] = bool(row["flare"])
    return rows


def delete_checkins(store: Store, days: Iterable[date]) -> int:
    """Delete the check-ins of the given dates in one transaction; return how many were removed."""
    with store.transaction() as conn:
        cursor = conn.executemany("DELETE FROM checkins WHERE date = ?", [[d.isoformat()] for d in days])
        return cursor.rowcount


def checkins_frame(store: Store, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Check-ins in date order; ``date`` is datetime64, locations/qualities are lists of keys."""
    import pandas as pd

    sql = f"SELECT {', '.join(CHECKIN_COLUMNS)} FROM checkins WHERE date >= ? AND date <= ? ORDER BY date"
    df = store.frame(sql, [(start or date.min).isoformat(), (end or date.max).isoformat()])
    df["date"] = pd.to_datetime(df["date"])
    for col in ("locations", "qualities"):
        df[col] = _json_lists(df[col]) if len(df) else pd.Series([], dtype=object)
    df["flare"] = df["flare"].astype(bool)
    return with_nullable_ints(df, ["pain", "worst_pain", "stiffness", "sleep_quality", "stress"])


def _json_lists(column: pd.Series) -> pd.Series:
    """Decode a column of JSON lists: each distinct text once (few across years), a fresh list per row."""
    decoded = {text: json.loads(text) for text in column.unique()}
    return column.map(lambda text: list(decoded[text]))


def count_own_entries(store: Store) -> int:
    """How many check-ins and sessions were not made by the demo generator."""
    return int(
        store.value(
            "SELECT (SELECT count(*) FROM checkins WHERE source != 'demo')"
            " + (SELECT count(*) FROM sessions WHERE source != 'demo')"
        )
    )


def count_entries(store: Store) -> int:
    """How many check-ins and sessions the database holds."""
    return int(store.value("SELECT (SELECT count(*) FROM checkins) + (SELECT count(*) FROM sessions)"))


def first_checkin_date(store: Store) -> date | None:
    """Date of the earliest check-in, or None when there is none (an index look-up)."""
    value = store.value("SELECT min(date) FROM checkins")
    return None if value is None else date.fromisoformat(value)


def checkin_span(store: Store) -> tuple[date, date] | None:
    """Dates of the earliest and latest check-ins, or None when there is none (index look-ups)."""
    row = store.rows("SELECT min(date) AS first, max(date) AS last FROM checkins")[0]
    return (
        None if row["first"] is None else (date.fromisoformat(row["first"]), date.fromisoformat(row["last"]))
    )


def last_pain(store: Store, before: date | None = None) -> int | None:
    """The most recent pain score on or before a date (default: any)."""
    value = store.value(
        "SELECT pain FROM checkins WHERE date <= ? ORDER BY date DESC LIMIT 1",
        [(before or date.max).isoformat()],
    )
    return None if value is None else int(value)


def delete_from_source(store: Store, source: str) -> None:
    """Delete every check-in and session that came from ``source`` (e.g. 'demo'), in one transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM checkins WHERE source = ?", [source])
        conn.execute("DELETE FROM sessions WHERE source = ?", [source])
