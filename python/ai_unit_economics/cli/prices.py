"""`aiue prices`: write the model price seed from the genai-prices package (offline)."""

from __future__ import annotations

import argparse
import importlib.util
import sys

from ..errors import UserError
from .options import add_out_option, writing_out

NAME = "prices"
HELP = "write the model price seed from the genai-prices package (offline)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_out_option(
        parser,
        None,
        "CSV to write, e.g. DIR/seeds/aiue_model_prices.csv; an existing price seed there "
        "is merged into (see --replace)",
    )
    parser.add_argument(
        "--provider",
        dest="providers",
        action="append",
        default=[],
        help="genai-prices provider id to include (repeatable; default: all)",
    )
    parser.add_argument(
        "--provider-name",
        dest="provider_names",
        action="append",
        default=[],
        help="GENAI_PRICES_ID=TELEMETRY_NAME, e.g. google=gcp.gemini (repeatable)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite --out with genai-prices' rows alone; without it, an existing seed at "
        "--out keeps its hand-dated rows (price history genai-prices does not have) and gets "
        "genai-prices' rows for the models they do not price",
    )
    parser.add_argument(
        "--no-aliases",
        action="store_true",
        help="only each model's id, not the dated snapshot names it also matches",
    )


def _require_extra(module: str, extra: str, why: str) -> None:
    if importlib.util.find_spec(module) is None or sys.modules.get(module, ...) is None:
        raise UserError(f"{why}, which is not installed: pip install 'ai-unit-economics[{extra}]'.")


def run(args: argparse.Namespace) -> None:
    _require_extra("genai_prices", "prices", "aiue prices reads the genai-prices package")
    from ..finops.prices import run_prices

    with writing_out(args.out):
        run_prices(args.out, args.providers, args.provider_names, not args.no_aliases, args.replace)
