"""`aiue export-focus`: the allocated AI cost as FOCUS 1.2 Cost and Usage rows (CSV)."""

from __future__ import annotations

import argparse
import textwrap
from decimal import Decimal

from ..ui.tables import MAX_WIDTH
from .options import add_out_option, add_warehouse_options, writing_out

NAME = "export-focus"
HELP = "write the allocated AI cost as FOCUS 1.2 Cost and Usage rows"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_options(parser)
    add_out_option(parser, None, "CSV file to write")


def run(args: argparse.Namespace) -> int:
    from ..finops.focus_export import FOCUS_VERSION, decimal_text, export
    from ..finops.reconciliation import reconciliation_by_provider, split_credits

    with writing_out(args.out):
        count, total = export(args.target, args.db, args.out)
    print(
        f"Wrote {count:,} FOCUS {FOCUS_VERSION} rows to {args.out}: "
        f"EffectiveCost {decimal_text(total)} allocated in total."
    )
    credits = unallocated = Decimal(0)
    for record in reconciliation_by_provider(args.db, args.target):
        credit, rest = split_credits(record)
        credits, unallocated = credits + credit, unallocated + rest
    left_out = [
        *(
            [f"unallocated billing ${unallocated:,.2f} (no call to carry it)"]
            if unallocated
            else []
        ),
        *([f"credits -${-credits:,.2f} (money back naming no call)"] if credits else []),
    ]
    if left_out:
        text = (
            f"Not in the file, as it is not allocated cost: {' and '.join(left_out)}; "
            "`aiue reconcile` shows them."
        )
        print("\n".join(textwrap.wrap(text, width=MAX_WIDTH, subsequent_indent="  ")))
    return 0
