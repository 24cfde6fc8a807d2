"""Pass-through columns (var aiue_span_passthrough_columns) on tests/fixtures/passthrough: a flat
span file whose tenant is the column `app.tenant_id`, and the Collector's otel_traces table whose
tenant is the attribute `tenant.id` (span attributes, else resource attributes). The default var
carries `tenant_id` as a dimension, so the fixture's one build shows it on the call and intent
marts (an intent's value is its first call's), in `aiue metrics --by tenant_id`, in the metric
views and in MetricFlow (`aiue_intent__tenant_id`), with equal rows on Postgres and Spark.
Expected values are computed here from the raw files (and worked by hand in the README).
A second DuckDB build sets the var to columns a user names (alias, transform_sql, attribute keys,
a non-dimension column)."""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import math
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.engines.warehouse import mart_schema, query
from ai_unit_economics.metrics import catalogue, generate
from tests.conftest import Build, build
from tests.mart_comparison import differences, keyed, same_value
from tests.test_engines import environment
from tests.test_semantic_layer import copy_project, db_copy, dbt, mf_query

pytestmark = [pytest.mark.dbt, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "passthrough"
MILLION = Decimal(1_000_000)
COMPARED = {
    "aiue__llm_calls": ("trace_id", "span_id"),
    "aiue__intents": ("intent_id",),
    "aiue__unit_economics_daily": ("unit_economics_daily_id",),
    "aiue__metric_cost_per_success": (
        "date_day", "feature_tag", "provider_name", "response_model", "tenant_id",
    ),
}  # fmt: skip
# A user's own var: the tenant (renamed, lower-cased by transform_sql), a customer dimension
# from a flat column under another name, and the agent name as a call/intent column only.
USER_VAR = [
    {
        "name": "tenant.id",
        "alias": "tenant",
        "keys": ["app.tenant_id"],
        "transform_sql": "upper(tenant)",
        "dimension": True,
    },
    {"name": "customer", "alias": "customer_id", "dimension": True},
    {"name": "gen_ai.agent.name", "alias": "agent_name"},
]


# --- what the raw files say -------------------------------------------------------------------


@dataclass
class Call:
    call_id: str
    intent_id: str
    started: str  # ISO text, comparable within the fixture
    tenant: str | None
    customer: str | None
    agent: str | None
    cost: Decimal


def prices() -> dict[str, Decimal]:
    with (FIXTURE / "seeds" / "aiue_model_prices.csv").open(newline="") as handle:
        return {
            row["usage_type"]: Decimal(row["price_per_million"]) for row in csv.DictReader(handle)
        }


def cost(input_tokens: str, output_tokens: str) -> Decimal:
    price = prices()
    return (
        Decimal(input_tokens) * price["input"] + Decimal(output_tokens) * price["output"]
    ) / MILLION


def raw_calls() -> list[Call]:
    calls = []
    with (FIXTURE / "genai_spans.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            calls.append(
                Call(
                    f"{row['trace_id']}-{row['span_id']}",
                    row["intent_id"],
                    row["start_time"].replace("T", " ").rstrip("Z"),
                    row["app.tenant_id"] or None,
                    row["customer"] or None,
                    None,
                    cost(row["input_tokens"], row["output_tokens"]),
                )
            )
    with (FIXTURE / "otel_traces.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            span = ast.literal_eval(row["SpanAttributes"])
            resource = ast.literal_eval(row["ResourceAttributes"])
            calls.append(
                Call(
                    f"{row['TraceId']}-{row['SpanId']}",
                    span["app.intent_id"],
                    row["Timestamp"],
                    span.get("tenant.id") or resource.get("tenant.id"),
                    None,
                    span.get("gen_ai.agent.name"),
                    cost(span["gen_ai.usage.input_tokens"], span["gen_ai.usage.output_tokens"]),
                )
            )
    return calls


def first_calls() -> dict[str, Call]:
    first: dict[str, Call] = {}
    for call in sorted(raw_calls(), key=lambda c: c.started):
        first.setdefault(call.intent_id, call)
    return first


def successes() -> dict[str, bool]:
    with (FIXTURE / "outcomes.csv").open(newline="") as handle:
        return {row["intent_id"]: row["is_success"] == "true" for row in csv.DictReader(handle)}


def expected_by(dimension: Any) -> dict[str | None, dict[str, Any]]:
    """Per value of dimension(first call): intents, successes, total cost and CPS (every
    intent is labelled, and the fixture has no labour, tools or infra)."""
    totals: dict[str | None, dict[str, Any]] = defaultdict(
        lambda: {"intents": 0, "successful_intents": 0, "total_cost": Decimal(0)}
    )
    intent_cost: dict[str, Decimal] = defaultdict(Decimal)
    for call in raw_calls():
        intent_cost[call.intent_id] += call.cost
    success = successes()
    for intent_id, call in first_calls().items():
        group = totals[dimension(call)]
        group["intents"] += 1
        group["successful_intents"] += int(success[intent_id])
        group["total_cost"] += intent_cost[intent_id]
    for group in totals.values():
        wins = group["successful_intents"]
        group["cost_per_success"] = group["total_cost"] / wins if wins else None
    return dict(totals)


def metrics_json(args: list[str]) -> list[dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue(["metrics", "--format", "json", *args]) == 0
    return json.loads(out.getvalue())


def assert_groups_equal(expected: dict, got: dict) -> None:
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        assert got[key]["intents"] == want["intents"], key
        assert got[key]["successful_intents"] == want["successful_intents"], key
        assert math.isclose(got[key]["total_cost"], want["total_cost"], rel_tol=1e-12), key
        if want["cost_per_success"] is None:
            assert got[key]["cost_per_success"] is None, key
        else:
            assert math.isclose(
                got[key]["cost_per_success"], want["cost_per_success"], rel_tol=1e-12
            )


# --- builds -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def passthrough_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(FIXTURE, tmp_path_factory.mktemp("passthrough") / "aiue.duckdb")


@pytest.fixture(scope="module")
def user_var_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    from ai_unit_economics.builder.pipeline import run_pipeline

    db_path = tmp_path_factory.mktemp("passthrough_user_var") / "aiue.duckdb"
    # Its tenant column is `tenant`: the budget scope maps to it.
    scopes = {"feature": "feature_tag", "tenant": "tenant"}
    variables = {catalogue.PASSTHROUGH_VAR: USER_VAR, "aiue_budget_scopes": scopes}
    run_pipeline(FIXTURE, db_path, variables=variables)
    return Build(FIXTURE, db_path)


def dump(target: str, db_path: Path | None = None) -> dict[str, Any]:
    schema = mart_schema(target)
    tables = {name: query(target, f"select * from {schema}.{name}", db_path) for name in COMPARED}
    args = ["--target", target, "--by", "tenant_id"] + (["--db", str(db_path)] if db_path else [])
    return {"tables": tables, "metrics": metrics_json(args)}


DUMP_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from tests.test_passthrough import dump
with open(sys.argv[3], "wb") as handle:
    pickle.dump(dump(sys.argv[2]), handle)
"""


@pytest.fixture(scope="module")
def duckdb_dump(passthrough_build: Build) -> dict[str, Any]:
    return dump("duckdb", passthrough_build.db_path)


@pytest.fixture(scope="module")
def postgres_dump(postgres_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("passthrough_postgres")
    with environment(postgres_server.env()):
        args = ["run", "--full-refresh", "--input", str(FIXTURE), "--target", "postgres"]
        assert aiue([*args, "--db", str(work / "aiue.duckdb")]) == 0
        return dump("postgres")


# --- the marts --------------------------------------------------------------------------------


def test_calls_carry_their_tenant_from_every_layout(passthrough_build: Build) -> None:
    """Flat column `app.tenant_id`; otel_traces span attribute `tenant.id`, else the resource's."""
    got = dict(
        passthrough_build.query(
            "select trace_id || '-' || span_id, tenant_id from main_aiue.aiue__llm_calls"
        )
    )
    expected = {call.call_id: call.tenant for call in raw_calls()}
    assert got == expected
    assert {"acme", "globex", "initech", None} == set(expected.values())


def test_an_intent_takes_its_first_calls_tenant(passthrough_build: Build) -> None:
    got = dict(passthrough_build.query("select intent_id, tenant_id from main_aiue.aiue__intents"))
    expected = {intent_id: call.tenant for intent_id, call in first_calls().items()}
    assert got == expected
    # i1's second call is another tenant's: the first call decides.
    tenants_of_i1 = {call.tenant for call in raw_calls() if call.intent_id == "i1"}
    assert len(tenants_of_i1) == 2 and got["i1"] == first_calls()["i1"].tenant


def test_the_daily_mart_is_keyed_by_the_tenant_too(passthrough_build: Build) -> None:
    rows = passthrough_build.records(
        "select date_day, feature_tag, tenant_id, intents, unit_economics_daily_id "
        "from main_aiue.aiue__unit_economics_daily"
    )
    assert len({row["unit_economics_daily_id"] for row in rows}) == len(rows)
    assert sum(row["intents"] for row in rows) == len(first_calls())
    assert {row["tenant_id"] for row in rows} == {c.tenant for c in first_calls().values()}


# --- aiue metrics, the metric views, MetricFlow -----------------------------------------------


def test_metrics_by_tenant_id(duckdb_dump: dict[str, Any]) -> None:
    got = {row["tenant_id"]: row for row in duckdb_dump["metrics"]}
    assert_groups_equal(expected_by(lambda call: call.tenant), got)


def test_a_metric_view_grouped_by_tenant(passthrough_build: Build) -> None:
    rows = passthrough_build.records(
        "select tenant_id, sum(labeled_intents) as intents, "
        "sum(successful_intents) as successful_intents, "
        "sum(labeled_total_cost) as total_cost "
        "from main_aiue.aiue__metric_cost_per_success group by tenant_id"
    )
    got = {
        row["tenant_id"]: {
            **row,
            "cost_per_success": (
                row["total_cost"] / row["successful_intents"] if row["successful_intents"] else None
            ),
        }
        for row in rows
    }
    assert_groups_equal(expected_by(lambda call: call.tenant), got)


def test_metricflow_groups_by_aiue_intent__tenant_id(
    passthrough_build: Build, duckdb_dump: dict[str, Any], tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    db_path = db_copy(passthrough_build, tmp_path / "db")
    dbt(project, db_path, "parse")
    names = ["intents", "successful_intents", "total_cost", "cost_per_success"]
    dimension = f"{catalogue.INTENT.entity}__tenant_id"
    rows = mf_query(project, db_path, names, [dimension])
    got = {
        row[dimension] or None: {
            name: (float(row[name]) if row[name] != "" else None) for name in names
        }
        for row in rows
    }
    from_metrics = {row["tenant_id"]: row for row in duckdb_dump["metrics"]}
    assert_groups_equal({k: {n: v[n] for n in names} for k, v in from_metrics.items()}, got)


def test_the_semantic_yaml_lists_the_vars_dimensions(tmp_path: Path) -> None:
    """The generated MetricFlow YAML follows dbt_project.yml's var: a project whose var names
    other dimensions gets them on `aiue generate`, and `--check` tells it when it has not."""
    project = copy_project(tmp_path / "project")
    path = project / "dbt_project.yml"
    # The var's block (its key, then its more-indented lines) replaced by the user's value.
    block = rf"^  {catalogue.PASSTHROUGH_VAR}:\n(    .*\n)+"
    text, replaced = re.subn(block, f"  {catalogue.PASSTHROUGH_VAR}: {json.dumps(USER_VAR)}\n",
                             path.read_text(), flags=re.MULTILINE)  # fmt: skip
    assert replaced == 1
    path.write_text(text)
    # MetricFlow's YAML and every semantic-layer document list the dimensions.
    documents = [f"differs: {path}" for path in generate.semantic_document_files(ROOT)]
    assert generate.check(project) == [f"differs: {generate.SEMANTIC_YML}", *documents]
    generate.write(project)
    assert generate.check(project) == []
    semantic = yaml.safe_load((project / generate.SEMANTIC_YML).read_text())
    for model in semantic["semantic_models"]:
        names = [d["name"] for d in model["dimensions"]]
        assert {"tenant", "customer_id"} <= set(names) and "tenant_id" not in names
        assert "agent_name" not in names


# --- tenant budgets ---------------------------------------------------------------------------


def budgets() -> dict[str, dict[str, str]]:
    with (FIXTURE / "seeds" / "aiue_budgets.csv").open(newline="") as handle:
        return {row["budget_id"]: row for row in csv.DictReader(handle)}


def test_tenant_budgets_judge_the_tenants_spend(passthrough_build: Build) -> None:
    """Scope `tenant` (var aiue_budget_scopes maps it to the pass-through tenant_id): a tenant's
    month-to-date spend is its intents' total cost; globex crosses its warn share, acme not."""
    spend = {
        tenant: group["total_cost"] for tenant, group in expected_by(lambda c: c.tenant).items()
    }
    rows = passthrough_build.records(
        "select budget_id, scope, scope_value, spend, status from main_aiue.aiue__budget_status"
    )
    assert {row["budget_id"] for row in rows} == set(budgets())
    for row in rows:
        budget = budgets()[row["budget_id"]]
        assert row["scope"] == "tenant"
        assert row["spend"] == spend[budget["scope_value"]]
        limit = Decimal(budget["limit_amount"])
        share = row["spend"] / limit
        expected = (
            "error" if share >= Decimal(budget["error_at"])
            else "warn" if share >= Decimal(budget["warn_at"]) else "ok"
        )  # fmt: skip
        assert row["status"] == expected
    assert {row["budget_id"]: row["status"] for row in rows} == {
        "globex_monthly": "warn",
        "acme_monthly": "ok",
    }
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue(["budget", "--db", str(passthrough_build.db_path), "--format", "json"]) == 0
    printed = {row["budget_id"]: row for row in json.loads(out.getvalue())}
    assert printed["globex_monthly"]["status"] == "warn"


# --- the FOCUS export --------------------------------------------------------------------------

# Each day's AI usage billed for provider acme at twice the list-price estimate of its calls, as
# one untagged row: split over that day's calls by estimate, every call costs twice its estimate.
FOCUS_HEADER = (
    "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
    "ChargeFrequency,ChargeDescription,ServiceCategory,ServiceName,ProviderName\n"
)
BILLING_FACTOR = 2


@pytest.fixture(scope="module")
def billed_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    data = tmp_path_factory.mktemp("passthrough_billed") / "data"
    shutil.copytree(FIXTURE, data)
    (data / "seeds" / "aiue_budgets.csv").unlink()  # twice the spend would cross them
    by_day: dict[str, Decimal] = defaultdict(Decimal)
    for call in raw_calls():
        by_day[call.started[:10]] += call.cost * BILLING_FACTOR
    lines = [
        f"{amount},{amount},USD,{day} 00:00:00,{date.fromisoformat(day) + timedelta(days=1)} "
        "00:00:00,Usage,Usage-Based,m-small tokens,AI and Machine Learning,Acme API,acme\n"
        for day, amount in sorted(by_day.items())
    ]
    (data / "focus_costs.csv").write_text(FOCUS_HEADER + "".join(lines))
    return build(data, data.parent / "aiue.duckdb")


def test_the_focus_export_has_a_tenant_column(billed_build: Build, tmp_path: Path) -> None:
    """x_TenantId: the calls' tenant (not the intent's); EffectiveCost per tenant = Σ of its
    calls' billed cost."""
    out = tmp_path / "allocated.csv"
    assert aiue(["export-focus", "--db", str(billed_build.db_path), "--out", str(out)]) == 0
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    got: dict[str | None, Decimal] = defaultdict(Decimal)
    for row in rows:
        got[row["x_TenantId"] or None] += Decimal(row["EffectiveCost"])
    expected: dict[str | None, Decimal] = defaultdict(Decimal)
    for call in raw_calls():
        expected[call.tenant] += call.cost * BILLING_FACTOR
    assert got.keys() == expected.keys()
    for tenant, amount in expected.items():
        assert math.isclose(got[tenant], amount, rel_tol=1e-12), tenant


# --- a user's own var -------------------------------------------------------------------------


def test_a_users_var_names_renames_and_transforms(user_var_build: Build) -> None:
    calls = {
        row["call_id"]: row
        for row in user_var_build.records(
            "select trace_id || '-' || span_id as call_id, tenant, customer_id, agent_name "
            "from main_aiue.aiue__llm_calls"
        )
    }
    for call in raw_calls():
        assert calls[call.call_id]["tenant"] == (call.tenant.upper() if call.tenant else None)
        assert calls[call.call_id]["customer_id"] == call.customer
        assert calls[call.call_id]["agent_name"] == call.agent
    daily = user_var_build.records("select * from main_aiue.aiue__unit_economics_daily limit 1")
    assert {"tenant", "customer_id"} <= daily[0].keys() and "agent_name" not in daily[0]
    assert "tenant_id" not in daily[0]


def test_metrics_by_a_users_dimension(user_var_build: Build) -> None:
    rows = metrics_json(["--db", str(user_var_build.db_path), "--by", "customer_id"])
    got = {row["customer_id"]: row for row in rows}
    assert_groups_equal(expected_by(lambda call: call.customer), got)
    # agent_name is a call and intent column, not a dimension of the daily mart.
    error = io.StringIO()
    with contextlib.redirect_stderr(error):
        code = aiue(["metrics", "--db", str(user_var_build.db_path), "--by", "agent_name"])
    assert code == 2
    assert "unknown dimension 'agent_name'" in error.getvalue()
    assert "tenant, customer_id" in error.getvalue()


# --- every engine -----------------------------------------------------------------------------


# Postgres only (CI time: a Spark build takes minutes here). On Spark the default pass-through
# column tenant_id is in the marts tests/test_engines.py compares, but null there.
@pytest.mark.parametrize("engine", ["postgres"])
def test_every_engine_gives_the_same_rows(
    request: pytest.FixtureRequest, duckdb_dump: dict[str, Any], engine: str
) -> None:
    other = request.getfixturevalue(f"{engine}_dump")
    for name, key in COMPARED.items():
        expected, got = duckdb_dump["tables"][name], other["tables"][name]
        assert got[0] == expected[0], name
        problems = differences(keyed(expected, key), keyed(got, key))
        assert not problems, f"{engine} {name}:\n" + "\n".join(problems[:20])
    by_tenant = {row["tenant_id"]: row for row in duckdb_dump["metrics"]}
    other_by_tenant = {row["tenant_id"]: row for row in other["metrics"]}
    assert other_by_tenant.keys() == by_tenant.keys()
    for tenant, row in by_tenant.items():
        for column, value in row.items():
            assert same_value(value, other_by_tenant[tenant][column]), (engine, tenant, column)


# --- --schema on every command that reads a build -----------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["budget"],
        ["export-focus", "--out", "allocated.csv"],
        ["report", "--out", "report.html"],
        ["whatif", "--feature", "support", "--model", "m-small"],
        ["metrics"],
        ["reconcile"],
    ],
)
def test_commands_read_the_marts_from_schema(
    passthrough_build: Build, command: list[str], tmp_path: Path
) -> None:
    """Each reads the schema it is given: one the build does not have is named in the error."""
    args = [str(tmp_path / arg) if arg.endswith((".csv", ".html")) else arg for arg in command]
    error = io.StringIO()
    with contextlib.redirect_stderr(error), contextlib.redirect_stdout(io.StringIO()):
        code = aiue([*args, "--db", str(passthrough_build.db_path), "--schema", "elsewhere_aiue"])
    assert code == 2
    assert "elsewhere_aiue" in error.getvalue()


def test_sql_groups_by_the_projects_pass_through_dimension() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue(["sql", "--metric", "cost_per_success", "--by", "tenant_id"]) == 0
    assert "group by tenant_id" in " ".join(out.getvalue().lower().split())
