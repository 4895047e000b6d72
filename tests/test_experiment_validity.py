"""Experiment verdicts on simulated people with a planted truth (200 per scenario; fuller run in benchmarks/).

People: AR(1) daily pain (phi 0.5-0.8, day-to-day sd 0.8-1.3 points), 10% missing days, integer
ratings, an effect that builds up and wears off over days, the exercise on 4 of 7 days in its periods
and slips (3%) in the others. Plan: 4 pairs of 14-day periods, 3 settling-in days.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from backcare.analysis import experiment_result
from backcare.records import ExperimentPlan
from tests.simulated_people import simulate_experiment

PEOPLE = 200


def verdicts(effect: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(PEOPLE):
        plan = ExperimentPlan("yoga", date(2026, 1, 5), seed=int(rng.integers(1, 2**31)))
        checkins, sessions = simulate_experiment(
            plan, rng, effect=effect, sd=float(rng.uniform(0.8, 1.3)), phi=float(rng.uniform(0.5, 0.8))
        )
        out.append(experiment_result(plan, checkins, sessions, today=plan.end + timedelta(days=1)).verdict)
    return out


@pytest.mark.parametrize("seed", [101])
def test_no_true_effect_rarely_gives_a_clear_verdict(seed):
    found = verdicts(0.0, seed)
    false_rate = sum(v in ("X clearly better", "X clearly worse") for v in found) / PEOPLE
    assert false_rate <= 0.05, false_rate


@pytest.mark.parametrize("seed", [202])
def test_a_one_and_a_half_point_effect_is_found(seed):
    found = verdicts(-1.5, seed)
    power = found.count("X clearly better") / PEOPLE
    assert power >= 0.80, power
    assert found.count("X clearly worse") == 0
