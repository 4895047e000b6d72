"""How much of a day's pain carries over to the next day, estimated from the diary's ratings.

The Insights model compares the pain after days with and without exercise once the pain of the
day itself is taken into account, because people exercise on their better days and pain carries
over. How much carries over is the persistence of the person's *underlying* pain, not that of
their ratings: one 0-10 rating is that pain plus noise (rounding, mood, the moment it was made), and
a noisy rating carries over less than the pain behind it. Taking the ratings' own day-to-day
correlation would leave part of the better-day effect in place (a bias that does not shrink as the
diary grows).

Model: the ratings, less a constant, a linear trend and the day of the week, are pain that
follows an AR(1) process plus rating noise that does not carry over, fitted by maximum likelihood;
a Kalman filter skips unlogged days. Its AR coefficient is the persistence, and its standard
error comes from the outer product of the per-day scores. This is statsmodels' SARIMAX of order
(1, 0, 0) with measurement error (the same as UnobservedComponents' AR(1) plus irregular): the
filter here is a few lines of scalar arithmetic, pinned against SARIMAX in
tests/test_effects_model.py, because SARIMAX's import (SciPy's stats and statsmodels' state-space
code, about 0.6 s and 58 MB) would slow the command line and the report. The same model as an
unconstrained ARMA(1, 1) lets the noise variance go negative: on simulated 90-day diaries its
persistence was 0.08 too low on average with a spread of 0.19, against 0.02 and 0.11 here.
Exercise days enter with the pain measured before the exercise (``Diary.baseline``).

Which days: a diary of up to ``WINDOW_DAYS`` days and a month, all of them; a longer one, the
``WINDOW_DAYS`` days before the month of its last day. A save in the current month (almost every
save) then leaves the fit as it was, and the kept fit answers at once; the window moves on at the
start of each month, or when an older day changes. A window with fewer than ``MIN_PAIRS`` pairs of
consecutive logged days, or whose ratings never vary, or whose fit fails, gives way to the last
``FALLBACK_DAYS`` days up to the last one; when those cannot be fitted either there is no
persistence, and the Insights model says why instead of guessing."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from backcare.analysis.dates import weekday_dummies

WINDOW_DAYS = 365  # a year: a precise enough fit (standard error about 0.06), about 9 ms
FALLBACK_DAYS = 3 * 365  # the most a fit reads when the window is not enough
MIN_PAIRS = 28  # pairs of consecutive logged days a fit needs
BOUNDS = (-0.5, 0.98)  # a persistence outside these is clipped (pain that swings, or never settles)
MAX_SE = (BOUNDS[1] - BOUNDS[0]) / 2  # a fit that says less than this says nothing: its error is capped


@dataclass(frozen=True)
class Persistence:
    """The AR coefficient of the underlying pain and its standard error."""

    phi: float
    se: float

    def over(self, lag: int) -> tuple[float, float]:
        """The persistence over ``lag`` days (phi ** lag) and its standard error (delta method)."""
        return self.phi**lag, abs(lag * self.phi ** (lag - 1)) * self.se


def pain_persistence(pain: np.ndarray, weekday: np.ndarray, last_day: date) -> Persistence | None:
    """The persistence of the pain behind the ratings ``pain`` (one value per calendar day up to
    ``last_day``, NaN when unlogged; ``weekday``: each day's day of the week, Monday 0), or None
    when the ratings cannot tell it. See the module docstring."""
    pain = np.asarray(pain, dtype=float)
    weekday = np.asarray(weekday).astype(np.int8)
    for window in (window_of(len(pain), last_day), slice(max(0, len(pain) - FALLBACK_DAYS), len(pain))):
        found = _fitted(pain[window].tobytes(), weekday[window].tobytes())
        if found is not None:
            return found
    return None


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
def _fitted(pain_bytes: bytes, weekday_bytes: bytes) -> Persistence | None:
    pain = np.frombuffer(pain_bytes, dtype=float)
    weekday = np.frombuffer(weekday_bytes, dtype=np.int8)
    logged = ~np.isnan(pain)
    if np.count_nonzero(logged[1:] & logged[:-1]) < MIN_PAIRS:
        return None
    t = np.arange(len(pain))
    design = np.column_stack([np.ones(len(pain)), t / 365.0, weekday_dummies(weekday)])
    coef = np.linalg.lstsq(design[logged], pain[logged], rcond=None)[0]
    residual = pain - design @ coef
    if not np.isfinite(residual[logged]).all() or np.nanstd(residual) < 1e-9:  # ratings that never vary
        return None
    return ar1_plus_noise(residual)


def ar1_plus_noise(values: np.ndarray) -> Persistence | None:
    """Maximum-likelihood persistence of ``values`` (mean 0, NaN when unlogged) as an AR(1) process
    seen through white noise, with its standard error (outer product of the per-day scores, as
    statsmodels' SARIMAX (1, 0, 0) with measurement error gives by default); None when the fit fails."""
    from scipy.optimize import minimize  # here: the trends pages never need it (0.1 s)

    series = [float(v) for v in values]
    if sum(v == v for v in series) < 3:  # fewer than three logged days: nothing to fit
        return None

    def negative(params: np.ndarray) -> float:  # the likelihood with the innovations' variance profiled out
        log_f, scaled, n = _filter(float(params[0]), float(params[1]), 1.0, series)
        return 0.5 * (n * math.log(scaled / n) + log_f)

    try:
        fit = minimize(negative, x0=[0.6, 0.3], method="L-BFGS-B", bounds=[(-0.99, 0.995), (0.0, 50.0)])
        phi, ratio = (float(v) for v in fit.x)
        _, scaled, n = _filter(phi, ratio, 1.0, series)
        se = _opg_se(np.array([phi, ratio * scaled / n, scaled / n]), series)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    if not (fit.success and math.isfinite(phi)):
        return None
    low, high = BOUNDS
    se = min(se, MAX_SE) if math.isfinite(se) else MAX_SE
    return Persistence(min(max(phi, low), high), se)


def _opg_se(theta: np.ndarray, series: list[float]) -> float:
    """Standard error of phi at the full parameters ``theta`` (phi, noise variance, innovations'
    variance): the inverse of the outer product of the per-day scores (central differences); inf
    when the scores cannot tell the parameters apart."""
    scores = []
    floors = (1e-3, 1e-3 * theta[2], 1e-3 * theta[2])  # the variances' steps scale with the data
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-5 * max(abs(theta[k]), floors[k])
        plus: list[float] = []
        minus: list[float] = []
        up, down = theta + step, theta - step
        _filter(float(up[0]), float(up[1]), float(up[2]), series, plus)
        _filter(float(down[0]), float(down[1]), float(down[2]), series, minus)
        scores.append((np.array(minus) - np.array(plus)) / (4 * step[k]))  # d/dk of -0.5 * term
    g = np.column_stack(scores)
    # phi has no unit and the variances the ratings' squared: scaled to unit columns first, and a
    # direction the data cannot tell (a near-singular product) means no precision, never a tiny error
    norms = np.linalg.norm(g, axis=0)
    if not (np.isfinite(norms).all() and (norms > 0).all()):
        return math.inf
    product = (g / norms).T @ (g / norms)
    if np.linalg.cond(product) > 1e10:
        return math.inf
    return math.sqrt(max(float(np.linalg.inv(product)[0, 0]), 0.0)) / float(norms[0])


def _filter(
    phi: float, noise: float, innovation: float, series: list[float], terms: list[float] | None = None
) -> tuple[float, float, int]:
    """One pass of the Kalman filter of AR(1) pain (``innovation`` variance) seen through noise
    (``noise`` variance): the sums of log F and v^2 / F over logged days (F: the prediction's
    variance, v: its error) and their count; ``terms`` receives each day's log F + v^2 / F."""
    state, variance = 0.0, innovation / (1.0 - phi * phi)
    log_f = scaled = 0.0
    n = 0
    log = math.log
    for value in series:
        if value == value:  # logged (NaN is not equal to itself)
            f = variance + noise
            error = value - state
            term_log, term_scaled = log(f), error * error / f
            log_f += term_log
            scaled += term_scaled
            n += 1
            if terms is not None:
                terms.append(term_log + term_scaled)
            gain = variance / f
            state += gain * error
            variance -= gain * variance
        state *= phi
        variance = phi * phi * variance + innovation
    return log_f, scaled, n
