"""`aiue`: build the unit economics from your files and print the metrics.

Exit codes: 0 success, 1 build failure or unexpected error, 2 a user error (usage, input or
environment: the message says what to do), 3 input that yielded nothing usable. Nothing
prints a traceback: an unexpected error prints one line and the log file holding it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__, catalogue
from .console import UI
from .engines import TARGETS, disk_full_message, is_disk_full
from .errors import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    EXIT_USER_ERROR,
    BuildError,
    UnusableInputError,
    UserError,
)
from .publish import DEFAULT_WAIT_SECONDS

DEFAULT_DB = Path("aiue.duckdb")

# Subcommands that live in their own module (ai_unit_economics.<name>): each module has
# `add_arguments(subparsers)`, which adds its parser and sets `handler=run` on it, and
# `run(args) -> int | None`. Register one by adding its module name here.
COMMAND_MODULES: tuple[str, ...] = ("report", "calculator", "whatif", "budgets", "focus_export")


def _dimensions(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-09-30") from error


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds like 600")
    return seconds


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Every option's help ends with its default (or says it is required)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if not action.option_strings or action.default == argparse.SUPPRESS:
            return help_text
        if "default" in help_text or isinstance(action, argparse._VersionAction):
            return help_text
        if action.required:
            return f"{help_text} (required)"
        default = action.default
        if isinstance(default, bool) or default is None:
            shown = "off" if not default else "on"
        elif isinstance(default, list | tuple):
            shown = ",".join(map(str, default)) or "none"
        else:
            shown = str(default)
        return f"{help_text} (default: {shown})"


class _Parser(argparse.ArgumentParser):
    """Every (sub)command parser formats its help with _HelpFormatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def add_warehouse_options(parser: argparse.ArgumentParser, reads: bool = True) -> None:
    """--target, --db (and, for commands that read a build, --schema): for subcommands in
    other modules too, so every command names the warehouse the same way."""
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="duckdb",
        help="warehouse, as an output of the package's profiles.yml",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        help="the DuckDB file (--target duckdb); its folder also holds .aiue/ (dbt's target "
        "and logs)",
    )
    if reads:
        parser.add_argument(
            "--schema",
            help="schema of the aiue marts (default: <target schema>_aiue from profiles.yml, "
            "main_aiue for DuckDB); for a build inside your own dbt project",
        )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress display: only results, notes about rows left out, and errors",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="aiue",
        description="What your AI really costs per successful outcome, not per token.",
        epilog="Exit codes: 0 ok, 1 build failure or unexpected error, 2 user error, "
        "3 input with nothing usable.",
    )
    parser.add_argument("--version", action="version", version=f"aiue {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="load your files and build the models")
    run.add_argument(
        "--input",
        type=Path,
        required=True,
        help="folder with spans (genai_spans.{csv,parquet}, otlp/*.json[l][.gz], "
        "otel_traces.{parquet,csv}, litellm_spend_logs.{csv,parquet} or "
        "langfuse_observations.{jsonl,csv}), optional outcomes.{csv,parquet}, "
        "langfuse_scores.{jsonl,csv}, focus_costs.{csv,parquet} (FOCUS 1.0-1.3 billing), "
        "seeds/ (see docs/telemetry.md)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild from this folder alone; without it, a database an earlier run built "
        "keeps its data and the folder is appended as new data",
    )
    run.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run the package's dbt unit tests (its rules on fixed rows, for package "
        "development and CI; the data tests on your data always run)",
    )
    add_warehouse_options(run, reads=False)
    run.add_argument(
        "--wait",
        type=_seconds,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help="when another run is building the same database, wait up to this long for it "
        "instead of stopping at once (exit 2, naming that run)",
    )
    _quiet_option(run)

    demo = commands.add_parser("demo", help="generate sample data, build it and print metrics")
    demo.add_argument("--dir", type=Path, default=Path("demo"), help="where the sample goes")
    demo.add_argument("--intents", type=int, default=3000, help="sample intents to generate")
    demo.add_argument("--seed", type=int, default=42, help="random seed of the sample")
    _quiet_option(demo)

    metrics = commands.add_parser("metrics", help="print the metrics of a build")
    add_warehouse_options(metrics, reads=True)
    metrics.add_argument(
        "--by",
        type=_dimensions,
        default=["feature_tag", "response_model"],
        help=(
            f"comma-separated, from: {', '.join(catalogue.DIMENSIONS)} and the build's "
            "pass-through dimensions (e.g. tenant_id)"
        ),
    )
    metrics.add_argument(
        "--from", dest="date_from", type=_date, help="first day, e.g. 2026-09-01 (default: all)"
    )
    metrics.add_argument(
        "--to", dest="date_to", type=_date, help="last day, inclusive (default: all)"
    )
    metrics.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    metrics.add_argument(
        "--wide",
        action="store_true",
        help="table: every column in one table (counts, retries, billing), however wide",
    )
    metrics.add_argument(
        "--min-sample",
        type=int,
        default=catalogue.DEFAULT_MIN_SAMPLE,
        help="labelled intents a group needs before its CPS is trusted",
    )
    metrics.add_argument(
        "--intervals",
        action="store_true",
        help="add <metric>_ci_low/_ci_high for success rate, cost per intent and CPS",
    )
    metrics.add_argument("--confidence", type=float, default=0.95, help="interval level")
    metrics.add_argument(
        "--cost-basis",
        choices=catalogue.COST_BASES,
        default="invoice",
        help="invoice: token cost as billed where FOCUS billing covers a call; "
        "estimate: the list-price estimate from the dated price seed",
    )
    metrics.add_argument(
        "--billing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="csv/json: add infra_cost, billed_cost, allocated_cost, unallocated_cost "
        "(default: when the build has billing)",
    )

    reconcile = commands.add_parser(
        "reconcile", help="print how the FOCUS invoice reconciles with the telemetry"
    )
    add_warehouse_options(reconcile, reads=True)

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
    breakeven.add_argument(
        "--hours-per-month", type=float, default=730.0, help="hours a GPU is leased a month"
    )
    breakeven.add_argument(
        "--ops-monthly", type=float, default=0.0, help="$ a month for electricity, MLOps"
    )
    breakeven.add_argument(
        "--api-price-per-million", type=float, default=10.0, help="API $ per 1M tokens"
    )
    breakeven.add_argument(
        "--tokens-per-request", type=float, default=1000.0, help="tokens per request"
    )
    breakeven.add_argument(
        "--tokens-per-gpu-hour",
        type=float,
        help="throughput of one GPU; with it the GPU count grows with volume "
        "(default: none, a fixed GPU count)",
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
    breakeven.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )

    generate = commands.add_parser(
        "generate",
        help="write the semantic layer, metric-view models and docs from the catalogue",
    )
    generate.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files are out of date"
    )

    from .sqlgen import DIALECTS

    sql = commands.add_parser("sql", help="print ready-to-run SQL for metrics on a warehouse")
    sql.add_argument("--dialect", default="duckdb", help=f"one of: {', '.join(DIALECTS)}")
    sql.add_argument("--metric", type=_dimensions, required=True, help="comma-separated")
    sql.add_argument(
        "--view",
        action="store_true",
        help="print each metric's view (`create or replace view aiue__metric_<metric>`, at "
        "the grain `dbt build` creates it) for a warehouse dbt does not build",
    )
    sql.add_argument(
        "--by",
        type=_dimensions,
        default=[],
        help="comma-separated dimensions (default: none, one row of totals)",
    )
    sql.add_argument(
        "--schema",
        help="schema (or database.schema, project.dataset) of the aiue marts "
        "(default: none, unqualified)",
    )
    sql.add_argument(
        "--from", dest="date_from", type=_date, help="first day, e.g. 2026-09-01 (default: all)"
    )
    sql.add_argument("--to", dest="date_to", type=_date, help="last day, inclusive (default: all)")
    sql.add_argument("--confidence", type=float, default=0.95, help="interval level")
    sql.add_argument(
        "--min-sample",
        type=int,
        default=catalogue.DEFAULT_MIN_SAMPLE,
        help="sufficient-sample threshold",
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").add_arguments(commands)
    return parser


def _require_extra(module: str, extra: str, why: str) -> None:
    if importlib.util.find_spec(module) is None or sys.modules.get(module, ...) is None:
        raise UserError(f"{why}, which is not installed: pip install 'ai-unit-economics[{extra}]'.")


def _run(args: argparse.Namespace) -> int:
    """Dispatch one parsed command; returns its exit code."""
    handler = getattr(args, "handler", None)
    if handler is not None:
        from .warehouse import using_schema

        with using_schema(getattr(args, "schema", None)):
            return handler(args) or EXIT_OK
    if args.command == "run":
        from .pipeline import run_pipeline

        run_pipeline(
            args.input,
            args.db,
            args.target,
            wait=args.wait,
            full_refresh=args.full_refresh,
            unit_tests=args.unit_tests,
        )
    elif args.command == "demo":
        from .pipeline import run_demo

        run_demo(args.dir, args.intents, args.seed)
    elif args.command == "metrics":
        from .metrics import fetch_metrics, render

        table = args.format == "table"
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
            # The table always shows infra cost when there is some: its parts add up.
            billing=None if table else args.billing,
            schema=args.schema,
        )
        text = render(records, args.by, args.format, args.intervals, args.confidence, args.wide)
        print(text, end="" if text.endswith("\n") else "\n")  # CSV: no blank last line
    elif args.command == "reconcile":
        from .reconciliation import run_reconcile

        print(run_reconcile(args.target, args.db, args.schema))
    elif args.command == "prices":
        _require_extra("genai_prices", "prices", "aiue prices reads the genai-prices package")
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
    return EXIT_OK


def error_log_path(args: argparse.Namespace | None) -> Path:
    """Where an unexpected error's traceback goes: beside the build's other logs."""
    from .runner import work_dir_for

    db = getattr(args, "db", None)
    if db is None and getattr(args, "dir", None) is not None:
        db = args.dir / "aiue.duckdb"
    for folder in (work_dir_for(db) / "logs", Path(tempfile.gettempdir()) / "aiue-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "aiue.log"
            with path.open("a", encoding="utf-8"):
                return path
        except OSError:
            continue
    return Path(os.devnull)


def _log_unexpected(args: argparse.Namespace | None, error: BaseException) -> Path:
    path = error_log_path(args)
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"aiue {__version__}: {' '.join(sys.argv)}\n")
            handle.write("".join(traceback.format_exception(error)) + "\n")
    except OSError:
        pass
    return path


def _error(message: str) -> None:
    print(f"aiue: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    # A log handler that cannot write (a full disk) must not print a traceback of its own.
    logging.raiseExceptions = False
    args = build_parser().parse_args(argv)
    UI.quiet = bool(getattr(args, "quiet", False))
    try:
        return _run(args)
    except UserError as error:
        _error(str(error))
        return EXIT_USER_ERROR
    except UnusableInputError as error:
        print(f"aiue: unusable input: {error}", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except BuildError as error:
        if is_disk_full(error):
            _error(disk_full_message(getattr(args, "db", "the build")))
            print(str(error), file=sys.stderr)
            return EXIT_USER_ERROR
        print(f"aiue: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("aiue: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback on the terminal: one line and the log
        if is_disk_full(error):
            _error(disk_full_message(getattr(args, "db", "the output")))
            return EXIT_USER_ERROR
        path = _log_unexpected(args, error)
        first = (str(error).strip().splitlines() or [""])[0]
        _error(
            f"unexpected {type(error).__name__}{': ' + first if first else ''}. "
            f"The details are in {path}; please include that file when you report it."
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
