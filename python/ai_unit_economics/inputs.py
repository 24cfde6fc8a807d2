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
from .project import EMPTY_INPUT_COLUMNS, INPUTS, SEED_COLUMNS, InputSpec

# Inputs that get an empty raw table when the folder lacks them (staging always reads them).
ALWAYS_LOADED = tuple(EMPTY_INPUT_COLUMNS)


@dataclass(frozen=True)
class InputFile:
    """One input of a folder: `name` is its name in the folder (genai_spans, otlp, ...);
    `path` the file, or for OTLP the folder of export files."""

    name: str
    path: Path

    @property
    def spec(self) -> InputSpec:
        return INPUTS[self.name]

    @property
    def table(self) -> str:
        """The raw table it loads into (aiue_raw.<table>)."""
        return self.spec.table

    @property
    def layout(self) -> str | None:
        return self.spec.layout

    @property
    def format(self) -> str:
        if self.name == "otlp":
            return "otlp"
        suffix = self.path.suffix
        return {".parquet": "parquet", ".jsonl": "jsonl"}.get(suffix, "csv")

    @property
    def files(self) -> list[Path]:
        """The files to read: the OTLP export files of the folder, else the one file."""
        if self.name != "otlp":
            return [self.path]
        return sorted(
            path
            for path in self.path.rglob("*")
            if path.is_file() and path.name.endswith(self.spec.suffixes)
        )


def _find_one(input_dir: Path, spec: InputSpec) -> InputFile | None:
    if spec.name == "otlp":
        folder = input_dir / "otlp"
        if not folder.is_dir():
            return None
        found = InputFile(spec.name, folder)
        if not found.files:
            raise UserError(
                f"{folder}: holds no OTLP export files (*.json, *.jsonl, *.json.gz, "
                "*.jsonl.gz, *.json.zst, *.jsonl.zst). Put the Collector's file exporter output "
                "there, or remove the folder."
            )
        return found
    present = [
        input_dir / f"{spec.name}{suffix}"
        for suffix in spec.suffixes
        if (input_dir / f"{spec.name}{suffix}").is_file()
    ]
    if len(present) > 1:
        names = " and ".join(str(path) for path in present)
        raise UserError(f"{names}: both exist; keep one so it is clear which to load.")
    return InputFile(spec.name, present[0]) if present else None


def find_inputs(input_dir: Path) -> dict[str, InputFile | None]:
    """The inputs of a folder by name: every one present, and None for the optional tables
    that are loaded empty when absent (outcomes, focus_costs). At least one span input."""
    if not input_dir.is_dir():
        raise UserError(
            f"{input_dir}: no such folder. Pass --input a folder holding your spans "
            "(genai_spans.csv, otlp/, otel_traces.parquet, litellm_spend_logs.csv or "
            "langfuse_observations.jsonl)."
        )
    found = {name: _find_one(input_dir, spec) for name, spec in INPUTS.items()}
    if found["otlp"] is not None and found["otel_traces"] is not None:
        raise UserError(
            f"{found['otlp'].path} and {found['otel_traces'].path}: both hold spans in the "
            "Collector's shapes (usually the same spans twice); keep one."
        )
    if not any(item is not None and item.layout for item in found.values()):
        accepted = "\n".join(
            f"  {spec.name}{'/' if spec.name == 'otlp' else ''} "
            f"({', '.join(spec.suffixes)}): {spec.what}"
            for spec in INPUTS.values()
            if spec.layout
        )
        raise UserError(
            f"{input_dir}: no spans found. Put one of these in the folder "
            f"(see docs/telemetry.md):\n{accepted}"
        )
    return {name: item for name, item in found.items() if item is not None or name in ALWAYS_LOADED}


def span_layouts(inputs: dict[str, InputFile | None]) -> list[str]:
    """The span layouts present (var aiue_spans_layout)."""
    layouts = [item.layout for item in inputs.values() if item is not None and item.layout]
    return list(dict.fromkeys(layouts))


def check_required_columns(input_file: InputFile, columns: list[str]) -> None:
    present = {column.strip().lower() for column in columns}
    names = ", ".join(" or ".join(spellings) for spellings in input_file.spec.required)
    for spellings in input_file.spec.required:
        if not present & set(spellings):
            raise UserError(
                f"{input_file.path}: missing required column '{spellings[0]}' "
                f"(required: {names}; found: {', '.join(sorted(present)) or 'none'})."
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
