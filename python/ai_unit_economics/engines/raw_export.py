"""Stage input files once with DuckDB and export them for another warehouse's bulk loader.

Every warehouse gets byte-identical raw tables: the files are read by the same DuckDB reader
`load_duckdb` uses (so CSV dialect sniffing, quoting, multi-line cells, Parquet types rendered
as text and the 1-based _aiue_source_row are the same everywhere), then written out as CSV
(for Postgres COPY) or Parquet (for spark.read.parquet). Nothing is inserted row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..ingest.inputs import InputFile
from ..ingest.loaders import load_duckdb
from ..project import RAW_SCHEMA


@dataclass(frozen=True)
class ExportedTable:
    """One raw table as a file: its columns (name, DuckDB type) in order and its row count."""

    table: str
    path: Path
    columns: list[tuple[str, str]]
    rows: int


def export_raw_tables(
    inputs: dict[str, InputFile | None], out_dir: Path, file_format: str
) -> list[ExportedTable]:
    """Load `inputs` into a scratch DuckDB file under `out_dir`, then write each raw table.

    file_format is 'csv' (no header; NULL unquoted-empty, '' quoted: what COPY ... csv reads
    back) or 'parquet'. Raises UserError, naming the file, for input that cannot be read.
    """
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be csv or parquet, not {file_format!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = out_dir / "staged.duckdb"
    counts = load_duckdb(scratch, inputs)
    tables = [name if item is None else item.table for name, item in inputs.items()]
    exported = []
    with duckdb.connect(str(scratch)) as connection:
        for table in dict.fromkeys(tables):
            relation = f"{RAW_SCHEMA}.{table}"
            columns = [
                (row[0], str(row[1]))
                for row in connection.execute(f"describe {relation}").fetchall()
            ]
            path = out_dir / f"{table}.{file_format}"
            if file_format == "csv":
                # COPY ... csv reads JSON text into jsonb: maps and lists go as JSON.
                selected = ", ".join(
                    f"to_json({_quoted(name)})" if is_nested(kind) else _quoted(name)
                    for name, kind in columns
                )
                options = "format csv, header false"
            else:
                selected, options = "*", "format parquet"
            target = str(path).replace("'", "''")
            connection.execute(
                f"copy (select {selected} from {relation}) to '{target}' ({options})"
            )
            exported.append(ExportedTable(table, path, columns, counts[table]))
    scratch.unlink(missing_ok=True)
    return exported


def is_nested(kind: str) -> bool:
    """A DuckDB MAP, LIST or STRUCT column type."""
    return kind.upper().startswith(("MAP", "STRUCT")) or kind.endswith("]")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
