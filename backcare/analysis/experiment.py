"""The result of a planned self-experiment: per-pair differences judged against a 1-point difference.

Method (docs/insights-method.md, "Experiments"): for each completed pair, the mean daily pain of
the A period minus that of the B period, washout days excluded; the mean of the k pair differences
with a Student t interval on k-1 degrees of freedom. The verdict compares the interval with the
meaningful difference (1 point), not with p < 0.05:

* "X clearly better": estimate at least 1 point lower and the 80% interval entirely below 0
  (at least 90% confident of some benefit, one-sided, and a benefit big enough to notice);
* "X clearly worse": the mirror image;
* "no meaningful difference": the whole 80% interval within +/-1 point (an equivalence test);
* "inconclusive": anything else;
* "not enough completed pairs": fewer than 3 pairs with both periods finished and logged.

Pure: DataFrames and a plan in, a dataclass out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from backcare.experiments import MIN_PAIRS, schedule
from backcare.records import ExperimentPlan

MEANINGFUL_DIFFERENCE = 1.0
INTERVAL_LEVEL = 0.80
MIN_LOGGED_DAYS_PER_PERIOD = 4
EXPERIMENT_VERDICTS = (
    "X clearly better",
    "X clearly worse",
    "no meaningful difference",
    "inconclusive",
    "not enough completed pairs",
)
PERIOD_COLUMNS = [
    "number", "pair", "arm", "start", "end", "finished", "days_counted", "days_logged", "mean_pain",
    "flare_days", "x_days", "comparison_days", "adherence",
]  # fmt: skip


@dataclass(frozen=True)
class ExperimentResult:
    """Everything the page, the CLI and the report show about an experiment."""

    periods: pd.DataFrame  # PERIOD_COLUMNS, one row per period
    pair_differences: pd.DataFrame  # pair, difference (A minus B mean pain)
    estimate: float  # mean of pair differences; negative = lower pain with X
    ci_low: float
    ci_high: float
    completed_pairs: int
    verdict: str
    adherence: float  # mean adherence over periods that have started

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly summary (no frames)."""
        clean = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in self.__dict__.items()}
        return {k: v for k, v in clean.items() if not isinstance(v, pd.DataFrame)}


def _daily(checkins: pd.DataFrame) -> pd.DataFrame:
    if checkins.empty:
        return pd.DataFrame({"pain": pd.Series(dtype=float), "flare": pd.Series(dtype=bool)})
    index = pd.to_datetime(checkins["date"]).dt.date
    flare = (
        checkins["flare"].astype(bool).to_numpy() if "flare" in checkins else np.zeros(len(checkins), bool)
    )
    return pd.DataFrame(
        {"pain": pd.to_numeric(checkins["pain"]).astype(float).to_numpy(), "flare": flare}, index=index
    )


def _session_days(sessions: pd.DataFrame, key: str | None) -> set[date]:
    if key is None or sessions.empty:
        return set()
    chosen = sessions.loc[sessions["exercise_type"] == key, "date"]
    return set(pd.to_datetime(chosen).dt.date)


def _adherence(plan: ExperimentPlan, arm: str, elapsed: int, x_days: int, comparison_days: int) -> float:
    if elapsed <= 0:
        return float("nan")
    required = plan.min_days_per_week * elapsed / 7
    if arm == "A":
        return min(x_days / required, 1.0)
    if plan.comparison is None:
        return 1.0 - x_days / elapsed
    return min(comparison_days / required, 1.0) * (1.0 - x_days / elapsed)


def experiment_result(
    plan: ExperimentPlan, checkins: pd.DataFrame, sessions: pd.DataFrame, *, today: date | None = None
) -> ExperimentResult:
    """Per-period means, pair differences, interval and verdict for a plan and the diary so far."""
    today = today or date.today()
    daily = _daily(checkins)
    x_dates = _session_days(sessions, plan.exercise_type)
    y_dates = _session_days(sessions, plan.comparison)
    rows = []
    for p in schedule(plan):
        last = min(p.end, today)
        days = [d.date() for d in pd.date_range(p.start, last)] if last >= p.start else []
        counted = [d for d in days if p.counts(d)]
        logged = daily.loc[daily.index.isin(counted)]
        x_days = sum(d in x_dates for d in days)
        y_days = sum(d in y_dates for d in days)
        rows.append(
            {
                "number": p.number, "pair": p.pair, "arm": p.arm, "start": p.start, "end": p.end,
                "finished": p.end < today, "days_counted": len(counted), "days_logged": len(logged),
                "mean_pain": float(logged["pain"].mean()) if len(logged) else float("nan"),
                "flare_days": int(logged["flare"].sum()), "x_days": x_days, "comparison_days": y_days,
                "adherence": _adherence(plan, p.arm, len(days), x_days, y_days),
            }
        )  # fmt: skip
    periods = pd.DataFrame(rows, columns=PERIOD_COLUMNS)
    usable = periods[periods["finished"] & (periods["days_logged"] >= MIN_LOGGED_DAYS_PER_PERIOD)]
    both = usable.groupby("pair").filter(lambda g: set(g["arm"]) == {"A", "B"})
    means = both.pivot_table(index="pair", columns="arm", values="mean_pain")
    if len(means):
        diffs = pd.DataFrame({"pair": means.index, "difference": (means["A"] - means["B"]).to_numpy()})
    else:
        diffs = pd.DataFrame({"pair": pd.Series(dtype=int), "difference": pd.Series(dtype=float)})
    k = len(diffs)
    estimate, low, high = _t_interval(diffs["difference"].to_numpy(float))
    started = periods["adherence"].dropna()
    return ExperimentResult(
        periods=periods,
        pair_differences=diffs,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        completed_pairs=k,
        verdict=judge(estimate, low, high, k),
        adherence=float(started.mean()) if len(started) else float("nan"),
    )


def _t_interval(values: np.ndarray) -> tuple[float, float, float]:
    k = len(values)
    if k == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if k < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + INTERVAL_LEVEL / 2, k - 1) * values.std(ddof=1) / np.sqrt(k))
    return mean, mean - half, mean + half


def judge(estimate: float, low: float, high: float, pairs: int) -> str:
    """The verdict for an estimate and its 80% interval, against a 1-point meaningful difference."""
    if pairs < MIN_PAIRS or np.isnan(low):
        return "not enough completed pairs"
    if estimate <= -MEANINGFUL_DIFFERENCE and high < 0:
        return "X clearly better"
    if estimate >= MEANINGFUL_DIFFERENCE and low > 0:
        return "X clearly worse"
    if low > -MEANINGFUL_DIFFERENCE and high < MEANINGFUL_DIFFERENCE:
        return "no meaningful difference"
    return "inconclusive"
