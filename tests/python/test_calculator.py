"""`aiue cps` reproduces the seed article's calculator (article 004, "Two Scenarios")."""

from __future__ import annotations

import json

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from ai_unit_economics.finops.calculator import Inputs, calculate, ticket_cost

# The article: $0.15 per 1M, 5 turns, token cost $0.0019 per intent (12,665 tokens at 2,533 a
# turn give $0.00189975), 70% success, 30% escalated at $15 -> $4.5019 / $6.4313.
SCENARIO_A = Inputs(0.15, 2533, 5, success_rate=0.70, escalation_rate=0.30)
# $10 per 1M, 1 turn of 1,400 tokens ($0.014), 95% success, 5% escalated -> $0.764 / $0.8042.
SCENARIO_B = Inputs(10.0, 1400, 1, success_rate=0.95, escalation_rate=0.05)


def test_a_ticket_is_ten_minutes_at_ninety_dollars_an_hour() -> None:
    assert ticket_cost(10, 90) == pytest.approx(15.0)
    assert SCENARIO_A.ticket_cost == pytest.approx(15.0)


def test_scenario_a_reproduces_the_article() -> None:
    result = calculate(SCENARIO_A)
    assert round(result.token_cost_per_intent, 4) == 0.0019
    assert result.escalation_cost_per_intent == pytest.approx(0.3 * 15)
    assert round(result.cost_per_intent, 4) == 4.5019
    assert round(result.cost_per_success, 4) == 6.4313


def test_scenario_b_reproduces_the_article() -> None:
    result = calculate(SCENARIO_B)
    assert result.token_cost_per_intent == pytest.approx(0.014)
    assert result.cost_per_intent == pytest.approx(0.764)
    assert round(result.cost_per_success, 4) == 0.8042


def test_the_expensive_model_is_83_percent_cheaper_per_intent() -> None:
    a, b = calculate(SCENARIO_A), calculate(SCENARIO_B)
    assert 1 - b.cost_per_intent / a.cost_per_intent == pytest.approx(0.83, abs=0.005)
    assert b.token_cost_per_intent / a.token_cost_per_intent == pytest.approx(7.4, abs=0.05)


def test_reviews_and_other_costs_add_to_the_intent() -> None:
    inputs = Inputs(
        1.0, 1000, 2, success_rate=0.5, review_rate=0.1, review_cost=2.0, other_cost_per_intent=0.01
    )
    result = calculate(inputs)
    # 2,000 tokens at $1 per 1M = 0.002; review 0.1 x 2 = 0.2; + 0.01 -> 0.212; / 0.5 = 0.424
    assert result.cost_per_intent == pytest.approx(0.212)
    assert result.cost_per_success == pytest.approx(0.424)


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        ({"success_rate": 0}, "--success-rate"),
        ({"success_rate": 70}, "--success-rate"),
        ({"escalation_rate": 1.5}, "--escalation-rate"),
        ({"price_per_million": -1}, "--price-per-million"),
    ],
)
def test_bad_inputs_name_the_flag(change: dict, flag: str) -> None:
    values = {**SCENARIO_A.__dict__, **change}
    with pytest.raises(UserError, match=flag):
        calculate(Inputs(**values))


def test_cli_prints_the_parts_and_the_article_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code = aiue(
        [
            "cps",
            "--price-per-million",
            "0.15",
            "--tokens-per-turn",
            "2533",
            "--turns",
            "5",
            "--success-rate",
            "0.7",
            "--escalation-rate",
            "0.3",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "$4.5019" in out and "$6.4313" in out and "30.0% x $15.00 a ticket" in out
    code = aiue(
        [
            "cps",
            "--price-per-million",
            "10",
            "--tokens-per-turn",
            "1400",
            "--success-rate",
            "0.95",
            "--escalation-rate",
            "0.05",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert round(data["result"]["cost_per_intent"], 4) == 0.764
    assert round(data["result"]["cost_per_success"], 4) == 0.8042


def test_cli_bad_rate_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code = aiue(
        ["cps", "--price-per-million", "1", "--tokens-per-turn", "1", "--success-rate", "70"]
    )
    assert code == 2
    assert "--success-rate must be in (0, 1]" in capsys.readouterr().err
