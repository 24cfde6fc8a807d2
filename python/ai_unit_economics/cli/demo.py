"""`aiue demo`: generate the sample data, build it and print its metrics and reconciliation;
with --no-build, only write the sample (spans, outcome labels and a FOCUS invoice).

The one command that uses the sample generator (samples/): the build itself never does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError
from .options import add_quiet_option, invoked_as, non_negative_int, positive_int

NAME = "demo"
HELP = "generate sample data, build it and print metrics"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=Path("demo"), help="where the sample goes")
    parser.add_argument(
        "--intents", type=non_negative_int, default=3000, help="sample intents to generate"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed of the sample")
    parser.add_argument(
        "--days", type=positive_int, default=61, help="days the sample covers from 2026-09-01"
    )
    parser.add_argument(
        "--no-scenarios",
        action="store_true",
        help="leave out the article's worked scenarios (2,500 intents with exact numbers)",
    )
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="only write the sample to DIR/data (genai_spans.csv, outcomes.csv, "
        "focus_costs.csv), e.g. as the input of your own `aiue run`",
    )
    add_quiet_option(parser)


def run(args: argparse.Namespace) -> None:
    from ..builder.pipeline import run_pipeline
    from ..engines.warehouse import mart_schema
    from ..finops.reconciliation import reconciliation_by_provider, render_reconciliation
    from ..metrics.results import fetch_metrics, render
    from ..samples.synthetic import generate, summary
    from ..ui.console import UI

    if args.intents < 0 or args.days < 1:
        raise UserError("--intents must be 0 or more and --days 1 or more.")
    if args.intents == 0 and args.no_scenarios:
        raise UserError("--intents 0 with --no-scenarios leaves nothing to generate.")
    out_dir: Path = args.dir
    data_dir = out_dir / "data"
    with UI.phase("Generating the sample data"):
        paths = generate(
            data_dir,
            n_intents=args.intents,
            seed=args.seed,
            include_scenarios=not args.no_scenarios,
            days=args.days,
            billing=True,
        )
    if args.no_build:
        print("\n".join(summary(paths)))
        return
    db_path = out_dir / "aiue.duckdb"
    run_pipeline(data_dir, db_path, full_refresh=True)
    by = ["feature_tag", "response_model"]
    print()
    print("Unit economics by feature and primary model (sample data):")
    print()
    print(render(fetch_metrics("duckdb", by, db_path=db_path), by, "table"))
    print()
    print(f"The sample FOCUS invoice ({data_dir / 'focus_costs.csv'}) against the telemetry:")
    print()
    print(render_reconciliation(reconciliation_by_provider(db_path)))
    print()
    aiue = invoked_as()
    print(
        f"The DuckDB file {db_path} holds every model (marts and metric views in schema "
        f"{mart_schema('duckdb')});\nDuckDB 1.0 or later and the BI tools built on it open it."
    )
    print("Try:")
    print(f"  {aiue} metrics --db {db_path} --by feature_tag --wide")
    print(f"  {aiue} report --db {db_path} --out {out_dir / 'report.html'}")
    print(f"  {aiue} budget --db {db_path}")
    if aiue != "aiue":
        print(f"(or `source {Path(aiue).parent / 'activate'}` once, then plain `aiue ...`)")
