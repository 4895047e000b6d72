"""exercise_effects on simulated people whose truth we planted: small runs sized by their Monte
Carlo standard error, so they pass for any seed, while a deliberately weakened engine fails the same
check (each test runs both). The fuller run is benchmarks/bench_effects_validity.py.

Each bound is the target plus three Monte Carlo standard errors of a rate at the target
(sqrt(p (1 - p) / m) for m person-types): a correct engine fails it with odds of about 1 in 700.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from backcare.analysis import diary, effects, exercise_effects
from backcare.analysis.intervals import ols_fit
from tests.simulated_people import random_person, simulate

SEED = 20261126


def margin(p: float, m: int) -> float:
    return 3 * math.sqrt(p * (1 - p) / m)


def run(people: int, seed: int, **scenario) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(people):
        person = random_person(rng, **scenario)
        checkins, sessions = simulate(person, rng)
        result = exercise_effects(checkins, sessions)
        result["truth"] = result["exercise_type"].map(lambda k, p=person: p.effects.get(k, 0.0))
        result["person"] = i
        frames.append(result)
    return pd.concat(frames, ignore_index=True)


def false_rate(results: pd.DataFrame) -> float:
    null = results[results["truth"] == 0]
    return float(null["verdict"].isin(["lower pain", "higher pain"]).mean())


def false_bound(results: pd.DataFrame) -> float:
    """5% plus three Monte Carlo errors of the false-verdict rate, the larger of the binomial error
    at 5% and the one measured between people (one person's types share a diary, so a person with
    an unusual diary can give several false verdicts at once)."""
    null = results[results["truth"] == 0]
    per_person = null["verdict"].isin(["lower pain", "higher pain"]).groupby(null["person"]).mean()
    between = 3 * float(per_person.std(ddof=1)) / math.sqrt(len(per_person))
    return 0.05 + max(margin(0.05, len(null)), between)


def coverage(results: pd.DataFrame) -> tuple[float, int]:
    est = results[results["ci_low"].notna()]
    return float(((est["ci_low"] <= est["truth"]) & (est["truth"] <= est["ci_high"])).mean()), len(est)


@pytest.fixture
def weakened(monkeypatch):
    """The engine as it was: the day's rating adjusted for as measured (its coefficient fitted by
    least squares, which a noisy rating pulls toward 0)."""

    def adjusted_as_measured(diary, rows, cols, lag):
        ok = ~np.isnan(rows.baseline)
        exog = effects._design(diary, rows.t[ok], rows.done[ok], cols)
        beta, se, _df = ols_fit(rows.outcome[ok], np.column_stack([exog, rows.baseline[ok]]))
        return beta[1 : 1 + len(cols)], se[1 : 1 + len(cols)], np.full(len(cols), 1.96)

    def apply():
        monkeypatch.setattr(effects, "_fit", adjusted_as_measured)

    return apply


NOISY = {"days": 365, "rating_noise": 0.7}


def test_noisy_ratings_do_not_create_false_verdicts_and_the_weakened_engine_does(weakened):
    people = 40  # 160 person-types
    results = run(people, SEED, **NOISY)
    bound = false_bound(results)
    assert false_rate(results) <= bound
    weakened()
    assert false_rate(run(people, SEED, **NOISY)) > bound  # the check can fail


def test_intervals_cover_the_planted_effects_and_the_weakened_engines_do_not(weakened):
    people = 40
    scenario = {**NOISY, "effects": {"yoga": -1.0, "pilates": 0.5, "strength": 0.0, "walking": -0.5}}
    covered, m = coverage(run(people, SEED + 1, **scenario))
    assert covered >= 0.95 - margin(0.95, m)
    weakened()
    covered_weak, m_weak = coverage(run(people, SEED + 1, **scenario))
    assert covered_weak < 0.95 - margin(0.95, m_weak)


AFTER_SESSION = {"same_day": {"yoga": -1.0}, "timing": True}


def test_ratings_made_after_the_session_with_timing_give_no_false_next_day_verdicts(monkeypatch):
    # Yoga lowers the rating made that evening, after the session, and nothing the next day: with
    # the times and pain before recorded, the baseline is pain before the exercise. The weakened
    # engine adjusts for the evening rating itself (and is told it was timed, so the after-session
    # signature cannot hold its verdict back): yoga then looks like next-day harm.
    people = 80  # 320 person-types
    results = run(people, SEED + 4, **AFTER_SESSION)
    bound = false_bound(results)
    assert false_rate(results) <= bound
    monkeypatch.setattr(diary, "_baselines", lambda c, s, days, baseline, timed: (baseline, ~timed))
    weakened = run(people // 4, SEED + 4, **AFTER_SESSION)
    assert false_rate(weakened[weakened["exercise_type"] == "yoga"]) > bound  # about 4 in 10


ONE_POINT = {
    "days": 90,
    "effects": {"yoga": -1.0, "walking": 0.0},
    "rates": {"yoga": 3 / 7, "walking": 2 / 7},
}


@pytest.fixture
def dropping_rows(monkeypatch):
    """The engine before the power work: a row is dropped whenever day t has no usable rating."""

    original = effects._rows

    def rows(diary, lag):
        kept = original(diary, lag)
        ok = ~np.isnan(kept.baseline)
        return effects._Rows(kept.t[ok], kept.outcome[ok], kept.baseline[ok], kept.done[ok])

    def apply():
        monkeypatch.setattr(effects, "_rows", rows)

    return apply


def half_widths(results: pd.DataFrame) -> pd.Series:
    yoga = results[results["exercise_type"] == "yoga"].set_index("person")
    return (yoga["ci_high"] - yoga["ci_low"]) / 2


def test_a_one_point_reduction_is_found_with_the_target_power(dropping_rows):
    people = 120
    results = run(people, SEED + 2, **ONE_POINT)
    yoga = results[results["exercise_type"] == "yoga"]
    # Target 85% (bench_effects_validity.py, effects-7: 91.8% ± 1.4%; effects-6 86%): three Monte Carlo errors below it.
    assert (yoga["verdict"] == "lower pain").mean() >= 0.85 - margin(0.85, people)
    assert (yoga["verdict"] == "higher pain").sum() == 0
    assert false_rate(results) <= 0.05 + margin(0.05, people)
    # Weakened (rows dropped) on the same people: its intervals are wider, by more than three Monte
    # Carlo errors of the paired mean difference.
    dropping_rows()
    wider = (half_widths(run(people, SEED + 2, **ONE_POINT)) - half_widths(results)).dropna()
    assert wider.mean() > 3 * wider.std(ddof=1) / math.sqrt(len(wider))


def test_naive_comparison_on_the_same_people_is_fooled_where_the_engine_is_not():
    rng = np.random.default_rng(SEED + 3)
    people, naive, engine = 40, 0, 0
    for _ in range(people):
        checkins, sessions = simulate(random_person(rng), rng)
        pain = checkins.set_index("date")["pain"].astype(float)
        after = pain.shift(-1, freq="D")
        yoga_days = set(sessions.loc[sessions["exercise_type"] == "yoga", "date"])
        with_yoga = after[after.index.isin(yoga_days)].dropna()
        without = after[~after.index.isin(set(sessions["date"]))].dropna()
        se = np.sqrt(with_yoga.var() / len(with_yoga) + without.var() / len(without))
        naive += abs((with_yoga.mean() - without.mean()) / se) > 1.96
        verdict = exercise_effects(checkins, sessions).set_index("exercise_type").loc["yoga", "verdict"]
        engine += verdict in ("lower pain", "higher pain")
    assert engine / people <= 0.05 + margin(0.05, people)
    assert naive / people > 0.05 + margin(0.05, people)
