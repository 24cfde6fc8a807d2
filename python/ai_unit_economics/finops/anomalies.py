"""`aiue anomalies`: days whose spend, tokens per intent, cost per intent or cost per success
left their weekday's baseline.

The judgement lives in the dbt model `aiue__anomalies` (and its warn-level data test); this
module reads that mart and prints it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engines.warehouse import has_relation, mart_schema, query
from ..errors import UserError
from ..ui.tables import text_table

MART = "aiue__anomalies"
DIMENSIONS = ("anomaly_id", "date_day", "feature_tag", "currency", "measure")
VALUES = (
    "baseline_state",
    "observed_value",
    "expected_value",
    "median_absolute_deviation",
    "baseline_spread",
    "score",
    "observed_ci_low",
    "observed_ci_high",
    "baseline_weeks",
    "intents",
    "labeled_intents",
    "successful_intents",
    "is_outside_band",
    "is_outside_interval",
    "is_anomaly",
)
MEASURES = {
    "spend": "spend",
    "tokens_per_intent": "tokens/intent",
    "cost_per_intent": "cost/intent",
    "cost_per_success": "CPS",
}
# The mart's own columns: whatever else it has is a pass-through dimension (tenant_id).
OWN_COLUMNS = frozenset(DIMENSIONS + VALUES)


def fetch_anomalies(target: str, db_path: Path | None, days: int | None) -> dict[str, Any]:
    """The anomalies of the last `days` days up to the mart's latest day (None: every day),
    with the latest day and how many of its series are still in a cold start."""
    schema = mart_schema(target)
    if not has_relation(target, schema, MART, db_path):
        raise UserError(
            f"the build has no {MART} (it was built by an older aiue): rebuild it with "
            "`aiue run` (no --input rebuilds from the data it holds)."
        )
    relation = f"{schema}.{MART}"
    columns, _ = query(target, f"select * from {relation} where 1 = 0", db_path)
    passthrough = [name for name in columns if name not in OWN_COLUMNS]
    _, [(latest,)] = query(target, f"select max(date_day) from {relation}", db_path)
    selected = ["anomaly_id", "date_day", "feature_tag", *passthrough, "currency", "measure"]
    where = "is_anomaly"
    if days is not None and latest is not None:
        since = date.fromordinal(_as_date(latest).toordinal() - days + 1)
        where += f" and date_day >= cast('{since.isoformat()}' as date)"
    names, rows = query(
        target,
        f"select {', '.join(selected + list(VALUES))} from {relation} where {where} "
        "order by date_day, feature_tag, measure",
        db_path,
    )
    _, [(series, cold)] = query(
        target,
        "select count(*), coalesce(sum(case when baseline_state = 'cold_start' then 1 else 0 "
        f"end), 0) from {relation} where date_day = (select max(date_day) from {relation}) "
        "and measure = 'spend'",
        db_path,
    )
    return {
        "latest_day": None if latest is None else _as_date(latest).isoformat(),
        "days": days,
        "passthrough": passthrough,
        "series_on_latest_day": int(series),
        "cold_start_series_on_latest_day": int(cold),
        "anomalies": [
            {key: _plain(value) for key, value in zip(names, row, strict=True)} for row in rows
        ],
    }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _value(measure: str, value: float | None) -> str:
    if value is None:
        return "-"
    if measure == "tokens_per_intent":
        return f"{value:,.1f}"
    return f"${value:,.2f}" if abs(value) >= 100 else f"${value:,.6f}"


def render(result: dict[str, Any], fmt: str = "table") -> str:
    """JSON (every column of each anomaly, and the cold-start count), or a table that fits
    120 columns."""
    if fmt == "json":
        return json.dumps(result, indent=2)
    anomalies, period = result["anomalies"], _period(result)
    lines = []
    if not anomalies:
        lines.append(f"No anomalies {period}.")
    else:
        header = ["day", "feature", *result["passthrough"], "measure", "observed", "expected"]
        header += ["change", "score", "interval"]
        body = []
        for r in anomalies:
            measure = r["measure"]
            low, high = (
                _value(measure, r["observed_ci_low"]),
                _value(measure, r["observed_ci_high"]),
            )
            interval = f"{low} to {high}" if measure == "cost_per_success" else ""
            change = (
                "-"
                if not r["expected_value"]
                else f"{r['observed_value'] / r['expected_value'] - 1:+.0%}"
            )
            body.append(
                [
                    r["date_day"],
                    r["feature_tag"] or "(none)",
                    *[r[name] or "-" for name in result["passthrough"]],
                    MEASURES[measure],
                    _value(measure, r["observed_value"]),
                    _value(measure, r["expected_value"]),
                    change,
                    f"{r['score']:+.1f}",
                    interval,
                ]
            )
        lines += text_table(header, body, label_columns=3 + len(result["passthrough"]))
        lines.append(f"{len(anomalies)} anomal{'y' if len(anomalies) == 1 else 'ies'} {period}.")
        lines.append(
            "expected: the median of the same weekday in the baseline weeks; score: (observed - "
            "expected) / (1.4826 x MAD);"
        )
        lines.append(
            "a cost per success (CPS) also has its expected value outside the day's interval."
        )
    cold, series = result["cold_start_series_on_latest_day"], result["series_on_latest_day"]
    if cold:
        lines.append(
            f"Cold start: {cold} of {series} series on {result['latest_day']} have fewer weeks of "
            "baseline than var aiue_anomaly_weeks asks, and raise no alert yet."
        )
    return "\n".join(lines)


def _period(result: dict[str, Any]) -> str:
    if result["latest_day"] is None:
        return "(the build has no days)"
    if result["days"] is None:
        return f"up to {result['latest_day']}"
    return f"in the {result['days']} days up to {result['latest_day']}"
