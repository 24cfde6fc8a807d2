"""What a BI tool and a FinOps lead see around the numbers: a demo file DuckDB 1.x
opens, comments in the warehouse's catalog, a marts schema with only marts and metric views,
budgets judged on the last day with calls, and the notes `aiue run` prints."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import venv
from pathlib import Path
from typing import Any

import pytest

from ai_unit_economics.builder.pipeline import build_notes, run_pipeline
from ai_unit_economics.samples.synthetic import generate

from .conftest import FIXTURES, IN_CI, Build

pytestmark = [pytest.mark.dbt]

MARTS = "main_aiue"
# A monthly spend budget over every feature: the demo's October stands near 85% of it.
BUDGETS = (
    "budget_id,scope,scope_value,period,metric,limit_amount,warn_at,error_at,currency,"
    "valid_from,valid_to,note\n"
    "all_ai_monthly,feature,*,month,total_cost,100000,0.8,1.0,USD,2026-01-01,,every feature\n"
)
# A negotiated gpt-4o rate: the invoice covers those calls, so it only moves their estimate.
OVERRIDES = (
    "provider,model,usage_type,price_per_million,currency,valid_from,valid_to,source\n"
    "openai,gpt-4o,input,2.00,USD,2026-01-01,,negotiated\n"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The demo's sample (spans, labels, the FOCUS invoice with its credit and its billed day
    without calls), with a budget and a price override of a FinOps team's."""
    root = tmp_path_factory.mktemp("demo")
    data = root / "data"
    generate(data, n_intents=300, seed=42, billing=True)
    (data / "seeds").mkdir()
    (data / "seeds" / "aiue_budgets.csv").write_text(BUDGETS)
    (data / "seeds" / "aiue_model_price_overrides.csv").write_text(OVERRIDES)
    run_pipeline(data, root / "aiue.duckdb", full_refresh=True)
    return Build(data, root / "aiue.duckdb")


# --- a file any client opens -------------------------------------------------------------------


@pytest.fixture(scope="session")
def duckdb_1x() -> Path:
    """A Python with DuckDB 1.x (what BI tools and desktop clients bundle), in a venv of its
    own, made once and kept in the temp folder."""
    folder = Path(tempfile.gettempdir()) / "aiue-tests-duckdb-1x"
    python = folder / "bin" / "python"
    if not (folder / ".installed").exists():
        venv.create(folder, with_pip=True, clear=True)
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "duckdb>=1.0,<2"],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if install.returncode != 0:
            message = f"cannot install duckdb<2 into a venv: {install.stderr[-500:]}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        (folder / ".installed").touch()
    return python


READ_WITH_1X = """
import duckdb, json, sys
connection = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "views": {}}
for view in json.loads(sys.argv[2]):
    cursor = connection.execute(f"select * from {view}")
    rows = cursor.fetchall()
    out["views"][view] = {"rows": len(rows), "columns": [c[0] for c in cursor.description]}
print(json.dumps(out))
"""


def test_a_duckdb_1x_client_reads_every_metric_view(demo: Build, duckdb_1x: Path) -> None:
    views = demo.records(
        "select schema_name || '.' || view_name as name from duckdb_views() "
        f"where schema_name = '{MARTS}' and view_name like 'aiue\\_\\_metric\\_%' escape '\\' "
        "order by 1"
    )
    names = [row["name"] for row in views]
    assert len(names) >= 9
    result = subprocess.run(
        [str(duckdb_1x), "-c", READ_WITH_1X, str(demo.db_path), json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["version"].startswith("1.")
    for name in names:
        [(rows,)] = demo.query(f"select count(*) from {name}")
        assert read["views"][name]["rows"] == rows > 0, name
        [row] = demo.records(f"select * from {name} limit 1")
        assert read["views"][name]["columns"] == list(row), name


# --- the catalog: comments and schemas --------------------------------------------------------


def documented_relations(demo: Build) -> list[dict[str, Any]]:
    return demo.records(
        f"""
        select table_name as name, comment from duckdb_tables() where schema_name = '{MARTS}'
        union all
        select view_name, comment from duckdb_views()
        where schema_name = '{MARTS}' and not internal
        order by 1
        """
    )


def test_comments_reach_the_duckdb_catalog(demo: Build) -> None:
    """persist_docs: every mart and metric view, and every column the YAML documents, carries
    its description; a metric view's says its grain and how to re-aggregate it."""
    relations = documented_relations(demo)
    assert relations and all(row["comment"] for row in relations), relations
    views = [
        row for row in relations
        if row["name"].startswith("aiue__metric_") and row["name"] != "aiue__metric_settings"
    ]  # fmt: skip
    for view in views:
        assert "grain" in view["comment"], view
        assert "re-aggregate" in view["comment"] or "sum the sums" in view["comment"], view
    undocumented = demo.query(
        f"""
        select table_name, column_name from duckdb_columns()
        where schema_name = '{MARTS}' and comment is null and column_name <> 'tenant_id'
        """
    )
    assert undocumented == []  # tenant_id: a pass-through dimension the var names, not the YAML


def test_the_marts_schema_holds_only_marts_and_metric_views(demo: Build) -> None:
    by_schema: dict[str, list[str]] = {}
    for row in demo.records("select table_schema, table_name from information_schema.tables"):
        by_schema.setdefault(row["table_schema"], []).append(row["table_name"])
    marts = by_schema[MARTS]
    assert all(name.startswith("aiue__") or name == "aiue_time_spine_daily" for name in marts)
    assert "aiue__intents" in marts and "aiue__metric_cost_per_success" in marts
    staging, intermediate = by_schema[f"{MARTS}_staging"], by_schema[f"{MARTS}_intermediate"]
    assert "stg_aiue__focus_costs" in staging and "aiue_model_prices" in staging  # and seeds
    assert all(name.startswith("int_aiue__") for name in intermediate)
    assert "int_aiue__spans_validated" in intermediate


# --- FinOps ----------------------------------------------------------------------------------


def test_the_budget_as_of_day_is_the_last_day_with_calls(demo: Build) -> None:
    """The sample bills a day after its last call (2026-11-01, no calls): judging November on
    it said "$0, ok" while October stood at the warn share."""
    [days] = demo.records(
        f"""
        select max(date_day) as last_day,
            max(case when calls > 0 then date_day end) as last_call_day
        from {MARTS}.aiue__unit_economics_daily
        """
    )
    assert days["last_day"] > days["last_call_day"]  # the billing-only day is there
    [current] = demo.records(f"select * from {MARTS}.aiue__budget_status where is_current_period")
    assert current["as_of_date"] == current["evaluated_on"] == days["last_call_day"]
    assert current["period_start"].isoformat() == "2026-10-01"
    [spend] = demo.query(
        f"""
        select sum(total_cost) + sum(unallocated_cost) from {MARTS}.aiue__unit_economics_daily
        where date_day between date '2026-10-01' and date '{days["last_call_day"]}'
        """
    )
    assert float(current["spend"]) == pytest.approx(float(spend[0]), rel=1e-9)
    assert current["spend"] > 0


def test_run_notes_say_superseded_labels_and_outvoted_overrides(demo: Build) -> None:
    notes = build_notes("duckdb", demo.db_path)
    [(superseded,)] = demo.query(
        f"select count(*) from {MARTS}.aiue__rejected_outcomes "
        "where rejection_reason like 'superseded%'"
    )
    [(rejected,)] = demo.query(f"select count(*) from {MARTS}.aiue__rejected_outcomes")
    assert superseded > 0
    assert any(
        note.startswith(f"{superseded:,} outcome labels superseded by a later label")
        for note in notes
    ), notes
    invalid = rejected - superseded
    outcome_notes = [n for n in notes if "Rejected" in n and "aiue__rejected_outcomes" in n]
    assert outcome_notes == (
        [f"Rejected with a reason: {invalid:,} rows in {MARTS}.aiue__rejected_outcomes."]
        if invalid
        else []
    )
    [override] = [note for note in notes if note.startswith("Negotiated price overrides")]
    [(calls,)] = demo.query(
        f"select count(*) from {MARTS}.aiue__llm_calls where has_negotiated_price "
        "and cost_source in ('invoice_exact', 'invoice_share')"
    )
    assert calls > 0 and f"openai/gpt-4o ({calls:,} calls)" in override
    assert "--cost-basis estimate" in override


def test_a_superseded_label_alone_is_not_a_rejected_row(tmp_path: Path) -> None:
    """tests/fixtures/small relabels one intent and has no invalid outcome row and no
    override: one superseded label, no "Rejected with a reason", no override note."""
    db = tmp_path / "aiue.duckdb"
    run_pipeline(FIXTURES / "small", db)
    notes = build_notes("duckdb", db)
    assert notes[0].startswith("1 outcome label superseded by a later label of their intent")
    assert not [n for n in notes if "Rejected" in n or "Negotiated" in n], notes


# --- Postgres: comments in its catalog ----------------------------------------------------------


@pytest.mark.postgres
def test_comments_reach_the_postgres_catalog(postgres_server: Any, tmp_path: Path) -> None:
    import psycopg2

    env = postgres_server.env()
    admin = psycopg2.connect(
        host=env["AIUE_PG_HOST"], port=env["AIUE_PG_PORT"], user=env["AIUE_PG_USER"],
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("drop database if exists aiue_comments")
        cursor.execute("create database aiue_comments")
    admin.close()
    env = {**env, "AIUE_PG_DBNAME": "aiue_comments"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        run_pipeline(
            FIXTURES / "small", tmp_path / "aiue.duckdb", target="postgres", full_refresh=True
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    connection = psycopg2.connect(
        host=env["AIUE_PG_HOST"], port=env["AIUE_PG_PORT"], user=env["AIUE_PG_USER"],
        dbname="aiue_comments",
    )  # fmt: skip
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                select c.relname, obj_description(c.oid, 'pg_class')
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public_aiue' and c.relkind in ('r', 'v')
                order by 1
                """
            )
            relations = cursor.fetchall()
            cursor.execute(
                """
                select c.relname, a.attname
                from pg_attribute a
                join pg_class c on c.oid = a.attrelid
                join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public_aiue' and c.relkind in ('r', 'v')
                    and a.attnum > 0 and not a.attisdropped and a.attname <> 'tenant_id'
                    and col_description(c.oid, a.attnum) is null
                """
            )
            undocumented = cursor.fetchall()
            cursor.execute(
                "select nspname from pg_namespace where nspname like 'public_aiue%' order by 1"
            )
            schemas = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    assert relations and all(comment for _, comment in relations), relations
    views = dict(relations)
    assert "sum the sums" in views["aiue__metric_cost_per_success"]
    assert undocumented == []
    assert schemas == [
        "public_aiue", "public_aiue_intermediate", "public_aiue_raw", "public_aiue_staging"
    ]  # fmt: skip


def test_credits_are_shown_as_credits(
    demo: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sample's OpenAI promotional credit names no call: it read as "negative unallocated"
    beside "+0.0% variance". It is a credit, and the variance says what it covers."""
    from ai_unit_economics.cli import main as aiue
    from ai_unit_economics.finops.reconciliation import reconciliation_by_provider

    [(credit,)] = demo.query(
        f"select sum(billed_cost) from {MARTS}.aiue__billing_lines where charge_category = 'Credit'"
    )
    assert credit < 0
    openai = next(r for r in reconciliation_by_provider(demo.db_path) if r["provider"] == "openai")
    assert openai["credits"] == credit
    assert aiue(["reconcile", "--db", str(demo.db_path)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("provider"))
    assert "credits $" in header and "on billed $" in header
    row = next(line for line in out.splitlines() if line.startswith("openai")).split()
    assert row[2] == f"{credit:,.2f}"  # the credits column
    assert not row[4].startswith("-")  # unallocated without the credit
    assert "billed = allocated + unallocated + credits" in out.replace("\n  ", " ")
    assert aiue(["metrics", "--db", str(demo.db_path)]) == 0
    out = capsys.readouterr().out.replace("\n  ", " ")
    assert f"credits -${-credit:,.2f}: money the invoice gives back" in out
    assert "unallocated -$" not in out
    assert aiue(["export-focus", "--db", str(demo.db_path), "--out", str(tmp_path / "f.csv")]) == 0
    out = capsys.readouterr().out.replace("\n  ", " ")
    assert f"credits -${-credit:,.2f} (money back naming no call)" in out
