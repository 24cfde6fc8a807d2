"""`aiue sql`: ready-to-run SQL for metrics on a warehouse, or each metric's view."""

from __future__ import annotations

import argparse

from ..errors import UserError
from ..metrics.sqlgen import DIALECTS
from .options import check_date_range, parse_date, parse_dimensions

NAME = "sql"
HELP = "print ready-to-run SQL for metrics on a warehouse"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dialect", default="duckdb", help=f"one of: {', '.join(DIALECTS)}")
    parser.add_argument("--metric", type=parse_dimensions, required=True, help="comma-separated")
    parser.add_argument(
        "--view",
        action="store_true",
        help="print each metric's view (`create or replace view aiue__metric_<metric>`, at "
        "the grain `dbt build` creates it) for a warehouse dbt does not build",
    )
    parser.add_argument(
        "--by",
        type=parse_dimensions,
        default=[],
        help="comma-separated dimensions (default: none, one row of totals)",
    )
    parser.add_argument(
        "--schema",
        help="schema (or database.schema, project.dataset) of the aiue marts "
        "(default: none, unqualified)",
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
        "--confidence",
        type=float,
        default=None,
        help="two-sided level of the intervals (default: var aiue_confidence_level of the "
        "project's dbt_project.yml)",
    )
    parser.add_argument(
        "--min-sample",
        type=int,
        default=None,
        help="sufficient-sample threshold (default: var aiue_min_sample_intents of the "
        "project's dbt_project.yml)",
    )


def run(args: argparse.Namespace) -> None:
    """The query for --metric grouped by --by, in --dialect; with --view, each metric's view
    as `create or replace view`."""
    check_date_range(args)
    from ..metrics.settings import project_settings
    from ..metrics.sqlgen import (
        QueryOptions,
        metric_query,
        metric_view,
        passthrough_dimensions,
        resolve_metrics,
    )

    passthrough = tuple(column.alias for column in passthrough_dimensions())
    chosen = project_settings().overridden(args.min_sample, args.confidence)
    if args.view:
        if args.by or args.date_from or args.date_to:
            raise UserError("--view prints each metric's whole view: drop --by, --from and --to.")
        options = QueryOptions(
            level=chosen.level,
            min_sample=chosen.min_sample,
            schema=args.schema,
            passthrough=passthrough,
        )
        metrics = [resolve_metrics([name])[0] for name in dict.fromkeys(args.metric)]
        print("\n\n".join(metric_view(item, args.dialect, options) + ";" for item in metrics))
        return
    options = QueryOptions(
        level=chosen.level,
        min_sample=chosen.min_sample,
        schema=args.schema,
        date_from=args.date_from,
        date_to=args.date_to,
        passthrough=passthrough,
    )
    print(metric_query(args.metric, args.by, args.dialect, options) + ";")
