"""Which exercise types go with lower pain later, estimated honestly from one person's diary.

Method (see docs/insights-method.md for the validation figures):

* Outcome: pain ``lag`` days after day t. Exposure: an indicator per exercise type for day t
  (any session of that type). Reference: days with no logged exercise at all.
* Adjustment, in one least-squares regression: every other exercise type, the pain of day t
  itself (people exercise on their better days, and pain is autocorrelated; for ``lag=0`` the
  previous day's pain is used instead), the pain of the day before that (a noisy day's rating
  is a noisy measure of how the person really was), the previous day's sessions of each type
  (carry-over), day of week, and a linear trend.
* Uncertainty: the larger of the classical and a Newey-West (Bartlett) standard error whose
  residuals are leverage-scaled as in HC3, with fixed-b critical values (Kiefer & Vogelsang
  2005) on top of Student's t. In simulations of autocorrelated, confounded diaries this keeps
  false "lower/higher pain" verdicts under 5% per type with about 95% coverage, where plain
  OLS-with-HAC gave 6-7%.
* Several types: every interval is a 95% interval for that type alone. With several types one
  may look different by chance (about 1 in 20 each); the page says so, and an Experiment is the
  way to check a lead.
* Refusal: "not enough data" below the thresholds in ``Thresholds`` (28 usable days, 8 days with
  and without, 3 distinct weeks, a spread of 3 weeks, at most 85% of days).

Pure: DataFrames in, DataFrames out; no database, no Streamlit, deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

VERDICTS = ("lower pain", "higher pain", "no clear difference", "not enough data")
API_COLUMNS = ["exercise_type", "estimate", "ci_low", "ci_high", "n_days_with", "n_days_without", "verdict"]
METHOD_VERSION = "effects-2 (OLS; today's and yesterday's pain, carry-over, weekday, trend; max(classical, HC3-HAC) SE; fixed-b critical values)"


@dataclass(frozen=True)
class Thresholds:
    """When to refuse an estimate (documented in the app's 'how this is computed')."""

    min_rows: int = 28
    min_days_with: int = 8
    min_days_without: int = 8
    min_weeks: int = 3
    min_spread_days: int = 21
    max_share: float = 0.85


DEFAULT_THRESHOLDS = Thresholds()


def daily_table(checkins: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day from the first to the last check-in: pain (NaN if not logged)
    and one boolean column per exercise type (True if a session of that type was logged)."""
    if checkins.empty:
        return pd.DataFrame(columns=["date", "pain"])
    pain = pd.Series(
        pd.to_numeric(checkins["pain"]).astype(float).to_numpy(),
        index=pd.to_datetime(checkins["date"]).dt.normalize(),
    )
    pain = pain[~pain.index.duplicated(keep="last")].sort_index()
    days = pd.date_range(pain.index.min(), pain.index.max(), freq="D")
    table = pd.DataFrame({"date": days, "pain": pain.reindex(days).to_numpy()})
    if not sessions.empty:
        s = sessions.assign(day=pd.to_datetime(sessions["date"]).dt.normalize())
        done = pd.crosstab(s["day"], s["exercise_type"]).reindex(days, fill_value=0) > 0
        for key in sorted(done.columns):
            table[str(key)] = done[key].to_numpy()
    return table


def _types_in(sessions: pd.DataFrame) -> list[str]:
    return sorted({str(t) for t in sessions["exercise_type"].dropna()}) if len(sessions) else []


def _rows_for_lag(table: pd.DataFrame, types: list[str], lag: int) -> pd.DataFrame:
    """Regression rows: outcome pain(t+lag), control pain(t) (pain(t-1) for lag 0), indicators of day t."""
    pain = table["pain"].to_numpy()
    n = len(table)
    t = np.arange(1 if lag == 0 else 0, max(0, n - lag))
    control_day = t - 1 if lag == 0 else t
    rows = pd.DataFrame(
        {
            "date": table["date"].to_numpy()[t],
            "outcome": pain[t + lag],
            "control": pain[control_day],
            "control_before": np.where(control_day >= 1, pain[np.clip(control_day - 1, 0, None)], np.nan),
            "trend": t / 365.0,
        }
    )
    for key in types:
        done = table[key].to_numpy(dtype=bool) if key in table else np.zeros(n, dtype=bool)
        rows[key] = done[t]
        rows[f"carry:{key}"] = np.where(t >= 1, done[np.clip(t - 1, 0, None)], False)
    rows = rows.dropna(subset=["outcome", "control"]).reset_index(drop=True)
    return rows


def _eligibility(rows: pd.DataFrame, key: str, th: Thresholds) -> tuple[bool, str]:
    mask = rows[key].to_numpy(dtype=bool)
    with_days = rows.loc[mask, "date"]
    n_with = int(mask.sum())
    if n_with < th.min_days_with:
        return (
            False,
            f"{n_with} usable day{'' if n_with == 1 else 's'} with it; at least {th.min_days_with} are needed",
        )
    weeks = pd.to_datetime(with_days).dt.to_period("W").nunique()
    if weeks < th.min_weeks:
        return False, f"only in {weeks} different weeks; at least {th.min_weeks} are needed"
    spread = (pd.to_datetime(with_days).max() - pd.to_datetime(with_days).min()).days
    if spread < th.min_spread_days:
        return False, "all within a few weeks, so it cannot be told apart from what else changed then"
    if n_with / len(rows) > th.max_share:
        return False, "done on almost every day, so there are too few days without it to compare"
    return True, ""


def _fit(rows: pd.DataFrame, types: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """Least squares; returns estimates, max(classical, HC3-weighted Newey-West) standard errors
    and the two-sided 95% critical value (Student's t plus the fixed-b correction)."""
    dow = pd.get_dummies(pd.to_datetime(rows["date"]).dt.day_of_week, drop_first=True).to_numpy(float)
    before = rows["control_before"].to_numpy(float)
    missing_before = np.isnan(before)
    filled = np.where(missing_before, np.nanmean(before) if (~missing_before).any() else 0.0, before)
    design = np.column_stack(
        [
            np.ones(len(rows)),
            rows[types].to_numpy(float),
            rows["control"].to_numpy(float),
            filled,
            missing_before.astype(float),
            rows[[f"carry:{k}" for k in types]].to_numpy(float),
            rows["trend"],
            dow,
        ]
    )
    y = rows["outcome"].to_numpy(float)
    n, _p = design.shape
    xtx_inv = np.linalg.pinv(design.T @ design)
    beta = xtx_inv @ design.T @ y
    resid = y - design @ beta
    df = n - np.linalg.matrix_rank(design)
    classical = (resid @ resid / max(df, 1)) * xtx_inv
    leverage = np.clip(np.einsum("ij,jk,ik->i", design, xtx_inv, design), 0, 0.99)
    scores = design * (resid / (1 - leverage))[:, None]
    lags = math.floor(4 * (n / 100) ** (2 / 9))
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        cross = scores[lag:].T @ scores[:-lag]
        meat += (1 - lag / (lags + 1)) * (cross + cross.T)
    robust = xtx_inv @ meat @ xtx_inv
    se = np.sqrt(np.maximum(np.diag(classical), np.diag(robust)))
    k = len(types)
    b = (lags + 1) / n  # fixed-b bandwidth ratio; polynomial from Kiefer & Vogelsang (2005), Bartlett, 5%
    critical = float(stats.t.ppf(0.975, max(df, 1))) + 2.9694 * b + 0.416 * b**2 - 0.5324 * b**3
    return beta[1 : 1 + k], se[1 : 1 + k], critical


def effect_details(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    lag: int = 1,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """exercise_effects plus ``reason`` (why there is no estimate) and ``n_weeks`` per type."""
    if lag < 0:
        raise ValueError("lag must be 0 or more days")
    types = _types_in(sessions)
    result = pd.DataFrame(
        {
            "exercise_type": types,
            "estimate": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n_days_with": 0,
            "n_days_without": 0,
            "verdict": "not enough data",
            "reason": "",
            "n_weeks": 0,
        }
    )
    if not types:
        return result
    rows = _rows_for_lag(daily_table(checkins, sessions), types, lag)
    any_exercise = rows[types].any(axis=1) if len(rows) else pd.Series(dtype=bool)
    result["n_days_without"] = int((~any_exercise).sum()) if len(rows) else 0
    for i, key in enumerate(types):
        mask = rows[key].to_numpy(dtype=bool) if len(rows) else np.zeros(0, dtype=bool)
        result.loc[i, "n_days_with"] = int(mask.sum())
        result.loc[i, "n_weeks"] = int(pd.to_datetime(rows.loc[mask, "date"]).dt.to_period("W").nunique())
    if len(rows) < thresholds.min_rows:
        result["reason"] = (
            f"{len(rows)} usable pairs of days (a day and the day {lag} after, both logged); "
            f"at least {thresholds.min_rows} are needed"
        )
        return result
    if int((~any_exercise).sum()) < thresholds.min_days_without:
        result["reason"] = (
            f"only {int((~any_exercise).sum())} usable days without any exercise to compare with; "
            f"at least {thresholds.min_days_without} are needed"
        )
        return result

    # Types without enough contrast are not estimated; their days leave the comparison so they
    # neither count as "with" another type nor as "no exercise".
    eligible = list(types)
    while True:
        reasons = {key: _eligibility(rows, key, thresholds) for key in eligible}
        dropped = [key for key, (ok, _) in reasons.items() if not ok]
        for key in dropped:
            result.loc[result["exercise_type"] == key, "reason"] = reasons[key][1]
            eligible.remove(key)
        if dropped:
            excluded = [k for k in types if k not in eligible]
            rows = rows.loc[~rows[excluded].any(axis=1)].reset_index(drop=True)
            continue
        break
    reference = int((~rows[eligible].any(axis=1)).sum()) if eligible else 0
    if not eligible or len(rows) < thresholds.min_rows or reference < thresholds.min_days_without:
        still = result["reason"] == ""
        result.loc[still, "reason"] = (
            "too few usable days remain once days with rarely done types are set aside"
        )
        return result

    estimate, se, q = _fit(rows, eligible)
    for key, est, err in zip(eligible, estimate, se, strict=True):
        i = result.index[result["exercise_type"] == key][0]
        low, high = est - q * err, est + q * err
        result.loc[i, ["estimate", "ci_low", "ci_high"]] = [est, low, high]
        result.loc[i, "n_days_with"] = int(rows[key].sum())
        result.loc[i, "verdict"] = (
            "lower pain" if high < 0 else "higher pain" if low > 0 else "no clear difference"
        )
    result["n_days_without"] = reference
    return result


def exercise_effects(checkins: pd.DataFrame, sessions: pd.DataFrame, *, lag: int = 1) -> pd.DataFrame:
    """Per exercise type: adjusted difference in pain ``lag`` days after days with it vs days with
    no logged exercise, its 95% interval, day counts and a verdict (see the module docstring)."""
    details = effect_details(checkins, sessions, lag=lag)
    out = details[API_COLUMNS].copy()
    out["n_days_with"] = out["n_days_with"].astype(int)
    out["n_days_without"] = out["n_days_without"].astype(int)
    return out.reset_index(drop=True)


def lag_profile(
    checkins: pd.DataFrame, sessions: pd.DataFrame, lags: tuple[int, ...] = (0, 1, 2)
) -> pd.DataFrame:
    """Estimates for the same day, the next day and two days later, stacked with a ``lag`` column."""
    frames = [effect_details(checkins, sessions, lag=lag).assign(lag=lag) for lag in lags]
    return pd.concat(frames, ignore_index=True)


def immediate_effects(sessions: pd.DataFrame, *, min_sessions: int = 3) -> pd.DataFrame:
    """Per type: mean of (pain after - pain before) over sessions that recorded both, with a 95%
    t-interval and the count (NaN interval below ``min_sessions``)."""
    columns = ["exercise_type", "mean_change", "ci_low", "ci_high", "n_sessions"]
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    both = sessions.dropna(subset=["pain_before", "pain_after"])
    rows = []
    for key, group in both.groupby("exercise_type"):
        change = group["pain_after"].astype(float) - group["pain_before"].astype(float)
        n = len(change)
        mean = float(change.mean())
        low = high = float("nan")
        if n >= min_sessions:
            sd = float(change.std(ddof=1))
            half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
            low, high = mean - half, mean + half
        rows.append([str(key), mean, low, high, n])
    return pd.DataFrame(rows, columns=columns)


def dose_table(checkins: pd.DataFrame, sessions: pd.DataFrame, *, min_logged_days: int = 4) -> pd.DataFrame:
    """Per week (Monday start) with at least ``min_logged_days`` check-ins: mean pain and total
    exercise minutes (also per type as ``min_<type>`` columns)."""
    if checkins.empty:
        return pd.DataFrame(columns=["week", "mean_pain", "logged_days", "minutes"])
    days = pd.to_datetime(checkins["date"]).dt.normalize()
    week = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    pain = (
        pd.DataFrame({"week": week, "pain": pd.to_numeric(checkins["pain"]).astype(float)})
        .groupby("week")["pain"]
        .agg(mean_pain="mean", logged_days="size")
        .reset_index()
    )
    pain = pain[pain["logged_days"] >= min_logged_days]
    if sessions.empty:
        return pain.assign(minutes=0)
    sdays = pd.to_datetime(sessions["date"]).dt.normalize()
    sweek = sdays - pd.to_timedelta(sdays.dt.day_of_week, unit="D")
    minutes = (
        pd.DataFrame(
            {"week": sweek, "type": sessions["exercise_type"].astype(str), "m": sessions["duration_min"]}
        )
        .pivot_table(index="week", columns="type", values="m", aggfunc="sum", fill_value=0)
        .add_prefix("min_")
    )
    minutes["minutes"] = minutes.sum(axis=1)
    out = pain.merge(minutes.reset_index(), on="week", how="left").fillna(0)
    out["minutes"] = out["minutes"].astype(int)
    return out.reset_index(drop=True)
