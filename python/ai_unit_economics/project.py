"""Where the dbt project lives and which files make up its contracts."""

from __future__ import annotations

import os
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
        "note",
    ],
    "aiue_fx_rates": ["currency", "reporting_currency", "rate_date", "rate", "source"],
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

INPUT_REQUIRED_COLUMNS: dict[str, list[str]] = {
    "genai_spans": ["trace_id", "span_id", "start_time"],
    "outcomes": ["intent_id", "is_success"],
    # FOCUS column names, compared lower-cased (exports write BilledCost, ...).
    "focus_costs": ["chargeperiodstart", "billingcurrency", "billedcost"],
}

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
    "error_type",
    "tool_name",
    "feature_tag",
    "intent_id",
    "attempt",
    "turn_index",
    "prompt_version",
    "user_id",
    "reported_cost",
    "reported_cost_currency",
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

# FOCUS 1.0-1.3 columns staging reads (lower-cased); an input without focus_costs gets an empty
# table of these so the build runs with no billing.
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

# Columns of the empty raw table made for an optional input the folder does not have.
EMPTY_INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "genai_spans": SPAN_COLUMNS,
    "outcomes": OUTCOME_COLUMNS,
    "focus_costs": FOCUS_COLUMNS,
}

RAW_SCHEMA = "aiue_raw"
MART_SCHEMA_SUFFIX = "aiue"


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
