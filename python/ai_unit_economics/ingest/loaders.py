"""Load input files into the warehouse with the warehouse's own readers (never row by row).

Every table lands in aiue_raw.<table> with lower-cased column names, plus _aiue_source_file
and _aiue_source_row, so that staging can reject a bad value with a reason naming the file,
row and column instead of failing the load. CSV and JSON lines land as text; Parquet keeps
its column types (whole numbers, floats, decimals, dates, booleans, timestamps; anything else
as text), so staging validates those with typed predicates instead of text patterns; nested
values land as JSON text. The Collector's shapes (OTLP JSON files and the
otel_traces table) land in the otel_traces table, with MAP attribute columns (otlp.py,
otel_traces.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import UserError
from ..project import EMPTY_INPUT_COLUMNS, RAW_SCHEMA, duckdb_storage_version
from . import otel_traces, otlp
from .inputs import (
    CsvLayout,
    InputFile,
    check_column_names,
    check_required_columns,
    csv_layout,
    diagnose_csv,
)

# Columns staging parses as JSON, per raw table: a cell that is not JSON stops the load with
# its file, row and column (Postgres would otherwise fail the whole build on it).
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    # FOCUS Tags: a malformed object would drop a charge's feature and request attribution.
    "focus_costs": ("tags",),
    "litellm_spend_logs": ("metadata",),
    "langfuse_observations": (
        "usagedetails",
        "usage_details",
        "costdetails",
        "cost_details",
        "usage",
        "metadata",
    ),
}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reader(input_file: InputFile, layout: CsvLayout | None = None) -> str:
    path = _sql_text(str(input_file.path))
    if input_file.format == "parquet":
        return f"read_parquet({path})"
    if input_file.format == "jsonl":
        return f"read_json_objects({path}, format = 'auto')"
    # The dialect is told, not sniffed: a ragged row or a stray quote must fail naming its
    # row (diagnose_csv), never switch quoting off or pick another delimiter or header row.
    layout = layout or csv_layout(input_file.path)
    return (
        f"read_csv({path}, all_varchar = true, header = true, auto_detect = true, "
        f"delim = {_sql_text(layout.delimiter)}, quote = '\"', escape = '\"', skip = 0, "
        "strict_mode = true, null_padding = false)"
    )


def load_duckdb(
    db_path: Path, inputs: dict[str, InputFile | None], append: bool = False
) -> dict[str, int]:
    """Create aiue_raw.<table> for each input; returns the row count of each raw table.
    append: add the files' rows to the raw tables already there (an incremental run) instead
    of replacing them; a file whose path is already loaded is refused."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    # A new file is created here (dbt then opens it): in the format 1.x clients read.
    config = {"storage_compatibility_version": duckdb_storage_version()}
    with duckdb.connect(str(db_path), config=config) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        for name, input_file in inputs.items():
            if append and _exists(connection, input_file.table if input_file else name):
                if input_file is not None:
                    counts[input_file.table] = _append_one(connection, input_file)
                continue
            if input_file is None:
                columns = ", ".join(
                    f"cast(null as varchar) as {column}" for column in EMPTY_INPUT_COLUMNS[name]
                )
                connection.execute(
                    f"create or replace table {RAW_SCHEMA}.{name} as select {columns} limit 0"
                )
                counts[name] = 0
                continue
            counts[input_file.table] = _load_one(connection, input_file)
    return counts


def _load_one(
    connection: duckdb.DuckDBPyConnection, input_file: InputFile, relation: str | None = None
) -> int:
    relation = relation or f"{RAW_SCHEMA}.{input_file.table}"
    if input_file.format == "otlp":
        return otlp.create_raw_table(connection, relation, input_file.path, input_file.files)
    if input_file.table == "otel_traces":
        return otel_traces.create_raw_table(connection, relation, input_file)
    layout = csv_layout(input_file.path) if input_file.format == "csv" else None
    if input_file.format == "jsonl":
        selected = _json_columns(connection, input_file)
    else:
        selected = _table_columns(connection, input_file, layout)
    try:
        connection.execute(
            f"""
            create or replace table {relation} as
            select
                {", ".join(selected)},
                {_sql_text(str(input_file.path))} as _aiue_source_file,
                row_number() over () as _aiue_source_row
            from {_reader(input_file, layout)}
            """
        )
    except duckdb.Error as error:
        raise _load_error(input_file, layout, error) from error
    _check_json_cells(connection, input_file, relation)
    return connection.execute(f"select count(*) from {relation}").fetchall()[0][0]


def _exists(connection: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?",
            [RAW_SCHEMA, table],
        ).fetchall()[0][0]
    )


def _append_one(connection: duckdb.DuckDBPyConnection, input_file: InputFile) -> int:
    """Load the file beside its raw table, then add its rows by column name (a column the
    table lacks is added; one the file lacks is null). Returns the rows added."""
    relation = f"{RAW_SCHEMA}.{input_file.table}"
    loaded = {
        row[0]
        for row in connection.execute(
            f"select distinct _aiue_source_file from {relation}"
        ).fetchall()
    }
    again = sorted(str(path) for path in input_file.files if str(path) in loaded)
    if str(input_file.path) in loaded or again:
        raise UserError(
            f"{again[0] if again else input_file.path} is already loaded in this database; "
            "loading it again would count its rows twice. Run with new files only, or "
            "with --full-refresh to rebuild from this folder alone."
        )
    new_table = f"{relation}__aiue_new"
    added = _load_one(connection, input_file, new_table)
    existing = {row[0] for row in connection.execute(f"describe {relation}").fetchall()}
    for column, column_type, *_ in connection.execute(f"describe {new_table}").fetchall():
        if column not in existing:
            connection.execute(f"alter table {relation} add column {_quoted(column)} {column_type}")
    connection.execute(f"insert into {relation} by name select * from {new_table}")
    connection.execute(f"drop table {new_table}")
    return added


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _load_error(input_file: InputFile, layout: CsvLayout | None, error: Exception) -> UserError:
    """A reader's error as one sentence naming the file (and for CSV the row and line)."""
    problem = diagnose_csv(input_file.path, layout) if layout is not None else None
    if problem:
        return UserError(f"{input_file.path}: {problem}.")
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return UserError(f"{input_file.path}: cannot be read as {input_file.format}: {first}")


def _table_columns(
    connection: duckdb.DuckDBPyConnection, input_file: InputFile, layout: CsvLayout | None
) -> list[str]:
    """CSV: every column as text. Parquet: typed columns keep their type (raw_type)."""
    if layout is not None:
        # the header as written: the reader would rename a repeated name (name_1) silently
        check_column_names(input_file, layout.header)
    try:
        described = connection.execute(
            f"describe select * from {_reader(input_file, layout)}"
        ).fetchall()
    except duckdb.Error as error:
        raise _load_error(input_file, layout, error) from error
    columns = [row[0] for row in described]
    lowered = check_column_names(input_file, columns)
    check_required_columns(input_file, columns)
    typed = input_file.format == "parquet"
    return [
        f"{_raw_value(_quoted(column), str(kind), typed)} as {_quoted(name)}"
        for (column, kind, *_), name in zip(described, lowered, strict=True)
    ]


def raw_type(kind: str) -> str:
    """The type a typed (Parquet) column keeps in the raw table: whole numbers as BIGINT,
    floats as DOUBLE, decimals, dates, booleans and timestamps (cut to microseconds) as they
    are; anything else as text, which staging parses."""
    upper = kind.upper()
    if upper in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
        return "BIGINT"
    if upper in ("FLOAT", "DOUBLE"):
        return "DOUBLE"
    if upper.startswith("DECIMAL") or upper in ("DATE", "BOOLEAN", "TIMESTAMP WITH TIME ZONE"):
        return upper
    if upper in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        return "TIMESTAMP"
    return "VARCHAR"


def _raw_value(quoted: str, kind: str, typed: bool) -> str:
    """A source column as the raw table holds it: text for CSV and JSON (staging parses it),
    the column's own type for Parquet (staging validates it with typed predicates), nested
    values as JSON text."""
    nested = kind.upper().startswith(("STRUCT", "MAP")) or kind.endswith("]")
    if nested:
        return f"cast(to_json({quoted}) as varchar)"
    return f"cast({quoted} as {raw_type(kind) if typed else 'VARCHAR'})"


def _json_columns(connection: duckdb.DuckDBPyConnection, input_file: InputFile) -> list[str]:
    """JSON lines: one text column per top-level key of any row (JSON text when nested)."""
    try:
        keys = connection.execute(
            f"""
            select key
            from (
                select unnest(json_keys(json)) as key, row_number() over () as seen
                from {_reader(input_file)}
            )
            group by key
            order by min(seen), key
            """
        ).fetchall()
    except duckdb.Error as error:
        raise UserError(f"{input_file.path}: cannot be read as JSON lines: {error}") from error
    columns = [row[0] for row in keys]
    lowered = check_column_names(input_file, columns)
    check_required_columns(input_file, columns)
    return [
        f"json_extract_string(json, {_json_path(column)}) as {_quoted(name)}"
        for column, name in zip(columns, lowered, strict=True)
    ]


def _json_path(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"').replace("'", "''")
    return f"'$.\"{escaped}\"'"


def _check_json_cells(
    connection: duckdb.DuckDBPyConnection, input_file: InputFile, relation: str
) -> None:
    columns = {row[0] for row in connection.execute(f"describe {relation}").fetchall()}
    for column in JSON_COLUMNS.get(input_file.table, ()):
        if column not in columns:
            continue
        bad = connection.execute(
            f"""
            select _aiue_source_row, {_quoted(column)}
            from {relation}
            where nullif(nullif(trim({_quoted(column)}), ''), 'NULL') is not null
              and not json_valid({_quoted(column)})
            order by _aiue_source_row
            limit 1
            """
        ).fetchall()
        if bad:
            row, value = bad[0]
            shown = value if len(value) <= 60 else value[:57] + "..."
            raise UserError(
                f"{input_file.path}: row {row}, column '{column}' is not valid JSON: {shown}"
            )
