"""Where the dbt project lives and which files make up its contracts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

SEED_COLUMNS: dict[str, list[str]] = {
    "aiue_model_prices": [
        "provider",
        "model",
        "usage_type",
        "price_per_million",
        "currency",
        "valid_from",
        "valid_to",
        "source",
    ],
    "aiue_escalation_costs": [
        "feature_tag",
        "escalation_channel",
        "minutes_per_ticket",
        "loaded_hourly_rate",
        "cost_per_ticket",
        "currency",
        "valid_from",
        "valid_to",
    ],
    "aiue_review_costs": [
        "feature_tag",
        "minutes_per_review",
        "loaded_hourly_rate",
        "cost_per_review",
        "currency",
        "valid_from",
        "valid_to",
    ],
    "aiue_tool_costs": ["tool_name", "cost_per_call", "currency", "valid_from", "valid_to"],
    # What a success is worth (optional; margin per success).
    "aiue_outcome_values": [
        "feature_tag",
        "value_per_success",
        "currency",
        "valid_from",
        "valid_to",
        "note",
    ],
    # Billing (docs/billing.md).
    "aiue_model_price_overrides": [
        "provider",
        "model",
        "usage_type",
        "price_per_million",
        "currency",
        "valid_from",
        "valid_to",
        "source",
    ],
    "aiue_focus_sku_map": [
        "focus_provider",
        "pattern",
        "provider",
        "model",
        "usage_type",
        "tokens_per_unit",
        "priority",
        "not_allocable_reason",
        "note",
    ],
    "aiue_provider_map": [
        "provider_alias",
        "model_pattern",
        "provider",
        "price_provider",
        "priority",
        "note",
    ],
    # Outcome labels from evaluation events (docs/computation.md).
    "aiue_success_criteria": [
        "feature_tag",
        "evaluation_name",
        "evaluator_type",
        "success_labels",
        "min_score",
        "valid_from",
        "valid_to",
        "note",
    ],
    "aiue_fx_rates": ["currency", "reporting_currency", "rate_date", "rate", "source"],
    # Telemetry (docs/telemetry.md): which attribute (or column) fills which contract column.
    "aiue_attribute_aliases": [
        "contract_column",
        "attribute_key",
        "priority",
        "value_path",
        "when_value",
        "then_value",
        "convention",
    ],
    "aiue_gpu_rates": [
        "provider",
        "model",
        "gpu_type",
        "gpu_count",
        "price_per_gpu_hour",
        "currency",
        "tokens_per_gpu_hour",
        "valid_from",
        "valid_to",
        "source",
    ],
    # Budgets (docs/budgets.md).
    "aiue_budgets": [
        "budget_id",
        "scope",
        "scope_value",
        "period",
        "metric",
        "limit_amount",
        "warn_at",
        "error_at",
        "currency",
        "valid_from",
        "valid_to",
        "note",
    ],
}

# Seed columns a copy of yours may leave out, and the value each of its rows then takes: the
# behaviour before the column existed (a copy made for an older version keeps working).
SEED_COLUMN_DEFAULTS: dict[str, dict[str, str]] = {
    "aiue_success_criteria": {"evaluator_type": "*"},
}


# Every file `aiue run --input DIR` reads: its name in DIR, the raw table it loads into, the
# suffixes it may have, the columns it must have (compared lower-cased; each a tuple of the
# spellings exports use, e.g. Langfuse's API traceId and its blob export trace_id) and the span
# layout it feeds (None: not spans). A folder needs at least one span input.
@dataclass(frozen=True)
class InputSpec:
    name: str
    table: str
    suffixes: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    layout: str | None = None
    what: str = ""


INPUT_SPECS: tuple[InputSpec, ...] = (
    InputSpec(
        "genai_spans",
        "genai_spans",
        (".csv", ".parquet"),
        (("trace_id",), ("span_id",), ("start_time",)),
        "flat",
        "one row per span, flattened (contract names or OTel attribute names as columns)",
    ),
    InputSpec(
        "otlp",
        "otel_traces",
        (".json", ".jsonl", ".json.gz", ".jsonl.gz", ".json.zst", ".jsonl.zst"),
        (),
        "otel_traces",
        "a folder of OTLP JSON trace exports (the Collector's file exporter)",
    ),
    InputSpec(
        "otel_traces",
        "otel_traces",
        (".parquet", ".csv"),
        (("timestamp",), ("traceid",), ("spanid",)),
        "otel_traces",
        "the Collector's ClickHouse otel_traces table, exported",
    ),
    InputSpec(
        "litellm_spend_logs",
        "litellm_spend_logs",
        (".csv", ".parquet"),
        (("request_id",), ("starttime", "start_time")),
        "litellm",
        "LiteLLM proxy's LiteLLM_SpendLogs table, exported",
    ),
    InputSpec(
        "langfuse_observations",
        "langfuse_observations",
        (".jsonl", ".csv"),
        (("id",), ("traceid", "trace_id"), ("starttime", "start_time")),
        "langfuse",
        "Langfuse observations (GENERATION rows are calls)",
    ),
    InputSpec(
        "langfuse_scores",
        "langfuse_scores",
        (".jsonl", ".csv"),
        (("traceid", "trace_id"), ("name",)),
        None,
        "Langfuse scores (evaluation events)",
    ),
    InputSpec(
        "outcomes",
        "outcomes",
        (".csv", ".parquet"),
        (("intent_id",), ("is_success",)),
        None,
        "outcome labels of intents",
    ),
    # FOCUS column names, compared lower-cased (exports write BilledCost, ...).
    InputSpec(
        "focus_costs",
        "focus_costs",
        (".csv", ".parquet"),
        (("chargeperiodstart",), ("billingcurrency",), ("billedcost",)),
        None,
        "FOCUS 1.0-1.3 billing rows",
    ),
)

INPUTS: dict[str, InputSpec] = {spec.name: spec for spec in INPUT_SPECS}

# The input contracts (DESIGN.md §4), in the order the sample generator writes them.
SPAN_COLUMNS: tuple[str, ...] = (
    "trace_id",
    "span_id",
    "parent_span_id",
    "span_name",
    "start_time",
    "end_time",
    "status_code",
    "service_name",
    "operation_name",
    "provider_name",
    "request_model",
    "response_model",
    "response_id",
    "conversation_id",
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "reasoning_output_tokens",
    "text_input_tokens",
    "image_input_tokens",
    "audio_input_tokens",
    "video_input_tokens",
    "text_output_tokens",
    "audio_output_tokens",
    "error_type",
    "tool_name",
    "feature_tag",
    "intent_id",
    "attempt",
    "turn_index",
    "prompt_version",
    "prompt_name",
    "reasoning_level",
    "user_id",
    "reported_cost",
    "reported_cost_currency",
    "reported_cost_source",
    "reported_inference_calls",
    "reported_tool_calls",
)

OUTCOME_COLUMNS: tuple[str, ...] = (
    "intent_id",
    "is_success",
    "is_escalated",
    "is_human_reviewed",
    "signal",
    "escalation_channel",
    "labeled_at",
)

# FOCUS 1.0-1.3 columns staging reads (lower-cased; the full map is the focus_columns() macro,
# macros/focus_columns.sql, and tests/python/test_focus_contract.py holds this list to it); an
# input without focus_costs gets an empty table of these so the build runs with no billing.
FOCUS_COLUMNS: tuple[str, ...] = (
    "billedcost",
    "effectivecost",
    "listcost",
    "contractedcost",
    "billingcurrency",
    "billingaccountid",
    "billingperiodstart",
    "billingperiodend",
    "chargeperiodstart",
    "chargeperiodend",
    "chargecategory",
    "chargeclass",
    "chargefrequency",
    "chargedescription",
    "consumedquantity",
    "consumedunit",
    "pricingquantity",
    "pricingunit",
    "providername",
    "serviceprovidername",
    "servicecategory",
    "servicename",
    "skuid",
    "skumeter",
    "tags",
)

# The Collector's ClickHouse `otel_traces` columns the loaders keep (lower-cased), and which are
# attribute maps or arrays; OTLP JSON is flattened into the same shape. Other columns (Links.*)
# are not read.
OTEL_TRACES_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "traceid",
    "spanid",
    "parentspanid",
    "tracestate",
    "spanname",
    "spankind",
    "servicename",
    "resourceattributes",
    "scopename",
    "scopeversion",
    "spanattributes",
    "duration",
    "statuscode",
    "statusmessage",
    "events.timestamp",
    "events.name",
    "events.attributes",
)
OTEL_TRACES_MAP_COLUMNS: tuple[str, ...] = ("resourceattributes", "spanattributes")
OTEL_TRACES_LIST_COLUMNS: tuple[str, ...] = ("events.timestamp", "events.name")
OTEL_TRACES_MAP_LIST_COLUMNS: tuple[str, ...] = ("events.attributes",)

# Columns of the empty raw table made for an optional input the folder does not have (the
# span layouts need none: staging reads only the layouts var aiue_spans_layout names).
EMPTY_INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "outcomes": OUTCOME_COLUMNS,
    "focus_costs": FOCUS_COLUMNS,
}

RAW_SCHEMA = "aiue_raw"
MART_SCHEMA_SUFFIX = "aiue"
# Staging (and the seeds) and intermediate relations build beside the marts in schemas of their
# own, <marts schema>_staging and <marts schema>_intermediate (vars aiue_staging_schema and
# aiue_intermediate_schema), so that the marts schema holds only what BI tools read.
STAGING_SCHEMA_SUFFIX = "_staging"
INTERMEDIATE_SCHEMA_SUFFIX = "_intermediate"
# The dbt var naming each schema a build writes, and its default (a suffix of aiue_schema).
BUILD_SCHEMA_VARS: dict[str, str] = {
    "aiue_schema": MART_SCHEMA_SUFFIX,
    "aiue_staging_schema": MART_SCHEMA_SUFFIX + STAGING_SCHEMA_SUFFIX,
    "aiue_intermediate_schema": MART_SCHEMA_SUFFIX + INTERMEDIATE_SCHEMA_SUFFIX,
}

# The incremental models (config materialized=incremental_materialization()) and the schema
# var of each: a staged Postgres build starts from copies of the published ones, so that an
# append recomputes only their new days there too.
INCREMENTAL_MODELS: dict[str, str] = {"int_aiue__spans_validated": "aiue_intermediate_schema"}

# The storage format of the DuckDB files a run creates: DuckDB 2.x writes a format no 1.x client
# reads (most BI tools and desktop clients bundle 1.x); v1.0.0 is read by DuckDB 1.0 and later.
# The same default is in profiles.yml (config_options); AIUE_DUCKDB_STORAGE_VERSION overrides
# both. A file keeps the format it was created with: an append does not change it.
DUCKDB_STORAGE_VERSION = "v1.0.0"


def duckdb_storage_version() -> str:
    return os.environ.get("AIUE_DUCKDB_STORAGE_VERSION") or DUCKDB_STORAGE_VERSION


def project_dir() -> Path:
    """The dbt project: $AIUE_PROJECT_DIR, else the copy inside an installed wheel, else the
    checkout this package was installed from (an editable install)."""
    override = os.environ.get("AIUE_PROJECT_DIR")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parent / "dbt_project")
    candidates += [parent for parent in Path(__file__).resolve().parents]
    for candidate in candidates:
        if (candidate / "dbt_project.yml").is_file() and (candidate / "models").is_dir():
            return candidate
    raise UserError(
        "cannot find the ai_unit_economics dbt project: reinstall the package (its wheel "
        "carries the project) or set AIUE_PROJECT_DIR to the folder holding dbt_project.yml."
    )
