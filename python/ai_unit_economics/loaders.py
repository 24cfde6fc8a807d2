"""Load input files into the warehouse with the warehouse's own readers (never row by row).

Every column lands as text, plus _aiue_source_file and _aiue_source_row, so that staging can
reject a bad value with a reason naming the file, row and column instead of failing the load.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import UserError
from .inputs import InputFile, check_required_columns
from .project import EMPTY_INPUT_COLUMNS, RAW_SCHEMA


def _reader(input_file: InputFile) -> str:
    path = str(input_file.path).replace("'", "''")
    if input_file.format == "parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', all_varchar = true, header = true, auto_detect = true)"


def load_duckdb(db_path: Path, inputs: dict[str, InputFile | None]) -> dict[str, int]:
    """Create aiue_raw.<table> for each input; returns the row count of each."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(db_path)) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        for table, input_file in inputs.items():
            if input_file is None:
                columns = ", ".join(
                    f"cast(null as varchar) as {name}" for name in EMPTY_INPUT_COLUMNS[table]
                )
                connection.execute(
                    f"create or replace table {RAW_SCHEMA}.{table} as select {columns} limit 0"
                )
                counts[table] = 0
                continue
            counts[table] = _load_one(connection, input_file)
    return counts


def _load_one(connection: duckdb.DuckDBPyConnection, input_file: InputFile) -> int:
    reader = _reader(input_file)
    try:
        described = connection.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise UserError(
            f"{input_file.path}: cannot be read as {input_file.format}: {error}"
        ) from error
    columns = [row[0] for row in described]
    check_required_columns(input_file, columns)
    seen: set[str] = set()
    selected = []
    for column in columns:
        name = column.strip().lower()
        if name in seen:
            raise UserError(f"{input_file.path}: column '{name}' appears twice.")
        seen.add(name)
        quoted = column.replace('"', '""')
        selected.append(f'cast("{quoted}" as varchar) as "{name}"')
    source_file = str(input_file.path).replace("'", "''")
    try:
        connection.execute(
            f"""
            create or replace table {RAW_SCHEMA}.{input_file.table} as
            select
                {", ".join(selected)},
                '{source_file}' as _aiue_source_file,
                row_number() over () as _aiue_source_row
            from {reader}
            """
        )
    except duckdb.Error as error:
        raise UserError(f"{input_file.path}: cannot be loaded: {error}") from error
    return connection.execute(f"select count(*) from {RAW_SCHEMA}.{input_file.table}").fetchone()[0]
