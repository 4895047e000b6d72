"""Trend summaries for the Dashboard and the doctor report (pure: DataFrames in, frames/dataclasses out)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from backcare.analysis.dates import week_start

BASELINE_DAYS = 14
ROLLING_DAYS = 7
MEANINGFUL_POINTS = 2.0
CALENDAR_WEEKS = 26


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.normalize()


def in_range(df: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    """Rows whose ``date`` falls within [start, end] (either bound optional); ``df`` itself when all do."""
    if df.empty:
        return df
    days = df["date"]
    if days.dtype.kind != "M":
        days = pd.to_datetime(days)
    # A day is in range when its midnight is: comparing against start and the midnight after end
    # gives that without normalising every value. Frames in date order (the store's) are cut as a
    # slice, which copies nothing; taking rows of a wide frame was most of the cost on ten years.
    low = None if start is None else pd.Timestamp(start)
    high = None if end is None else pd.Timestamp(end) + pd.Timedelta(days=1)
    if days.is_monotonic_increasing:
        first = 0 if low is None else int(days.searchsorted(low, side="left"))
        stop = len(df) if high is None else int(days.searchsorted(high, side="left"))
        return df if (first, stop) == (0, len(df)) else df.iloc[first:stop]
    mask = np.ones(len(df), dtype=bool)
    if low is not None:
        mask &= (days >= low).to_numpy()
    if high is not None:
        mask &= (days < high).to_numpy()
    return df if mask.all() else df.loc[mask]


def change_category(percent: float) -> str:
    """Meaningful-change band of a % change in pain (IMMPACT-based): none, minimal, moderate, substantial."""
    size = abs(percent)
    if math.isnan(size) or size < 10:
        return "no meaningful change"
    if size < 30:
        return "minimal"
    if size < 50:
        return "moderate"
    return "substantial"


@dataclass(frozen=True)
class PainChange:
    """Mean pain of the first and the last two weeks of a range, and how it changed."""

    baseline_mean: float
    latest_mean: float
    baseline_days: int
    latest_days: int
    window_days: int = 14  # length of each compared window (4 weeks for ranges of six months or more)

    @property
    def window_words(self) -> str:
        """'two weeks' or 'four weeks': the compared windows, in words."""
        return "four weeks" if self.window_days == 28 else "two weeks"

    @property
    def absolute(self) -> float:
        """Latest minus baseline, in points (negative = less pain)."""
        return self.latest_mean - self.baseline_mean

    @property
    def percent(self) -> float:
        """Change as % of the baseline (NaN when the baseline is 0)."""
        return float("nan") if self.baseline_mean == 0 else 100 * self.absolute / self.baseline_mean

    @property
    def category(self) -> str:
        """Meaningful-change band of the % change (see change_category), but never "substantial"
        under the ~2 points most people notice (a small baseline makes large percentages easy)."""
        if self.baseline_mean == 0:
            return "no meaningful change" if abs(self.absolute) < MEANINGFUL_POINTS else "substantial"
        band = change_category(self.percent)
        return "moderate" if band == "substantial" and abs(self.absolute) < MEANINGFUL_POINTS else band

    @property
    def direction(self) -> str:
        """'less pain', 'more pain' or 'about the same'."""
        if self.category == "no meaningful change":
            return "about the same"
        return "less pain" if self.absolute < 0 else "more pain"

    def sentence(self) -> str:
        """Plain-words summary of the change."""
        pct = "" if math.isnan(self.percent) else f", {self.percent:+.0f}%"
        return (
            f"Average pain went from {self.baseline_mean:.1f} (first {self.window_words}) to {self.latest_mean:.1f} "
            f"(last {self.window_words}): {self.absolute:+.1f} points{pct}, {self.category}"
            + ("" if self.category == "no meaningful change" else f" ({self.direction})")
            + (
                f", under the {MEANINGFUL_POINTS:.0f} points most people notice"
                if self.category != "no meaningful change" and abs(self.absolute) < MEANINGFUL_POINTS
                else ""
            )
            + "."
        )


def pain_change(checkins: pd.DataFrame, start: date, end: date) -> PainChange | None:
    """Compare the first and last 14 days of [start, end] (28 days for ranges of six months or more,
    so a year is not judged on two fortnights); None when the range is too short or sparse."""
    length = (end - start).days + 1
    if length < 2 * BASELINE_DAYS:
        return None
    window = 2 * BASELINE_DAYS if length >= 182 else BASELINE_DAYS
    first = in_range(checkins, start, start + timedelta(days=window - 1))
    last = in_range(checkins, end - timedelta(days=window - 1), end)
    if len(first) < 4 or len(last) < 4:
        return None
    return PainChange(float(first["pain"].mean()), float(last["pain"].mean()), len(first), len(last), window)


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the Dashboard."""

    last7_mean: float | None
    prev7_mean: float | None
    change: PainChange | None
    days_logged: int
    days_in_range: int
    sessions_this_week: int
    minutes_this_week: int

    @property
    def logged_percent(self) -> float:
        """Share of days in the range with a check-in, in %."""
        return 0.0 if self.days_in_range == 0 else 100 * self.days_logged / self.days_in_range


def _mean(df: pd.DataFrame) -> float | None:
    return None if df.empty else float(df["pain"].mean())


def headline(checkins: pd.DataFrame, sessions: pd.DataFrame, start: date, end: date) -> Headline:
    """Headline figures for [start, end]; 'this week' is the 7 days ending ``end``."""
    week_start = end - timedelta(days=6)
    week = in_range(sessions, week_start, end)
    return Headline(
        last7_mean=_mean(in_range(checkins, week_start, end)),
        prev7_mean=_mean(in_range(checkins, week_start - timedelta(days=7), week_start - timedelta(days=1))),
        change=pain_change(checkins, start, end),
        days_logged=int(_dates(in_range(checkins, start, end)["date"]).nunique()) if len(checkins) else 0,
        days_in_range=(end - start).days + 1,
        sessions_this_week=len(week),
        minutes_this_week=int(recorded_minutes(week).sum()) if len(week) else 0,
    )


def daily_pain(checkins: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """One row per logged day: date, pain, flare, and the 7-day rolling mean (needs 3 logged days)."""
    df = in_range(checkins, start, end)
    if df.empty:
        return pd.DataFrame(
            {"date": pd.Series(dtype="datetime64[us]"), "pain": [], "flare": [], "rolling": []}
        )
    series = df.assign(date=_dates(df["date"])).set_index("date")["pain"].astype(float)
    rolling = series.rolling(f"{ROLLING_DAYS}D", min_periods=3).mean()
    out = pd.DataFrame(
        {
            "date": series.index,
            "pain": series.to_numpy(),
            "flare": df["flare"].to_numpy(dtype=bool) if "flare" in df else False,
            "rolling": rolling.to_numpy(),
        }
    )
    return out.reset_index(drop=True)


WEEKLY_AFTER_DAYS = 400


def pain_series(checkins: pd.DataFrame, start: date, end: date) -> tuple[pd.DataFrame, str]:
    """Daily pain for ranges up to ~13 months, weekly averages beyond; returns (frame, "daily"|"weekly").

    Weekly frame: date = Monday of the week, pain = mean, flare = any flare, rolling = 4-week mean.
    """
    daily = daily_pain(checkins, start, end)
    if (end - start).days + 1 <= WEEKLY_AFTER_DAYS or daily.empty:
        return daily, "daily"
    # Grouped with numpy: a pandas groupby of ten years of days cost most of this function.
    weeks, which = np.unique(week_start(daily["date"]).to_numpy(), return_inverse=True)
    sums = np.bincount(which, weights=daily["pain"].to_numpy(dtype=float))
    weekly = pd.DataFrame(
        {
            "date": weeks,
            "pain": sums / np.bincount(which),
            "flare": np.bincount(which, weights=daily["flare"].to_numpy(dtype=float)) > 0,
        }
    )
    weekly["rolling"] = weekly.set_index("date")["pain"].rolling("28D", min_periods=2).mean().to_numpy()
    return weekly, "weekly"


def recorded_minutes(sessions: pd.DataFrame) -> pd.Series:
    """Each session's minutes for minute totals: 0 where the duration is estimated or unreliable
    (an import without durations, a timer left running), so only recorded minutes are summed."""
    if "duration_quality" not in sessions:
        return sessions["duration_min"]
    recorded = sessions["duration_quality"].fillna("recorded") == "recorded"
    return sessions["duration_min"].where(recorded, 0)


def weekly_minutes(sessions: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Recorded minutes and sessions per week (weeks start on Monday) and exercise type."""
    df = in_range(sessions, start, end)
    if df.empty:
        return pd.DataFrame(columns=["week", "exercise_type", "minutes", "sessions"])
    days = _dates(df["date"])
    week = week_start(days)
    grouped = (
        df.assign(week=week, counted=recorded_minutes(df))
        .groupby(["week", "exercise_type"], as_index=False)
        .agg(minutes=("counted", "sum"), sessions=("duration_min", "size"))
    )
    grouped["minutes"] = grouped["minutes"].astype(int)
    return grouped


def before_after(sessions: pd.DataFrame, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Per type: mean pain just before and just after sessions that recorded both, and how many."""
    df = in_range(sessions, start, end)
    if df.empty:
        return pd.DataFrame(columns=["exercise_type", "before", "after", "change", "n"])
    both = df.dropna(subset=["pain_before", "pain_after"])
    if both.empty:
        return pd.DataFrame(columns=["exercise_type", "before", "after", "change", "n"])
    out = (
        both.assign(before=both["pain_before"].astype(float), after=both["pain_after"].astype(float))
        .groupby("exercise_type", as_index=False)
        .agg(before=("before", "mean"), after=("after", "mean"), n=("before", "size"))
    )
    out["change"] = out["after"] - out["before"]
    return out


def location_counts(
    checkins: pd.DataFrame, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """How many logged days mention each pain location."""
    df = in_range(checkins, start, end)
    if df.empty or "locations" not in df:
        return pd.DataFrame(columns=["location", "days"])
    exploded = df["locations"].explode().dropna()
    counts = exploded.value_counts().rename_axis("location").reset_index(name="days")
    return counts


def calendar(checkins: pd.DataFrame, sessions: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """One row per day in [start, end]: week (Monday), weekday, pain (NaN if not logged), exercised."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D").as_unit("us")  # as the store's
    # Each entry's position among the days (one check-in per day), placed with numpy: a merge and
    # per-day text formatting cost most of this function.
    pain = np.full(len(days), np.nan)
    logged = in_range(checkins, start, end)
    if len(logged):
        pain[_positions(logged["date"], days[0])] = logged["pain"].to_numpy(dtype=float, na_value=np.nan)
    exercised = np.zeros(len(days), dtype=bool)
    active = in_range(sessions, start, end)
    if len(active):
        exercised[_positions(active["date"], days[0])] = True
    return pd.DataFrame(
        {
            "date": days,
            "pain": pain,
            "exercised": exercised,
            "week": week_start(days),
            "weekday": np.array(WEEKDAY_NAMES)[days.day_of_week],
        }
    )


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _positions(dates: pd.Series, first: pd.Timestamp) -> np.ndarray:
    return ((_dates(dates) - first).dt.days).to_numpy()
