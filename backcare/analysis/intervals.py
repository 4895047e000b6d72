"""Intervals: the one Student t interval for a mean, and the regression fit behind Insights.

The regression is two-stage least squares (instrumental variables) with a Newey-West (Bartlett)
covariance. The kernel is statsmodels' ``S_hac_simple``; the least-squares steps are NumPy for
speed and are pinned against statsmodels' ``IV2SLS`` and ``OLS(cov_type="HAC")`` in
tests/test_effects_model.py on the same data.
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


def hac_lags(n: int) -> int:
    """Newey-West bandwidth, the automatic rule floor(4 (n/100)^(2/9)) (at least 1)."""
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


def iv_fit(
    y: np.ndarray, exog: np.ndarray, endog: np.ndarray, instruments: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Two-stage least squares of ``y`` on ``[exog, endog]``, ``endog`` instrumented by
    ``instruments`` (``exog`` instruments itself). Returns the coefficients, their HAC standard
    errors (Bartlett kernel, ``hac_lags(n)``, small-sample factor n/(n-p) as statsmodels'
    ``use_correction``) and the residual degrees of freedom. Columns follow ``[exog, endog]``."""
    regressors = np.column_stack([exog, endog])
    all_instruments = np.column_stack([exog, instruments])
    first = np.linalg.pinv(all_instruments.T @ all_instruments) @ (all_instruments.T @ endog)
    fitted = np.column_stack([exog, all_instruments @ first])
    bread = np.linalg.pinv(fitted.T @ fitted)
    beta = bread @ fitted.T @ y
    resid = y - regressors @ beta
    n, p = regressors.shape
    meat = S_hac_simple(fitted * resid[:, None], nlags=hac_lags(n))
    cov = bread @ meat @ bread * n / max(n - p, 1)
    return beta, np.sqrt(np.clip(np.diag(cov), 0, None)), n - p


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which BLAS uses one thread. The Insights matrices are small (days x a few dozen
    columns); with BLAS's default threads they spin and wait for each other on a busy machine,
    several times slower in wall-clock time (benchmarks/bench_effects_validity.py prints both)."""
    return _blas().limit(limits=1, user_api="blas")
