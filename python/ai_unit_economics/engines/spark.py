"""Load input files into Spark: the raw-table contract of `load_duckdb`, via spark.read.parquet.

Each input becomes the table aiue_raw.<table> with every column as a string named in lower
case, plus _aiue_source_file and _aiue_source_row (the 1-based data row); an input the folder
lacks becomes an empty table of its contract columns. The files are read once by DuckDB's
reader (raw_export.py), written as Parquet, and read by Spark in one job per table, so Spark
gets exactly the text DuckDB would (no CSV dialect or time-zone differences).

This needs the profile's `spark` output to use `method: session` (pyspark in this process).
For a cluster (thrift, http, Databricks) load the tables with the cluster's own tools and run
dbt with the package's vars: see docs/warehouses.md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..ingest.inputs import InputFile
from ..project import RAW_SCHEMA
from .dbt_profile import profile_output
from .raw_export import export_raw_tables


def session_conf() -> dict[str, str]:
    """Spark conf of the profile's `spark` output, as dbt-spark applies it."""
    output = profile_output("spark")
    method = str(output.get("method", ""))
    if output.get("type") != "spark" or method != "session":
        raise UserError(
            f"the profile's spark output uses method '{method}'; `aiue` loads files and reads "
            "results only through a local session (method: session). For a cluster, load "
            "genai_spans and outcomes there and run `dbt build` (see docs/warehouses.md)."
        )
    conf = {
        str(key): str(value) for key, value in (output.get("server_side_parameters") or {}).items()
    }
    conf["spark.sql.ansi.enabled"] = "false"  # dbt-spark forces this for every session
    return conf


def spark_session() -> Any:
    """The SparkSession dbt-spark would open in this process (the same one, once it exists).

    A JVM's static conf is fixed when the first session starts, so this builds it with the
    profile's parameters; dbt-spark's own getOrCreate() later finds and reuses it.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise UserError(
            "--target spark needs pyspark and a Java 17+ runtime: "
            "pip install 'ai-unit-economics[spark]'."
        ) from error
    builder = SparkSession.builder.appName("ai_unit_economics").enableHiveSupport()
    for key, value in session_conf().items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as error:  # pyspark raises its own types when the JVM cannot start
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0].rstrip(".")
        raise UserError(
            f"cannot start a local Spark session: {first_line}. Spark 4 needs Java 17+ on PATH "
            "(or JAVA_HOME); `java -version` should say 17 or later."
        ) from error


def load_spark(
    inputs: dict[str, InputFile | None],
    raw_schema: str = RAW_SCHEMA,
    append_to: str | None = None,
) -> dict[str, int]:
    """Create (replace) <raw_schema>.<table> (aiue_raw unless a run stages it elsewhere) for
    each input; returns the row counts. append_to: the published raw schema whose rows each
    table keeps, the files' rows added by column name (a column a table lacks is added; one a
    file lacks is null; each value cast to the table's type)."""
    spark = spark_session()
    with tempfile.TemporaryDirectory(prefix="aiue_spark_load_") as scratch:
        exported = export_raw_tables(inputs, Path(scratch), "parquet")
        spark.sql(f"create database if not exists {raw_schema}")
        for table in exported:
            frame = spark.read.parquet(str(table.path))
            if append_to is not None and spark.catalog.tableExists(f"{append_to}.{table.table}"):
                frame = _appended(spark.table(f"{append_to}.{table.table}"), frame)
            frame.write.mode("overwrite").format("parquet").saveAsTable(
                f"{raw_schema}.{table.table}"
            )
    return {table.table: table.rows for table in exported}


def _appended(held: Any, new: Any) -> Any:
    """The held rows, then the new ones by column name, cast to the held columns' types."""
    from pyspark.sql.functions import col

    types = dict(held.dtypes)
    for name, kind in new.dtypes:
        if name in types and types[name] != kind:
            new = new.withColumn(name, col(name).cast(types[name]))
    return held.unionByName(new, allowMissingColumns=True)


def raw_tables(raw_schema: str) -> list[str]:
    """The tables (or, published, views) of a raw schema; [] when it does not exist."""
    spark = spark_session()
    if not spark.catalog.databaseExists(raw_schema):
        return []
    return sorted(table.name for table in spark.catalog.listTables(raw_schema))


def copy_tables(source: str, target: str, tables: list[str]) -> None:
    """Copy a schema's tables (or views) into another as Parquet tables."""
    spark = spark_session()
    spark.sql(f"create database if not exists {target}")
    for table in tables:
        spark.table(f"{source}.{table}").write.mode("overwrite").format("parquet").saveAsTable(
            f"{target}.{table}"
        )


def describe_target(raw_schema: str = RAW_SCHEMA) -> str:
    """Where load_spark writes, for messages."""
    conf = session_conf()
    master = conf.get("spark.master", "local")
    return f"Spark ({master}, warehouse {conf.get('spark.sql.warehouse.dir')}), schema {raw_schema}"
