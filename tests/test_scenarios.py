"""The seed articles' worked numbers, reproduced through the full dbt pipeline."""

from __future__ import annotations

import json

import pytest

from ai_unit_economics.cli import main as aiue

from .conftest import Build


@pytest.fixture(scope="module")
def by_feature(
    scenario_build: Build, capsys: pytest.CaptureFixture | None = None
) -> dict[str, dict]:
    return {
        row["feature_tag"]: row
        for row in scenario_build.records("""
            select feature_tag,
                   sum(total_cost) / sum(intents) as cost_per_intent,
                   sum(labeled_total_cost) / sum(successful_intents) as cost_per_success,
                   sum(token_cost) / sum(intents) as token_cost_per_intent,
                   sum(successful_intents) * 1.0 / sum(labeled_intents) as success_rate,
                   sum(escalated_intents) * 1.0 / sum(labeled_intents) as escalation_rate,
                   sum(turns) * 1.0 / sum(intents) as turns
            from main_aiue.aiue__unit_economics_daily
            group by feature_tag
        """)
    }


def test_scenario_a_cheap_model_costs_4_50_per_intent_and_6_43_per_success(
    by_feature: dict,
) -> None:
    a = by_feature["scenario_a_mini"]
    assert a["token_cost_per_intent"] == pytest.approx(0.0019, abs=1e-12)
    assert a["cost_per_intent"] == pytest.approx(4.5019, abs=1e-12)
    assert a["cost_per_success"] == pytest.approx(4.5019 / 0.7, abs=1e-9)
    assert round(a["cost_per_success"], 4) == 6.4313
    assert (a["success_rate"], a["escalation_rate"], a["turns"]) == (0.7, 0.3, 5.0)


def test_scenario_b_reasoning_model_costs_0_764_per_intent_and_0_80_per_success(
    by_feature: dict,
) -> None:
    b = by_feature["scenario_b_reasoning"]
    assert b["token_cost_per_intent"] == pytest.approx(0.014, abs=1e-12)
    assert b["cost_per_intent"] == pytest.approx(0.764, abs=1e-12)
    assert round(b["cost_per_success"], 4) == 0.8042
    # The article's verdict: the "expensive" model is 83% cheaper per intent.
    a = by_feature["scenario_a_mini"]
    assert round(1 - b["cost_per_intent"] / a["cost_per_intent"], 2) == 0.83


def test_cost_per_outcome_article_2_00_versus_2_50(by_feature: dict) -> None:
    assert by_feature["cpo_baseline"]["cost_per_success"] == pytest.approx(2.00, abs=1e-12)
    assert by_feature["cpo_cheaper_model"]["cost_per_success"] == pytest.approx(2.50, abs=1e-12)


def test_the_cli_prints_the_same_numbers(
    scenario_build: Build, capsys: pytest.CaptureFixture
) -> None:
    assert (
        aiue(
            [
                "metrics",
                "--db",
                str(scenario_build.db_path),
                "--by",
                "feature_tag",
                "--format",
                "json",
            ]
        )
        == 0
    )
    records = {r["feature_tag"]: r for r in json.loads(capsys.readouterr().out)}
    assert round(records["scenario_a_mini"]["cost_per_intent"], 4) == 4.5019
    assert round(records["scenario_a_mini"]["cost_per_success"], 4) == 6.4313
    assert round(records["scenario_b_reasoning"]["cost_per_intent"], 4) == 0.764
    assert round(records["scenario_b_reasoning"]["cost_per_success"], 4) == 0.8042
    assert records["scenario_a_mini"]["is_sufficient_sample"] is True
    assert aiue(["metrics", "--db", str(scenario_build.db_path), "--by", "feature_tag"]) == 0
    table = capsys.readouterr().out
    assert "scenario_a_mini" in table and "$6.4313" in table
