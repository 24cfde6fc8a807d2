"""`aiue`: build the unit economics from your files and print the metrics."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import catalogue
from .errors import BuildError, UserError
from .warehouse import TARGETS


def _dimensions(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-09-30") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiue",
        description="What your AI really costs per successful outcome, not per token.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="load your files and build the models")
    run.add_argument(
        "--input",
        type=Path,
        required=True,
        help="folder with genai_spans.{csv,parquet}, outcomes.{csv,parquet}, seeds/",
    )
    run.add_argument("--db", type=Path, default=Path("aiue.duckdb"), help="DuckDB file to build")
    run.add_argument("--target", choices=TARGETS, default="duckdb")

    demo = commands.add_parser("demo", help="generate sample data, build it and print metrics")
    demo.add_argument("--dir", type=Path, default=Path("demo"), help="where the sample goes")
    demo.add_argument("--intents", type=int, default=3000)
    demo.add_argument("--seed", type=int, default=42)

    metrics = commands.add_parser("metrics", help="print the metrics of a build")
    metrics.add_argument("--db", type=Path, default=Path("aiue.duckdb"))
    metrics.add_argument("--target", choices=TARGETS, default="duckdb")
    metrics.add_argument(
        "--by",
        type=_dimensions,
        default=["feature_tag", "response_model"],
        help=f"comma-separated, from: {', '.join(catalogue.DIMENSIONS)}",
    )
    metrics.add_argument("--from", dest="date_from", type=_date)
    metrics.add_argument("--to", dest="date_to", type=_date)
    metrics.add_argument("--format", choices=("table", "csv", "json"), default="table")
    metrics.add_argument(
        "--min-sample",
        type=int,
        default=100,
        help="labelled intents a group needs before its CPS is trusted",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            from .pipeline import run_pipeline

            run_pipeline(args.input, args.db, args.target)
        elif args.command == "demo":
            from .pipeline import run_demo

            run_demo(args.dir, args.intents, args.seed)
        elif args.command == "metrics":
            from .metrics import fetch_metrics, render

            records = fetch_metrics(
                args.target, args.by, args.date_from, args.date_to, args.db, args.min_sample
            )
            print(render(records, args.by, args.format))
    except UserError as error:
        print(f"aiue: error: {error}", file=sys.stderr)
        return 2
    except BuildError as error:
        print(f"aiue: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
