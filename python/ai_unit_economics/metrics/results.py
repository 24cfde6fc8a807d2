"""`aiue metrics`: re-aggregate aiue__unit_economics_daily by any dimensions; print the metrics."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from ..engines.registry import engine
from ..engines.warehouse import mart_schema, query
from ..errors import UserError
from ..ui.tables import MAX_WIDTH, UNBOUNDED, text_table
from . import catalogue, settings, sqlgen
from .catalogue import DEFAULT_CONFIDENCE_LEVEL

# Columns that count things (intents, calls, tokens): whole numbers on every engine, even
# where the warehouse sums them into a decimal (Postgres returns Decimal for sum(integer)).
COUNT_COLUMNS = frozenset(m.name for m in catalogue.MEASURES if m.unit in ("count", "tokens"))


def metrics_sql(
    schema: str,
    by: list[str],
    date_from: date | None,
    date_to: date | None,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    dialect: str = "duckdb",
    level: float = DEFAULT_CONFIDENCE_LEVEL,
    cost_basis: str = "invoice",
    passthrough: tuple[str, ...] = (),
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
        passthrough=passthrough,
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
    """The published columns; with intervals, each metric's interval right after it; with
    billing, the billing columns last."""
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
    min_sample: int | None = None,
    *,
    intervals: bool = False,
    level: float | None = None,
    cost_basis: str = "invoice",
    billing: bool | None = None,
    schema: str | None = None,
) -> list[dict[str, Any]]:
    """Metric records per group. min_sample, level: None for the build's (metrics.settings).
    billing: add the billing columns (None: when the build has billing, i.e. some group carries
    billed money or infra cost). schema: where the marts are (default: from the target's
    profile)."""
    dialect = engine(target).dialect
    schema = mart_schema(target, schema)
    if min_sample is None or level is None:
        chosen = settings.resolve(target, db_path, min_sample, level, schema)
        min_sample, level = chosen.min_sample, chosen.level
    passthrough = mart_passthrough_dimensions(target, schema, db_path) if by else ()
    sql = metrics_sql(
        schema, by, date_from, date_to, min_sample, dialect, level, cost_basis, passthrough
    )
    columns, rows = query(target, sql, db_path)
    # Groups with intents, or with billed money that landed on no call.
    found = [dict(zip(columns, row, strict=True)) for row in rows]
    found = [row for row in found if row.get("intents") or row.get("billed_cost")]
    with_billing = has_billing(found) if billing is None else billing
    keep = [*by, *output_columns(intervals, with_billing)]
    return [{key: _plain(key, row[key]) for key in keep} for row in found]


def mart_passthrough_dimensions(target: str, schema: str, db_path: Path | None) -> tuple[str, ...]:
    """The pass-through dimensions (var aiue_span_passthrough_columns) of the built daily mart:
    read from the warehouse, so a build made with any value of the var can be grouped by its
    own."""
    relation = sqlgen.qualified(schema, catalogue.DAILY_RELATION)
    columns, _ = query(target, f"select * from {relation} where 1 = 0", db_path)
    return catalogue.passthrough_in_daily(columns)


def _plain(key: str, value: Any) -> Any:
    """JSON-ready: counts as int, other numbers as float, dates as ISO text."""
    if isinstance(value, (Decimal, float)) and key in COUNT_COLUMNS:
        return int(value)
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
    wide: bool = False,
) -> str:
    if fmt == "json":
        return json.dumps(records, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        fieldnames = [*by, *output_columns(intervals, _records_have_billing(records))]
        writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows([{key: _csv_value(value) for key, value in r.items()} for r in records])
        return buffer.getvalue()
    return render_table(records, by, intervals, level, wide)


def _csv_value(value: Any) -> Any:
    """Booleans as true/false, as SQL and every CSV reader of BI tools spell them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# --- the terminal tables ------------------------------------------------------------------------
# By default two tables that fit MAX_WIDTH columns: what an outcome costs, and where the money
# goes (tokens + tools + infra + labour = total, so the parts add up); --intervals adds a third.
# --wide prints every column in one table, however wide.

OUTCOME_COLUMNS = (
    ("intents", "intents"),
    ("success_rate", "success"),
    ("cost_per_million_tokens", "CPT/1M"),
    ("cost_per_intent", "cost/intent"),
    ("cost_per_success", "cost/success"),
    ("escalation_rate", "escalated"),
    ("avg_turns_per_intent", "turns"),
)
# The parts of total_cost, in the order they add up; infra only in builds with billing.
COST_PARTS = (
    ("token_cost", "tokens $"),
    ("tool_cost", "tools $"),
    ("infra_cost", "infra $"),
    ("labor_cost", "labour $"),
)
MONEY_COLUMNS = (*COST_PARTS, ("total_cost", "total $"), ("retry_cost", "retries $"))
INTERVAL_METRICS = (
    ("success_rate", "success"),
    ("cost_per_intent", "cost/intent"),
    ("cost_per_success", "cost/success"),
)
WIDE_COLUMNS = (
    ("intents", "intents"),
    ("labeled_intents", "labelled"),
    ("successful_intents", "successes"),
    ("success_rate", "success"),
    ("ci:success_rate", "success CI"),
    ("calls", "calls"),
    ("tokens", "tokens"),
    ("cost_per_million_tokens", "CPT/1M"),
    *MONEY_COLUMNS,
    ("cost_per_intent", "cost/intent"),
    ("ci:cost_per_intent", "cost/intent CI"),
    ("cost_per_success", "cost/success"),
    ("ci:cost_per_success", "cost/success CI"),
    ("escalation_rate", "escalated"),
    ("avg_turns_per_intent", "turns"),
    ("failed_intents", "failed"),
    ("failed_total_cost", "failed $"),
    ("failure_cost_share", "failed share of $"),
    ("attempts_per_success", "tries/success"),
    ("cost_per_successful_intent", "cost/succeeded"),
    ("cost_per_failed_intent", "cost/failed"),
    ("value_per_success", "value/success"),
    ("margin_per_success", "margin/success"),
    ("inference_calls_per_agent_intent", "calls/agent"),
    ("tool_calls_per_agent_intent", "tools/agent"),
    ("turns_per_agent_intent", "turns/agent"),
    ("billed_cost", "billed $"),
    ("allocated_cost", "allocated $"),
    ("unallocated_cost", "unallocated $"),
)
SMALL_SAMPLE_NOTE = (
    "* fewer labelled intents than the sample threshold: treat this cost per success as noise."
)
UNBOUNDED_NOTE = (
    "no upper bound: too few successes to bound the cost per success from above at this "
    "level (docs/metrics.md, Intervals)."
)


def has_unbounded(records: list[dict[str, Any]]) -> bool:
    """Whether some interval has a low end and no high end."""
    return any(
        record.get(f"{name}_ci_low") is not None and record.get(f"{name}_ci_high") is None
        for record in records
        for name, _ in INTERVAL_METRICS
    )


def _money_keys() -> set[str]:
    return {name for name, _ in MONEY_COLUMNS} | set(catalogue.BILLING_COLUMNS)


def _cell(key: str, value: Any, cents: bool = True) -> str:
    """One value as shown: money sums in cents (or 4 decimals when a table's sums are all
    small), rates and per-unit money with 4 decimals."""
    if value is None:
        return "-"
    if key in ("success_rate", "escalation_rate"):
        return f"{value:.1%}"
    if key in COUNT_COLUMNS:
        return f"{int(value):,}"
    if key == "avg_turns_per_intent":
        return f"{value:.2f}"
    sign = "-" if value < 0 else ""  # a credit can make a money sum negative
    if key in _money_keys() and cents:
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}${abs(value):,.4f}"


def _cents(records: list[dict[str, Any]], columns: list[tuple[str, str]]) -> bool:
    """Whether a table's money sums read well in cents: one of them reaches $100."""
    keys = [key for key, _ in columns if key in _money_keys()]
    return any(abs(float(r.get(key) or 0)) >= 100 for r in records for key in keys)


NO_UPPER_BOUND = "no upper bound"


def interval_text(low: str | None, high: str | None) -> str:
    """An interval as people read it: "low – high", "low – no upper bound" when the data bound
    it from below only, "-" when there is none."""
    if low is None:
        return "-"
    return f"{low} – {NO_UPPER_BOUND if high is None else high}"


def _interval_cell(record: dict[str, Any], metric: str) -> str:
    low, high = record.get(f"{metric}_ci_low"), record.get(f"{metric}_ci_high")
    return interval_text(
        None if low is None else _cell(metric, low), None if high is None else _cell(metric, high)
    )


def _value_cell(record: dict[str, Any], key: str, cents: bool = True) -> str:
    if key.startswith("ci:"):
        return _interval_cell(record, key[3:])
    text = _cell(key, record.get(key), cents)
    if key == "cost_per_success" and record["intents"] and not record["is_sufficient_sample"]:
        text += " *"
    return text


def _level_label(level: float) -> str:
    return f"{level:.0%}" if round(level * 100) == level * 100 else f"{level:.1%}"


def _table(
    records: list[dict[str, Any]],
    by: list[str],
    columns: list[tuple[str, str]],
    title: str,
    width: int,
    total: bool = False,
) -> list[str]:
    """One table of records; with total, a footer row summing its (money) columns."""
    header = [*by, *(label for _, label in columns)]
    sums = {key: sum(float(r.get(key) or 0) for r in records) for key, _ in columns}
    cents = _cents([*records, sums], columns)
    body = [
        [
            *("-" if record[column] is None else str(record[column]) for column in by),
            *(_value_cell(record, key, cents) for key, _ in columns),
        ]
        for record in records
    ]
    footer = None
    if total and by and len(records) > 1:
        footer = ["total", *([""] * (len(by) - 1))]
        footer += [_cell(key, sums[key], cents) for key, _ in columns]
    return text_table(header, body, label_columns=len(by), footer=footer, title=title, width=width)


def render_table(
    records: list[dict[str, Any]],
    by: list[str],
    intervals: bool = False,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
    wide: bool = False,
) -> str:
    if not records:
        return "No intents in the selected range."
    billing = _records_have_billing(records)
    lines: list[str] = []
    if wide:
        keys = [
            (key, label.replace("CI", f"{_level_label(level)} CI"))
            for key, label in WIDE_COLUMNS
            if (intervals or not key.startswith("ci:"))
            and (billing or key not in catalogue.BILLING_COLUMNS)
        ]
        lines += _table(records, by, keys, "Unit economics", UNBOUNDED)
    else:
        # Groups with billed money but no intents have nothing to show here (the note below
        # and --wide do).
        # A group whose unallocated money is negative holds a credit (money back that names no
        # call): shown as a credit, not as "negative unallocated".
        unallocated_by_group = [float(r.get("unallocated_cost") or 0) for r in records]
        unallocated = sum(value for value in unallocated_by_group if value > 0)
        credits = sum(value for value in unallocated_by_group if value < 0)
        records = [r for r in records if r["intents"]] or records
        parts = [(k, label) for k, label in MONEY_COLUMNS if billing or k != "infra_cost"]
        lines += _table(records, by, list(OUTCOME_COLUMNS), "What an intent costs", MAX_WIDTH)
        lines += [""]
        lines += _table(
            records,
            by,
            parts,
            "Where the money goes (tokens + tools"
            + (" + infra" if billing else "")
            + " + labour = total; retries are part of tokens)",
            MAX_WIDTH,
            total=True,
        )
        if unallocated or credits:
            parts_text = []
            if unallocated:
                parts_text.append(
                    f"unallocated {_cell('unallocated_cost', unallocated)}: billed money that "
                    "landed on no call"
                )
            if credits:
                parts_text.append(
                    f"credits {_cell('unallocated_cost', credits)}: money the invoice gives "
                    "back, naming no call"
                )
            lines += textwrap.wrap(
                "; ".join(parts_text)
                + ". Neither is in any intent's cost; `aiue reconcile` shows where.",
                width=MAX_WIDTH,
                subsequent_indent="  ",
            )
        if intervals:
            pct = _level_label(level)
            ci = [(f"ci:{key}", f"{label} {pct} CI") for key, label in INTERVAL_METRICS]
            lines += ["", *_table(records, by, ci, f"{pct} confidence intervals", MAX_WIDTH)]
    if intervals and has_unbounded(records):
        lines.append(UNBOUNDED_NOTE)
    if any(r["intents"] and not r["is_sufficient_sample"] for r in records):
        lines.append(SMALL_SAMPLE_NOTE)
    return "\n".join(lines)
