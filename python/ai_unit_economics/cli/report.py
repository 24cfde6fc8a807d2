"""`aiue report`: write a self-contained HTML report of a build."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..metrics import catalogue
from .options import (
    add_metric_settings_options,
    add_out_option,
    add_warehouse_options,
    check_date_range,
    parse_date,
    writing_out,
)

NAME = "report"
HELP = "write a self-contained HTML report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser)
    add_out_option(parser, Path("report.html"), "HTML file to write")
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
        "--cost-basis",
        choices=catalogue.COST_BASES,
        default="invoice",
        help="invoice: token cost as billed; estimate: the list-price estimate",
    )
    add_metric_settings_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..finops.report import write_report
    from ..metrics.settings import resolve

    check_date_range(args)
    with writing_out(args.out):
        chosen = resolve(args.target, args.db, args.min_sample, args.confidence, args.schema)
        data = write_report(
            args.out,
            args.target,
            args.db,
            args.date_from,
            args.date_to,
            args.cost_basis,
            chosen.min_sample,
            chosen.level,
        )
    print(
        f"Wrote {args.out}: {len(data.by_model)} feature x model groups, "
        f"{data.date_from} to {data.date_to}, {len(data.whatifs)} what-if rows."
    )
    return 0
