"""The package as a dependency: integration_tests/ is a user's dbt project that installs
ai_unit_economics by local path (packages.yml), lands its raw tables typed in a schema of its
own (seeds with column types play the pipeline), points the package's vars at them, and defines
its own `fct_intents` model and `total_cost` metric, names the package's own nodes used to have.

It is built with the plain `dbt` command on DuckDB and on Postgres, once per engine, and

- builds green: every node the root project's own build runs (the package's data tests,
  conservation included), plus the user's;
- the user's fct_intents and the package's aiue__intents both exist, each with its contents;
- the package's marts equal, row by row, the marts `aiue run --input` builds in the root
  project from the same data as CSV text;
- on DuckDB, `mf validate-configs` passes and `mf query` answers the user's `total_cost` and
  the package's `aiue_total_cost`, each from its own model.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ai_unit_economics.cli import main as aiue
from tests.harness.unit_tests import defined_unit_tests, not_green
from tests.mart_comparison import MARTS, REL_TOL, differences, keyed

pytestmark = [pytest.mark.dbt, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "integration_tests"
BIN = Path(sys.executable).parent
PACKAGE = "ai_unit_economics"
USER_PROJECT = "ai_unit_economics_integration_tests"

# The raw seeds (the user's table names) and the package's input file names for `aiue run`.
RAW_SEEDS = PROJECT / "seeds" / "raw"
AS_INPUT_FILES = {
    "otel_genai_spans": "genai_spans.csv",
    "intent_outcome_labels": "outcomes.csv",
    "focus_billing_export": "focus_costs.csv",
}
APP_INTENTS = PROJECT / "seeds" / "app_intents.csv"
# The user's FinOps table the package reads in place of its aiue_escalation_costs seed (var
# aiue_escalation_costs: "{{ ref('finops_escalation_costs') }}" in the project).
FINOPS_TICKET_COSTS = PROJECT / "seeds" / "finops_ticket_costs.csv"

# Schemas: the integration profile's target schema, dbt's <target>_<custom> for the package's
# models (aiue) and the raw seeds (raw); `aiue run` builds DuckDB's marts into main_aiue.
USER_SCHEMA = "analytics"
PACKAGE_SCHEMA = f"{USER_SCHEMA}_aiue"
RAW_SCHEMA = f"{USER_SCHEMA}_raw"
ROOT_MART_SCHEMA = "main_aiue"

# Where `aiue run` read a row (its file and line): a table a pipeline landed has neither, so
# these are null in the integration build and left out of the comparison.
PROVENANCE = ("source_file", "source_row_number")
USER_FCT_INTENTS_COLUMNS = [
    "intent_id", "customer_id", "plan", "ai_cost_usd", "has_ai_telemetry", "is_success",
    "opened_at", "opened_date",
]  # fmt: skip
USER_METRICS = ("total_cost", "intents")
PACKAGE_METRICS = ("aiue_total_cost", "aiue_intents")

Table = tuple[list[str], list[tuple[Any, ...]]]


# --- reading a warehouse ----------------------------------------------------------------------


def fetch(connect: Callable[[], Any], sql: str) -> Table:
    with contextlib.closing(connect()) as connection:
        cursor = connection.cursor()
        cursor.execute(sql)
        return [column[0] for column in cursor.description], cursor.fetchall()


def records(table: Table) -> list[dict[str, Any]]:
    columns, rows = table
    return [dict(zip(columns, row, strict=True)) for row in rows]


def read_marts(connect: Callable[[], Any], schema: str) -> dict[str, Table]:
    return {name: fetch(connect, f"select * from {schema}.{name}") for name in MARTS}


def run_results(target_path: Path) -> dict[str, str]:
    """Every node of the last dbt command: unique id -> status."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return {result["unique_id"]: result["status"] for result in results}


# --- the reference: the root project's build of the same data as CSV text -------------------


@dataclass
class RootBuild:
    marts: dict[str, Table]
    nodes: dict[str, str]  # the nodes its `dbt build` ran


@pytest.fixture(scope="session")
def root_build(tmp_path_factory: pytest.TempPathFactory) -> RootBuild:
    work = tmp_path_factory.mktemp("integration_root")
    data = work / "data"
    data.mkdir()
    for seed, input_name in AS_INPUT_FILES.items():
        shutil.copy(RAW_SEEDS / f"{seed}.csv", data / input_name)
    write_escalation_seed(data / "seeds" / "aiue_escalation_costs.csv")
    db_path = work / "aiue.duckdb"
    assert aiue(["run", "--input", str(data), "--db", str(db_path)]) == 0
    # Read-write like the build's own connection: dbt-duckdb keeps the file open in-process.
    marts = read_marts(lambda: duckdb.connect(str(db_path)), ROOT_MART_SCHEMA)
    return RootBuild(marts, run_results(work / ".aiue" / "target"))


def ticket_costs() -> dict[str, Decimal]:
    """The user's FinOps ticket cost per escalation channel ('*': any other)."""
    with FINOPS_TICKET_COSTS.open(newline="", encoding="utf-8") as handle:
        return {row["channel"]: Decimal(row["ticket_cost_usd"]) for row in csv.DictReader(handle)}


def write_escalation_seed(path: Path) -> None:
    """The user's ticket costs as the root project's own seed copy (`DIR/seeds/`), the way
    `aiue run` users replace a seed, so both builds price labour alike."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["feature_tag", "escalation_channel", "minutes_per_ticket",
                         "loaded_hourly_rate", "cost_per_ticket", "currency", "valid_from",
                         "valid_to"])  # fmt: skip
        for channel, cost in ticket_costs().items():
            writer.writerow(["*", channel, "", "", str(cost), "USD", "2024-01-01", ""])


# --- the integration project, built with plain dbt -------------------------------------------


@dataclass
class ProjectBuild:
    engine: str
    nodes: dict[str, str]  # the nodes `dbt build` ran
    marts: dict[str, Table]
    user_intents: Table
    relations: set[tuple[str, str]]  # (schema, table) in the three schemas
    raw_types: dict[tuple[str, str], str]  # (table, lower-case column) -> data type
    disabled_unit_tests: set[str]  # the package's, `model.unit_test`, off in this configuration
    metricflow: dict[str, Any] | None = None


def dbt_env(engine_env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        **engine_env,
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def run_in_project(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=1500
    )
    assert result.returncode == 0, (
        f"{' '.join(command[:2])} failed in {PROJECT}:\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.fixture(scope="session")
def installed_package() -> Path:
    """`dbt deps` once: packages.yml's `local: ../` installs this checkout, offline."""
    run_in_project([str(BIN / "dbt"), "deps"], dbt_env({}))
    installed = PROJECT / "dbt_packages" / PACKAGE
    assert installed.resolve() == ROOT
    return installed


def build_project(
    engine: str,
    engine_env: dict[str, str],
    target_path: Path,
    log_path: Path,
    connect: Callable[[], Any],
) -> ProjectBuild:
    """The README's steps: land the raw tables (the pipeline), then `dbt build` the rest."""
    env = dbt_env(engine_env)
    paths = ["--target", engine, "--target-path", str(target_path), "--log-path", str(log_path)]
    dbt = str(BIN / "dbt")
    run_in_project([dbt, "seed", "--select", "tag:raw_landing", "--full-refresh", *paths], env)
    run_in_project([dbt, "build", "--exclude", "tag:raw_landing", *paths], env)
    schemas = ", ".join(f"'{schema}'" for schema in (USER_SCHEMA, PACKAGE_SCHEMA, RAW_SCHEMA))
    _, relations = fetch(
        connect,
        f"select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({schemas})",
    )
    _, raw_types = fetch(
        connect,
        "select table_name, column_name, data_type from information_schema.columns "
        f"where table_schema = '{RAW_SCHEMA}'",
    )
    manifest = json.loads((target_path / "manifest.json").read_text())
    disabled_unit_tests = {
        f"{node['model']}.{node['name']}"
        for nodes in manifest["disabled"].values()
        for node in nodes
        if node["resource_type"] == "unit_test" and node["package_name"] == PACKAGE
    }
    return ProjectBuild(
        engine=engine,
        disabled_unit_tests=disabled_unit_tests,
        nodes=run_results(target_path),
        marts=read_marts(connect, PACKAGE_SCHEMA),
        user_intents=fetch(connect, f"select * from {USER_SCHEMA}.fct_intents"),
        relations={(schema, table) for schema, table in relations},
        raw_types={(table, column.lower()): kind for table, column, kind in raw_types},
    )


def query_metricflow(env: dict[str, str], out: Path) -> dict[str, Any]:
    """`mf validate-configs`, then the user's and the package's metrics in one query."""
    validated = run_in_project([str(BIN / "mf"), "validate-configs"], env)
    metrics = ",".join(USER_METRICS + PACKAGE_METRICS)
    run_in_project([str(BIN / "mf"), "query", "--metrics", metrics, "--csv", str(out)], env)
    with out.open(newline="") as handle:
        [row] = list(csv.DictReader(handle))
    return {"validate": validated, "query": row}


@pytest.fixture(scope="session")
def integration_duckdb(
    installed_package: Path, tmp_path_factory: pytest.TempPathFactory
) -> ProjectBuild:
    work = tmp_path_factory.mktemp("integration_duckdb")
    db_path = work / "integration_tests.duckdb"
    engine_env = {"AIUE_IT_DUCKDB_PATH": str(db_path)}
    # The project's own target/: `mf` reads target/semantic_manifest.json from the project.
    built = build_project(
        "duckdb",
        engine_env,
        PROJECT / "target",
        work / "logs",
        lambda: duckdb.connect(str(db_path), read_only=True),
    )
    built.metricflow = query_metricflow(dbt_env(engine_env), work / "mf.csv")
    return built


@pytest.fixture(scope="session")
def integration_postgres(
    installed_package: Path, postgres_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> ProjectBuild:
    work = tmp_path_factory.mktemp("integration_postgres")
    return build_project(
        "postgres", postgres_server.env(), work / "target", work / "logs", postgres_server.connect
    )


ENGINES = ["duckdb", "postgres"]


def integration_build(request: pytest.FixtureRequest, engine: str) -> ProjectBuild:
    return request.getfixturevalue(f"integration_{engine}")


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_builds_green_with_every_package_node_and_data_test(
    request: pytest.FixtureRequest, root_build: RootBuild, engine: str
) -> None:
    build = integration_build(request, engine)
    assert not_green(build.nodes) == {}
    package_nodes = {node for node in build.nodes if node.split(".")[1] == PACKAGE}
    # A plain `dbt build` in the user's project also runs the package's unit tests, which
    # `aiue run` leaves out (each one, but those a configuration switches off: a unit test of
    # every span layout at once); everything else is the same node set.
    unit_tests = {node for node in package_nodes if node.startswith("unit_test.")}
    ran = {node.split(".", 2)[2] for node in unit_tests}
    assert ran | build.disabled_unit_tests == defined_unit_tests()
    assert len(ran) > len(build.disabled_unit_tests)
    assert package_nodes - unit_tests == set(root_build.nodes)
    package_tests = {node.split(".")[2] for node in package_nodes if node.startswith("test.")}
    conservation = {path.stem for path in (ROOT / "tests" / "data").glob("*conserved*.sql")}
    assert {"assert_money_conserved", "assert_spans_conserved"} <= conservation <= package_tests
    assert len(package_tests) > 50
    user_nodes = {node for node in build.nodes if node.split(".")[1] == USER_PROJECT}
    assert f"model.{USER_PROJECT}.fct_intents" in user_nodes
    assert any(node.startswith("test.") and "fct_intents" in node for node in user_nodes)


def seed_column_types() -> dict[tuple[str, str], str]:
    """The types seeds/raw/_raw__seeds.yml declares, as the pipeline's contract."""
    config = yaml.safe_load((RAW_SEEDS / "_raw__seeds.yml").read_text())
    return {
        (seed["name"], column.lower()): kind
        for seed in config["seeds"]
        for column, kind in seed["config"]["column_types"].items()
    }


def normalised_type(kind: str) -> str:
    """DuckDB and Postgres spell the same types differently (DECIMAL(38,10) / numeric)."""
    kind = re.sub(r"\s*\(.*\)", "", kind.lower())
    return {
        "decimal": "numeric",
        "double": "double precision",
        "timestamp": "timestamp without time zone",
        "character varying": "varchar",
    }.get(kind, kind)


@pytest.mark.parametrize("engine", ENGINES)
def test_raw_tables_are_landed_typed(request: pytest.FixtureRequest, engine: str) -> None:
    build = integration_build(request, engine)
    declared = {key: normalised_type(kind) for key, kind in seed_column_types().items()}
    landed = {key: normalised_type(kind) for key, kind in build.raw_types.items()}
    assert landed == declared
    assert {
        "timestamp with time zone", "timestamp without time zone", "bigint", "integer",
        "boolean", "numeric", "double precision", "varchar",
    } == set(declared.values())  # fmt: skip


def app_intents() -> list[dict[str, str]]:
    with APP_INTENTS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("engine", ENGINES)
def test_users_fct_intents_and_packages_aiue__intents_coexist(
    request: pytest.FixtureRequest, root_build: RootBuild, engine: str
) -> None:
    build = integration_build(request, engine)
    assert {(USER_SCHEMA, "fct_intents"), (PACKAGE_SCHEMA, "aiue__intents")} <= build.relations
    assert (USER_SCHEMA, "aiue__intents") not in build.relations
    assert (PACKAGE_SCHEMA, "fct_intents") not in build.relations
    # the marts' schema holds marts and metric views only: staging, seeds and intermediate
    # models are in schemas of their own (integration_tests/README.md: where things end up)
    package = {table for schema, table in build.relations if schema == PACKAGE_SCHEMA}
    assert package and all(
        table.startswith("aiue__") or table == "aiue_time_spine_daily" for table in package
    ), sorted(package)

    columns, _ = build.user_intents
    assert columns == USER_FCT_INTENTS_COLUMNS
    package_columns, package_rows = build.marts["aiue__intents"]
    assert "customer_id" not in package_columns and "intent_id" in package_columns

    # The user's rows: one per app intent, costed from the package (0 without telemetry).
    root_costs = {
        row["intent_id"]: row["total_cost"] for row in records(root_build.marts["aiue__intents"])
    }
    assert len(package_rows) == len(root_costs)
    expected = {row["intent_id"]: row for row in app_intents()}
    user_rows = {row["intent_id"]: row for row in records(build.user_intents)}
    assert user_rows.keys() == expected.keys()
    unseen = expected.keys() - root_costs.keys()
    assert unseen and len(unseen) < len(expected)
    for intent_id, row in user_rows.items():
        assert (row["customer_id"], row["plan"]) == (
            expected[intent_id]["customer_id"],
            expected[intent_id]["plan"],
        )
        assert row["has_ai_telemetry"] is (intent_id not in unseen)
        cost = root_costs.get(intent_id, Decimal(0))
        assert math.isclose(row["ai_cost_usd"], cost, rel_tol=REL_TOL), intent_id


def without_provenance(table: Table) -> Table:
    columns, rows = table
    kept = [i for i, column in enumerate(columns) if column not in PROVENANCE]
    return [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows]


@pytest.mark.parametrize("mart", list(MARTS))
@pytest.mark.parametrize("engine", ENGINES)
def test_package_marts_equal_the_root_projects_row_by_row(
    request: pytest.FixtureRequest, root_build: RootBuild, engine: str, mart: str
) -> None:
    build = integration_build(request, engine)
    expected_columns, expected_rows = root_build.marts[mart]
    columns, rows = build.marts[mart]
    assert columns == expected_columns
    assert len(rows) == len(expected_rows) > 0
    for name in set(PROVENANCE) & set(columns):
        assert {record[name] for record in records(build.marts[mart])} == {None}
        assert None not in {record[name] for record in records(root_build.marts[mart])}
    problems = differences(
        keyed(without_provenance(root_build.marts[mart]), MARTS[mart]),
        keyed(without_provenance(build.marts[mart]), MARTS[mart]),
    )
    assert not problems, f"{engine} {mart}: {len(problems)} differences, e.g.\n" + "\n".join(
        problems[:20]
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_seed_replaced_by_the_users_model_sets_the_numbers(
    request: pytest.FixtureRequest, engine: str
) -> None:
    """var aiue_escalation_costs names the user's model: every escalated intent costs the
    user's ticket price for its channel (else the '*' price), not the bundled seed's $15/$22.50."""
    build = integration_build(request, engine)
    prices = ticket_costs()
    with (RAW_SEEDS / "intent_outcome_labels.csv").open(newline="", encoding="utf-8") as handle:
        labels = {row["intent_id"]: row for row in csv.DictReader(handle)}
    escalated = 0
    for intent in records(build.marts["aiue__intents"]):
        label = labels.get(intent["intent_id"])
        if label is None or label["is_escalated"] != "true":
            assert intent["escalation_cost"] == 0
            continue
        escalated += 1
        expected = prices.get(label["escalation_channel"], prices["*"])
        assert Decimal(intent["escalation_cost"]) == expected, intent["intent_id"]
    assert escalated > 0 and len(set(prices.values())) > 1
    assert "model.ai_unit_economics_integration_tests.finops_escalation_costs" in build.nodes


def test_metricflow_keeps_the_users_metrics_and_the_packages_apart(
    integration_duckdb: ProjectBuild, root_build: RootBuild
) -> None:
    assert integration_duckdb.metricflow is not None
    validated = integration_duckdb.metricflow["validate"]
    assert "Successfully validated metrics against data warehouse" in validated
    assert "ERRORS: 0" in validated and not re.search(r"ERRORS: [1-9]", validated)
    got = {name: float(value) for name, value in integration_duckdb.metricflow["query"].items()}
    root_intents = records(root_build.marts["aiue__intents"])
    root_costs = {row["intent_id"]: row["total_cost"] for row in root_intents}
    app_ids = [row["intent_id"] for row in app_intents()]
    users_cost = sum((root_costs.get(intent_id, Decimal(0)) for intent_id in app_ids), Decimal(0))
    assert got["intents"] == len(app_ids)
    assert math.isclose(got["total_cost"], users_cost, rel_tol=REL_TOL)
    assert got["aiue_intents"] == len(root_intents)
    assert math.isclose(got["aiue_total_cost"], sum(root_costs.values()), rel_tol=REL_TOL)
    assert not math.isclose(got["total_cost"], got["aiue_total_cost"])


def test_the_dataset_exercises_billing_time_zones_and_small_floats(root_build: RootBuild) -> None:
    """What the comparison covers: every cost source, invoice money left unallocated, a span
    written with a +02:00 offset whose UTC day is the day before its local one, and a reported
    cost below 1e-4, which a DOUBLE column gives as text in exponent notation."""
    calls = records(root_build.marts["aiue__llm_calls"])
    assert {"invoice_exact", "invoice_share", "estimated"} <= {c["cost_source"] for c in calls}
    buckets = records(root_build.marts["aiue__cost_reconciliation"])
    assert any(bucket["unallocated_cost"] for bucket in buckets)
    with (RAW_SEEDS / "otel_genai_spans.csv").open(newline="", encoding="utf-8") as handle:
        offset_spans = [
            row for row in csv.DictReader(handle) if re.search(r"[+-]\d\d:\d\d$", row["start_time"])
        ]
    assert offset_spans
    by_span = {(call["trace_id"], call["span_id"]): call for call in calls}
    for span in offset_spans:
        started = datetime.fromisoformat(span["start_time"])
        utc_day = started.astimezone(UTC).date()
        assert utc_day != started.date()
        assert by_span[(span["trace_id"], span["span_id"])]["call_date"] == utc_day
        assert Decimal(span["reported_cost"]) < Decimal("1e-4")
        assert by_span[(span["trace_id"], span["span_id"])]["reported_cost"] == Decimal(
            span["reported_cost"]
        )
