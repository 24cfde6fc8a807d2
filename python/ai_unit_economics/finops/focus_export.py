"""`aiue export-focus`: the allocated AI cost as FOCUS 1.2 Cost and Usage rows.

One row per charge day x billing provider x the calls' provider and model x feature (the dbt
mart `aiue__focus_allocated_costs`), so FinOps tools that read FOCUS see AI cost by feature.
FOCUS columns are filled from the invoice rows the money came from where they have them, else
as COLUMNS below says; custom columns carry the `x_` prefix. EffectiveCost sums to the build's
allocated total exactly (decimals are written as they are stored, never through a float).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engines.warehouse import has_relation, mart_schema, query
from ..errors import UserError
from ..metrics.results import mart_passthrough_dimensions

FOCUS_VERSION = "1.2"
AI_SERVICE_CATEGORY = "AI and Machine Learning"
AI_SERVICE_SUBCATEGORY = "Generative AI"

Row = dict[str, Any]


def decimal_text(value: Any) -> str:
    """A FOCUS numeric: plain decimal notation, no exponent, no trailing zeros, '' for null."""
    if value is None:
        return ""
    text = format(Decimal(str(value)) if not isinstance(value, Decimal) else value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ratio_text(value: float | None) -> str:
    return "" if value is None else decimal_text(Decimal(f"{value:.6f}"))


def timestamp_text(value: date | datetime) -> str:
    """FOCUS date/time: ISO 8601 in UTC with a T and a Z."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _provider(row: Row) -> str:
    return row["invoice_provider_name"] or row["billing_provider"] or row["provider_name"]


def _billing_period_start(row: Row) -> str:
    return timestamp_text(row["billing_period_start_at"] or month_bounds(row["date_day"])[0])


def _billing_period_end(row: Row) -> str:
    return timestamp_text(row["billing_period_end_at"] or month_bounds(row["date_day"])[1])


def _description(row: Row) -> str:
    source = "GPU lease" if row["billing_source"] == "gpu_rate_seed" else "invoice"
    return (
        f"AI cost allocated to feature {row['feature_tag'] or '(none)'}: "
        f"{row['provider_name']}/{row['model_name']} ({source} share)"
    )


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Row], Any]
    rule: str  # where the value comes from


# The export's columns, in order: every column FOCUS 1.2 requires in a Cost and Usage dataset,
# the optional ones the invoice rows can fill, then the x_ columns.
COLUMNS: tuple[Column, ...] = (
    Column(
        "BilledCost",
        lambda r: decimal_text(r["billed_cost"]),
        "the shares' part of their buckets' BilledCost (cash), in proportion",
    ),
    Column(
        "BillingAccountId",
        lambda r: r["billing_account_id"] or _provider(r),
        "the invoice rows' BillingAccountId, else the provider name",
    ),
    Column(
        "BillingAccountName",
        lambda r: r["billing_account_name"] or "",
        "the invoice rows' BillingAccountName (null when they have none)",
    ),
    Column("BillingCurrency", lambda r: r["currency"], "the reporting currency (after FX)"),
    Column(
        "BillingPeriodEnd",
        _billing_period_end,
        "the invoice rows' BillingPeriodEnd, else the first day of the next month",
    ),
    Column(
        "BillingPeriodStart",
        _billing_period_start,
        "the invoice rows' BillingPeriodStart, else the first day of the month",
    ),
    Column("ChargeCategory", lambda r: "Usage", "Usage"),
    Column("ChargeClass", lambda r: "", "null (not a correction)"),
    Column("ChargeDescription", _description, "what was allocated to what"),
    Column("ChargeFrequency", lambda r: "Usage-Based", "Usage-Based"),
    Column(
        "ChargePeriodEnd",
        lambda r: timestamp_text(r["date_day"] + timedelta(days=1)),
        "the charge day's end (exclusive)",
    ),
    Column("ChargePeriodStart", lambda r: timestamp_text(r["date_day"]), "the charge day"),
    Column(
        "ContractedCost",
        lambda r: decimal_text(r["billed_cost"]),
        "BilledCost (no commitment discounts are modelled)",
    ),
    Column(
        "EffectiveCost",
        lambda r: decimal_text(r["effective_cost"]),
        "the allocated money (amortised EffectiveCost shares); sums to the allocated total",
    ),
    Column("InvoiceId", lambda r: r["invoice_id"] or "", "the invoice rows' InvoiceId"),
    Column(
        "InvoiceIssuerName",
        lambda r: r["invoice_issuer_name"] or _provider(r),
        "the invoice rows' InvoiceIssuerName, else the provider name",
    ),
    Column(
        "ListCost",
        lambda r: decimal_text(r["list_cost"]),
        "the calls' list-price estimate where they have one, else the allocated money",
    ),
    Column(
        "PricingQuantity",
        lambda r: decimal_text(r["tokens"]),
        "tokens of the calls the money landed on",
    ),
    Column("PricingUnit", lambda r: "Tokens", "Tokens"),
    Column(
        "ProviderName",
        _provider,
        "the invoice rows' ProviderName, else the provider as telemetry names it",
    ),
    Column(
        "PublisherName",
        lambda r: r["publisher_name"] or _provider(r),
        "the invoice rows' PublisherName, else the provider name",
    ),
    Column("ServiceCategory", lambda r: AI_SERVICE_CATEGORY, AI_SERVICE_CATEGORY),
    Column(
        "ServiceName",
        lambda r: r["service_name"] or _provider(r),
        "the invoice rows' ServiceName, else the provider name",
    ),
    Column("ServiceSubcategory", lambda r: AI_SERVICE_SUBCATEGORY, AI_SERVICE_SUBCATEGORY),
    Column("x_FeatureTag", lambda r: r["feature_tag"] or "", "the calls' feature_tag"),
    Column("x_Provider", lambda r: r["provider_name"] or "", "the calls' provider (telemetry)"),
    Column("x_Model", lambda r: r["model_name"] or "", "the calls' response (else request) model"),
    Column(
        "x_BillingProvider",
        lambda r: r["billing_provider"] or "",
        "the billing bucket's provider (as aiue__cost_reconciliation names it)",
    ),
    Column("x_CostSource", lambda r: r["billing_source"], "focus or gpu_rate_seed"),
    Column("x_Calls", lambda r: str(r["calls"]), "calls the money landed on"),
    Column("x_IntentCount", lambda r: str(r["call_intents"]), "intents those calls belong to"),
    Column(
        "x_FeatureDayIntents",
        lambda r: decimal_text(r["feature_day_intents"]),
        "intents of the feature that day (all models)",
    ),
    Column(
        "x_CostPerSuccess",
        lambda r: ratio_text(r["feature_day_cost_per_success"]),
        "the feature's cost per success that day (all models; null with no success)",
    ),
)

HEADER: tuple[str, ...] = tuple(column.name for column in COLUMNS)


def passthrough_columns(dimensions: tuple[str, ...]) -> tuple[Column, ...]:
    """An x_ column per pass-through dimension of the build (tenant_id -> x_TenantId)."""
    return tuple(
        Column(
            "x_" + "".join(part.capitalize() for part in name.split("_")),
            lambda r, name=name: r[name] or "",
            f"the calls' {name} (pass-through dimension, var aiue_span_passthrough_columns)",
        )
        for name in dimensions
    )


def fetch_rows(target: str, db_path: Path | None) -> list[Row]:
    """The mart's rows; none when the build had no billing input (the mart is not built)."""
    schema = mart_schema(target)
    query(
        target, f"select 1 from {schema}.aiue__llm_calls where 1 = 0", db_path
    )  # names a wrong schema
    if not has_relation(target, schema, "aiue__focus_allocated_costs", db_path):
        return []
    columns, rows = query(
        target,
        f"select * from {mart_schema(target)}.aiue__focus_allocated_costs "
        "order by date_day, billing_provider, provider_name, model_name, feature_tag, "
        "focus_allocated_cost_id",
        db_path,
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def focus_rows(rows: list[Row], columns: tuple[Column, ...] = COLUMNS) -> list[dict[str, str]]:
    return [{column.name: column.value(row) for column in columns} for row in rows]


def write_csv(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def export(target: str, db_path: Path | None, out: Path) -> tuple[int, Decimal]:
    """Write the FOCUS file; returns the rows written and their EffectiveCost total."""
    rows = fetch_rows(target, db_path)
    if not rows:
        raise UserError(
            "no allocated AI cost in this build: it has no FOCUS billing rows (or GPU leases) "
            "that landed on calls. Put focus_costs.csv beside genai_spans.csv and run "
            "`aiue run` again; see docs/billing.md."
        )
    dimensions = mart_passthrough_dimensions(target, mart_schema(target), db_path)
    columns = COLUMNS + passthrough_columns(tuple(name for name in dimensions if name in rows[0]))
    write_csv(out, focus_rows(rows, columns), tuple(column.name for column in columns))
    total = sum((Decimal(str(row["effective_cost"])) for row in rows), Decimal(0))
    return len(rows), total
