"""Real provider and model names get prices, embeddings are priced on their input, calls
without usage are flagged, and AI charges the SKU map does not know reach their provider's
calls (tests/fixtures/pricing/README.md has the case worked by hand).

One build: the fixture plus what a user adds in DIR/seeds/ (a provider-map row for their own
gateway's name) and a call through that gateway.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ai_unit_economics.builder.pipeline import build_notes

from .conftest import FIXTURES, Build, build

MARTS = "main_aiue"
ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 9, 10)
GATEWAY_ROW = "corp-llm-gateway,,corp-llm-gateway,openai,40,our gateway: OpenAI's prices\n"
GATEWAY_SPAN = (
    "t-c,c1,2026-09-10T14:00:00Z,OK,chat,corp-llm-gateway,gpt-4o-mini,gpt-4o-mini,"
    "10000,1000,search_answers,i-c\n"
)

# call: (provider_name, price_provider, priced_model), worked out by hand from
# seeds/aiue_provider_map.csv and the price seed's model names (fixture README).
EXPECTED_PRICING = {
    "a1": ("azure.ai.openai", "openai", "gpt-4o-2024-08-06"),
    "a2": ("azure.ai.openai", "openai", "gpt-4o-mini-2024-07-18"),
    "a3": ("azure.ai.openai", "openai", "gpt-4o"),
    "b1": ("aws.bedrock", "anthropic", "claude-3-5-haiku"),
    "b2": ("aws.bedrock", "anthropic", "claude-sonnet-4"),
    "b3": ("aws.bedrock", None, None),
    "g1": ("google", "google", "gemini-2.0-flash"),
    "g2": ("google", "anthropic", "claude-3-5-haiku"),
    "e1": ("openai", "openai", "text-embedding-3-small"),
    "o1": ("openai", "openai", "gpt-4o-2024-08-06"),
    "o2": ("openai", "openai", "gpt-4o-2024-08-06"),
    "s1": ("openai", "openai", "gpt-4o-mini-2024-07-18"),
    "s2": ("openai", "openai", "gpt-4o-mini"),
    "c1": ("corp-llm-gateway", "openai", "gpt-4o-mini"),
}


@pytest.fixture(scope="module")
def pricing_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    data = tmp_path_factory.mktemp("pricing") / "data"
    shutil.copytree(FIXTURES / "pricing", data)
    (data / "README.md").unlink()
    with (data / "genai_spans.csv").open("a", encoding="utf-8") as handle:
        handle.write(GATEWAY_SPAN)
    (data / "seeds").mkdir()
    bundled = (ROOT / "seeds" / "aiue_provider_map.csv").read_text(encoding="utf-8")
    (data / "seeds" / "aiue_provider_map.csv").write_text(bundled + GATEWAY_ROW, encoding="utf-8")
    return build(data, data.parent / "aiue.duckdb")


def list_prices_on(day: date) -> dict[tuple[str, str, str], Decimal]:
    """(provider, model, usage type) -> USD per token, from the bundled price seed."""
    prices = {}
    with (ROOT / "seeds" / "aiue_model_prices.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            starts = date.fromisoformat(row["valid_from"])
            ends = date.fromisoformat(row["valid_to"]) if row["valid_to"] else date.max
            if starts <= day < ends:
                key = (row["provider"], row["model"], row["usage_type"])
                prices[key] = Decimal(row["price_per_million"]) / 1_000_000
    return prices


def spans(data: Path) -> dict[str, dict[str, str]]:
    with (data / "genai_spans.csv").open(newline="", encoding="utf-8") as handle:
        return {row["span_id"]: row for row in csv.DictReader(handle)}


def calls_by_span(built: Build) -> dict[str, dict]:
    return {
        row["span_id"]: row
        for row in built.records(f"select * from {MARTS}.aiue__llm_calls order by span_id")
    }


def test_real_provider_and_model_names_get_prices(pricing_build: Build) -> None:
    prices = list_prices_on(DAY)
    raw = spans(pricing_build.input_dir)
    calls = calls_by_span(pricing_build)
    assert set(calls) == set(EXPECTED_PRICING)
    for span, (provider, price_provider, priced_model) in EXPECTED_PRICING.items():
        call = calls[span]
        assert (call["provider_name"], call["price_provider"], call["priced_model"]) == (
            provider,
            price_provider,
            priced_model,
        ), span
        assert call["telemetry_provider_name"] == raw[span]["provider_name"].lower(), span
        if priced_model is None:
            assert call["estimated_cost_source"] == "unpriced", span
            continue
        tokens_in = int(raw[span]["input_tokens"] or 0)
        tokens_out = int(raw[span]["output_tokens"] or 0)
        output_price = prices.get((price_provider, priced_model, "output"), Decimal(0))
        expected = tokens_in * prices[(price_provider, priced_model, "input")]
        expected += tokens_out * output_price
        assert call["estimated_cost"] == expected, span
        assert call["estimated_cost_source"] == "estimated", span


def test_an_embeddings_call_is_priced_on_its_input(pricing_build: Build) -> None:
    [embedding] = pricing_build.records(
        f"select * from {MARTS}.aiue__llm_calls where operation_name = 'embeddings'"
    )
    [rates] = pricing_build.records(
        f"select output_price_per_token from {MARTS}_intermediate.int_aiue__calls_priced "
        "where operation_name = 'embeddings'"
    )
    assert rates["output_price_per_token"] is None  # the model has no output price
    assert embedding["estimated_output_cost"] == 0
    assert embedding["estimated_cost"] == 5000 * Decimal("0.02") / 1_000_000
    assert not embedding["is_unpriced"]


def test_calls_without_usage_are_flagged_and_counted_in_a_note(pricing_build: Build) -> None:
    raw = spans(pricing_build.input_dir)
    without_usage = {
        span
        for span, row in raw.items()
        if not any(row[column] for column in ("input_tokens", "output_tokens"))
    }
    assert without_usage == {"s1", "s2"}
    flags = {span: call["has_usage"] for span, call in calls_by_span(pricing_build).items()}
    assert {span for span, has_usage in flags.items() if not has_usage} == without_usage
    failed = sum(1 for span in without_usage if raw[span]["status_code"] == "ERROR")
    notes = build_notes("duckdb", pricing_build.db_path)
    [note] = [line for line in notes if "No token usage" in line]
    assert f"by {len(without_usage)} inference calls ({failed} of them failed" in note
    assert "has_usage = false" in note


def focus_rows(data: Path) -> list[dict[str, str]]:
    with (data / "focus_costs.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_an_unknown_sku_charge_is_split_over_its_providers_calls(pricing_build: Build) -> None:
    """Code interpreter sessions (OpenAI) and content filtering (Microsoft) are AI usage
    charges no SKU map row knows: each is split over its provider's calls of the day by their
    estimates, Microsoft meeting the azure.ai.openai calls through aiue_provider_map."""
    calls = calls_by_span(pricing_build)
    rows = {row["ChargeDescription"]: Decimal(row["EffectiveCost"]) for row in focus_rows(
        pricing_build.input_dir)}  # fmt: skip
    for description, members in (
        ("Code interpreter sessions", ["e1", "o1", "o2", "s1", "s2"]),
        ("Content filtering units", ["a1", "a2", "a3"]),
    ):
        billed = rows[description]
        weights = {span: calls[span]["estimated_cost"] for span in members}
        provider = calls[members[0]]["provider_name"]
        [bucket] = pricing_build.records(
            f"select * from {MARTS}.aiue__cost_reconciliation "
            f"where bucket_id = 'provider|{DAY}|{provider}'"
        )
        assert bucket["billed_cost"] == billed and bucket["calls"] == len(members)
        assert bucket["allocated_cost"] + bucket["unallocated_cost"] == billed
        assert bucket["allocated_cost"] == billed
        shares = dict(
            pricing_build.query(
                "select call_id, allocated_cost "
                f"from {MARTS}_intermediate.int_aiue__billing_shares_allocated "
                f"where bucket_id = 'provider|{DAY}|{provider}'"
            )
        )
        total = sum(weights.values())
        for span, weight in weights.items():
            call_id = f"{calls[span]['trace_id']}-{calls[span]['span_id']}"
            assert shares[call_id] == billed * weight / total, span


def test_not_allocable_charges_stay_unallocated_with_their_reason(pricing_build: Build) -> None:
    buckets = {
        row["bucket_id"]: row
        for row in pricing_build.records(
            f"select * from {MARTS}.aiue__cost_reconciliation "
            "where reconciliation_status = 'not_allocable'"
        )
    }
    rows = focus_rows(pricing_build.input_dir)
    training = [r for r in rows if "fine-tuning training" in r["ChargeDescription"]]
    storage = [r for r in rows if r["ChargeDescription"] == "Vector store storage"]
    by_reason = {row["unallocated_reason"]: row for row in buckets.values()}
    with (ROOT / "seeds" / "aiue_focus_sku_map.csv").open(newline="", encoding="utf-8") as handle:
        reasons = {
            row["pattern"]: row["not_allocable_reason"]
            for row in csv.DictReader(handle)
            if row["not_allocable_reason"]
        }
    for lines, pattern in ((training, "fine[- _]?tun[^|]*train"), (storage, "storage")):
        row = by_reason[reasons[pattern]]
        assert row["billed_cost"] == sum(Decimal(r["EffectiveCost"]) for r in lines)
        assert row["unallocated_cost"] == row["billed_cost"] and row["allocated_cost"] == 0
        assert row["calls"] == 0
    assert len(buckets) == 2


def test_invoice_money_is_conserved(pricing_build: Build) -> None:
    rows = focus_rows(pricing_build.input_dir)
    ai_rows = [r for r in rows if r["ServiceCategory"] == "AI and Machine Learning"]
    billed = sum(Decimal(r["EffectiveCost"]) for r in ai_rows)
    [totals] = pricing_build.records(f"""
        select
            sum(billed_cost) as billed,
            sum(allocated_cost) as allocated,
            sum(unallocated_cost) as unallocated,
            (select sum(allocated_cost) from {MARTS}.aiue__llm_calls) as on_calls
        from {MARTS}.aiue__cost_reconciliation
    """)
    assert totals["billed"] == billed == Decimal("25.17373")
    assert totals["allocated"] + totals["unallocated"] == billed
    assert totals["on_calls"] == totals["allocated"] == Decimal("0.06373")
    statuses = dict(
        pricing_build.query(
            f"select bucket_id, reconciliation_status from {MARTS}.aiue__cost_reconciliation"
        )
    )
    assert statuses[f"unattributed|{DAY}|openai"] == "unattributed"  # the credit
    assert statuses["provider|2026-09-11|anthropic"] == "no_calls"
    # Claude on Vertex AI is billed by Google: no Google bucket covers it, so it is unbilled.
    assert statuses[f"unbilled|{DAY}|google|claude-3-5-haiku@20241022|input"] == "unbilled"
