"""Any warehouse: the same inputs give the same numbers on DuckDB, Postgres and Spark.

One generated dataset (random intents + the article scenarios, a FOCUS invoice written for its
days, and seed overrides with a price change, a negotiated rate, an FX rate, a GPU lease and a
labour rate that does not divide evenly) is built with `aiue run --target ...` on each engine:
DuckDB and Postgres in this process, Spark in child processes (dbt-spark starts its JVM in the
process that runs it, and Derby lets one process at a time open the metastore). The marts are
compared row by row with DuckDB's after sorting on their keys: keys and counts exactly, money and
ratios to 1e-9 relative. Each build runs the dbt data tests, conservation included.

Postgres and Spark come from tests/harness (a throwaway PostgreSQL 15 server; a local Spark
session). An engine that cannot start skips its tests here and fails them when CI=true.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.engines.registry import engine as engine_named
from ai_unit_economics.engines.warehouse import mart_schema, query, staging_schema
from ai_unit_economics.metrics import catalogue, sqlgen
from ai_unit_economics.metrics import generate as generated
from ai_unit_economics.project import RAW_SCHEMA
from ai_unit_economics.samples.synthetic import generate
from tests import anomaly_fixture
from tests.harness.unit_tests import conditional_unit_tests, defined_unit_tests, not_passed
from tests.mart_comparison import MARTS, REL_TOL, differences, keyed, keyed_records

pytestmark = [pytest.mark.dbt, pytest.mark.spark]

ROOT = Path(__file__).resolve().parents[1]
HAND_FIXTURES = ROOT / "tests" / "fixtures"
BIN = Path(sys.executable).parent

# The raw tables the loaders write (aiue_raw), compared as text by source row.
RAW_TABLES = ("genai_spans", "outcomes", "focus_costs")
# Seeds whose text has quotes and backslashes (dbt-spark session seeds need escaping).
SEEDS = ("aiue_focus_sku_map", "aiue_model_price_overrides")
# The metric views `dbt build` creates beside the marts, keyed by their dimensions.
METRIC_VIEWS: dict[str, tuple[str, ...]] = {
    sqlgen.view_model_name(item): catalogue.dimensions_for(catalogue.metric_grain(item))
    for item in catalogue.METRICS
}
# The month and all-time views (their billing-only rows divide by zero nowhere, Postgres
# included) and the build's settings.
METRIC_VIEWS[generated.MONTH_VIEW] = (catalogue.MONTH_DIMENSION, *generated.GROUP_DIMENSIONS)
METRIC_VIEWS[generated.ALL_TIME_VIEW] = generated.GROUP_DIMENSIONS
METRIC_VIEWS[generated.SETTINGS_VIEW] = ("confidence_level", "min_sample_intents")
METRICS_BY = ["feature_tag", "response_model"]


# --- the dataset ------------------------------------------------------------------------------

FOCUS_COLUMNS = [
    "BilledCost", "EffectiveCost", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd",
    "ChargeCategory", "ChargeFrequency", "ChargeDescription", "ServiceCategory", "ServiceName",
    "ProviderName", "PricingQuantity", "PricingUnit", "ConsumedQuantity", "ConsumedUnit",
    "x_request_id", "Tags",
]  # fmt: skip
AI = "AI and Machine Learning"


def _focus_row(cost: str, currency: str, day: str, description: str, **extra: str) -> dict:
    start = extra.pop("start", f"{day} 00:00:00")
    return {
        "BilledCost": cost,
        "EffectiveCost": extra.pop("effective", cost),
        "BillingCurrency": currency,
        "ChargePeriodStart": start,
        "ChargePeriodEnd": extra.pop("end", ""),
        "ChargeCategory": extra.pop("category", "Usage"),
        "ChargeFrequency": "Usage-Based",
        "ChargeDescription": description,
        "ServiceCategory": extra.pop("service_category", AI),
        "ServiceName": extra.pop("service", "OpenAI API"),
        "ProviderName": extra.pop("provider", "OpenAI"),
        "Tags": extra.pop("tags", "NULL"),
        **extra,
    }


def _a_call(spans: Path, provider: str, day: str) -> str:
    """The response_id of the first call of `provider` on `day` (for an exact invoice row)."""
    with spans.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                row["operation_name"] == "chat"
                and row["provider_name"] == provider
                and row["start_time"].startswith(day)
                and row["response_id"]
            ):
                return row["response_id"]
    raise AssertionError(f"no {provider} call on {day} in {spans}")


def write_focus(data: Path) -> None:
    """An invoice for the generated window: every allocation kind, credits, FX, bad rows."""
    request_id = _a_call(data / "genai_spans.csv", "openai", "2026-09-05")
    rows = [
        # token buckets (SKU map), with 10-digit amounts and a credit in the same bucket
        _focus_row("0.0123456789", "USD", "2026-09-10", "gpt-4o-mini, input",
                   PricingQuantity="0.08", PricingUnit="1M Tokens"),
        _focus_row("0.0234567891", "USD", "2026-09-10", "gpt-4o-mini, output"),
        _focus_row("0.0011111111", "USD", "2026-09-10", "gpt-4o-mini, cached input"),
        _focus_row("0.5", "USD", "2026-09-11", "gpt-4o, input", effective="0.45"),
        _focus_row("0.7", "USD", "2026-09-11", "gpt-4o, output", ConsumedQuantity="70000",
                   ConsumedUnit="Tokens"),
        _focus_row("-0.05", "USD", "2026-09-11", "gpt-4o, output", category="Credit"),
        # a bucket that nets below zero: not split
        _focus_row("-0.2", "USD", "2026-09-12", "gpt-4-turbo, input", category="Credit"),
        # exact: names a call's request id
        _focus_row("0.0042", "USD", "2026-09-05", "gpt-4o-mini, input", x_request_id=request_id),
        # provider-level token charge, ISO timestamp with Z
        _focus_row("0.03", "USD", "2026-09-11", "Other input tokens",
                   start="2026-09-11T00:00:00Z"),
        # EUR with an FX rate two days old, and EUR with none within the allowed age
        _focus_row("0.0987654321", "EUR", "2026-09-11", "claude-3-5-haiku input",
                   provider="Anthropic", service="Claude API"),
        _focus_row("0.25", "EUR", "2026-10-20", "claude-3-5-haiku output",
                   provider="Anthropic", service="Claude API"),
        # platform cost tagged with a feature, and with a JSON null request id
        _focus_row("0.30", "USD", "2026-09-10", "Vector database read units",
                   provider="Pinecone", service="Vector database",
                   tags='{"feature_tag": "support_chat", "env": "prod"}'),
        _focus_row("0.05", "USD", "2026-09-12", "Embeddings cache", provider="Redis",
                   service="Cache", tags='{"request_id": null, "feature_tag": "search_answers"}'),
        # self-hosted compute tagged with a model (replaces that day's GPU seed line)
        _focus_row("12.0", "USD", "2026-09-03", "GPU node hours", provider="Google Cloud",
                   service="Vertex AI endpoints", ConsumedQuantity="24", ConsumedUnit="Hours",
                   tags='{"aiue_model": "gemini-2.0-flash", "aiue_provider": "google"}'),
        # an AI usage charge no SKU map row knows (Microsoft: the azure.ai.openai calls, none
        # that day), a credit nobody can attribute, fine-tuning training (not allocable);
        # not AI at all; a bad value
        _focus_row("0.25", "USD", "2026-09-10", "Azure AI Search S1", provider="Microsoft",
                   service="Azure AI Search"),
        _focus_row("-0.07", "USD", "2026-09-12", "Promotional credit", category="Credit"),
        _focus_row("3.5", "USD", "2026-09-12", "gpt-4o-mini-2024-07-18 fine-tuning training"),
        _focus_row("1.00", "USD", "2026-09-10", "EC2 m5.large", provider="AWS",
                   service="Amazon Elastic Compute Cloud", service_category="Compute"),
        _focus_row("12,5", "USD", "2026-09-10", "bad export row"),
    ]  # fmt: skip
    with (data / "focus_costs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FOCUS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def add_snapshot_calls(data: Path) -> None:
    """Calls on dated snapshot names: one whose family has a price (and an invoice bucket on
    2026-09-11), one whose family has none (the regex family fallback on every engine)."""
    path = data / "genai_spans.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        columns = csv.DictReader(handle).fieldnames or []
    common = {"operation_name": "chat", "status_code": "OK", "feature_tag": "support_chat"}
    rows = [
        {**common, "trace_id": "f" * 32, "span_id": "f" * 16, "intent_id": "snapshot-1",
         "start_time": "2026-09-11T09:00:00Z", "provider_name": "anthropic",
         "response_model": "claude-3-5-haiku-20241022", "input_tokens": "1200",
         "output_tokens": "300"},
        {**common, "trace_id": "e" * 32, "span_id": "e" * 16, "intent_id": "snapshot-2",
         "start_time": "2026-09-11T09:30:00Z", "provider_name": "openai",
         "response_model": "gpt-4-0613", "input_tokens": "500", "output_tokens": "50"},
    ]  # fmt: skip
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=columns, lineterminator="\n").writerows(rows)


def _append_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """Rewrite `path` (a CSV) with `rows` added, its header the union of both (empty cells
    where a row has no such column)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        existing, columns = list(reader), list(reader.fieldnames or [])
    columns += [name for row in rows for name in row if name not in columns]
    columns = list(dict.fromkeys(columns))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing + rows)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def add_hand_fixtures(data: Path, scratch: Path) -> None:
    """The hand-computed fixtures inside the dataset, so their numbers are checked on every
    engine: tests/fixtures/small, tests/fixtures/runaway (features f1, f2 and loop, provider
    acme, January 2026) and the anomalies fixture (support, search and triage, June-July 2026).
    Their features, providers and months are their own, so the rest of the dataset leaves
    their numbers as their READMEs derive them (write_seeds adds their seed rows)."""
    anomalies = anomaly_fixture.write(scratch / "anomalies")
    for folder in (HAND_FIXTURES / "small", HAND_FIXTURES / "runaway", anomalies):
        for name in ("genai_spans.csv", "outcomes.csv"):
            _append_csv(data / name, _csv_rows(folder / name))


def hand_fixture_seed_rows(seed: str) -> list[str]:
    """The hand fixtures' own rows of `seed` (header left out)."""
    rows: list[str] = []
    for folder in ("small", "runaway"):
        path = HAND_FIXTURES / folder / "seeds" / f"{seed}.csv"
        lines = path.read_text().splitlines()[1:] if path.exists() else []
        rows += [line for line in lines if line not in rows]
    return rows


def write_seeds(data: Path) -> None:
    """Seed copies: a mid-window list-price change, a negotiated rate (its source has a quote
    and a backslash, which Spark seeds must keep), FX, a GPU lease, a 7 min x $50/h ticket,
    outcome values (support_chat's own, and '*' only from mid-window)."""
    seeds = data / "seeds"
    seeds.mkdir()
    prices = (ROOT / "seeds" / "aiue_model_prices.csv").read_text().splitlines()
    old = "anthropic,claude-3-5-haiku,output,4.00,USD,2024-11-04,,anthropic list price"
    assert old in prices, "the bundled claude-3-5-haiku output price changed; update this test"
    prices[prices.index(old)] = old.replace("2024-11-04,,", "2024-11-04,2026-09-20,")
    prices.append("anthropic,claude-3-5-haiku,output,3.3333333,USD,2026-09-20,,price change")
    prices += hand_fixture_seed_rows("aiue_model_prices")
    (seeds / "aiue_model_prices.csv").write_text("\n".join(prices) + "\n")
    (seeds / "aiue_model_price_overrides.csv").write_text(
        "provider,model,usage_type,price_per_million,currency,valid_from,valid_to,source\n"
        'openai,gpt-4o-mini,input,0.12,USD,2026-10-01,,"FinOps\' rate \\ Q4, ""signed"""\n'
    )
    (seeds / "aiue_fx_rates.csv").write_text(
        "currency,reporting_currency,rate_date,rate,source\nEUR,USD,2026-09-09,1.0876543210,ecb\n"
    )
    (seeds / "aiue_gpu_rates.csv").write_text(
        "provider,model,gpu_type,gpu_count,price_per_gpu_hour,currency,tokens_per_gpu_hour,"
        "valid_from,valid_to,source\n"
        "google,gemini-2.0-flash,A100,1,2.5,USD,1000000,2026-09-01,2026-09-08,lease\n"
    )
    escalations = (ROOT / "seeds" / "aiue_escalation_costs.csv").read_text()
    (seeds / "aiue_escalation_costs.csv").write_text(
        escalations.rstrip("\n") + "\nsupport_chat,*,7,50,,USD,2024-01-01,\n"
    )
    (seeds / "aiue_outcome_values.csv").write_text(
        "feature_tag,value_per_success,currency,valid_from,valid_to,note\n"
        "support_chat,12.5,USD,2024-01-01,,deflected ticket\n"
        "*,3,USD,2026-09-15,,any other success\n"
        + "".join(f"{row}\n" for row in hand_fixture_seed_rows("aiue_outcome_values"))
    )


def outcomes_as_typed_parquet(data: Path) -> None:
    """outcomes.csv -> outcomes.parquet with boolean and timestamp columns, as a warehouse
    export would write it: every loader must turn them into the same text."""
    csv_path, parquet_path = data / "outcomes.csv", data / "outcomes.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select
                    intent_id,
                    cast(is_success as boolean) as is_success,
                    cast(is_escalated as boolean) as is_escalated,
                    cast(is_human_reviewed as boolean) as is_human_reviewed,
                    signal,
                    escalation_channel,
                    cast(labeled_at as timestamp) as labeled_at
                from read_csv('{csv_path}', all_varchar = true)
            ) to '{parquet_path}' (format parquet)
            """
        )
    csv_path.unlink()


@pytest.fixture(scope="module")
def engine_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = (tmp_path_factory.mktemp("engines") / "data").resolve()
    generate(data, n_intents=300, seed=5)
    add_snapshot_calls(data)
    add_hand_fixtures(data, data.parent)
    outcomes_as_typed_parquet(data)
    write_focus(data)
    write_seeds(data)
    return data


# --- one build per engine ---------------------------------------------------------------------


@dataclass
class EngineBuild:
    target: str
    seconds: float  # wall time of `aiue run` (Spark: of its process, JVM start included)
    marts: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    raw: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    metrics: list[dict[str, Any]]
    test_results: dict[str, str] = field(default_factory=dict)  # dbt data test -> status
    unit_test_results: dict[str, str] = field(default_factory=dict)  # model.unit test -> status


def dump(target: str, db_path: Path | None = None) -> dict[str, Any]:
    """The raw tables, the compared marts and `aiue metrics --format json` of `target`."""
    schema = mart_schema(target)
    marts = {
        name: query(target, f"select * from {schema}.{name}", db_path)
        for name in [*MARTS, *METRIC_VIEWS]
    }
    raw_schema = engine_named(target).raw_schema()
    raw = {
        name: query(target, f"select * from {raw_schema}.{name}", db_path) for name in RAW_TABLES
    }
    seeds = staging_schema(target)  # the seeds build beside the staging models
    raw |= {name: query(target, f"select * from {seeds}.{name}", db_path) for name in SEEDS}
    args = ["metrics", "--target", target, "--format", "json", "--by", ",".join(METRICS_BY)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue([*args, "--db", str(db_path)] if db_path else args) == 0
    return {"marts": marts, "raw": raw, "metrics": json.loads(out.getvalue())}


# Run by the Spark child process that reads the build back: argv = repo root, target, out file.
DUMP_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from tests.test_engines import dump
with open(sys.argv[3], "wb") as handle:
    pickle.dump(dump(sys.argv[2]), handle)
"""


def run_results(work: Path) -> dict[str, Any]:
    """The run_results.json of the last build whose --db was in `work`: dbt's files are in
    .aiue/target/ for DuckDB and in .aiue/<target>/<schema>/target/ for a server's schema."""
    found = list((work / ".aiue").glob("**/target/run_results.json"))
    assert found, f"no run_results.json under {work / '.aiue'}"
    return json.loads(max(found, key=lambda path: path.stat().st_mtime).read_text())


def data_test_results(work: Path) -> dict[str, str]:
    results = run_results(work)
    return {
        item["unique_id"].split(".")[2]: item["status"]
        for item in results["results"]
        if item["unique_id"].startswith("test.")
    }


def unit_test_results(work: Path) -> dict[str, str]:
    """`model.unit_test` -> status, from the run's run_results.json."""
    results = run_results(work)
    return {
        ".".join(item["unique_id"].split(".")[2:]): item["status"]
        for item in results["results"]
        if item["unique_id"].startswith("unit_test.")
    }


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_in_process(target: str, data: Path, work: Path, env: dict[str, str]) -> EngineBuild:
    db_path = work / "aiue.duckdb"
    with environment(env):
        started = time.monotonic()
        run = [
            "run",
            "--unit-tests",
            "--full-refresh",  # this folder alone, whatever an earlier test left in the schema
            "--input",
            str(data),
            "--target",
            target,
            "--db",
            str(db_path),
        ]
        assert aiue(run) == 0
        seconds = time.monotonic() - started
        dumped = dump(target, db_path if target == "duckdb" else None)
    print(f"\n{target} build: {seconds:.1f} s")
    return EngineBuild(
        target,
        seconds,
        **dumped,
        test_results=data_test_results(work),
        unit_test_results=unit_test_results(work),
    )


def run_child(args: list[str], cwd: Path, env: dict[str, str], what: str) -> None:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")}
    result = subprocess.run(
        args, cwd=cwd, env={**child_env, **env}, capture_output=True, text=True, timeout=1500
    )
    assert result.returncode == 0, (
        f"{what} failed:\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
    )


def spark_cli(args: list[str], work: Path, env: dict[str, str], what: str) -> None:
    """`aiue <args> --target spark` in a child process of its own (one Spark session per
    process, as a user runs it), with .aiue/ beside work/aiue.duckdb."""
    cli = [sys.executable, "-m", "ai_unit_economics.cli", *args]
    run_child([*cli, "--target", "spark", "--db", str(work / "aiue.duckdb")], work, env, what)


def spark_dump(work: Path, env: dict[str, str], script: str = DUMP_SCRIPT) -> Any:
    """What `script` (argv: repo root, target, out file; DUMP_SCRIPT: dump("spark")) reads in a
    second child process: a fresh session from profiles.yml, as `aiue metrics --target spark`
    gets it."""
    out = work / "dump.pickle"
    run_child([sys.executable, "-c", script, str(ROOT), "spark", str(out)], work, env, "read-back")
    with out.open("rb") as handle:
        return pickle.load(handle)


@pytest.fixture(scope="module")
def duckdb_build(engine_input: Path, tmp_path_factory: pytest.TempPathFactory) -> EngineBuild:
    return build_in_process("duckdb", engine_input, tmp_path_factory.mktemp("duckdb"), {})


@pytest.fixture(scope="module")
def postgres_build(
    postgres_server: Any, engine_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> EngineBuild:
    work = tmp_path_factory.mktemp("postgres")
    return build_in_process("postgres", engine_input, work, postgres_server.env())


@pytest.fixture(scope="module")
def spark_build(
    spark_engine: dict[str, str], engine_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> EngineBuild:
    """`aiue run --target spark` in one child process, the read-back in a second one (a fresh
    session from profiles.yml, as `aiue metrics --target spark` gets it)."""
    work = tmp_path_factory.mktemp("spark")
    started = time.monotonic()
    run = ["run", "--unit-tests", "--full-refresh", "--input", str(engine_input)]
    spark_cli(run, work, spark_engine, "spark run")
    seconds = time.monotonic() - started
    dumped = spark_dump(work, spark_engine)
    print(
        f"\nspark build: {seconds:.1f} s (read-back {time.monotonic() - started - seconds:.1f} s)"
    )
    return EngineBuild(
        "spark",
        seconds,
        **dumped,
        test_results=data_test_results(work),
        unit_test_results=unit_test_results(work),
    )


ENGINES = ["duckdb", "postgres", "spark"]
OTHER_ENGINES = ["postgres", "spark"]


def engine_build(request: pytest.FixtureRequest, engine: str) -> EngineBuild:
    return request.getfixturevalue(f"{engine}_build")


# --- tests: the same numbers everywhere ------------------------------------------------------


def _rows(build: EngineBuild, mart: str) -> list[dict[str, Any]]:
    return list(keyed(build.marts[mart], MARTS[mart]).values())


def _close(actual: Any, expected: float) -> bool:
    return actual is not None and math.isclose(float(actual), expected, rel_tol=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_hand_computed_fixtures_hold_on_every_engine(
    request: pytest.FixtureRequest, engine: str
) -> None:
    """The numbers tests/fixtures/small/README.md, tests/fixtures/runaway/README.md and
    tests/anomaly_fixture.py derive by hand, read from each engine's build: the waste (failure
    share, attempts per success, cost per successful and failed intent), the tail, runaway
    intents, margin and the injected anomalies."""
    build = engine_build(request, engine)
    metrics = {(r["feature_tag"], r["response_model"]): r for r in build.metrics}
    waste = {
        # (feature, model): failed cost, total cost, successes, intents, value per success
        ("f1", "model-a"): (17.009, 17.0178, 1, 2, 20.0),
        ("loop", "model-a"): (0.00402, 0.04302, 2, 4, 1.0),
    }
    for key, (failed, total, successes, intents, value) in waste.items():
        record = metrics[key]
        assert (record["intents"], record["successful_intents"]) == (intents, successes), key
        expected = {
            "failed_total_cost": failed,
            "failure_cost_share": failed / total,
            "attempts_per_success": intents / successes,
            "cost_per_success": total / successes,
            "cost_per_successful_intent": (total - failed) / successes,
            "cost_per_failed_intent": failed / (intents - successes),
            "value_per_success": value,
            "margin_per_success": value - total / successes,
        }
        wrong = {k: record[k] for k, v in expected.items() if not _close(record[k], v)}
        assert not wrong, (engine, key, wrong, expected)

    tails = {
        (r["feature_tag"], r["response_model"]): r
        for r in _rows(build, "aiue__intent_cost_percentiles")
        if r["feature_tag"] in ("f1", "loop") and r["provider_name"] == "acme"
    }
    expected_tails = {("f1", "model-a"): (0.0088, 17.009), ("loop", "model-a"): (0.003, 0.036)}
    for key, (p50, p95) in expected_tails.items():
        row = tails[key]
        assert str(row["date_month"])[:10] == "2026-01-01"
        assert [
            _close(row[f"p{p}_cost_per_intent"], v) for p, v in ((50, p50), (95, p95), (99, p95))
        ] == [True] * 3, (engine, key, row)
        assert _close(row["max_cost_per_intent"], p95)

    runaways = {
        r["intent_id"]: r
        for r in _rows(build, "aiue__runaway_intents")
        if r["feature_tag"] in ("f1", "f2", "loop")
    }
    assert {i: r["runaway_reason"] for i, r in runaways.items()} == {
        "loop-3": "cost",
        "loop-4": "calls",
    }
    assert _close(runaways["loop-3"]["feature_median_machine_cost"], 0.003)
    assert _close(runaways["loop-3"]["cost_multiple"], 12.0)
    assert (runaways["loop-4"]["calls"], runaways["loop-4"]["feature_intents"]) == (51, 4)

    fixture_features = {feature.name for feature in anomaly_fixture.FEATURES}
    found = {
        (r["feature_tag"], str(r["date_day"])[:10], r["measure"])
        for r in _rows(build, "aiue__anomalies")
        if r["feature_tag"] in fixture_features and r["is_anomaly"]
    }
    assert found == {(f, d.isoformat(), m) for f, d, m in anomaly_fixture.EXPECTED}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_unit_test_passes_on_every_engine(
    request: pytest.FixtureRequest, engine: str
) -> None:
    """`aiue run --unit-tests` runs each dbt unit test in the models' YAML that this
    configuration enables (a flat build: all but those of a build of every span layout, which
    tests/test_telemetry_engines.py runs), and each passes."""
    defined = defined_unit_tests()
    assert len(defined) >= 11
    results = engine_build(request, engine).unit_test_results
    assert defined - conditional_unit_tests() <= set(results) <= defined
    assert {name for name, status in results.items() if status != "pass"} == set()


def test_a_run_leaves_the_unit_tests_out(scenario_build: Any) -> None:
    """A production `aiue run` runs the data tests on the data, not the package's own unit
    tests on fixed rows (dbt's advice: unit tests belong in development and CI)."""
    assert unit_test_results(scenario_build.db_path.parent) == {}
    data_tests = data_test_results(scenario_build.db_path.parent)
    for mart in ("aiue__llm_calls", "aiue__intents", "aiue__unit_economics_daily"):
        assert any(mart in name for name in data_tests), f"no data test on {mart} ran"
    assert len(data_tests) > 50


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("mart", list(MARTS))
def test_marts_equal_duckdb_row_by_row(
    request: pytest.FixtureRequest, duckdb_build: EngineBuild, engine: str, mart: str
) -> None:
    other = engine_build(request, engine)
    expected_columns, expected_rows = duckdb_build.marts[mart]
    actual_columns, actual_rows = other.marts[mart]
    assert actual_columns == expected_columns
    assert len(actual_rows) == len(expected_rows) > 0
    expected = keyed(duckdb_build.marts[mart], MARTS[mart])
    problems = differences(expected, keyed(other.marts[mart], MARTS[mart]))
    assert not problems, f"{engine} {mart}: {len(problems)} differences, e.g.\n" + "\n".join(
        problems[:20]
    )


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("view", list(METRIC_VIEWS))
def test_metric_views_equal_duckdb_row_by_row(
    request: pytest.FixtureRequest, duckdb_build: EngineBuild, engine: str, view: str
) -> None:
    """`dbt build` creates each metric view on every engine, with the same rows."""
    other = engine_build(request, engine)
    assert other.marts[view][0] == duckdb_build.marts[view][0]
    expected = keyed(duckdb_build.marts[view], METRIC_VIEWS[view])
    assert len(expected) > 0
    problems = differences(expected, keyed(other.marts[view], METRIC_VIEWS[view]))
    assert not problems, f"{engine} {view}: {len(problems)} differences, e.g.\n" + "\n".join(
        problems[:20]
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_metrics_prints_counts_as_whole_numbers(
    request: pytest.FixtureRequest, engine: str
) -> None:
    """`aiue metrics --format json` gives counts as integers on every engine (Postgres sums
    integers into numeric, which arrives as Decimal) and money as floats."""
    records = engine_build(request, engine).metrics
    assert records
    for record in records:
        for column in ("intents", "labeled_intents", "successful_intents", "calls", "tokens"):
            assert type(record[column]) is int, (engine, column, record[column])
        assert type(record["total_cost"]) is float


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("table", RAW_TABLES)
def test_loaders_write_the_same_raw_text(
    request: pytest.FixtureRequest, duckdb_build: EngineBuild, engine: str, table: str
) -> None:
    """load_postgres / load_spark keep load_duckdb's contract: the same lower-case columns,
    the same text in every cell (typed Parquet columns included), the same 1-based rows."""
    other = engine_build(request, engine)
    assert other.raw[table][0] == duckdb_build.raw[table][0]
    expected = keyed(duckdb_build.raw[table], ("_aiue_source_row",))
    assert list(expected)[:1] == [(1,)] and list(expected)[-1] == (len(expected),)
    assert not differences(expected, keyed(other.raw[table], ("_aiue_source_row",)))


TRICKY_SPANS = (
    "Trace_ID,SPAN_ID,start_time,Note,input_tokens\n"
    't1,s1,2026-09-01T00:00:00Z,"comma, inside",10\n'
    't1,s2,2026-09-01 00:00:01,"a ""quoted"" word",\n'
    't1,s3,2026-09-01T00:00:02+02:00,"two\nlines",NULL\n'
    't1,s4,,  padded  ,""\n'
    "t1,s5,2026-09-01,café ☕ \\d,7\n"
)


def test_postgres_loader_keeps_load_duckdbs_contract(postgres_server: Any, tmp_path: Path) -> None:
    """Quoting, multi-line cells, NULL and empty cells, non-ASCII, header case, a typed
    Parquet file and a missing optional input: Postgres gets exactly DuckDB's raw tables."""
    from ai_unit_economics.engines.postgres import load_postgres
    from ai_unit_economics.ingest.inputs import find_inputs
    from ai_unit_economics.ingest.loaders import load_duckdb

    data = tmp_path / "data"
    data.mkdir()
    (data / "genai_spans.csv").write_text(TRICKY_SPANS, encoding="utf-8")
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select * from (values
                    (8e-07, 2, true, timestamp '2026-09-01 10:00:00', 'USD', '{{"b": 1}}'),
                    (1.5, null, false, null, 'EUR', '{{"a": "b"}}')
                ) as t("BilledCost", "PricingQuantity", "x_Flag", "ChargePeriodStart",
                       "BillingCurrency", "Tags")
            ) to '{data / "focus_costs.parquet"}' (format parquet)
            """
        )
    inputs = find_inputs(data)
    db_path = tmp_path / "aiue.duckdb"
    expected_counts = load_duckdb(db_path, inputs)
    with environment(postgres_server.env()):
        assert (
            load_postgres(inputs)
            == expected_counts
            == {
                "genai_spans": 5,
                "outcomes": 0,
                "focus_costs": 2,
            }
        )
        for table in inputs:
            sql = f"select * from {RAW_SCHEMA}.{table}"
            expected_columns, expected_rows = query("duckdb", sql, db_path)
            columns, rows = query("postgres", sql)
            assert columns == expected_columns, table
            assert sorted(rows, key=repr) == sorted(expected_rows, key=repr), table


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_seeds_load_the_same_text(
    request: pytest.FixtureRequest, duckdb_build: EngineBuild, engine: str
) -> None:
    """Quotes, backslashes and empty cells in seeds survive on every engine."""
    other = engine_build(request, engine)
    for seed in SEEDS:
        expected_columns, expected_rows = duckdb_build.raw[seed]
        columns, rows = other.raw[seed]
        assert columns == expected_columns
        assert sorted(rows, key=repr) == sorted(expected_rows, key=repr), seed
    [(*_, source)] = duckdb_build.raw["aiue_model_price_overrides"][1]
    assert source == 'FinOps\' rate \\ Q4, "signed"'


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_metrics_command_gives_the_same_numbers(
    request: pytest.FixtureRequest, duckdb_build: EngineBuild, engine: str
) -> None:
    """`aiue metrics --target <engine>` (its SQL in that engine's dialect) = on DuckDB."""
    other = engine_build(request, engine)
    expected = keyed_records(duckdb_build.metrics, tuple(METRICS_BY))
    assert len(expected) >= 5
    assert not differences(expected, keyed_records(other.metrics, tuple(METRICS_BY)))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_data_test_passes_conservation_included(
    request: pytest.FixtureRequest, engine: str
) -> None:
    results = engine_build(request, engine).test_results
    conservation = sorted(path.stem for path in (ROOT / "tests" / "data").glob("*conserved*.sql"))
    assert {"assert_money_conserved", "assert_spans_conserved"} <= set(conservation)
    assert {name: results.get(name) for name in conservation} == dict.fromkeys(conservation, "pass")
    assert len(results) > 50
    assert not_passed(results) == {}


def test_the_dataset_exercises_what_differs_between_engines(
    engine_input: Path, duckdb_build: EngineBuild
) -> None:
    """Retries, agent spans, unlabelled intents, cached tokens, price changes, negotiated
    rates, invoice allocation of every kind, FX, credits and uneven labour rates are all in
    the compared marts, so the comparison covers them."""
    with (engine_input / "genai_spans.csv").open(newline="", encoding="utf-8") as handle:
        operations = {row["operation_name"] for row in csv.DictReader(handle)}
    assert "invoke_agent" in operations  # agent spans: rejected as not_a_call everywhere
    calls = list(keyed(duckdb_build.marts["aiue__llm_calls"], ("trace_id", "span_id")).values())
    intents = list(keyed(duckdb_build.marts["aiue__intents"], ("intent_id",)).values())
    buckets = list(keyed(duckdb_build.marts["aiue__cost_reconciliation"], ("bucket_id",)).values())
    assert any(call["is_retry"] for call in calls)
    assert any(call["is_error"] for call in calls)
    assert any(call["cache_read_input_tokens"] for call in calls)
    assert any(call["has_negotiated_price"] for call in calls)
    haiku = [call for call in calls if call["response_model"] == "claude-3-5-haiku"]
    output_rates = {
        call["estimated_output_cost"] / call["output_tokens"]
        for call in haiku
        if call["output_tokens"]
    }
    assert len(output_rates) == 2  # a mid-window change
    assert {"invoice_exact", "invoice_share", "estimated"} <= {c["cost_source"] for c in calls}
    by_model = {call["response_model"]: call for call in calls}
    assert by_model["claude-3-5-haiku-20241022"]["priced_model"] == "claude-3-5-haiku"
    assert by_model["claude-3-5-haiku-20241022"]["cost_source"] == "invoice_share"
    assert by_model["gpt-4-0613"]["priced_model"] is None
    assert any(call["gpu_cost"] for call in calls) and any(call["platform_cost"] for call in calls)
    assert any(intent["label_state"] == "unlabeled" for intent in intents)
    assert any(intent["retry_calls"] for intent in intents)
    assert any(intent["escalation_cost"] == Decimal("5.833333333333333") for intent in intents)
    statuses = {bucket["reconciliation_status"] for bucket in buckets}
    assert {"allocated", "net_credit", "no_calls", "not_allocable", "unattributed", "unbilled"} <= (
        statuses
    )
    assert {"request", "token", "provider", "gpu", "feature"} <= {b["bucket_kind"] for b in buckets}
    assert any(bucket["billing_source"] == "gpu_rate_seed" for bucket in buckets)
    values = {intent["outcome_value_per_success"] for intent in intents}
    assert {None, Decimal("12.5"), Decimal("3")} <= values  # valued, by '*', and not at all
    runaways = duckdb_build.marts["aiue__runaway_intents"][1]
    assert runaways, "no runaway intent: the runaway rules go uncompared"
    columns, tails = duckdb_build.marts["aiue__intent_cost_percentiles"]
    counts = [row[columns.index("intents")] for row in tails]
    assert max(counts) >= 20  # P50, P95 and P99 are different ranks


# --- tests: nothing engine-specific in the models --------------------------------------------

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)
SQL_COMMENT = re.compile(r"--[^\n]*")

# pattern -> what to use instead. Each is known to differ between (or not exist on) the
# engines the package targets; the dispatched macros in macros/ hold the variants.
OFFENDERS = {
    r"::": "a :: cast: cast(... as ...)",
    r"\|\|": "the || operator: dbt.concat",
    r"\b(decimal|numeric|bignumeric|number)\s*\(": "a decimal type: type_money, type_decimal",
    r"\bas\s+(varchar|text|string|char|nvarchar|int|integer|bigint|smallint|int64|float|float4"
    r"|float8|float64|real|double|bool|number|numeric|decimal|timestamptz|datetime)\b": (
        "an engine type name: dbt.type_*(), ai_unit_economics.type_*()"
    ),
    r"\b(date_trunc|datetrunc|trunc|strftime|strptime|to_char|to_date|to_timestamp|date_format"
    r"|format_datetime|date_parse|datepart|date_part|extract|dayofweek|last_day)\s*\(": (
        "a date function: dbt.date_trunc, parse_date, parse_timestamp_utc"
    ),
    r"\b(date_add|dateadd|date_sub|datediff|date_diff|timestampadd|timestampdiff|add_months"
    r"|months_between)\s*\(|\binterval\b": "date arithmetic: add_days, dbt.dateadd",
    r"\b(regexp\w*|rlike|ilike|similar\s+to)\b|~": "a regex: regex_matches, regex_extract",
    r"\b(json\w*|get_json_object|parse_json|from_json|to_json)\b|->": "JSON: json_text_value",
    r"\b(try_cast|safe_cast|try_to_\w+)\b|\bsafe\.": "a safe cast: the parse_* macros",
    r"\b(nvl|nvl2|ifnull|iff|if|isnull|zeroifnull|nullifzero|decode)\s*\(": "coalesce, case",
    r"\bat\s+time\s+zone\b|\btime\s+zone\b|\b(convert_timezone|from_utc_timestamp"
    r"|to_utc_timestamp|timezone)\s*\(": "a time-zone conversion: parse_timestamp_utc",
    r"\b(split_part|string_agg|listagg|group_concat|array_agg|collect_list|collect_set|unnest"
    r"|explode|generate_series|sequence|strpos|instr|charindex|locate|position|md5|sha1|sha2"
    r"|sha256|len|char_length|concat_ws|format|printf)\s*\(": "dbt.* or a dispatched macro",
    r"\bqualify\b|\blimit\s+\d|\btop\s+\d|\bfilter\s*\(\s*where|\*\s*(exclude|except|replace)\b": (
        "non-portable query syntax"
    ),
    r"\b(now|getdate|sysdate|current_timestamp|current_date|localtimestamp)\b": (
        "the wall clock: builds must be reproducible"
    ),
    r"\b(bool_and|bool_or|every|logical_and|logical_or|count_if|any_value|arbitrary|median"
    r"|percentile_cont|approx_\w+)\s*\(": "a non-portable aggregate",
    r"\\": "a backslash: Spark reads it as an escape in string literals; use [.] in regexes",
    r"`": "a backtick identifier",
    r"\$\$|\be'": "an engine-specific string literal",
}


def sql_of_model(source: str) -> str:
    """The SQL a model writes itself: Jinja code removed, but the string literals inside it
    kept (they are SQL fragments passed to macros, like 'cast(date_day as ')."""
    fragments: list[str] = []

    def keep_fragments(match: re.Match[str]) -> str:
        for quoted in QUOTED.finditer(match.group(0)):
            fragments.append(quoted.group(1) if quoted.group(1) is not None else quoted.group(2))
        return " "

    text = JINJA_CODE.sub(keep_fragments, JINJA_COMMENT.sub(" ", source))
    return SQL_COMMENT.sub(" ", text) + "\n" + "\n".join(fragments)


def offenders(source: str) -> list[str]:
    text = sql_of_model(source)
    found = []
    for pattern, instead in OFFENDERS.items():
        for match in re.finditer(pattern, text, re.I):
            context = " ".join(text[max(0, match.start() - 30) : match.end() + 30].split())
            found.append(f"'{match.group(0)}' in '...{context}...' (use {instead})")
    return found


def test_no_model_contains_engine_specific_sql() -> None:
    models = sorted((ROOT / "models").rglob("*.sql"))
    assert len(models) > 20
    found = [
        f"{path.relative_to(ROOT)}: {hit}" for path in models for hit in offenders(path.read_text())
    ]
    assert not found, (
        "engine-specific SQL in models (move it into a dispatched macro):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "sql",
    [
        "select started_at::date from spans",
        "select trace_id || '-' || span_id as call_id",
        "cast(x as decimal(38, 6))",
        "cast(x as varchar)",
        "select {{ dbt.concat(['a', 'b']) }}, cast(y as string) from t",
        "date_trunc('day', started_at)",
        "dateadd(day, 1, d)",
        "where regexp_matches(model, '^gpt')",
        "where model ~ '^gpt'",
        "json_extract_string(tags, '$.feature')",
        "get_json_object(tags, '$.feature')",
        "try_cast(x as int)",
        "nvl(a, b)",
        "started_at at time zone 'UTC'",
        "{{ ai_unit_economics.parse_decimal('raw', 'decimal(20, 6)') }}",
        "select * from t qualify row_number() over (order by a) = 1",
        "where x rlike '\\\\d+'",
        "select current_date",
        "sum(x) filter (where y)",
    ],
)
def test_the_offender_check_catches_engine_specific_sql(sql: str) -> None:
    assert offenders(sql)


def test_the_offender_check_lets_macros_and_portable_sql_through() -> None:
    portable = """
        {#- a comment may say date_trunc, ::, json and regexp_like -#}
        select
            {{ dbt.concat(["'token|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')']) }} as id,
            {{ ai_unit_economics.regex_matches('model', '^gpt[.]4') }} as is_gpt4,
            cast(amount as {{ ai_unit_economics.type_money() }}) as amount,
            coalesce(a, 0) + greatest(count(distinct turn_index), 1) as turns,
            row_number() over (partition by k order by t desc nulls last) as rank_in_key
        from {{ ref('aiue__llm_calls') }}  -- no :: here either
        where lower(model) like '%token%'
    """
    assert offenders(portable) == []


# --- MetricFlow on Postgres -------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "target", "logs", "*.duckdb")
    dest.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("models", "macros", "seeds", "tests/data"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    return dest


def test_metricflow_on_postgres(
    postgres_server: Any, postgres_build: EngineBuild, tmp_path: Path
) -> None:
    """`mf validate-configs` passes against the Postgres build, and `mf query` gives the
    numbers `aiue metrics --target postgres` gives."""
    if not (ROOT / "models" / "semantic").is_dir():
        pytest.skip("no semantic layer (models/semantic) yet")
    project = copy_project(tmp_path / "project")
    env = {
        **os.environ,
        **postgres_server.env(),
        "AIUE_TARGET": "postgres",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    def run(*args: str) -> str:
        result = subprocess.run(
            args, cwd=project, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{args}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        return result.stdout

    run(str(BIN / "dbt"), "parse", "--profiles-dir", ".")
    validated = run(str(BIN / "mf"), "validate-configs")
    assert "ERRORS: 0" in validated
    assert "Successfully validated metrics against data warehouse" in validated
    out = tmp_path / "mf.csv"
    metrics = ["intents", "cost_per_success", "success_rate"]
    by = [f"{catalogue.INTENT.entity}__{name}" for name in METRICS_BY]
    run(str(BIN / "mf"), "query",
        "--metrics", ",".join(catalogue.semantic_name(name) for name in metrics),
        "--group-by", ",".join(by), "--csv", str(out))  # fmt: skip
    with out.open(newline="") as handle:
        mf = {
            tuple(row[name] or None for name in by): {
                name.removeprefix(catalogue.SEMANTIC_PREFIX): value for name, value in row.items()
            }
            for row in csv.DictReader(handle)
        }
    # (rows without intents carry only unallocated invoice money: not in the intents model)
    expected = {
        tuple(row[name] for name in METRICS_BY): row
        for row in postgres_build.metrics
        if row["intents"]
    }
    assert set(mf) == set(expected)
    for key, row in expected.items():
        got = mf[key]
        assert int(got["intents"]) == row["intents"]
        for metric in metrics[1:]:
            if row[metric] is None:
                assert got[metric] == ""
            else:
                assert math.isclose(float(got[metric]), row[metric], rel_tol=REL_TOL), metric
