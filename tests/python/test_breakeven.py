"""`aiue breakeven` reproduces the seed article's self-hosted vs API arithmetic."""

from __future__ import annotations

import json

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from ai_unit_economics.finops import breakeven
from ai_unit_economics.finops.breakeven import Assumptions

ARTICLE = Assumptions()  # $2/h x 730 h, $10 per 1M tokens, 1,000 tokens per request


def test_a_leased_gpu_costs_1460_a_month() -> None:
    assert breakeven.gpu_monthly_cost(ARTICLE) == pytest.approx(1460.0)


def test_api_cost_at_the_articles_volumes() -> None:
    assert breakeven.api_cost(ARTICLE, 100_000) == pytest.approx(1_000.0)
    assert breakeven.api_cost(ARTICLE, 1_000_000) == pytest.approx(10_000.0)  # ~1B tokens
    assert breakeven.compare(ARTICLE, 1_000_000).tokens == pytest.approx(1e9)


def test_self_hosting_loses_at_100k_and_wins_at_1m() -> None:
    assert breakeven.compare(ARTICLE, 100_000).cheaper == "api"
    assert breakeven.compare(ARTICLE, 1_000_000).cheaper == "self-hosted"
    assert breakeven.break_even_requests(ARTICLE) == pytest.approx(146_000.0)


def test_throughput_makes_the_gpu_count_grow_with_volume() -> None:
    scaled = Assumptions(tokens_per_gpu_hour=2_000_000, target_utilization=0.7)
    at_10m = breakeven.compare(scaled, 10_000_000)
    # 10B tokens / (2M x 730 x 0.7 per GPU) = 9.78 -> 10 GPUs
    assert at_10m.gpus == 10
    assert at_10m.self_hosted_cost == pytest.approx(14_600.0)
    assert at_10m.api_to_self_hosted_ratio == pytest.approx(100_000 / 14_600)
    assert at_10m.utilization == pytest.approx(10e9 / (10 * 2_000_000 * 730))
    assert breakeven.break_even_requests(scaled) == pytest.approx(146_000.0)


def test_no_break_even_when_a_full_gpu_costs_more_than_the_api_for_its_tokens() -> None:
    slow = Assumptions(tokens_per_gpu_hour=10_000)  # 7.3M tokens/month = $73 at the API
    assert breakeven.break_even_requests(slow) is None


def test_operations_cost_moves_the_break_even() -> None:
    with_ops = Assumptions(ops_monthly=540.0)
    assert breakeven.break_even_requests(with_ops) == pytest.approx(200_000.0)


def test_volumes_parse_and_bad_input_is_a_user_error() -> None:
    assert breakeven.parse_volumes("100k, 1M,2_500") == [1e5, 1e6, 2500.0]
    with pytest.raises(UserError, match="100k, 1M or 250000"):
        breakeven.parse_volumes("lots")
    with pytest.raises(UserError, match="--gpus must be at least 1"):
        breakeven.run_breakeven(Assumptions(gpus=0), [1.0], "table")


def test_cli_table_and_json(capsys: pytest.CaptureFixture) -> None:
    assert aiue(["breakeven"]) == 0
    table = capsys.readouterr().out
    assert "$1,460.00/month" in table and "Break-even: 146,000 requests/month." in table
    assert "$10,000.00" in table
    assert aiue(["breakeven", "--requests", "1M", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["gpu_monthly_cost_per_gpu"] == pytest.approx(1460.0)
    assert report["volumes"][0]["api_cost"] == pytest.approx(10_000.0)
    assert report["break_even_requests_per_month"] == pytest.approx(146_000.0)
