"""Read query results from the warehouse a build wrote to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import UserError
from .project import MART_SCHEMA_SUFFIX

TARGETS = ("duckdb", "postgres", "spark")


def mart_schema(target: str) -> str:
    """The schema dbt builds the marts into: <target schema>_<aiue_schema>."""
    if target == "duckdb":
        return f"main_{MART_SCHEMA_SUFFIX}"
    from .runner import profile_output

    return f"{profile_output(target)['schema']}_{MART_SCHEMA_SUFFIX}"


def query(
    target: str, sql: str, db_path: Path | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    if target == "duckdb":
        return _query_duckdb(sql, db_path)
    if target == "postgres":
        return _query_postgres(sql)
    if target == "spark":
        return _query_spark(sql)
    raise UserError(f"unknown target '{target}'; choose one of: {', '.join(TARGETS)}.")


def _query_duckdb(sql: str, db_path: Path | None) -> tuple[list[str], list[tuple[Any, ...]]]:
    import duckdb

    if db_path is None or not db_path.is_file():
        raise UserError(
            f"{db_path}: no such DuckDB file. Run `aiue run --input DIR --db PATH` first."
        )
    with duckdb.connect(str(db_path)) as connection:
        try:
            cursor = connection.execute(sql)
        except duckdb.CatalogException as error:
            raise UserError(f"{db_path}: {error}. Has `aiue run` built this file?") from error
        columns = [description[0] for description in cursor.description]
        return columns, cursor.fetchall()


def _query_postgres(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Connects as the profile's `postgres` output (AIUE_PG_* env vars)."""
    import psycopg2

    from .load_postgres import connect

    connection = connect()
    try:
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql)
            except psycopg2.errors.UndefinedTable as error:
                raise UserError(
                    f"Postgres: {str(error).splitlines()[0].rstrip('.')}. "
                    "Has `aiue run --target postgres` built it?"
                ) from error
            columns = [description[0] for description in cursor.description]
            return columns, cursor.fetchall()
    finally:
        connection.close()


def _query_spark(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Runs in the profile's `spark` session (started here with its conf if need be)."""
    from .load_spark import spark_session

    spark = spark_session()
    try:
        frame = spark.sql(sql)
    except Exception as error:  # pyspark's AnalysisException: a missing table or column
        if type(error).__name__ != "AnalysisException":
            raise
        raise UserError(
            f"Spark: {str(error).splitlines()[0].rstrip('.')}. "
            "Has `aiue run --target spark` built it?"
        ) from error
    return list(frame.columns), [tuple(row) for row in frame.collect()]
