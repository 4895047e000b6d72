"""How much of a day's pain carries over to the next day, estimated from the whole diary.

The Insights model compares the pain after days with and without exercise once the pain of the
day itself is taken into account, because people exercise on their better days and pain carries
over. How much carries over is the persistence of the person's *underlying* pain, not that of
their ratings: one 0-10 rating is that pain plus noise (rounding, mood, the moment it was made), and
a noisy rating carries over less than the pain behind it. Taking the ratings' own day-to-day
correlation would leave part of the better-day effect in place (a bias that does not shrink as the
diary grows).

Model: the ratings, less a constant, a linear trend and the day of the week, are pain that
follows an AR(1) process plus rating noise that does not carry over (statsmodels' SARIMAX of
order (1, 0, 0) with measurement error, fitted by maximum likelihood; the Kalman filter skips
unlogged days; statsmodels' UnobservedComponents with an autoregressive and an irregular
component is the same model and gives the same estimates, with a slower import). Its AR coefficient is the persistence. This
is an ARMA(1, 1) whose noise cannot have a negative variance: an unconstrained ARMA(1, 1) fit was
measured too, and on simulated diaries of 90 days its persistence was off by 0.19 on average
(spread) and 0.08 too low, against 0.11 and 0.02 for this model.
Exercise days enter with the pain measured before the exercise (``Diary.baseline``).

Which days: a diary of up to ``WINDOW_DAYS`` days and a month, all of them; a longer one, the
``WINDOW_DAYS`` days before the month of its last day. A save in the current month (almost every
save) then leaves the fit as it was, and the kept fit answers at once; the window moves on at the
start of each month, or when an older day changes. A window with fewer than ``MIN_RATINGS``
ratings (a long diary barely logged last year) gives way to the whole diary.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np

WINDOW_DAYS = 365  # a year: a precise enough fit (standard error about 0.06), about 13 ms
MIN_RATINGS = 20  # fewer ratings in the window: the fit is not attempted
BOUNDS = (-0.5, 0.98)  # a persistence outside these is clipped (pain that swings, or never settles)
FALLBACK_SE = 0.15  # the standard error used when the fit cannot give one


@dataclass(frozen=True)
class Persistence:
    """The AR coefficient of the underlying pain and its standard error."""

    phi: float
    se: float

    def over(self, lag: int) -> tuple[float, float]:
        """The persistence over ``lag`` days (phi ** lag) and its standard error (delta method)."""
        return self.phi**lag, abs(lag * self.phi ** (lag - 1)) * self.se


def pain_persistence(pain: np.ndarray, weekday: np.ndarray, last_day: date) -> Persistence:
    """The persistence of the pain behind the ratings ``pain`` (one value per calendar day up to
    ``last_day``, NaN when unlogged; ``weekday``: each day's day of the week, Monday 0). See the
    module docstring."""
    pain = np.asarray(pain, dtype=float)
    window = window_of(len(pain), last_day)
    if np.count_nonzero(~np.isnan(pain[window])) < MIN_RATINGS:  # a sparse last year: every day
        window = slice(0, len(pain))
    pain = pain[window]
    weekday = np.asarray(weekday)[window]
    return _fitted(pain.tobytes(), weekday.astype(np.int8).tobytes())


def window_of(days: int, last_day: date) -> slice:
    """The positions of the days the fit uses, of a diary of ``days`` days ending on ``last_day``."""
    if days <= WINDOW_DAYS + 31:
        return slice(0, days)
    end = days - last_day.day  # the days before the last day's month
    return slice(end - WINDOW_DAYS, end)


def clear_fits() -> None:
    """Forget the fits kept for diaries already seen (a benchmark's repeated runs each fit anew)."""
    _fitted.cache_clear()


@functools.lru_cache(maxsize=8)  # the effects and the lag profile of one diary share one fit
def _fitted(pain_bytes: bytes, weekday_bytes: bytes) -> Persistence:
    pain = np.frombuffer(pain_bytes, dtype=float)
    weekday = np.frombuffer(weekday_bytes, dtype=np.int8)
    logged = ~np.isnan(pain)
    if logged.sum() < MIN_RATINGS:
        return Persistence(0.0, FALLBACK_SE)
    t = np.arange(len(pain))
    design = np.column_stack(
        [np.ones(len(pain)), t / 365.0, (weekday[:, None] == np.arange(1, 7)[None, :]).astype(float)]
    )
    coef = np.linalg.lstsq(design[logged], pain[logged], rcond=None)[0]
    residual = pain - design @ coef
    if np.nanstd(residual) < 1e-9:  # ratings that never vary (up to rounding in the fit)
        return Persistence(0.0, FALLBACK_SE)
    from statsmodels.tsa.statespace.sarimax import SARIMAX  # loads SciPy's stats (0.6 s)

    spread = float(np.nanvar(residual))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence notes: the bounds below catch what matters
            model = SARIMAX(residual, order=(1, 0, 0), measurement_error=True)
            # persistence, rating noise, pain's own innovations (the default start needs every day)
            fit = model.fit(start_params=[0.6, 0.2 * spread, 0.5 * spread], disp=False)
            at = model.param_names.index("ar.L1")
            phi = float(fit.params[at])
            se = float(np.sqrt(fit.cov_params()[at, at]))
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):  # a fit that cannot be made
        return Persistence(0.0, FALLBACK_SE)
    if not math.isfinite(phi):
        return Persistence(0.0, FALLBACK_SE)
    low, high = BOUNDS
    if not math.isfinite(se) or se <= 0 or not low < phi < high:
        se = max(se, FALLBACK_SE) if math.isfinite(se) else FALLBACK_SE
    return Persistence(min(max(phi, low), high), se)
