"""Simulated people with a planted truth, for validating the statistics.

Each person: latent daily pain = slow trend + AR(1) deviation (phi 0.5-0.8), flare-free; an
exercise habit per type (weekend-heavy walking) that is *less likely on high-pain days* (the
reverse causation that fools naive comparisons); a planted next-day effect per type; missing
days; the diary holds integers 0-10 (rounded, clipped). Optional extra rating noise.
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


def simulate(person: Person, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (checkins, sessions) DataFrames in the exercise_effects input format."""
    n = person.days
    mean = person.base + person.trend_per_year * np.arange(n) / 365
    deviation = rng.normal(0, 1 / np.sqrt(1 - person.phi**2))
    done = {k: np.zeros(n, dtype=bool) for k in person.rates}
    pain = np.zeros(n)
    for t in range(n):
        if t:
            deviation = person.phi * deviation + rng.normal(0, 1)
        effect = sum(person.effects.get(k, 0.0) for k in done if t and done[k][t - 1])
        latent = mean[t] + deviation + effect
        pain[t] = latent + (rng.normal(0, person.rating_noise) if person.rating_noise else 0.0)
        weekend = (person.start + timedelta(days=t)).weekday() >= 5
        for k, rate in person.rates.items():
            p = rate * (1.5 if k == "walking" and weekend else 1.0) * np.exp(-person.confounding * deviation)
            done[k][t] = rng.random() < min(0.95, p)
    reported = np.clip(np.round(pain), 0, 10).astype(int)
    dates = [person.start + timedelta(days=t) for t in range(n)]
    kept = rng.random(n) >= person.missing
    checkins = pd.DataFrame({"date": pd.to_datetime(dates), "pain": reported})[kept].reset_index(drop=True)
    rows = [
        {"date": pd.Timestamp(dates[t]), "exercise_type": k, "duration_min": int(rng.integers(20, 61))}
        for k in done
        for t in np.flatnonzero(done[k])
    ]
    sessions = pd.DataFrame(rows, columns=["date", "exercise_type", "duration_min"])
    return checkins, sessions.sort_values("date").reset_index(drop=True)


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
    X is done on a share `adherence` of A-period days and on 3% of B-period days (slips).
    """
    from backcare.experiments import schedule

    periods = schedule(plan)
    days = pd.date_range(plan.start, plan.end).date
    arm_of = {d: p.arm for p in periods for d in pd.date_range(p.start, p.end).date}
    deviation = rng.normal(0, sd)
    level = 0.0
    pains, x_days = [], []
    for d in days:
        deviation = phi * deviation + rng.normal(0, sd * np.sqrt(1 - phi**2))
        doing = rng.random() < (adherence if arm_of[d] == "A" else 0.03)
        target = effect if arm_of[d] == "A" else 0.0
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
