"""Planned self-experiments (N-of-1 trials): the plan, its randomized schedule, lock hash and calendar.

Pure: no database, no Streamlit. A plan is a small frozen dataclass; its schedule is a list of
periods in pairs, the order of the two arms randomized within each pair by a recorded seed.
Arm "A" is "exercise type X on at least N days a week"; arm "B" is the comparison: the usual
routine without X, or type Y on at least N days a week.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from backcare.errors import Problems
from backcare.ics import ics_calendar, ics_escape
from backcare.records import ExperimentPlan, plan_hash

if TYPE_CHECKING:
    import pandas as pd

MIN_PERIOD_DAYS = 7
MIN_PAIRS = 3
MAX_PAIRS = 12


def validate_plan(plan: ExperimentPlan, known_types: set[str]) -> ExperimentPlan:
    """Return the plan if it is runnable, else raise ValidationError listing every problem."""
    problems = Problems()
    if plan.exercise_type not in known_types:
        problems.add("Choose the exercise type to test.")
    if plan.comparison is not None and plan.comparison not in known_types:
        problems.add("Choose the exercise type to compare with, or the usual routine.")
    if plan.comparison == plan.exercise_type:
        problems.add("Compare the exercise with something else, not with itself.")
    if not 1 <= plan.min_days_per_week <= 7:
        problems.add("Days a week must be between 1 and 7.")
    if not MIN_PERIOD_DAYS <= plan.period_days <= 56:
        problems.add(f"Each period must last {MIN_PERIOD_DAYS} to 56 days.")
    if not MIN_PAIRS <= plan.pairs <= MAX_PAIRS:
        problems.add(
            f"Use {MIN_PAIRS} to {MAX_PAIRS} pairs of periods ({MIN_PAIRS} is the minimum for a verdict)."
        )
    if not 0 <= plan.washout_days <= plan.period_days - 4:
        problems.add("Washout days must leave at least 4 days of each period to compare.")
    problems.raise_if_any()
    return plan


@dataclass(frozen=True)
class Period:
    """One period of the schedule."""

    number: int  # 1-based across the experiment
    pair: int  # 1-based
    arm: str  # "A" (the exercise being tested) or "B" (the comparison)
    start: date
    end: date
    washout_end: date  # last washout day (== start - 1 day when there is no washout)

    def contains(self, day: date) -> bool:
        """Whether the day falls in this period."""
        return self.start <= day <= self.end

    def counts(self, day: date) -> bool:
        """Whether the day counts in the analysis (inside the period, after the washout)."""
        return self.washout_end < day <= self.end


def arm_orders(plan: ExperimentPlan) -> list[tuple[str, str]]:
    """The randomized order within each pair, deterministic for the plan's seed."""
    rng = random.Random(plan.seed)
    return [("A", "B") if rng.random() < 0.5 else ("B", "A") for _ in range(plan.pairs)]


def schedule(plan: ExperimentPlan) -> list[Period]:
    """All periods in order, each pair holding one A and one B period in random order."""
    periods: list[Period] = []
    day = plan.start
    for pair, order in enumerate(arm_orders(plan), start=1):
        for arm in order:
            end = day + timedelta(days=plan.period_days - 1)
            washout_end = day + timedelta(days=plan.washout_days - 1)
            periods.append(Period(len(periods) + 1, pair, arm, day, end, washout_end))
            day = end + timedelta(days=1)
    return periods


def arm_label(plan: ExperimentPlan, arm: str, names: dict[str, str]) -> str:
    """Plain words for an arm, e.g. 'Yoga on at least 3 days a week' or 'usual routine without Yoga'."""
    x = names.get(plan.exercise_type, plan.exercise_type)
    if arm == "A":
        return f"{x} on at least {plan.min_days_per_week} days a week"
    if plan.comparison is None:
        return f"usual routine without {x}"
    y = names.get(plan.comparison, plan.comparison)
    return f"{y} on at least {plan.min_days_per_week} days a week (no {x})"


def short_arm(plan: ExperimentPlan, arm: str, names: dict[str, str]) -> str:
    """A short arm name for charts and status lines: 'Yoga', 'no Yoga' or the comparison type."""
    x = names.get(plan.exercise_type, plan.exercise_type)
    if arm == "A":
        return x
    return f"no {x}" if plan.comparison is None else names.get(plan.comparison, plan.comparison)


@dataclass(frozen=True)
class DayStatus:
    """Where a given day falls in the experiment."""

    day_number: int  # 1-based; 0 before the start; > total after the end
    total_days: int
    period: Period | None
    in_washout: bool


def day_status(plan: ExperimentPlan, day: date) -> DayStatus:
    """Day number and period for a date (period None before the start or after the end)."""
    number = (day - plan.start).days + 1
    period = next((p for p in schedule(plan) if p.contains(day)), None)
    in_washout = period is not None and not period.counts(day)
    return DayStatus(max(number, 0), plan.total_days, period, in_washout)


def schedule_ics(plan: ExperimentPlan, names: dict[str, str]) -> str:
    """The schedule as an .ics file: one all-day event per period, washout days described."""
    events = []
    for p in schedule(plan):
        label = arm_label(plan, p.arm, names)
        description = (
            f"Pair {p.pair} of {plan.pairs}, period {p.number} of {2 * plan.pairs}: {label}. "
            f"The first {plan.washout_days} days are a washout and are not compared. Log your pain every day."
        )
        events.append(
            (
                f"backcare-{plan_hash(plan)[:16]}-{p.number}@backcare.local",
                f"backcare experiment: {short_arm(plan, p.arm, names)} period",
                [
                    f"DTSTART;VALUE=DATE:{p.start:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{p.end + timedelta(days=1):%Y%m%d}",
                    f"DESCRIPTION:{ics_escape(description)}",
                    "TRANSP:TRANSPARENT",
                ],
            )
        )
    return ics_calendar(events, "backcare experiment")


FLARE_RISE = 2  # points above baseline
FLARE_DAYS = 3  # consecutive days


def baseline_pain(plan: ExperimentPlan, checkins: pd.DataFrame) -> float | None:
    """Mean pain of the 14 days before the start (or of the first 7 days if fewer than 3 before)."""
    import pandas as pd

    if checkins.empty:
        return None
    days = pd.to_datetime(checkins["date"]).dt.date
    before = checkins[(days < plan.start) & (days >= plan.start - timedelta(days=14))]
    if len(before) < 3:
        before = checkins[(days >= plan.start) & (days < plan.start + timedelta(days=7))]
    return float(before["pain"].mean()) if len(before) >= 3 else None


def sustained_flare(plan: ExperimentPlan, checkins: pd.DataFrame, after: date | None = None) -> date | None:
    """The day a stop rule fired: pain >= baseline + 2 on 3 consecutive days since the start (and
    after `after`, the day the person resumed), else None."""
    import pandas as pd

    baseline = baseline_pain(plan, checkins)
    if baseline is None:
        return None
    days = pd.to_datetime(checkins["date"]).dt.date
    first = max(plan.start, after + timedelta(days=1)) if after else plan.start
    during = checkins[(days >= first) & (days <= plan.end)]
    high = {
        d
        for d, p in zip(pd.to_datetime(during["date"]).dt.date, during["pain"], strict=True)
        if p >= baseline + FLARE_RISE
    }
    for day in sorted(high):
        if all(day - timedelta(days=i) in high for i in range(1, FLARE_DAYS)):
            return day
    return None


def verdict_words(plan: ExperimentPlan, verdict: str, names: dict[str, str]) -> str:
    """A verdict with the arms named: 'Yoga clearly better', 'plan not followed enough'."""
    return verdict.replace("X ", f"{short_arm(plan, 'A', names)} ", 1)
