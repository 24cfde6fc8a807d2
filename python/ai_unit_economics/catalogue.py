"""The unit-economics metrics: additive sums and the ratios built from them.

`unit_economics_daily` stores the sums; every consumer re-aggregates sums and then applies
these ratios, so a total over days or features is exact, never an average of averages.
"""

from __future__ import annotations

from dataclasses import dataclass

# Additive columns of unit_economics_daily, summed when re-aggregating.
SUMS: tuple[str, ...] = (
    "intents",
    "labeled_intents",
    "successful_intents",
    "escalated_intents",
    "reviewed_intents",
    "unlabeled_intents",
    "calls",
    "retry_calls",
    "turns",
    "tokens",
    "token_cost",
    "retry_cost",
    "tool_cost",
    "escalation_cost",
    "review_cost",
    "labor_cost",
    "total_cost",
    "labeled_total_cost",
    "successful_total_cost",
    "total_cost_squared",
    "labeled_total_cost_squared",
)


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    scale: int = 1
    unit: str = "ratio"


RATIOS: tuple[Ratio, ...] = (
    Ratio("success_rate", "successful_intents", "labeled_intents", unit="percent"),
    Ratio("cost_per_million_tokens", "token_cost", "tokens", 1_000_000, unit="money"),
    Ratio("cost_per_intent", "total_cost", "intents", unit="money"),
    Ratio("cost_per_success", "labeled_total_cost", "successful_intents", unit="money"),
    Ratio("escalation_rate", "escalated_intents", "labeled_intents", unit="percent"),
    Ratio("avg_turns_per_intent", "turns", "intents"),
)

# `aiue metrics` output columns, in order (after the group-by columns).
METRIC_COLUMNS: tuple[str, ...] = (
    "intents",
    "labeled_intents",
    "successful_intents",
    "success_rate",
    "calls",
    "tokens",
    "token_cost",
    "retry_cost",
    "labor_cost",
    "total_cost",
    "cost_per_million_tokens",
    "cost_per_intent",
    "cost_per_success",
    "escalation_rate",
    "avg_turns_per_intent",
    "is_sufficient_sample",
)

MONEY_COLUMNS = frozenset({"token_cost", "retry_cost", "labor_cost", "total_cost"})

DIMENSIONS: tuple[str, ...] = (
    "date_day",
    "feature_tag",
    "provider_name",
    "response_model",
    "currency",
)


def ratio_value(numerator: float | None, denominator: float | None, scale: int = 1) -> float | None:
    """The Python twin of the SQL `ratio` macro: null (None) when the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator) * scale
