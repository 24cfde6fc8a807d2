"""`aiue generate`: write the semantic layer, metric-view models and docs from the catalogue."""

from __future__ import annotations

import argparse

NAME = "generate"
HELP = "write the semantic layer, metric-view models and docs from the catalogue"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files are out of date"
    )


def run(args: argparse.Namespace) -> int:
    from ..metrics.generate import run_generate

    return run_generate(check_only=args.check)
