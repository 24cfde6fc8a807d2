"""Find and check a user's input files before anything is loaded.

Loading itself is set-based in the warehouse (see loaders.py); this module only decides
which file to read and fails early, naming the file and column, when a contract is broken.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .project import INPUT_REQUIRED_COLUMNS, SEED_COLUMNS

SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class InputFile:
    table: str
    path: Path

    @property
    def format(self) -> str:
        return "parquet" if self.path.suffix == ".parquet" else "csv"


def find_inputs(input_dir: Path) -> dict[str, InputFile | None]:
    """The genai_spans, outcomes and focus_costs files of a folder; spans are required."""
    if not input_dir.is_dir():
        raise UserError(
            f"{input_dir}: no such folder. Pass --input a folder holding genai_spans.csv."
        )
    found: dict[str, InputFile | None] = {}
    for table in INPUT_REQUIRED_COLUMNS:
        matches = [input_dir / f"{table}{suffix}" for suffix in SUFFIXES]
        present = [path for path in matches if path.is_file()]
        if len(present) > 1:
            names = " and ".join(str(path) for path in present)
            raise UserError(f"{names}: both exist; keep one so it is clear which to load.")
        found[table] = InputFile(table, present[0]) if present else None
    if found["genai_spans"] is None:
        raise UserError(
            f"{input_dir}: no genai_spans.csv or genai_spans.parquet. "
            "It holds one row per OpenTelemetry GenAI span (see README, 'Inputs')."
        )
    return found


def check_required_columns(input_file: InputFile, columns: list[str]) -> None:
    present = {column.strip().lower() for column in columns}
    for required in INPUT_REQUIRED_COLUMNS[input_file.table]:
        if required not in present:
            raise UserError(
                f"{input_file.path}: missing required column '{required}' "
                f"(required: {', '.join(INPUT_REQUIRED_COLUMNS[input_file.table])}; "
                f"found: {', '.join(sorted(present)) or 'none'})."
            )


def seed_overrides(input_dir: Path | None) -> list[Path]:
    """User copies of the bundled seeds in DIR/seeds/, checked against the fixed columns."""
    if input_dir is None or not (input_dir / "seeds").is_dir():
        return []
    overrides = []
    for path in sorted((input_dir / "seeds").glob("*.csv")):
        if path.stem not in SEED_COLUMNS:
            raise UserError(
                f"{path}: not a known seed. Seeds you can override: "
                f"{', '.join(f'{name}.csv' for name in SEED_COLUMNS)}."
            )
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        missing = [column for column in SEED_COLUMNS[path.stem] if column not in header]
        if missing:
            raise UserError(
                f"{path}: missing column '{missing[0]}' "
                f"(a {path.stem} seed has: {', '.join(SEED_COLUMNS[path.stem])})."
            )
        overrides.append(path)
    return overrides


def merged_seed_dir(bundled: Path, overrides: list[Path]) -> Path:
    """A temporary seed folder: the bundled seeds with the user's copies in their place."""
    merged = Path(tempfile.mkdtemp(prefix="aiue_seeds_"))
    for path in bundled.glob("*.csv"):
        shutil.copy(path, merged / path.name)
    for path in overrides:
        shutil.copy(path, merged / path.name)
    return merged
