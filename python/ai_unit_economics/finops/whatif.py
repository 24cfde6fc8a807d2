"""`aiue whatif`: what would this feature's cost per success be on another model?

The feature's observed token mix (every call: first tries, retries, every turn; uncached input,
cache read, cache write and output tokens per day) is re-priced at the candidate model's price
valid on each day (a negotiated override wins, cache rates fall back to the input rate, as in
the build). Tools and infra per intent stay as observed for the feature. The outcome side comes
from the candidate's own intents on the feature where the data has them: each such intent costs
the re-priced tokens per intent plus its own labour (escalation tickets, reviews), so the
what-if cost per success and its delta-method interval come from the same additive sums as
`aiue metrics` (stats.ratio_interval). Where the data has no intent of the candidate on the
feature, the success and escalation rates the user gives are used (no interval: they are
assumptions), with the feature's observed ticket cost and review cost; without them the command
says which rate is missing. `--turns` scales the token mix to that many turns per intent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ..engines.warehouse import mart_schema, query, staging_schema
from ..errors import UserError
from ..metrics import catalogue
from ..metrics.catalogue import DEFAULT_CONFIDENCE_LEVEL
from ..metrics.intervals import evaluate_ratio
from ..metrics.results import fetch_metrics, interval_text
from ..ui.tables import text_table
from . import calculator

USAGE_TYPES = ("input", "cache_read", "cache_write", "output")
MILLION = 1_000_000


@dataclass(frozen=True)
class DayMix:
    """Tokens of a feature's calls on one day, by usage type."""

    day: date
    tokens: dict[str, float]


@dataclass(frozen=True)
class Price:
    usage_type: str
    price_per_million: float
    valid_from: date
    valid_to: date | None
    is_override: bool = False

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class FeatureSummary:
    """The feature as observed, all models together (aiue__intents)."""

    intents: int
    turns: float
    tool_and_infra_cost: float
    escalated_intents: int
    escalation_cost: float
    reviewed_intents: int
    review_cost: float
    labeled_intents: int


@dataclass(frozen=True)
class IntentOutcome:
    """One labelled intent of the candidate model on the feature."""

    is_success: bool
    is_escalated: bool
    labor_cost: float


@dataclass(frozen=True)
class GivenRates:
    success_rate: float | None = None
    escalation_rate: float | None = None
    turns: float | None = None
    ticket_cost: float = calculator.ticket_cost(10, 90)


class Interval(NamedTuple):
    """low None: no interval; high None with a low end: no upper bound."""

    low: float | None
    high: float | None


@dataclass(frozen=True)
class WhatIf:
    token_cost_per_intent: float
    tool_and_infra_per_intent: float
    labor_cost_per_intent: float
    cost_per_intent: float
    success_rate: float
    escalation_rate: float
    cost_per_success: float | None
    interval: Interval
    rate_source: str  # observed | given
    sample_intents: int
    turns_per_intent: float
    notes: list[str] = field(default_factory=list)


def price_on(prices: Sequence[Price], usage_type: str, day: date) -> float | None:
    """$ per 1M tokens of a usage type on a day: an override that holds wins; cache rates fall
    back to the input rate."""
    holding = [p for p in prices if p.usage_type == usage_type and p.holds_on(day)]
    holding.sort(key=lambda p: (not p.is_override, -p.valid_from.toordinal()))
    if holding:
        return holding[0].price_per_million
    if usage_type in ("cache_read", "cache_write"):
        return price_on(prices, "input", day)
    return None


def reprice(mix: Sequence[DayMix], prices: Sequence[Price], model: str) -> float:
    """The token mix at the model's prices valid on each day."""
    total = 0.0
    for day in mix:
        for usage_type, tokens in day.tokens.items():
            if not tokens:
                continue
            price = price_on(prices, usage_type, day.day)
            if price is None:
                raise UserError(
                    f"no {usage_type} price for {model} on {day.day.isoformat()} in "
                    "aiue_model_prices (or its overrides); add a row valid that day."
                )
            total += tokens * price / MILLION
    return total


def whatif(
    mix: Sequence[DayMix],
    prices: Sequence[Price],
    model: str,
    feature: FeatureSummary,
    observed: Sequence[IntentOutcome],
    given: GivenRates,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> WhatIf:
    if not feature.intents:
        raise UserError("the feature has no intents in this build.")
    notes: list[str] = []
    scale = 1.0
    turns = feature.turns / feature.intents
    if given.turns is not None:
        if given.turns <= 0:
            raise UserError(f"--turns must be above 0, got {given.turns}.")
        scale = given.turns / turns
        turns = given.turns
    tokens = reprice(mix, prices, model) * scale / feature.intents
    other = feature.tool_and_infra_cost / feature.intents

    if observed:
        n = len(observed)
        costs = [tokens + other + outcome.labor_cost for outcome in observed]
        successes = [1.0 if outcome.is_success else 0.0 for outcome in observed]
        sum_y = sum(costs)
        sum_x = sum(successes)
        sums = (
            n,
            sum_y,
            sum(c * c for c in costs),
            sum_x,
            sum_x,
            sum(c * s for c, s in zip(costs, successes, strict=True)),
        )
        interval = Interval(*evaluate_ratio([sums], level)[0])
        if given.success_rate is not None or given.escalation_rate is not None:
            notes.append(
                f"the data has {n} labelled intents of {model} on this feature: their observed "
                "rates are used, not the ones given."
            )
        labor = sum(o.labor_cost for o in observed) / n
        return WhatIf(
            token_cost_per_intent=tokens,
            tool_and_infra_per_intent=other,
            labor_cost_per_intent=labor,
            cost_per_intent=sum_y / n,
            success_rate=sum_x / n,
            escalation_rate=sum(o.is_escalated for o in observed) / n,
            cost_per_success=catalogue.ratio_value(sum_y, sum_x),
            interval=interval,
            rate_source="observed",
            sample_intents=n,
            turns_per_intent=turns,
            notes=notes,
        )

    missing = [
        flag
        for flag, value in (
            ("--success-rate", given.success_rate),
            ("--escalation-rate", given.escalation_rate),
        )
        if value is None
    ]
    if missing:
        raise UserError(
            f"the data has no labelled intent of {model} on this feature, so its outcome rates "
            f"are unknown: give {' and '.join(missing)} (shares, e.g. 0.9)."
        )
    assert given.success_rate is not None and given.escalation_rate is not None
    if not 0 < given.success_rate <= 1 or not 0 <= given.escalation_rate <= 1:
        raise UserError("--success-rate must be in (0, 1] and --escalation-rate in [0, 1].")
    ticket = (
        feature.escalation_cost / feature.escalated_intents
        if feature.escalated_intents
        else given.ticket_cost
    )
    review_rate = (
        feature.reviewed_intents / feature.labeled_intents if feature.labeled_intents else 0
    )
    review = feature.review_cost / feature.reviewed_intents if feature.reviewed_intents else 0.0
    labor = given.escalation_rate * ticket + review_rate * review
    per_intent = tokens + other + labor
    notes.append(
        f"outcome rates as given; escalation at ${ticket:,.2f} a ticket"
        + (" (the feature's observed average)" if feature.escalated_intents else "")
        + (f", reviews at the feature's observed {review_rate:.1%}" if review_rate else "")
        + "."
    )
    return WhatIf(
        token_cost_per_intent=tokens,
        tool_and_infra_per_intent=other,
        labor_cost_per_intent=labor,
        cost_per_intent=per_intent,
        success_rate=given.success_rate,
        escalation_rate=given.escalation_rate,
        cost_per_success=per_intent / given.success_rate,
        interval=Interval(None, None),
        rate_source="given",
        sample_intents=0,
        turns_per_intent=turns,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Reading a build.
# --------------------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _records(target: str, sql: str, db_path: Path | None) -> list[dict[str, Any]]:
    columns, rows = query(target, sql, db_path)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _float(value: Any) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def fetch_mix(target: str, db_path: Path | None, feature: str) -> list[DayMix]:
    rows = _records(
        target,
        f"""
        select call_date,
            sum(uncached_input_tokens) as input_tokens,
            sum(cache_read_input_tokens) as cache_read_tokens,
            sum(cache_creation_input_tokens) as cache_write_tokens,
            sum(output_tokens) as output_tokens
        from {mart_schema(target)}.aiue__llm_calls
        where feature_tag = {_literal(feature)} and is_inference
        group by call_date
        order by call_date
        """,
        db_path,
    )
    return [
        DayMix(
            row["call_date"],
            {
                "input": _float(row["input_tokens"]),
                "cache_read": _float(row["cache_read_tokens"]),
                "cache_write": _float(row["cache_write_tokens"]),
                "output": _float(row["output_tokens"]),
            },
        )
        for row in rows
    ]


def fetch_provider(target: str, db_path: Path | None, model: str, provider: str | None) -> str:
    """The provider of the model: given, else the one the price seeds name for it."""
    if provider:
        return provider.lower()
    schema = staging_schema(target)
    rows = _records(
        target,
        f"""
        select distinct provider from {schema}.stg_aiue__seed_model_prices
        where model = {_literal(model.lower())}
        union
        select distinct provider from {schema}.stg_aiue__seed_model_price_overrides
        where model = {_literal(model.lower())}
        """,
        db_path,
    )
    providers = sorted(row["provider"] for row in rows if row["provider"] not in (None, "*"))
    if not providers:
        raise UserError(
            f"no price for model '{model}' in aiue_model_prices or its overrides; add its rows "
            "(or `aiue prices --out DIR/seeds/aiue_model_prices.csv`) and rebuild."
        )
    if len(providers) > 1:
        raise UserError(
            f"'{model}' is priced for several providers ({', '.join(providers)}); "
            "choose one with --provider."
        )
    return providers[0]


def fetch_prices(target: str, db_path: Path | None, provider: str, model: str) -> list[Price]:
    schema = staging_schema(target)
    where = (
        f"where model = {_literal(model.lower())} "
        f"and provider in ({_literal(provider)}, '*') and price_per_million is not null"
    )
    rows = _records(
        target,
        f"""
        select usage_type, price_per_million, valid_from, valid_to, false as is_override
        from {schema}.stg_aiue__seed_model_prices {where}
        union all
        select usage_type, price_per_million, valid_from, valid_to, true as is_override
        from {schema}.stg_aiue__seed_model_price_overrides {where}
        """,
        db_path,
    )
    return [
        Price(
            row["usage_type"],
            float(row["price_per_million"]),
            row["valid_from"],
            row["valid_to"],
            bool(row["is_override"]),
        )
        for row in rows
        if row["valid_from"] is not None
    ]


def fetch_feature(target: str, db_path: Path | None, feature: str) -> FeatureSummary:
    [row] = _records(
        target,
        f"""
        select
            count(*) as intents,
            sum(turns) as turns,
            sum(tool_cost + infra_cost) as tool_and_infra_cost,
            sum(case when is_in_success_rate and is_escalated then 1 else 0 end) as escalated,
            sum(case when is_in_success_rate and is_escalated then escalation_cost else 0 end)
                as escalation_cost,
            sum(case when is_in_success_rate and is_human_reviewed then 1 else 0 end)
                as reviewed,
            sum(case when is_in_success_rate and is_human_reviewed then review_cost else 0 end)
                as review_cost,
            sum(case when is_in_success_rate then 1 else 0 end) as labeled
        from {mart_schema(target)}.aiue__intents
        where feature_tag = {_literal(feature)}
        """,
        db_path,
    )
    if not row["intents"]:
        raise UserError(f"no intents of feature '{feature}' in this build.")
    return FeatureSummary(
        intents=int(row["intents"]),
        turns=_float(row["turns"]),
        tool_and_infra_cost=_float(row["tool_and_infra_cost"]),
        escalated_intents=int(row["escalated"] or 0),
        escalation_cost=_float(row["escalation_cost"]),
        reviewed_intents=int(row["reviewed"] or 0),
        review_cost=_float(row["review_cost"]),
        labeled_intents=int(row["labeled"] or 0),
    )


def fetch_observed(
    target: str, db_path: Path | None, feature: str, model: str
) -> list[IntentOutcome]:
    rows = _records(
        target,
        f"""
        select is_success, is_escalated, labor_cost
        from {mart_schema(target)}.aiue__intents
        where feature_tag = {_literal(feature)}
            and lower(response_model) = {_literal(model.lower())}
            and is_in_success_rate
        """,
        db_path,
    )
    return [
        IntentOutcome(bool(row["is_success"]), bool(row["is_escalated"]), _float(row["labor_cost"]))
        for row in rows
    ]


def fetch_today(
    target: str, db_path: Path | None, feature: str, level: float
) -> dict[str, Any] | None:
    """The feature's metrics today, exactly as `aiue metrics --by feature_tag --intervals`."""
    records = fetch_metrics(target, ["feature_tag"], db_path=db_path, intervals=True, level=level)
    return next((r for r in records if r["feature_tag"] == feature), None)


@dataclass(frozen=True)
class Comparison:
    feature: str
    model: str
    provider: str
    today: dict[str, Any]
    result: WhatIf


def compare(
    target: str,
    db_path: Path | None,
    feature: str,
    model: str,
    given: GivenRates,
    provider: str | None = None,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> Comparison:
    today = fetch_today(target, db_path, feature, level)
    if today is None:
        raise UserError(f"no intents of feature '{feature}' in this build.")
    provider = fetch_provider(target, db_path, model, provider)
    result = whatif(
        fetch_mix(target, db_path, feature),
        fetch_prices(target, db_path, provider, model),
        model,
        fetch_feature(target, db_path, feature),
        fetch_observed(target, db_path, feature, model),
        given,
        level,
    )
    return Comparison(feature, model, provider, today, result)


# --------------------------------------------------------------------------------------------
# Printing.
# --------------------------------------------------------------------------------------------


def _money(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "-"
    return f"{'-' if value < 0 else ''}${abs(value):,.{digits}f}"


def _interval(interval: Interval | tuple[Any, Any]) -> str:
    low, high = interval
    return interval_text(
        None if low is None else _money(low), None if high is None else _money(high)
    )


def render(comparison: Comparison, level: float = DEFAULT_CONFIDENCE_LEVEL) -> str:
    today, w = comparison.today, comparison.result
    intents = today["intents"] or 1
    pct = f"{level:.0%}"
    source = (
        f"observed ({w.sample_intents} labelled intents)"
        if w.rate_source == "observed"
        else "given"
    )
    rows = [
        [
            "token cost per intent",
            _money(today["token_cost"] / intents),
            _money(w.token_cost_per_intent),
        ],
        [
            "labour per intent",
            _money(today["labor_cost"] / intents),
            _money(w.labor_cost_per_intent),
        ],
        ["cost per intent", _money(today["cost_per_intent"]), _money(w.cost_per_intent)],
        [
            "success rate",
            f"{today['success_rate']:.1%}" if today["success_rate"] is not None else "-",
            f"{w.success_rate:.1%} ({source})",
        ],
        [
            "escalation rate",
            f"{today['escalation_rate']:.1%}" if today["escalation_rate"] is not None else "-",
            f"{w.escalation_rate:.1%}",
        ],
        ["turns per intent", f"{today['avg_turns_per_intent']:.2f}", f"{w.turns_per_intent:.2f}"],
        ["cost per success", _money(today["cost_per_success"]), _money(w.cost_per_success)],
        [
            f"  {pct} interval",
            _interval((today["cost_per_success_ci_low"], today["cost_per_success_ci_high"])),
            _interval(w.interval),
        ],
    ]
    header = ["", "today (all models)", f"what-if {comparison.model} ({comparison.provider})"]
    lines = [f"Feature '{comparison.feature}': {today['intents']:,} intents.", ""]
    lines += text_table(header, rows)
    if today["cost_per_success"] and w.cost_per_success is not None:
        change = w.cost_per_success / today["cost_per_success"] - 1
        lines.append(f"Cost per success {change:+.1%} against today.")
    lines += [f"Note: {note}" for note in w.notes]
    lines.append(
        "The feature's observed token mix re-priced at the model's dated prices; tools and infra "
        "per intent as observed."
    )
    return "\n".join(lines)
