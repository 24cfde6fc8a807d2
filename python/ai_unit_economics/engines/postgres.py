"""Load input files into Postgres: the raw-table contract of `load_duckdb`, by COPY.

Each input becomes aiue_raw.<table> with every column as text named in lower case, plus
_aiue_source_file and _aiue_source_row (the 1-based data row); an input the folder lacks
becomes an empty table of its contract columns. The files are read once by DuckDB's reader
(raw_export.py), so Postgres gets exactly the text DuckDB would, and streamed in with one
`COPY ... FROM STDIN` per table. The connection is the `postgres` output of profiles.yml.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..ingest.inputs import InputFile
from ..project import RAW_SCHEMA
from .dbt_profile import profile_output
from .raw_export import ExportedTable, export_raw_tables, is_nested

# DuckDB column types of the staged raw tables -> Postgres types; attribute maps and event
# lists (the otel_traces table) become jsonb, the form staging reads on Postgres.
_PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


def _pg_type(kind: str) -> str:
    if is_nested(kind):
        return "jsonb"
    if kind.upper().startswith("DECIMAL"):
        return "numeric" + kind[len("DECIMAL") :]
    return _PG_TYPES.get(kind.upper(), "text")


def connection_parameters() -> dict[str, Any]:
    """psycopg2.connect() keywords from the profile's `postgres` output."""
    output = profile_output("postgres")
    return {
        "host": output.get("host", "127.0.0.1"),
        "port": int(output.get("port", 5432)),
        "user": output.get("user"),
        "password": output.get("password") or None,
        "dbname": output.get("dbname") or output.get("database"),
    }


def connect() -> Any:
    """A psycopg2 connection as dbt's `postgres` target would open it, or a UserError."""
    try:
        import psycopg2
    except ImportError as error:
        raise UserError(
            "--target postgres needs psycopg2: pip install 'ai-unit-economics[postgres]'."
        ) from error
    params = connection_parameters()
    try:
        return psycopg2.connect(connect_timeout=10, **params)
    except psycopg2.OperationalError as error:
        where = f"{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
        raise UserError(
            f"cannot connect to Postgres at {where}: {' '.join(str(error).split()).rstrip('.')}. "
            "Set AIUE_PG_HOST, AIUE_PG_PORT, AIUE_PG_USER, AIUE_PG_PASSWORD and AIUE_PG_DBNAME "
            "(profiles.yml)."
        ) from error


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_postgres(
    inputs: dict[str, InputFile | None], raw_schema: str = RAW_SCHEMA, append: bool = False
) -> dict[str, int]:
    """Create <raw_schema>.<table> (aiue_raw unless a run stages it elsewhere) for each input
    in one transaction; returns the row counts. append: add the files' rows to the tables
    already there, by column name (a column a table lacks is added; one a file lacks is
    null), as load_duckdb does."""
    with tempfile.TemporaryDirectory(prefix="aiue_pg_load_") as scratch:
        exported = export_raw_tables(inputs, Path(scratch), "csv")
        connection = connect()
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(f"create schema if not exists {raw_schema}")
                for table in exported:
                    existing = _columns(cursor, raw_schema, table.table) if append else {}
                    if existing:
                        _append_table(cursor, raw_schema, table, existing)
                    else:
                        _create_table(cursor, f"{raw_schema}.{_quote(table.table)}", table)
        finally:
            connection.close()
    return {table.table: table.rows for table in exported}


def _create_table(
    cursor: Any, relation: str, table: ExportedTable, temporary: bool = False
) -> None:
    columns = ", ".join(f"{_quote(name)} {_pg_type(kind)}" for name, kind in table.columns)
    if not temporary:
        cursor.execute(f"drop table if exists {relation} cascade")
    cursor.execute(f"create {'temporary ' if temporary else ''}table {relation} ({columns})")
    with table.path.open(encoding="utf-8", newline="") as handle:
        cursor.copy_expert(f"copy {relation} from stdin with (format csv, header false)", handle)


def _columns(cursor: Any, schema: str, table: str) -> dict[str, str]:
    """A table's columns and their types as Postgres spells them ({} when there is none)."""
    cursor.execute(
        "select attribute.attname, format_type(attribute.atttypid, attribute.atttypmod) "
        "from pg_attribute as attribute "
        "join pg_class as relation on relation.oid = attribute.attrelid "
        "join pg_namespace as namespace on namespace.oid = relation.relnamespace "
        "where namespace.nspname = %s and relation.relname = %s "
        "and attribute.attnum > 0 and not attribute.attisdropped order by attribute.attnum",
        [schema, table],
    )
    return dict(cursor.fetchall())


def _append_table(cursor: Any, schema: str, table: ExportedTable, existing: dict[str, str]) -> None:
    """COPY the file beside the table, then insert its rows by column name, each cast to the
    table's type."""
    relation = f"{schema}.{_quote(table.table)}"
    new = _quote(f"{table.table}__aiue_new")
    _create_table(cursor, new, table, temporary=True)
    for name, kind in table.columns:
        if name not in existing:
            cursor.execute(f"alter table {relation} add column {_quote(name)} {_pg_type(kind)}")
            existing[name] = _pg_type(kind)
    names = [name for name, _ in table.columns]
    cursor.execute(
        f"insert into {relation} ({', '.join(_quote(name) for name in names)}) "
        f"select {', '.join(f'cast({_quote(name)} as {existing[name]})' for name in names)} "
        f"from {new}"
    )
    cursor.execute(f"drop table {new}")


def tables_in(cursor: Any, schema: str) -> list[str]:
    """The tables of a schema ([] when it does not exist)."""
    cursor.execute(
        "select table_name from information_schema.tables where table_schema = %s "
        "and table_type = 'BASE TABLE' order by 1",
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_tables(cursor: Any, source: str, target: str, tables: list[str]) -> None:
    """Copy tables of one schema into another (created if need be), rows and column types."""
    cursor.execute(f"create schema if not exists {target}")
    for table in tables:
        cursor.execute(f"create table {target}.{_quote(table)} as table {source}.{_quote(table)}")


def describe_target() -> str:
    """Where load_postgres writes, for messages: user@host:port/dbname."""
    params = connection_parameters()
    return f"Postgres {params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
