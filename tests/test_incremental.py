"""Appending new data to an existing database: `aiue run` on a database an earlier run built
adds the folder's rows (one more day, late labels for earlier intents, a late invoice for an
earlier day) and rebuilds; the marts then equal a full refresh of the same raw tables, and a
single run over all the data. A file loaded twice is refused, never counted twice."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ai_unit_economics.builder.pipeline import input_vars, run_pipeline
from ai_unit_economics.builder.runner import run_dbt
from ai_unit_economics.cli import main as aiue
from ai_unit_economics.engines.registry import engine
from ai_unit_economics.engines.warehouse import mart_schema, query
from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest.inputs import find_inputs
from ai_unit_economics.project import RAW_SCHEMA
from ai_unit_economics.samples.synthetic import generate
from tests.mart_comparison import MARTS, differences, keyed
from tests.test_engines import environment, spark_cli, spark_dump

pytestmark = [pytest.mark.dbt, pytest.mark.postgres]

# Where a row was read from: the one thing that differs between loading a day's file and
# loading all the data in one file.
SOURCE_COLUMNS = {"source_file", "source_row_number"}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def split_by_day(data: Path, first: Path, second: Path) -> dict[str, object]:
    """first: every day but the last; second: the last day's spans and invoice rows, the
    labels of that day's intents, every third label of earlier intents (late labels), and
    the whole invoice of the day three days back (a late invoice)."""
    span_header, spans = _read(data / "genai_spans.csv")
    last_day = max(row["start_time"][:10] for row in spans)
    new_spans = [row for row in spans if row["start_time"][:10] == last_day]
    _write(first / "genai_spans.csv", span_header, [r for r in spans if r not in new_spans])
    _write(second / "genai_spans.csv", span_header, new_spans)

    first_day = {}
    for row in sorted(spans, key=lambda r: r["start_time"]):
        first_day.setdefault(row["intent_id"], row["start_time"][:10])
    label_header, labels = _read(data / "outcomes.csv")
    old_labels = [row for row in labels if first_day.get(row["intent_id"]) != last_day]
    late_labels = old_labels[::3]
    late = [row for row in labels if row in late_labels or row not in old_labels]
    _write(first / "outcomes.csv", label_header, [r for r in labels if r not in late])
    _write(second / "outcomes.csv", label_header, late)

    focus_header, charges = _read(data / "focus_costs.csv")
    days = sorted({row["ChargePeriodStart"][:10] for row in charges if row["ChargePeriodStart"]})
    late_day = days[days.index(last_day) - 3]
    new_charges = [
        row
        for row in charges
        if row["ChargePeriodStart"][:10] >= last_day or row["ChargePeriodStart"][:10] == late_day
    ]
    _write(first / "focus_costs.csv", focus_header, [r for r in charges if r not in new_charges])
    _write(second / "focus_costs.csv", focus_header, new_charges)
    return {"last_day": last_day, "late_labels": len(late_labels), "late_day": late_day}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("incremental")
    generate(root / "all", n_intents=200, seed=11, billing=True)
    split = split_by_day(root / "all", root / "day1", root / "day2")
    appended = root / "appended" / "aiue.duckdb"
    run_pipeline(root / "day1", appended)
    run_pipeline(root / "day2", appended)
    refreshed = root / "refreshed" / "aiue.duckdb"
    refreshed.parent.mkdir()
    shutil.copy(appended, refreshed)
    run_dbt(
        "build",
        db_path=refreshed,
        variables=input_vars(find_inputs(root / "day2")),
        extra_args=["--full-refresh"],
    )
    single = root / "single" / "aiue.duckdb"
    run_pipeline(root / "all", single)
    return {"root": root, "appended": appended, "refreshed": refreshed, "single": single, **split}


def marts(db_path: Path) -> dict[str, dict]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        tables = {}
        for mart, key in MARTS.items():
            cursor = connection.execute(f"select * from main_aiue.{mart}")
            columns = [column[0] for column in cursor.description]
            tables[mart] = keyed((columns, cursor.fetchall()), key)
        return tables


def without_source(table: dict) -> dict:
    return {
        key: {column: value for column, value in row.items() if column not in SOURCE_COLUMNS}
        for key, row in table.items()
    }


def test_the_split_has_late_labels_and_a_late_invoice(builds: dict[str, object]) -> None:
    root = builds["root"]
    assert builds["late_labels"] > 10
    _, late_charges = _read(root / "day2" / "focus_costs.csv")
    assert any(row["ChargePeriodStart"][:10] == builds["late_day"] for row in late_charges)
    with duckdb.connect(str(builds["appended"]), read_only=True) as connection:
        files = connection.execute(
            f"select count(distinct _aiue_source_file) from {RAW_SCHEMA}.genai_spans"
        ).fetchall()[0][0]
    assert files == 2


def test_appended_marts_equal_a_full_refresh_row_by_row(builds: dict[str, object]) -> None:
    appended, refreshed = marts(builds["appended"]), marts(builds["refreshed"])
    for mart in MARTS:
        assert appended[mart], mart
        assert differences(refreshed[mart], appended[mart]) == [], mart


def test_appending_day_by_day_equals_one_run_over_all_the_data(builds: dict[str, object]) -> None:
    appended, single = marts(builds["appended"]), marts(builds["single"])
    for mart in MARTS:
        strip = [
            {
                key: {c: v for c, v in row.items() if c not in SOURCE_COLUMNS}
                for key, row in t.items()
            }
            for t in (single[mart], appended[mart])
        ]
        assert differences(strip[0], strip[1]) == [], mart
    _, all_spans = _read(builds["root"] / "all" / "genai_spans.csv")
    with duckdb.connect(str(builds["appended"]), read_only=True) as connection:
        spans_out = connection.execute(
            "select (select count(*) from main_aiue.aiue__llm_calls)"
            " + (select count(*) from main_aiue.aiue__rejected_spans)"
        ).fetchall()[0][0]
    assert spans_out == len(all_spans)


def test_a_file_loaded_again_is_refused_and_nothing_changes(builds: dict[str, object]) -> None:
    db_path = builds["root"] / "again" / "aiue.duckdb"
    db_path.parent.mkdir()
    shutil.copy(builds["appended"], db_path)
    before = marts(db_path)["aiue__unit_economics_daily"]
    with pytest.raises(UserError) as refused:
        run_pipeline(builds["root"] / "day2", db_path)
    message = str(refused.value)
    assert str(builds["root"] / "day2" / "genai_spans.csv") in message
    assert "--full-refresh" in message
    assert differences(before, marts(db_path)["aiue__unit_economics_daily"]) == []


def test_full_refresh_rebuilds_from_the_folder_alone(builds: dict[str, object]) -> None:
    db_path = builds["root"] / "rebuilt" / "aiue.duckdb"
    db_path.parent.mkdir()
    shutil.copy(builds["appended"], db_path)
    run_pipeline(builds["root"] / "day2", db_path, full_refresh=True)
    _, day2_spans = _read(builds["root"] / "day2" / "genai_spans.csv")
    with duckdb.connect(str(db_path), read_only=True) as connection:
        raw, days = connection.execute(
            f"select (select count(*) from {RAW_SCHEMA}.genai_spans),"
            " (select count(distinct call_date) from main_aiue.aiue__llm_calls)"
        ).fetchall()[0]
    assert raw == len(day2_spans)
    assert days <= 2  # the last day, and calls of its intents that ran past midnight


def test_postgres_append_equals_a_full_refresh(
    postgres_server: Any, builds: dict[str, object]
) -> None:
    """`aiue run --target postgres` on a build an earlier run made appends the folder (the
    staged build starts from copies of the published raw tables and of
    int_aiue__spans_validated, which recomputes only the touched days), refuses a file
    loaded again, and rebuilds from the raw tables with no --input; every mart then equals a
    --full-refresh build of the same raw tables, and DuckDB's appended build row by row."""
    root = builds["root"]
    work = root / "postgres"
    work.mkdir()
    db = ["--db", str(work / "unused.duckdb")]
    dbt = {"target": "postgres", "work_dir": work / ".aiue" / "dbt"}
    with environment(postgres_server.env()):
        run = ["run", "--target", "postgres", *db]
        assert aiue([*run, "--full-refresh", "--input", str(root / "day1")]) == 0
        assert aiue([*run, "--input", str(root / "day2")]) == 0
        raw = engine("postgres").raw_schema()
        _, files = query(
            "postgres", f"select count(distinct _aiue_source_file) from {raw}.genai_spans"
        )
        assert files == [(2,)]
        results = engine("postgres").work_dir(work / "unused.duckdb") / "target"
        validated = _node_message(results, "int_aiue__spans_validated")
        assert validated.startswith("INSERT"), validated  # an incremental insert, not a create
        schema = mart_schema("postgres")
        appended = {
            mart: keyed(query("postgres", f"select * from {schema}.{mart}"), key)
            for mart, key in MARTS.items()
        }
        with pytest.raises(UserError, match="already loaded"):
            run_pipeline(root / "day2", work / "unused.duckdb", "postgres")
        assert aiue(run) == 0  # no --input: rebuilt from the raw tables the build holds
        rebuilt = {
            mart: keyed(query("postgres", f"select * from {schema}.{mart}"), key)
            for mart, key in MARTS.items()
        }
        run_dbt(
            "build",
            variables=input_vars(find_inputs(root / "day2")),
            extra_args=["--full-refresh"],
            **dbt,
        )
        refreshed = {
            mart: keyed(query("postgres", f"select * from {schema}.{mart}"), key)
            for mart, key in MARTS.items()
        }
    duckdb_marts = marts(builds["appended"])
    for mart in MARTS:
        assert appended[mart], mart
        assert differences(refreshed[mart], appended[mart]) == [], mart
        assert differences(appended[mart], rebuilt[mart]) == [], mart
        assert differences(duckdb_marts[mart], appended[mart]) == [], mart


def _node_message(target: Path, model: str) -> str:
    results = json.loads((target / "run_results.json").read_text())["results"]
    [message] = [r["message"] for r in results if r["unique_id"].endswith(f".{model}")]
    return str(message)


@pytest.mark.spark
def test_spark_append_equals_duckdbs(
    spark_engine: dict[str, str], builds: dict[str, object]
) -> None:
    """`aiue run --target spark` on a build an earlier run made appends the folder (the new
    generation's raw tables are the published rows plus the files'), refuses a file it
    already holds, and its marts then equal DuckDB's appended build row by row. Each run is a
    child process: one Spark session per process, as a user runs it."""
    root = builds["root"]
    work = root / "spark"
    work.mkdir()
    spark_cli(["run", "--full-refresh", "--input", str(root / "day1")], work, spark_engine, "day1")
    spark_cli(["run", "--input", str(root / "day2")], work, spark_engine, "day2 appended")
    cli = [sys.executable, "-m", "ai_unit_economics.cli", "run", "--input", str(root / "day2")]
    again = subprocess.run(
        [*cli, "--target", "spark", "--db", str(work / "aiue.duckdb")],
        cwd=work,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")},
            **spark_engine,
        },
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert again.returncode == 2, again.stderr[-2000:]
    assert "already loaded" in again.stderr
    dumped = spark_dump(work, spark_engine)
    spans = dumped["raw"]["genai_spans"]
    files = {row[spans[0].index("_aiue_source_file")] for row in spans[1]}
    assert len(files) == 2
    duckdb_marts = marts(builds["appended"])
    for mart, key in MARTS.items():
        spark_mart = keyed(dumped["marts"][mart], key)
        assert spark_mart, mart
        assert differences(duckdb_marts[mart], spark_mart) == [], mart
