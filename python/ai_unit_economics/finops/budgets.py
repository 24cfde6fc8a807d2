"""`aiue budget`: month-to-date (or day) spend and cost per success against each budget.

The judgement itself lives in the dbt model `aiue__budget_status` (and its two data tests, which
make `dbt build` warn or fail); this module reads that mart and prints it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engines.warehouse import mart_schema, query
from ..ui.tables import text_table

COLUMNS = (
    "budget_id",
    "scope",
    "scope_value",
    "budget_period",
    "budget_metric",
    "period_start",
    "evaluated_on",
    "elapsed_days",
    "period_days",
    "actual_value",
    "limit_amount",
    "warn_amount",
    "error_amount",
    "used_share",
    "forecast_value",
    "status",
    "forecast_status",
    "labeled_intents",
    "is_sufficient_sample",
    "is_current_period",
)

# Columns the default table leaves to --wide, so that it fits 120 columns.
NARROW_DROPS = ("period", "forecast status")

# How serious each status is, for --fail-on.
SEVERITY = {"no_data": 0, "ok": 0, "warn": 1, "error": 2}


def fetch_budgets(
    target: str, db_path: Path | None, all_periods: bool = False
) -> list[dict[str, Any]]:
    """Rows of aiue__budget_status: the current period of each budget (or every period)."""
    where = "" if all_periods else "where is_current_period"
    columns, rows = query(
        target,
        f"select {', '.join(COLUMNS)} from {mart_schema(target)}.aiue__budget_status "
        f"{where} order by budget_id, period_start",
        db_path,
    )
    return [{key: _plain(value) for key, value in zip(columns, row, strict=True)} for row in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _money(value: float | None, metric: str) -> str:
    if value is None:
        return "-"
    return f"${value:,.4f}" if metric == "cost_per_success" else f"${value:,.2f}"


def render(records: list[dict[str, Any]], fmt: str = "table", wide: bool = False) -> str:
    """JSON (every column), or a table: by default what fits 120 columns (the period as a line
    below when every row shares it); `wide` adds the period and the forecast's status."""
    if fmt == "json":
        return json.dumps(records, indent=2)
    if not records:
        return (
            "No budgets: add rows to seeds/aiue_budgets.csv (or DIR/seeds/aiue_budgets.csv for "
            "`aiue run --input DIR`) and rebuild; see docs/budgets.md."
        )
    header = ["budget", "scope", "metric", "period", "to date", "limit", "used", "forecast"]
    header += ["status", "forecast status"]
    body = []
    for r in records:
        metric = r["budget_metric"]
        flag = "" if r["is_sufficient_sample"] or metric != "cost_per_success" else " *"
        body.append(
            [
                r["budget_id"],
                f"{r['scope']}={r['scope_value']}",
                "spend" if metric == "total_cost" else "CPS",
                _period(r),
                _money(r["actual_value"], metric) + flag,
                _money(r["limit_amount"], metric),
                "-" if r["used_share"] is None else f"{r['used_share']:.1%}",
                _money(r["forecast_value"], metric),
                r["status"].upper() if r["status"] in ("warn", "error") else r["status"],
                r["forecast_status"],
            ]
        )
    if not wide:
        keep = [i for i, name in enumerate(header) if name not in NARROW_DROPS]
        header = [header[i] for i in keep]
        body = [[row[i] for i in keep] for row in body]
    lines = text_table(header, body, label_columns=3 if not wide else 4)
    if not wide:
        periods = {_period(r) for r in records}
        if len(periods) == 1:
            lines.append(f"Period: {periods.pop()}.")
        else:
            lines += [f"{r['budget_id']}: {_period(r)}" for r in records]
        lines.append("--wide: period and forecast status per budget; --format json: everything.")
    as_of = max(r["evaluated_on"] for r in records)
    lines.append(
        f"As of {as_of}. forecast: spend to date / days elapsed x days in the period (straight "
        "line);"
    )
    lines.append("for a cost-per-success budget, the cost per success to date.")
    if any(
        r["budget_metric"] == "cost_per_success" and not r["is_sufficient_sample"] for r in records
    ):
        lines.append(
            "* fewer labelled intents than the sample threshold: this cost per success is noise."
        )
    return "\n".join(lines)


def _period(record: dict[str, Any]) -> str:
    return (
        f"{record['budget_period']} from {record['period_start']} "
        f"(day {record['elapsed_days']} of {record['period_days']})"
    )


def exit_code(records: list[dict[str, Any]], fail_on: str | None) -> int:
    """1 when a current budget is at or above `fail_on` (warn or error), else 0."""
    if fail_on is None:
        return 0
    worst = max((SEVERITY.get(r["status"], 0) for r in records), default=0)
    return 1 if worst >= SEVERITY[fail_on] else 0
