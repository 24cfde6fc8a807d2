"""`aiue metrics`: re-aggregate aiue__unit_economics_daily by any dimensions; print the metrics."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from . import catalogue, sqlgen
from .errors import UserError
from .stats import DEFAULT_CONFIDENCE_LEVEL
from .tables import text_table
from .warehouse import mart_schema, query

# `aiue metrics --target` -> the sqlglot dialect its SQL is written in.
TARGET_DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}


def metrics_sql(
    schema: str,
    by: list[str],
    date_from: date | None,
    date_to: date | None,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    dialect: str = "duckdb",
    level: float = DEFAULT_CONFIDENCE_LEVEL,
    cost_basis: str = "invoice",
) -> str:
    """Every intent-grain metric, its sums and intervals, re-aggregated from the daily mart.

    cost_basis 'invoice' (default) is token cost as billed where the invoice covers a call;
    'estimate' reads the list-price sums instead (token cost before billing).
    """
    if cost_basis not in catalogue.COST_BASES:
        raise UserError(
            f"unknown cost basis '{cost_basis}'; choose from: {', '.join(catalogue.COST_BASES)}."
        )
    options = sqlgen.QueryOptions(
        level=level,
        min_sample=min_sample,
        schema=schema,
        date_from=date_from,
        date_to=date_to,
        extra_sums=catalogue.SUMS,
    )
    names = [item.name for item in catalogue.DAILY_METRICS]
    query = sqlgen.canonical_query(names, by, options)
    if cost_basis == "estimate":
        query = estimate_basis(query)
    return sqlgen.transpile(query, dialect)


def estimate_basis(query: str) -> str:
    """The canonical query with each cost sum read from its list-price column
    (`sum(token_cost) as token_cost` -> `sum(estimated_token_cost) as token_cost`)."""
    tree = sqlglot.parse_one(query, read=sqlgen.CANONICAL_DIALECT)
    sums = next(cte for cte in tree.find_all(exp.CTE) if cte.alias == "sums")
    for column in list(sums.this.find_all(exp.Column)):
        replacement = catalogue.ESTIMATE_BASIS_SUMS.get(column.name)
        if replacement and isinstance(column.parent, exp.Sum):
            column.set("this", exp.to_identifier(replacement))
    return tree.sql(dialect=sqlgen.CANONICAL_DIALECT)


def output_columns(intervals: bool = False, billing: bool = False) -> list[str]:
    """The issue-2 columns; with intervals, each metric's interval right after it; with
    billing, the billing columns (issue 3) last."""
    billing_columns = list(catalogue.BILLING_COLUMNS) if billing else []
    if not intervals:
        return [*catalogue.METRIC_COLUMNS, *billing_columns]
    columns: list[str] = []
    for column in catalogue.METRIC_COLUMNS:
        columns.append(column)
        if column in {item.name for item in catalogue.DAILY_METRICS}:
            item = catalogue.metric(column)
            columns += list(catalogue.interval_columns(item)) if item.interval else []
    return [*columns, *billing_columns]


def has_billing(rows: list[dict[str, Any]]) -> bool:
    """Whether any group carries billed money or infra cost (the build has billing)."""
    return any(row.get("billed_cost") or row.get("infra_cost") for row in rows)


def _records_have_billing(records: list[dict[str, Any]]) -> bool:
    return bool(records) and "billed_cost" in records[0]


def fetch_metrics(
    target: str,
    by: list[str],
    date_from: date | None = None,
    date_to: date | None = None,
    db_path: Path | None = None,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    *,
    intervals: bool = False,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
    cost_basis: str = "invoice",
    billing: bool | None = None,
) -> list[dict[str, Any]]:
    """Metric records per group. billing: add the billing columns (None: when the build has
    billing, i.e. some group carries billed money or infra cost)."""
    dialect = TARGET_DIALECTS[target]
    sql = metrics_sql(
        mart_schema(target), by, date_from, date_to, min_sample, dialect, level, cost_basis
    )
    columns, rows = query(target, sql, db_path)
    # Groups with intents, or with billed money that landed on no call.
    found = [dict(zip(columns, row, strict=True)) for row in rows]
    found = [row for row in found if row.get("intents") or row.get("billed_cost")]
    with_billing = has_billing(found) if billing is None else billing
    keep = [*by, *output_columns(intervals, with_billing)]
    return [{key: _plain(row[key]) for key in keep} for row in found]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def render(
    records: list[dict[str, Any]],
    by: list[str],
    fmt: str,
    intervals: bool = False,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> str:
    if fmt == "json":
        return json.dumps(records, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        fieldnames = [*by, *output_columns(intervals, _records_have_billing(records))]
        writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue()
    return render_table(records, by, intervals, level)


TABLE_COLUMNS = (
    ("intents", "intents"),
    ("success_rate", "success"),
    ("cost_per_million_tokens", "CPT/1M"),
    ("token_cost", "tokens $"),
    ("retry_cost", "retries $"),
    ("labor_cost", "labour $"),
    ("total_cost", "total $"),
    ("cost_per_intent", "cost/intent"),
    ("cost_per_success", "cost/success"),
    ("escalation_rate", "escalated"),
    ("avg_turns_per_intent", "turns"),
)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key in ("success_rate", "escalation_rate"):
        return f"{value:.1%}"
    if key in ("intents",):
        return f"{value:,}"
    if key == "avg_turns_per_intent":
        return f"{value:.2f}"
    sign = "-" if value < 0 else ""  # an interval's low end can fall below 0
    if key in ("cost_per_million_tokens", *catalogue.MONEY_COLUMNS, *catalogue.BILLING_COLUMNS):
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}${abs(value):,.4f}"


def _interval_cell(record: dict[str, Any], metric: str) -> str:
    low, high = record[f"{metric}_ci_low"], record[f"{metric}_ci_high"]
    if low is None or high is None:
        return "-"
    return f"{_cell(metric, low)} – {_cell(metric, high)}"


def _table_columns(intervals: bool, level: float) -> list[tuple[str, str]]:
    if not intervals:
        return list(TABLE_COLUMNS)
    pct = f"{level:.0%}" if round(level * 100) == level * 100 else f"{level:.1%}"
    columns: list[tuple[str, str]] = []
    for key, label in TABLE_COLUMNS:
        columns.append((key, label))
        if key in {"success_rate", "cost_per_intent", "cost_per_success"}:
            columns.append((f"ci:{key}", f"{label} {pct} CI"))
    return columns


BILLING_TABLE_COLUMNS = (
    ("infra_cost", "infra $"),
    ("billed_cost", "billed $"),
    ("unallocated_cost", "unallocated $"),
)


def _with_billing_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Infra cost after labour (it is part of total), then the billed and unallocated money."""
    at = [key for key, _ in columns].index("labor_cost") + 1
    infra, *billing = BILLING_TABLE_COLUMNS
    return [*columns[:at], infra, *columns[at:], *billing]


def render_table(
    records: list[dict[str, Any]],
    by: list[str],
    intervals: bool = False,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> str:
    if not records:
        return "No intents in the selected range."
    table_columns = _table_columns(intervals, level)
    if _records_have_billing(records):
        table_columns = _with_billing_columns(table_columns)
    header = [*by, *(label for _, label in table_columns)]
    cps_index = len(by) + [key for key, _ in table_columns].index("cost_per_success")
    body = []
    for record in records:
        cells = [str(record[column]) if record[column] is not None else "-" for column in by]
        cells += [
            _interval_cell(record, key[3:]) if key.startswith("ci:") else _cell(key, record[key])
            for key, _ in table_columns
        ]
        if not record["is_sufficient_sample"] and record["intents"]:
            cells[cps_index] += " *"
        body.append(cells)
    lines = text_table(header, body, label_columns=len(by))
    if any(not record["is_sufficient_sample"] for record in records):
        lines.append(
            "* fewer labelled intents than the sample threshold: treat this cost per success "
            "as noise."
        )
    return "\n".join(lines)
