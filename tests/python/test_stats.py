"""The interval formulas, against textbook values, independent computations and simulation.

The SQL twins are checked here too where no warehouse is needed (the Jinja quantile); the SQL
intervals themselves are compared with these functions in tests/test_semantic_layer.py.
"""

from __future__ import annotations

import math
import random
import statistics
from pathlib import Path
from typing import Any

import jinja2
import pytest

from ai_unit_economics import stats

MACROS = Path(__file__).resolve().parents[2] / "macros" / "statistics.sql"


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


class _Returned(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def _jinja_macros() -> Any:
    """macros/statistics.sql rendered with plain Jinja and dbt's `return` semantics."""

    def _return(value: Any) -> None:
        raise _Returned(value)

    def _compiler_error(message: str) -> None:
        raise ValueError(message)

    env = jinja2.Environment()
    env.globals["return"] = _return
    env.globals["exceptions"] = type("Exceptions", (), {"raise_compiler_error": _compiler_error})
    return env.from_string(MACROS.read_text()).module


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.999999])
def test_the_jinja_quantile_equals_python(level: float) -> None:
    """dbt computes z at compile time (no engine function); it must equal stats.py's."""
    with pytest.raises(_Returned) as returned:
        _jinja_macros().normal_quantile(level)
    assert returned.value.value == pytest.approx(stats.normal_quantile(level), rel=1e-10)


def test_the_jinja_quantile_refuses_a_bad_level() -> None:
    with pytest.raises(ValueError, match="aiue_confidence_level"):
        _jinja_macros().normal_quantile(1.0)


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


def test_mean_interval_is_the_textbook_t_free_interval() -> None:
    """Cost per intent: mean ± z·s/√n with the sample standard deviation of the raw values."""
    rows = _intents(250, seed=1)
    costs = [cost for cost, _ in rows]
    s = _sums(rows)
    interval = stats.mean_interval(s["n"], s["sum_y"], s["sum_y2"], 0.95)
    half = stats.normal_quantile(0.95) * statistics.stdev(costs) / math.sqrt(len(costs))
    assert interval.low == pytest.approx(statistics.fmean(costs) - half, rel=1e-10)
    assert interval.high == pytest.approx(statistics.fmean(costs) + half, rel=1e-10)


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
