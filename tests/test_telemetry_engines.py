"""Telemetry as warehouse tables, on every engine: the same marts row by row.

One dataset holds every span layout at once: the Collector's otel_traces table (the real
openai-v2 and OpenLLMetry spans, with their events), LiteLLM spend logs, Langfuse observations
and scores, and a flat table of every real-value shape (tests/fixtures/telemetry). `aiue run
--target <engine>` loads them as that engine's warehouse tables (MAP columns on DuckDB and
Spark, jsonb on Postgres) and builds with var aiue_spans_layout naming all four layouts: one
build per engine. The marts, the span-source summary and the events model are compared with
DuckDB's row by row (helpers of tests/test_engines.py); the real-value shapes are checked
against the values derived by hand in the fixture README.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.engines.warehouse import mart_schema, query

from .harness.unit_tests import conditional_unit_tests, not_passed
from .mart_comparison import differences, keyed
from .test_engines import data_test_results, environment, spark_cli, spark_dump, unit_test_results

pytestmark = [pytest.mark.dbt, pytest.mark.spark]

ROOT = Path(__file__).resolve().parents[1]
TELEMETRY = ROOT / "tests" / "fixtures" / "telemetry"

# Each compared model and the columns that identify a row.
COMPARED: dict[str, tuple[str, ...]] = {
    "aiue__llm_calls": ("trace_id", "span_id"),
    "aiue__intents": ("intent_id",),
    "aiue__unit_economics_daily": ("unit_economics_daily_id",),
    "aiue__span_sources": ("source_layout",),
    "aiue__rejected_spans": ("source_file", "source_row_number"),
    "int_aiue__span_events_parsed": (
        "source_file", "source_row_number", "event_index", "attribute_key",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def telemetry_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = (tmp_path_factory.mktemp("telemetry_engines") / "data").resolve()
    data.mkdir()
    for folder, name in [
        ("otel_traces_parquet", "otel_traces.parquet"),
        ("litellm", "litellm_spend_logs.csv"),
        ("langfuse", "langfuse_observations.jsonl"),
        ("langfuse", "langfuse_scores.jsonl"),
        ("real_values", "genai_spans.csv"),
    ]:
        shutil.copy(TELEMETRY / folder / name, data / name)
    (data / "seeds").mkdir()
    shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    return data


@dataclass
class TelemetryBuild:
    target: str
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    test_results: dict[str, str]
    unit_test_results: dict[str, str] | None = None


def dump(target: str, db_path: Path | None = None) -> dict[str, Any]:
    schema = mart_schema(target)
    return {
        name: query(target, f"select * from {model_schema(schema, name)}.{name}", db_path)
        for name in COMPARED
    }


def model_schema(marts: str, name: str) -> str:
    """Staging and intermediate models are built beside the marts, in their own schemas."""
    layer = {"stg": "_staging", "int": "_intermediate"}.get(name.split("_", 1)[0], "")
    return marts + layer


# Run by the Spark child process that reads the build back: argv = repo root, target, out file.
DUMP_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from tests.test_telemetry_engines import dump
with open(sys.argv[3], "wb") as handle:
    pickle.dump(dump(sys.argv[2]), handle)
"""


def build_in_process(
    target: str, data: Path, work: Path, env: dict[str, str], unit_tests: bool = False
) -> TelemetryBuild:
    db_path = work / "aiue.duckdb"
    run = ["run", "--full-refresh", "--input", str(data), "--target", target, "--db", str(db_path)]
    with environment(env):
        started = time.monotonic()
        assert aiue([*run, *(["--unit-tests"] if unit_tests else [])]) == 0
        print(f"\n{target} telemetry build: {time.monotonic() - started:.1f} s")
        tables = dump(target, db_path if target == "duckdb" else None)
    units = unit_test_results(work) if unit_tests else None
    return TelemetryBuild(target, tables, data_test_results(work), units)


@pytest.fixture(scope="module")
def duckdb_telemetry(
    telemetry_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> TelemetryBuild:
    work = tmp_path_factory.mktemp("duckdb")
    return build_in_process("duckdb", telemetry_input, work, {}, unit_tests=True)


@pytest.fixture(scope="module")
def postgres_telemetry(
    postgres_server: Any, telemetry_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> TelemetryBuild:
    work = tmp_path_factory.mktemp("postgres")
    return build_in_process("postgres", telemetry_input, work, postgres_server.env())


@pytest.fixture(scope="module")
def spark_telemetry(
    spark_engine: dict[str, str], telemetry_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> TelemetryBuild:
    """Built in one child process and read back in another, as tests/test_engines.py does."""
    work = tmp_path_factory.mktemp("spark")
    run = ["run", "--full-refresh", "--input", str(telemetry_input)]
    spark_cli(run, work, spark_engine, "spark telemetry run")
    tables = spark_dump(work, spark_engine, DUMP_SCRIPT)
    return TelemetryBuild("spark", tables, data_test_results(work))


def engine_build(request: pytest.FixtureRequest, engine: str) -> TelemetryBuild:
    return request.getfixturevalue(f"{engine}_telemetry")


@pytest.mark.parametrize("engine", ["postgres", "spark"])
@pytest.mark.parametrize("model", list(COMPARED))
def test_every_layout_gives_the_same_rows_on_every_engine(
    request: pytest.FixtureRequest, duckdb_telemetry: TelemetryBuild, engine: str, model: str
) -> None:
    other = engine_build(request, engine)
    expected_columns, expected_rows = duckdb_telemetry.tables[model]
    actual_columns, actual_rows = other.tables[model]
    assert actual_columns == expected_columns
    assert len(actual_rows) == len(expected_rows) > 0
    problems = differences(
        keyed(duckdb_telemetry.tables[model], COMPARED[model]),
        keyed(other.tables[model], COMPARED[model]),
    )
    assert not problems, f"{engine} {model}: {len(problems)} differences, e.g.\n" + "\n".join(
        problems[:20]
    )


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_every_data_test_passes_with_every_layout(
    request: pytest.FixtureRequest, engine: str
) -> None:
    results = engine_build(request, engine).test_results
    assert results.get("assert_span_sources_usable") == "pass"
    assert results.get("assert_spans_conserved") == "pass"
    assert not_passed(results) == {}


def rows(build: TelemetryBuild, model: str) -> list[dict[str, Any]]:
    return list(keyed(build.tables[model], COMPARED[model]).values())


def test_every_layout_yields_calls(duckdb_telemetry: TelemetryBuild) -> None:
    sources = {row["source_layout"]: row for row in rows(duckdb_telemetry, "aiue__span_sources")}
    assert set(sources) == {"flat", "otel_traces", "litellm", "langfuse"}
    # Counted from the fixture files: 78 real spans, all calls; 7 spend-log rows, one image
    # generation; 8 Langfuse observations: a span, an event and an agent are not calls.
    assert {name: (row["span_rows"], row["call_rows"]) for name, row in sources.items()} == {
        "flat": (8, 8),
        "otel_traces": (78, 78),
        "litellm": (7, 6),
        "langfuse": (8, 5),
    }
    assert all(row["invalid_rows"] == 0 and row["is_usable"] for row in sources.values())


# Hand-derived in tests/fixtures/telemetry/README.md ("Expected values of real_values").
REAL_VALUES = {
    "ns-epoch": (datetime(2026, 9, 21, 14, 13, 20, 123456), "OK", Decimal("0.000009")),
    "nine-digits-z": (datetime(2026, 9, 21, 14, 13, 20, 123456), "ERROR", Decimal("0.000012")),
    "offset-seven": (datetime(2026, 9, 21, 14, 13, 20, 123456), "OK", Decimal("0.3")),
    "offset-compact": (datetime(2026, 9, 21, 14, 13, 20, 500000), "OK", None),
    "space": (datetime(2026, 9, 21, 14, 13, 20, 500000), "ERROR", None),
    "micros-epoch": (datetime(2026, 9, 21, 14, 13, 20, 123456), "UNSET", None),
    "millis-epoch": (datetime(2026, 9, 21, 14, 13, 20, 123000), "ERROR", None),
    "seconds-epoch": (datetime(2026, 9, 21, 14, 13, 20), "UNSET", None),
}


def test_real_values_parse(duckdb_telemetry: TelemetryBuild) -> None:
    """Every real-value shape of the fixture parses (and, by the row-by-row comparison above,
    the same on Postgres and Spark)."""
    calls = {
        row["span_id"]: row
        for row in rows(duckdb_telemetry, "aiue__llm_calls")
        if row["trace_id"] == "rv"
    }
    assert {
        span: (row["started_at"], row["status_code"], row["reported_cost"])
        for span, row in calls.items()
    } == REAL_VALUES
    assert calls["ns-epoch"]["ended_at"] == datetime(2026, 9, 21, 14, 13, 21, 987654)
    assert (calls["ns-epoch"]["input_tokens"], calls["ns-epoch"]["output_tokens"]) == (12, 3)
    assert sum(row["tokens"] for row in calls.values()) == 785


def test_the_unit_tests_of_a_build_of_every_layout_pass(duckdb_telemetry: TelemetryBuild) -> None:
    """The unit tests enabled only in a build of every span layout (their inputs are every
    layout's model) run here, and pass, beside the others."""
    results = duckdb_telemetry.unit_test_results or {}
    conditional = conditional_unit_tests()
    assert conditional, "a unit test needs every layout"
    assert {name for name in results if name in conditional} == {
        name for name in conditional if "every_layout" in name
    }
    assert {name for name, status in results.items() if status != "pass"} == set()
