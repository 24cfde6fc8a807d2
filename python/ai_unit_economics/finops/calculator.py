"""`aiue cps`: the seed article's cost-per-success calculator, with the formula's parts.

    token cost per intent = price per 1M tokens x tokens per turn x turns / 1,000,000
    labour per intent     = escalation rate x cost of a ticket (+ review rate x cost of a review)
    cost per intent       = token cost + tool and infra cost + labour      (every interaction)
    cost per success      = cost per intent / success rate                 (per solved problem)

The article's scenarios: a mini model at $0.15 per 1M tokens, 5 turns of ~2,533 tokens, 70%
success, 30% escalated at $15 a ticket costs $4.5019 per intent and $6.4313 per success; a
reasoning model at $10 per 1M, 1 turn of 1,400 tokens, 95% success, 5% escalated costs
$0.764 per intent and $0.8042 per success. The ticket cost defaults to the article's Tier 1
benchmark, 10 minutes at a loaded $90 an hour.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import asdict, dataclass

from ..errors import UserError
from ..metrics import catalogue
from ..ui.tables import MAX_WIDTH, text_table

MILLION = 1_000_000


def ticket_cost(minutes: float, hourly_rate: float) -> float:
    """The cost of one human ticket: minutes x loaded hourly rate / 60 (10 min at $90 = $15)."""
    return minutes * hourly_rate / 60


@dataclass(frozen=True)
class Inputs:
    price_per_million: float
    tokens_per_turn: float
    turns: float
    success_rate: float
    escalation_rate: float = 0.0
    ticket_cost: float = ticket_cost(10, 90)
    review_rate: float = 0.0
    review_cost: float = 0.0
    other_cost_per_intent: float = 0.0  # tools, infra, orchestration

    def check(self) -> None:
        for flag, value in asdict(self).items():
            if not math.isfinite(value):
                raise UserError(f"--{flag.replace('_', '-')} must be a finite number, got {value}.")
        for flag, value in (
            ("--price-per-million", self.price_per_million),
            ("--tokens-per-turn", self.tokens_per_turn),
            ("--turns", self.turns),
            ("--ticket-cost", self.ticket_cost),
            ("--review-cost", self.review_cost),
            ("--other-cost-per-intent", self.other_cost_per_intent),
        ):
            if value < 0:
                raise UserError(f"{flag} must not be negative, got {value}.")
        if not 0 < self.success_rate <= 1:
            raise UserError(
                f"--success-rate must be in (0, 1], got {self.success_rate} "
                "(a share: 0.7 for 70%); with no successes there is no cost per success."
            )
        for flag, value in (
            ("--escalation-rate", self.escalation_rate),
            ("--review-rate", self.review_rate),
        ):
            if not 0 <= value <= 1:
                raise UserError(f"{flag} must be in [0, 1], got {value} (a share: 0.3 for 30%).")


@dataclass(frozen=True)
class Result:
    tokens_per_intent: float
    token_cost_per_intent: float
    escalation_cost_per_intent: float
    review_cost_per_intent: float
    other_cost_per_intent: float
    labor_cost_per_intent: float
    cost_per_intent: float
    cost_per_success: float
    labor_share: float


def calculate(inputs: Inputs) -> Result:
    inputs.check()
    tokens = inputs.tokens_per_turn * inputs.turns
    token_cost = inputs.price_per_million * tokens / MILLION
    escalation = inputs.escalation_rate * inputs.ticket_cost
    review = inputs.review_rate * inputs.review_cost
    labor = escalation + review
    per_intent = token_cost + inputs.other_cost_per_intent + labor
    return Result(
        tokens_per_intent=tokens,
        token_cost_per_intent=token_cost,
        escalation_cost_per_intent=escalation,
        review_cost_per_intent=review,
        other_cost_per_intent=inputs.other_cost_per_intent,
        labor_cost_per_intent=labor,
        cost_per_intent=per_intent,
        cost_per_success=per_intent / inputs.success_rate,
        labor_share=labor / per_intent if per_intent else 0.0,
    )


def render(inputs: Inputs, result: Result, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps({"inputs": asdict(inputs), "result": asdict(result)}, indent=2)
    i, r = inputs, result
    rows = [
        [
            "tokens per intent",
            f"{i.tokens_per_turn:,.0f} tokens x {i.turns:g} turns",
            f"{r.tokens_per_intent:,.0f}",
        ],
        [
            "token cost per intent",
            f"${i.price_per_million:,.4f} per 1M x {r.tokens_per_intent:,.0f} / 1M",
            f"${r.token_cost_per_intent:,.4f}",
        ],
        [
            "escalation labour per intent",
            f"{i.escalation_rate:.1%} x ${i.ticket_cost:,.2f} a ticket",
            f"${r.escalation_cost_per_intent:,.4f}",
        ],
    ]
    if i.review_rate or i.review_cost:
        rows.append(
            [
                "review labour per intent",
                f"{i.review_rate:.1%} x ${i.review_cost:,.2f} a review",
                f"${r.review_cost_per_intent:,.4f}",
            ]
        )
    if i.other_cost_per_intent:
        rows.append(["tools, infra per intent", "as given", f"${i.other_cost_per_intent:,.4f}"])
    rows.append(
        [
            "cost per intent",
            "token + tools/infra + labour",
            f"${r.cost_per_intent:,.4f}",
        ]
    )
    footer = [
        "cost per success",
        f"${r.cost_per_intent:,.4f} / {i.success_rate:.1%} success",
        f"${r.cost_per_success:,.4f}",
    ]
    lines = text_table(["part", "formula", "value"], rows, label_columns=2, footer=footer)
    lines.append(f"Labour is {r.labor_share:.2%} of the cost per intent.")
    for name in ("cost_per_intent", "cost_per_success"):
        definition = catalogue.metric(name)
        lines += textwrap.wrap(
            f"{definition.label}: {definition.description}",
            width=MAX_WIDTH,
            subsequent_indent="  ",
        )
    return "\n".join(lines)
