"""The list prices the sample uses, read from the package's price seed
(seeds/aiue_model_prices.csv in the dbt project), so the sample and the build price a call
from the same rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..project import project_dir

MILLION = Decimal(1_000_000)
PRICE_SEED = "aiue_model_prices.csv"

UsageKey = tuple[date, str, str, str]  # charge day, provider, model, usage type
PriceTable = dict[tuple[str, str, str], list[tuple[date, date | None, Decimal]]]


def list_prices() -> PriceTable:
    """The bundled list-price seed, per (provider, model, usage type)."""
    table: PriceTable = {}
    path = project_dir() / "seeds" / PRICE_SEED
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["provider"], row["model"], row["usage_type"])
            valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            valid_from = date.fromisoformat(row["valid_from"])
            table.setdefault(key, []).append(
                (valid_from, valid_to, Decimal(row["price_per_million"]))
            )
    return table


def price_on(prices: PriceTable, key: UsageKey) -> Decimal | None:
    """USD per 1M tokens valid on the day (valid_from inclusive, valid_to exclusive)."""
    day, provider, model, usage_type = key
    holding = [
        (valid_from, price)
        for valid_from, valid_to, price in prices.get((provider, model, usage_type), [])
        if valid_from <= day and (valid_to is None or day < valid_to)
    ]
    return max(holding)[1] if holding else None


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens of one model, per usage type."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write: Decimal


def current_rates(prices: PriceTable, provider: str, model: str) -> Rates:
    """The model's current list prices (the rows with no valid_to), whatever the sample's
    dates; a cache rate the seed lacks is the input rate, as the build prices calls."""

    def current(usage_type: str) -> Decimal | None:
        rows = prices.get((provider, model, usage_type), [])
        open_ended = [(valid_from, price) for valid_from, valid_to, price in rows if not valid_to]
        return max(open_ended)[1] if open_ended else None

    input_rate, output_rate = current("input"), current("output")
    if input_rate is None or output_rate is None:
        raise ValueError(
            f"{PRICE_SEED} has no current input and output price of {provider}/{model}"
        )
    cache_read, cache_write = current("cache_read"), current("cache_write")
    return Rates(
        input=input_rate,
        output=output_rate,
        cache_read=input_rate if cache_read is None else cache_read,
        cache_write=input_rate if cache_write is None else cache_write,
    )
