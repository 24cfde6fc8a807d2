"""Tests for the synthetic data generator (no dbt, no warehouse)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.samples.synthetic import (
    OUTCOME_COLUMNS,
    SPAN_COLUMNS,
    generate,
    generate_scenarios,
)

Row = dict[str, str]

# Per-1M-token list prices of the scenario models (the article's figures).
PRICES: dict[str, tuple[Fraction, Fraction]] = {
    "gpt-4o-mini": (Fraction(15, 100), Fraction(60, 100)),
    "gpt-4-turbo": (Fraction(10), Fraction(30)),
    "gpt-4o": (Fraction(25, 10), Fraction(10)),
}
SCENARIOS = ("scenario_a_mini", "scenario_b_reasoning", "cpo_baseline", "cpo_cheaper_model")
TOKEN_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "reasoning_output_tokens",
)
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("full"), n_intents=2000, seed=42)


@pytest.fixture(scope="module")
def spans(full: dict[str, Path]) -> list[Row]:
    return read(full["genai_spans"])[1]


@pytest.fixture(scope="module")
def outcomes(full: dict[str, Path]) -> list[Row]:
    return read(full["outcomes"])[1]


@pytest.fixture(scope="module")
def scenario_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Row], list[Row]]:
    paths = generate_scenarios(tmp_path_factory.mktemp("scenarios"))
    return read(paths["genai_spans"])[1], read(paths["outcomes"])[1]


def key(row: Row) -> str:
    return row["intent_id"] or row["conversation_id"]


def token_cost(rows: list[Row]) -> Fraction:
    total = Fraction(0)
    for row in rows:
        price_in, price_out = PRICES[row["request_model"]]
        total += price_in * int(row["input_tokens"]) + price_out * int(row["output_tokens"])
    return total / 1_000_000


def latest_labels(outcomes: list[Row]) -> dict[str, Row]:
    latest: dict[str, Row] = {}
    for row in sorted(outcomes, key=lambda r: r["labeled_at"]):
        latest[row["intent_id"]] = row
    return latest


# ---- files and determinism ------------------------------------------------------------------


def test_returns_paths_and_writes_headers(tmp_path: Path) -> None:
    paths = generate(tmp_path / "new" / "dir", n_intents=50, seed=1)
    assert set(paths) == {"genai_spans", "outcomes"}
    assert paths["genai_spans"].name == "genai_spans.csv"
    assert paths["outcomes"].name == "outcomes.csv"
    assert read(paths["genai_spans"])[0] == list(SPAN_COLUMNS)
    assert read(paths["outcomes"])[0] == list(OUTCOME_COLUMNS)


def test_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", n_intents=300, seed=7)
    second = generate(tmp_path / "b", n_intents=300, seed=7)
    other = generate(tmp_path / "c", n_intents=300, seed=8)
    for name in ("genai_spans", "outcomes"):
        assert first[name].read_bytes() == second[name].read_bytes()
        assert first[name].read_bytes() != other[name].read_bytes()


def test_scenarios_deterministic_and_seed_independent(tmp_path: Path) -> None:
    one = generate_scenarios(tmp_path / "one")
    two = generate_scenarios(tmp_path / "two")
    assert one["genai_spans"].read_bytes() == two["genai_spans"].read_bytes()
    assert one["outcomes"].read_bytes() == two["outcomes"].read_bytes()
    # The scenario rows inside generate() are exactly the scenario-only rows, whatever the seed.
    scenario_spans = read(one["genai_spans"])[1]
    for seed in (1, 2):
        mixed = read(generate(tmp_path / f"s{seed}", n_intents=30, seed=seed)["genai_spans"])[1]
        assert [r for r in mixed if r["feature_tag"] in SCENARIOS] == scenario_spans


def test_rows_are_sorted(spans: list[Row], outcomes: list[Row]) -> None:
    span_keys = [(r["start_time"], r["trace_id"], r["span_id"]) for r in spans]
    assert span_keys == sorted(span_keys)
    outcome_keys = [(r["intent_id"], r["labeled_at"], r["signal"]) for r in outcomes]
    assert outcome_keys == sorted(outcome_keys)


def test_without_scenarios(tmp_path: Path) -> None:
    paths = generate(tmp_path, n_intents=100, seed=3, include_scenarios=False)
    rows = read(paths["genai_spans"])[1]
    assert rows
    assert not {r["feature_tag"] for r in rows} & set(SCENARIOS)
    assert len({key(r) for r in rows}) == 100


# ---- span contract --------------------------------------------------------------------------


def test_span_fields(spans: list[Row]) -> None:
    assert len({(r["trace_id"], r["span_id"]) for r in spans}) == len(spans)
    for row in spans:
        assert re.fullmatch(r"[0-9a-f]{32}", row["trace_id"]), row
        assert re.fullmatch(r"[0-9a-f]{16}", row["span_id"]), row
        assert row["parent_span_id"] == "" or re.fullmatch(r"[0-9a-f]{16}", row["parent_span_id"])
        assert TS.match(row["start_time"]) and TS.match(row["end_time"]), row
        assert row["end_time"] > row["start_time"], row
        assert row["status_code"] in {"OK", "ERROR", "UNSET"}
        assert row["conversation_id"], row
        assert row["response_model"] == row["request_model"]
        op = row["operation_name"]
        assert op in {"chat", "embeddings", "execute_tool", "invoke_agent"}
        if op in {"chat", "embeddings"}:
            assert row["span_name"] == f"{op} {row['request_model']}"
        elif op == "execute_tool":
            assert row["tool_name"] in {"web_search", "sql_query", "crm_lookup"}
            assert row["span_name"] == f"execute_tool {row['tool_name']}"
            assert all(row[c] == "" for c in TOKEN_COLUMNS)
        else:
            assert row["span_name"].startswith("invoke_agent ")
        if op == "embeddings":
            assert row["request_model"] == "text-embedding-3-small"


def test_models_match_price_seed(spans: list[Row]) -> None:
    pairs = {(r["provider_name"], r["request_model"]) for r in spans if r["request_model"]}
    assert pairs == {
        ("openai", "gpt-4o-mini"),
        ("openai", "gpt-4o"),
        ("openai", "gpt-4-turbo"),
        ("openai", "text-embedding-3-small"),
        ("anthropic", "claude-sonnet-4"),
        ("anthropic", "claude-3-5-haiku"),
        ("google", "gemini-2.0-flash"),
    }


def test_error_rows_have_error_type(spans: list[Row]) -> None:
    statuses = Counter(r["status_code"] for r in spans)
    assert statuses["ERROR"] > 0 and statuses["UNSET"] > 0
    for row in spans:
        if row["status_code"] == "ERROR":
            assert row["error_type"] in {"timeout", "rate_limit", "invalid_json", "server_error"}
        else:
            assert row["error_type"] == ""


def test_token_invariants(spans: list[Row]) -> None:
    inference = [r for r in spans if r["operation_name"] in {"chat", "embeddings"}]
    for row in inference:
        tokens = {c: int(row[c]) for c in TOKEN_COLUMNS}
        assert all(v >= 0 for v in tokens.values())
        cached = tokens["cache_read_input_tokens"] + tokens["cache_creation_input_tokens"]
        assert cached <= tokens["input_tokens"], row
        assert tokens["reasoning_output_tokens"] <= tokens["output_tokens"], row
    chats = [r for r in inference if r["operation_name"] == "chat"]
    cache_read = {r["provider_name"] for r in chats if int(r["cache_read_input_tokens"])}
    assert cache_read == {"openai", "anthropic"}
    cache_write = {r["provider_name"] for r in chats if int(r["cache_creation_input_tokens"])}
    assert cache_write == {"anthropic"}
    assert any(int(r["reasoning_output_tokens"]) for r in chats)


def test_agent_spans_repeat_children_totals(spans: list[Row]) -> None:
    agents = [r for r in spans if r["operation_name"] == "invoke_agent"]
    random_intents = {key(r) for r in spans if r["feature_tag"] not in SCENARIOS}
    assert 0.1 < len(agents) / len(random_intents) < 0.3
    children: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in spans:
        children[(row["trace_id"], row["parent_span_id"])].append(row)
    for agent in agents:
        kids = children[(agent["trace_id"], agent["span_id"])]
        assert any(k["operation_name"] == "chat" for k in kids)
        for column in TOKEN_COLUMNS:
            assert int(agent[column]) == sum(int(k[column]) for k in kids if k[column] != "")
        for kid in kids:
            assert agent["start_time"] < kid["start_time"] and kid["end_time"] < agent["end_time"]


def test_retries_follow_failures(spans: list[Row]) -> None:
    calls: dict[tuple[str, str], dict[int, Row]] = defaultdict(dict)
    for row in spans:
        if row["operation_name"] == "chat":
            attempts = calls[(key(row), row["turn_index"])]
            assert int(row["attempt"]) not in attempts
            attempts[int(row["attempt"])] = row
    retried = 0
    for attempts in calls.values():
        assert sorted(attempts) == list(range(1, len(attempts) + 1))
        assert max(attempts) <= 3
        for number, row in attempts.items():
            if number > 1:
                retried += 1
                before = attempts[number - 1]
                assert before["status_code"] == "ERROR"
                assert before["end_time"] < row["start_time"]
    assert retried > 0


def test_intent_id_fallback_and_reported_cost(spans: list[Row]) -> None:
    random_rows = [r for r in spans if r["feature_tag"] not in SCENARIOS]
    intents = {key(r) for r in random_rows}
    without_id = {r["conversation_id"] for r in random_rows if not r["intent_id"]}
    assert 0.02 < len(without_id) / len(intents) < 0.09
    # An intent's rows either all carry the intent id or none does.
    by_conversation: dict[str, set[str]] = defaultdict(set)
    for row in random_rows:
        by_conversation[row["conversation_id"]].add(row["intent_id"])
    assert all(len(ids) == 1 for ids in by_conversation.values())

    chats = [r for r in random_rows if r["operation_name"] == "chat"]
    reported = [r for r in spans if r["reported_cost"]]
    assert 0.005 < len(reported) / len(chats) < 0.04
    for row in reported:
        assert row["operation_name"] == "chat" and row["reported_cost_currency"] == "USD"
        assert float(row["reported_cost"]) > 0
    assert all(r["reported_cost_currency"] == "" for r in spans if not r["reported_cost"])


def test_reported_cost_is_at_the_price_seeds_current_list_price(spans: list[Row]) -> None:
    """The gateway-reported cost prices the call's tokens at the seed rows without valid_to
    (a cache rate the seed lacks is the input rate, as the build's pricing)."""
    _, seed = read(SEEDS / "aiue_model_prices.csv")
    current = {
        (row["provider"], row["model"], row["usage_type"]): Decimal(row["price_per_million"])
        for row in seed
        if not row["valid_to"]
    }
    reported = [r for r in spans if r["reported_cost"]]
    assert {r["provider_name"] for r in reported} == {"openai", "anthropic", "google"}
    for row in reported:
        model = (row["provider_name"], row["request_model"])
        rate = {
            kind: current.get((*model, kind)) for kind in ("input", "cache_read", "cache_write")
        }
        read_tokens = int(row["cache_read_input_tokens"])
        written = int(row["cache_creation_input_tokens"])
        cost = (
            (int(row["input_tokens"]) - read_tokens - written) * rate["input"]
            + read_tokens * (rate["cache_read"] or rate["input"])
            + written * (rate["cache_write"] or rate["input"])
            + int(row["output_tokens"]) * current[(*model, "output")]
        ) / 1_000_000
        assert Decimal(row["reported_cost"]) == cost.quantize(Decimal("0.00000001")), row


def test_features_and_date_range(spans: list[Row]) -> None:
    features = {r["feature_tag"] for r in spans}
    assert features == {
        "support_chat",
        "code_review",
        "invoice_extraction",
        "search_answers",
        "doc_summarize",
        *SCENARIOS,
    }
    days = {r["start_time"][:10] for r in spans}
    assert min(days) == "2026-09-01"
    assert max(days) <= "2026-11-01"
    assert len(days) >= 55


def test_custom_dates(tmp_path: Path) -> None:
    paths = generate(tmp_path, n_intents=200, seed=5, start_date=date(2025, 1, 1), days=7)
    rows = read(paths["genai_spans"])[1]
    days = {r["start_time"][:10] for r in rows}
    assert min(days) == "2025-01-01" and max(days) <= "2025-01-08"


# ---- outcomes -------------------------------------------------------------------------------


def test_outcome_contract(spans: list[Row], outcomes: list[Row]) -> None:
    last_end: dict[str, str] = {}
    for row in spans:
        last_end[key(row)] = max(last_end.get(key(row), ""), row["end_time"])
    for row in outcomes:
        assert row["intent_id"] in last_end, row
        assert row["labeled_at"] > last_end[row["intent_id"]], row
        assert TS.match(row["labeled_at"])
        for column in ("is_success", "is_escalated", "is_human_reviewed"):
            assert row[column] in {"true", "false"}
        assert row["signal"] in {"explicit", "implicit", "evaluator"}
        if row["is_escalated"] == "true":
            assert row["escalation_channel"] in {"support_ticket", "live_chat"}
        else:
            assert row["escalation_channel"] == ""
    # Intents without an intent_id are labelled under their conversation id.
    fallback = {r["conversation_id"] for r in spans if not r["intent_id"]}
    assert fallback & {r["intent_id"] for r in outcomes}


def test_unlabelled_and_relabelled(spans: list[Row], outcomes: list[Row]) -> None:
    random_intents = {key(r) for r in spans if r["feature_tag"] not in SCENARIOS}
    rows_per_intent = Counter(r["intent_id"] for r in outcomes)
    unlabelled = random_intents - set(rows_per_intent)
    assert 0.05 < len(unlabelled) / len(random_intents) < 0.11
    twice = [i for i, n in rows_per_intent.items() if n == 2]
    assert 0.03 < len(twice) / len(random_intents) < 0.07
    assert max(rows_per_intent.values()) == 2
    by_intent: dict[str, list[Row]] = defaultdict(list)
    for row in outcomes:
        by_intent[row["intent_id"]].append(row)
    for intent in twice:
        early, late = sorted(by_intent[intent], key=lambda r: r["labeled_at"])
        assert early["labeled_at"] < late["labeled_at"]
        assert (early["signal"], late["signal"]) == ("implicit", "explicit")
        assert early["is_success"] != late["is_success"]
    latest = latest_labels(outcomes).values()
    assert any(r["is_escalated"] == "true" and r["is_human_reviewed"] == "true" for r in latest)


def test_cheap_model_needs_more_turns_and_fails_more(spans: list[Row], outcomes: list[Row]) -> None:
    """support_chat: gpt-4o-mini has more turns, more retries and less success than gpt-4o."""
    turns: dict[str, set[str]] = defaultdict(set)
    model: dict[str, str] = {}
    for row in spans:
        if row["feature_tag"] == "support_chat" and row["operation_name"] == "chat":
            turns[key(row)].add(row["turn_index"])
            model[key(row)] = row["request_model"]
    latest = latest_labels(outcomes)

    def stats(name: str) -> tuple[float, float]:
        ids = [i for i, m in model.items() if m == name]
        labelled = [latest[i] for i in ids if i in latest]
        mean_turns = sum(len(turns[i]) for i in ids) / len(ids)
        success = sum(r["is_success"] == "true" for r in labelled) / len(labelled)
        return mean_turns, success

    mini_turns, mini_success = stats("gpt-4o-mini")
    big_turns, big_success = stats("gpt-4o")
    assert mini_turns > big_turns
    assert mini_success < big_success


# ---- the article scenarios ------------------------------------------------------------------


def test_scenario_a(scenario_only: tuple[list[Row], list[Row]]) -> None:
    spans, outcomes = scenario_only
    rows = [r for r in spans if r["feature_tag"] == "scenario_a_mini"]
    intents = {r["intent_id"] for r in rows}
    assert len(intents) == 300
    assert len(rows) == 1500
    assert {r["request_model"] for r in rows} == {"gpt-4o-mini"}
    assert {r["turn_index"] for r in rows} == {"1", "2", "3", "4", "5"}
    assert token_cost(rows) == Fraction(57, 100)
    assert token_cost(rows) / len(intents) == Fraction(19, 10_000)  # $0.0019 per intent
    labels = [r for r in outcomes if r["intent_id"] in intents]
    assert len(labels) == 300
    assert sum(r["is_success"] == "true" for r in labels) == 210
    for row in labels:
        failed = row["is_success"] == "false"
        assert row["is_escalated"] == ("true" if failed else "false")
        assert row["escalation_channel"] == ("support_ticket" if failed else "")


def test_scenario_b(scenario_only: tuple[list[Row], list[Row]]) -> None:
    spans, outcomes = scenario_only
    rows = [r for r in spans if r["feature_tag"] == "scenario_b_reasoning"]
    intents = {r["intent_id"] for r in rows}
    assert len(intents) == len(rows) == 200
    assert token_cost(rows) == Fraction(28, 10)
    labels = [r for r in outcomes if r["intent_id"] in intents]
    assert sum(r["is_success"] == "true" for r in labels) == 190
    assert sum(r["is_escalated"] == "true" for r in labels) == 10


@pytest.mark.parametrize(
    ("feature", "model", "cost", "successes"),
    [("cpo_baseline", "gpt-4-turbo", 1000, 500), ("cpo_cheaper_model", "gpt-4o", 800, 320)],
)
def test_cost_per_outcome_scenarios(
    scenario_only: tuple[list[Row], list[Row]],
    feature: str,
    model: str,
    cost: int,
    successes: int,
) -> None:
    spans, outcomes = scenario_only
    rows = [r for r in spans if r["feature_tag"] == feature]
    intents = {r["intent_id"] for r in rows}
    assert len(intents) == len(rows) == 1000
    assert {r["request_model"] for r in rows} == {model}
    assert token_cost(rows) == cost
    labels = [r for r in outcomes if r["intent_id"] in intents]
    assert sum(r["is_success"] == "true" for r in labels) == successes
    assert all(r["is_escalated"] == "false" for r in labels)


def test_scenarios_are_plain(scenario_only: tuple[list[Row], list[Row]]) -> None:
    spans, outcomes = scenario_only
    assert {r["feature_tag"] for r in spans} == set(SCENARIOS)
    for row in spans:
        assert (row["status_code"], row["attempt"], row["provider_name"]) == ("OK", "1", "openai")
        assert row["operation_name"] == "chat"
        assert row["cache_read_input_tokens"] == row["cache_creation_input_tokens"] == "0"
        assert row["reasoning_output_tokens"] == "0"
    assert len(outcomes) == len({r["intent_id"] for r in outcomes}) == 2500
    assert {r["signal"] for r in outcomes} == {"explicit"}
    assert {r["is_human_reviewed"] for r in outcomes} == {"false"}
    days = {r["start_time"][:10] for r in spans}
    assert min(days) == "2026-09-01" and max(days) <= "2026-10-31"


# ---- the synthetic FOCUS invoice (billing=True) ---------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FOCUS_HEADER = [
    "BilledCost", "EffectiveCost", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd",
    "ChargeCategory", "ChargeFrequency", "ChargeDescription", "ServiceCategory", "ServiceName",
    "ProviderName", "PricingQuantity", "PricingUnit", "ConsumedQuantity", "ConsumedUnit",
    "SkuId", "x_SkuMeterName", "Tags",
]  # fmt: skip
AI = "AI and Machine Learning"
# The negotiated factor per telemetry provider the generator promises (module docstring).
FACTORS = {"openai": Decimal("1"), "anthropic": Decimal("0.95"), "google": Decimal("1")}
WINDOW = (date(2026, 9, 1), date(2026, 10, 31))  # the default 61 days


@pytest.fixture(scope="module")
def invoiced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("invoiced"), n_intents=300, seed=7, billing=True)


@pytest.fixture(scope="module")
def invoice(invoiced: dict[str, Path]) -> list[Row]:
    header, rows = read(invoiced["focus_costs"])
    assert header == FOCUS_HEADER
    return rows


def resolve(row: Row) -> tuple[str, str, str] | None:
    """(provider, model, usage type) of a FOCUS row by the bundled SKU map, as dbt reads it:
    case-insensitive search on ServiceName|SkuMeter|x_SkuMeterName|x_UsageType|
    ChargeDescription|SkuId, within the row's provider, lowest priority first."""
    text = "|".join(
        row.get(column, "")
        for column in ("ServiceName", "SkuMeter", "x_SkuMeterName", "x_UsageType")
    )
    text += f"|{row['ChargeDescription']}|{row['SkuId']}"
    _, entries = read(SEEDS / "aiue_focus_sku_map.csv")
    matches = [
        (int(entry["priority"]), entry["pattern"], entry)
        for entry in entries
        if entry["focus_provider"] in ("*", row["ProviderName"])
        and re.search(entry["pattern"], text, re.IGNORECASE)
    ]
    if not matches:
        return None
    entry = min(matches, key=lambda match: match[:2])[2]
    return entry["provider"], entry["model"], entry["usage_type"]


def list_price(provider: str, model: str, usage_type: str, day: date) -> Decimal:
    _, prices = read(SEEDS / "aiue_model_prices.csv")
    holding = [
        (row["valid_from"], Decimal(row["price_per_million"]))
        for row in prices
        if (row["provider"], row["model"], row["usage_type"]) == (provider, model, usage_type)
        and row["valid_from"] <= day.isoformat()
        and (not row["valid_to"] or day.isoformat() < row["valid_to"])
    ]
    return max(holding)[1]


def call_usage(span: Row) -> dict[tuple[str, str, str, str], int]:
    """(day, provider, model, usage type) -> tokens of one call, uncached input apart."""
    tokens = {column: int(span[column] or 0) for column in TOKEN_COLUMNS}
    cached = tokens["cache_read_input_tokens"] + tokens["cache_creation_input_tokens"]
    usage = {
        "input": tokens["input_tokens"] - cached,
        "cache_read": tokens["cache_read_input_tokens"],
        "cache_write": tokens["cache_creation_input_tokens"],
        "output": tokens["output_tokens"],
    }
    day, provider, model = span["start_time"][:10], span["provider_name"], span["response_model"]
    return {(day, provider, model, kind): count for kind, count in usage.items() if count}


def test_billing_is_opt_in(full: dict[str, Path], tmp_path: Path) -> None:
    assert "focus_costs" not in full
    assert not (full["genai_spans"].parent / "focus_costs.csv").exists()
    plain = generate(tmp_path / "plain", n_intents=300, seed=7)
    billed = generate(tmp_path / "billed", n_intents=300, seed=7, billing=True)
    assert set(billed) == {"genai_spans", "outcomes", "focus_costs"}
    assert billed["focus_costs"].name == "focus_costs.csv"
    for name in ("genai_spans", "outcomes"):  # the invoice changes no telemetry
        assert plain[name].read_bytes() == billed[name].read_bytes()


def test_invoice_deterministic(invoiced: dict[str, Path], tmp_path: Path) -> None:
    again = generate(tmp_path / "again", n_intents=300, seed=7, billing=True)
    other = generate(tmp_path / "other", n_intents=300, seed=8, billing=True)
    assert again["focus_costs"].read_bytes() == invoiced["focus_costs"].read_bytes()
    assert other["focus_costs"].read_bytes() != invoiced["focus_costs"].read_bytes()


def test_invoice_row_format(invoice: list[Row]) -> None:
    for row in invoice:
        assert row["BillingCurrency"] == "USD"
        assert re.fullmatch(r"-?\d+\.\d{6}", row["EffectiveCost"]), row
        assert row["BilledCost"] == row["EffectiveCost"]
        start = date.fromisoformat(row["ChargePeriodStart"][:10])
        assert row["ChargePeriodStart"] == f"{start} 00:00:00"
        assert row["ChargePeriodEnd"] == f"{start + timedelta(days=1)} 00:00:00"
    assert [r for r in invoice if r["ConsumedUnit"] == "Tokens"] == [
        r for r in invoice if r["ServiceCategory"] == AI and r["ChargeCategory"] == "Usage"
    ]


def test_invoice_bills_every_token_once_by_day_model_and_usage_type(
    invoiced: dict[str, Path], invoice: list[Row]
) -> None:
    spans = read(invoiced["genai_spans"])[1]
    expected: Counter[tuple[str, str, str, str]] = Counter()
    for span in spans:
        if span["operation_name"] in ("chat", "embeddings"):
            expected.update(call_usage(span))
    assert {key[2] for key in expected} >= {"gpt-4o-mini", "gpt-4-turbo"}  # the scenarios too
    billed: Counter[tuple[str, str, str, str]] = Counter()
    no_call_day = (WINDOW[1] + timedelta(days=1)).isoformat()
    for row in invoice:
        if row["ConsumedUnit"] == "Tokens" and row["ChargePeriodStart"][:10] != no_call_day:
            resolved = resolve(row)
            assert resolved is not None and "*" not in resolved, row  # the SKU map knows it
            billed[(row["ChargePeriodStart"][:10], *resolved)] += int(row["ConsumedQuantity"])
    assert billed == expected
    usage = [(r["ChargePeriodStart"], r["ChargeDescription"]) for r in invoice if r["ConsumedUnit"]]
    assert len(usage) == len(set(usage))  # one line per day x provider x model x usage type


def test_invoice_prices_are_list_times_the_negotiated_factor(invoice: list[Row]) -> None:
    providers = set()
    for row in invoice:
        if row["ConsumedUnit"] != "Tokens":
            continue
        provider, model, usage_type = resolve(row) or ("?", "?", "?")
        day = date.fromisoformat(row["ChargePeriodStart"][:10])
        tokens = Decimal(row["ConsumedQuantity"])
        assert Decimal(row["PricingQuantity"]) * 1_000_000 == tokens
        at_list = tokens * list_price(provider, model, usage_type, day) / 1_000_000
        exact = at_list * FACTORS[provider]
        assert abs(Decimal(row["EffectiveCost"]) - exact) <= Decimal("0.0000005"), row
        providers.add(provider)
    assert providers == set(FACTORS)


def test_invoice_extras(invoiced: dict[str, Path], invoice: list[Row]) -> None:
    spans = read(invoiced["genai_spans"])[1]
    credits = [r for r in invoice if r["ChargeCategory"] == "Credit"]
    assert len(credits) == 1 and credits[0]["ServiceCategory"] == AI
    assert Decimal(credits[0]["EffectiveCost"]) < 0
    assert resolve(credits[0]) is None  # no model to put it on: unallocated
    # A day of billing for a model without calls that day.
    no_call = [r for r in invoice if r["ChargePeriodStart"][:10] > WINDOW[1].isoformat()]
    assert no_call and {resolve(r)[:2] for r in no_call} == {("anthropic", "claude-3-5-haiku")}
    day = no_call[0]["ChargePeriodStart"][:10]
    assert not [s for s in spans if s["start_time"][:10] == day and "haiku" in s["request_model"]]
    # Out of scope: the rest of the cloud bill.
    not_ai = [r for r in invoice if r["ServiceCategory"] not in (AI, "Integration")]
    assert [(r["ServiceCategory"], r["Tags"]) for r in not_ai] == [("Compute", "")]
    # Orchestration tagged with a feature that has calls on its day.
    [platform] = [r for r in invoice if r["ServiceCategory"] == "Integration"]
    feature = json.loads(platform["Tags"])["feature_tag"]
    assert feature not in SCENARIOS
    assert any(
        s["feature_tag"] == feature and s["start_time"][:10] == platform["ChargePeriodStart"][:10]
        for s in spans
    )


def test_demo_without_build_writes_the_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiue demo --no-build` writes what `generate` writes (with the invoice) and builds
    nothing; `--intents 0` leaves the article scenarios alone."""
    args = ["demo", "--no-build", "--quiet", "--intents", "40", "--seed", "3"]
    assert aiue([*args, "--dir", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr().out
    assert "spans" in printed and "2540 intents" in printed and "outcome rows" in printed
    rows = len(read(tmp_path / "cli" / "data" / "focus_costs.csv")[1])
    assert f"wrote {rows} FOCUS billing rows" in printed
    assert not (tmp_path / "cli" / "aiue.duckdb").exists()
    assert aiue(["demo", "--no-build", "--dir", str(tmp_path / "only"), "--intents", "0"]) == 0
    assert "3700 spans over 2500 intents" in capsys.readouterr().out
    scenarios = generate_scenarios(tmp_path / "scenarios")
    for name in ("genai_spans", "outcomes"):
        written = tmp_path / "only" / "data" / scenarios[name].name
        assert written.read_bytes() == scenarios[name].read_bytes()


def test_demo_options_give_the_files_integration_tests_start_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command integration_tests/README.md names writes generate()'s files."""
    args = ["--intents", "150", "--seed", "11", "--no-scenarios", "--days", "14", "--no-build"]
    assert aiue(["demo", "--dir", str(tmp_path / "cli"), *args]) == 0
    capsys.readouterr()
    expected = generate(
        tmp_path / "api", n_intents=150, seed=11, include_scenarios=False, days=14, billing=True
    )
    for path in expected.values():
        assert (tmp_path / "cli" / "data" / path.name).read_bytes() == path.read_bytes()


def test_demo_refuses_an_empty_or_negative_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nothing = ["--intents", "0", "--no-scenarios"]
    assert aiue(["demo", "--no-build", "--dir", str(tmp_path / "c"), *nothing]) == 2
    assert "aiue: error: --" in capsys.readouterr().err
    # A negative count is a usage error (exit 2 with the usage line), not an internal one.
    for args in (["--intents", "-5"], ["--days", "0"], ["--intents", "many"]):
        with pytest.raises(SystemExit) as exit_:
            aiue(["demo", "--no-build", "--dir", str(tmp_path / "c"), *args])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("usage: aiue demo") and f"argument {args[0]}: '{args[1]}'" in err
    assert not (tmp_path / "c").exists()
