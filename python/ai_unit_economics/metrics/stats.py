"""Confidence intervals built only from additive sums: the independent oracle of the tests.

The intervals users see are SQL (intervals.py builds them once; `aiue generate` writes them as
dbt macros per dialect, `aiue sql` and `aiue metrics` transpile the same expressions, the
what-if and the report evaluate them too). This module computes the same intervals again in
plain Python, written separately from that SQL, so that the tests can hold every engine's
numbers to it. Production code does not import it.

Every interval here needs nothing but sums that a BI tool can add up across days, features or
models (n, Σy, Σy², Σx, Σx², Σxy), so a re-aggregated interval is as correct as the row-level
one.

- Success rate: Wilson score interval for a binomial proportion.
- Cost per intent (mean of y, x ≡ 1) and cost per success (ratio R = Σy/Σx): the delta
  method on the log scale, R·exp(∓q·cv), with cv = √Var(R) / R,
  Var(R) ≈ n·Σ(y − R·x)² / ((n − 1)·(Σx)²), Σ(y − R·x)² = Σy² − 2R·Σxy + R²·Σx², and q the
  Student-t quantile with n − 1 degrees of freedom. Both ends are positive whenever R is.
  There is no upper end (None) when the data cannot bound the ratio: when Fieller's condition
  fails, i.e. Σx is not significantly above 0 at the level (Σx² ≤ q²·(n·Σx² − (Σx)²)/(n − 1)).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

DEFAULT_CONFIDENCE_LEVEL = 0.95


class Interval(NamedTuple):
    """A two-sided interval; both ends None when the sample cannot give one; only `high`
    None when the data bound the quantity from below only (no upper bound)."""

    low: float | None
    high: float | None


NO_INTERVAL = Interval(None, None)


# A residual at most this share of Σy² is rounding of the double sums (whose order differs
# between engines), not spread; the SQL uses the same threshold.
ZERO_RESIDUAL = 1e-12
# exp() beyond this overflows a double: such an upper end is shown as no upper bound.
MAX_EXPONENT = 700.0


def normal_quantile(level: float = DEFAULT_CONFIDENCE_LEVEL) -> float:
    """z such that a standard normal lies within ±z with probability `level` (0.95 → 1.96)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1 (got {level}); e.g. 0.95.")
    return NormalDist().inv_cdf(0.5 + level / 2)


def t_quantile(level: float, df: float) -> float:
    """t such that Student's t with `df` degrees of freedom lies within ±t with probability
    `level`: exact for 1 and 2 degrees of freedom (closed forms), beyond them the
    Cornish-Fisher expansion in 1/df to the fourth order (Abramowitz & Stegun 26.7.5)."""
    if df == 1:
        return math.tan(math.pi * level / 2)
    if df == 2:
        return level * math.sqrt(2 / (1 - level * level))
    z = normal_quantile(level)
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + sum(term / df**power for power, term in enumerate(terms, start=1))


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


def is_bounded(
    n: float, sum_x: float, sum_x2: float, level: float = DEFAULT_CONFIDENCE_LEVEL
) -> bool:
    """Fieller's condition: Σx is significantly above 0 at the level, so that an interval of
    Σy/Σx has an upper end (always true for a mean, x ≡ 1)."""
    q = t_quantile(level, float(n) - 1)
    spread = float(n) * float(sum_x2) - float(sum_x) * float(sum_x)
    return float(sum_x) ** 2 - q * q / (float(n) - 1) * spread > 0


def ratio_interval(
    n: float,
    sum_y: float,
    sum_y2: float,
    sum_x: float,
    sum_x2: float,
    sum_xy: float,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> Interval:
    """Interval for Σy/Σx (e.g. cost per success: y = cost, x = success) on the log scale;
    no interval when n < 2, Σx = 0 or the ratio is not positive (and spread)."""
    variance = ratio_variance(n, sum_y, sum_y2, sum_x, sum_x2, sum_xy)
    if variance is None:
        return NO_INTERVAL
    ratio = float(sum_y) / float(sum_x)
    if variance == 0.0:
        return Interval(ratio, ratio)
    if ratio <= 0:
        return NO_INTERVAL
    spread = t_quantile(level, float(n) - 1) * math.sqrt(variance) / ratio
    low = ratio * math.exp(-spread)
    if spread > MAX_EXPONENT or not is_bounded(n, sum_x, sum_x2, level):
        return Interval(low, None)
    return Interval(low, ratio * math.exp(spread))


def mean_interval(
    n: float, sum_y: float, sum_y2: float, level: float = DEFAULT_CONFIDENCE_LEVEL
) -> Interval:
    """Interval for the mean Σy/n (e.g. cost per intent): the ratio interval with x ≡ 1."""
    return ratio_interval(n, sum_y, sum_y2, n, n, sum_y, level)


def is_sufficient_sample(sample_size: float | None, threshold: int = 100) -> bool:
    """The seed article's rule of thumb: below ~100 intents a cost per success is noise."""
    return sample_size is not None and sample_size >= threshold
