"""The package as users configure it: each scenario of integration_tests/scenarios.yml (no FOCUS
input, the otel_traces layout on a table of the user's, a pass-through var without tenant_id,
a dispatch override of one package macro) is a copy of the integration project with the
scenario written into its dbt_project.yml, built on DuckDB with plain `dbt` and checked with
`mf validate-configs`; then what the scenario is about is checked in the build.

The project as it is (the base scenario) is tests/test_integration_project.py, on DuckDB and
Postgres, compared row by row with `aiue run`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ai_unit_economics.ingest.inputs import InputFile
from ai_unit_economics.ingest.otel_traces import create_raw_table

from .harness.unit_tests import not_green

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "integration_tests"
BIN = Path(sys.executable).parent
PACKAGE = "ai_unit_economics"
RAW_SCHEMA = "analytics_raw"
PACKAGE_SCHEMA = "analytics_aiue"
SCENARIOS = {
    scenario["name"]: scenario
    for scenario in yaml.safe_load((PROJECT / "scenarios.yml").read_text())["scenarios"]
}
# The Collector's ClickHouse-exporter columns as ClickHouse names them (the loader lower-cases).
CLICKHOUSE_NAMES = (
    "Timestamp", "TraceId", "SpanId", "ParentSpanId", "TraceState", "SpanName", "SpanKind",
    "ServiceName", "ResourceAttributes", "ScopeName", "ScopeVersion", "SpanAttributes",
    "Duration", "StatusCode", "StatusMessage", "Events.Timestamp", "Events.Name",
    "Events.Attributes",
)  # fmt: skip
OTEL_TRACES_FIXTURE = ROOT / "tests" / "fixtures" / "telemetry" / "otel_traces_csv"


@dataclass
class ScenarioBuild:
    name: str
    project: Path
    db_path: Path
    nodes: dict[str, str]  # unique id -> status of `dbt build`
    manifest: dict[str, Any]
    validated: str  # `mf validate-configs` output
    freshness: dict[str, str] | None = None  # source -> status of `dbt source freshness`

    def query(self, sql: str) -> list[tuple]:
        with contextlib.closing(duckdb.connect(str(self.db_path), read_only=True)) as connection:
            return connection.execute(sql).fetchall()

    def columns(self, relation: str) -> list[str]:
        rows = self.query(
            "select column_name from information_schema.columns "
            f"where table_schema = '{PACKAGE_SCHEMA}' and table_name = '{relation}' "
            "order by ordinal_position"
        )
        return [column for (column,) in rows]


def run(command: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1500)
    if check:
        assert result.returncode == 0, (
            f"{' '.join(Path(part).name for part in command[:2])} failed in {cwd}:\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def user_project(scenario: dict[str, Any], where: Path) -> Path:
    """A copy of the integration project with the scenario in its dbt_project.yml."""
    project = where / "project"
    shutil.copytree(
        PROJECT,
        project,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb"),
    )
    (project / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(ROOT)}]}))
    path = project / "dbt_project.yml"
    config = yaml.safe_load(path.read_text())
    config["vars"].update(scenario.get("vars") or {})
    config.update(scenario.get("project") or {})
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return project


def land_otel_traces(db_path: Path, identifier: str) -> None:
    """The pipeline's step: the Collector's table under our name, typed as ClickHouse's exporter
    writes it (attribute maps, event lists, ClickHouse's column names), no provenance columns."""
    relation = f"{RAW_SCHEMA}.{identifier}"
    with contextlib.closing(duckdb.connect(str(db_path))) as connection:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        input_file = InputFile("otel_traces", OTEL_TRACES_FIXTURE / "otel_traces.csv")
        create_raw_table(connection, relation, input_file)
        for column in ("_aiue_source_file", "_aiue_source_row"):
            connection.execute(f"alter table {relation} drop column {column}")
        # ClickHouse's DateTime64 and UInt64, where the loader keeps text
        connection.execute(f"alter table {relation} alter timestamp type timestamp")
        connection.execute(f"alter table {relation} alter duration type bigint")
        for name in CLICKHOUSE_NAMES:
            connection.execute(f'alter table {relation} rename column "{name.lower()}" to "{name}"')


def build_scenario(name: str, where: Path) -> ScenarioBuild:
    scenario = SCENARIOS[name]
    project = user_project(scenario, where)
    db_path = where / "scenario.duckdb"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "AIUE_IT_DUCKDB_PATH": str(db_path),
    }
    dbt = [str(BIN / "dbt")]
    run([*dbt, "deps"], project, env)
    run([*dbt, "seed", "--select", "tag:raw_landing", "--full-refresh"], project, env)
    for layout, identifier in (scenario.get("land") or {}).items():
        assert layout == "otel_traces", layout
        land_otel_traces(db_path, identifier)
    # the package's unit tests check fixed rows, the same in every scenario: the base project's
    # build runs them (tests/test_integration_project.py)
    run([*dbt, "build", "--exclude", "tag:raw_landing", "--exclude-resource-type", "unit_test"],
        project, env)  # fmt: skip
    target = project / "target"
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = {result["unique_id"]: result["status"] for result in results}
    manifest = json.loads((target / "manifest.json").read_text())
    freshness = None
    if name == "otel_traces_table":
        # warn_after only: stale data warns (exit 0); a loaded_at_field that is no timestamp
        # column of the table would be a runtime error
        run([*dbt, "source", "freshness"], project, env)
        sources = json.loads((target / "sources.json").read_text())["results"]
        freshness = {result["unique_id"]: result["status"] for result in sources}
    validated = run([str(BIN / "mf"), "validate-configs"], project, env)
    return ScenarioBuild(name, project, db_path, nodes, manifest, validated, freshness)


@pytest.fixture(scope="module")
def scenario_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Each scenario built once, when a test first asks for it."""

    class Builds(dict):
        def __missing__(self, name: str) -> ScenarioBuild:
            self[name] = build_scenario(name, tmp_path_factory.mktemp(name))
            return self[name]

    yield Builds()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_scenario_builds_green_and_metricflow_validates(
    scenario_builds: dict[str, ScenarioBuild], name: str
) -> None:
    built = scenario_builds[name]
    assert not_green(built.nodes) == {}
    assert any(node.startswith(f"test.{PACKAGE}.assert_money_conserved") for node in built.nodes)
    assert "ERRORS: 0" in built.validated, built.validated[-3000:]
    assert built.query(f"select count(*) from {PACKAGE_SCHEMA}.aiue__llm_calls")[0][0] > 0


def test_no_focus_input_leaves_out_the_focus_models(
    scenario_builds: dict[str, ScenarioBuild],
) -> None:
    built = scenario_builds["no_focus"]
    package_models = {
        node.split(".")[-1] for node in built.nodes if node.startswith(f"model.{PACKAGE}.")
    }
    assert "aiue__llm_calls" in package_models
    focus_input = {"stg_aiue__focus_costs", "int_aiue__focus_costs_classified",
                   "int_aiue__focus_costs_converted", "aiue__billing_scope_summary",
                   "aiue__rejected_focus_costs"}  # fmt: skip
    assert not focus_input & package_models
    assert not [source for source in built.manifest["sources"] if source.endswith("focus_costs")]
    sources = {
        row[0]
        for row in built.query(f"select distinct cost_source from {PACKAGE_SCHEMA}.aiue__llm_calls")
    }
    assert sources and not {source for source in sources if source.startswith("invoice")}


def test_the_otel_traces_layout_reads_the_users_own_table(
    scenario_builds: dict[str, ScenarioBuild],
) -> None:
    built = scenario_builds["otel_traces_table"]
    [(identifier, rows, calls, files, usable)] = built.query(
        "select source_layout, span_rows, call_rows, source_files, is_usable "
        f"from {PACKAGE_SCHEMA}.aiue__span_sources where span_rows > 0"
    )
    with (OTEL_TRACES_FIXTURE / "otel_traces.csv").open() as handle:
        fixture_rows = sum(1 for _ in handle) - 1
    assert (identifier, rows, files, usable) == ("otel_traces", fixture_rows, 0, True)
    assert calls > 0
    relation = built.manifest["sources"][f"source.{PACKAGE}.aiue.otel_traces"]["relation_name"]
    assert "collector_otel_traces" in relation
    # every source of the build has a loaded_at_field that is a timestamp of the user's table
    assert built.freshness and set(built.freshness.values()) <= {"pass", "warn"}, built.freshness


def test_a_passthrough_var_without_tenant_id(scenario_builds: dict[str, ScenarioBuild]) -> None:
    built = scenario_builds["passthrough_without_tenant"]
    for relation in ("aiue__llm_calls", "aiue__intents", "aiue__unit_economics_daily",
                     "aiue__metric_cost_per_success"):  # fmt: skip
        columns = built.columns(relation)
        assert "deployment_environment" in columns and "tenant_id" not in columns, relation
    # the package's semantic models and metrics are off in this project; the user's are on
    semantic = {node["package_name"] for node in built.manifest["semantic_models"].values()}
    metrics = {node["package_name"] for node in built.manifest["metrics"].values()}
    assert semantic == metrics == {"ai_unit_economics_integration_tests"}


def test_a_dispatch_override_of_a_package_macro_runs(
    scenario_builds: dict[str, ScenarioBuild],
) -> None:
    built = scenario_builds["dispatch_override"]
    node = built.manifest["nodes"][f"model.{PACKAGE}.int_aiue__focus_costs_classified"]
    compiled = (built.project / node["compiled_path"]).read_text()
    assert "ai_unit_economics_integration_tests.regex_matches_column" in compiled
    # the SKU map still resolves the invoice's token charges through our implementation
    [(resolved,)] = built.query(
        f"select count(*) from {PACKAGE_SCHEMA}_intermediate.int_aiue__focus_costs_classified "
        "where sku_provider is not null"
    )
    assert resolved > 0
