"""The catalogue's outputs agree on the built sample: MetricFlow (`mf query`), the
aiue__unit_economics_daily mart (and its interval columns), the metric views `dbt build` creates
beside it, and the `aiue sql` SQL on DuckDB and PostgreSQL. Counts must be equal; money and
ratios within 1e-9 relative.

MetricFlow reads `<project>/target/semantic_manifest.json`, so each test works on a copy of the
project parsed against the sample DuckDB file (its relations are named after that file).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.metrics import catalogue, generate, sqlgen, stats

from .conftest import Build

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCHEMA = "main_aiue"
ISSUE_METRICS = ["cost_per_success", "cost_per_intent", "cost_per_million_tokens", "success_rate"]
COUNT_UNITS = {"count", "tokens"}
Key = tuple[Any, ...]


# --- helpers --------------------------------------------------------------------------------


def copy_project(dest: Path, with_python: bool = False) -> Path:
    """The dbt project (and optionally the Python package) without build artefacts."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "target", "logs", "*.duckdb")
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(ROOT / name, dest / name)
    folders = ["models", "macros", "seeds", "tests/data", "docs", "semantic"]
    folders += ["python"] if with_python else []
    for folder in folders:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


def db_copy(build: Build, folder: Path) -> Path:
    """A private copy of a build's DuckDB file, for other processes: this one keeps the
    original open (dbt-duckdb holds its connection). Same file name, so relations stay
    "aiue"."main_aiue".*, as the parsed semantic manifest names them."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        original = build.db_path.with_name(build.db_path.name + suffix)
        if original.exists():
            shutil.copy(original, folder / original.name)
    return folder / build.db_path.name


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def dbt_env(db_path: Path) -> dict[str, str]:
    return {
        "AIUE_TARGET": "duckdb",
        "AIUE_DUCKDB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt(project: Path, db_path: Path, *args: str) -> str:
    return run([str(BIN / "dbt"), *args, "--profiles-dir", "."], project, dbt_env(db_path))


def mf_query(
    project: Path, db_path: Path, metrics: Iterable[str], group_by: list[str]
) -> list[dict]:
    """MetricFlow's answer for catalogue metrics; columns under their catalogue names."""
    out = project / "mf_result.csv"
    semantic_names = [catalogue.semantic_name(name) for name in metrics]
    run(
        [str(BIN / "mf"), "query", "--metrics", ",".join(semantic_names),
         "--group-by", ",".join(group_by), "--csv", str(out)],
        project,
        dbt_env(db_path),
    )  # fmt: skip
    prefix = catalogue.SEMANTIC_PREFIX
    with out.open(newline="") as handle:
        return [
            {(k if "__" in k else k.removeprefix(prefix)): v for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def mf_rows(rows: list[dict], dimensions: list[tuple[str, str]]) -> dict[Key, dict]:
    """mf CSV rows keyed by our dimension names; '' is null, metric_time is a date."""
    keyed = {}
    for row in rows:
        key = []
        for mf_name, _ in dimensions:
            value = row.pop(mf_name)
            if mf_name.startswith("metric_time"):
                value = date.fromisoformat(value[:10])
            key.append(value if value != "" else None)
        keyed[tuple(key)] = {name: (None if v == "" else float(v)) for name, v in row.items()}
    return keyed


def records(db_path: Path, sql: str, setup: str = "") -> list[dict]:
    with duckdb.connect(str(db_path)) as connection:
        if setup:
            connection.execute(setup)
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by_key(rows: list[dict], dims: list[str]) -> dict[Key, dict]:
    return {tuple(row[d] for d in dims): row for row in rows}


def unit_of(name: str) -> str:
    if name in {m.name for m in catalogue.MEASURES}:
        return catalogue.measure(name).unit
    if name in {m.name for m in catalogue.METRICS}:
        return catalogue.metric(name).unit
    return "interval"


def assert_same(expected: Any, actual: Any, column: str, key: Key) -> None:
    where = f"{column} at {key}"
    if expected is None or actual is None:
        assert expected is None and actual is None, f"{where}: {expected!r} vs {actual!r}"
    elif isinstance(expected, bool) or isinstance(actual, bool):
        assert bool(expected) == bool(actual), where
    elif unit_of(column) in COUNT_UNITS:
        assert Decimal(str(expected)) == Decimal(str(actual)), f"{where}: {expected} vs {actual}"
    else:
        assert float(actual) == pytest.approx(float(expected), rel=1e-9, abs=1e-12), where


def assert_tables_equal(
    expected: dict[Key, dict], actual: dict[Key, dict], columns: Iterable[str]
) -> int:
    assert set(actual) == set(expected)
    compared = 0
    for key, row in expected.items():
        for column in columns:
            assert_same(row[column], actual[key][column], column, key)
            compared += 1
    return compared


def semantic_measures(grain: catalogue.Grain) -> tuple[str, ...]:
    return tuple(m.name for m in catalogue.MEASURES if m.grain == grain and m.semantic)


def semantic_metrics(grain: catalogue.Grain) -> list[str]:
    return [
        m.name
        for m in catalogue.METRICS
        if catalogue.metric_grain(m) == grain and catalogue.is_semantic(m)
    ]


def with_intents(table: dict[Key, dict]) -> dict[Key, dict]:
    """MetricFlow's groups: the daily mart also has rows of billing that reached no intent."""
    return {key: row for key, row in table.items() if row["intents"]}


# --- fixtures -------------------------------------------------------------------------------


@dataclass
class SemanticProject:
    project: Path
    db_path: Path  # a private copy of the sample build


@pytest.fixture(scope="module")
def semantic(sample_build: Build, tmp_path_factory: pytest.TempPathFactory) -> SemanticProject:
    """A copy of the project whose semantic manifest points at a copy of the sample build."""
    root = tmp_path_factory.mktemp("semantic")
    project = copy_project(root / "project")
    db_path = db_copy(sample_build, root / "db")
    dbt(project, db_path, "parse")
    assert (project / "target" / "semantic_manifest.json").is_file()
    return SemanticProject(project, db_path)


@pytest.fixture(scope="module")
def daily(sample_build: Build) -> list[dict]:
    return sample_build.records(f"select * from {SCHEMA}.aiue__unit_economics_daily")


# --- MetricFlow -----------------------------------------------------------------------------


def test_mf_validate_configs_passes(semantic: SemanticProject) -> None:
    out = run([str(BIN / "mf"), "validate-configs"], semantic.project, dbt_env(semantic.db_path))
    assert "ERRORS: 0" in out and "Successfully validated metrics against data warehouse" in out


def test_mf_query_equals_the_daily_mart(semantic: SemanticProject, daily: list[dict]) -> None:
    """At the mart's own grain, every metric column of aiue__unit_economics_daily = MetricFlow's."""
    dims = list(catalogue.DIMENSIONS)
    group_by = ["metric_time__day", *(f"{catalogue.INTENT.entity}__{d}" for d in dims[1:])]
    semantic_sums = [name for name in catalogue.SUMS if catalogue.measure(name).semantic]
    daily_metrics = [m.name for m in catalogue.DAILY_METRICS if catalogue.is_semantic(m)]
    names = daily_metrics + semantic_sums
    mf = mf_rows(mf_query(semantic.project, semantic.db_path, names, group_by),
                 list(zip(group_by, dims, strict=True)))  # fmt: skip
    expected = with_intents(by_key(daily, dims))
    assert assert_tables_equal(expected, mf, names) == len(expected) * len(names)


def test_mf_query_equals_generated_sql_on_duckdb_and_postgres(
    semantic: SemanticProject, sample_build: Build, daily: list[dict], postgres_daily: Any
) -> None:
    """The issue's query by day and feature: MetricFlow = `aiue sql` on DuckDB and Postgres =
    the daily sums re-aggregated in Python, for every intent-grain metric."""
    measures = semantic_measures(catalogue.INTENT)
    metric_names = semantic_metrics(catalogue.INTENT)
    names = [*measures, *metric_names]
    group_by = ["metric_time__day", f"{catalogue.INTENT.entity}__feature_tag"]
    dims = ["date_day", "feature_tag"]
    mf = mf_rows(mf_query(semantic.project, semantic.db_path, names, group_by),
                 list(zip(group_by, dims, strict=True)))  # fmt: skip
    options = sqlgen.QueryOptions(schema=SCHEMA, extra_sums=measures)
    duck_sql = sqlgen.metric_query(metric_names, dims, "duckdb", options)
    duck = with_intents(by_key(records(semantic.db_path, duck_sql), dims))
    assert assert_tables_equal(duck, mf, names) > 0
    ratios = [ratio.name for ratio in catalogue.RATIOS]
    python = with_intents(reaggregate_in_python(daily, dims))
    assert assert_tables_equal(duck, python, ratios) > 0
    assert set(ISSUE_METRICS) <= set(names) and len(mf) > 100
    if postgres_daily is not None:
        pg_sql = sqlgen.metric_query(metric_names, dims, "postgres", options)
        postgres = with_intents(by_key(postgres_daily(pg_sql), dims))
        assert assert_tables_equal(duck, postgres, names) > 0


def reaggregate_in_python(daily: list[dict], dims: list[str]) -> dict[Key, dict]:
    sums: dict[Key, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for row in daily:
        group = sums[tuple(row[d] for d in dims)]
        for column in catalogue.SUMS:
            group[column] += row[column]
    result = {}
    for key, group in sums.items():
        result[key] = {
            ratio.name: catalogue.ratio_value(
                group[ratio.numerator], group[ratio.denominator], ratio.scale
            )  # fmt: skip
            for ratio in catalogue.RATIOS
        }
        result[key]["intents"] = group["intents"]
    return result


def test_call_grain_cpt_equals_generated_sql(semantic: SemanticProject) -> None:
    """Exact per-call CPT by the model that answered: MetricFlow = the generated SQL."""
    call_metrics = semantic_metrics(catalogue.CALL)
    call_measures = semantic_measures(catalogue.CALL)
    names = [*call_measures, *call_metrics]
    group_by = ["metric_time__day", f"{catalogue.CALL.entity}__response_model"]
    dims = ["date_day", "response_model"]
    mf = mf_rows(mf_query(semantic.project, semantic.db_path, names, group_by),
                 list(zip(group_by, dims, strict=True)))  # fmt: skip
    options = sqlgen.QueryOptions(schema=SCHEMA, extra_sums=call_measures)
    sql = sqlgen.metric_query(call_metrics, dims, "duckdb", options)
    assert assert_tables_equal(by_key(records(semantic.db_path, sql), dims), mf, names) > 0


# --- metric views and intervals -------------------------------------------------------------


def test_metric_views_are_built_beside_the_marts(sample_build: Build) -> None:
    """`dbt build` created every metric view in the marts' schema, where a BI tool finds it."""
    views = sample_build.query(
        f"select table_name, table_type from information_schema.tables "
        f"where table_schema = '{SCHEMA}' and table_name like 'aiue\\_\\_metric\\_%' escape '\\'"
    )
    names = [sqlgen.view_model_name(item) for item in catalogue.METRICS]
    names.append(generate.SETTINGS_VIEW)  # aiue__metric_settings: the build's vars
    assert sorted(views) == sorted((name, "VIEW") for name in names)
    grains = sample_build.query(
        f"select table_name from information_schema.tables where table_schema = '{SCHEMA}' "
        f"and table_name in ('{generate.MONTH_VIEW}', '{generate.ALL_TIME_VIEW}')"
    )
    assert len(grains) == 2


def test_metric_views_equal_the_mart(sample_build: Build, daily: list[dict]) -> None:
    """Each intent-grain view, row by row, equals the metric and interval columns of
    aiue__unit_economics_daily; each call-grain view equals `aiue sql` on aiue__llm_calls."""
    dims = list(catalogue.DIMENSIONS)
    expected = by_key(daily, dims)
    for item in catalogue.DAILY_METRICS:
        rows = sample_build.records(f"select * from {SCHEMA}.{sqlgen.view_model_name(item)}")
        columns = [item.name, catalogue.SUFFICIENT_SAMPLE_COLUMN]
        columns += list(catalogue.interval_columns(item)) if item.interval else []
        columns += list(sqlgen.needed_measures([item]))
        assert assert_tables_equal(expected, by_key(rows, dims), columns) > 0
    for item in catalogue.METRICS:
        if catalogue.metric_grain(item) != catalogue.CALL:
            continue
        call_dims = list(catalogue.dimensions_for(catalogue.CALL))
        rows = sample_build.records(f"select * from {SCHEMA}.{sqlgen.view_model_name(item)}")
        sql = sqlgen.metric_query(
            [item.name], call_dims, "duckdb", sqlgen.QueryOptions(schema=SCHEMA)
        )
        expected_calls = by_key(sample_build.records(sql), call_dims)
        assert assert_tables_equal(expected_calls, by_key(rows, call_dims), [item.name]) > 0


def test_metric_views_re_aggregate_to_aiue_metrics(
    sample_build: Build, capsys: pytest.CaptureFixture
) -> None:
    """Sum a view's sums by feature and apply the formula again (what a BI tool does): the
    result is `aiue metrics --by feature_tag`, never an average of the daily ratios."""
    assert aiue(["metrics", "--db", str(sample_build.db_path), "--by", "feature_tag",
                 "--format", "json"]) == 0  # fmt: skip
    reported = {row["feature_tag"]: row for row in json.loads(capsys.readouterr().out)}
    view = sqlgen.view_model_name(catalogue.metric("cost_per_success"))
    regrouped = sample_build.query(
        f"select feature_tag, sum(labeled_total_cost) / sum(successful_intents), "
        f"avg(cost_per_success) from {SCHEMA}.{view} group by feature_tag"
    )
    assert len(regrouped) == len(reported) > 1
    for feature, cps, averaged in regrouped:
        assert float(cps) == pytest.approx(reported[feature]["cost_per_success"], rel=1e-9)
        assert averaged != pytest.approx(float(cps), rel=1e-6)  # averaging ratios is wrong


def test_sql_intervals_equal_python(daily: list[dict]) -> None:
    """The interval columns dbt computes (macros/statistics.sql) = stats.py on the same sums."""
    checked = 0
    for row in daily:
        key = (row["date_day"], row["feature_tag"])
        expected = {
            "success_rate": stats.wilson_interval(
                row["successful_intents"], row["labeled_intents"]
            ),
            "cost_per_intent": stats.mean_interval(
                row["intents"], row["total_cost"], row["total_cost_squared"]
            ),
            "cost_per_success": stats.ratio_interval(
                row["labeled_intents"], row["labeled_total_cost"],
                row["labeled_total_cost_squared"], row["successful_intents"],
                row["successful_intents"], row["successful_total_cost"],
            ),
        }  # fmt: skip
        for name, interval in expected.items():
            low, high = catalogue.interval_columns(catalogue.metric(name))
            assert_same(interval.low, row[low], low, key)
            assert_same(interval.high, row[high], high, key)
            checked += interval.low is not None
        assert row["is_sufficient_sample"] == stats.is_sufficient_sample(row["labeled_intents"])
    assert checked > len(daily)  # most groups have at least two intents


def test_metrics_json_keeps_its_keys_and_intervals_are_opt_in(
    sample_build: Build, capsys: pytest.CaptureFixture
) -> None:
    base = ["metrics", "--db", str(sample_build.db_path), "--by", "feature_tag", "--format", "json"]
    assert aiue(base) == 0
    plain = json.loads(capsys.readouterr().out)
    assert list(plain[0]) == ["feature_tag", *catalogue.METRIC_COLUMNS]
    assert aiue([*base, "--intervals"]) == 0
    with_ci = {row["feature_tag"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(catalogue.INTERVAL_COLUMNS) <= set(next(iter(with_ci.values())))
    for row in plain:
        pooled = with_ci[row["feature_tag"]]
        low, high = pooled["cost_per_success_ci_low"], pooled["cost_per_success_ci_high"]
        assert low is None or low <= row["cost_per_success"] <= high
    assert aiue([*base[:-2], "--intervals"]) == 0
    table = capsys.readouterr().out
    assert "cost/success 95% CI" in table and "success 95% CI" in table


# --- PostgreSQL -----------------------------------------------------------------------------

PG_TYPES = {"DATE": "date", "VARCHAR": "text", "BOOLEAN": "boolean", "DOUBLE": "double precision"}


@pytest.fixture(scope="module")
def postgres_daily(sample_build: Build) -> Any:
    """Runs SQL on a PostgreSQL copy of aiue__unit_economics_daily; None (skipped) without one."""
    try:
        from tests.harness.postgres import EngineUnavailable, PostgresServer
    except ImportError:
        pytest.skip("tests/harness is not importable: the Postgres comparison needs it")
    try:
        server = PostgresServer().start()
    except EngineUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unavailable: {error.reason}")
        yield None
        return
    try:
        load_daily_into_postgres(server, sample_build)

        def query(sql: str) -> list[dict]:
            connection = server.connect()
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    names = [column[0] for column in cursor.description]
                    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            finally:
                connection.close()

        yield query
    finally:
        server.stop()


def load_daily_into_postgres(server: Any, sample_build: Build) -> None:
    with duckdb.connect(str(sample_build.db_path)) as source:
        described = source.execute(f"describe {SCHEMA}.aiue__unit_economics_daily").fetchall()
        rows = source.execute(f"select * from {SCHEMA}.aiue__unit_economics_daily").fetchall()
    columns = [
        f"{name} {PG_TYPES.get(kind, 'numeric(38, 15)' if 'DECIMAL' in kind else 'numeric')}"
        for name, kind, *_ in described
    ]
    connection = server.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"create schema {SCHEMA}")
            cursor.execute(
                f"create table {SCHEMA}.aiue__unit_economics_daily ({', '.join(columns)})"
            )
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"insert into {SCHEMA}.aiue__unit_economics_daily values ({marks})", rows
            )
        connection.commit()
    finally:
        connection.close()


# --- the catalogue drives everything --------------------------------------------------------

THROWAWAY = """
    Metric(
        "tool_cost_per_intent",
        "Tool cost per intent",
        "Throwaway metric added by a test: tool cost / intents.",
        unit="money",
        fmt=",.4f",
        numerator="tool_cost",
        denominator="intents",
    ),
    Metric(
        "failed_calls_per_intent",
        "Failed calls per intent",
        "Throwaway metric on a fact column the daily mart does not have.",
        unit="ratio",
        fmt=".3f",
        numerator="failed_calls",
        denominator="intents",
    ),"""

THROWAWAY_MEASURE = """
    Measure(
        "failed_calls", "Failed calls", "Calls with status ERROR.", "failed_calls", daily=False
    ),"""


def test_adding_a_metric_needs_only_the_catalogue(sample_build: Build, tmp_path: Path) -> None:
    """Add two metrics (one on a new fact column) to a copy of catalogue.py, run `aiue
    generate`, and the YAML, the daily macro and the SQL all work with no hand edit."""
    project = copy_project(tmp_path / "project", with_python=True)
    source = project / "python/ai_unit_economics/metrics/catalogue.py"
    text = source.read_text()
    for anchor, addition in [("METRICS: tuple[Metric, ...] = (", THROWAWAY),
                             ("MEASURES: tuple[Measure, ...] = (", THROWAWAY_MEASURE)]:  # fmt: skip
        assert anchor in text
        text = text.replace(anchor, anchor + addition, 1)
    source.write_text(text)
    env = {"PYTHONPATH": str(project / "python"), "AIUE_PROJECT_DIR": str(project)}
    aiue_cmd = [sys.executable, "-m", "ai_unit_economics.cli"]
    assert "tool_cost_per_intent" in run([*aiue_cmd, "generate"], project, env)
    run([*aiue_cmd, "generate", "--check"], project, env)
    semantic = yaml.safe_load((project / generate.SEMANTIC_YML).read_text())
    assert {"tool_cost_per_intent", "failed_calls_per_intent"} <= {
        m["name"].removeprefix(catalogue.SEMANTIC_PREFIX) for m in semantic["metrics"]
    }
    macros = (project / generate.METRICS_MACRO).read_text()
    daily_columns = macros[macros.index("macro unit_economics_metrics") :]
    assert "failed_calls_per_intent" not in daily_columns  # not a daily-mart column
    assert "'failed_calls_per_intent'" in macros  # but a formula models can call

    db_path = db_copy(sample_build, tmp_path / "db")
    views = [f"aiue__metric_{name}" for name in ("tool_cost_per_intent", "failed_calls_per_intent")]
    dbt(project, db_path, "run", "--select", "aiue__unit_economics_daily", *views)
    run([str(BIN / "mf"), "validate-configs"], project, dbt_env(db_path))

    new = ["tool_cost_per_intent", "failed_calls_per_intent"]
    group_by, dims = (
        ["metric_time__day", f"{catalogue.INTENT.entity}__feature_tag"],
        ["date_day", "feature_tag"],
    )
    mf = mf_rows(mf_query(project, db_path, new, group_by), list(zip(group_by, dims, strict=True)))
    sql = run([*aiue_cmd, "sql", "--metric", ",".join(new), "--by", ",".join(dims),
               "--schema", SCHEMA], project, env)  # fmt: skip
    assert f"FROM {SCHEMA}.aiue__intents" in sql  # failed_calls is summed from the fact
    expected = by_key(records(db_path, sql), dims)
    for key, row in expected.items():
        for name in new:
            assert float(mf[key][name]) == pytest.approx(row[name], rel=1e-9, abs=1e-12)

    rebuilt = by_key(records(db_path, f"select * from {SCHEMA}.aiue__unit_economics_daily"),
                     list(catalogue.DIMENSIONS))  # fmt: skip
    from_view = records(db_path, f"select * from {SCHEMA}.aiue__metric_tool_cost_per_intent")
    assert from_view
    for row in from_view:
        key = tuple(row[d] for d in catalogue.DIMENSIONS)
        expected_value = catalogue.ratio_value(rebuilt[key]["tool_cost"], rebuilt[key]["intents"])
        assert row["tool_cost_per_intent"] == pytest.approx(expected_value, rel=1e-9, abs=1e-12)
        assert rebuilt[key]["tool_cost_per_intent"] == pytest.approx(
            expected_value, rel=1e-9, abs=1e-12
        )


def test_the_time_spine_switches_off_for_a_users_own(sample_build: Build, tmp_path: Path) -> None:
    """With var aiue__using_time_spine: false, a project's own daily spine is the only one."""
    project = copy_project(tmp_path / "project")
    (project / "models/user").mkdir()
    (project / "models/user/my_spine.sql").write_text("select cast('2026-01-01' as date) as day\n")
    (project / "models/user/_my_spine.yml").write_text(
        "version: 2\nmodels:\n  - name: my_spine\n    time_spine:\n"
        "      standard_granularity_column: day\n    columns:\n"
        "      - name: day\n        granularity: day\n"
    )
    dbt(project, tmp_path / "unused.duckdb", "parse", "--vars", "{aiue__using_time_spine: false}")
    manifest = json.loads((project / "target/semantic_manifest.json").read_text())
    spines = manifest["project_configuration"]["time_spines"]
    assert [spine["node_relation"]["alias"] for spine in spines] == ["my_spine"]
