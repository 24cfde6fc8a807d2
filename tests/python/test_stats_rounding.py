"""A delta-method interval of units that all have the same ratio is the point itself, whatever
rounding the double sums carry (the engines sum in different orders, so that noise would
differ between DuckDB, Postgres and Spark)."""

from __future__ import annotations

from ai_unit_economics.metrics import stats


def test_identical_units_give_a_point_interval_not_rounding_noise() -> None:
    cost, n = 0.06582356633, 17
    sum_y = sum(cost for _ in range(n))
    sum_y2 = sum(cost * cost for _ in range(n))
    mean = sum_y / n
    residual = sum_y2 - 2 * mean * sum_y + mean * mean * n
    assert residual > 0  # the rounding the rule is for: a spread of 0 computed as 1.4e-17
    assert stats.mean_interval(n, sum_y, sum_y2) == stats.Interval(mean, mean)


def test_a_real_spread_keeps_its_interval() -> None:
    costs = [1.0, 1.001]  # a spread of 1e-3: its squared share (2.5e-7) is far above 1e-12
    sum_y, sum_y2 = sum(costs), sum(c * c for c in costs)
    interval = stats.mean_interval(len(costs), sum_y, sum_y2)
    assert interval.low < sum_y / 2 < interval.high
