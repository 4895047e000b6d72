"""Validation of exercise_effects on simulated people with a planted truth, plus its runtime.

For each scenario (tests/simulated_people.py) it prints, with Monte Carlo standard errors:
false verdicts (share of do-nothing person-types called "lower" or "higher pain"; target <= 5%),
coverage of the 95% interval over the estimated person-types (target >= 94%), power (share of
person-types with a real effect called in the right direction), refusals (no verdict), and where
false verdicts come from: the mean error of the estimates (bias) and the spread of the errors over
the standard error the interval implies (1.00: the interval's width is right), next to
the naive with/without comparison and a regression with AR(1) errors fitted by maximum likelihood
(statsmodels SARIMAX, order (1, 0, 0) with the regressors as exog; unlogged days are missing
values the Kalman filter skips) measured on the same people in the same run. Then the time for effects plus the lag
profile on ten years of data (target <= 150 ms together).
Run: .venv/bin/python benchmarks/bench_effects_validity.py [people [scenario numbers...] [ref=N]]
(people 0: runtime only; OMP_NUM_THREADS=1 keeps BLAS from spinning on a shared machine)
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.tsa.statespace.sarimax import SARIMAX

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.analysis import exercise_effects, lag_profile
from backcare.analysis.persistence import clear_fits
from tests.simulated_people import DEFAULT_RATES, random_person, simulate

ONE_POINT = {
    "days": 90,
    "effects": {"yoga": -1.0, "walking": 0.0},
    "rates": {"yoga": 3 / 7, "walking": 2 / 7},
}
MIXED = {"effects": {"yoga": -1.0, "pilates": 0.5, "strength": 0.0, "walking": -0.5}}
SAME_DAY = {"same_day": {"yoga": -1.0}}
SCENARIOS: list[tuple[str, dict, int]] = [
    ("No true effect, 90-365 days", {}, 1),
    ("No true effect, strong reverse causation", {"confounding": 0.8}, 1),
    ("Rating noise sd 0.7, 1 year", {"days": 365, "rating_noise": 0.7}, 1),
    ("Rating noise sd 0.7, 2 years", {"days": 730, "rating_noise": 0.7}, 1),
    ("Rating noise sd 0.7, 3 years", {"days": 1095, "rating_noise": 0.7}, 1),
    ("1-point reduction, 3 sessions a week, 90 days", ONE_POINT, 1),
    ("Mixed effects (yoga -1, walking -0.5, pilates +0.5)", MIXED, 1),
    ("Yoga lowers the same evening's rating by 1, rated after the session, no timing data", SAME_DAY, 1),
    ("The same, with rating and session times and pain before (70% of sessions)", {**SAME_DAY, "timing": True}, 1),
    ("Same day (lag 0), nothing works", {}, 0),
    ("Unlogged days more likely when pain is high", {"missing_per_point": 0.15}, 1),
    ("Exercise taken up in blocks during a recovery", {"blocks": True, "trend_per_year": -3.0}, 1),
    ("Heavy-tailed shocks (t, 3 df) and flares", {"shock_df": 3.0, "flares_per_year": 8.0}, 1),
    ("Short diaries (35-60 days)", {"days": "short"}, 1),
    ("Yoga and pilates always together; strength rare (1 in 2 weeks)", {"together": ("yoga", "pilates"), "rates": {**DEFAULT_RATES, "strength": 1 / 14}}, 1),
    ("Rating noise sd 0.7, 90-365 days", {"rating_noise": 0.7}, 1),
]  # fmt: skip


def naive_verdict(checkins: pd.DataFrame, sessions: pd.DataFrame, key: str, lag: int) -> bool:
    """Bearable-style: mean pain `lag` days after days with vs without any exercise, |z| > 1.96."""
    pain = checkins.set_index("date")["pain"].astype(float)
    after = pain.shift(-lag, freq="D")
    days = set(sessions.loc[sessions["exercise_type"] == key, "date"])
    with_it = after[after.index.isin(days)].dropna()
    without = after[~after.index.isin(set(sessions["date"]))].dropna()
    if len(with_it) < 3 or len(without) < 3:
        return False
    se = math.sqrt(with_it.var() / len(with_it) + without.var() / len(without))
    return bool(se > 0 and abs((with_it.mean() - without.mean()) / se) > 1.96)


def reference(checkins: pd.DataFrame, sessions: pd.DataFrame, types: list[str], lag: int) -> dict[str, tuple]:
    """Regression with AR(1) errors fitted by maximum likelihood (statsmodels SARIMAX, order
    (1, 0, 0), constant): pain(t+lag) on each type's indicator of day t, weekday and trend, every
    calendar day a row (unlogged days are missing values). Returns the 95% (low, high) per type."""
    days = pd.date_range(checkins["date"].min(), checkins["date"].max())
    pain = checkins.groupby("date")["pain"].mean().reindex(days).to_numpy(float)
    y = np.full(len(days), np.nan)
    y[: len(days) - lag] = pain[lag:]
    if np.count_nonzero(~np.isnan(y)) < 28:
        return {}
    exog = pd.DataFrame({"trend": np.arange(len(days)) / 365}, index=range(len(days)))
    for i, key in enumerate(types):
        exog[f"x{i}"] = days.isin(set(sessions.loc[sessions["exercise_type"] == key, "date"])).astype(float)
    weekday = pd.get_dummies(days.day_of_week, prefix="d", drop_first=True).astype(float)
    exog = exog.join(weekday.set_index(exog.index))
    exog = exog.loc[:, exog.std() > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(y, exog=exog, order=(1, 0, 0), trend="c").fit(disp=False)
    ci = pd.DataFrame(fit.conf_int(), index=fit.param_names)
    return {key: tuple(ci.loc[f"x{i}"]) for i, key in enumerate(types) if f"x{i}" in ci.index}


def mean_and_error(values: pd.Series, person: pd.Series) -> tuple[float, float]:
    """Mean of ``values`` and its Monte Carlo standard error, clustered by person: one person's types
    share a diary, so their results are not independent (an unusual diary can give several false
    verdicts at once); with one value per person this is the usual binomial error."""
    values = values.astype(float)
    mean = float(values.mean())
    sums = (values - mean).groupby(person.loc[values.index]).sum()
    groups = len(sums)
    return mean, math.sqrt(float((sums**2).sum()) * groups / max(groups - 1, 1)) / len(values)


def rate(flags: pd.Series, person: pd.Series) -> str:
    if len(flags) == 0:
        return "   -           "
    p, error = mean_and_error(flags, person)
    return f"{p:6.1%} ± {error:4.1%}"


def run(name: str, overrides: dict, lag: int, people: int, seed: int, ref_people: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(people):
        settings = dict(overrides)
        if settings.get("days") == "short":
            settings["days"] = int(rng.integers(35, 61))
        person = random_person(rng, **settings)
        checkins, sessions = simulate(person, rng)
        result = exercise_effects(checkins, sessions, lag=lag)
        types = list(result["exercise_type"])
        ref = reference(checkins, sessions, types, lag) if i < ref_people else {}
        for row in result.to_dict("records"):
            key = row["exercise_type"]
            truth = person.effects.get(key, 0.0) if lag else person.same_day.get(key, 0.0)
            low, high = ref.get(key, (math.nan, math.nan))
            rows.append(
                {
                    "person": i, "truth": truth, "verdict": row["verdict"], "low": row["ci_low"],
                    "high": row["ci_high"], "estimate": row["estimate"],
                    "naive": naive_verdict(checkins, sessions, key, lag), "ref_low": low, "ref_high": high,
                }
            )  # fmt: skip
    d = pd.DataFrame(rows)
    null, real = d[d["truth"] == 0], d[d["truth"] != 0]
    said = d["verdict"].isin(["lower pain", "higher pain"])
    est = d[d["low"].notna()]
    error = est["estimate"] - est["truth"]
    z = error / ((est["high"] - est["low"]) / (2 * 1.96))  # the interval's implied standard error
    right = ((real["truth"] < 0) & (real["verdict"] == "lower pain")) | (
        (real["truth"] > 0) & (real["verdict"] == "higher pain")
    )
    ref = d[d["ref_low"].notna()]
    ref_said = (ref["ref_high"] < 0) | (ref["ref_low"] > 0)
    ref_null = ref["truth"] == 0
    ref_right = ((ref["truth"] < 0) & (ref["ref_high"] < 0)) | ((ref["truth"] > 0) & (ref["ref_low"] > 0))
    who = d["person"]
    bias, bias_error = mean_and_error(error, who) if len(est) > 1 else (math.nan, math.nan)
    return {
        "scenario": name,
        "false verdicts": rate(said[null.index], who),
        "coverage": rate((est["low"] <= est["truth"]) & (est["truth"] <= est["high"]), who),
        "power": rate(right, who),
        "refusals": rate(d["verdict"] == "not enough data", who),
        "bias": f"{bias:+.3f} ± {bias_error:.3f}" if len(est) > 1 else "-",
        "spread/SE": f"{z.std():.2f} ± {z.std() / math.sqrt(2 * len(z)):.2f}" if len(est) > 1 else "-",
        "naive false": rate(null["naive"], who),
        "AR(1) ref. false": rate(ref_said[ref_null], who),
        "AR(1) ref. coverage": rate(
            (ref["ref_low"] <= ref["truth"]) & (ref["truth"] <= ref["ref_high"]), who
        ),
        "AR(1) ref. power": rate(ref_right[~ref_null], who),
    }


def ten_year_runtime() -> dict[str, float]:
    """Median wall-clock and CPU milliseconds for exercise_effects + lag_profile, and for
    lag_profile alone (the Insights page's one pass: its next-day rows are the effects). CPU time
    is printed too because wall-clock time on a shared machine includes waiting for a core."""
    rng = np.random.default_rng(0)
    checkins, sessions = simulate(random_person(rng, days=3650, trend_per_year=0.0), rng)
    runs: dict[str, list[float]] = {"both": [], "both_cpu": [], "page": [], "page_cpu": []}
    for _ in range(7):
        clear_fits()  # after a save the diary differs: its persistence is fitted again
        wall, cpu = time.perf_counter(), time.process_time()
        exercise_effects(checkins, sessions)
        lag_profile(checkins, sessions)
        runs["both"].append(time.perf_counter() - wall)
        runs["both_cpu"].append(time.process_time() - cpu)
        clear_fits()
        wall, cpu = time.perf_counter(), time.process_time()
        lag_profile(checkins, sessions)
        runs["page"].append(time.perf_counter() - wall)
        runs["page_cpu"].append(time.process_time() - cpu)
    return {key: float(np.median(values)) * 1000 for key, values in runs.items()}


def runtime_line() -> str:
    r = ten_year_runtime()
    load = os.getloadavg()[0]
    return (
        f"ten years of data: exercise_effects + lag_profile median {r['both']:.0f} ms wall, {r['both_cpu']:.0f} ms CPU "
        f"(target <= 150 ms); the Insights page's single lag_profile pass {r['page']:.0f} ms wall, "
        f"{r['page_cpu']:.0f} ms CPU; load average {load:.1f} on {os.cpu_count()} cores"
    )


def main() -> int:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    if people == 0:  # runtime only
        print(runtime_line())
        return 0
    # optional: scenario numbers (1-based) to run in parallel shells, and ref=N to fit the (slow)
    # maximum-likelihood reference on the first N people of each scenario only
    chosen = {int(n) for n in sys.argv[2:] if n.isdigit()}
    ref_people = next((int(a[4:]) for a in sys.argv[2:] if a.startswith("ref=")), people)
    print(
        f"{people} simulated people per scenario (the AR(1) reference on the first {min(ref_people, people)}); "
        "rates and bias with Monte Carlo standard errors clustered by person\n"
    )
    table = []
    for seed, (name, over, lag) in enumerate(SCENARIOS, start=1):
        if not chosen or seed in chosen:
            table.append(run(name, over, lag, people, seed, ref_people))
            print(" | ".join(table[-1].values()), flush=True)  # each row as soon as it is measured
    frame = pd.DataFrame(table)
    print(frame.to_markdown(index=False))
    print("\nAR(1) ref.: statsmodels SARIMAX order (1, 0, 0) with exog, maximum likelihood, same people.")
    print("\n" + runtime_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
