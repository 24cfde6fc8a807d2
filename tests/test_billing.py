"""Billing truth: FOCUS ingestion, allocation, reconciliation, FX and GPU cost.

Three builds, one per dataset (session fixtures in conftest.py): the real FOCUS 1.0 sample,
the hand-computed allocation fixture (tests/fixtures/billing/README.md) and the seed article's
invoice-extraction case study (docs/worked_example_invoice_extraction.md); and a fourth, the
generated sample with its synthetic invoice (`generate(billing=True)`, what `aiue demo` builds).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.finops.reconciliation import (
    reconciliation_by_provider,
    render_reconciliation,
)
from ai_unit_economics.samples.synthetic import generate

from .conftest import FIXTURES, Build, build
from .harness.docs import column_doc_gaps

MARTS = "main_aiue"
SAMPLE = FIXTURES / "focus" / "focus_1.0_sample.csv"


def money(value: object) -> Decimal:
    return Decimal(str(value))


# --- the real FOCUS 1.0 sample ----------------------------------------------------------------


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_sample_row_is_staged_or_rejected_with_a_reason(focus_sample_build: Build) -> None:
    rows = len(sample_rows())
    assert rows == 1000
    [(staged, ids)] = focus_sample_build.query(
        f"select count(*), count(distinct focus_cost_id) from {MARTS}_staging.stg_aiue__focus_costs"
    )
    assert staged == ids == rows
    [(counted,)] = focus_sample_build.query(
        f"select sum(focus_rows) from {MARTS}.aiue__billing_scope_summary"
    )
    assert counted == rows
    rejected = focus_sample_build.records(f"select * from {MARTS}.aiue__rejected_focus_costs")
    assert all(row["rejection_reason"] for row in rejected)
    [(valid,)] = focus_sample_build.query(
        f"select count(*) from {MARTS}_intermediate.int_aiue__focus_costs_classified "
        "where rejection_reason is null"
    )
    assert valid + len(rejected) == rows


def test_sample_totals_per_provider_equal_the_csvs_own_sums(focus_sample_build: Build) -> None:
    expected: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in sample_rows():
        expected[row["ProviderName"]][0] += Decimal(row["BilledCost"])
        expected[row["ProviderName"]][1] += Decimal(row["EffectiveCost"])
    staged = focus_sample_build.query(
        f"select provider_name, sum(billed_cost), sum(effective_cost) "
        f"from {MARTS}_staging.stg_aiue__focus_costs group by provider_name"
    )
    assert {name: [billed, effective] for name, billed, effective in staged} == expected
    assert expected["AWS"] == [Decimal("18.0066386184"), Decimal("13")]


def test_sample_quirks_are_normalised(focus_sample_build: Build) -> None:
    [row] = focus_sample_build.records(f"""
        select
            count(*) filter (where charge_frequency = 'Usage-based') as lower_case_based,
            count(*) filter (where charge_frequency = 'Usage-Based') as usage_based,
            count(*) filter (where charge_class is not null) as literal_nulls_left,
            count(*) filter (where charge_period_start_at is null) as unparsed_starts,
            count(*) filter (where source_id is null) as missing_ids,
            count(*) filter (where tags like '{{%') as json_tags,
            min(charge_date) as first_day,
            max(charge_date) as last_day
        from {MARTS}_staging.stg_aiue__focus_costs
    """)
    assert row["lower_case_based"] == 0 and row["usage_based"] == 999
    assert row["literal_nulls_left"] == 0 and row["unparsed_starts"] == 0
    assert row["missing_ids"] == 0 and row["json_tags"] == 711
    assert (row["first_day"], row["last_day"]) == (date(2024, 9, 1), date(2024, 9, 30))


def test_sample_scope_counts_ai_rows_and_keeps_the_rest_visible(focus_sample_build: Build) -> None:
    ai_rows = [r for r in sample_rows() if r["ServiceCategory"] == "AI and Machine Learning"]
    scope = {
        row["scope_status"]: row
        for row in focus_sample_build.records(f"""
            select scope_status, sum(focus_rows) as focus_rows, sum(effective_cost) as effective
            from {MARTS}.aiue__billing_scope_summary group by scope_status
        """)
    }
    assert scope["ai_cost"]["focus_rows"] == len(ai_rows) == 9
    assert scope["not_ai"]["focus_rows"] == 991
    ai_effective = sum(Decimal(r["EffectiveCost"]) for r in ai_rows)
    assert scope["ai_cost"]["effective"] == ai_effective
    # Azure ML infrastructure with no tags: unattributed, so billed and unallocated.
    [(billed, unallocated)] = focus_sample_build.query(
        f"select sum(billed_cost), sum(unallocated_cost) from {MARTS}.aiue__unit_economics_daily"
    )
    assert billed == unallocated == ai_effective


# --- the hand-computed allocation fixture -----------------------------------------------------

EXPECTED_CALLS = {
    # span: (cost_source, token_cost, infra_cost)
    "span-c1": ("invoice_share", "0.00825", "0"),
    "span-c2": ("invoice_share", "0.01725", "0"),
    "span-c3": ("invoice_share", "0.00825", "0.1"),
    "span-c4": ("invoice_exact", "0.004", "0.1"),
    "span-c5": ("invoice_share", "0.00185", "0.1"),
    "span-c6": ("invoice_share", "0.00435", "0"),
    "span-c7": ("invoice_share", "0.06525", "0"),
    "span-c8": ("invoice_share", "0.19575", "0"),
    "span-c9": ("estimated", "0.0035", "0"),
    "span-c10": ("self_hosted", "0", "12"),
    "span-c11": ("self_hosted", "0", "36"),
}


def test_calls_carry_their_share_of_the_invoice(billing_build: Build) -> None:
    calls = {
        row["span_id"]: row
        for row in billing_build.records(f"select * from {MARTS}.aiue__llm_calls")
    }
    actual = {
        span: (row["cost_source"], row["token_cost"], row["infra_cost"])
        for span, row in calls.items()
    }
    expected = {
        span: (source, money(token), money(infra))
        for span, (source, token, infra) in EXPECTED_CALLS.items()
    }
    assert actual == expected
    assert calls["span-c9"]["is_unbilled"] and not calls["span-c9"]["is_billed"]
    assert calls["span-c1"]["estimated_cost"] == money("0.008")
    for row in calls.values():
        assert row["cost"] == row["token_cost"] + row["tool_cost"] + row["infra_cost"]


def test_prices_hold_from_their_day_and_negotiated_rates_win(billing_build: Build) -> None:
    prices = {
        row["span_id"]: row
        for row in billing_build.records(f"""
            select span_id, input_price_per_token, output_price_per_token,
                   cache_read_price_per_token, has_negotiated_price, token_cost as estimated_cost
            from {MARTS}_intermediate.int_aiue__calls_priced
        """)
    }
    assert prices["span-c1"]["input_price_per_token"] == money("0.000005")  # before 10-01
    assert prices["span-c3"]["input_price_per_token"] == money("0.0000025")  # price change
    assert prices["span-c3"]["cache_read_price_per_token"] == money("0.00000125")
    assert prices["span-c5"]["input_price_per_token"] == money("0.0000001")  # override
    assert prices["span-c5"]["output_price_per_token"] == money("0.0000006")  # list
    assert prices["span-c5"]["has_negotiated_price"]
    assert not prices["span-c1"]["has_negotiated_price"]
    assert prices["span-c5"]["estimated_cost"] == money("0.0016")


EXPECTED_BUCKETS = {
    # bucket: (status, billed, allocated, estimated, variance %)
    "token|2024-09-30|openai|gpt-4o|input": ("allocated", "0.021", "0.021", "0.02", 5.0),
    "token|2024-09-30|openai|gpt-4o|output": ("allocated", "0.0045", "0.0045", "0.0045", 0.0),
    "token|2024-10-01|openai|gpt-4o|input": ("allocated", "0.003", "0.003", "0.0025", 20.0),
    "token|2024-10-01|openai|gpt-4o|cache_read": (
        "allocated", "0.00125", "0.00125", "0.00125", 0.0),
    "token|2024-10-01|openai|gpt-4o|output": ("allocated", "0.004", "0.004", "0.005", -20.0),
    "request|resp-c4": ("allocated", "0.004", "0.004", "0.0035", 100 / 7),
    "token|2024-10-01|openai|gpt-4o-mini|input": ("allocated", "0.005", "0.005", "0.004", 25.0),
    "token|2024-10-01|openai|gpt-4o-mini|output": ("allocated", "0.0012", "0.0012", "0.0012", 0.0),
    "token|2024-10-01|azure.ai.openai|gpt-4o-2024-08-06|input": (
        "allocated", "0.011", "0.011", "0.01", 10.0),
    "provider|2024-10-01|azure.ai.openai": ("allocated", "0.25", "0.25", "0.01", 2400.0),
    "token|2024-10-03|openai|gpt-4o|input": ("no_calls", "0.002", "0", None, None),
    "feature|2024-10-01|support_chat": ("allocated", "0.3", "0.3", None, None),
    "gpu|2024-10-01|self_hosted|llama-3.1-8b": ("allocated", "48", "48", None, None),
    "gpu|2024-10-02|self_hosted|llama-3.1-8b": ("no_calls", "48", "0", None, None),
    "unbilled|2024-10-02|openai|gpt-4o|input": ("unbilled", "0", "0", "0.0025", -100.0),
    "unbilled|2024-10-02|openai|gpt-4o|output": ("unbilled", "0", "0", "0.001", -100.0),
}  # fmt: skip


def test_reconciliation_per_bucket(billing_build: Build) -> None:
    rows = {
        row["bucket_id"]: row
        for row in billing_build.records(f"select * from {MARTS}.aiue__cost_reconciliation")
    }
    assert set(rows) == set(EXPECTED_BUCKETS)
    for bucket, (status, billed, allocated, estimated, variance) in EXPECTED_BUCKETS.items():
        row = rows[bucket]
        assert row["reconciliation_status"] == status, bucket
        assert (row["billed_cost"], row["allocated_cost"]) == (money(billed), money(allocated))
        assert row["unallocated_cost"] == money(billed) - money(allocated), bucket
        assert row["estimated_cost"] == (money(estimated) if estimated else None), bucket
        if variance is None:
            assert row["variance_pct"] is None, bucket
        else:
            assert row["variance_pct"] == pytest.approx(variance, abs=1e-9), bucket
    assert rows["token|2024-10-01|azure.ai.openai|gpt-4o-2024-08-06|input"]["weight_basis"] == (
        "estimated_cost"
    )


def test_money_is_conserved(billing_build: Build) -> None:
    [row] = billing_build.records(f"""
        select
            (select sum(billed_cost) from {MARTS}.aiue__billing_lines) as billed_in,
            (select sum(allocated_cost) from {MARTS}.aiue__llm_calls) as allocated,
            (select sum(unallocated_cost) from {MARTS}.aiue__cost_reconciliation) as unallocated,
            (select sum(billed_cost) from {MARTS}.aiue__unit_economics_daily) as daily_billed,
            (select sum(total_cost) from {MARTS}.aiue__intents) as intent_total,
            (select sum(cost) from {MARTS}.aiue__llm_calls) as call_cost
    """)
    assert row["billed_in"] == money("96.60695")
    assert row["allocated"] == money("48.60495")
    assert row["unallocated"] == money("48.002")
    assert row["allocated"] + row["unallocated"] == row["billed_in"] == row["daily_billed"]
    assert row["intent_total"] == row["call_cost"]  # no labour in this fixture


def test_eur_row_keeps_its_rate_and_a_missing_rate_is_a_visible_error(
    billing_build: Build,
) -> None:
    [eur] = billing_build.records(
        f"select * from {MARTS}.aiue__billing_lines where billing_currency = 'EUR'"
    )
    assert eur["fx_rate"] == money("1.1") and eur["fx_rate_date"] == date(2024, 9, 30)
    assert (eur["billing_currency_amount"], eur["billed_cost"]) == (money("0.01"), money("0.011"))
    rejected = {
        row["rejection_kind"]: row
        for row in billing_build.records(f"select * from {MARTS}.aiue__rejected_focus_costs")
    }
    assert set(rejected) == {"invalid", "missing_fx_rate"}
    assert rejected["missing_fx_rate"]["rejection_reason"] == (
        "no FX rate from EUR to USD in aiue_fx_rates on or up to 7 days before 2024-09-29"
    )
    assert rejected["missing_fx_rate"]["effective_cost"] == money("0.5")
    assert rejected["invalid"]["rejection_reason"] == "BilledCost is not a number: abc"


def test_scope_summary_counts_every_fixture_row(billing_build: Build) -> None:
    scope = dict(
        billing_build.query(
            f"select scope_status, sum(focus_rows) from {MARTS}.aiue__billing_scope_summary "
            "group by scope_status"
        )
    )
    assert scope == {"ai_cost": 13, "not_ai": 1, "rejected": 2}


def test_gpu_capacity_reports_idle_cost(billing_build: Build) -> None:
    days = {
        row["date_day"]: row
        for row in billing_build.records(f"select * from {MARTS}.aiue__gpu_capacity_daily")
    }
    busy, idle = days[date(2024, 10, 1)], days[date(2024, 10, 2)]
    assert (busy["gpu_cost"], busy["tokens"], busy["calls"]) == (money("48"), 4000, 2)
    assert busy["utilization"] == pytest.approx(4000 / 2_400_000)
    assert float(busy["idle_cost"]) == pytest.approx(48 * (1 - 4000 / 2_400_000))
    assert idle["is_idle_day"] and idle["unallocated_cost"] == idle["idle_cost"] == money("48")


def test_metrics_gain_billing_columns_and_a_cost_basis(
    billing_build: Build, capsys: pytest.CaptureFixture
) -> None:
    base = ["metrics", "--db", str(billing_build.db_path), "--by", "feature_tag"]
    assert aiue([*base, "--format", "json"]) == 0
    invoice = {row["feature_tag"]: row for row in json.loads(capsys.readouterr().out)}
    assert sum(money(r["billed_cost"]) for r in invoice.values()) == money("96.60695")
    assert money(invoice[None]["unallocated_cost"]) == money("48.002")
    assert invoice[None]["intents"] == 0
    assert money(invoice["invoice_extraction"]["infra_cost"]) == money("48")
    assert aiue([*base, "--format", "json", "--cost-basis", "estimate"]) == 0
    estimate = {row["feature_tag"]: row for row in json.loads(capsys.readouterr().out)}
    # support_chat list-price tokens: c1..c5 and c9 (c4 at its estimate 0.0035)
    support = money(estimate["support_chat"]["token_cost"])
    assert support == sum(map(money, ["0.008", "0.0165", "0.00875", "0.0035", "0.0016", "0.0035"]))
    assert money(invoice["support_chat"]["token_cost"]) == sum(
        money(EXPECTED_CALLS[f"span-{c}"][1]) for c in ("c1", "c2", "c3", "c4", "c5", "c9")
    )
    assert aiue(base) == 0
    assert "unallocated $" in capsys.readouterr().out


# --- without billing nothing changes ----------------------------------------------------------


def test_without_billing_costs_stay_estimates(
    scenario_build: Build, capsys: pytest.CaptureFixture
) -> None:
    sources = {
        s for (s,) in scenario_build.query(f"select cost_source from {MARTS}.aiue__llm_calls")
    }
    assert sources <= {"estimated", "gateway_reported", "unpriced"}
    kinds = {k for (k,) in scenario_build.query(
        f"select distinct bucket_kind from {MARTS}.aiue__cost_reconciliation")}  # fmt: skip
    assert kinds == {"unbilled"}
    base = ["metrics", "--db", str(scenario_build.db_path), "--by", "feature_tag", "--format"]
    assert aiue([*base, "json"]) == 0
    invoice = json.loads(capsys.readouterr().out)
    assert aiue([*base, "json", "--cost-basis", "estimate"]) == 0
    assert json.loads(capsys.readouterr().out) == invoice
    assert "billed_cost" not in invoice[0]  # the published keys, unchanged, without billing
    assert aiue([*base, "json", "--billing"]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert all(row["billed_cost"] == 0 and row["infra_cost"] == 0 for row in forced)


# --- the seed article's invoice-extraction case study -----------------------------------------


def test_invoice_extraction_costs_0_081_per_page(invoice_extraction_build: Build) -> None:
    [sums] = invoice_extraction_build.records(f"""
        select
            sum(intents) as pages,
            sum(token_cost - retry_cost) as inference,
            sum(retry_cost) as retries,
            sum(review_cost) as human_review,
            sum(infra_cost) as orchestration,
            sum(total_cost) as total
        from {MARTS}.aiue__unit_economics_daily
    """)
    pages = sums.pop("pages")
    per_page = {name: value / pages for name, value in sums.items()}
    assert pages == 100
    assert per_page == {
        "inference": money("0.036"),
        "retries": money("0.004"),
        "human_review": money("0.04"),
        "orchestration": money("0.001"),
        "total": money("0.081"),
    }
    [(unallocated, sources)] = invoice_extraction_build.query(f"""
        select sum(unallocated_cost), (select string_agg(distinct cost_source, ',')
                                       from {MARTS}.aiue__llm_calls)
        from {MARTS}.aiue__cost_reconciliation
    """)
    assert unallocated == 0 and sources == "invoice_share"


# --- the generated sample with its synthetic invoice (aiue demo) ------------------------------

SCENARIO_FEATURES = ("scenario_a_mini", "scenario_b_reasoning", "cpo_baseline", "cpo_cheaper_model")


@pytest.fixture(scope="module")
def generated_billing_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("generated_billing")
    generate(root / "data", n_intents=300, seed=11, billing=True)
    return build(root / "data", root / "aiue.duckdb")


def generated_invoice(generated: Build) -> list[dict[str, str]]:
    with (generated.input_dir / "focus_costs.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def is_ai_row(row: dict[str, str]) -> bool:
    """docs/billing.md "Scope", for these rows: the AI category or a feature tag."""
    tags = json.loads(row["Tags"]) if row["Tags"] else {}
    return row["ServiceCategory"] == "AI and Machine Learning" or "feature_tag" in tags


def test_generated_invoice_money_is_conserved(generated_billing_build: Build) -> None:
    [row] = generated_billing_build.records(f"""
        select
            sum(billed_cost) as billed,
            sum(allocated_cost) as allocated,
            sum(unallocated_cost) as unallocated,
            (select sum(allocated_cost) from {MARTS}.aiue__llm_calls) as on_calls,
            (select sum(billed_cost) from {MARTS}.aiue__unit_economics_daily) as daily_billed
        from {MARTS}.aiue__cost_reconciliation
    """)
    billed = float(row["billed"])
    assert billed > 0
    assert float(row["allocated"] + row["unallocated"]) == pytest.approx(billed, rel=1e-9)
    assert float(row["on_calls"] + row["unallocated"]) == pytest.approx(billed, rel=1e-9)
    invoice = generated_invoice(generated_billing_build)
    in_scope = sum(money(r["EffectiveCost"]) for r in invoice if is_ai_row(r))
    assert row["billed"] == in_scope == row["daily_billed"]
    assert row["allocated"] > 0 and row["unallocated"] != 0


def test_generated_invoice_credit_and_no_call_day_stay_unallocated(
    generated_billing_build: Build,
) -> None:
    invoice = generated_invoice(generated_billing_build)
    [credit] = [r for r in invoice if r["ChargeCategory"] == "Credit"]
    last_day = max(r["ChargePeriodStart"][:10] for r in invoice if r["ServiceName"] == "OpenAI API")
    [unattributed] = generated_billing_build.records(
        f"select * from {MARTS}.aiue__cost_reconciliation where bucket_kind = 'unattributed'"
    )
    assert unattributed["bucket_id"] == f"unattributed|{credit['ChargePeriodStart'][:10]}|openai"
    assert unattributed["billed_cost"] == unattributed["unallocated_cost"]
    assert unattributed["billed_cost"] == money(credit["EffectiveCost"]) < 0
    assert credit["ChargePeriodStart"][:10] == last_day
    # The day billed without calls of its model: every bucket of it is no_calls.
    no_calls = generated_billing_build.records(f"""
        select * from {MARTS}.aiue__cost_reconciliation
        where reconciliation_status = 'no_calls' order by bucket_id
    """)
    [day] = {row["date_day"] for row in no_calls}
    lines = [r for r in invoice if r["ChargePeriodStart"] == f"{day} 00:00:00"]
    assert len(lines) == len(no_calls) == 2
    assert [row["bucket_id"] for row in no_calls] == [
        f"token|{day}|anthropic|claude-3-5-haiku|input",
        f"token|{day}|anthropic|claude-3-5-haiku|output",
    ]
    assert sum(row["unallocated_cost"] for row in no_calls) == sum(
        money(r["EffectiveCost"]) for r in lines
    )
    assert all(row["allocated_cost"] == 0 and row["calls"] == 0 for row in no_calls)


def test_generated_invoice_scope_summary_counts_the_non_ai_row(
    generated_billing_build: Build,
) -> None:
    invoice = generated_invoice(generated_billing_build)
    scope = {
        row["scope_status"]: row
        for row in generated_billing_build.records(f"""
            select scope_status, sum(focus_rows) as focus_rows, sum(effective_cost) as effective
            from {MARTS}.aiue__billing_scope_summary group by scope_status
        """)
    }
    out_of_scope = [r for r in invoice if not is_ai_row(r)]
    assert [r["ServiceCategory"] for r in out_of_scope] == ["Compute"]
    assert set(scope) == {"ai_cost", "not_ai"}
    assert scope["not_ai"]["focus_rows"] == 1
    assert scope["not_ai"]["effective"] == money(out_of_scope[0]["EffectiveCost"])
    assert scope["ai_cost"]["focus_rows"] == len(invoice) - 1


def test_generated_invoice_keeps_the_article_numbers(generated_billing_build: Build) -> None:
    """OpenAI is billed at list, so the scenario calls' invoice shares equal their estimates
    (to the invoice's 6 decimals) and the article's numbers survive the billing."""
    calls = generated_billing_build.records(f"""
        select feature_tag, cost_source, token_cost, estimated_cost,
            coalesce(input_tokens, 0) + coalesce(output_tokens, 0) as tokens
        from {MARTS}.aiue__llm_calls where is_inference
    """)
    scenario = [c for c in calls if c["feature_tag"] in SCENARIO_FEATURES]
    assert len(scenario) == 3700
    assert {c["cost_source"] for c in scenario} == {"invoice_share"}
    assert all(abs(c["token_cost"] - c["estimated_cost"]) < money("0.000001") for c in scenario)
    assert {c["cost_source"] for c in calls if c["tokens"]} == {"invoice_share"}
    per_feature = dict(
        generated_billing_build.query(f"""
            select feature_tag, sum(total_cost) / sum(intents)
            from {MARTS}.aiue__unit_economics_daily
            where feature_tag in {SCENARIO_FEATURES} group by feature_tag
        """)
    )
    assert float(per_feature["scenario_a_mini"]) == pytest.approx(4.5019, abs=1e-4)
    assert float(per_feature["scenario_b_reasoning"]) == pytest.approx(0.764, abs=1e-4)
    [(cps_baseline, cps_cheaper)] = generated_billing_build.query(f"""
        select
            sum(case when feature_tag = 'cpo_baseline' then labeled_total_cost end)
                / sum(case when feature_tag = 'cpo_baseline' then successful_intents end),
            sum(case when feature_tag = 'cpo_cheaper_model' then labeled_total_cost end)
                / sum(case when feature_tag = 'cpo_cheaper_model' then successful_intents end)
        from {MARTS}.aiue__unit_economics_daily
    """)
    assert (round(float(cps_baseline), 2), round(float(cps_cheaper), 2)) == (2.00, 2.50)


def test_generated_invoice_feature_row_lands_on_its_feature(generated_billing_build: Build) -> None:
    invoice = generated_invoice(generated_billing_build)
    [platform] = [r for r in invoice if r["ServiceCategory"] == "Integration"]
    feature, day = json.loads(platform["Tags"])["feature_tag"], platform["ChargePeriodStart"][:10]
    [bucket] = generated_billing_build.records(
        f"select * from {MARTS}.aiue__cost_reconciliation where bucket_kind = 'feature'"
    )
    assert bucket["bucket_id"] == f"feature|{day}|{feature}"
    assert bucket["allocated_cost"] == bucket["billed_cost"] == money(platform["EffectiveCost"])
    [(infra,)] = generated_billing_build.query(
        f"select sum(infra_cost) from {MARTS}.aiue__llm_calls where feature_tag = '{feature}'"
    )
    assert infra == money(platform["EffectiveCost"])


def test_demo_reconciliation_summary(generated_billing_build: Build) -> None:
    records = {
        r["provider"]: r for r in reconciliation_by_provider(generated_billing_build.db_path)
    }
    assert set(records) == {"openai", "anthropic", "google", "support_chat (feature)"}
    # Billed against the list-price estimate: the negotiated factors of the generator.
    for provider, factor in (("openai", 1.0), ("anthropic", 0.95), ("google", 1.0)):
        record = records[provider]
        ratio = record["billed_with_estimate"] / record["estimated"]
        assert float(ratio) == pytest.approx(factor, abs=1e-4), provider
    assert all(r["unbilled_estimate"] is None for r in records.values())  # every call billed
    text = render_reconciliation(list(records.values()))
    assert "aiue__cost_reconciliation" in text and "aiue__billing_scope_summary" in text
    assert "+0.0%" in text and "-5.0%" in text
    total = sum(r["billed"] for r in records.values())
    assert f"total {total:,.2f}".split() == next(
        line.split()[:2] for line in text.splitlines() if line.startswith("total")
    )


def test_aiue_reconcile_prints_the_summary(
    generated_billing_build: Build, scenario_build: Build, capsys: pytest.CaptureFixture
) -> None:
    assert aiue(["reconcile", "--db", str(generated_billing_build.db_path)]) == 0
    text = capsys.readouterr().out
    total = sum(r["billed"] for r in reconciliation_by_provider(generated_billing_build.db_path))
    assert f"{total:,.2f}" in next(line for line in text.splitlines() if line.startswith("total"))
    assert "main_aiue.aiue__cost_reconciliation" in text
    assert aiue(["reconcile", "--db", str(scenario_build.db_path)]) == 0
    assert "No billing in this build" in capsys.readouterr().out
    assert aiue(["reconcile", "--db", str(scenario_build.input_dir / "missing.duckdb")]) == 2
    assert "no such DuckDB file" in capsys.readouterr().err


def test_a_snapshot_model_is_priced_and_billed_as_its_family(tmp_path: Path) -> None:
    """claude-3-5-haiku-20241022 has no seed row of its own: it is priced as claude-3-5-haiku
    (the bundled seed's $0.80 / $4 per 1M) and joins that model's invoice buckets."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "genai_spans.csv").write_text(
        "trace_id,span_id,operation_name,start_time,provider_name,response_model,"
        "input_tokens,output_tokens\n"
        "t1,s1,chat,2026-09-10T10:00:00Z,anthropic,claude-3-5-haiku-20241022,1000,100\n"
        "t2,s2,chat,2026-09-10T11:00:00Z,anthropic,claude-3-5-haiku,1000,100\n"
        "t3,s3,chat,2026-09-10T12:00:00Z,openai,gpt-4-0613,1000,100\n"
    )
    (data / "focus_costs.csv").write_text(
        "BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,"
        "ChargeCategory,ChargeDescription,ServiceCategory,ServiceName,ProviderName\n"
        "0.0019,0.0019,USD,2026-09-10 00:00:00,2026-09-11 00:00:00,Usage,"
        "claude-3-5-haiku-20241022 input_tokens,AI and Machine Learning,Claude API,Anthropic\n"
        "0.0008,0.0008,USD,2026-09-10 00:00:00,2026-09-11 00:00:00,Usage,"
        "claude-3-5-haiku-20241022 output_tokens,AI and Machine Learning,Claude API,Anthropic\n"
    )
    built = build(data, tmp_path / "aiue.duckdb")
    calls = {
        row["span_id"]: row
        for row in built.records(
            f"select span_id, priced_model, cost_source, estimated_cost, token_cost "
            f"from {MARTS}.aiue__llm_calls"
        )
    }
    assert calls["s1"]["priced_model"] == calls["s2"]["priced_model"] == "claude-3-5-haiku"
    assert calls["s1"]["estimated_cost"] == money("0.0012")  # 1000 x 0.8e-6 + 100 x 4e-6
    assert calls["s1"]["cost_source"] == calls["s2"]["cost_source"] == "invoice_share"
    assert calls["s1"]["token_cost"] == calls["s2"]["token_cost"] == money("0.00135")
    # gpt-4 has no seed row either, so gpt-4-0613 stays unpriced and says so.
    assert calls["s3"]["priced_model"] is None and calls["s3"]["cost_source"] == "unpriced"
    [(unallocated,)] = built.query(
        f"select sum(unallocated_cost) from {MARTS}.aiue__cost_reconciliation"
    )
    assert unallocated == 0


def test_every_built_column_is_documented(billing_build: Build) -> None:
    """The billing models, GPU leases and the call path, as this build holds them."""
    assert column_doc_gaps(billing_build.query) == []
