"""`aiue metrics`: re-aggregate unit_economics_daily by any dimensions and print the metrics."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import catalogue
from .errors import UserError
from .warehouse import mart_schema, query


def metrics_sql(schema: str, by: list[str], date_from: date | None, date_to: date | None,
                min_sample: int = 100, double_type: str = "double precision") -> str:
    unknown = [column for column in by if column not in catalogue.DIMENSIONS]
    if unknown:
        raise UserError(
            f"unknown dimension '{unknown[0]}'; choose from: {', '.join(catalogue.DIMENSIONS)}."
        )
    filters = []
    if date_from:
        filters.append(f"date_day >= date '{date_from.isoformat()}'")
    if date_to:
        filters.append(f"date_day <= date '{date_to.isoformat()}'")
    where = f"where {' and '.join(filters)}" if filters else ""
    dims = ", ".join(by)
    sums = ",\n    ".join(f"sum({column}) as {column}" for column in catalogue.SUMS)
    ratios = ",\n    ".join(
        f"cast({r.numerator} as {double_type}) / nullif(cast({r.denominator} as {double_type}), 0)"
        f"{f' * {r.scale}' if r.scale != 1 else ''} as {r.name}"
        for r in catalogue.RATIOS
    )
    group = f"group by {dims}" if by else ""
    order = f"order by {dims}" if by else ""
    select_dims = f"{dims}, " if by else ""
    return f"""
with sums as (
  select {select_dims}
    {sums}
  from {schema}.unit_economics_daily
  {where}
  {group}
)
select {select_dims}
  {", ".join(catalogue.SUMS)},
  {ratios},
  labeled_intents >= {min_sample} as is_sufficient_sample
from sums
{order}
"""


def fetch_metrics(target: str, by: list[str], date_from: date | None = None,
                  date_to: date | None = None, db_path: Path | None = None,
                  min_sample: int = 100) -> list[dict[str, Any]]:
    double_type = "double" if target == "spark" else "double precision"
    sql = metrics_sql(mart_schema(target), by, date_from, date_to, min_sample, double_type)
    columns, rows = query(target, sql, db_path)
    keep = [*by, *catalogue.METRIC_COLUMNS]
    records = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        if not record.get("intents"):
            continue
        records.append({key: _plain(record[key]) for key in keep})
    return records


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def render(records: list[dict[str, Any]], by: list[str], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[*by, *catalogue.METRIC_COLUMNS], lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue()
    return render_table(records, by)


TABLE_COLUMNS = (
    ("intents", "intents"), ("success_rate", "success"), ("cost_per_million_tokens", "CPT/1M"),
    ("token_cost", "tokens $"), ("retry_cost", "retries $"), ("labor_cost", "labour $"),
    ("total_cost", "total $"), ("cost_per_intent", "cost/intent"),
    ("cost_per_success", "cost/success"), ("escalation_rate", "escalated"),
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
    if key in ("cost_per_million_tokens", "token_cost", "retry_cost", "labor_cost", "total_cost"):
        return f"${value:,.2f}"
    return f"${value:,.4f}"


def render_table(records: list[dict[str, Any]], by: list[str]) -> str:
    if not records:
        return "No intents in the selected range."
    header = [*by, *(label for _, label in TABLE_COLUMNS)]
    body = []
    for record in records:
        cells = [str(record[column]) if record[column] is not None else "-" for column in by]
        cells += [_cell(key, record[key]) for key, _ in TABLE_COLUMNS]
        if not record["is_sufficient_sample"]:
            cells[-3] += " *"
        body.append(cells)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    numeric_from = len(by)

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i < numeric_from else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        )

    lines = [line(header), "  ".join("-" * width for width in widths), *map(line, body)]
    if any(not record["is_sufficient_sample"] for record in records):
        lines.append("* fewer labelled intents than the sample threshold: treat this cost per success as noise.")
    return "\n".join(lines)
