"""The Insights model on awkward but ordinary input, and its fast path pinned against statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from backcare.analysis import effect_details, exercise_effects, lag_profile
from backcare.analysis.intervals import andrews_lags, ols_fit, t_interval
from tests.simulated_people import Person, simulate


def diary(seed: int = 3, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = {
        "days": 240,
        "rates": {"yoga": 3 / 7, "walking": 2 / 7},
        "effects": {"yoga": -1.0, "walking": 0.0},
    }
    settings.update(kw)
    return simulate(Person(**settings), np.random.default_rng(seed))


def hac_lags(n: int) -> int:
    """Newey-West's fixed rule (effects-4's bandwidth, a comparison here) floor(4 (n/100)^(2/9)) (at least 1): the same for any data."""
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


def test_least_squares_with_hac_errors_matches_statsmodels_on_the_same_data():
    rng = np.random.default_rng(1)
    n = 300
    x = np.column_stack([np.ones(n), rng.random((n, 3)), rng.normal(size=n)])
    noise = np.convolve(rng.normal(size=n + 2), [1.0, 0.6, 0.3])[2 : n + 2]  # autocorrelated errors
    y = x @ [1.0, 2.0, 0.0, 1.0, 0.5] + noise
    for lags in (hac_lags(n), 9):
        beta, se, df = ols_fit(y, x, lags=lags)
        ols = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
        np.testing.assert_allclose(beta, ols.params, rtol=1e-9)
        np.testing.assert_allclose(se, ols.bse, rtol=1e-9)
        assert df == n - 5
        # The standard errors of a few coefficients only: the same numbers as statsmodels' for those.
        beta_some, se_some, _ = ols_fit(y, x, se_of=slice(1, 3), lags=lags)
        np.testing.assert_allclose(beta_some, ols.params, rtol=1e-9)
        np.testing.assert_allclose(se_some, ols.bse[1:3], rtol=1e-9)
    # By default the lags come from the scores themselves (Andrews' plug-in, tested below).
    beta = ols.params
    scores = x * (y - x @ beta)[:, None]
    chosen = andrews_lags(scores @ np.linalg.pinv(x.T @ x)[1:3].T)
    ols = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": chosen, "use_correction": True})
    np.testing.assert_allclose(ols_fit(y, x, se_of=slice(1, 3))[1], ols.bse[1:3], rtol=1e-9)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_the_data_chosen_bandwidth_is_andrews_ar1_plug_in(rho):
    """For one AR(1) score series the plug-in is 1.1447 (4 rho^2 / ((1 - rho)^2 (1 + rho)^2) n)^(1/3)
    (Andrews 1991, Bartlett kernel): few lags for independent scores, many for persistent ones,
    never fewer than 1 or more than n / 4."""
    rng = np.random.default_rng(3)
    n = 20000
    series = np.zeros(n)
    for t in range(1, n):
        series[t] = rho * series[t - 1] + rng.normal()
    expected = 1.1447 * (4 * rho**2 / ((1 - rho) ** 2 * (1 + rho) ** 2) * n) ** (1 / 3)
    assert abs(andrews_lags(series) - max(1, math.floor(expected))) <= max(1, 0.05 * expected)
    assert andrews_lags(np.ones(40)) <= 10  # a constant column: at most n / 4


def test_exercise_in_blocks_gets_a_wider_kernel_than_the_fixed_rule():
    """With exercise taken up in blocks of three weeks and errors that drift over weeks, the scores
    persist: the data-chosen bandwidth is several times the fixed rule's, and so is the interval
    wider than the fixed rule gives (whose errors, measured over many diaries, are too small)."""
    rng = np.random.default_rng(5)
    n = 365
    blocks = ((np.arange(n) // 21) % 3 == 0).astype(float)
    exog = np.column_stack([np.ones(n), blocks])
    drift = np.convolve(rng.normal(size=n + 20), np.ones(21) / np.sqrt(21), mode="valid")[:n]
    y = 5 + drift
    other = rng.normal(size=n)
    design = np.column_stack([exog, other])
    _, se_fixed, _ = ols_fit(y, design, se_of=slice(1, 2), lags=hac_lags(n))
    _, se_chosen, _ = ols_fit(y, design, se_of=slice(1, 2))
    scores = (exog[:, 1] - blocks.mean()) * (y - y.mean())
    assert andrews_lags(scores) >= 3 * hac_lags(n)
    assert se_chosen[0] > 1.2 * se_fixed[0]


def test_t_interval_is_the_textbook_one():
    mean, _low, high = t_interval(np.array([1.0, 2.0, 3.0, 4.0]), 0.95)
    assert mean == 2.5 and high - mean == pytest.approx(3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2, rel=1e-5)
    assert all(np.isnan(v) for v in t_interval(np.array([1.0]))[1:])


@pytest.mark.parametrize("key", ["trend", "outcome", "pain", "control", "date", "carry:yoga", "0"])
def test_a_type_key_that_looks_like_an_internal_name_gives_the_same_answer(key):
    checkins, sessions = diary()
    plain = effect_details(checkins, sessions)
    renamed = effect_details(checkins, sessions.replace({"exercise_type": {"yoga": key}}))
    row = renamed.set_index("exercise_type").loc[key]
    expected = plain.set_index("exercise_type").loc["yoga"]
    assert row["verdict"] == expected["verdict"]
    assert row["estimate"] == pytest.approx(expected["estimate"], abs=1e-9)
    assert row["ci_low"] == pytest.approx(expected["ci_low"], abs=1e-9)


def test_constant_pain_is_not_enough_variation():
    checkins, sessions = diary()
    out = effect_details(checkins.assign(pain=4), sessions)
    assert (out["verdict"] == "not enough data").all()
    assert out["reason"].str.contains("not enough variation").all()


def test_two_types_always_done_together_cannot_be_told_apart():
    checkins, sessions = diary()
    twin = sessions[sessions["exercise_type"] == "yoga"].assign(exercise_type="pilates")
    out = effect_details(checkins, pd.concat([sessions, twin])).set_index("exercise_type")
    for key in ("yoga", "pilates"):
        assert out.loc[key, "verdict"] == "not enough data"
        assert "cannot be told apart" in out.loc[key, "reason"]
    assert out.loc["walking", "verdict"] != "not enough data"


def test_dates_are_normalised_before_analysis():
    checkins, sessions = diary()
    expected = exercise_effects(checkins, sessions)
    aware = checkins.assign(date=checkins["date"].dt.tz_localize("Europe/Berlin") + pd.Timedelta(hours=21))
    strings = sessions.assign(date=sessions["date"].dt.strftime("%Y-%m-%dT07:30:00+05:00"))
    junk = pd.DataFrame({"date": [None, "not a date", np.nan], "pain": [3, 4, np.nan]})
    duplicate = checkins.iloc[[10]]  # the same day again with the same rating
    mixed = pd.concat([aware.astype({"date": object}), junk, duplicate], ignore_index=True)
    pd.testing.assert_frame_equal(exercise_effects(mixed, strings), expected)


def test_same_day_is_never_given_a_verdict_or_interval():
    checkins, sessions = diary()
    out = exercise_effects(checkins, sessions, lag=0)
    assert (out["verdict"] == "not enough data").all() and out["ci_low"].isna().all()
    profile = lag_profile(checkins, sessions)
    assert profile.loc[profile["lag"] == 0, "estimate"].isna().all()
    assert profile.loc[profile["lag"] == 1, "estimate"].notna().all()


def after_session_diary(timing: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    return diary(
        seed=11, days=365, effects={"yoga": 0.0, "walking": 0.0}, same_day={"yoga": -1.5}, timing=timing
    )


def test_ratings_after_the_session_without_timing_withhold_the_next_day_verdict():
    out = effect_details(*after_session_diary(timing=False)).set_index("exercise_type")
    assert out.loc["yoga", "verdict"] == "not enough data"
    assert "rated after the session" in out.loc["yoga", "reason"]


def test_with_timing_the_pain_before_the_session_is_the_baseline():
    checkins, sessions = after_session_diary(timing=True)
    out = effect_details(checkins, sessions).set_index("exercise_type")
    assert out.loc["yoga", "verdict"] == "no clear difference", out.loc["yoga"].to_dict()
    # Dropping the timing columns brings the after-session pattern back.
    untimed = effect_details(
        checkins.drop(columns="time"), sessions.drop(columns=["start_time", "pain_before"])
    )
    assert untimed.set_index("exercise_type").loc["yoga", "verdict"] == "not enough data"


def test_the_next_days_outcome_is_pain_before_that_days_own_exercise():
    """A rating made after the next day's session also holds that session's same-day effect: the
    outcome is then the session's pain before; an after-session rating without one gives no row;
    a day without exercise keeps its rating."""
    from backcare.analysis.diary import build_diary
    from backcare.analysis.effects import _rows

    days = pd.date_range("2026-03-02", periods=4)
    checkins = pd.DataFrame({"date": days, "pain": [5, 2, 3, 4], "time": ["20:00"] * 4})
    sessions = pd.DataFrame(
        {"date": days[[1, 2]], "exercise_type": ["yoga", "yoga"], "duration_min": 30,
         "start_time": ["08:00", "08:00"], "pain_before": [7, np.nan]}
    )  # fmt: skip
    rows = _rows(build_diary(checkins, sessions), 1)
    # day 0 -> day 1: its session's pain before (7), not the evening's 2; day 1 -> day 2: rated
    # only after its session, no pain before: no row; day 2 -> day 3: no exercise, its rating 4.
    assert rows.t.tolist() == [0, 2] and rows.outcome.tolist() == [7.0, 4.0]


def test_the_lag_profiles_next_day_rows_are_the_effects_the_page_shows():
    checkins, sessions = diary()
    profile = lag_profile(checkins, sessions)
    next_day = profile[profile["lag"] == 1].drop(columns="lag").reset_index(drop=True)
    pd.testing.assert_frame_equal(next_day, effect_details(checkins, sessions))


def test_pure_and_deterministic():
    checkins, sessions = diary()
    before = (checkins.copy(), sessions.copy())
    first = effect_details(checkins, sessions)
    pd.testing.assert_frame_equal(first, effect_details(checkins, sessions))
    pd.testing.assert_frame_equal(checkins, before[0])
    pd.testing.assert_frame_equal(sessions, before[1])


def test_a_verdict_never_contradicts_its_interval():
    rng = np.random.default_rng(8)
    seen = set()
    for days in (25, 120, 400):
        for effect in (-1.5, 0.0, 1.0):
            person = Person(
                days=days, effects={"yoga": effect, "walking": 0.0}, rates={"yoga": 3 / 7, "walking": 2 / 7}
            )
            for row in effect_details(*simulate(person, rng)).to_dict("records"):
                seen.add(row["verdict"])
                if row["verdict"] == "not enough data":
                    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"]) and row["reason"]
                    continue
                assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
                assert (row["verdict"] == "lower pain") == (row["ci_high"] < 0)
                assert (row["verdict"] == "higher pain") == (row["ci_low"] > 0)
    assert {"lower pain", "higher pain", "not enough data"} <= seen


def test_a_day_without_a_rating_keeps_its_row_when_the_next_day_was_logged():
    checkins, sessions = diary(missing=0.0)
    days = pd.to_datetime(checkins["date"])
    yoga_days = set(pd.to_datetime(sessions.loc[sessions["exercise_type"] == "yoga", "date"]))
    unrated = sorted(d for d in yoga_days if d.day % 5 == 0)[:20]  # yoga done, pain not logged
    gaps = checkins[~days.isin(unrated)]
    full = effect_details(checkins, sessions).set_index("exercise_type")
    with_gaps = effect_details(gaps, sessions).set_index("exercise_type")
    logged = set(pd.to_datetime(gaps["date"]))
    next_logged = {d for d in yoga_days if d + pd.Timedelta(days=1) in logged}
    # Each yoga day whose next day was logged is a row, rated or not (issue 15: unrated ones were dropped).
    assert with_gaps.loc["yoga", "n_days_with"] == len(next_logged) > len(next_logged & logged)
    assert with_gaps.loc["yoga", "verdict"] != "not enough data"
    assert with_gaps.loc["yoga", "ci_high"] - with_gaps.loc["yoga", "ci_low"] < 1.2 * (
        full.loc["yoga", "ci_high"] - full.loc["yoga", "ci_low"]
    )


def test_the_fits_run_with_one_blas_thread():
    from threadpoolctl import threadpool_info

    from backcare.analysis.intervals import one_blas_thread

    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas  # numpy's BLAS is loaded, so the limit has something to act on
    with one_blas_thread():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")


LOADER_RACE = r"""
import importlib, os, sys, threading

import scipy

from backcare.analysis import intervals

root = os.path.dirname(scipy.__file__)
modules = sorted(
    os.path.relpath(os.path.join(folder, name), os.path.dirname(root)).split(".")[0].replace(os.sep, ".")
    for folder, _, names in os.walk(root) if "tests" not in folder
    for name in names if name.endswith(".so")
)


def import_extensions():  # each import maps a new shared library, holding the GIL
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:
            pass


other = threading.Thread(target=import_extensions, daemon=True)
other.start()
scans = 0
while other.is_alive():  # the first one_blas_thread() of a process lists the loaded libraries
    intervals._blas.cache_clear()
    with intervals.one_blas_thread():
        scans += 1
print(len(modules), scans)
"""


def test_one_blas_thread_never_deadlocks_with_an_import_in_another_thread():
    # The Report page hung under load: its warm-up thread imported WeasyPrint's extension modules
    # (dlopen with the GIL held) while the page's first analysis listed the loaded libraries inside
    # dl_iterate_phdr (the loader lock held, a Python callback waiting for the GIL). threadpoolctl
    # 3.6 deadlocked here on every run; 3.8 reads /proc/self/maps instead.
    import os
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", LOADER_RACE], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    modules, scans = map(int, done.stdout.split())
    assert modules > 50 and scans > 0


def test_rating_and_session_times_are_read_as_hh_mm_and_anything_else_is_no_time():
    from backcare.analysis.diary import _minutes

    texts = ["08:00", " 7:05 ", "20:30", "23:59", "07:30:15", "24:00", "12:60", "7:5", ":30", "x", "", "٣:00"]
    values = pd.Series([*texts, None, np.nan, pd.NA] * 2, dtype=object)
    expected = [480, 425, 1230, 1439, 450] + [np.nan] * 10
    np.testing.assert_array_equal(_minutes(values).to_numpy(), expected * 2)
    assert _minutes(values.astype("string")).tolist()[:5] == expected[:5]
    assert _minutes(pd.Series([], dtype=object)).empty


def test_the_quantiles_from_scipy_special_are_scipy_stats_own():
    # The analysis uses scipy.special (stdtrit, ndtri, ndtr) so that a fresh process, such as the
    # command-line report, need not load scipy.stats (about 0.45 s); the values must be the same.
    from scipy import special, stats

    df = np.array([1, 1.5, 2, 3, 5, 12, 30, 119.5, 1000])
    for p in (0.5, 0.9, 0.95, 0.975, 0.995):
        np.testing.assert_allclose(special.stdtrit(df, p), stats.t.ppf(p, df), rtol=1e-12)
        np.testing.assert_allclose(special.ndtri(p), stats.norm.ppf(p), rtol=1e-12)
    z = np.linspace(-6, 6, 49)
    np.testing.assert_allclose(special.ndtr(z), stats.norm.cdf(z), rtol=1e-12)


def printed_by_a_fresh_process(code: str) -> list[str]:
    """The lines a new Python process running ``code`` prints (the modules it loads are its own)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_report_and_analysis_modules_do_not_load_scipy_stats():
    printed = printed_by_a_fresh_process(
        "import sys, backcare.analysis.effects, backcare.experiments.verdict, backcare.reports.pdf, backcare.cli;"
        "print(sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    )
    assert printed == ["[]"]


def test_trends_do_not_import_the_insights_model_until_it_is_used():
    """Today and the Dashboard draw trends only: reading them from backcare.analysis imports neither
    SciPy nor statsmodels (about 0.3 s); the first use of an Insights name does."""
    printed = printed_by_a_fresh_process(
        "import sys; from backcare import analysis; analysis.pain_series; analysis.headline;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'statsmodels'}));"
        "analysis.lag_profile; print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'statsmodels'}))"
    )
    assert printed == ["[]", "['scipy', 'statsmodels']"]
