"""Budgets as dbt tests: the aiue_budgets seed, aiue__budget_status and `aiue budget`.

Expected values are worked out by hand in tests/fixtures/whatif/README.md.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ai_unit_economics.builder.pipeline import run_pipeline
from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import BuildError

from .conftest import FIXTURES, Build

MARTS = "main_aiue"
HEADER = (
    "budget_id,scope,scope_value,period,metric,limit_amount,warn_at,error_at,currency,"
    "valid_from,valid_to,note\n"
)


def run_results(build: Build) -> dict[str, dict]:
    """dbt's run_results.json of the build, by node name."""
    path = build.db_path.parent / ".aiue" / "target" / "run_results.json"
    results = json.loads(path.read_text())["results"]
    return {result["unique_id"].split(".")[2]: result for result in results}


def with_budgets(tmp_path: Path, rows: str) -> Path:
    """The whatif fixture with its own aiue_budgets seed."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "whatif", data)
    (data / "seeds" / "aiue_budgets.csv").write_text(HEADER + rows)
    return data


def status(build: Build) -> dict[tuple[str, str], dict]:
    rows = build.records(f"select * from {MARTS}.aiue__budget_status")
    return {(row["budget_id"], row["period_start"].isoformat()): row for row in rows}


def test_crossing_the_warn_threshold_makes_the_build_warn(whatif_build: Build) -> None:
    results = run_results(whatif_build)
    warn = results["aiue_budget_below_warn_threshold"]
    assert warn["status"] == "warn"
    assert warn["failures"] == 1  # support_monthly only
    assert results["aiue_budget_below_error_threshold"]["status"] == "pass"


def test_budget_values_match_the_hand_computation(whatif_build: Build) -> None:
    rows = status(whatif_build)
    support = rows[("support_monthly", "2026-09-01")]
    assert float(support["spend"]) == pytest.approx(45.019815, abs=1e-9)
    assert support["status"] == "warn"
    assert support["is_current_period"]
    assert (support["elapsed_days"], support["period_days"]) == (2, 30)
    assert support["forecast_value"] == pytest.approx(45.019815 / 2 * 30)
    assert support["forecast_status"] == "error"
    mini = rows[("mini_cps", "2026-09-01")]
    assert mini["actual_value"] == pytest.approx((0.001815 + 30) / 2)
    assert mini["status"] == "ok"
    assert not mini["is_sufficient_sample"]  # 4 labelled intents < 100
    assert float(rows[("openai_daily", "2026-09-02")]["spend"]) == pytest.approx(30.018735)
    assert float(rows[("openai_daily", "2026-09-01")]["spend"]) == pytest.approx(15.00108)
    assert not rows[("openai_daily", "2026-09-01")]["is_current_period"]


def test_crossing_the_error_threshold_fails_the_build(tmp_path: Path) -> None:
    data = with_budgets(
        tmp_path, "support_monthly,feature,support,month,total_cost,40,0.8,1.0,USD,2026-01-01,,\n"
    )
    with pytest.raises(BuildError) as failure:
        run_pipeline(data, tmp_path / "aiue.duckdb")
    assert "aiue_budget_below_error_threshold" in str(failure.value)
    results = run_results(Build(data, tmp_path / "aiue.duckdb"))
    assert results["aiue_budget_below_error_threshold"]["status"] == "fail"
    assert results["aiue_budget_below_warn_threshold"]["status"] == "warn"
    # A failed test publishes nothing; the failed build is kept aside to look at.
    failed = tmp_path / ".aiue" / "failed" / "aiue.duckdb"
    assert f"the failed build is kept in {failed}" in str(failure.value)
    assert not (tmp_path / "aiue.duckdb").exists()
    [row] = status(Build(data, failed)).values()
    assert row["status"] == "error"


def test_bad_budget_rows_are_named(tmp_path: Path) -> None:
    data = with_budgets(
        tmp_path,
        'typo,feature,support,month,total_cost,"1,5",,,USD,2026-01-01,,\n'
        "by_team,team,payments,month,total_cost,10,,,USD,2026-01-01,,no such scope\n",
    )
    with pytest.raises(BuildError) as failure:
        run_pipeline(data, tmp_path / "aiue.duckdb")
    # An unknown scope fails the seed's row checks, naming the rule and the value; a cell that
    # is not a number is a rejected seed row.
    assert "stg_aiue__seed_budgets row checks" in str(failure.value)
    assert "scope is not one of feature, provider, model, tenant: 1 row (e.g. 'team')" in str(
        failure.value
    )
    failed = Build(data, tmp_path / ".aiue" / "failed" / "aiue.duckdb")
    rejected = failed.records(
        f"select seed_row_number, rejection_column, rejection_value "
        f"from {MARTS}.aiue__rejected_seed_rows where seed_name = 'aiue_budgets'"
    )
    assert rejected == [
        {"seed_row_number": 1, "rejection_column": "limit_amount", "rejection_value": "1,5"}
    ]


def test_aiue_budget_prints_status_and_fails_on_request(
    whatif_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aiue(["budget", "--db", str(whatif_build.db_path)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("support_monthly"))
    assert "$45.02" in line and "$50.00" in line and "90.0%" in line and "WARN" in line
    assert "$675.30" in line
    assert max(len(text) for text in out.splitlines()) <= 120
    assert aiue(["budget", "--db", str(whatif_build.db_path), "--wide"]) == 0
    wide = capsys.readouterr().out
    line = next(line for line in wide.splitlines() if line.startswith("support_monthly"))
    assert "day 2 of 30" in line and "error" in line  # the forecast's status
    assert aiue(["budget", "--db", str(whatif_build.db_path), "--fail-on", "warn"]) == 1
    assert aiue(["budget", "--db", str(whatif_build.db_path), "--fail-on", "error"]) == 0
    capsys.readouterr()
    assert aiue(["budget", "--db", str(whatif_build.db_path), "--all", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 4  # openai_daily has two days


def test_no_budgets_says_where_to_add_them(
    sample_build: Build, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aiue(["budget", "--db", str(sample_build.db_path)]) == 0
    assert "seeds/aiue_budgets.csv" in capsys.readouterr().out
