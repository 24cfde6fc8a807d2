"""`aiue reconcile`: how the FOCUS invoice reconciles with the telemetry, per provider."""

from __future__ import annotations

import argparse

from .options import add_warehouse_options

NAME = "reconcile"
HELP = "print how the FOCUS invoice reconciles with the telemetry"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser, reads=True)


def run(args: argparse.Namespace) -> None:
    from ..finops.reconciliation import run_reconcile

    print(run_reconcile(args.target, args.db, args.schema))
