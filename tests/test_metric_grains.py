"""The metric views at the grains BI users chart, and the settings stored with a build.

- aiue__metrics_monthly and aiue__metrics_all_time (per feature x provider x model x currency
  x the pass-through dimensions) equal `aiue metrics` at the same grain, every sum, metric,
  interval end and the sample flag, which is judged at the view's own grain;
- a billing-only row (no feature, 0 intents) gives null ratios, never an error;
- `aiue metrics` takes its --min-sample and --confidence defaults from the build
  (aiue__metric_settings, compiled from the vars), and the flags override them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.metrics import catalogue, generate, stats

from .conftest import Build
from .test_semantic_layer import copy_project, db_copy, dbt

pytestmark = pytest.mark.dbt

SCHEMA = "main_aiue"
PASSTHROUGH = ["tenant_id"]  # var aiue_span_passthrough_columns of dbt_project.yml
GROUP = [*generate.GROUP_DIMENSIONS, *PASSTHROUGH]


def metrics_json(build_db: Path, by: list[str], capsys: pytest.CaptureFixture, *flags: str) -> list:
    args = ["metrics", "--db", str(build_db), "--by", ",".join(by), "--intervals"]
    assert aiue([*args, "--format", "json", "--billing", *flags]) == 0
    return json.loads(capsys.readouterr().out)


def keyed(rows: list[dict[str, Any]], by: list[str]) -> dict[tuple, dict[str, Any]]:
    found = {}
    for row in rows:
        key = tuple(str(row[d]) if row[d] is not None else None for d in by)
        assert key not in found, key
        found[key] = row
    return found


def assert_close(expected: Any, actual: Any, where: str) -> None:
    if expected is None or actual is None:
        assert expected is None and actual is None, f"{where}: {expected!r} vs {actual!r}"
    elif isinstance(expected, bool):
        assert bool(actual) == expected, where
    else:
        assert float(actual) == pytest.approx(float(expected), rel=1e-9, abs=1e-12), where


@pytest.mark.parametrize("view", [generate.MONTH_VIEW, generate.ALL_TIME_VIEW])
def test_month_and_all_time_views_equal_aiue_metrics(
    sample_build: Build, capsys: pytest.CaptureFixture, view: str
) -> None:
    by = [catalogue.MONTH_DIMENSION, *GROUP] if view == generate.MONTH_VIEW else GROUP
    expected = keyed(metrics_json(sample_build.db_path, by, capsys), by)
    rows = keyed(sample_build.records(f"select * from {SCHEMA}.{view}"), by)
    assert set(expected) <= set(rows) and len(expected) > 5
    compared = 0
    for key, want in expected.items():
        for column, value in want.items():
            if column not in by:
                assert_close(value, rows[key][column], f"{view} {column} at {key}")
                compared += 1
    assert compared >= len(expected) * 25  # every published column, intervals and billing
    # The groups `aiue metrics` leaves out hold nothing.
    assert all(
        not rows[key]["intents"] and not rows[key]["billed_cost"]
        for key in set(rows) - set(expected)
    )


def test_the_sample_flag_is_judged_at_each_grain(sample_build: Build) -> None:
    """A day rarely has 100 labelled intents of one feature and model; a month or all time
    does. Each view's flag is its own rows' labeled_intents >= 100."""
    flagged = {}
    for view in ("aiue__unit_economics_daily", generate.MONTH_VIEW, generate.ALL_TIME_VIEW):
        rows = sample_build.records(
            f"select labeled_intents, is_sufficient_sample from {SCHEMA}.{view}"
        )
        for row in rows:
            assert row["is_sufficient_sample"] == stats.is_sufficient_sample(row["labeled_intents"])
        flagged[view] = sum(row["is_sufficient_sample"] for row in rows)
    assert flagged["aiue__unit_economics_daily"] < flagged[generate.ALL_TIME_VIEW] > 0
    assert flagged[generate.MONTH_VIEW] > 0


def test_no_interval_of_any_view_is_below_zero(sample_build: Build) -> None:
    ends = [c for m in catalogue.DAILY_METRICS if m.interval for c in catalogue.interval_columns(m)]
    for view in ("aiue__unit_economics_daily", generate.MONTH_VIEW, generate.ALL_TIME_VIEW):
        [row] = sample_build.records(
            f"select {', '.join(f'min({end}) as {end}' for end in ends)} from {SCHEMA}.{view}"
        )
        assert all(value is None or value >= 0 for value in row.values()), (view, row)


def test_billing_only_rows_give_nulls_not_errors(billing_build: Build) -> None:
    """Billed money that reached no intent lands on rows with 0 intents (often no feature):
    every ratio there is null, in every view."""
    for view in ("aiue__unit_economics_daily", generate.MONTH_VIEW, generate.ALL_TIME_VIEW):
        rows = billing_build.records(
            f"select * from {SCHEMA}.{view} where intents = 0 and billed_cost <> 0"
        )
        assert rows, view
        for row in rows:
            for item in catalogue.DAILY_METRICS:  # every denominator is 0 there
                assert row[item.name] is None, (view, item.name, row[item.name])
            assert not row["is_sufficient_sample"]


# --- the settings stored with a build ---------------------------------------------------------


def test_the_cli_defaults_come_from_the_build(
    sample_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A build made with aiue_confidence_level 0.9 and aiue_min_sample_intents 50: `aiue
    metrics` judges samples and intervals as that build did, unless told otherwise."""
    [row] = sample_build.records(f"select * from {SCHEMA}.{generate.SETTINGS_VIEW}")
    assert (row["confidence_level"], row["min_sample_intents"]) == (0.95, 100)

    project = copy_project(tmp_path / "project")
    db_path = db_copy(sample_build, tmp_path / "db")
    variables = "{aiue_confidence_level: 0.9, aiue_min_sample_intents: 50}"
    dbt(project, db_path, "run", "--select", generate.SETTINGS_VIEW, "--vars", variables)

    def check(records: list[dict[str, Any]], level: float, min_sample: int) -> None:
        assert any(r["is_sufficient_sample"] for r in records)
        for record in records:
            assert record["is_sufficient_sample"] == (record["labeled_intents"] >= min_sample)
            wilson = stats.wilson_interval(
                record["successful_intents"], record["labeled_intents"], level
            )
            assert_close(wilson.low, record["success_rate_ci_low"], "success_rate_ci_low")

    check(metrics_json(db_path, ["feature_tag"], capsys), 0.9, 50)
    check(metrics_json(db_path, ["feature_tag"], capsys, "--min-sample", "100"), 0.9, 100)
    flags = ["--confidence", "0.95", "--min-sample", "100"]
    check(metrics_json(db_path, ["feature_tag"], capsys, *flags), 0.95, 100)
    assert aiue(["metrics", "--db", str(db_path), "--by", "feature_tag", "--intervals"]) == 0
    assert "90% confidence intervals" in capsys.readouterr().out
