"""The sample's FOCUS invoice (opt-in: generate(billing=True); docs/billing.md): every call
billed, one usage line per UTC day x provider x model x usage type at the bundled list price
x a negotiated factor (OpenAI 1.0, so the article scenarios, all on OpenAI models, keep their
list-price numbers; Anthropic 0.95; Google 1.0), with a credit, a day billed without calls,
a non-AI cloud row and a feature-tagged orchestration row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from .prices import MILLION, PriceTable, UsageKey, list_prices, price_on
from .rows import TOKEN_COLUMNS, Row, csv_row, digest

FOCUS_FILE = "focus_costs.csv"

# FOCUS 1.2 columns, as tests/fixtures/billing/focus_costs.csv uses them (each one staging
# reads: macros/focus_columns.sql, checked by tests/python/test_focus_contract.py).
FOCUS_OUTPUT_COLUMNS: tuple[str, ...] = (
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeFrequency",
    "ChargeDescription",
    "ServiceCategory",
    "ServiceName",
    "ProviderName",
    "PricingQuantity",
    "PricingUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "SkuId",
    "x_SkuMeterName",
    "Tags",
)

_AI_CATEGORY = "AI and Machine Learning"
_CALL_OPERATIONS = ("chat", "embeddings")
_USAGE_TYPES = ("input", "cache_read", "cache_write", "output")
_MONEY_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class _Vendor:
    provider_name: str  # FOCUS ProviderName (the SKU map's focus_provider)
    service_name: str
    # Negotiated discount on the list price, applied to every usage line.
    factor: Decimal
    # Line-item text per usage type; {sku} is the model's dated snapshot name.
    descriptions: dict[str, str]
    meters: dict[str, str]


_VENDORS: dict[str, _Vendor] = {
    "openai": _Vendor(
        provider_name="OpenAI",
        service_name="OpenAI API",
        factor=Decimal("1.00"),
        descriptions={
            "input": "{sku}, input",
            "cache_read": "{sku}, cached input",
            "output": "{sku}, output",
        },
        meters={},
    ),
    "anthropic": _Vendor(
        provider_name="Anthropic",
        service_name="Claude API",
        factor=Decimal("0.95"),
        descriptions={
            "input": "{sku} input_tokens",
            "cache_read": "{sku} cache_read_input_tokens",
            "cache_write": "{sku} cache_creation_input_tokens",
            "output": "{sku} output_tokens",
        },
        meters={
            "input": "input_tokens",
            "cache_read": "cache_read_input_tokens",
            "cache_write": "cache_creation_input_tokens",
            "output": "output_tokens",
        },
    ),
    "google": _Vendor(
        provider_name="Google Cloud",
        service_name="Vertex AI",
        factor=Decimal("1.00"),
        descriptions={
            "input": "{sku} input tokens",
            "cache_read": "{sku} cached input tokens",
            "output": "{sku} output tokens",
        },
        meters={
            "input": "Text input tokens",
            "cache_read": "Cached input tokens",
            "output": "Text output tokens",
        },
    ),
}

# The dated snapshot names invoices use (the SKU map resolves them to the telemetry names).
_SKU_NAMES: dict[str, str] = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4-turbo": "gpt-4-turbo-2024-04-09",
    "text-embedding-3-small": "text-embedding-3-small",
    "claude-sonnet-4": "claude-sonnet-4-20250514",
    "claude-3-5-haiku": "claude-3-5-haiku-20241022",
    "gemini-2.0-flash": "gemini-2.0-flash-001",
}

# A model billed for a day without its calls (the first one after the telemetry window).
_NO_CALL_MODEL = ("anthropic", "claude-3-5-haiku", {"input": 3_000_000, "output": 400_000})
_CREDIT_SHARE = Decimal("0.05")  # a promotional credit worth 5% of the OpenAI usage
_PLATFORM_FEATURE = "support_chat"


def _call_usage(span: Row) -> dict[str, int]:
    """Billable tokens of a call per usage type (input is the uncached part), above 0."""
    tokens = {column: int(span[column] or 0) for column in TOKEN_COLUMNS}
    usage = {
        "input": tokens["input_tokens"]
        - tokens["cache_read_input_tokens"]
        - tokens["cache_creation_input_tokens"],
        "cache_read": tokens["cache_read_input_tokens"],
        "cache_write": tokens["cache_creation_input_tokens"],
        "output": tokens["output_tokens"],
    }
    return {usage_type: count for usage_type, count in usage.items() if count > 0}


def _usage_keys(span: Row) -> dict[UsageKey, int]:
    day = date.fromisoformat(span["start_time"][:10])  # UTC charge day of the call
    model = span["response_model"] or span["request_model"]
    return {
        (day, span["provider_name"], model, usage_type): count
        for usage_type, count in _call_usage(span).items()
    }


def _money(value: Decimal) -> str:
    return format(value.quantize(_MONEY_PLACES), "f")


def _period(day: date) -> tuple[str, str]:
    return f"{day.isoformat()} 00:00:00", f"{(day + timedelta(days=1)).isoformat()} 00:00:00"


def _focus_row(day: date, cost: Decimal, **values: str) -> Row:
    start, end = _period(day)
    amount = _money(cost)
    defaults = {
        "BilledCost": amount,
        "EffectiveCost": amount,
        "BillingCurrency": "USD",
        "ChargePeriodStart": start,
        "ChargePeriodEnd": end,
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ServiceCategory": _AI_CATEGORY,
    }
    return csv_row(FOCUS_OUTPUT_COLUMNS, **{**defaults, **values})


def _usage_row(prices: PriceTable, key: UsageKey, tokens: int) -> tuple[Decimal, Row] | None:
    """One token line: tokens x list price of the day x the provider's negotiated factor."""
    day, provider, model, usage_type = key
    price = price_on(prices, key)
    if price is None:  # no list price to derive the line from: the calls stay unbilled
        return None
    vendor = _VENDORS[provider]
    cost = (Decimal(tokens) * price / MILLION * vendor.factor).quantize(_MONEY_PLACES)
    row = _focus_row(
        day,
        cost,
        ChargeDescription=vendor.descriptions[usage_type].format(sku=_SKU_NAMES[model]),
        ServiceName=vendor.service_name,
        ProviderName=vendor.provider_name,
        PricingQuantity=format(Decimal(tokens).scaleb(-6), "f"),
        PricingUnit="1M Tokens",
        ConsumedQuantity=str(tokens),
        ConsumedUnit="Tokens",
        SkuId=digest("sku", provider, model, usage_type, length=12).upper(),
        x_SkuMeterName=vendor.meters.get(usage_type, ""),
    )
    return cost, row


def focus_rows(spans: Sequence[Row], start: datetime, days: int) -> list[Row]:
    """The invoice of the calls, derived set-wise from the spans: one usage line per UTC
    charge day x provider x model x usage type, plus a credit, a day of billing without
    calls, a non-AI cloud row and a feature-tagged platform row."""
    prices = list_prices()
    calls = [s for s in spans if s["operation_name"] in _CALL_OPERATIONS]
    daily: dict[UsageKey, int] = {}
    for span in calls:
        for key, tokens in _usage_keys(span).items():
            daily[key] = daily.get(key, 0) + tokens
    lines = [line for key in sorted(daily) if (line := _usage_row(prices, key, daily[key]))]

    rows = [row for _, row in lines]
    first_day = start.date()
    last_day = first_day + timedelta(days=days - 1)

    # A promotional credit: an AI charge with no model, so it stays unallocated (negative).
    openai_usage = sum((cost for cost, row in lines if row["ProviderName"] == "OpenAI"), Decimal(0))
    rows.append(
        _focus_row(
            last_day,
            Decimal(0) - (openai_usage * _CREDIT_SHARE).quantize(_MONEY_PLACES),
            ChargeCategory="Credit",
            ChargeFrequency="One-Time",
            ChargeDescription="OpenAI API promotional credit",
            ServiceName="OpenAI API",
            ProviderName="OpenAI",
            SkuId=digest("sku", "openai", "credit", length=12).upper(),
        )
    )

    # Usage billed after the telemetry window (an uninstrumented batch job): a day without
    # calls of the model, so it stays unallocated.
    provider, model, usage = _NO_CALL_MODEL
    call_days = {key[:3] for span in calls for key in _usage_keys(span)}
    no_call_day = last_day + timedelta(days=1)
    while (no_call_day, provider, model) in call_days:
        no_call_day += timedelta(days=1)
    for usage_type, tokens in usage.items():
        line = _usage_row(prices, (no_call_day, provider, model, usage_type), tokens)
        if line is not None:
            rows.append(line[1])

    # The rest of the cloud bill: out of scope, counted in aiue__billing_scope_summary.
    rows.append(
        _focus_row(
            first_day,
            Decimal("55.296"),
            ChargeDescription="EC2 m5.large on-demand, app servers",
            ServiceCategory="Compute",
            ServiceName="Amazon Elastic Compute Cloud",
            ProviderName="AWS",
            PricingQuantity="576",
            PricingUnit="Hours",
            ConsumedQuantity="576",
            ConsumedUnit="Hours",
            SkuId=digest("sku", "aws", "ec2", length=12).upper(),
        )
    )

    # Agent orchestration tagged with a feature: that feature's infra cost on a day it ran.
    feature_days = sorted(
        {
            date.fromisoformat(s["start_time"][:10])
            for s in calls
            if s["feature_tag"] == _PLATFORM_FEATURE
        }
    )
    rows.append(
        _focus_row(
            feature_days[0] if feature_days else first_day,
            Decimal("12.00"),
            ChargeDescription="Step Functions standard workflow state transitions",
            ServiceCategory="Integration",
            ServiceName="AWS Step Functions",
            ProviderName="AWS",
            PricingQuantity="480",
            PricingUnit="1K State Transitions",
            ConsumedQuantity="480000",
            ConsumedUnit="State Transitions",
            SkuId=digest("sku", "aws", "states", length=12).upper(),
            Tags=json.dumps({"feature_tag": _PLATFORM_FEATURE, "env": "prod"}, sort_keys=True),
        )
    )
    return sorted(rows, key=_focus_key)


def _focus_key(row: Row) -> tuple[str, str, str, str]:
    return (
        row["ChargePeriodStart"],
        row["ProviderName"],
        row["ChargeDescription"],
        row["ChargeCategory"],
    )
