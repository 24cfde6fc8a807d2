"""`aiue breakeven`: self-hosted GPUs against a per-token API, monthly cost and break-even."""

from __future__ import annotations

import argparse

from .options import parse_number

NAME = "breakeven"
HELP = "self-hosted GPU vs per-token API: monthly cost and break-even volume"
DEFAULT_REQUESTS = "100k,1M,10M"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gpu-hourly-rate", type=parse_number, default=2.0, help="$ per GPU-hour")
    parser.add_argument("--gpus", type=int, default=1, help="GPUs leased (the minimum)")
    parser.add_argument(
        "--hours-per-month", type=parse_number, default=730.0, help="hours a GPU is leased a month"
    )
    parser.add_argument(
        "--ops-monthly", type=parse_number, default=0.0, help="$ a month for electricity, MLOps"
    )
    parser.add_argument(
        "--api-price-per-million", type=parse_number, default=10.0, help="API $ per 1M tokens"
    )
    parser.add_argument(
        "--tokens-per-request", type=parse_number, default=1000.0, help="tokens per request"
    )
    parser.add_argument(
        "--tokens-per-gpu-hour",
        type=parse_number,
        help="throughput of one GPU; with it the GPU count grows with volume "
        "(default: none, a fixed GPU count)",
    )
    parser.add_argument(
        "--target-utilization",
        type=parse_number,
        default=1.0,
        help="share of capacity you plan to use (with --tokens-per-gpu-hour)",
    )
    parser.add_argument(
        "--requests",
        action="append",
        metavar="VOLUMES",
        help="monthly request volumes to compare, comma-separated; may be repeated, and every "
        "volume given is compared (default: 100k,1M,10M)",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )


def run(args: argparse.Namespace) -> None:
    from ..finops.breakeven import Assumptions, parse_volumes, run_breakeven

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
    volumes = parse_volumes(",".join(args.requests or [DEFAULT_REQUESTS]))
    print(run_breakeven(assumptions, volumes, args.format))
