"""How much of a day's pain carries over (analysis/persistence.py): the fit pinned against
statsmodels, what it recovers, its window, and what it does when the ratings cannot tell."""

from __future__ import annotations

import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest

from backcare.analysis import effect_details, exercise_effects, persistence
from backcare.analysis.persistence import (
    MAX_SE,
    WINDOW_DAYS,
    Persistence,
    ar1_plus_noise,
    clear_fits,
    pain_persistence,
    window_of,
)
from tests.simulated_people import Person, simulate


def diary(seed: int, days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    person = Person(
        days=days, rates={"yoga": 3 / 7, "walking": 2 / 7}, effects={"yoga": -1.0, "walking": 0.0}
    )
    return simulate(person, np.random.default_rng(seed))


def noisy_ar1(phi: float, noise: float, days: int, seed: int) -> np.ndarray:
    """Ratings of pain that is AR(1) with ``phi`` (innovations sd 1), seen through noise of sd
    ``noise``, rounded, one day in ten unlogged."""
    rng = np.random.default_rng(seed)
    deviation = np.zeros(days)
    for t in range(1, days):
        deviation[t] = phi * deviation[t - 1] + rng.normal()
    ratings = np.clip(np.round(5 + deviation + rng.normal(0, noise, days)), 0, 10)
    return np.where(rng.random(days) < 0.1, np.nan, ratings)


@pytest.mark.parametrize("phi", [0.8, 0.9])
def test_the_persistence_is_the_pains_not_the_noisy_ratings(phi):
    """Noise of sd 1 makes the ratings' own day-to-day correlation about a third lower than the
    pain's (0.8 -> 0.59, 0.9 -> 0.76); the fit recovers the pain's within three standard errors,
    where the ratings' own correlation is more than three away."""
    pain = noisy_ar1(phi, 1.0, WINDOW_DAYS + 31, seed=int(phi * 10))  # every day in the window
    weekday = np.arange(len(pain)) % 7
    found = pain_persistence(pain, weekday, date(2026, 1, 31))
    assert abs(found.phi - phi) <= 3 * found.se
    assert 0.01 < found.se < 0.1
    logged = ~np.isnan(pain[1:]) & ~np.isnan(pain[:-1])
    naive = np.corrcoef(pain[1:][logged], pain[:-1][logged])[0, 1]
    assert naive < phi - 3 * found.se  # the ratings' own correlation would be far off


@pytest.mark.parametrize(
    ("phi", "noise", "days"), [(0.7, 0.3, 90), (0.5, 0.8, 120), (0.8, 1.0, 365), (0.95, 0.3, 365)]
)
def test_the_hand_written_filter_is_statsmodels_sarimax_with_measurement_error(phi, noise, days):
    """The persistence fit is SARIMAX (1, 0, 0) with measurement error (statsmodels' AR(1) plus
    irregular), written out for speed: the same estimate and the same standard error (SARIMAX's
    default, the outer product of the scores) on the same ratings, unlogged days included."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    ratings = noisy_ar1(phi, noise, days, seed=days)
    values = ratings - np.nanmean(ratings)
    found = ar1_plus_noise(values)
    spread = float(np.nanvar(values))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = SARIMAX(values, order=(1, 0, 0), measurement_error=True).fit(
            start_params=[0.6, 0.2 * spread, 0.5 * spread], disp=False
        )
    assert found is not None
    assert found.phi == pytest.approx(reference.params[0], abs=2e-3)
    assert found.se == pytest.approx(np.sqrt(reference.cov_params()[0, 0]), rel=0.02)


def test_a_save_in_the_current_month_keeps_the_persistence_fit():
    """A long diary's fit uses the year before the month of its last day: today's check-in (a new
    value, and a new day) leaves it as it was, so the page after a save does not fit again."""
    assert window_of(300, date(2026, 11, 27)) == slice(0, 300)
    assert window_of(3650, date(2026, 11, 27)) == slice(3650 - 27 - WINDOW_DAYS, 3650 - 27)
    checkins, sessions = diary(seed=4, days=730)
    clear_fits()
    first = exercise_effects(checkins, sessions)
    fits = persistence._fitted.cache_info().misses
    today = checkins["date"].max() + pd.Timedelta(days=1)
    if today.day == 1:  # a new month moves the window: keep the example within one month
        checkins = checkins[checkins["date"] < checkins["date"].max()]
        today = checkins["date"].max() + pd.Timedelta(days=1)
    later = pd.concat([checkins, pd.DataFrame({"date": [today], "pain": [9]})], ignore_index=True)
    again = exercise_effects(later, sessions)
    assert persistence._fitted.cache_info().misses == fits
    assert not first["estimate"].equals(again["estimate"])  # the new day is in the regression


def test_ratings_too_scattered_or_unchanging_give_no_persistence_and_a_reason():
    """No pairs of consecutive logged days, or ratings that never change: no persistence (never a
    guess such as 0, which would drop the adjustment for how the person was), and effects say why."""
    weekday = np.arange(400) % 7
    weekly = np.full(400, np.nan)
    weekly[::7] = np.resize([3.0, 5.0, 4.0, 6.0], len(weekly[::7]))
    assert pain_persistence(weekly, weekday, date(2026, 1, 30)) is None
    assert pain_persistence(np.full(400, 4.0), weekday, date(2026, 1, 30)) is None
    assert Persistence(0.5, 0.1).over(2) == (0.25, pytest.approx(0.1))
    checkins = pd.DataFrame(
        {"date": pd.date_range("2025-01-01", periods=400, freq="7D"), "pain": np.resize([3, 5, 4, 6, 2], 400)}
    )
    sessions = pd.DataFrame({"date": checkins["date"][::2], "exercise_type": "yoga", "duration_min": 30})
    details = effect_details(checkins, sessions)
    assert details["verdict"].eq("not enough data").all()
    assert details["reason"].str.len().gt(0).all()


def test_a_window_that_cannot_be_fitted_gives_way_to_the_last_three_years():
    """A year of ratings that never change (or a sparse one) before the last month of a long diary:
    the fit reads the last three years instead, and finds the pain's persistence there."""
    pain = noisy_ar1(0.8, 0.5, 3 * 365, seed=5)
    end = len(pain) - 31
    pain[end - WINDOW_DAYS : end] = 4.0
    found = pain_persistence(pain, np.arange(len(pain)) % 7, date(2026, 1, 31))
    assert found is not None and abs(found.phi - 0.8) <= 3 * found.se and found.se < 0.1
    weekly = pain.copy()
    weekly[end - WINDOW_DAYS : end] = np.nan
    weekly[end - WINDOW_DAYS : end : 7] = 5.0  # 52 ratings, no two on consecutive days
    found = pain_persistence(weekly, np.arange(len(pain)) % 7, date(2026, 1, 31))
    assert found is not None and abs(found.phi - 0.8) <= 3 * found.se


def test_an_uninformative_fit_has_its_error_capped_not_claimed():
    """Pain that barely carries over, seen through noise: the likelihood is flat in phi. The error
    is capped at half the range a persistence may take, so the interval widens by a bounded term."""
    found = ar1_plus_noise(noisy_ar1(0.05, 1.5, 120, seed=2) - 5)
    assert found is not None and found.se <= MAX_SE


def test_ratings_that_barely_change_claim_no_precision():
    """A year rated 4 but for one day: the scores cannot tell the parameters apart. The standard error
    is the cap, not the near-zero an unscaled inverse gives; a rescaled diary has the same error."""
    flat = np.full(400, 4.0)
    flat[189] = 5.0
    found = pain_persistence(flat, np.arange(400) % 7, date(2026, 1, 30))
    assert found is None or found.se == MAX_SE
    ratings = noisy_ar1(0.7, 0.8, 365, seed=8)
    values = ratings - np.nanmean(ratings)
    small, large = ar1_plus_noise(values), ar1_plus_noise(values * 1e6)
    assert small is not None and large is not None
    assert large.phi == pytest.approx(small.phi, abs=1e-3)
    assert large.se == pytest.approx(small.se, rel=0.02)
    assert ar1_plus_noise(np.array([1.0, np.nan, 2.0])) is None  # two logged days: nothing to fit
