"""The oracle (stats.py) against textbook values, independent computations and simulation.

The compile-time constants of the dbt macros are checked here too (plain Jinja, no warehouse);
the SQL intervals themselves are compared with these functions in tests/test_semantic_layer.py
and tests/test_interval_coverage.py.
"""

from __future__ import annotations

import math
import random
import statistics

import pytest

from ai_unit_economics.metrics import intervals, stats
from tests.dbt_macros import macros

# --- the normal quantile --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "z"),
    [(0.80, 1.2815515655446004), (0.90, 1.6448536269514722), (0.95, 1.959963984540054),
     (0.99, 2.5758293035489004)],
)  # fmt: skip
def test_normal_quantile_matches_tables(level: float, z: float) -> None:
    assert stats.normal_quantile(level) == pytest.approx(z, rel=1e-12)


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 95])
def test_normal_quantile_refuses_a_level_outside_0_1(level: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.normal_quantile(level)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.999999])
def test_the_jinja_quantile_equals_python(level: float) -> None:
    """dbt computes z at compile time (no engine function); it must equal stats.py's."""
    z = macros().normal_quantile(level)
    assert z == pytest.approx(stats.normal_quantile(level), rel=1e-10)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999])
def test_the_jinja_interval_constants_equal_python(level: float) -> None:
    """The constants dbt computes when it compiles (interval_constants) = the ones `aiue
    metrics` writes as literals (intervals.constants) = the oracle's t quantiles."""
    jinja = macros().interval_constants(level)
    python = intervals.constants(level)
    assert set(jinja) == set(python) == set(intervals.CONSTANTS)
    for name in intervals.CONSTANTS:
        assert jinja[name] == pytest.approx(python[name], rel=1e-9), name
    assert python["t1"] == pytest.approx(stats.t_quantile(level, 1), rel=1e-12)
    assert python["t2"] == pytest.approx(stats.t_quantile(level, 2), rel=1e-12)
    for df in (3, 7, 30, 500):
        expansion = python["z"] + sum(python[f"g{k}"] / df**k for k in range(1, 5))
        assert expansion == pytest.approx(stats.t_quantile(level, df), rel=1e-12)


def test_the_jinja_quantile_refuses_a_bad_level() -> None:
    with pytest.raises(ValueError, match="aiue_confidence_level"):
        macros().normal_quantile(1.0)


# --- the Student-t quantile -----------------------------------------------------------------

# Two-sided quantiles of Student's t (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
T_TABLE = [
    (0.95, 1, 12.706205),
    (0.95, 2, 4.302653),
    (0.95, 3, 3.182446),
    (0.95, 4, 2.776445),
    (0.95, 5, 2.570582),
    (0.95, 9, 2.262157),
    (0.95, 29, 2.045230),
    (0.95, 99, 1.984217),
    (0.90, 1, 6.313752),
    (0.90, 2, 2.919986),
    (0.90, 3, 2.353363),
    (0.90, 9, 1.833113),
    (0.99, 1, 63.656741),
    (0.99, 2, 9.924843),
    (0.99, 3, 5.840909),
    (0.99, 9, 3.249836),
    (0.99, 29, 2.756386),
]


@pytest.mark.parametrize(("level", "df", "t"), T_TABLE)
def test_t_quantile_matches_the_tables(level: float, df: int, t: float) -> None:
    """Exact (closed forms) at 1 and 2 degrees of freedom; the Cornish-Fisher expansion beyond
    is within 0.15% at 90-95% and within 1% at 99% (3 degrees of freedom, its worst case)."""
    tolerance = 1e-6 if df <= 2 else (1e-2 if level == 0.99 and df == 3 else 1.5e-3)
    assert stats.t_quantile(level, df) == pytest.approx(t, rel=tolerance)


# --- Wilson ---------------------------------------------------------------------------------

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
# Medicine 17:857-872, Table II, method 3 (Wilson score, no continuity correction).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
]


@pytest.mark.parametrize(("successes", "trials", "low", "high"), NEWCOMBE)
def test_wilson_matches_newcombes_worked_examples(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = stats.wilson_interval(successes, trials, 0.95)
    assert round(interval.low, 4) == low
    assert round(interval.high, 4) == high


def _score_test_bound(successes: int, trials: int, z: float, side: str) -> float:
    """Invert the score test by bisection: the p0 where |p - p0| = z*sqrt(p0(1-p0)/n)."""
    p = successes / trials
    low, high = (0.0, p) if side == "low" else (p, 1.0)
    for _ in range(200):
        mid = (low + high) / 2
        rejected = abs(p - mid) > z * math.sqrt(mid * (1 - mid) / trials)
        if (side == "low") == rejected:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@pytest.mark.parametrize(("successes", "trials"), [(7, 10), (50, 100), (3, 400), (999, 1000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_is_the_inverted_score_test(successes: int, trials: int, level: float) -> None:
    z = stats.normal_quantile(level)
    interval = stats.wilson_interval(successes, trials, level)
    assert interval.low == pytest.approx(_score_test_bound(successes, trials, z, "low"), abs=1e-12)
    assert interval.high == pytest.approx(
        _score_test_bound(successes, trials, z, "high"), abs=1e-12
    )


def test_wilson_edges() -> None:
    assert stats.wilson_interval(0, 0) == stats.NO_INTERVAL
    assert stats.wilson_interval(0, 50).low == 0.0
    assert stats.wilson_interval(50, 50).high == 1.0


WILSON_COVERAGE_CASES = [(30, 0.2), (100, 0.5), (200, 0.3), (500, 0.05)]


def wilson_coverage(trials: int, p: float, replications: int, seed: int) -> float:
    rng = random.Random(seed)
    covered = 0
    for _ in range(replications):
        successes = sum(rng.random() < p for _ in range(trials))
        low, high = stats.wilson_interval(successes, trials, 0.95)
        covered += low <= p <= high
    return covered / replications


@pytest.mark.parametrize(("trials", "p"), WILSON_COVERAGE_CASES)
def test_wilson_coverage_is_close_to_nominal(trials: int, p: float) -> None:
    """Simulated Bernoulli data, fixed seed: 95% intervals cover p 93-97% of the time."""
    coverage = wilson_coverage(trials, p, replications=2000, seed=20260930 + trials)
    assert abs(coverage - 0.95) <= 0.02, f"n={trials}, p={p}: coverage {coverage:.3f}"


# --- delta method ---------------------------------------------------------------------------


def _intents(n: int, seed: int) -> list[tuple[float, int]]:
    """(cost, success) per intent: skewed costs, failures cost more (escalations)."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        success = int(rng.random() < 0.7)
        cost = rng.lognormvariate(-1.0, 0.8) + (0.0 if success else 15.0 * (rng.random() < 0.3))
        rows.append((round(cost, 6), success))
    return rows


def _sums(rows: list[tuple[float, int]]) -> dict[str, float]:
    return {
        "n": len(rows),
        "sum_y": math.fsum(cost for cost, _ in rows),
        "sum_y2": math.fsum(cost * cost for cost, _ in rows),
        "sum_x": sum(success for _, success in rows),
        "sum_xy": math.fsum(cost * success for cost, success in rows),
    }


def _cps_interval(rows: list[tuple[float, int]], level: float = 0.95) -> stats.Interval:
    s = _sums(rows)
    return stats.ratio_interval(
        s["n"], s["sum_y"], s["sum_y2"], s["sum_x"], s["sum_x"], s["sum_xy"], level
    )


def test_mean_interval_is_the_log_scale_t_interval() -> None:
    """Cost per intent: mean·exp(∓t·s/(√n·mean)), s the sample standard deviation of the raw
    values and t Student's quantile at n − 1 degrees of freedom."""
    rows = _intents(250, seed=1)
    costs = [cost for cost, _ in rows]
    s = _sums(rows)
    interval = stats.mean_interval(s["n"], s["sum_y"], s["sum_y2"], 0.95)
    mean = statistics.fmean(costs)
    spread = stats.t_quantile(0.95, 249) * statistics.stdev(costs) / math.sqrt(250) / mean
    assert interval.low == pytest.approx(mean * math.exp(-spread), rel=1e-10)
    assert interval.high == pytest.approx(mean * math.exp(spread), rel=1e-10)
    assert interval.low * interval.high == pytest.approx(mean * mean, rel=1e-10)  # log-symmetric


def test_no_interval_end_is_ever_below_zero() -> None:
    """Skewed costs at n = 2 … 50 (the symmetric interval went below zero on 427 of 1,037 demo
    rows): every low end is above zero, every high end above the low end or absent."""
    rng = random.Random(11)
    seen_unbounded = 0
    for _ in range(3000):
        n = rng.choice([2, 3, 5, 8, 13, 50])
        rows = [(rng.lognormvariate(-1.0, 1.5), int(rng.random() < 0.4)) for _ in range(n)]
        for interval in (_cps_interval(rows), stats.mean_interval(n, *_mean_sums(rows))):
            if interval.low is None:
                continue
            assert interval.low > 0
            assert interval.high is None or interval.high >= interval.low
            seen_unbounded += interval.high is None
    assert seen_unbounded > 100  # few successes: no upper bound, shown as such


def _mean_sums(rows: list[tuple[float, int]]) -> tuple[float, float]:
    return math.fsum(c for c, _ in rows), math.fsum(c * c for c, _ in rows)


def test_no_upper_bound_when_the_successes_cannot_bound_the_ratio() -> None:
    """Fieller's condition: 1 success in 10 labelled intents cannot bound cost per success
    from above (the success rate is not significantly above 0); 8 in 10 can."""
    costs = [0.4, 0.9, 1.3, 0.2, 0.7, 2.5, 0.5, 0.8, 1.1, 0.6]
    one = [(cost, int(index == 0)) for index, cost in enumerate(costs)]
    eight = [(cost, int(index < 8)) for index, cost in enumerate(costs)]
    unbounded, bounded = _cps_interval(one), _cps_interval(eight)
    assert unbounded.low is not None and unbounded.low > 0 and unbounded.high is None
    assert bounded.low is not None and bounded.high is not None
    assert not stats.is_bounded(10, 1, 1) and stats.is_bounded(10, 8, 8)
    assert stats.is_bounded(2, 2, 2)  # a mean (x = 1 for every unit) is always bounded


@pytest.mark.parametrize("n", [10, 30])
def test_the_oracle_keeps_its_coverage_on_skewed_costs(n: int) -> None:
    """Log-normal costs (σ = 0.5), 70% success: the 95% interval of cost per success covers
    the true value at least 93% of the time (the SQL is held to the same on every engine in
    tests/test_interval_coverage.py, with n up to 1,000)."""
    rng = random.Random(20261 + n)
    truth = math.exp(-1.0 + 0.5**2 / 2) / 0.7
    covered = replications = 0
    for _ in range(2000):
        rows = [(rng.lognormvariate(-1.0, 0.5), int(rng.random() < 0.7)) for _ in range(n)]
        interval = _cps_interval(rows)
        if interval.low is None:
            continue
        replications += 1
        covered += interval.low <= truth and (interval.high is None or truth <= interval.high)
    assert covered / replications >= 0.93


def test_ratio_variance_from_sums_equals_the_linearisation_on_raw_rows() -> None:
    """Var(R) from the five sums = n·Σ(y − R·x)² / ((n − 1)·(Σx)²) on the rows themselves."""
    rows = _intents(300, seed=2)
    s = _sums(rows)
    ratio = s["sum_y"] / s["sum_x"]
    residuals = math.fsum((cost - ratio * success) ** 2 for cost, success in rows)
    expected = len(rows) * residuals / ((len(rows) - 1) * s["sum_x"] ** 2)
    variance = stats.ratio_variance(
        s["n"], s["sum_y"], s["sum_y2"], s["sum_x"], s["sum_x"], s["sum_xy"]
    )
    assert variance == pytest.approx(expected, rel=1e-9)


def test_cps_standard_error_agrees_with_a_bootstrap() -> None:
    """The delta-method standard error of CPS is within 10% of a 2,000-resample bootstrap."""
    rows = _intents(400, seed=3)
    s = _sums(rows)
    delta_se = math.sqrt(
        stats.ratio_variance(s["n"], s["sum_y"], s["sum_y2"], s["sum_x"], s["sum_x"], s["sum_xy"])
        or 0.0
    )
    rng = random.Random(4)
    estimates = []
    for _ in range(2000):
        sample = [rows[rng.randrange(len(rows))] for _ in rows]
        successes = sum(success for _, success in sample)
        estimates.append(math.fsum(cost for cost, _ in sample) / successes)
    bootstrap_se = statistics.stdev(estimates)
    assert delta_se == pytest.approx(bootstrap_se, rel=0.10)


def test_intervals_re_aggregate_exactly() -> None:
    """The interval of two days from their summed sums = the interval of the pooled rows."""
    day_one, day_two = _intents(120, seed=5), _intents(90, seed=6)
    one, two = _sums(day_one), _sums(day_two)
    pooled = {key: one[key] + two[key] for key in one}
    from_sums = stats.ratio_interval(
        pooled["n"],
        pooled["sum_y"],
        pooled["sum_y2"],
        pooled["sum_x"],
        pooled["sum_x"],
        pooled["sum_xy"],
    )
    from_rows = _cps_interval(day_one + day_two)
    assert from_sums.low == pytest.approx(from_rows.low, rel=1e-9)
    assert from_sums.high == pytest.approx(from_rows.high, rel=1e-9)


def test_delta_edges() -> None:
    assert stats.mean_interval(1, 5.0, 25.0) == stats.NO_INTERVAL  # n < 2
    assert stats.ratio_interval(10, 5.0, 4.0, 0, 0, 0) == stats.NO_INTERVAL  # no successes
    same = stats.mean_interval(4, 4.0, 4.0)  # every intent cost 1: no spread
    assert same.low == same.high == 1.0


def test_sufficient_sample_threshold() -> None:
    assert stats.is_sufficient_sample(100) and not stats.is_sufficient_sample(99)
    assert not stats.is_sufficient_sample(None)
    assert stats.is_sufficient_sample(20, threshold=20)
