"""The semantic documents `aiue generate` writes (Apache Ossie 0.1.1, a Snowflake semantic view,
Databricks metric views) carry every catalogue metric, the Ossie one validates against the
spec's JSON schema, and their expressions, run on the built sample, give the numbers of `aiue
metrics` to 1e-9: the Ossie ones on DuckDB and PostgreSQL, the Snowflake ones on DuckDB through
sqlglot. The Databricks ones run as Spark SQL in tests/test_semantic_documents_spark.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
import sqlglot
import yaml

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.metrics import catalogue, generate, interchange, results, sqlgen

from .conftest import Build

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "main_aiue"
OSI_SCHEMA = ROOT / "tests" / "fixtures" / "osi" / "osi-schema-0.1.1.json"
BY = ["feature_tag", "response_model"]
CALL_BY = ["response_model"]
Key = tuple[Any, ...]


def expected_names() -> set[str]:
    """Every name the catalogue gives a document, computed from the catalogue alone: each
    additive sum the documents' tables hold, each metric, each interval end, the sample flag."""
    sums = [*catalogue.SUMS, *(m.name for m in catalogue.MEASURES if m.grain == catalogue.CALL)]
    names = [*sums, *(m.name for m in catalogue.METRICS), catalogue.SUFFICIENT_SAMPLE_COLUMN]
    names += [c for m in catalogue.METRICS if m.interval for c in catalogue.interval_columns(m)]
    return {catalogue.semantic_name(name) for name in names}


def committed(relative: Path) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def osi() -> dict[str, Any]:
    return json.loads(committed(generate.OSI_DOCUMENT))


def snowflake() -> dict[str, Any]:
    return yaml.safe_load(committed(generate.SNOWFLAKE_DOCUMENT))


def databricks() -> dict[str, dict[str, Any]]:
    folder = ROOT / generate.DATABRICKS_DOCUMENTS
    return {path.stem: yaml.safe_load(path.read_text()) for path in sorted(folder.glob("*.yaml"))}


# --- shape ----------------------------------------------------------------------------------


def test_the_osi_document_validates_against_the_spec_schema() -> None:
    schema = json.loads(OSI_SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    document = osi()
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert document["version"] == "0.1.1"
    # ... and so does the document written for another warehouse and level.
    other = interchange.osi_document(interchange.Location("prod", "analytics_aiue"), level=0.9)
    assert not list(validator.iter_errors(other))
    broken = {**document, "version": "0.2.0.dev0"}
    assert list(validator.iter_errors(broken))  # the schema does check


def test_every_document_carries_every_catalogue_metric() -> None:
    """None silently dropped: each document names exactly the catalogue's sums, metrics,
    interval ends and sample flag, once each."""
    expected = expected_names()
    [model] = osi()["semantic_model"]
    documents = {
        "osi": [m["name"] for m in model["metrics"]],
        "snowflake": [m["name"] for t in snowflake()["tables"] for m in t["metrics"]],
        "databricks": [m["name"] for d in databricks().values() for m in d["measures"]],
    }
    for kind, names in documents.items():
        assert len(names) == len(set(names)), f"{kind}: a name twice"
        assert set(names) == expected, f"{kind}: missing {expected - set(names)}"
    mf = yaml.safe_load(committed(generate.SEMANTIC_YML))["metrics"]
    semantic = {
        catalogue.semantic_name(m.name) for m in catalogue.METRICS if catalogue.is_semantic(m)
    }
    assert semantic <= {metric["name"] for metric in mf}  # MetricFlow keeps every metric too


def test_the_databricks_documents_are_metric_views_v1_1() -> None:
    for name, document in databricks().items():
        assert document["version"] == "1.1"
        assert list(document) == ["version", "source", "comment", "dimensions", "measures"]
        assert document["source"].count(".") == 2  # catalog.schema.table
        for measure in document["measures"]:
            assert set(measure) <= {"name", "expr", "comment", "display_name"}
            assert sqlglot.parse_one(measure["expr"], read="databricks"), name
            assert "measure(" not in measure["expr"].lower()  # self-contained: no composition


def test_the_snowflake_document_is_a_semantic_view() -> None:
    document = snowflake()
    assert set(document) == {"name", "description", "tables"}
    for table in document["tables"]:
        assert set(table["base_table"]) == {"database", "schema", "table"}
        facts = {fact["name"] for fact in table["facts"]}
        for metric in table["metrics"]:
            parsed = sqlglot.parse_one(metric["expr"], read="snowflake")
            referenced = {column.name for column in parsed.find_all(sqlglot.exp.Column)}
            assert referenced <= facts, metric["name"]  # metrics aggregate the table's facts


def test_aiue_semantic_writes_a_document_for_another_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    args = ["semantic", "--format", "databricks", "--schema", "main.prod_aiue"]
    assert aiue([*args, "--out", str(tmp_path)]) == 0
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(f"{name}.yaml" for name in databricks())
    daily = yaml.safe_load((tmp_path / "unit_economics_daily.yaml").read_text())
    assert daily["source"] == "main.prod_aiue.aiue__unit_economics_daily"
    capsys.readouterr()
    assert aiue(["semantic", "--format", "osi", "--schema", "prod_aiue"]) == 2
    assert "DATABASE.SCHEMA" in capsys.readouterr().err


# --- numbers --------------------------------------------------------------------------------


def osi_expression(item: dict[str, Any], dialect: str = "ANSI_SQL") -> str:
    return next(d["expression"] for d in item["expression"]["dialects"] if d["dialect"] == dialect)


def osi_query(dataset: str, dims: list[str], document: dict[str, Any] | None = None) -> str:
    """What a tool reading the document runs: the dataset's fields over its source (under the
    dataset's name), grouped by `dims`, every metric of that dataset."""
    [model] = (document or osi())["semantic_model"]
    found = next(d for d in model["datasets"] if d["name"] == dataset)
    fields = ", ".join(f"{osi_expression(f)} as {f['name']}" for f in found["fields"])
    metrics = [m for m in model["metrics"] if f"{dataset}." in osi_expression(m)]
    columns = ", ".join(f"{osi_expression(m)} as {m['name']}" for m in metrics)
    return (
        f"select {', '.join(dims)}, {columns} "
        f"from (select {fields} from {found['source']}) as {dataset} "
        f"group by {', '.join(dims)}"
    )


def reference(build: Build) -> tuple[dict[Key, dict], dict[Key, dict]]:
    """`aiue metrics` (every sum, metric, interval and the sample flag) by feature x model,
    and `aiue sql` of the call-grain metrics by model, on the DuckDB build."""
    sql = results.metrics_sql(SCHEMA, BY, None, None, dialect="duckdb")
    daily = {tuple(r[d] for d in BY): r for r in build.records(sql)}
    call_metrics = [
        m.name for m in catalogue.METRICS if catalogue.metric_grain(m) == catalogue.CALL
    ]
    call_sums = tuple(m.name for m in catalogue.MEASURES if m.grain == catalogue.CALL)
    options = sqlgen.QueryOptions(schema=SCHEMA, extra_sums=call_sums)
    calls = build.records(sqlgen.metric_query(call_metrics, CALL_BY, "duckdb", options))
    return daily, {tuple(r[d] for d in CALL_BY): r for r in calls}


def assert_equal_to_reference(
    rows: list[dict[str, Any]], expected: dict[Key, dict], dims: list[str], where: str
) -> int:
    """Every document column (aiue_<name>) = the reference's <name>, to 1e-9 relative."""
    compared = 0
    prefix = catalogue.SEMANTIC_PREFIX
    for row in rows:
        key = tuple(row[d] for d in dims)
        if key not in expected:  # a group `aiue metrics` leaves out: nothing in it
            assert not row.get(f"{prefix}intents") and not row.get(f"{prefix}billed_cost")
            continue
        want = expected[key]
        for column, value in row.items():
            if column in dims:
                continue
            name = column.lower().removeprefix(prefix)
            assert_close(want[name], value, f"{where}: {name} at {key}")
            compared += 1
    return compared


def assert_close(expected: Any, actual: Any, where: str) -> None:
    if expected is None or actual is None:
        assert expected is None and actual is None, f"{where}: {expected!r} vs {actual!r}"
    elif isinstance(expected, bool):
        assert bool(actual) == expected, where
    else:
        assert float(actual) == pytest.approx(float(expected), rel=1e-9, abs=1e-12), where


def test_osi_metrics_equal_aiue_metrics_on_duckdb(sample_build: Build) -> None:
    daily, calls = reference(sample_build)
    rows = sample_build.records(osi_query("unit_economics_daily", BY))
    assert assert_equal_to_reference(rows, daily, BY, "duckdb") > len(daily) * 40
    assert any(r["aiue_cost_per_success_ci_low"] for r in rows)
    rows = sample_build.records(osi_query("llm_calls", CALL_BY))
    assert assert_equal_to_reference(rows, calls, CALL_BY, "duckdb calls") > 0


def test_snowflake_metrics_equal_aiue_metrics(sample_build: Build) -> None:
    """Each Snowflake metric, read back by sqlglot into DuckDB SQL over the table's facts."""
    daily, calls = reference(sample_build)
    for table in snowflake()["tables"]:
        dims = BY if table["name"] == "unit_economics_daily" else CALL_BY
        base = table["base_table"]
        facts = ", ".join(f"{f['expr']} as {f['name']}" for f in table["facts"])
        metrics = ", ".join(f"{m['expr']} as {m['name']}" for m in table["metrics"])
        snowflake_sql = (
            f"select {', '.join(dims)}, {metrics} from (select {', '.join(dims)}, {facts} "
            f"from {base['database']}.{base['schema']}.{base['table']}) as {table['name']} "
            f"group by {', '.join(dims)}"
        )
        sql = sqlglot.transpile(snowflake_sql, read="snowflake", write="duckdb")[0]
        rows = sample_build.records(sql)
        expected = daily if dims == BY else calls
        assert assert_equal_to_reference(rows, expected, dims, table["name"]) > len(expected)


# --- PostgreSQL -----------------------------------------------------------------------------

PG_TYPES = {"DATE": "date", "VARCHAR": "text", "BOOLEAN": "boolean", "DOUBLE": "double precision"}


@pytest.fixture(scope="module")
def postgres(sample_build: Build) -> Iterator[Any]:
    """A PostgreSQL database `aiue` holding copies of the daily mart and the calls."""
    try:
        from tests.harness.postgres import EngineUnavailable, PostgresServer
    except ImportError:
        pytest.skip("tests/harness is not importable: the Postgres comparison needs it")
    try:
        server = PostgresServer().start()
    except EngineUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unavailable: {error.reason}")
        pytest.skip(f"PostgreSQL unavailable: {error.reason}")
    try:
        connection = server.connect()
        with connection.cursor() as cursor:
            cursor.execute(f"create schema {SCHEMA}")
        for relation in (catalogue.DAILY_RELATION, catalogue.CALL.model):
            copy_to_postgres(sample_build.db_path, connection, relation)
        connection.commit()
        yield connection
        connection.close()
    finally:
        server.stop()


def pg_type(duckdb_type: str) -> str:
    if duckdb_type in PG_TYPES:
        return PG_TYPES[duckdb_type]
    return "numeric(38, 15)" if "DECIMAL" in duckdb_type else "numeric"


def source_columns(relation: str) -> list[str]:
    """The columns of a relation the Ossie document's fields read."""
    [model] = osi()["semantic_model"]
    found = next(d for d in model["datasets"] if d["source"].endswith(f".{relation}"))
    columns: dict[str, None] = {}
    for field in found["fields"]:
        parsed = sqlglot.parse_one(osi_expression(field))
        columns.update(dict.fromkeys(c.name for c in parsed.find_all(sqlglot.exp.Column)))
    return list(columns)


def copy_to_postgres(db_path: Path, connection: Any, relation: str) -> None:
    names = source_columns(relation)
    with duckdb.connect(str(db_path), read_only=True) as source:
        kinds = dict(
            (name, kind)
            for name, kind, *_ in source.execute(f"describe {SCHEMA}.{relation}").fetchall()
        )
        rows = source.execute(f"select {', '.join(names)} from {SCHEMA}.{relation}").fetchall()
    columns = [f"{name} {pg_type(kinds[name])}" for name in names]
    with connection.cursor() as cursor:
        cursor.execute(f"create table {SCHEMA}.{relation} ({', '.join(columns)})")
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"insert into {SCHEMA}.{relation} values ({marks})", rows)


def postgres_records(connection: Any, sql: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_osi_metrics_equal_aiue_metrics_on_postgres(sample_build: Build, postgres: Any) -> None:
    daily, calls = reference(sample_build)
    rows = postgres_records(postgres, osi_query("unit_economics_daily", BY))
    assert assert_equal_to_reference(rows, daily, BY, "postgres") > len(daily) * 40
    rows = postgres_records(postgres, osi_query("llm_calls", CALL_BY))
    assert assert_equal_to_reference(rows, calls, CALL_BY, "postgres calls") > 0


def docs_recipe() -> str:
    """The re-aggregation recipe docs/metrics.md gives BI users."""
    text = (ROOT / generate.METRICS_DOC).read_text(encoding="utf-8")
    section = text[text.index("## Metric views") :]
    return section[section.index("```sql\n") + 7 : section.index("\n```", section.index("```sql"))]


def test_the_documented_recipe_is_safe_on_postgres(sample_build: Build, postgres: Any) -> None:
    """Run by day x feature x model, where some groups have no success (a 0 denominator), the
    recipe gives null there rather than PostgreSQL's `division by zero`, and `aiue metrics`
    elsewhere."""
    by = ["date_day", "feature_tag", "response_model"]
    sql = (
        docs_recipe()
        .replace("aiue__metrics_monthly", "aiue__unit_economics_daily")
        .replace("    feature_tag,\n", f"    {', '.join(by)},\n", 1)
        .replace("group by feature_tag", f"group by {', '.join(by)}")
    )
    rows = postgres_records(postgres, sql)
    expected = {
        tuple(r[d] for d in by): r
        for r in sample_build.records(results.metrics_sql(SCHEMA, by, None, None, dialect="duckdb"))
    }
    assert any(row["cost_per_success"] is None for row in rows)  # the 0 denominators
    for row in rows:
        want = expected[tuple(row[d] for d in by)]
        for column in (
            "cost_per_success",
            "cost_per_intent",
            "success_rate",
            "is_sufficient_sample",
        ):
            assert_close(want[column], row[column], f"recipe {column}")
