"""Intervals: the one Student t interval for a mean, and the regression fit behind Insights.

The regression is least squares with a Newey-West (Bartlett) covariance whose bandwidth is chosen
from the data (Andrews' AR(1) plug-in). The kernel is statsmodels' ``S_hac_simple``; the
least-squares step is NumPy for speed and is pinned against statsmodels'
``OLS(cov_type="HAC")`` in tests/test_effects_model.py on the same data.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from scipy import special  # the t quantile without loading scipy.stats (0.45 s)
from statsmodels.stats.sandwich_covariance import S_hac_simple
from threadpoolctl import ThreadpoolController


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` with a two-sided Student t interval at ``level`` (NaN bounds below 2 values)."""
    values = np.asarray(values, dtype=float)
    k = len(values)
    if k == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if k < 2:
        return mean, math.nan, math.nan
    half = float(special.stdtrit(k - 1, 0.5 + level / 2)) * float(values.std(ddof=1)) / math.sqrt(k)
    return mean, mean - half, mean + half


def andrews_lags(scores: np.ndarray) -> int:
    """Bartlett-kernel lags chosen from the data: Andrews (1991, Econometrica 59, 817-858) plug-in
    with an AR(1) fitted to each score column, bandwidth 1.1447 (alpha(1) n)^(1/3) with
    alpha(1) = sum 4 rho^2 s^4 / ((1 - rho)^6 (1 + rho)^2) / sum s^4 / (1 - rho)^4 (rho clipped to
    +-0.97), at least 1 and at most n / 4. Scores that persist (exercise taken up in blocks of
    weeks) get more lags than the fixed rule, and their interval the width they need."""
    scores = scores.reshape(len(scores), -1)
    now, before = scores[1:], scores[:-1]
    rho = np.clip((now * before).sum(axis=0) / np.maximum((before * before).sum(axis=0), 1e-300), -0.97, 0.97)
    spread = ((now - rho * before) ** 2).mean(axis=0) ** 2
    alpha = (4 * rho**2 * spread / ((1 - rho) ** 6 * (1 + rho) ** 2)).sum() / max(
        (spread / (1 - rho) ** 4).sum(), 1e-300
    )
    bandwidth = 1.1447 * (alpha * len(scores)) ** (1 / 3)
    return int(max(1, min(math.floor(bandwidth), len(scores) // 4)))


def ols_fit(
    y: np.ndarray, exog: np.ndarray, se_of: slice = slice(None), lags: int | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Least squares of ``y`` on ``exog``. Returns the coefficients, their HAC standard errors
    (Bartlett kernel with ``lags`` lags, by default ``andrews_lags`` of the scores; small-sample
    factor n/(n-p) as statsmodels' ``use_correction``) and the residual degrees of freedom.
    ``se_of``: the coefficients whose standard errors are wanted (the kernel then runs on their
    few score columns instead of all of them: the same numbers, a fraction of the work)."""
    n, p = exog.shape
    bread = np.linalg.pinv(exog.T @ exog)
    beta = bread @ (exog.T @ y)
    resid = y - exog @ beta
    # bread @ S(scores) @ bread restricted to ``se_of`` is S of the scores projected on those rows
    projected = (exog @ bread[se_of].T) * resid[:, None]
    cov = S_hac_simple(projected, nlags=andrews_lags(projected) if lags is None else lags) * n / max(n - p, 1)
    return beta, np.sqrt(np.clip(np.diag(cov), 0, None)), n - p


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which BLAS uses one thread. The Insights matrices are small (days x a few dozen
    columns); with BLAS's default threads they spin and wait for each other on a busy machine,
    several times slower in wall-clock time (benchmarks/bench_effects_validity.py prints both)."""
    return _blas().limit(limits=1, user_api="blas")
