"""The diary as day-by-day arrays for the Insights model, built from check-ins and sessions.

Input is normalised first: dates may be naive or time-zone-aware timestamps, dates or strings
(unreadable ones and missing pain are left out), several ratings on one day are averaged, and
exercise types are kept as a list with a position each, never as column names, so a type keyed
``date``, ``pain`` or ``trend`` is just another type.

Timing: when check-ins carry ``time`` ("HH:MM") and sessions ``start_time``, or sessions carry
``pain_before``, each exercise day gets a baseline measured *before* the exercise: the session's
pain before, else the day's ratings made before the session started. A day whose only ratings were
made after the session has no usable baseline (the rating already contains that day's exercise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backcare.analysis.dates import diary_days, week_start


@dataclass(frozen=True)
class Diary:
    """One entry per calendar day from the first to the last check-in."""

    days: pd.DatetimeIndex
    pain: np.ndarray  # mean rating of the day, NaN when not logged
    baseline: np.ndarray  # pain before that day's exercise (NaN when only a later rating exists)
    timed: np.ndarray  # bool: the baseline of that day was placed before the exercise by timing data
    done: np.ndarray  # bool, days x types
    types: list[str]
    weeks: np.ndarray  # int64: an id of each day's Monday-start week

    def week_count(self, t: np.ndarray) -> int:
        """How many distinct weeks the day positions ``t`` fall in."""
        return len(np.unique(self.weeks[t]))


def _minutes(values: pd.Series) -> pd.Series:
    """'HH:MM' -> minutes after midnight (NaN when missing or unreadable). Each distinct text is
    read once: a diary holds a few hundred distinct times at most, however long it is."""
    codes, texts = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    parsed = np.array([_one_time(str(text).strip()) for text in texts] + [np.nan])
    return pd.Series(parsed[codes], index=values.index, dtype=float)  # code -1 (missing) -> NaN


def _one_time(text: str) -> float:
    hours, _, rest = text.partition(":")
    minutes = rest[:2]
    digits = hours + minutes
    if not (digits.isascii() and digits.isdigit() and 0 < len(hours) <= 2 and len(minutes) == 2):
        return np.nan
    value = int(hours) * 60 + int(minutes)
    return float(value) if value < 24 * 60 and int(minutes) < 60 else np.nan


def _types(sessions: pd.DataFrame) -> list[str]:
    """The distinct exercise type keys in the sessions, sorted."""
    if sessions.empty or "exercise_type" not in sessions:
        return []
    return sorted(str(t) for t in pd.unique(sessions["exercise_type"].dropna().astype(str)))


def build_diary(checkins: pd.DataFrame, sessions: pd.DataFrame) -> Diary:
    """Normalise the input and lay it out day by day (see the module docstring)."""
    types = _types(sessions)
    empty = Diary(
        pd.DatetimeIndex([]),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0, bool),
        np.zeros((0, len(types)), bool),
        types,
        np.zeros(0, np.int64),
    )
    if checkins.empty:
        return empty
    c = pd.DataFrame(
        {
            "day": diary_days(checkins["date"]).to_numpy(),
            "pain": pd.to_numeric(checkins["pain"], errors="coerce").astype(float).to_numpy(),
            "time": _minutes(checkins["time"]).to_numpy() if "time" in checkins else np.nan,
        }
    ).dropna(subset=["day", "pain"])
    if c.empty:
        return empty
    days = pd.date_range(c["day"].min(), c["day"].max(), freq="D")
    day_pain = c.groupby("day")["pain"].mean()
    pain = day_pain.reindex(days).to_numpy(float)
    baseline = pain.copy()
    timed = np.zeros(len(days), bool)
    done = np.zeros((len(days), len(types)), bool)
    if types:
        s = pd.DataFrame(
            {
                "day": diary_days(sessions["date"]).to_numpy(),
                "type": sessions["exercise_type"].to_numpy(),
                "start": _minutes(sessions["start_time"]).to_numpy() if "start_time" in sessions else np.nan,
                "before": pd.to_numeric(sessions["pain_before"], errors="coerce").to_numpy(float)
                if "pain_before" in sessions
                else np.nan,
            }
        ).dropna(subset=["day", "type"])
        s = s[(s["day"] >= days[0]) & (s["day"] <= days[-1])]
        rows = days.get_indexer(pd.DatetimeIndex(s["day"]))
        done[rows, pd.Categorical(s["type"].astype(str), categories=types).codes] = True
        baseline, timed = _baselines(c, s, days, baseline, timed)
    return Diary(days, pain, baseline, timed, done, types, np.asarray(week_start(days).asi8))


def _baselines(
    c: pd.DataFrame, s: pd.DataFrame, days: pd.DatetimeIndex, baseline: np.ndarray, timed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Replace each exercise day's baseline by pain measured before its first session, when known."""
    baseline, timed = baseline.copy(), timed.copy()
    first_start = s.dropna(subset=["start"]).groupby("day")["start"].min()
    rated = c.dropna(subset=["time"])
    if len(first_start) and len(rated):
        rated = rated.assign(first=rated["day"].map(first_start)).dropna(subset=["first"])
        before = rated[rated["time"] < rated["first"]].groupby("day")["pain"].mean()
        after_only = sorted(set(rated.loc[rated["time"] >= rated["first"], "day"]) - set(before.index))
        at = days.get_indexer(pd.DatetimeIndex(after_only))
        baseline[at], timed[at] = np.nan, True
        at = days.get_indexer(before.index)
        baseline[at], timed[at] = before.to_numpy(float), True
    with_before = s.dropna(subset=["before"]).sort_values(["day", "start"], na_position="last")
    first_before = with_before.groupby("day")["before"].first()
    at = days.get_indexer(first_before.index)
    baseline[at], timed[at] = first_before.to_numpy(float), True
    return baseline, timed
