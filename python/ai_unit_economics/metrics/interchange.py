"""The semantic documents other semantic layers read natively, from the one catalogue.

- Apache Ossie (Open Semantic Interchange) 0.1.1, the version dbt 1.12's `OSI/` folder and
  Snowflake's SYSTEM$CREATE_SEMANTIC_VIEW_FROM_OSI_YAML read (JSON, which is also YAML);
- a Snowflake semantic view (SYSTEM$CREATE_SEMANTIC_VIEW_FROM_YAML);
- Databricks metric views, YAML v1.1 (one per source table).

Only the portable subset travels: every metric is a ratio of additive sums over one table
(`SUM(a) / NULLIF(SUM(b), 0)`), each sum is a metric of its own so a tool can re-aggregate,
and each interval is the SQL of intervals.py over the same sums (its level fixed when the
document is written). No cumulative, offset or window semantics. Intent-grain metrics read
aiue__unit_economics_daily (the sums `aiue metrics` reads, billing rows included), call-grain
ones aiue__llm_calls. Metric names carry the `aiue_` prefix, as in MetricFlow, so they cannot
collide with a user's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import catalogue, intervals, sqlgen
from .catalogue import Grain, Metric, RatioInterval, WilsonInterval

OSI_VERSION = "0.1.1"
DATABRICKS_VERSION = "1.1"
MODEL_NAME = "ai_unit_economics"
# Where the committed documents point (the demo: `make demo` builds demo/aiue.duckdb, whose
# database is `aiue`, marts in `main_aiue`); `aiue semantic --schema` writes them for yours.
DEFAULT_DATABASE = "aiue"
DEFAULT_SCHEMA = "main_aiue"
# The dialects each document's expressions are written in (sqlglot's names).
OSI_DIALECTS: tuple[tuple[str, str], ...] = (
    ("ANSI_SQL", sqlgen.CANONICAL_DIALECT),
    ("SNOWFLAKE", "snowflake"),
    ("DATABRICKS", "databricks"),
)
SAMPLE_METRIC = catalogue.SUFFICIENT_SAMPLE_COLUMN


@dataclass(frozen=True)
class Location:
    database: str = DEFAULT_DATABASE
    schema: str = DEFAULT_SCHEMA

    def source(self, relation: str) -> str:
        return f"{self.database}.{self.schema}.{relation}"


DEFAULT_LOCATION = Location()


@dataclass(frozen=True)
class Dataset:
    """A table of the marts and what the documents show of it."""

    grain: Grain
    name: str  # the logical name (and the table alias metric expressions use)
    relation: str
    primary_key: str
    time_dimension: str
    dimensions: tuple[str, ...]
    sums: tuple[str, ...]  # measure names, each a column (daily) or an expression (calls)
    description: str

    def fact_sql(self, measure: str) -> str:
        """The row-level expression a measure sums."""
        if self.relation == catalogue.DAILY_RELATION:
            return measure
        return catalogue.measure(measure).expr


def _travels_on_daily(item: Metric) -> bool:
    interval = item.interval.measures() if item.interval else ()
    return catalogue.reads_daily((*catalogue.metric_measures(item), *interval))


def datasets(passthrough: Sequence[str] = ()) -> tuple[Dataset, ...]:
    """The tables the documents read: the daily mart and the calls; the intents too when an
    intent-grain metric needs a sum the daily mart does not hold."""
    daily_dims = tuple(d for d in catalogue.DIMENSIONS if d != catalogue.DATE_DIMENSION)
    call_dims = tuple(d.name for d in catalogue.DIMENSIONS_CATALOGUE if d.grain == catalogue.CALL)
    intent_dims = tuple(
        d.name for d in catalogue.DIMENSIONS_CATALOGUE if d.grain == catalogue.INTENT
    )
    found = [
        Dataset(
            catalogue.INTENT,
            "unit_economics_daily",
            catalogue.DAILY_RELATION,
            "unit_economics_daily_id",
            catalogue.DAILY_DAY_COLUMN,
            (*daily_dims, *passthrough),
            catalogue.SUMS,
            "Additive sums of the intents by day x feature x provider x primary model (and the "
            "pass-through dimensions), with rows of billed money that reached no intent. Every "
            "intent-grain metric is a ratio of these sums: re-aggregate the sums, never average "
            "a ratio.",
        ),
        Dataset(
            catalogue.CALL,
            "llm_calls",
            catalogue.CALL.model,
            catalogue.CALL.primary_key,
            catalogue.CALL.time_dimension,
            (*call_dims, *passthrough),
            tuple(m.name for m in catalogue.MEASURES if m.grain == catalogue.CALL),
            catalogue.CALL.description,
        ),
    ]
    if not all(_travels_on_daily(m) for m in catalogue.INTENT_METRICS):
        found.append(
            Dataset(
                catalogue.INTENT,
                "intents",
                catalogue.INTENT.model,
                catalogue.INTENT.primary_key,
                catalogue.INTENT.time_dimension,
                (*intent_dims, *passthrough),
                tuple(m.name for m in catalogue.INTENT_MEASURES if m.semantic),
                catalogue.INTENT.description,
            )
        )
    return tuple(found)


def dataset_of(item: Metric, found: Sequence[Dataset]) -> Dataset:
    """The daily mart for an intent-grain metric it can compute, else the metric's fact."""
    grain = catalogue.metric_grain(item)
    if grain == catalogue.INTENT and _travels_on_daily(item):
        return next(d for d in found if d.relation == catalogue.DAILY_RELATION)
    return next(d for d in found if d.grain == grain and d.relation == grain.model)


# --------------------------------------------------------------------------------------------
# Expressions: every metric over SUM()s of its dataset's facts, in canonical SQL.
# --------------------------------------------------------------------------------------------


def _sum(dataset: Dataset, measure: str, qualify: bool = True) -> str:
    """SUM of a fact: qualified, of the document's field (dataset.measure, as Ossie and
    Snowflake name them); else of its expression over the source's columns (Databricks)."""
    if qualify:
        return f"sum({dataset.name}.{measure})"
    return f"sum({dataset.fact_sql(measure)})"


def metric_expression(item: Metric, dataset: Dataset, qualify: bool = True) -> str:
    """A metric as a ratio of sums (a derived metric: its formula over such ratios)."""
    if item.expr is not None:
        return sqlgen.substitute_metrics(
            item.expr, lambda name: metric_expression(catalogue.metric(name), dataset, qualify)
        )
    assert item.numerator and item.denominator
    return sqlgen.ratio_sql(
        _sum(dataset, item.numerator, qualify), _sum(dataset, item.denominator, qualify)
    )


def interval_expression(
    item: Metric, dataset: Dataset, side: str, level: float, qualify: bool = True
) -> str:
    constants = intervals.literal_constants(level)
    interval = item.interval
    if isinstance(interval, WilsonInterval):
        return intervals.wilson_bound(
            _sum(dataset, interval.successes, qualify),
            _sum(dataset, interval.trials, qualify),
            side,
            constants,
        )
    assert isinstance(interval, RatioInterval)
    parts = [_sum(dataset, part, qualify) for part in interval.parts()]
    return intervals.ratio_bound(parts, side, constants)


def sample_expression(dataset: Dataset, min_sample: int, qualify: bool = True) -> str:
    """1 when the group has enough labelled intents, else 0 (a number: every tool sums it)."""
    measure = _sum(dataset, catalogue.SAMPLE_SIZE_MEASURE, qualify)
    return f"case when {measure} >= {int(min_sample)} then 1 else 0 end"


@dataclass(frozen=True)
class PortableMetric:
    """One metric of a document: its name (unprefixed), canonical SQL and description."""

    name: str
    dataset: Dataset
    sql: str
    label: str
    description: str
    kind: str  # sum | metric | interval | sample


def portable_metrics(
    found: Sequence[Dataset], level: float, min_sample: int, qualify: bool = True
) -> list[PortableMetric]:
    """Every sum, metric, interval end and sample flag the catalogue defines, in order."""
    pct = f"{level:.0%}" if round(level * 100) == level * 100 else f"{level:.1%}"
    metrics: list[PortableMetric] = []
    for dataset in found:
        for name in dataset.sums:
            m = catalogue.measure(name)
            metrics.append(
                PortableMetric(
                    name, dataset, _sum(dataset, name, qualify), m.label, m.description, "sum"
                )
            )
    for item in catalogue.METRICS:
        dataset = dataset_of(item, found)
        metrics.append(
            PortableMetric(
                item.name,
                dataset,
                metric_expression(item, dataset, qualify),
                item.label,
                item.description + " A ratio of additive sums: exact at any grouping.",
                "metric",
            )
        )
        if item.interval:
            low, high = catalogue.interval_columns(item)
            for side, column in (("low", low), ("high", high)):
                end = "Low" if side == "low" else "High"
                note = (
                    "; null (with a low end): no upper bound, too few successes to bound it"
                    if side == "high"
                    else "; never below 0"
                )
                metrics.append(
                    PortableMetric(
                        column,
                        dataset,
                        interval_expression(item, dataset, side, level, qualify),
                        f"{item.label}, {pct} interval, {side} end",
                        f"{end} end of the {pct} confidence interval of {item.name}{note} "
                        "(docs/metrics.md, Intervals).",
                        "interval",
                    )
                )
    daily = next(d for d in found if d.relation == catalogue.DAILY_RELATION)
    metrics.append(
        PortableMetric(
            SAMPLE_METRIC,
            daily,
            sample_expression(daily, min_sample, qualify),
            "Sufficient sample",
            f"1 when the group has at least {min_sample} labelled intents (var "
            "aiue_min_sample_intents): below that a cost per success is noise; else 0.",
            "sample",
        )
    )
    return metrics


def document_name(name: str) -> str:
    return catalogue.semantic_name(name)


def _dialect(sql: str, dialect: str) -> str:
    return intervals.transpile(sql, dialect)


# --------------------------------------------------------------------------------------------
# Apache Ossie (OSI) 0.1.1.
# --------------------------------------------------------------------------------------------


def _expression(sql: str) -> dict[str, Any]:
    return {
        "dialects": [
            {"dialect": name, "expression": _dialect(sql, dialect)}
            for name, dialect in OSI_DIALECTS
        ]
    }


def _osi_field(name: str, sql: str, description: str, is_time: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "expression": _expression(sql)}
    field["dimension"] = {"is_time": is_time}
    field["description"] = description
    return field


def _description(grain: Grain, name: str) -> str:
    if name in (catalogue.DATE_DIMENSION, catalogue.DAILY_DAY_COLUMN, grain.time_dimension):
        return f"UTC day of the {grain.name}."
    found = [d for d in catalogue.DIMENSIONS_CATALOGUE if d.grain == grain and d.name == name]
    if found:
        return found[0].description
    return f"Pass-through column (var {catalogue.PASSTHROUGH_VAR})."


def osi_document(
    location: Location = DEFAULT_LOCATION,
    level: float = catalogue.DEFAULT_CONFIDENCE_LEVEL,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    passthrough: Sequence[str] = (),
) -> dict[str, Any]:
    found = datasets(passthrough)
    osi_datasets = []
    for dataset in found:
        fields = [
            _osi_field(
                dataset.time_dimension,
                dataset.time_dimension,
                _description(dataset.grain, dataset.time_dimension),
                is_time=True,
            )
        ]
        fields += [
            _osi_field(name, name, _description(dataset.grain, name)) for name in dataset.dimensions
        ]
        fields += [
            {
                "name": name,
                "expression": _expression(dataset.fact_sql(name)),
                "description": f"Fact, summed by the metric {document_name(name)}: "
                + catalogue.measure(name).description,
            }
            for name in dataset.sums
        ]
        osi_datasets.append(
            {
                "name": dataset.name,
                "source": location.source(dataset.relation),
                "primary_key": [dataset.primary_key],
                "description": dataset.description,
                "fields": fields,
            }
        )
    return {
        "version": OSI_VERSION,
        "semantic_model": [
            {
                "name": MODEL_NAME,
                "description": (
                    "AI unit economics: cost per token, per intent and per successful outcome, "
                    "from OpenTelemetry GenAI spans, outcome labels and FOCUS billing. Generated "
                    "by `aiue generate` from the ai_unit_economics metric catalogue."
                ),
                "ai_context": {
                    "instructions": (
                        "Every ratio is a ratio of additive sums: group by any dimension and "
                        "the metric stays exact; never average a ratio. Trust a cost per "
                        f"success only where {document_name(SAMPLE_METRIC)} is 1."
                    ),
                    "synonyms": ["AI cost per success", "LLM unit economics", "CPS"],
                },
                "datasets": osi_datasets,
                "metrics": [
                    {
                        "name": document_name(metric.name),
                        "expression": _expression(metric.sql),
                        "description": metric.description,
                        "ai_context": {"synonyms": [metric.label]},
                    }
                    for metric in portable_metrics(found, level, min_sample)
                ],
            }
        ],
    }


def osi_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------
# Snowflake semantic view YAML.
# --------------------------------------------------------------------------------------------


def snowflake_document(
    location: Location = DEFAULT_LOCATION,
    level: float = catalogue.DEFAULT_CONFIDENCE_LEVEL,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    passthrough: Sequence[str] = (),
) -> dict[str, Any]:
    found = datasets(passthrough)
    metrics = portable_metrics(found, level, min_sample)
    tables = []
    for dataset in found:
        tables.append(
            {
                "name": dataset.name,
                "description": dataset.description,
                "base_table": {
                    "database": location.database,
                    "schema": location.schema,
                    "table": dataset.relation,
                },
                "primary_key": {"columns": [dataset.primary_key]},
                "dimensions": [
                    {
                        "name": name,
                        "expr": name,
                        "data_type": "VARCHAR",
                        "description": _description(dataset.grain, name),
                    }
                    for name in dataset.dimensions
                ],
                "time_dimensions": [
                    {
                        "name": dataset.time_dimension,
                        "expr": dataset.time_dimension,
                        "data_type": "DATE",
                        "description": _description(dataset.grain, dataset.time_dimension),
                    }
                ],
                "facts": [
                    {
                        "name": name,
                        "expr": _dialect(dataset.fact_sql(name), "snowflake"),
                        "data_type": "NUMBER",
                        "description": catalogue.measure(name).description,
                    }
                    for name in dataset.sums
                ],
                "metrics": [
                    {
                        "name": document_name(metric.name),
                        "expr": _dialect(metric.sql, "snowflake"),
                        "description": metric.description,
                        "synonyms": [metric.label],
                    }
                    for metric in metrics
                    if metric.dataset == dataset
                ],
            }
        )
    return {
        "name": MODEL_NAME,
        "description": (
            "AI unit economics from the ai_unit_economics metric catalogue (generated by `aiue "
            "generate`). Every ratio is a ratio of additive sums: exact at any grouping."
        ),
        "tables": tables,
    }


# --------------------------------------------------------------------------------------------
# Databricks metric views, YAML v1.1 (one per source).
# --------------------------------------------------------------------------------------------


def databricks_documents(
    location: Location = DEFAULT_LOCATION,
    level: float = catalogue.DEFAULT_CONFIDENCE_LEVEL,
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    passthrough: Sequence[str] = (),
) -> dict[str, dict[str, Any]]:
    """{dataset name: metric view}; measures are aggregate expressions over the source's
    columns (unqualified, as a metric view reads its source)."""
    found = datasets(passthrough)
    metrics = portable_metrics(found, level, min_sample, qualify=False)
    documents = {}
    for dataset in found:
        dimensions = [
            {
                "name": name,
                "expr": name,
                "comment": _description(dataset.grain, name),
            }
            for name in (dataset.time_dimension, *dataset.dimensions)
        ]
        measures = [
            {
                "name": document_name(metric.name),
                "expr": _dialect(metric.sql, "databricks"),
                "comment": metric.description,
                "display_name": metric.label[:255],
            }
            for metric in metrics
            if metric.dataset == dataset
        ]
        documents[dataset.name] = {
            "version": DATABRICKS_VERSION,
            "source": location.source(dataset.relation),
            "comment": dataset.description,
            "dimensions": dimensions,
            "measures": measures,
        }
    return documents
