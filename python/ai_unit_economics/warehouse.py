"""Read query results from the warehouse a build wrote to."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import UserError
from .project import MART_SCHEMA_SUFFIX

TARGETS = ("duckdb", "postgres", "spark")


def mart_schema(target: str) -> str:
    """The schema dbt builds the marts into: <target schema>_<aiue_schema>."""
    base = {
        "duckdb": "main",
        "postgres": os.environ.get("AIUE_PG_SCHEMA", "public"),
        "spark": os.environ.get("AIUE_SPARK_SCHEMA", "aiue"),
    }[target]
    return f"{base}_{MART_SCHEMA_SUFFIX}"


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
    import psycopg2

    connection = psycopg2.connect(
        host=os.environ.get("AIUE_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("AIUE_PG_PORT", "5432")),
        user=os.environ.get("AIUE_PG_USER", "postgres"),
        password=os.environ.get("AIUE_PG_PASSWORD", ""),
        dbname=os.environ.get("AIUE_PG_DBNAME", "aiue"),
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            columns = [description[0] for description in cursor.description]
            return columns, cursor.fetchall()
    finally:
        connection.close()


def _query_spark(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    from pyspark.sql import SparkSession

    frame = SparkSession.builder.getOrCreate().sql(sql)
    return list(frame.columns), [tuple(row) for row in frame.collect()]
