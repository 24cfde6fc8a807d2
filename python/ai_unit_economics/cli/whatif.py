"""`aiue whatif`: a feature's cost per success if it ran on another model."""

from __future__ import annotations

import argparse

from .options import add_metric_settings_options, add_warehouse_options, parse_number

NAME = "whatif"
HELP = "a feature's cost per success if it ran on another model"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser)
    parser.add_argument("--feature", required=True, help="feature_tag")
    parser.add_argument(
        "--model", required=True, help="candidate model, as the price seed names it"
    )
    parser.add_argument("--provider", help="when the price seeds price the model for several")
    parser.add_argument("--success-rate", type=parse_number, help="when the data lacks the model")
    parser.add_argument(
        "--escalation-rate", type=parse_number, help="when the data lacks the model"
    )
    parser.add_argument(
        "--turns", type=parse_number, help="turns per intent (scales the token mix)"
    )
    parser.add_argument(
        "--ticket-cost",
        type=parse_number,
        default=15.0,
        help="$ a ticket when the feature has none",
    )
    add_metric_settings_options(parser, min_sample=False)


def run(args: argparse.Namespace) -> int:
    from ..finops.whatif import GivenRates, compare, render
    from ..metrics.settings import resolve

    level = resolve(args.target, args.db, level=args.confidence, schema=args.schema).level
    given = GivenRates(args.success_rate, args.escalation_rate, args.turns, args.ticket_cost)
    comparison = compare(
        args.target, args.db, args.feature, args.model, given, args.provider, level
    )
    print(render(comparison, level))
    return 0
