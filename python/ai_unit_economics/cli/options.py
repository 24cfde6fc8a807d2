"""What every command shares, defined once: how a command names the warehouse it builds or
reads (--target, --db, --schema), --quiet, the file a command writes (--out), the argument
types for dates, dimension lists, numbers and seconds, and the help formatter that ends every
option's help with its default.

Command modules import these from here, never from the package (`cli/__init__.py` imports
the command modules to register them).
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ..engines.registry import TARGETS
from ..errors import UserError

DEFAULT_DB = Path("aiue.duckdb")


def invoked_as() -> str:
    """How the user can run `aiue` again from here, for the hints a command prints: `aiue`
    when that name on PATH is this program, else its path (`.venv/bin/aiue` after `make
    demo`, which does not put the venv on PATH)."""
    program = Path(sys.argv[0])
    if program.name != "aiue":
        return f"{os.path.relpath(sys.executable)} -m ai_unit_economics"
    on_path = shutil.which("aiue")
    if on_path and Path(on_path).resolve() == program.resolve():
        return "aiue"
    relative = os.path.relpath(program.absolute())
    return relative if not relative.startswith("..") else str(program.absolute())


def parse_dimensions(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-09-30") from error


def parse_number(text: str) -> float:
    """A finite number: nan and inf would print as $nan and $inf."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number like 0.7 or 1500")
    return number


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 0 or more")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def check_date_range(args: argparse.Namespace) -> None:
    """--from after --to selects nothing: say so rather than answer "no intents"."""
    date_from, date_to = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if date_from and date_to and date_from > date_to:
        raise UserError(
            f"--from {date_from} is after --to {date_to}: nothing lies between them. "
            "Swap them (--from is the first day, --to the last, both included)."
        )


def parse_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds like 600")
    return seconds


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
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


class Parser(argparse.ArgumentParser):
    """Every (sub)command parser formats its help with HelpFormatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def add_warehouse_options(parser: argparse.ArgumentParser, reads: bool = True) -> None:
    """--target, --db (and, for commands that read a build, --schema): every command names
    the warehouse the same way."""
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


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress display: only results, notes about rows left out, and errors",
    )


def add_out_option(parser: argparse.ArgumentParser, default: Path | None, what: str) -> None:
    """--out: the file a command writes (checked by writing_out)."""
    parser.add_argument(
        "--out",
        type=Path,
        default=default,
        required=default is None,
        help=what,
    )


@contextmanager
def writing_out(out: Path) -> Iterator[None]:
    """Around a command that reads the warehouse and writes --out: refuse a folder or a
    read-only place before any work, and turn an OS error while writing (a full disk, a
    permission) into one sentence naming --out, never the database."""
    _check_out(out)
    try:
        yield
    except OSError as error:
        if error.filename is not None and not _about(out, Path(error.filename)):
            raise
        raise UserError(_out_error(out, error)) from error


def _about(out: Path, path: Path) -> bool:
    """Whether an OS error's file is --out or a folder on its way."""
    out, path = Path(os.path.abspath(out)), Path(os.path.abspath(path))
    return path == out or path in out.parents


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise UserError(
            f"--out {out} is a folder: give the file to write, e.g. --out {out / 'FILE'}."
        )
    if out.exists() and not os.access(out, os.W_OK):
        raise UserError(f"--out {out} is read-only: choose a --out you can write.")
    folder = Path(os.path.abspath(out)).parent
    while not folder.exists():  # the command creates the missing folders: check the first one
        folder = folder.parent
    if not folder.is_dir():
        raise UserError(f"--out {out}: {folder} is a file, not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(
            f"--out {out}: the folder {folder} is read-only; choose a --out in a folder you "
            "can write."
        )


def _out_error(out: Path, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            f"No space left on the disk holding --out {out}: free some space (or choose a "
            "--out on another disk) and run again."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"--out {out}: permission denied; choose a --out in a folder you can write."
    if error.errno == errno.EISDIR:
        return f"--out {out} is a folder: give the file to write, e.g. --out {out / 'FILE'}."
    if error.errno == errno.ENOTDIR:
        return f"--out {out}: a part of the path is a file, not a folder."
    return f"cannot write --out {out}: {error.strerror or error}."


def add_metric_settings_options(parser: argparse.ArgumentParser, min_sample: bool = True) -> None:
    """--min-sample and --confidence: by default the values the build's metrics were made
    with (the view aiue__metric_settings, from vars aiue_min_sample_intents and
    aiue_confidence_level), so that the command judges samples and intervals as the marts do."""
    if min_sample:
        parser.add_argument(
            "--min-sample",
            type=int,
            default=None,
            help="labelled intents a group needs before its CPS is trusted (default: the "
            "build's, var aiue_min_sample_intents)",
        )
    parser.add_argument(
        "--confidence",
        type=parse_number,
        default=None,
        help="two-sided level of the intervals, e.g. 0.9 (default: the build's, var "
        "aiue_confidence_level)",
    )
