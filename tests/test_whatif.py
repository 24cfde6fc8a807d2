"""`aiue whatif`: a feature's cost per success on another model.

The fixture's swap is worked out by hand in tests/fixtures/whatif/README.md.
"""

from __future__ import annotations

from datetime import date

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from ai_unit_economics.finops import whatif
from ai_unit_economics.finops.whatif import DayMix, FeatureSummary, GivenRates, IntentOutcome, Price
from ai_unit_economics.metrics import stats

from .conftest import Build

GPT_4O = [
    Price("input", 5.0, date(2024, 5, 13), date(2024, 10, 1)),
    Price("output", 15.0, date(2024, 5, 13), date(2024, 10, 1)),
    Price("input", 2.5, date(2024, 10, 1), None),
    Price("output", 10.0, date(2024, 10, 1), None),
    Price("cache_read", 1.25, date(2024, 10, 1), None),
]


def test_prices_are_the_ones_valid_on_each_day() -> None:
    assert whatif.price_on(GPT_4O, "input", date(2024, 9, 30)) == 5.0
    assert whatif.price_on(GPT_4O, "input", date(2024, 10, 1)) == 2.5
    # cache write has no row: falls back to input; before 2024-10-01 cache read does too
    assert whatif.price_on(GPT_4O, "cache_write", date(2024, 10, 2)) == 2.5
    assert whatif.price_on(GPT_4O, "cache_read", date(2024, 9, 1)) == 5.0
    override = [*GPT_4O, Price("input", 2.0, date(2024, 1, 1), None, is_override=True)]
    assert whatif.price_on(override, "input", date(2024, 10, 1)) == 2.0


def test_repricing_straddles_a_price_change() -> None:
    mix = [
        DayMix(date(2024, 9, 30), {"input": 1_000_000, "output": 100_000}),
        DayMix(date(2024, 10, 1), {"input": 1_000_000, "output": 100_000}),
    ]
    # 1M x $5 + 0.1M x $15 = 6.5; then 1M x $2.50 + 0.1M x $10 = 3.5
    assert whatif.reprice(mix, GPT_4O, "gpt-4o") == pytest.approx(10.0)
    with pytest.raises(UserError, match="no input price for gpt-4o on 2024-01-01"):
        whatif.reprice([DayMix(date(2024, 1, 1), {"input": 1})], GPT_4O, "gpt-4o")


FEATURE = FeatureSummary(
    intents=10,
    turns=20,
    tool_and_infra_cost=1.0,
    escalated_intents=2,
    escalation_cost=40.0,
    reviewed_intents=0,
    review_cost=0.0,
    labeled_intents=10,
)
MIX = [DayMix(date(2024, 10, 1), {"input": 400_000, "output": 100_000})]  # $2 at gpt-4o


def test_observed_outcomes_give_the_cps_and_the_stats_interval() -> None:
    observed = [IntentOutcome(True, False, 0.0)] * 3 + [IntentOutcome(False, True, 15.0)]
    result = whatif.whatif(MIX, GPT_4O, "gpt-4o", FEATURE, observed, GivenRates())
    # tokens $2 / 10 intents = 0.2 + tools 0.1 an intent; the 4 intents cost 0.3 x 4 + 15
    assert result.token_cost_per_intent == pytest.approx(0.2)
    assert result.cost_per_success == pytest.approx((0.3 * 4 + 15) / 3)
    costs, wins = [0.3, 0.3, 0.3, 15.3], [1, 1, 1, 0]
    expected = stats.ratio_interval(
        4,
        sum(costs),
        sum(c * c for c in costs),
        3,
        3,
        sum(c * w for c, w in zip(costs, wins, strict=True)),
    )
    assert result.interval == pytest.approx(expected)
    assert (result.rate_source, result.sample_intents) == ("observed", 4)


def test_given_rates_use_the_features_ticket_cost_and_turns_scale_tokens() -> None:
    given = GivenRates(success_rate=0.8, escalation_rate=0.1, turns=4)
    result = whatif.whatif(MIX, GPT_4O, "gpt-4o", FEATURE, [], given)
    # 2 turns observed -> 4: tokens x 2 = 0.4 an intent; ticket 40 / 2 = 20 -> labour 2.0
    assert result.token_cost_per_intent == pytest.approx(0.4)
    assert result.labor_cost_per_intent == pytest.approx(2.0)
    assert result.cost_per_success == pytest.approx((0.4 + 0.1 + 2.0) / 0.8)
    assert result.interval == (None, None)


def test_missing_rates_are_named() -> None:
    with pytest.raises(UserError, match="give --escalation-rate"):
        whatif.whatif(MIX, GPT_4O, "gpt-4o", FEATURE, [], GivenRates(success_rate=0.9))


# --- the hand-worked fixture ---------------------------------------------------------------


def test_swap_to_an_observed_model_gives_the_hand_computed_cps(whatif_build: Build) -> None:
    comparison = whatif.compare("duckdb", whatif_build.db_path, "support", "gpt-4o", GivenRates())
    result = comparison.result
    assert comparison.provider == "openai"
    assert result.token_cost_per_intent == pytest.approx(0.00603125)
    assert result.cost_per_intent == pytest.approx(3.75603125)
    assert result.cost_per_success == pytest.approx(15.024125 / 3)
    assert (result.success_rate, result.escalation_rate) == (0.75, 0.25)
    assert comparison.today["cost_per_success"] == pytest.approx(45.019815 / 5)


def test_swap_to_an_unobserved_model_uses_the_given_rates(whatif_build: Build) -> None:
    given = GivenRates(success_rate=0.9, escalation_rate=0.1)
    result = whatif.compare("duckdb", whatif_build.db_path, "support", "gpt-4.1", given).result
    assert result.token_cost_per_intent == pytest.approx(0.0047625)
    assert result.cost_per_intent == pytest.approx(1.5047625)
    assert result.cost_per_success == pytest.approx(1.5047625 / 0.9)


def test_cli_prints_today_beside_the_what_if(
    whatif_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(whatif_build.db_path)
    assert aiue(["whatif", "--db", db, "--feature", "support", "--model", "gpt-4o"]) == 0
    out = capsys.readouterr().out
    cps = next(line for line in out.splitlines() if line.startswith("cost per success"))
    assert "$9.0040" in cps and "$5.0080" in cps
    assert "95% interval" in out and "-44.4%" in out
    code = aiue(["whatif", "--db", db, "--feature", "support", "--model", "gpt-4.1"])
    assert code == 2
    assert "give --success-rate and --escalation-rate" in capsys.readouterr().err
    code = aiue(["whatif", "--db", db, "--feature", "nope", "--model", "gpt-4o"])
    assert code == 2
    assert "no intents of feature 'nope'" in capsys.readouterr().err
    code = aiue(["whatif", "--db", db, "--feature", "support", "--model", "no-such-model"])
    assert code == 2
    assert "no price for model 'no-such-model'" in capsys.readouterr().err
