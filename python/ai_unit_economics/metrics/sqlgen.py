"""SQL for the catalogue's metrics: one canonical query, transpiled to each warehouse by sqlglot.

The canonical query re-aggregates additive sums (from `aiue__unit_economics_daily` for intent-grain
metrics, from `aiue__llm_calls` for call-grain ones), then applies each metric's formula and the
interval formulas of intervals.py. It is written once, in PostgreSQL syntax, and sqlglot writes
it for every dialect in DIALECTS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import sqlglot
import yaml
from sqlglot import exp

from ..engines.warehouse import checked_schema
from ..errors import UserError
from ..project import project_dir
from . import catalogue, intervals
from .catalogue import DEFAULT_CONFIDENCE_LEVEL, Grain, Metric, RatioInterval, WilsonInterval

CANONICAL_DIALECT = "postgres"
DIALECTS: tuple[str, ...] = (
    "duckdb",
    "postgres",
    "snowflake",
    "bigquery",
    "databricks",
    "spark",
    "trino",
    "redshift",
)
DOUBLE = "double precision"


def passthrough_dimensions(root: Path | None = None) -> tuple[catalogue.PassthroughColumn, ...]:
    """The pass-through dimensions var aiue_span_passthrough_columns names in the dbt_project.yml
    of `root`, else (no root, or none there) of the project `aiue` runs."""
    path = (root or project_dir()) / "dbt_project.yml"
    if not path.is_file():
        path = project_dir() / "dbt_project.yml"
    if not path.is_file():
        return ()
    project = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    configured = (project.get("vars") or {}).get(catalogue.PASSTHROUGH_VAR)
    return catalogue.passthrough_dimensions(configured)


# --------------------------------------------------------------------------------------------
# Expression builders (canonical SQL text). Each takes column names or SQL expressions.
# --------------------------------------------------------------------------------------------


def as_double(sql: str) -> str:
    return f"cast({sql} as {DOUBLE})"


def ratio_sql(numerator: str, denominator: str) -> str:
    """Floating-point ratio, null when the denominator is 0 (the SQL `ratio` macro's twin)."""
    return f"{as_double(numerator)} / nullif({as_double(denominator)}, 0)"


def substitute_metrics(
    expr: str, replacement: Callable[[str], str], parenthesise: bool = True
) -> str:
    """Rewrite a derived metric's expression, each metric name replaced by `(replacement)`
    (or by the bare replacement, for a name by a name)."""
    inputs = catalogue.metric_inputs_of(expr)
    placeholders = {name: f"aiue_metric_input_{index}" for index, name in enumerate(inputs)}

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and node.name in placeholders:
            return exp.column(placeholders[node.name])
        return node

    text = sqlglot.parse_one(expr).transform(swap).sql(dialect=CANONICAL_DIALECT)
    # Longest placeholder first, so aiue_metric_input_1 never eats part of ..._10.
    for name, placeholder in sorted(placeholders.items(), key=lambda kv: -len(kv[1])):
        value = replacement(name)
        text = text.replace(placeholder, f"({value})" if parenthesise else value)
    return text


def metric_sql(item: Metric) -> str:
    """A metric's formula over columns named like its measures."""
    if item.expr is not None:
        return substitute_metrics(item.expr, lambda name: metric_sql(catalogue.metric(name)))
    assert item.numerator and item.denominator
    return ratio_sql(item.numerator, item.denominator)


def interval_sql(item: Metric, level: float, side: str) -> str:
    """One end ('low' or 'high') of a metric's interval at `level`, over columns named like
    its sums (intervals.py: the one definition of the maths)."""
    constants = intervals.literal_constants(level)
    if isinstance(item.interval, WilsonInterval):
        return intervals.wilson_bound(
            item.interval.successes, item.interval.trials, side, constants
        )
    if isinstance(item.interval, RatioInterval):
        return intervals.ratio_bound(item.interval.parts(), side, constants)
    raise ValueError(f"metric {item.name} has no interval")


# --------------------------------------------------------------------------------------------
# The canonical query.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryOptions:
    level: float = DEFAULT_CONFIDENCE_LEVEL
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE
    intervals: bool = True
    schema: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    extra_sums: tuple[str, ...] = ()  # more measures to return, e.g. every daily sum
    order: bool = True
    # Pass-through dimensions (var aiue_span_passthrough_columns) the marts carry.
    passthrough: tuple[str, ...] = ()


def resolve_metrics(names: Sequence[str]) -> tuple[Metric, ...]:
    known = [item.name for item in catalogue.METRICS]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        what = f"unknown metric '{unknown[0]}'" if unknown else "no metric given"
        raise UserError(f"{what}; choose from: {', '.join(known)}.")
    metrics = tuple(catalogue.metric(name) for name in dict.fromkeys(names))
    grains = {catalogue.metric_grain(item).name for item in metrics}
    if len(grains) > 1:
        raise UserError(
            "these metrics sit on different grains (intent and call); query them separately: "
            + ", ".join(f"{m.name} ({catalogue.metric_grain(m).name})" for m in metrics)
        )
    return metrics


def check_dimensions(grain: Grain, by: Sequence[str], passthrough: Sequence[str] = ()) -> None:
    valid = (*catalogue.query_dimensions_for(grain), *passthrough)
    unknown = [name for name in by if name not in valid]
    if unknown:
        raise UserError(
            f"unknown dimension '{unknown[0]}'; choose from: {', '.join(valid)} "
            f"(the dimensions of {grain.name}-grain metrics)."
        )


def needed_measures(
    metrics: Sequence[Metric], options: QueryOptions | None = None
) -> tuple[str, ...]:
    """The sums a query of these metrics reads (with their intervals' and the sample size)."""
    options = options or QueryOptions()
    names: list[str] = []
    for item in metrics:
        names += catalogue.metric_measures(item)
        if options.intervals and item.interval:
            names += item.interval.measures()
    grain = catalogue.metric_grain(metrics[0])
    if grain == catalogue.INTENT:
        names.append(catalogue.SAMPLE_SIZE_MEASURE)
    names += options.extra_sums
    order = {m.name: index for index, m in enumerate(catalogue.MEASURES)}
    return tuple(sorted(dict.fromkeys(names), key=order.__getitem__))


@dataclass(frozen=True)
class Source:
    """Where a re-aggregating query reads its sums from."""

    relation: str
    day_column: str
    reads_daily: bool

    def sum_of(self, measure_name: str) -> str:
        """The daily mart's pre-summed column, or the fact's expression."""
        return measure_name if self.reads_daily else catalogue.measure(measure_name).expr

    def column(self, dimension: str) -> str:
        """The SQL of a dimension over the source (the day column under its name, the month
        as the first day of the day's month)."""
        if dimension == catalogue.DATE_DIMENSION:
            return self.day_column
        if dimension == catalogue.MONTH_DIMENSION:
            return f"cast(date_trunc('month', {self.day_column}) as date)"
        return dimension


def source_for(grain: Grain, measures: Sequence[str]) -> Source:
    if grain == catalogue.INTENT and catalogue.reads_daily(measures):
        return Source(catalogue.DAILY_RELATION, catalogue.DAILY_DAY_COLUMN, True)
    return Source(grain.model, grain.time_dimension, False)


def metric_source(item: Metric) -> Source:
    return source_for(catalogue.metric_grain(item), needed_measures([item]))


def canonical_query(
    metric_names: Sequence[str], by: Sequence[str], options: QueryOptions | None = None
) -> str:
    """The query in PostgreSQL syntax (lowercase), before transpiling."""
    options = options or QueryOptions()
    metrics = resolve_metrics(metric_names)
    grain = catalogue.metric_grain(metrics[0])
    check_dimensions(grain, by, options.passthrough)
    try:
        intervals.check_level(options.level)
    except ValueError as error:
        raise UserError(str(error)) from error
    measures = needed_measures(metrics, options)
    source = source_for(grain, measures)
    relation = qualified(options.schema, source.relation)

    sum_dims = [
        name if source.column(name) == name else f"{source.column(name)} as {name}" for name in by
    ]
    sums = [f"sum({source.sum_of(name)}) as {name}" for name in measures]
    filters = []
    if options.date_from:
        filters.append(f"{source.day_column} >= cast('{options.date_from.isoformat()}' as date)")
    if options.date_to:
        filters.append(f"{source.day_column} <= cast('{options.date_to.isoformat()}' as date)")
    group = [source.column(name) for name in by]

    outer = [*by, *measures]
    outer += [f"{metric_sql(item)} as {item.name}" for item in metrics]
    if grain == catalogue.INTENT:
        outer.append(
            f"{catalogue.SAMPLE_SIZE_MEASURE} >= {int(options.min_sample)}"
            f" as {catalogue.SUFFICIENT_SAMPLE_COLUMN}"
        )
    if options.intervals:
        for item in metrics:
            if item.interval:
                low, high = catalogue.interval_columns(item)
                outer.append(f"{interval_sql(item, options.level, 'low')} as {low}")
                outer.append(f"{interval_sql(item, options.level, 'high')} as {high}")

    lines = ["with sums as (", "  select", _indent([*sum_dims, *sums], 4), f"  from {relation}"]
    if filters:
        lines.append(f"  where {' and '.join(filters)}")
    if group:
        lines.append(f"  group by {', '.join(group)}")
    lines += [")", "select", _indent(outer, 2), "from sums"]
    if by and options.order:
        lines.append(f"order by {', '.join(by)}")
    return "\n".join(lines)


def qualified(schema: str | None, relation: str) -> str:
    """schema.relation in canonical SQL; a part that is not a plain name (a BigQuery project
    like my-project) is quoted. The schema is checked first: it can never carry SQL."""
    if not schema:
        return relation
    parts = checked_schema(schema).split(".")
    return ".".join(
        part if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part) else f'"{part}"'
        for part in [*parts, relation]
    )


def _indent(items: Sequence[str], spaces: int) -> str:
    return ",\n".join(" " * spaces + item for item in items)


def transpile(sql: str, dialect: str) -> str:
    if dialect not in DIALECTS:
        raise UserError(f"unknown dialect '{dialect}'; choose from: {', '.join(DIALECTS)}.")
    return sqlglot.transpile(sql, read=CANONICAL_DIALECT, write=dialect, pretty=True)[0]


def metric_query(
    metric_names: Sequence[str],
    by: Sequence[str],
    dialect: str,
    options: QueryOptions | None = None,
) -> str:
    """Ready-to-run SQL for `dialect`: the metrics grouped by `by`."""
    if dialect not in DIALECTS:
        raise UserError(f"unknown dialect '{dialect}'; choose from: {', '.join(DIALECTS)}.")
    return transpile(canonical_query(metric_names, by, options), dialect)


def view_model_name(item: Metric) -> str:
    """The dbt model (a view beside the marts) of one metric."""
    return f"aiue__metric_{item.name}"


def metric_view(item: Metric, dialect: str, options: QueryOptions | None = None) -> str:
    """The metric view as `create or replace view`, at the finest grain of the metric's
    dimensions (the dbt model's grain), for a warehouse where dbt does not build it."""
    options = replace(options or QueryOptions(), order=False, date_from=None, date_to=None)
    schema = options.schema
    grain = catalogue.metric_grain(item)
    by = (*catalogue.dimensions_for(grain), *options.passthrough)
    query = canonical_query([item.name], by, options)
    name = qualified(schema, view_model_name(item))
    return transpile(f"create or replace view {name} as\n{query}", dialect)
