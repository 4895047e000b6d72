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
from datetime import date

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
    weekday: np.ndarray  # int: each day's day of the week (Monday 0)

    def week_count(self, t: np.ndarray) -> int:
        """How many distinct weeks the day positions ``t`` fall in (in one pass when ``t`` is in day
        order, as the model's rows are)."""
        weeks = self.weeks[t]
        steps = np.diff(weeks)
        if (steps >= 0).all():
            return int(np.count_nonzero(steps)) + 1 if len(weeks) else 0
        return len(np.unique(weeks))


@dataclass(frozen=True, eq=False)  # compared by identity: a span is kept or made anew
class DaySpan:
    """Some consecutive days laid out as in a Diary, made of the entries of those days alone (every
    value of a Diary's day depends only on that day's entries): ``lay_out`` makes one per block of
    the diary and ``join_spans`` puts them together, so a save lays out only the days it touched."""

    first: np.datetime64  # the first day (the days follow one another)
    pain: np.ndarray
    baseline: np.ndarray
    timed: np.ndarray
    done: np.ndarray  # bool, days x this span's own types
    types: list[str]  # the types of this span's sessions, sorted
    logged: tuple[int, int] | None  # positions of the first and last day with a rating, if any


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


def _diary(days: pd.DatetimeIndex, pain: np.ndarray, baseline: np.ndarray, timed: np.ndarray,
           done: np.ndarray, types: list[str]) -> Diary:  # fmt: skip
    weeks = np.asarray(week_start(days).asi8)
    return Diary(days, pain, baseline, timed, done, types, weeks, np.asarray(days.day_of_week))


def _empty(types: list[str]) -> Diary:
    none = pd.DatetimeIndex([])
    return _diary(none, np.zeros(0), np.zeros(0), np.zeros(0, bool), np.zeros((0, len(types)), bool), types)


def _ratings(checkins: pd.DataFrame) -> pd.DataFrame:
    """Readable ratings: day, pain and time of day in minutes."""
    if checkins.empty:
        return pd.DataFrame(
            {
                "day": pd.Series(dtype="datetime64[ns]"),
                "pain": pd.Series(dtype=float),
                "time": pd.Series(dtype=float),
            }
        )
    return pd.DataFrame(
        {
            "day": diary_days(checkins["date"]).to_numpy(),
            "pain": pd.to_numeric(checkins["pain"], errors="coerce").astype(float).to_numpy(),
            "time": _minutes(checkins["time"]).to_numpy() if "time" in checkins else np.nan,
        }
    ).dropna(subset=["day", "pain"])


def build_diary(checkins: pd.DataFrame, sessions: pd.DataFrame) -> Diary:
    """Normalise the input and lay it out day by day (see the module docstring)."""
    types = _types(sessions)
    if checkins.empty:
        return _empty(types)
    c = _ratings(checkins)
    if c.empty:
        return _empty(types)
    days = pd.date_range(c["day"].min(), c["day"].max(), freq="D")
    return _diary(days, *_layout(c, sessions, days, types), types)


def lay_out(checkins: pd.DataFrame | None, sessions: pd.DataFrame | None, first: date, last: date) -> DaySpan:
    """The days ``first`` to ``last`` as ``build_diary`` lays them out, from those days' entries."""
    return lay_out_many([(checkins, sessions, first, last)])[0]


def lay_out_many(parts: list[tuple[pd.DataFrame | None, pd.DataFrame | None, date, date]]) -> list[DaySpan]:
    """``[lay_out(*part) for part in parts]``, in one pass over all the parts' entries (spans in day
    order, not overlapping, each part's entries within its days): every value of a day depends only
    on that day's entries, so laying out the days from the first part's to the last part's and
    cutting them gives the same spans. A first load of ten years: one pass instead of 130."""
    if not parts:
        return []
    checkins = _stacked([c for c, _, _, _ in parts])
    sessions = _stacked([s for _, s, _, _ in parts])
    first, last = parts[0][2], parts[-1][3]
    days = pd.date_range(first, last, freq="D")
    types = _types(sessions)
    c = _ratings(checkins)
    pain, baseline, timed, done = _layout(
        c[(c["day"] >= days[0]) & (c["day"] <= days[-1])], sessions, days, types
    )
    spans = []
    for _, own_sessions, start, end in parts:
        cut = slice((start - first).days, (end - first).days + 1)
        own_types = _types(own_sessions if own_sessions is not None else pd.DataFrame())
        rated = np.flatnonzero(~np.isnan(pain[cut]))
        spans.append(
            DaySpan(
                np.datetime64(start, "D"),
                pain[cut].copy(),
                baseline[cut].copy(),
                timed[cut].copy(),
                done[cut][:, [types.index(name) for name in own_types]],
                own_types,
                (int(rated[0]), int(rated[-1])) if len(rated) else None,
            )
        )
    return spans


def _stacked(frames: list[pd.DataFrame | None]) -> pd.DataFrame:
    # The parts' rows one after the other (a single part's frame as it is: the per-save path).
    present = [frame for frame in frames if frame is not None and not frame.empty]
    if len(present) == 1:
        return present[0]
    return pd.concat(present, ignore_index=True) if present else pd.DataFrame()


def merge_spans(spans: list[DaySpan]) -> DaySpan:
    """One span of ``spans`` (in day order, not overlapping), from the first one's first day to the
    last one's last day; days no span covers have no entries. Merging a year of blocks once and
    keeping it, a save joins about ten pieces instead of 130."""
    types = sorted(set().union(*(span.types for span in spans)))
    first = spans[0].first
    length = int((spans[-1].first - first).astype(int)) + len(spans[-1].pain)
    pain, baseline = np.full(length, np.nan), np.full(length, np.nan)
    timed, done = np.zeros(length, bool), np.zeros((length, len(types)), bool)
    position = {name: j for j, name in enumerate(types)}
    logged: tuple[int, int] | None = None
    for span in spans:
        offset = int((span.first - first).astype(int))
        stop = offset + len(span.pain)
        pain[offset:stop], baseline[offset:stop], timed[offset:stop] = span.pain, span.baseline, span.timed
        done[offset:stop, [position[name] for name in span.types]] = span.done
        if span.logged is not None:
            ends = (offset + span.logged[0], offset + span.logged[1])
            logged = ends if logged is None else (logged[0], ends[1])
    return DaySpan(first, pain, baseline, timed, done, types, logged)


def join_spans(spans: list[DaySpan]) -> Diary:
    """The Diary ``build_diary`` makes of all the entries the spans were made of (spans in day order,
    not overlapping; days no span covers have no entries)."""
    if not spans:
        return _empty([])
    whole = merge_spans(spans)
    if whole.logged is None:
        return _empty(whole.types)
    start, stop = whole.logged[0], whole.logged[1] + 1
    days = pd.date_range(whole.first + start, whole.first + whole.logged[1], freq="D")
    return _diary(
        days,
        whole.pain[start:stop],
        whole.baseline[start:stop],
        whole.timed[start:stop],
        whole.done[start:stop],
        whole.types,
    )


def _layout(
    c: pd.DataFrame, sessions: pd.DataFrame, days: pd.DatetimeIndex, types: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pain, baseline, timed and done (days x types) of ``days`` from the readable ratings ``c``
    and the sessions (those on other days are left out)."""
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
    return pain, baseline, timed, done


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
