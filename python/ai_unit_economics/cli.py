"""`aiue`: build the unit economics from your files and print the metrics."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from . import budgets, calculator, catalogue, focus_export, report, whatif
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
        help="folder with genai_spans.{csv,parquet}, outcomes.{csv,parquet}, "
        "focus_costs.{csv,parquet} (FOCUS 1.0-1.3 billing, optional), seeds/",
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
    metrics.add_argument(
        "--intervals",
        action="store_true",
        help="add <metric>_ci_low/_ci_high for success rate, cost per intent and CPS",
    )
    metrics.add_argument(
        "--confidence", type=float, default=0.95, help="interval level (default 0.95)"
    )
    metrics.add_argument(
        "--cost-basis",
        choices=catalogue.COST_BASES,
        default="invoice",
        help="invoice: token cost as billed where FOCUS billing covers a call (default); "
        "estimate: the list-price estimate from the dated price seed",
    )
    metrics.add_argument(
        "--billing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add infra_cost, billed_cost, allocated_cost, unallocated_cost "
        "(default: when the build has billing)",
    )

    reconcile = commands.add_parser(
        "reconcile", help="print how the FOCUS invoice reconciles with the telemetry"
    )
    reconcile.add_argument("--db", type=Path, default=Path("aiue.duckdb"))
    reconcile.add_argument("--target", choices=TARGETS, default="duckdb")

    prices = commands.add_parser(
        "prices", help="write the model price seed from the genai-prices package (offline)"
    )
    prices.add_argument(
        "--out",
        type=Path,
        required=True,
        help="CSV to write, e.g. seeds/aiue_model_prices.csv or DIR/seeds/aiue_model_prices.csv",
    )
    prices.add_argument(
        "--provider",
        dest="providers",
        action="append",
        default=[],
        help="genai-prices provider id to include (repeatable; default: all)",
    )
    prices.add_argument(
        "--provider-name",
        dest="provider_names",
        action="append",
        default=[],
        help="GENAI_PRICES_ID=TELEMETRY_NAME, e.g. google=gcp.gemini (repeatable)",
    )
    prices.add_argument(
        "--no-aliases",
        action="store_true",
        help="only each model's id, not the dated snapshot names it also matches",
    )

    breakeven = commands.add_parser(
        "breakeven", help="self-hosted GPU vs per-token API: monthly cost and break-even volume"
    )
    breakeven.add_argument("--gpu-hourly-rate", type=float, default=2.0, help="$ per GPU-hour")
    breakeven.add_argument("--gpus", type=int, default=1, help="GPUs leased (the minimum)")
    breakeven.add_argument("--hours-per-month", type=float, default=730.0)
    breakeven.add_argument("--ops-monthly", type=float, default=0.0, help="electricity, MLOps")
    breakeven.add_argument("--api-price-per-million", type=float, default=10.0)
    breakeven.add_argument("--tokens-per-request", type=float, default=1000.0)
    breakeven.add_argument(
        "--tokens-per-gpu-hour",
        type=float,
        help="throughput of one GPU; with it the GPU count grows with volume",
    )
    breakeven.add_argument(
        "--target-utilization",
        type=float,
        default=1.0,
        help="share of capacity you plan to use (with --tokens-per-gpu-hour)",
    )
    breakeven.add_argument(
        "--requests", default="100k,1M,10M", help="monthly request volumes to compare"
    )
    breakeven.add_argument("--format", choices=("table", "json"), default="table")

    generate = commands.add_parser(
        "generate", help="write the semantic layer, metric views and docs from the catalogue"
    )
    generate.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files are out of date"
    )

    sql = commands.add_parser("sql", help="print ready-to-run SQL for metrics on a warehouse")
    sql.add_argument("--dialect", default="duckdb", help="duckdb, postgres, snowflake, ...")
    sql.add_argument("--metric", type=_dimensions, required=True, help="comma-separated")
    sql.add_argument("--by", type=_dimensions, default=[], help="comma-separated dimensions")
    sql.add_argument("--schema", help="schema (or project.dataset) of the aiue marts")
    sql.add_argument("--from", dest="date_from", type=_date)
    sql.add_argument("--to", dest="date_to", type=_date)
    sql.add_argument("--confidence", type=float, default=0.95, help="interval level")
    sql.add_argument("--min-sample", type=int, default=100, help="sufficient-sample threshold")

    # Commands that live in their own module: add_arguments(commands) registers the parser
    # with set_defaults(handler=run).
    for module in COMMAND_MODULES:
        module.add_arguments(commands)
    return parser


COMMAND_MODULES = (report, calculator, whatif, budgets, focus_export)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "handler", None):  # a command of COMMAND_MODULES
            return args.handler(args)
        if args.command == "run":
            from .pipeline import run_pipeline

            run_pipeline(args.input, args.db, args.target)
        elif args.command == "demo":
            from .pipeline import run_demo

            run_demo(args.dir, args.intents, args.seed)
        elif args.command == "metrics":
            from .metrics import fetch_metrics, render

            records = fetch_metrics(
                args.target,
                args.by,
                args.date_from,
                args.date_to,
                args.db,
                args.min_sample,
                intervals=args.intervals,
                level=args.confidence,
                cost_basis=args.cost_basis,
                billing=args.billing,
            )
            print(render(records, args.by, args.format, args.intervals, args.confidence))
        elif args.command == "reconcile":
            from .reconciliation import run_reconcile

            print(run_reconcile(args.target, args.db))
        elif args.command == "prices":
            from .prices import run_prices

            run_prices(args.out, args.providers, args.provider_names, not args.no_aliases)
        elif args.command == "breakeven":
            from .breakeven import Assumptions, parse_volumes, run_breakeven

            assumptions = Assumptions(
                gpu_hourly_rate=args.gpu_hourly_rate,
                gpus=args.gpus,
                hours_per_month=args.hours_per_month,
                ops_monthly=args.ops_monthly,
                api_price_per_million=args.api_price_per_million,
                tokens_per_request=args.tokens_per_request,
                tokens_per_gpu_hour=args.tokens_per_gpu_hour,
                target_utilization=args.target_utilization,
            )
            print(run_breakeven(assumptions, parse_volumes(args.requests), args.format))
        elif args.command == "generate":
            from .generate import run_generate

            return run_generate(check_only=args.check)
        elif args.command == "sql":
            from .sqlgen import run_sql

            print(run_sql(args))
    except UserError as error:
        print(f"aiue: error: {error}", file=sys.stderr)
        return 2
    except BuildError as error:
        print(f"aiue: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
