"""`aiue`: build the unit economics from your files and print the metrics.

The command line: `main()` and `build_parser()` here, one module per command (NAME, HELP,
add_arguments, run) registered in COMMANDS, and the options they share in options.py. The top
layer: it imports the builder, metrics, finops, engines, ui and (for `aiue demo` only) samples;
nothing imports it.

Exit codes: 0 success, 1 build failure or unexpected error, 2 a user error (usage, input or
environment: the message says what to do), 3 input that yielded nothing usable. Nothing
prints a traceback: an unexpected error prints one line and the log file holding it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..engines.dbt_profile import work_dir_for
from ..engines.registry import disk_full_message, is_disk_full
from ..engines.warehouse import using_schema
from ..errors import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_UNUSABLE_INPUT,
    EXIT_USER_ERROR,
    BuildError,
    UnusableInputError,
    UserError,
)
from ..ui.console import UI
from . import (
    anomalies,
    breakeven,
    budget,
    cps,
    demo,
    export_focus,
    generate,
    metrics,
    prices,
    reconcile,
    report,
    run,
    semantic,
    sql,
    whatif,
)
from .options import Parser

# Every subcommand, in the order `aiue --help` lists them. A command is a module with NAME,
# HELP (and optionally DESCRIPTION), add_arguments(parser) and run(args) -> exit code or None;
# it imports what it runs inside run(), so that parsing and --help import no dbt, DuckDB,
# plotly or Jinja.
# Add a command by writing such a module and naming it here.
COMMANDS = (
    run,
    demo,
    metrics,
    reconcile,
    prices,
    breakeven,
    generate,
    sql,
    semantic,
    report,
    cps,
    whatif,
    budget,
    anomalies,
    export_focus,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="aiue",
        description="What your AI really costs per successful outcome, not per token.",
        epilog="Exit codes: 0 ok, 1 build failure or unexpected error, 2 user error, "
        "3 input with nothing usable.",
    )
    parser.add_argument("--version", action="version", version=f"aiue {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.NAME, help=command.HELP, description=getattr(command, "DESCRIPTION", None)
        )
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    """Run one parsed command; returns its exit code. A command with --schema reads the
    marts from that schema (engines.warehouse.using_schema)."""
    with using_schema(getattr(args, "schema", None)):
        return args.handler(args) or EXIT_OK


def error_log_path(args: argparse.Namespace | None) -> Path:
    """Where an unexpected error's traceback goes: beside the build's other logs."""
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
        return _dispatch(args)
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
