"""How an interval reads wherever it is printed: both ends, "no upper bound" when the data bound
the quantity from below only, "-" when there is none; never a negative dollar."""

from __future__ import annotations

from ai_unit_economics.finops import whatif
from ai_unit_economics.metrics import catalogue, results


def record(low: float | None, high: float | None) -> dict:
    row = dict.fromkeys(catalogue.METRIC_COLUMNS, 0)
    row.update(
        feature_tag="support",
        intents=12,
        labeled_intents=12,
        successful_intents=1,
        cost_per_success=30.0,
        is_sufficient_sample=False,
        success_rate_ci_low=0.01,
        success_rate_ci_high=0.35,
        cost_per_intent_ci_low=1.2,
        cost_per_intent_ci_high=4.8,
        cost_per_success_ci_low=low,
        cost_per_success_ci_high=high,
    )
    return row


def test_interval_text() -> None:
    assert results.interval_text("$1.00", "$2.00") == "$1.00 – $2.00"
    assert results.interval_text("$1.00", None) == "$1.00 – no upper bound"
    assert results.interval_text(None, None) == "-"


def test_the_metrics_table_says_no_upper_bound_and_why() -> None:
    text = results.render_table([record(6.5, None)], ["feature_tag"], intervals=True)
    assert "$6.5000 – no upper bound" in text
    assert results.UNBOUNDED_NOTE in text
    bounded = results.render_table([record(6.5, 90.0)], ["feature_tag"], intervals=True)
    assert "$6.5000 – $90.0000" in bounded and results.UNBOUNDED_NOTE not in bounded


def test_the_whatif_interval_reads_the_same() -> None:
    assert whatif._interval(whatif.Interval(6.5, None)) == "$6.5000 – no upper bound"
    assert whatif._interval(whatif.Interval(None, None)) == "-"
