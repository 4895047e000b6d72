"""The result of a planned self-experiment: per-pair differences judged against a 1-point difference.

Method (docs/insights-method.md, "Experiments"): for each completed pair, the mean daily pain of
the A period minus that of the B period, washout days excluded; the mean of the k pair differences
with a Student t interval on k-1 degrees of freedom. The verdict compares the interval with the
meaningful difference (1 point), not with p < 0.05:

* "X clearly better": estimate at least 1 point lower and the 80% interval entirely below 0
  (at least 90% confident of some benefit, one-sided, and a benefit big enough to notice);
* "X clearly worse": the mirror image;
* "no meaningful difference": an equivalence test (two one-sided tests at 5%): the 90% interval
  within +/-1 point both for all compared days and for the later half of each period's compared
  days, where an effect that builds up or wears off slowly is closest to its full size;
* "inconclusive": anything else, and also in place of "no meaningful difference" when the first
  days of each period still looked like the previous period (carry-over longer than the washout);
* "plan not followed enough": the plan was followed on average less than ``ADHERENCE_THRESHOLD``
  of the time, so the periods did not differ as planned and no verdict is given;
* "not enough completed pairs": fewer than 3 pairs with both periods finished and logged.

Carry-over check: in each period that follows a period of the other arm, the first
``EARLY_DAYS`` counted days minus the rest; if the effect lingers, those differences have opposite
signs in A and B periods. Found when the contrast points the way of the estimate with one-sided
95% confidence and is at least half a point. A slower build-up (one to two weeks) is too faint
for that check in four pairs; the later-half condition of "no meaningful difference" is what keeps
it from reassuring (benchmarks/bench_experiment_validity.py measures both).

Pure: DataFrames and a plan in, a dataclass out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import special  # t and normal quantiles without loading scipy.stats (0.45 s)

from backcare.analysis.intervals import t_interval
from backcare.experiments.plan import MIN_PAIRS, schedule
from backcare.records import ExperimentPlan

MEANINGFUL_DIFFERENCE = 1.0
INTERVAL_LEVEL = 0.80
EQUIVALENCE_LEVEL = 0.90  # "no meaningful difference": two one-sided tests at 5% each
MIN_LOGGED_DAYS_PER_PERIOD = 4
ADHERENCE_THRESHOLD = 0.8  # the plan followed at least this much on average, or no verdict
EARLY_DAYS = 3  # counted days at the start of a period compared with the rest (carry-over check)
EXPERIMENT_VERDICTS = (
    "X clearly better",
    "X clearly worse",
    "no meaningful difference",
    "inconclusive",
    "plan not followed enough",
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
    carry_over: float = float("nan")  # contrast of early-minus-late days, B periods minus A periods
    carry_over_found: bool = False
    later_half: float = float("nan")  # mean pair difference over the later half of each period
    equivalent: bool = False  # both 90% intervals (all compared days, later half) within +/-1

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly summary (no frames)."""
        clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}
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
    estimate, low, high = t_interval(diffs["difference"].to_numpy(float), INTERVAL_LEVEL)
    finished = periods.loc[periods["finished"], "adherence"].dropna()
    started = periods["adherence"].dropna()
    carry, found = carry_over(plan, periods, daily, estimate)
    later = later_half_differences(plan, periods, daily)
    equivalent = within_meaningful(diffs["difference"].to_numpy(float)) and within_meaningful(later)
    return ExperimentResult(
        periods=periods,
        pair_differences=diffs,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        completed_pairs=k,
        verdict=judge(
            estimate, low, high, k, float(finished.mean()) if len(finished) else 1.0, found, equivalent
        ),
        adherence=float(started.mean()) if len(started) else float("nan"),
        carry_over=carry,
        carry_over_found=found,
        later_half=float(later.mean()) if len(later) else float("nan"),
        equivalent=equivalent,
    )


def within_meaningful(differences: np.ndarray) -> bool:
    """Whether the 90% interval of the mean of ``differences`` lies within +/-1 point (at least
    ``MIN_PAIRS`` of them)."""
    if len(differences) < MIN_PAIRS:
        return False
    _mean, low, high = t_interval(differences, EQUIVALENCE_LEVEL)
    return bool(low > -MEANINGFUL_DIFFERENCE and high < MEANINGFUL_DIFFERENCE)


def later_half_differences(plan: ExperimentPlan, periods: pd.DataFrame, daily: pd.DataFrame) -> np.ndarray:
    """Per completed pair: mean pain over the later half of the A period's compared days minus the
    same for the B period (periods with fewer than 2 logged days there are left out)."""
    late: dict[int, dict[str, float]] = {}
    finished = set(periods.loc[periods["finished"], "number"])
    for p in schedule(plan):
        counted = [d.date() for d in pd.date_range(p.start, p.end) if p.counts(d.date())]
        rest = daily.loc[daily.index.isin(counted[len(counted) // 2 :]), "pain"]
        if p.number in finished and len(rest) >= 2:
            late.setdefault(p.pair, {})[p.arm] = float(rest.mean())
    return np.array([v["A"] - v["B"] for v in late.values() if len(v) == 2])


def carry_over(
    plan: ExperimentPlan, periods: pd.DataFrame, daily: pd.DataFrame, estimate: float
) -> tuple[float, bool]:
    """The carry-over contrast and whether carry-over shows (module docstring)."""
    early: dict[str, list[float]] = {"A": [], "B": []}
    previous = None
    finished = set(periods.loc[periods["finished"], "number"])
    for p in schedule(plan):
        counted = [d.date() for d in pd.date_range(p.start, p.end) if p.counts(d.date())]
        first = daily.loc[daily.index.isin(counted[:EARLY_DAYS]), "pain"]
        rest = daily.loc[daily.index.isin(counted[EARLY_DAYS:]), "pain"]
        if p.number in finished and len(rest) >= 2 and previous not in (None, p.arm) and len(first) >= 2:
            early[p.arm].append(float(first.mean() - rest.mean()))
        previous = p.arm
    a, b = np.array(early["A"]), np.array(early["B"])
    if np.isnan(estimate) or len(a) < 2 or len(b) < 2:
        return float("nan"), False
    contrast = float(b.mean() - a.mean())
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    toward_estimate = (contrast < 0) == (estimate < 0)
    clear = se > 0 and abs(contrast) / se > special.ndtri(0.95) and abs(contrast) >= 0.5
    return contrast, bool(toward_estimate and clear)


def judge(
    estimate: float,
    low: float,
    high: float,
    pairs: int,
    adherence: float = 1.0,
    carry_over_found: bool = False,
    equivalent: bool = False,
) -> str:
    """The verdict for an estimate and its 80% interval, against a 1-point meaningful difference,
    given how well the plan was followed, whether carry-over was found and whether the
    equivalence test (``within_meaningful`` for all compared days and the later halves) passed."""
    if pairs < MIN_PAIRS or np.isnan(low):
        return "not enough completed pairs"
    if adherence < ADHERENCE_THRESHOLD:
        return "plan not followed enough"
    if estimate <= -MEANINGFUL_DIFFERENCE and high < 0:
        return "X clearly better"
    if estimate >= MEANINGFUL_DIFFERENCE and low > 0:
        return "X clearly worse"
    if equivalent and not carry_over_found:
        return "no meaningful difference"
    return "inconclusive"


PLANNING_EFFECT = 1.5  # the difference a plan should be able to find ...
PLANNING_POWER = 0.80  # ... this often
PLANNING_DAYS = 90  # recent days whose ratings describe the person's day-to-day variability
PLANNING_MARGIN = 1.15  # pair differences vary more than AR(1) alone says (drift, effects still building up)


@dataclass(frozen=True)
class PairsAdvice:
    """How many pairs this person's own day-to-day variability needs (None: not enough ratings)."""

    sd: float  # standard deviation of recent daily ratings
    phi: float  # correlation of one day's rating with the next day's
    pairs: int | None  # fewest pairs reaching PLANNING_POWER for PLANNING_EFFECT, None if > max_pairs
    power: float  # power with that many pairs (or with max_pairs)
    logged_days: int
    pair_sd: float  # expected standard deviation of one pair's difference

    def power_with(self, pairs: int) -> float:
        """Power for the planning effect with ``pairs`` pairs."""
        return verdict_power(self.pair_sd, pairs)


def verdict_power(pair_sd: float, pairs: int, effect: float = PLANNING_EFFECT) -> float:
    """Chance that ``judge`` says "X clearly better" for a true ``effect``-point benefit, when pair
    differences vary with standard deviation ``pair_sd`` (normal approximation of the estimate)."""
    se = pair_sd / math.sqrt(pairs)
    needed = max(MEANINGFUL_DIFFERENCE, float(special.stdtrit(pairs - 1, 0.5 + INTERVAL_LEVEL / 2)) * se)
    return float(special.ndtr((effect - needed) / se))


def pairs_needed(checkins: pd.DataFrame, plan: ExperimentPlan, *, max_pairs: int = 12) -> PairsAdvice | None:
    """Pairs needed to find a 1.5-point difference 8 times in 10 with this plan's period length and
    washout, from the person's ratings in the 90 days before the start (at least 14 logged days).
    A period mean of m days of AR(1) ratings has variance sd^2/m * (1 + 2 sum (1 - h/m) phi^h)."""
    daily = _daily(checkins)
    recent = daily[
        (daily.index < plan.start) & (daily.index >= plan.start - pd.Timedelta(days=PLANNING_DAYS))
    ]
    if len(recent) < 14:
        return None
    pain = recent["pain"].sort_index()
    sd = float(pain.std(ddof=1))
    index = pd.to_datetime(pd.Series(pain.index))
    consecutive = (index.diff().dt.days == 1).to_numpy()[1:]
    values = pain.to_numpy(float)
    pairs_ = np.column_stack([values[:-1], values[1:]])[consecutive]
    phi = float(np.corrcoef(pairs_.T)[0, 1]) if len(pairs_) >= 5 and sd > 0 else 0.0
    phi = float(np.clip(np.nan_to_num(phi), 0.0, 0.95))
    m = max(1, round((plan.period_days - plan.washout_days) * 0.9))  # about one day in ten unlogged
    h = np.arange(1, m)
    period_var = sd**2 / m * (1 + 2 * float(np.sum((1 - h / m) * phi**h)))
    pair_sd = PLANNING_MARGIN * math.sqrt(2 * period_var) if period_var > 0 else 1e-9
    for k in range(MIN_PAIRS, max_pairs + 1):
        power = verdict_power(pair_sd, k)
        if power >= PLANNING_POWER:
            return PairsAdvice(sd, phi, k, power, len(recent), pair_sd)
    return PairsAdvice(sd, phi, None, verdict_power(pair_sd, max_pairs), len(recent), pair_sd)
