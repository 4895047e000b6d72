"""The few columns the Insights analysis reads, without notes, JSON lists, names or movements.

``checkins_frame`` and ``sessions_frame`` carry everything a page may show; the analysis
(``backcare.analysis``: the effects model, the immediate effects, the weekly dose table) reads only
dates, pain, times, types and minutes. Loading just those after every save is several times cheaper
with a long diary. Same values and dtypes as the matching columns of the full frames
(tests/test_aggregates.py compares the analysis results on both).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from backcare.store.connection import Store, with_nullable_ints

if TYPE_CHECKING:
    import pandas as pd

ANALYSIS_CHECKIN_COLUMNS = ["date", "pain", "time"]
ANALYSIS_SESSION_COLUMNS = [
    "date", "id", "start_time", "exercise_type", "duration_min", "pain_before", "pain_after", "duration_quality",
]  # fmt: skip


def _bounds(start: date | None, end: date | None) -> list[str]:
    return [(start or date.min).isoformat(), (end or date.max).isoformat()]


_CHECKINS = (
    f"SELECT {', '.join(ANALYSIS_CHECKIN_COLUMNS)} FROM checkins WHERE date >= ? AND date <= ? ORDER BY date"
)
_SESSIONS = (
    f"SELECT {', '.join(ANALYSIS_SESSION_COLUMNS)} FROM sessions WHERE date >= ? AND date <= ? "
    "ORDER BY date, coalesce(start_time, ''), id"
)


def analysis_checkins(store: Store, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Check-ins in [start, end]: date (datetime64), pain (Int64) and time ("HH:MM" or None), in date order."""
    import pandas as pd

    df = store.frame(_CHECKINS, _bounds(start, end))
    df["date"] = pd.to_datetime(df["date"])
    return with_nullable_ints(df, ["pain"])


def analysis_sessions(store: Store, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Sessions in [start, end]: date, id, start time, type, minutes, pain before and after (Int64) and
    duration quality, in the order of ``sessions_frame``."""
    import pandas as pd

    df = store.frame(_SESSIONS, _bounds(start, end))
    df["date"] = pd.to_datetime(df["date"])
    return with_nullable_ints(df, ["id", "duration_min", "pain_before", "pain_after"])
