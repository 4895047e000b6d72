"""Which exercise types go with lower pain later, estimated honestly from one person's diary.

Method (docs/insights-method.md has the validation tables):

* Outcome: pain ``lag`` days after day t (lag 1 = the next day), measured *before* that day's
  own exercise: a session's pain before, or a rating made before it (``Diary.baseline``). A rating
  made after that day's session also holds that session's same-day effect, which is not day t's;
  such a day, without a pain before, gives no outcome. Without timing data every rating counts.
  Exposure: an indicator per exercise type for day t. Reference: days with no logged exercise at all.
* One regression per lag, with every other type, the previous day's sessions (carry-over), day
  of week and a linear trend, and the pain of day t measured *before* that day's exercise (see
  ``backcare.analysis.diary``): people exercise on their better days and pain is autocorrelated.
* A single 0-10 rating is a noisy measure of how the person was, and a coefficient fitted to a noisy
  measure is pulled toward 0, which leaves part of the better-day effect in place (a bias that
  does not shrink as the diary grows). So the coefficient is not fitted in the regression: it is
  the persistence of the pain behind the ratings, ``phi ** lag``, estimated from the diary's ratings by
  a model of the ratings as AR(1) pain plus rating noise (``backcare.analysis.persistence``), and the regression is of
  pain(t + lag) - phi ** lag * baseline(t). Its standard errors add the persistence's own
  uncertainty (delta method).
* A day t with no usable rating still gives a row when day t + lag was logged: its baseline is
  the least-squares prediction from everything known before the exercise (the earlier ratings,
  that day's and the day before's sessions, weekday, trend), flagged; what the prediction misses
  is uncorrelated with those regressors, so the row adds information without adding bias.
* Interval: Newey-West (Bartlett) standard errors, the bandwidth chosen from the data (Andrews'
  AR(1) plug-in: more lags when exercise comes in blocks of weeks), with Student t critical values;
  the benchmark measures its coverage (benchmarks/bench_effects_validity.py).
* Same day (lag 0) is never estimated: on the same day, choosing to exercise on a better day and
  what the exercise does cannot be told apart without a rating taken before the session.
* Without timing data, a strong same-day association opposite in sign to the next-day estimate is
  the signature of ratings made after the session; the next-day verdict is then withheld.
* Refusals with a reason ("not enough data"): too few usable days, too little contrast, ratings
  that do not vary, types always done together.

Pure: DataFrames in, DataFrames out; no database, no Streamlit, deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # the t quantile without loading scipy.stats (0.45 s)

from backcare.analysis.dates import weekday_dummies
from backcare.analysis.diary import Diary, build_diary
from backcare.analysis.intervals import ols_fit, one_blas_thread, t_interval
from backcare.analysis.persistence import pain_persistence

VERDICTS = ("lower pain", "higher pain", "no clear difference", "not enough data")
API_COLUMNS = ["exercise_type", "estimate", "ci_low", "ci_high", "n_days_with", "n_days_without", "verdict"]
METHOD_VERSION = (
    "effects-7 (least squares of pain before the exercise on day t + lag less phi ** lag times pain "
    "before the exercise on day t, phi the persistence of the pain behind the ratings from an AR(1)-plus-noise "
    "fit; an unlogged day's baseline predicted; carry-over, weekday, trend; Newey-West SE with Andrews' "
    "data-chosen bandwidth plus the persistence's uncertainty, t critical values; no same-day verdicts)"
)
SAME_DAY_REASON = (
    "same-day comparisons are not estimated: on the same day, exercising on a better day and what "
    "the exercise does cannot be told apart"
)
PERSISTENCE_REASON = (
    "your ratings cannot tell how much of a day's pain carries over to the next, which this comparison "
    "needs (too few days logged one after the other in the last three years, or ratings that barely change)"
)
EARLIER_RATINGS = (1, 2, 3, 4)  # the ratings 1-4 days before day t predict an unlogged day's baseline
SIGNATURE_Z = 2.58  # the same-day association must be this clear (|z|, 1% two-sided) ...
SIGNATURE_POINTS = 0.7  # ... and at least this big, and bigger than the next-day estimate


@dataclass(frozen=True)
class Thresholds:
    """When to refuse an estimate (documented in the app's 'how this is computed')."""

    min_rows: int = 28
    min_days_with: int = 8
    min_days_without: int = 8
    min_weeks: int = 3
    min_spread_days: int = 21
    max_share: float = 0.85
    same_days_share: float = 0.97  # two types on the same day this often cannot be told apart


DEFAULT_THRESHOLDS = Thresholds()


def _filled(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    missing = np.isnan(values)
    mean = float(np.nanmean(values)) if (~missing).any() else 0.0
    return np.where(missing, mean, values), missing.astype(float)


@dataclass(frozen=True)
class _Rows:
    """Regression rows for one lag: row i is day t[i], whose day t + lag has pain measured before
    that day's exercise (a rating, or a session's pain before)."""

    t: np.ndarray
    outcome: np.ndarray
    baseline: np.ndarray  # NaN when day t has no usable rating (predicted in _fit)
    done: np.ndarray  # bool, rows x types

    def pairs(self) -> int:
        """Rows whose day t and day t + lag were both logged."""
        return int((~np.isnan(self.baseline)).sum())


def _rows(diary: Diary, lag: int) -> _Rows:
    t = np.arange(0, max(0, len(diary.days) - lag))
    outcome = diary.baseline[t + lag]  # pain before that day's exercise: its own session left out
    keep = ~np.isnan(outcome)
    t = t[keep]
    return _Rows(t, outcome[keep], diary.baseline[t], diary.done[t])


def _lagged(values: np.ndarray, t: np.ndarray, back: int) -> np.ndarray:
    out = np.full(len(t), np.nan)
    ok = t >= back
    out[ok] = values[t[ok] - back]
    return out


def _design(diary: Diary, t: np.ndarray, done: np.ndarray, cols: list[int]) -> np.ndarray:
    """Constant, the chosen types on day t, the same types the day before, trend, weekday."""
    carry = np.zeros((len(t), len(cols)))
    ok = t >= 1
    carry[ok] = diary.done[t[ok] - 1][:, cols]
    return np.column_stack(
        [np.ones(len(t)), done[:, cols], carry, t / 365.0, weekday_dummies(diary.weekday[t])]
    )


def _fit(
    diary: Diary, rows: _Rows, cols: list[int], carried: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimates, standard errors and 95% critical values for the chosen types. A type's Student t
    degrees of freedom are at most its days with it minus one: a rarely done type's estimate rests
    on its few days, whatever the diary's length. ``carried``: the persistence over the lag and its
    standard error (``Persistence.over``)."""
    exog = _design(diary, rows.t, rows.done, cols)
    baseline, unlogged = rows.baseline, np.isnan(rows.baseline)
    if unlogged.any():
        earlier = np.column_stack(
            [np.column_stack(_filled(_lagged(diary.pain, rows.t, back))) for back in EARLIER_RATINGS]
        )
        known = np.column_stack([exog, earlier])
        logged = known[~unlogged]  # least squares by its normal equations (a few dozen columns)
        fit = np.linalg.pinv(logged.T @ logged) @ (logged.T @ baseline[~unlogged])
        baseline = np.where(unlogged, known @ fit, baseline)
        exog = np.column_stack([exog, unlogged])
    carried_by, carried_se = carried
    k = len(cols)
    beta, se, df = ols_fit(rows.outcome - carried_by * baseline, exog, se_of=slice(1, 1 + k))
    # The persistence is estimated too: an error e in it moves each estimate by -e times the
    # baseline's own difference on days with the type (its coefficient on the same regressors).
    on_days = (np.linalg.pinv(exog.T @ exog) @ (exog.T @ baseline))[1 : 1 + k]
    se = np.sqrt(se**2 + (on_days * carried_se) ** 2)
    days_with = rows.done[:, cols].sum(axis=0)
    return (
        beta[1 : 1 + k],
        se,
        special.stdtrit(np.clip(np.minimum(df, days_with - 1), 1, None), 0.975),
    )


def same_day(diary: Diary, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and z statistics of the same-day association of each chosen type (pain of day t
    on its sessions, adjusting for the day before): used only to spot ratings made after sessions."""
    t = np.flatnonzero(~np.isnan(diary.pain))
    t = t[t >= 1]
    if len(t) < 10:
        return np.zeros(len(cols)), np.zeros(len(cols))
    previous, missing = _filled(diary.pain[t - 1])
    exog = np.column_stack([_design(diary, t, diary.done[t], cols), missing, previous])
    k = len(cols)
    beta, se, _df = ols_fit(diary.pain[t], exog, se_of=slice(1, 1 + k))
    with np.errstate(divide="ignore", invalid="ignore"):
        return beta[1 : 1 + k], np.nan_to_num(beta[1 : 1 + k] / se)


def _eligibility(diary: Diary, t: np.ndarray, mask: np.ndarray, th: Thresholds) -> str:
    """Why a type has too little contrast to estimate, or '' when it has enough (``t``: the rows'
    day positions, ``mask``: rows with the type)."""
    n_with, n_rows = int(mask.sum()), len(t)
    if n_with < th.min_days_with:
        return (
            f"{n_with} usable day{'' if n_with == 1 else 's'} with it; at least {th.min_days_with} are needed"
        )
    with_days = t[mask]
    weeks = diary.week_count(with_days)
    if weeks < th.min_weeks:
        return f"only in {weeks} different weeks; at least {th.min_weeks} are needed"
    if with_days.max() - with_days.min() < th.min_spread_days:
        return "all within a few weeks, so it cannot be told apart from what else changed then"
    if n_with / n_rows > th.max_share:
        return "done on almost every day, so there are too few days without it to compare"
    return ""


def _told_apart(done: np.ndarray, cols: list[int], types: list[str], th: Thresholds) -> dict[int, str]:
    """Types logged on (almost) exactly the same days as another: position -> reason."""
    reasons: dict[int, str] = {}
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            union = int((done[:, a] | done[:, b]).sum())
            if union and (done[:, a] & done[:, b]).sum() / union >= th.same_days_share:
                reasons[a] = f"always logged on the same days as {types[b]}, so the two cannot be told apart"
                reasons[b] = f"always logged on the same days as {types[a]}, so the two cannot be told apart"
    return reasons


def effect_details(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    lag: int = 1,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """exercise_effects plus ``reason`` (why there is no estimate or verdict) and ``n_weeks``."""
    if lag < 0:
        raise ValueError("lag must be 0 or more days")
    return diary_effect_details(build_diary(checkins, sessions), lag=lag, thresholds=thresholds)


def diary_effect_details(
    diary: Diary, *, lag: int = 1, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """``effect_details`` of a diary already laid out (``build_diary``, or ``join_spans`` of its blocks)."""
    with one_blas_thread():
        return _details(diary, lag, thresholds)


DETAIL_COLUMNS = [*API_COLUMNS, "reason", "n_weeks"]


class _SameDay:
    """``same_day`` of every type of a diary, fitted once when a lag first needs it (only types
    rated mostly without timing data do): shared by the lags of one profile."""

    def __init__(self, diary: Diary) -> None:
        self._diary = diary
        self._result: tuple[np.ndarray, np.ndarray] | None = None

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The estimates and z statistics of every type, in the diary's type order."""
        if self._result is None:
            self._result = same_day(self._diary, list(range(len(self._diary.types))))
        return self._result


def _details(diary: Diary, lag: int, th: Thresholds, same: _SameDay | None = None) -> pd.DataFrame:
    """The per-type table for one lag; ``same`` shares one ``same_day`` fit between lags."""
    types = diary.types
    k = len(types)
    out: dict[str, list] = {
        "exercise_type": list(types), "estimate": [np.nan] * k, "ci_low": [np.nan] * k,
        "ci_high": [np.nan] * k, "n_days_with": [0] * k, "n_days_without": [0] * k,
        "verdict": ["not enough data"] * k, "reason": [""] * k, "n_weeks": [0] * k,
    }  # fmt: skip
    if not types:
        return pd.DataFrame(out, columns=DETAIL_COLUMNS)
    rows = _rows(diary, lag)
    out["n_days_with"] = [int(v) for v in rows.done.sum(axis=0)]
    out["n_weeks"] = [diary.week_count(rows.t[rows.done[:, j]]) for j in range(k)]
    out["n_days_without"] = [int((~rows.done.any(axis=1)).sum())] * k
    if lag == 0:
        out["reason"] = [SAME_DAY_REASON] * k
    elif rows.pairs() < th.min_rows:
        out["reason"] = [
            f"{rows.pairs()} usable pairs of days (a day and the day {lag} after, both logged); "
            f"at least {th.min_rows} are needed"
        ] * k
    elif np.ptp(rows.outcome) == 0 or np.nanmax(rows.baseline) == np.nanmin(rows.baseline):
        out["reason"] = [
            "not enough variation: your pain ratings are all the same, so there is nothing to compare"
        ] * k
    else:
        _estimate(diary, rows, lag, th, out, same)
    return pd.DataFrame(out, columns=DETAIL_COLUMNS)


def _estimate(
    diary: Diary, rows: _Rows, lag: int, th: Thresholds, out: dict[str, list], same: _SameDay | None
) -> None:
    """Refuse types without contrast, fit the rest and fill their estimates and verdicts in ``out``."""
    types = diary.types
    eligible = list(range(len(types)))
    keep = np.ones(len(rows.t), bool)
    while True:
        reasons = {j: _eligibility(diary, rows.t[keep], rows.done[keep, j], th) for j in eligible}
        together = _told_apart(rows.done[keep], eligible, types, th)
        reasons.update({j: r for j, r in together.items() if not reasons[j]})
        dropped = [j for j, reason in reasons.items() if reason]
        if not dropped:
            break
        for j in dropped:
            out["reason"][j] = reasons[j]
            eligible.remove(j)
            keep &= ~rows.done[:, j]  # their days are neither "with" another type nor "no exercise"
    reference = int((keep & ~rows.done[:, eligible].any(axis=1)).sum()) if eligible else 0
    if (
        not eligible
        or int((keep & ~np.isnan(rows.baseline)).sum()) < th.min_rows
        or reference < th.min_days_without
    ):
        why = (
            f"only {reference} usable days without any exercise to compare with; at least "
            f"{th.min_days_without} are needed"
            if eligible
            else "too few usable days remain once days with rarely done types are set aside"
        )
        out["reason"] = [r or why for r in out["reason"]]
        return
    persistence = pain_persistence(diary.baseline, diary.weekday, diary.days[-1].date())
    if persistence is None:
        out["reason"] = [r or PERSISTENCE_REASON for r in out["reason"]]
        return
    kept = _Rows(rows.t[keep], rows.outcome[keep], rows.baseline[keep], rows.done[keep])
    estimate, se, q = _fit(diary, kept, eligible, persistence.over(lag))
    untimed = [j for j in eligible if diary.timed[diary.done[:, j]].mean() < 0.5]
    if untimed:
        same_est, z = same.result() if same is not None else same_day(diary, list(range(len(types))))
    for i, j in enumerate(eligible):
        est, low, high = estimate[i], estimate[i] - q[i] * se[i], estimate[i] + q[i] * se[i]
        verdict = "lower pain" if high < 0 else "higher pain" if low > 0 else "no clear difference"
        out["n_days_with"][j] = int(kept.done[:, j].sum())
        out["n_weeks"][j] = diary.week_count(kept.t[kept.done[:, j]])
        out["n_days_without"][j] = reference
        signature = (
            j in untimed
            and verdict != "no clear difference"
            and abs(z[j]) >= SIGNATURE_Z
            and abs(same_est[j]) >= max(SIGNATURE_POINTS, abs(est))
            and (same_est[j] > 0) != (est > 0)
        )
        if signature:
            out["reason"][j] = (
                f"on days with it your pain that day was clearly {'lower' if est > 0 else 'higher'} and later "
                f"{'higher' if est > 0 else 'lower'}: the pattern of pain rated after the session. "
                "Record the time of your rating and the session, or your pain before the session, for a fair answer"
            )
            continue
        out["estimate"][j], out["ci_low"][j], out["ci_high"][j], out["verdict"][j] = est, low, high, verdict
    out["n_days_without"] = [reference] * len(types)


def exercise_effects(checkins: pd.DataFrame, sessions: pd.DataFrame, *, lag: int = 1) -> pd.DataFrame:
    """Per exercise type: adjusted difference in pain ``lag`` days after days with it vs days with
    no logged exercise, its 95% interval, day counts and a verdict (see the module docstring).
    Optional input columns: ``checkins.time`` and ``sessions.start_time`` ("HH:MM"),
    ``sessions.pain_before`` (0-10)."""
    details = effect_details(checkins, sessions, lag=lag)
    out = details[API_COLUMNS].copy()
    out["n_days_with"] = out["n_days_with"].astype(int)
    out["n_days_without"] = out["n_days_without"].astype(int)
    return out.reset_index(drop=True)


def lag_profile(
    checkins: pd.DataFrame, sessions: pd.DataFrame, lags: tuple[int, ...] = (0, 1, 2)
) -> pd.DataFrame:
    """effect_details for the same day, the next day and two days later, stacked with a ``lag``
    column (the same day always comes without an estimate: see the module docstring)."""
    return diary_lag_profile(build_diary(checkins, sessions), lags)


def diary_lag_profile(diary: Diary, lags: tuple[int, ...] = (0, 1, 2)) -> pd.DataFrame:
    """``lag_profile`` of a diary already laid out (``build_diary``, or ``join_spans`` of its blocks)."""
    with one_blas_thread():
        same = _SameDay(diary)
        frames = [_details(diary, lag, DEFAULT_THRESHOLDS, same).assign(lag=lag) for lag in lags]
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
        change = (group["pain_after"].astype(float) - group["pain_before"].astype(float)).to_numpy()
        mean, low, high = t_interval(change, 0.95)
        if len(change) < min_sessions:
            low = high = float("nan")
        rows.append([str(key), mean, low, high, len(change)])
    return pd.DataFrame(rows, columns=columns)
