"""`aiue run`: load the files of a folder and build the models."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..engines.publish import DEFAULT_WAIT_SECONDS
from .options import add_quiet_option, add_warehouse_options, parse_seconds

NAME = "run"
HELP = "load your files and build the models"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        type=Path,
        help="folder with spans (genai_spans.{csv,parquet}, otlp/*.json[l][.gz], "
        "otel_traces.{parquet,csv}, litellm_spend_logs.{csv,parquet} or "
        "langfuse_observations.{jsonl,csv}), optional outcomes.{csv,parquet}, "
        "langfuse_scores.{jsonl,csv}, focus_costs.{csv,parquet} (FOCUS 1.0-1.3 billing), "
        "seeds/ (see docs/telemetry.md). On a build an earlier run made it may hold only late "
        "labels, an invoice, or seeds/ (edited seeds: the build is rebuilt with them); leave "
        "it out to rebuild from the data and seeds the build holds",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild from this folder alone; without it, a database an earlier run built "
        "keeps its data and the folder is appended as new data",
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the package's dbt unit tests (its rules on fixed rows, for package "
        "development and CI; the data tests on your data always run)",
    )
    add_warehouse_options(parser, reads=False)
    parser.add_argument(
        "--wait",
        type=parse_seconds,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help="when another run is building the same database, wait up to this long for it "
        "instead of stopping at once (exit 2, naming that run)",
    )
    add_quiet_option(parser)


def run(args: argparse.Namespace) -> None:
    from ..builder.pipeline import run_pipeline

    run_pipeline(
        args.input,
        args.db,
        args.target,
        wait=args.wait,
        full_refresh=args.full_refresh,
        unit_tests=args.unit_tests,
    )
