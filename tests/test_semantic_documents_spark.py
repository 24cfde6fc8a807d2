"""The Databricks metric views (semantic/databricks/*.yaml, YAML v1.1) compute `aiue metrics`:
each measure expression, run as Spark SQL on a local Spark session over copies of the sample
build's tables, equals the DuckDB reference to 1e-9 (every sum, metric, interval end and the
sample flag, by feature x model; the call-grain ones by model).

A metric view answers `SELECT dims, MEASURE(m) ... GROUP BY dims` by aggregating each measure's
expression over its source grouped by the dimensions: that is the query run here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from ai_unit_economics.metrics import catalogue

from .conftest import Build
from .test_semantic_documents import (
    BY,
    CALL_BY,
    SCHEMA,
    assert_equal_to_reference,
    databricks,
    reference,
)

pytestmark = [pytest.mark.dbt, pytest.mark.spark]

SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "BOOLEAN": "boolean", "DOUBLE": "double"}


def spark_type(duckdb_type: str) -> str:
    if duckdb_type in SPARK_TYPES:
        return SPARK_TYPES[duckdb_type]
    return duckdb_type.lower() if duckdb_type.startswith("DECIMAL") else "bigint"


def needed_columns(document: dict[str, Any]) -> list[str]:
    """The source columns the metric view's dimensions and measures read."""
    found: dict[str, None] = {}
    for item in [*document["dimensions"], *document["measures"]]:
        parsed = sqlglot.parse_one(item["expr"], read="databricks")
        found.update(dict.fromkeys(column.name for column in parsed.find_all(sqlglot.exp.Column)))
    return list(found)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.harness.fixtures import engine_missing
    from tests.harness.spark import spark_available, spark_session

    available, reason = spark_available()
    if not available:
        engine_missing(f"Spark unavailable: {reason}")
    session = spark_session(tmp_path_factory.mktemp("spark_documents"), hive=False)
    yield session
    session.stop()


def load(spark: Any, db_path: Path, document: dict[str, Any], view: str) -> str:
    """A temporary view named like the metric view, holding the columns of its source the
    document reads (copied from the DuckDB build); the source relation's name."""
    relation = document["source"].rsplit(".", 1)[1]
    names = needed_columns(document)
    with duckdb.connect(str(db_path), read_only=True) as source:
        kinds = {
            row[0]: row[1] for row in source.execute(f"describe {SCHEMA}.{relation}").fetchall()
        }
        rows = source.execute(f"select {', '.join(names)} from {SCHEMA}.{relation}").fetchall()
    schema = ", ".join(f"`{name}` {spark_type(kinds[name])}" for name in names)
    spark.createDataFrame(rows, schema).createOrReplaceTempView(view)
    return relation


def test_databricks_measures_equal_aiue_metrics_on_spark(sample_build: Build, spark: Any) -> None:
    daily, calls = reference(sample_build)
    for name, document in databricks().items():
        relation = load(spark, sample_build.db_path, document, name)
        dims = BY if relation == catalogue.DAILY_RELATION else CALL_BY
        measures = ", ".join(f"{m['expr']} as {m['name']}" for m in document["measures"])
        sql = f"select {', '.join(dims)}, {measures} from {name} group by {', '.join(dims)}"
        rows = [row.asDict() for row in spark.sql(sql).collect()]
        expected = daily if dims == BY else calls
        compared = assert_equal_to_reference(rows, expected, dims, f"spark {name}")
        assert compared >= len(expected) * len(document["measures"]) - len(document["measures"])
