"""Weekly PEG-3, monthly global impression of change, and red-flag screenings."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.store.connection import Store, now_iso

if TYPE_CHECKING:
    import pandas as pd


def save_peg(store: Store, day: date, pain: int, enjoyment: int, activity: int) -> None:
    """Insert or replace the PEG-3 answers for a date (each 0-10; the database checks the range)."""
    now = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO peg (date, pain, enjoyment, activity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(date) DO UPDATE SET pain = excluded.pain, enjoyment = excluded.enjoyment, "
            "activity = excluded.activity, updated_at = excluded.updated_at",
            [day.isoformat(), pain, enjoyment, activity, now, now],
        )


def peg_frame(store: Store) -> pd.DataFrame:
    """All PEG-3 answers by date with the score (mean of the three items)."""
    import pandas as pd

    frame = store.frame("SELECT date, pain, enjoyment, activity FROM peg ORDER BY date")
    frame["date"] = pd.to_datetime(frame["date"])
    frame["score"] = frame[["pain", "enjoyment", "activity"]].astype(float).mean(axis=1).round(2)
    return frame


def save_global_impression(store: Store, day: date, rating: int) -> None:
    """Insert or replace the global impression of change (-3 much worse ... +3 much better) for a date."""
    now = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO global_impression (date, rating, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(date) DO UPDATE SET rating = excluded.rating, updated_at = excluded.updated_at",
            [day.isoformat(), rating, now, now],
        )


def global_impression_frame(store: Store) -> pd.DataFrame:
    """All global-impression answers by date."""
    import pandas as pd

    frame = store.frame("SELECT date, rating FROM global_impression ORDER BY date")
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def save_red_flag_check(store: Store, day: date, answers: list[str], level: str) -> int:
    """Record a screening: the keys of the items answered yes and the resulting level; return its id."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO red_flag_checks (date, answers, level, created_at) VALUES (?, ?, ?, ?)",
            [day.isoformat(), json.dumps(sorted(answers)), level, now_iso()],
        )
    return int(cursor.lastrowid or 0)


def open_red_flag(store: Store) -> dict[str, Any] | None:
    """The latest unresolved screening with a flag, or None."""
    rows = store.rows(
        "SELECT * FROM red_flag_checks WHERE level != 'none' AND resolved_at IS NULL ORDER BY date DESC, id DESC LIMIT 1"
    )
    if not rows:
        return None
    return {**rows[0], "answers": json.loads(rows[0]["answers"])}


def resolve_red_flags(store: Store, resolution: str) -> int:
    """Mark every open flag resolved (e.g. 'seen by my GP, cleared'); return how many."""
    with store.transaction() as conn:
        return conn.execute(
            "UPDATE red_flag_checks SET resolved_at = ?, resolution = ? WHERE level != 'none' AND resolved_at IS NULL",
            [now_iso(), resolution[:500]],
        ).rowcount


def red_flag_frame(store: Store) -> pd.DataFrame:
    """All screenings, newest first."""
    return store.frame(
        "SELECT id, date, answers, level, resolved_at, resolution FROM red_flag_checks ORDER BY date DESC, id DESC"
    )


def delete_peg(store: Store, days: list[date]) -> int:
    """Delete PEG answers for these dates; return how many."""
    with store.transaction() as conn:
        return sum(conn.execute("DELETE FROM peg WHERE date = ?", [d.isoformat()]).rowcount for d in days)


def delete_global_impressions(store: Store, days: list[date]) -> int:
    """Delete global-impression answers for these dates; return how many."""
    with store.transaction() as conn:
        return sum(
            conn.execute("DELETE FROM global_impression WHERE date = ?", [d.isoformat()]).rowcount
            for d in days
        )


def last_answer_dates(store: Store) -> dict[str, date | None]:
    """Most recent PEG, global-impression and red-flag screening dates, and the first diary entry date."""
    row = store.rows(
        "SELECT (SELECT max(date) FROM peg) AS peg, (SELECT max(date) FROM global_impression) AS impression, "
        "(SELECT max(date) FROM red_flag_checks) AS screening, "
        "(SELECT min(d) FROM (SELECT min(date) AS d FROM checkins UNION ALL SELECT min(date) FROM sessions)) AS first"
    )[0]
    return {k: (date.fromisoformat(v) if v else None) for k, v in row.items()}
