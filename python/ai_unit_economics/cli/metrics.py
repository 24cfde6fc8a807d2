"""`aiue metrics`: print the metrics of a build."""

from __future__ import annotations

import argparse

from ..metrics import catalogue
from .options import (
    add_metric_settings_options,
    add_warehouse_options,
    check_date_range,
    parse_date,
    parse_dimensions,
)

NAME = "metrics"
HELP = "print the metrics of a build"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser, reads=True)
    parser.add_argument(
        "--by",
        type=parse_dimensions,
        default=["feature_tag", "response_model"],
        help=(
            f"comma-separated, from: {', '.join(catalogue.QUERY_DIMENSIONS)} and the build's "
            "pass-through dimensions (e.g. tenant_id)"
        ),
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        type=parse_date,
        help="first day, e.g. 2026-09-01 (default: all)",
    )
    parser.add_argument(
        "--to", dest="date_to", type=parse_date, help="last day, inclusive (default: all)"
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="table: every column in one table (counts, retries, billing), however wide",
    )
    add_metric_settings_options(parser)
    parser.add_argument(
        "--intervals",
        action="store_true",
        help="add <metric>_ci_low/_ci_high for success rate, cost per intent and CPS",
    )
    parser.add_argument(
        "--cost-basis",
        choices=catalogue.COST_BASES,
        default="invoice",
        help="invoice: token cost as billed where FOCUS billing covers a call; "
        "estimate: the list-price estimate from the dated price seed",
    )
    parser.add_argument(
        "--billing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="csv/json: add infra_cost, billed_cost, allocated_cost, unallocated_cost "
        "(default: when the build has billing)",
    )


def run(args: argparse.Namespace) -> None:
    from ..metrics.results import fetch_metrics, render
    from ..metrics.settings import resolve

    check_date_range(args)
    table = args.format == "table"
    chosen = resolve(args.target, args.db, args.min_sample, args.confidence, args.schema)
    records = fetch_metrics(
        args.target,
        args.by,
        args.date_from,
        args.date_to,
        args.db,
        chosen.min_sample,
        intervals=args.intervals,
        level=chosen.level,
        cost_basis=args.cost_basis,
        # The table always shows infra cost when there is some: its parts add up.
        billing=None if table else args.billing,
        schema=args.schema,
    )
    text = render(records, args.by, args.format, args.intervals, chosen.level, args.wide)
    print(text, end="" if text.endswith("\n") else "\n")  # CSV: no blank last line
