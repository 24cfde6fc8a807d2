"""Row-by-row comparison of marts built from the same data by different builds (engines, or
the package installed in another project). Keys and counts exactly, money and ratios to 1e-9."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

# Each compared mart and the columns that identify a row.
MARTS: dict[str, tuple[str, ...]] = {
    "aiue__llm_calls": ("trace_id", "span_id"),
    "aiue__intents": ("intent_id",),
    "aiue__unit_economics_daily": ("unit_economics_daily_id",),
    "aiue__cost_reconciliation": ("bucket_id",),
    "aiue__intent_cost_percentiles": (
        "date_month",
        "feature_tag",
        "provider_name",
        "response_model",
        "currency",
    ),
    "aiue__runaway_intents": ("intent_id",),
    "aiue__anomalies": ("anomaly_id",),
}
REL_TOL = 1e-9


def same_value(expected: Any, actual: Any) -> bool:
    """Exact for keys, text, dates, booleans and whole numbers; 1e-9 relative otherwise."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    numbers = (int, float, Decimal)
    if isinstance(expected, numbers) and isinstance(actual, numbers):
        if Decimal(expected) == Decimal(actual):
            return True
        integral = isinstance(expected, int) or isinstance(actual, int)
        return not integral and math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=0.0)
    return type(expected) is type(actual) and expected == actual


def keyed_records(records: list[dict[str, Any]], key: tuple[str, ...]) -> dict:
    """Records by their key, sorted on it (None first); the key must be unique."""
    by_key = {tuple(record[name] for name in key): record for record in records}
    assert len(by_key) == len(records), f"{key} is not unique"
    return dict(sorted(by_key.items(), key=lambda item: [(v is not None, v) for v in item[0]]))


def keyed(table: tuple[list[str], list[tuple[Any, ...]]], key: tuple[str, ...]) -> dict:
    columns, rows = table
    return keyed_records([dict(zip(columns, row, strict=True)) for row in rows], key)


def differences(expected: dict, actual: dict) -> list[str]:
    problems = []
    if expected.keys() != actual.keys():
        missing, extra = expected.keys() - actual.keys(), actual.keys() - expected.keys()
        problems.append(f"keys differ: missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}")
    for key in expected.keys() & actual.keys():
        for column, value in expected[key].items():
            if not same_value(value, actual[key].get(column)):
                problems.append(f"{key} {column}: {value!r} != {actual[key].get(column)!r}")
    return sorted(problems)
