"""exercise_effects on simulated people whose true effect we planted (200 people per scenario).

Requirements (issue: Insights): with no true effect a "lower pain"/"higher pain" verdict in at
most 5% of people per type; the 95% interval contains a true effect in at least 94% of people;
a true 1-point reduction from 3 sessions a week over 90 days is called "lower pain" in at least
80% of people. A naive with/without comparison is shown to fail on the same people.
The fuller run with more people is benchmarks/bench_effects_validity.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backcare.analysis import exercise_effects
from tests.simulated_people import DEFAULT_RATES, random_person, simulate

PEOPLE = 200


def run(scenario: dict, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(PEOPLE):
        person = random_person(rng, **scenario)
        checkins, sessions = simulate(person, rng)
        result = exercise_effects(checkins, sessions)
        result["truth"] = result["exercise_type"].map(lambda k, p=person: p.effects.get(k, 0.0))
        result["person"] = i
        frames.append(result)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def null_results() -> pd.DataFrame:
    return run({}, seed=101)


def test_no_true_effect_rarely_gets_a_verdict(null_results):
    estimated = null_results[null_results["verdict"] != "not enough data"]
    assert len(estimated) > 0.9 * len(null_results)
    false = estimated.groupby("exercise_type")["verdict"].apply(
        lambda v: v.isin(["lower pain", "higher pain"]).mean()
    )
    assert (false <= 0.05).all(), false.to_dict()


def test_naive_with_without_comparison_would_be_fooled():
    """The same people, compared Bearable-style (mean next-day pain after days with vs without)."""
    rng = np.random.default_rng(101)
    flagged = 0
    for _ in range(60):
        person = random_person(rng)
        checkins, sessions = simulate(person, rng)
        pain = checkins.set_index("date")["pain"].astype(float)
        yoga_days = set(sessions.loc[sessions["exercise_type"] == "yoga", "date"])
        after = pain.shift(-1, freq="D")
        with_yoga = after[after.index.isin(yoga_days)].dropna()
        without = after[~after.index.isin(set(sessions["date"]))].dropna()
        diff = with_yoga.mean() - without.mean()
        se = np.sqrt(with_yoga.var() / len(with_yoga) + without.var() / len(without))
        flagged += abs(diff / se) > 1.96
    assert flagged / 60 > 0.25  # the trap our method avoids


@pytest.fixture(scope="module")
def effect_results() -> pd.DataFrame:
    effects = {"yoga": -1.0, "pilates": 0.5, "strength": 0.0, "walking": -0.5}
    return run({"effects": effects}, seed=202)


def test_intervals_contain_the_planted_effect(effect_results):
    estimated = effect_results[effect_results["verdict"] != "not enough data"]
    covered = (estimated["ci_low"] <= estimated["truth"]) & (estimated["truth"] <= estimated["ci_high"])
    by_type = covered.groupby(estimated["exercise_type"]).mean()
    assert covered.mean() >= 0.94, by_type.to_dict()
    assert (by_type >= 0.93).all(), by_type.to_dict()


def test_one_point_reduction_three_times_a_week_over_90_days_is_found():
    scenario = {
        "days": 90,
        "effects": {"yoga": -1.0, "walking": 0.0},
        "rates": {"yoga": 3 / 7, "walking": 2 / 7},
    }
    results = run(scenario, seed=303)
    yoga = results[results["exercise_type"] == "yoga"]
    assert (yoga["verdict"] == "lower pain").mean() >= 0.80
    assert (yoga["verdict"] == "higher pain").sum() == 0


def test_pure_deterministic_and_fast():
    import time

    rng = np.random.default_rng(5)
    checkins, sessions = simulate(random_person(rng, days=365, rates=DEFAULT_RATES), rng)
    before = (checkins.copy(), sessions.copy())
    started = time.perf_counter()
    first = exercise_effects(checkins, sessions)
    elapsed = time.perf_counter() - started
    assert first.equals(exercise_effects(checkins, sessions))
    pd.testing.assert_frame_equal(checkins, before[0])
    pd.testing.assert_frame_equal(sessions, before[1])
    assert elapsed < 0.5
