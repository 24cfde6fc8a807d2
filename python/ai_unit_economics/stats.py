"""Confidence intervals built only from additive sums.

Every interval here needs nothing but sums that a BI tool can add up across days, features or
models (n, Σy, Σy², Σx, Σx², Σxy), so a re-aggregated interval is as correct as the row-level
one. The SQL twins live in `macros/statistics.sql` (dbt) and `sqlgen.py` (metric views); the
tests hold all three to the same numbers.

- Success rate: Wilson score interval for a binomial proportion.
- Cost per intent (mean of y) and cost per success (ratio Σy/Σx): delta method,
  Var(R) ≈ n·Σ(y − R·x)² / ((n − 1)·(Σx)²), with Σ(y − R·x)² = Σy² − 2R·Σxy + R²·Σx².
  With x ≡ 1 this is the textbook s²/n of a mean.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

DEFAULT_CONFIDENCE_LEVEL = 0.95


class Interval(NamedTuple):
    """A two-sided interval; both ends None when the sample cannot give one."""

    low: float | None
    high: float | None


NO_INTERVAL = Interval(None, None)


# A delta-method residual at most this share of Σy² is rounding of the double sums (whose
# order differs between engines), not spread; the SQL twins use the same threshold.
ZERO_RESIDUAL = 1e-12


def normal_quantile(level: float = DEFAULT_CONFIDENCE_LEVEL) -> float:
    """z such that a standard normal lies within ±z with probability `level` (0.95 → 1.96)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1 (got {level}); e.g. 0.95.")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(
    successes: float, trials: float, level: float = DEFAULT_CONFIDENCE_LEVEL
) -> Interval:
    """Wilson score interval for successes / trials; no interval when trials is 0."""
    if not trials:
        return NO_INTERVAL
    z = normal_quantile(level)
    n = float(trials)
    p = float(successes) / n
    z2 = z * z
    center = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else center - half
    high = 1.0 if successes == trials else center + half
    return Interval(low, high)


def ratio_variance(
    n: float,
    sum_y: float,
    sum_y2: float,
    sum_x: float,
    sum_x2: float,
    sum_xy: float,
) -> float | None:
    """Delta-method variance of R = Σy/Σx over n units; None when n < 2 or Σx = 0."""
    if n < 2 or not sum_x:
        return None
    ratio = float(sum_y) / float(sum_x)
    residual = float(sum_y2) - 2 * ratio * float(sum_xy) + ratio * ratio * float(sum_x2)
    if residual <= ZERO_RESIDUAL * float(sum_y2):
        return 0.0  # rounding of the sums, not spread: every unit has the same ratio
    return float(n) * residual / ((float(n) - 1) * float(sum_x) * float(sum_x))


def ratio_interval(
    n: float,
    sum_y: float,
    sum_y2: float,
    sum_x: float,
    sum_x2: float,
    sum_xy: float,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> Interval:
    """Normal-approximation interval for Σy/Σx (e.g. cost per success: y = cost, x = success)."""
    variance = ratio_variance(n, sum_y, sum_y2, sum_x, sum_x2, sum_xy)
    if variance is None:
        return NO_INTERVAL
    ratio = float(sum_y) / float(sum_x)
    half = normal_quantile(level) * math.sqrt(variance)
    return Interval(ratio - half, ratio + half)


def mean_interval(
    n: float, sum_y: float, sum_y2: float, level: float = DEFAULT_CONFIDENCE_LEVEL
) -> Interval:
    """Interval for the mean Σy/n (e.g. cost per intent): the ratio interval with x ≡ 1."""
    return ratio_interval(n, sum_y, sum_y2, n, n, sum_y, level)


def is_sufficient_sample(sample_size: float | None, threshold: int = 100) -> bool:
    """The seed article's rule of thumb: below ~100 intents a cost per success is noise."""
    return sample_size is not None and sample_size >= threshold
