"""Find and check a user's input files before anything is loaded.

Loading itself is set-based in the warehouse (see loaders.py); this module only decides
which file to read and fails early, naming the file and column, when a contract is broken.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..project import EMPTY_INPUT_COLUMNS, INPUTS, SEED_COLUMN_DEFAULTS, SEED_COLUMNS, InputSpec

# Inputs that get an empty raw table when the folder lacks them (staging always reads them).
ALWAYS_LOADED = tuple(EMPTY_INPUT_COLUMNS)

# Column names the loaders add (_aiue_source_file, _aiue_source_row): an input may not use them.
RESERVED_PREFIX = "_aiue_"
# A column name: letters, digits and the punctuation real exports use (OTel attribute names,
# pandas' "Unnamed: 0"), at most 63 bytes (Postgres cuts longer names, so two could collide).
VALID_NAME = re.compile(r"[\w .:/@#$-]+")
MAX_NAME_BYTES = 63
# Field separators a CSV header may use; the one splitting it into most fields wins (',' on a tie).
CSV_DELIMITERS = (",", ";", "\t", "|")


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


def find_inputs(input_dir: Path, spans_required: bool = True) -> dict[str, InputFile | None]:
    """The inputs of a folder by name: every one present, and None for the optional tables
    that are loaded empty when absent (outcomes, focus_costs). At least one span input unless
    not spans_required (a folder of late labels, an invoice or seeds for a build that has its
    spans)."""
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
    inputs = {
        name: item for name, item in found.items() if item is not None or name in ALWAYS_LOADED
    }
    if spans_required:
        check_has_spans(inputs, input_dir)
    return inputs


def check_has_spans(inputs: dict[str, InputFile | None], input_dir: Path) -> None:
    """A UserError listing the span inputs when the folder has none."""
    if span_layouts(inputs):
        return
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


def has_data(inputs: dict[str, InputFile | None]) -> bool:
    """Whether the folder holds any input file (not only seeds/)."""
    return any(item is not None for item in inputs.values())


def span_layouts(inputs: dict[str, InputFile | None]) -> list[str]:
    """The span layouts present (var aiue_spans_layout)."""
    layouts = [item.layout for item in inputs.values() if item is not None and item.layout]
    return list(dict.fromkeys(layouts))


def table_layouts(tables: list[str]) -> list[str]:
    """The span layouts whose raw tables are among `tables` (a build's loaded files)."""
    held = set(tables)
    layouts = [spec.layout for spec in INPUTS.values() if spec.layout and spec.table in held]
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
        header = _seed_header(path)
        optional = SEED_COLUMN_DEFAULTS.get(path.stem, {})
        missing = [
            column
            for column in SEED_COLUMNS[path.stem]
            if column not in header and column not in optional
        ]
        if missing:
            raise UserError(
                f"{path}: missing column '{missing[0]}' "
                f"(a {path.stem} seed has: {', '.join(SEED_COLUMNS[path.stem])})."
            )
        overrides.append(path)
    return overrides


def _seed_header(path: Path) -> list[str]:
    """A seed copy's header, after checking that it is UTF-8 (an Excel "CSV UTF-8" byte-order
    mark is fine), names each column once and that every row has one value per column."""
    layout = csv_layout(path)
    if layout.delimiter != ",":
        raise UserError(
            f"{path}: the header is separated by {layout.delimiter!r}; seeds are read as "
            "comma-separated: save the file as CSV with commas."
        )
    header = [column.strip() for column in layout.header]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if duplicated:
        raise UserError(f"{path}: column '{duplicated[0]}' appears twice; keep one.")
    problem = diagnose_csv(path, layout)
    if problem:
        raise UserError(f"{path}: {problem}.")
    return header


def check_column_names(input_file: InputFile, names: list[str]) -> list[str]:
    """The column names lower-cased and trimmed, or a UserError naming the column: a name
    that is empty, reserved (_aiue_...), too long, has characters no engine quotes the same
    (quotes, backslashes, control characters), or appears twice. No input name ever becomes
    SQL unchecked."""
    lowered: list[str] = []
    for position, column in enumerate(names, start=1):
        name = column.strip().lower()
        shown = repr(column) if len(column) <= 60 else repr(column[:57] + "...")
        where = f"{input_file.path}: column {position} ({shown})"
        if not name:
            raise UserError(f"{where} has no name: name it or remove the column.")
        if name.startswith(RESERVED_PREFIX):
            raise UserError(
                f"{where}: names starting with {RESERVED_PREFIX} are reserved for the row's "
                "provenance (source file and row); rename the column."
            )
        if not VALID_NAME.fullmatch(name) or len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise UserError(
                f"{where} is not a usable column name: use letters, digits, spaces and "
                f". _ - : / @ # $ only, at most {MAX_NAME_BYTES} bytes; rename the column."
            )
        if name in lowered:
            raise UserError(
                f"{input_file.path}: column '{name}' appears twice (columns "
                f"{lowered.index(name) + 1} and {position}); keep one."
            )
        lowered.append(name)
    return lowered


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is split: its delimiter and its header as written."""

    delimiter: str
    header: list[str]


def csv_layout(path: Path) -> CsvLayout:
    """The delimiter and header of a CSV file (a UTF-8 byte-order mark is skipped), read from
    its first line, so that a ragged row or a stray quote further down cannot change how the
    file is split: the reader is told the dialect instead of guessing it per file."""
    with path.open("rb") as handle:
        first_bytes = handle.readline()
    try:
        first = first_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: the header is not UTF-8 text (byte {error.start}); save the file as "
            "CSV UTF-8."
        ) from error
    if not first.strip():
        raise UserError(f"{path}: the file is empty or its first line is blank; it needs a header.")
    delimiter = max(CSV_DELIMITERS, key=lambda item: (first.count(item), item == ","))
    try:
        header = next(csv.reader([first], delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise UserError(f"{path}: line 1 (the header) cannot be read as CSV: {error}.") from error
    return CsvLayout(delimiter, header)


def diagnose_csv(path: Path, layout: CsvLayout) -> str | None:
    """Why a CSV file cannot be read, naming the row and line: a row with more or fewer
    fields than the header, a quote that is not closed, bytes that are not UTF-8. None when
    Python's reader finds nothing wrong."""
    rows_read = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
            next(reader, None)
            for row in reader:
                line = reader.line_num
                if row == []:
                    continue
                rows_read += 1
                if len(row) != len(layout.header):
                    return (
                        f"data row {rows_read} (line {line}) has {len(row)} fields but the "
                        f"header has {len(layout.header)}; every row needs one value per "
                        f"column (empty values are fine; quote values holding "
                        f"'{layout.delimiter}')"
                    )
    except csv.Error as error:
        return (
            f"data row {rows_read + 1} (line {reader.line_num}): {error}; a field that starts "
            "with a quote must end with one, and a quote inside a quoted field is written "
            'twice ("")'
        )
    except UnicodeDecodeError as error:
        return f"byte {error.start} is not UTF-8 text; save the file as CSV UTF-8"
    return None
