"""Calendar helpers shared by the analyses: one diary day per entry, and the Monday of its week."""

from __future__ import annotations

import numpy as np
import pandas as pd


def diary_days(values: pd.Series) -> pd.Series:
    """The calendar day of each entry as a naive midnight Timestamp (NaT when unreadable).

    Accepts naive or time-zone-aware timestamps, dates and ISO strings, mixed. An aware time keeps
    the day written on it (its own wall clock), so a rating at 23:30+02:00 stays on its own day."""
    if pd.api.types.is_datetime64_any_dtype(values):
        series = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return series.dt.normalize()

    def one(value: object) -> pd.Timestamp | None:
        try:
            stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        if pd.isna(stamp):
            return None
        return (stamp.tz_localize(None) if stamp.tzinfo is not None else stamp).normalize()

    return pd.Series([one(v) for v in values], index=values.index, dtype="datetime64[ns]")


def week_start(days: pd.Series | pd.DatetimeIndex) -> pd.Series | pd.DatetimeIndex:
    """The Monday that starts each day's week (days are midnight Timestamps)."""
    weekday = days.day_of_week if isinstance(days, pd.DatetimeIndex) else days.dt.day_of_week
    return days - pd.to_timedelta(np.asarray(weekday), unit="D")


def weekday_dummies(weekday: np.ndarray) -> np.ndarray:
    """One column per day of the week but Monday (0): 1.0 on that day (the regressions' weekday)."""
    return (np.asarray(weekday)[:, None] == np.arange(1, 7)[None, :]).astype(float)
