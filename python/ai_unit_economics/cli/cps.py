"""`aiue cps`: the seed article's calculator, cost per intent and per success from price,
tokens, turns and outcome rates (no build needed)."""

from __future__ import annotations

import argparse

from .options import parse_number

NAME = "cps"
HELP = "cost per intent and per success from price, tokens, turns and outcome rates"
DESCRIPTION = (
    "The seed article's calculator: cost per intent and cost per success with the formula's parts."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--price-per-million", type=parse_number, required=True, help="$ per 1M tokens"
    )
    parser.add_argument(
        "--tokens-per-turn", type=parse_number, required=True, help="input + output tokens per turn"
    )
    parser.add_argument(
        "--turns", type=parse_number, default=1.0, help="turns per intent (default 1)"
    )
    parser.add_argument(
        "--success-rate",
        type=parse_number,
        required=True,
        help="share of intents resolved, e.g. 0.7",
    )
    parser.add_argument("--escalation-rate", type=parse_number, default=0.0, help="e.g. 0.3")
    parser.add_argument(
        "--ticket-cost",
        type=parse_number,
        help="$ per escalation ticket (default: --minutes-per-ticket x --hourly-rate / 60)",
    )
    parser.add_argument(
        "--minutes-per-ticket", type=parse_number, default=10.0, help="human minutes per ticket"
    )
    parser.add_argument("--hourly-rate", type=parse_number, default=90.0, help="loaded $ per hour")
    parser.add_argument(
        "--review-rate", type=parse_number, default=0.0, help="share reviewed by a human"
    )
    parser.add_argument("--review-cost", type=parse_number, default=0.0, help="$ per human review")
    parser.add_argument(
        "--other-cost-per-intent",
        type=parse_number,
        default=0.0,
        help="tools, infra, orchestration",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )


def run(args: argparse.Namespace) -> int:
    from ..finops.calculator import Inputs, calculate, render, ticket_cost

    ticket = (
        args.ticket_cost
        if args.ticket_cost is not None
        else ticket_cost(args.minutes_per_ticket, args.hourly_rate)
    )
    inputs = Inputs(
        price_per_million=args.price_per_million,
        tokens_per_turn=args.tokens_per_turn,
        turns=args.turns,
        success_rate=args.success_rate,
        escalation_rate=args.escalation_rate,
        ticket_cost=ticket,
        review_rate=args.review_rate,
        review_cost=args.review_cost,
        other_cost_per_intent=args.other_cost_per_intent,
    )
    print(render(inputs, calculate(inputs), args.format))
    return 0
