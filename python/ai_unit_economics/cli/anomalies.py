"""`aiue anomalies`: days whose spend, tokens per intent, cost per intent or cost per success
left their weekday's baseline (aiue__anomalies)."""

from __future__ import annotations

import argparse

from .options import add_warehouse_options, positive_int

NAME = "anomalies"
HELP = "days whose spend, tokens or cost per intent, or cost per success left their baseline"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser)
    parser.add_argument(
        "--days",
        type=positive_int,
        default=7,
        help="the anomalies of this many days up to the build's latest day",
    )
    parser.add_argument("--all", action="store_true", help="every day's anomalies (not --days)")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )


def run(args: argparse.Namespace) -> int:
    from ..finops.anomalies import fetch_anomalies, render

    print(
        render(fetch_anomalies(args.target, args.db, None if args.all else args.days), args.format)
    )
    return 0
