"""`aiue prices`: the dated model price seed, generated offline from the genai-prices package.

genai-prices ships its price data inside the package (no network). Each model has either one
price set, or a list of conditional price sets with start dates; the last one whose start date
has passed holds. This module turns that into the rows of the `aiue_model_prices` seed
(DESIGN.md §4): one row per provider, model, usage type and validity interval, with
`valid_from` inclusive and `valid_to` exclusive (empty = still holds).

What a day-grained seed cannot hold is left out on purpose and named in `source`:
- long-context tiers: the seed keeps the base rate (the price below the first tier);
- time-of-day prices (off-peak discounts): the standard price holds all day;
- service-tier and batch variants: the standard price.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..project import SEED_COLUMNS

# Seed usage type -> genai-prices price key (USD per 1M tokens).
USAGE_PRICE_KEYS: dict[str, str] = {
    "input": "input_mtok",
    "output": "output_mtok",
    "cache_read": "cache_read_mtok",
    "cache_write": "cache_write_mtok",
    # Per-modality rates (macros/calls.sql usage_types); genai-prices 0.2.5 has audio only.
    "audio_input": "input_audio_mtok",
    "audio_output": "output_audio_mtok",
}

# genai-prices provider id -> the gen_ai.provider.name telemetry carries (OpenTelemetry
# well-known values). Ids not listed keep their genai-prices spelling.
DEFAULT_PROVIDER_NAMES: dict[str, str] = {
    "aws": "aws.bedrock",
    "azure": "azure.ai.openai",
    "mistral": "mistral_ai",
    "x-ai": "x_ai",
}

# A price with no start date holds from the beginning of LLM API pricing.
FIRST_DAY = date(2020, 1, 1)
CURRENCY = "USD"


@dataclass(frozen=True)
class PriceRow:
    provider: str
    model: str
    usage_type: str
    price_per_million: Decimal
    valid_from: date
    valid_to: date | None
    source: str

    def as_csv(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "model": self.model,
            "usage_type": self.usage_type,
            "price_per_million": _plain_decimal(self.price_per_million),
            "currency": CURRENCY,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else "",
            "source": self.source,
        }


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _genai_prices() -> Any:
    try:
        import genai_prices
    except ImportError as error:
        raise UserError(
            "the genai-prices package is not installed; "
            "run: pip install 'ai-unit-economics[prices]'"
        ) from error
    return genai_prices


def source_label() -> str:
    return f"genai-prices {_genai_prices().__version__}"


def model_names(model: Any) -> list[str]:
    """The model id and every exact name its match logic accepts (dated snapshots)."""
    from genai_prices import types

    names = [model.id]

    def walk(clause: Any) -> None:
        if isinstance(clause, types.ClauseEquals):
            names.append(clause.equals)
        elif isinstance(clause, types.ClauseOr):
            for inner in clause.or_:
                walk(inner)

    walk(model.match)
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def change_dates(model: Any) -> list[date]:
    """Start dates of the model's dated price changes (time-of-day windows are not changes)."""
    from genai_prices import types

    if isinstance(model.prices, types.ModelPrice):
        return []
    return sorted(
        {
            conditional.constraint.start_date
            for conditional in model.prices
            if isinstance(conditional.constraint, types.StartDateConstraint)
        }
    )


def prices_on(model: Any, day: date) -> Any:
    """The price set holding on `day`, by genai-prices' own rule (last active wins, else the
    first), with time-of-day constraints treated as inactive."""
    from genai_prices import types

    if isinstance(model.prices, types.ModelPrice):
        return model.prices
    for conditional in reversed(model.prices):
        constraint = conditional.constraint
        if constraint is None or (
            isinstance(constraint, types.StartDateConstraint) and constraint.start_date <= day
        ):
            return conditional.prices
    return model.prices[0].prices


def _unit_price(value: Any) -> tuple[Decimal | None, str]:
    """A price key's value as a flat per-1M price and a note for the source column."""
    from genai_prices import types

    if value is None:
        return None, ""
    if isinstance(value, types.TieredPrices):
        first = value.tiers[0].start if value.tiers else None
        return value.base, f"; base rate, tiered above {first:,} input tokens" if first else ""
    return Decimal(value), ""


def _has_time_of_day(model: Any) -> bool:
    from genai_prices import types

    if isinstance(model.prices, types.ModelPrice):
        return False
    return any(isinstance(c.constraint, types.TimeOfDateConstraint) for c in model.prices)


def model_rows(provider: str, model: Any, label: str) -> Iterator[PriceRow]:
    """Rows for one model's id (aliases are added by the caller): one per usage type and run
    of days with the same price, the last one open-ended."""
    starts = [FIRST_DAY, *(day for day in change_dates(model) if day > FIRST_DAY)]
    note = (
        "; standard price all day (time-of-day discounts left out)"
        if _has_time_of_day(model)
        else ""
    )
    for usage_type, price_key in USAGE_PRICE_KEYS.items():
        open_row: PriceRow | None = None
        for start in starts:
            price, tier_note = _unit_price(getattr(prices_on(model, start), price_key, None))
            row = None
            if price is not None:
                source = f"{label}{tier_note}{note}"
                row = PriceRow(provider, model.id, usage_type, price, start, None, source)
            if open_row is not None and row is not None and _same_price(open_row, row):
                continue
            if open_row is not None:
                yield replace(open_row, valid_to=start)
            open_row = row
        if open_row is not None:
            yield open_row


def _same_price(a: PriceRow, b: PriceRow) -> bool:
    return (a.price_per_million, a.source) == (b.price_per_million, b.source)


def _is_token_priced(rows: Sequence[PriceRow]) -> bool:
    return any(row.usage_type in ("input", "output") for row in rows)


def generate_rows(
    providers: Iterable[str] | None = None,
    provider_names: dict[str, str] | None = None,
    aliases: bool = True,
) -> list[PriceRow]:
    """Every token-priced model of genai-prices' bundled data as seed rows, sorted."""
    from genai_prices.data import providers as all_providers

    label = source_label()
    wanted = {name.lower() for name in providers} if providers else None
    names = {**DEFAULT_PROVIDER_NAMES, **(provider_names or {})}
    known = {provider.id for provider in all_providers}
    if wanted and not wanted <= known:
        unknown = sorted(wanted - known)
        choices = ", ".join(sorted(known))
        raise UserError(f"unknown genai-prices provider '{unknown[0]}'; choose from: {choices}.")
    rows: list[PriceRow] = []
    for provider in all_providers:
        if wanted and provider.id not in wanted:
            continue
        claimed: set[str] = set()
        for model in provider.models:
            base = list(model_rows(names.get(provider.id, provider.id), model, label))
            if not _is_token_priced(base):
                continue
            for name in model_names(model) if aliases else [model.id]:
                if name.lower() in claimed:
                    continue  # genai-prices matches the first model that claims a name
                claimed.add(name.lower())
                rows.extend(replace(row, model=name.lower()) for row in base)
    order = list(USAGE_PRICE_KEYS)
    rows.sort(key=lambda r: (r.provider, r.model, order.index(r.usage_type), r.valid_from))
    return rows


def write_seed(rows: Sequence[PriceRow], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=SEED_COLUMNS["aiue_model_prices"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(row.as_csv() for row in rows)


def seed_cost(
    rows: Sequence[PriceRow],
    provider: str,
    model: str,
    day: date,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
    audio_input_tokens: int = 0,
    audio_output_tokens: int = 0,
) -> Decimal | None:
    """A call's cost from seed rows with the pipeline's rules (DESIGN.md §4), for checks:
    audio tokens are parts of the totals, audio input out of uncached input (capped), each at
    its audio rate, else at the text rate."""
    rates: dict[str, Decimal] = {}
    for row in rows:
        if (row.provider, row.model) != (provider, model.lower()):
            continue
        if row.valid_from <= day and (row.valid_to is None or day < row.valid_to):
            rates[row.usage_type] = row.price_per_million
    if "input" not in rates and "output" not in rates:
        return None
    input_rate = rates.get("input", Decimal(0))
    output_rate = rates.get("output", Decimal(0))
    uncached = input_tokens - cache_read_tokens - cache_write_tokens
    audio_input = min(audio_input_tokens, max(uncached, 0))
    total = (
        (uncached - audio_input) * input_rate
        + audio_input * rates.get("audio_input", input_rate)
        + cache_read_tokens * rates.get("cache_read", input_rate)
        + cache_write_tokens * rates.get("cache_write", input_rate)
        + (output_tokens - audio_output_tokens) * output_rate
        + audio_output_tokens * rates.get("audio_output", output_rate)
    )
    return total / Decimal(1_000_000)


def parse_renames(pairs: Sequence[str]) -> dict[str, str]:
    """`aws=aws.bedrock` pairs from the command line."""
    renames: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(
                f"--provider-name '{pair}': write it as GENAI_PRICES_ID=TELEMETRY_NAME."
            )
        renames[key.strip().lower()] = value.strip().lower()
    return renames


# Rows an earlier `aiue prices` wrote say so in `source`; every other row of a seed is a row
# someone dated by hand (a launch price, a price cut, a negotiated list) and is kept.
GENERATED_SOURCE_PREFIX = "genai-prices"


@dataclass(frozen=True)
class Merged:
    rows: list[dict[str, str]]
    kept: int  # hand-dated rows kept as they were
    kept_models: int
    generated: int  # rows from genai-prices written
    shadowed_models: int  # models genai-prices has that the kept rows already price


def read_seed(path: Path) -> list[dict[str, str]]:
    """The rows of an existing price seed; a UserError when the file is not one."""
    columns = SEED_COLUMNS["aiue_model_prices"]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise UserError(
                f"{path} exists and is not a price seed (its columns are "
                f"{', '.join(reader.fieldnames or []) or 'none'}; a price seed has "
                f"{', '.join(columns)}). Choose another --out, or pass --replace to "
                "overwrite it."
            )
        return list(reader)


def merge_rows(existing: Sequence[dict[str, str]], generated: Sequence[PriceRow]) -> Merged:
    """The existing seed's hand-dated rows, as they are and first, then genai-prices' rows
    for every provider/model those rows do not price. A model's dated history (gpt-4o's $5 /
    $15 launch price until 2024-10-01) is never replaced by genai-prices' single price from
    2020; rows an earlier `aiue prices` wrote are replaced by the new ones."""
    kept = [
        row for row in existing if not (row.get("source") or "").startswith(GENERATED_SOURCE_PREFIX)
    ]
    priced = {(row["provider"].lower(), row["model"].lower()) for row in kept}
    fresh = [row for row in generated if (row.provider, row.model) not in priced]
    shadowed = {(row.provider, row.model) for row in generated} & priced
    return Merged(
        rows=[*kept, *(row.as_csv() for row in fresh)],
        kept=len(kept),
        kept_models=len(priced),
        generated=len(fresh),
        shadowed_models=len(shadowed),
    )


def write_rows(rows: Sequence[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=SEED_COLUMNS["aiue_model_prices"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def run_prices(
    out: Path,
    providers: Sequence[str],
    renames: Sequence[str],
    aliases: bool = True,
    replace_file: bool = False,
) -> int:
    """Write genai-prices' catalogue as the price seed. An existing seed at `out` is merged
    into (its hand-dated rows win for their models), unless replace_file."""
    rows = generate_rows(providers or None, parse_renames(renames), aliases)
    if replace_file or not out.is_file() or out.stat().st_size == 0:
        write_seed(rows, out)
        models = len({(row.provider, row.model) for row in rows})
        print(
            f"Wrote {len(rows):,} price rows for {models:,} provider/model names to {out} "
            f"({source_label()})."
        )
        return len(rows)
    merged = merge_rows(read_seed(out), rows)
    write_rows(merged.rows, out)
    print(
        f"Merged into {out}: kept its {merged.kept:,} hand-dated rows for "
        f"{merged.kept_models:,} provider/model names as they were (their dated history wins "
        f"over genai-prices for {merged.shadowed_models:,} of them), and wrote "
        f"{merged.generated:,} rows from {source_label()} for the rest. --replace overwrites "
        "the file instead."
    )
    return len(merged.rows)
