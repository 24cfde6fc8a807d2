"""`aiue budget`: month-to-date spend or cost per success, forecast and status per budget."""

from __future__ import annotations

import argparse

from .options import add_warehouse_options

NAME = "budget"
HELP = "month-to-date spend or cost per success, forecast and status per budget"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser)
    parser.add_argument("--all", action="store_true", help="every period, not only the current")
    parser.add_argument(
        "--fail-on",
        choices=("warn", "error"),
        help="exit 1 when a budget's current status is at least this (for schedulers)",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--wide", action="store_true", help="the table with every column (period, forecast status)"
    )


def run(args: argparse.Namespace) -> int:
    from ..finops.budgets import exit_code, fetch_budgets, render

    records = fetch_budgets(args.target, args.db, args.all)
    print(render(records, args.format, args.wide))
    return exit_code([r for r in records if r["is_current_period"]], args.fail_on)
