"""Simulated people with a planted truth, for validating the statistics.

Each person: latent daily pain = slow trend + AR(1) deviation (phi 0.5-0.8); an exercise habit per
type (weekend-heavy walking) that is *less likely on high-pain days* (the reverse causation that
fools naive comparisons); a planted next-day effect per type; missing days; the diary holds
integers 0-10 (rounded, clipped). Options for the conditions real diaries have: extra rating
noise, a same-day effect seen by a rating made after the session (with or without the timing
data that reveals it), days left unlogged more often when pain is high, heavy-tailed shocks and
flares, exercise taken up in blocks during a recovery, and two types always done together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

DEFAULT_RATES = {"yoga": 3 / 7, "pilates": 1 / 7, "strength": 2 / 7, "walking": 3 / 7}


@dataclass
class Person:
    """How one simulated diary is generated."""

    days: int = 180
    phi: float = 0.7
    effects: dict[str, float] = field(default_factory=lambda: dict.fromkeys(DEFAULT_RATES, 0.0))
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    confounding: float = 0.35  # log-odds-ish drop in exercise probability per point of extra pain
    trend_per_year: float = -1.0
    missing: float = 0.1
    rating_noise: float = 0.0
    base: float = 5.0
    start: date = date(2025, 1, 6)
    same_day: dict[str, float] = field(default_factory=dict)  # effect on a rating made after the session
    timing: bool = False  # write checkins.time, sessions.start_time and (often) sessions.pain_before
    missing_per_point: float = 0.0  # extra chance of an unlogged day per point of above-usual pain
    shock_df: float = 0.0  # Student t innovations with this many degrees of freedom (0: normal)
    flares_per_year: float = 0.0  # flares: +3 points for 3-7 days, exercise much less likely
    blocks: bool = False  # exercise only in 3-week blocks that start after the first month (recovery)
    together: tuple[str, str] | None = None  # the second type is always done on the first's days


def simulate(person: Person, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (checkins, sessions) DataFrames in the exercise_effects input format."""
    n = person.days
    mean = person.base + person.trend_per_year * np.arange(n) / 365
    deviation = rng.normal(0, 1 / np.sqrt(1 - person.phi**2))
    done = {k: np.zeros(n, dtype=bool) for k in person.rates}
    latent = np.zeros(n)
    pain = np.zeros(n)
    flare_left = 0
    for t in range(n):
        if t:
            shock = rng.standard_t(person.shock_df) if person.shock_df else rng.normal(0, 1)
            deviation = person.phi * deviation + shock
        if person.flares_per_year and not flare_left and rng.random() < person.flares_per_year / 365:
            flare_left = int(rng.integers(3, 8))
        flare = 3.0 if flare_left else 0.0
        flare_left = max(0, flare_left - 1)
        effect = sum(person.effects.get(k, 0.0) for k in done if t and done[k][t - 1])
        latent[t] = mean[t] + deviation + effect + flare
        weekend = (person.start + timedelta(days=t)).weekday() >= 5
        in_block = not person.blocks or (t >= 28 and (t // 21) % 2 == 1)
        for k, rate in person.rates.items():
            p = (
                rate
                * (1.5 if k == "walking" and weekend else 1.0)
                * np.exp(-person.confounding * (deviation + flare))
            )
            done[k][t] = in_block and rng.random() < min(0.95, p)
        if person.together:
            done[person.together[1]][t] = done[person.together[0]][t]
        same = sum(person.same_day.get(k, 0.0) for k in done if done[k][t])
        pain[t] = latent[t] + same + (rng.normal(0, person.rating_noise) if person.rating_noise else 0.0)
    reported = np.clip(np.round(pain), 0, 10).astype(int)
    dates = [person.start + timedelta(days=t) for t in range(n)]
    unlogged = person.missing + person.missing_per_point * np.clip(latent - mean, 0, None)
    kept = rng.random(n) >= unlogged
    checkins = pd.DataFrame({"date": pd.to_datetime(dates), "pain": reported})
    if person.timing:
        checkins["time"] = "20:30"
    checkins = checkins[kept].reset_index(drop=True)
    rows = []
    for k in done:
        for t in np.flatnonzero(done[k]):
            row = {
                "date": pd.Timestamp(dates[t]),
                "exercise_type": k,
                "duration_min": int(rng.integers(20, 61)),
            }
            if person.timing:
                row["start_time"] = "08:00"
                before = latent[t] + rng.normal(0, person.rating_noise) if rng.random() < 0.7 else np.nan
                row["pain_before"] = np.clip(np.round(before), 0, 10)
            rows.append(row)
    columns = ["date", "exercise_type", "duration_min"] + (
        ["start_time", "pain_before"] if person.timing else []
    )
    sessions = pd.DataFrame(rows, columns=columns)
    return checkins, sessions.sort_values("date", kind="stable").reset_index(drop=True)


def random_person(rng: np.random.Generator, **overrides) -> Person:
    """A person with phi in 0.5-0.8, 90-365 days, and the given overrides."""
    settings = {"days": int(rng.integers(90, 366)), "phi": float(rng.uniform(0.5, 0.8))}
    settings.update(overrides)
    return Person(**settings)


def simulate_experiment(
    plan,
    rng: np.random.Generator,
    *,
    effect: float,
    sd: float = 1.0,
    phi: float = 0.7,
    missing: float = 0.1,
    adherence: float = 4 / 7,
    onset: float = 0.4,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A person following `plan` whose pain is `effect` points different while doing X regularly.

    Latent pain: baseline 5 + AR(1) deviation with marginal sd `sd`; the effect builds up and wears
    off gradually (each day it moves `onset` of the way toward its target), which the washout handles.
    X is done on a share `adherence` of A-period days and on 3% of B-period days (slips); an A period
    followed less often than the plan asks has a proportionally smaller effect.
    """
    from backcare.experiments.plan import schedule

    periods = schedule(plan)
    days = pd.date_range(plan.start, plan.end).date
    arm_of = {d: p.arm for p in periods for d in pd.date_range(p.start, p.end).date}
    deviation = rng.normal(0, sd)
    level = 0.0
    pains, x_days = [], []
    for d in days:
        deviation = phi * deviation + rng.normal(0, sd * np.sqrt(1 - phi**2))
        doing = rng.random() < (adherence if arm_of[d] == "A" else 0.03)
        dose = min(1.0, adherence / (plan.min_days_per_week / 7))
        target = effect * dose if arm_of[d] == "A" else 0.0
        level += onset * (target - level)
        pains.append(5 + deviation + level)
        if doing:
            x_days.append(d)
    pain = np.clip(np.rint(pains), 0, 10).astype(int)
    keep = rng.random(len(days)) >= missing
    checkins = pd.DataFrame(
        {"date": pd.to_datetime(np.array(days)[keep]), "pain": pain[keep], "flare": False}
    )
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(x_days), "exercise_type": plan.exercise_type, "duration_min": 30}
    )
    return checkins, sessions
