"""The Insights engine's fit next to alternative fits of the same model, on the same simulated
people (bench_effects_validity.py's scenarios).

The engine (effects-7) does not fit the baseline's coefficient in the regression: it is the
persistence of the pain behind the ratings, from a fit of the diary as AR(1) pain plus rating noise
(analysis/persistence.py). The alternatives fit it in the regression: by two-stage least squares
with the four earlier ratings and four missing-rating flags as instruments (effects-6), with the
flags as ordinary controls or two earlier ratings only, with the k-class corrections of two-stage
least squares' bias (Fuller's a = 1; Nagar's k = 1 + (L - 2) / n), or by least squares without
instruments (which a noisy rating pulls toward 0). Printed per fit: false verdicts, coverage, power, mean error
(bias) and the spread of the errors over the interval's standard error, with Monte Carlo errors
clustered by person.
Run: .venv/bin/python benchmarks/bench_effects_fits.py [people [scenario numbers...]]
(default: 200 people, scenarios 4 (rating noise, 2 years), 6 (1 point, 90 days), 9 (after-session
ratings with timing))
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statsmodels.stats.sandwich_covariance import S_hac_simple

from backcare.analysis import effects, exercise_effects
from backcare.analysis.intervals import andrews_lags
from benchmarks.bench_effects_validity import SCENARIOS, mean_and_error
from tests.simulated_people import random_person, simulate

Fit = Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]


def k_class(
    y: np.ndarray, exog: np.ndarray, endog: np.ndarray, instruments: np.ndarray, kind: str, se_of: slice
) -> tuple:
    """k-class estimate with a Newey-West covariance (as the engine's): kind 'ols' (k = 0), '2sls'
    (k = 1), 'fuller' (LIML's k minus 1 / (n - columns of Z)) or 'nagar' (k = 1 + (L - 2) / n).
    The bandwidth is chosen from the scores of the ``se_of`` coefficients, as effects-6 did."""
    x, z = np.column_stack([exog, endog]), np.column_stack([exog, instruments])
    n, p = x.shape

    def residual(a: np.ndarray, m: np.ndarray) -> np.ndarray:
        return m - a @ np.linalg.lstsq(a, m, rcond=None)[0]

    if kind in ("ols", "2sls"):
        k = 0.0 if kind == "ols" else 1.0
    elif kind == "nagar":
        k = 1.0 + (instruments.shape[1] - 2) / n
    else:
        w = np.column_stack([y, endog])
        on_z, on_exog = residual(z, w), residual(exog, w)
        k = float(np.linalg.eigvals(np.linalg.solve(on_z.T @ on_z, on_exog.T @ on_exog)).real.min())
        k -= 1.0 / (n - z.shape[1])
    xk = x - k * residual(z, x)
    bread = np.linalg.pinv(xk.T @ x)
    beta = bread @ xk.T @ y
    resid = y - x @ beta
    scores = xk * resid[:, None]
    lags = andrews_lags(scores @ bread[se_of].T)
    cov = bread @ S_hac_simple(scores, nlags=lags) @ bread.T * n / max(n - p, 1)
    return beta, np.sqrt(np.clip(np.diag(cov), 0, None)), n - p


def variant(kind: str = "2sls", lags: tuple[int, ...] = (1, 2, 3, 4), flags: str = "instruments") -> Fit:
    """The engine's _fit with its instruments or estimator swapped (flags: 'instruments' or 'controls')."""

    def fit(diary, rows, cols, lag):  # same arguments and result as effects._fit
        values, missing = [], []
        for back in lags:
            value, flag = effects._filled(effects._lagged(diary.pain, rows.t, back))
            values.append(value)
            missing.append(flag)
        exog = effects._design(diary, rows.t, rows.done, cols)
        instruments = np.column_stack(values + (missing if flags == "instruments" else []))
        if flags == "controls":
            exog = np.column_stack([exog, *missing])
        baseline, unlogged = rows.baseline, np.isnan(rows.baseline)
        if unlogged.any():
            known = np.column_stack([exog, *values, *missing])
            predicted = known @ np.linalg.lstsq(known[~unlogged], baseline[~unlogged], rcond=None)[0]
            baseline = np.where(unlogged, predicted, baseline)
            exog = np.column_stack([exog, unlogged])
        k = len(cols)
        beta, se, df = k_class(rows.outcome, exog, baseline, instruments, kind, slice(1, 1 + k))
        days_with = rows.done[:, cols].sum(axis=0)
        return (
            beta[1 : 1 + k],
            se[1 : 1 + k],
            stats.t.ppf(0.975, np.clip(np.minimum(df, days_with - 1), 1, None)),
        )

    return fit


ENGINE = "engine (effects-7: the persistence from an AR(1)-plus-noise fit)"
FITS: dict[str, Fit] = {
    ENGINE: effects._fit,
    "two-stage least squares (effects-6)": variant(),
    "missing flags as controls": variant(flags="controls"),
    "2 earlier ratings, flags as controls": variant(lags=(1, 2), flags="controls"),
    "Fuller (a = 1), engine's instruments": variant("fuller"),
    "Nagar, engine's instruments": variant("nagar"),
    "least squares, no instruments": variant("ols"),
}


def collect(overrides: dict, people: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    try:
        for person_number in range(people):
            person = random_person(rng, **overrides)
            checkins, sessions = simulate(person, rng)
            for name, fit in FITS.items():
                effects._fit = fit
                for row in exercise_effects(checkins, sessions).to_dict("records"):
                    truth = person.effects.get(row["exercise_type"], 0.0)
                    rows.append({"fit": name, "person": person_number, "truth": truth, **row})
    finally:
        effects._fit = FITS[ENGINE]
    return pd.DataFrame(rows)


def summary(d: pd.DataFrame) -> dict[str, str]:
    who = d["person"]
    said = d["verdict"].isin(["lower pain", "higher pain"])
    null, real, est = d[d["truth"] == 0], d[d["truth"] != 0], d[d["ci_low"].notna()]
    right = ((real["truth"] < 0) & (real["verdict"] == "lower pain")) | (
        (real["truth"] > 0) & (real["verdict"] == "higher pain")
    )
    error = est["estimate"] - est["truth"]
    z = error / ((est["ci_high"] - est["ci_low"]) / (2 * 1.96))

    def pct(flags: pd.Series) -> str:
        if len(flags) == 0:
            return "-"
        p, e = mean_and_error(flags, who)
        return f"{p:.1%} ± {e:.1%}"

    bias, bias_error = mean_and_error(error, who)
    return {
        "false verdicts": pct(said[null.index]),
        "coverage": pct((est["ci_low"] <= est["truth"]) & (est["truth"] <= est["ci_high"])),
        "power": pct(right),
        "bias": f"{bias:+.3f} ± {bias_error:.3f}",
        "spread/SE": f"{z.std():.2f} ± {z.std() / math.sqrt(2 * len(z)):.2f}",
        "mean half-width": f"{((est['ci_high'] - est['ci_low']) / 2).mean():.3f}",
    }


def main() -> int:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    chosen = [int(n) for n in sys.argv[2:]] or [4, 6, 9]
    print(
        f"{people} simulated people per scenario, every fit on the same people; Monte Carlo errors by person\n"
    )
    for number in chosen:
        name, overrides, _lag = SCENARIOS[number - 1]
        d = collect(overrides, people, number)
        table = pd.DataFrame([{"fit": fit, **summary(g)} for fit, g in d.groupby("fit", sort=False)])
        print(f"{name}\n{table.to_markdown(index=False)}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
