"""The Insights dose view: weekly exercise minutes against that week's mean pain.

Pure pandas (no SciPy): the Insights page reads only the rows of its last ``DOSE_WEEKS`` weeks.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from backcare.analysis.dates import diary_days, week_start

DOSE_WEEKS = 104  # the Insights dose view: the last two years of weeks say more about the person today


def dose_start(last_day: date, weeks: int = DOSE_WEEKS) -> date:
    """The Monday of the first of the last ``weeks`` calendar weeks up to ``last_day`` (the last
    check-in): ``dose_table(..., weeks=weeks)`` reads no row before it, so a caller may load only
    the rows from there."""
    return last_day - timedelta(days=last_day.weekday(), weeks=weeks - 1)


def dose_table(
    checkins: pd.DataFrame, sessions: pd.DataFrame, *, min_logged_days: int = 4, weeks: int | None = None
) -> pd.DataFrame:
    """Per week (Monday start) with at least ``min_logged_days`` check-ins: mean pain and total
    exercise minutes (also per type as ``min_<type>`` columns). With ``weeks``, only the last that
    many calendar weeks up to the last check-in (older rows are not read)."""
    if checkins.empty:
        return pd.DataFrame(columns=["week", "mean_pain", "logged_days", "minutes"])
    pain_weeks = week_start(diary_days(checkins["date"]))
    if weeks is not None:
        first = pain_weeks.max() - pd.Timedelta(weeks=weeks - 1)
        recent = np.asarray(pain_weeks >= first)
        checkins, pain_weeks = checkins[recent], pain_weeks[recent]
        if not sessions.empty:
            sessions = sessions[np.asarray(week_start(diary_days(sessions["date"])) >= first)]
    pain = (
        pd.DataFrame({"week": pain_weeks, "pain": pd.to_numeric(checkins["pain"], errors="coerce")})
        .dropna()
        .groupby("week")["pain"]
        .agg(mean_pain="mean", logged_days="size")
        .reset_index()
    )
    pain = pain[pain["logged_days"] >= min_logged_days]
    if sessions.empty:
        return pain.assign(minutes=0)
    minutes = (
        pd.DataFrame(
            {
                "week": week_start(diary_days(sessions["date"])),
                "type": sessions["exercise_type"].astype(str),
                "m": sessions["duration_min"],
            }
        )
        .pivot_table(index="week", columns="type", values="m", aggfunc="sum", fill_value=0)
        .add_prefix("min_")
    )
    minutes["minutes"] = minutes.sum(axis=1)
    out = pain.merge(minutes.reset_index(), on="week", how="left").fillna(0)
    out["minutes"] = out["minutes"].astype(int)
    return out.reset_index(drop=True)
