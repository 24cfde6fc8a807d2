"""aiue__anomalies on the seeded fixture of tests/anomaly_fixture.py: exactly the injected
spikes are anomalies, the CPS change that is only noise is not, the warn-level data test and
the dbt unit tests (pinned baselines and scores) run, and `aiue anomalies` prints them."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date

import pytest

from ai_unit_economics.builder.pipeline import run_pipeline
from ai_unit_economics.cli import main as aiue

from . import anomaly_fixture
from .conftest import Build

MARTS = "main_aiue"
pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def anomaly_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("anomalies")
    data = anomaly_fixture.write(root / "data")
    run_pipeline(data, root / "aiue.duckdb", unit_tests=True)
    return Build(data, root / "aiue.duckdb")


def run_results(build: Build) -> dict[str, dict]:
    path = build.db_path.parent / ".aiue" / "target" / "run_results.json"
    results = json.loads(path.read_text())["results"]
    return {result["unique_id"]: result for result in results}


def printed(build: Build, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue(["anomalies", "--db", str(build.db_path), *args]) == 0
    return out.getvalue()


def test_exactly_the_injected_spikes_are_anomalies(anomaly_build: Build) -> None:
    found = anomaly_build.query(
        f"select feature_tag, date_day, measure from {MARTS}.aiue__anomalies where is_anomaly"
    )
    assert set(found) == anomaly_fixture.EXPECTED
    assert len(found) == len(anomaly_fixture.EXPECTED)


def test_the_noise_cps_change_leaves_the_band_but_not_its_interval(anomaly_build: Build) -> None:
    feature, day, measure = anomaly_fixture.NOISE_DAY
    [row] = anomaly_build.records(
        f"select * from {MARTS}.aiue__anomalies where feature_tag = '{feature}' "
        f"and date_day = '{day}' and measure = '{measure}'"
    )
    assert row["is_outside_band"] and abs(row["score"]) > 3.5
    assert row["observed_ci_low"] <= row["expected_value"]
    assert row["is_outside_interval"] is False
    assert row["is_anomaly"] is False
    assert row["intents"] == 6


def test_every_series_has_four_measures_a_day_and_its_tenant(anomaly_build: Build) -> None:
    rows = anomaly_build.records(
        f"select feature_tag, tenant_id, count(*) as n, count(distinct date_day) as days "
        f"from {MARTS}.aiue__anomalies group by feature_tag, tenant_id order by feature_tag"
    )
    tenants = {feature.name: feature.tenant for feature in anomaly_fixture.FEATURES}
    assert [(r["feature_tag"], r["tenant_id"]) for r in rows] == sorted(tenants.items())
    assert {(r["n"], r["days"]) for r in rows} == {(4 * anomaly_fixture.DAYS, anomaly_fixture.DAYS)}


def test_the_first_four_weeks_are_a_cold_start_without_alerts(anomaly_build: Build) -> None:
    states = anomaly_build.query(
        f"""
        select date_day < cast('{anomaly_fixture.FIRST_FULL_BASELINE}' as date) as early,
            baseline_state, max(baseline_weeks), count(*), count(score),
            sum(case when is_outside_band then 1 else 0 end)
        from {MARTS}.aiue__anomalies group by 1, 2 order by 1, 2
        """
    )
    cold, ready = 28 * 3 * 4, 21 * 3 * 4  # days x features x measures
    assert states == [(False, "ready", 4, ready, ready, 7), (True, "cold_start", 3, cold, 0, 0)]


def test_the_warn_test_lists_the_last_weeks_anomaly_and_the_unit_tests_pass(
    anomaly_build: Build,
) -> None:
    results = run_results(anomaly_build)
    [warn] = [r for key, r in results.items() if ".aiue_no_anomalies_in_the_last_week." in key]
    assert warn["status"] == "warn"
    assert warn["failures"] == 1  # search's CPS spike; the token and spend spikes are older
    units = {
        key: r["status"]
        for key, r in results.items()
        if key.startswith("unit_test.") and ".aiue__anomalies." in key
    }
    assert len(units) == 2 and set(units.values()) == {"pass"}


def test_aiue_anomalies_prints_the_last_week_in_120_columns(anomaly_build: Build) -> None:
    text = printed(anomaly_build)
    assert "1 anomaly in the 7 days up to 2026-07-19." in text
    assert "search" in text and "globex" in text and "CPS" in text
    assert max(len(line) for line in text.splitlines()) <= 120
    everything = printed(anomaly_build, "--all")
    assert "6 anomalies up to 2026-07-19." in everything
    assert max(len(line) for line in everything.splitlines()) <= 120


def test_aiue_anomalies_json_carries_every_column(anomaly_build: Build) -> None:
    result = json.loads(printed(anomaly_build, "--all", "--format", "json"))
    found = {(a["feature_tag"], a["date_day"], a["measure"]) for a in result["anomalies"]}
    assert found == {(f, d.isoformat(), m) for f, d, m in anomaly_fixture.EXPECTED}
    assert result["passthrough"] == ["tenant_id"]
    assert result["cold_start_series_on_latest_day"] == 0
    first = result["anomalies"][0]
    assert {"observed_value", "expected_value", "score", "baseline_weeks", "tenant_id"} <= set(
        first
    )


def test_the_report_lists_the_anomalies_of_its_period(anomaly_build: Build, tmp_path) -> None:
    from ai_unit_economics.finops.report import write_report

    out = tmp_path / "report.html"
    data = write_report(out, "duckdb", anomaly_build.db_path)
    found = {(a["feature_tag"], a["date_day"], a["measure"]) for a in data.anomalies}
    assert found == {(f, d.isoformat(), m) for f, d, m in anomaly_fixture.EXPECTED}
    page = out.read_text(encoding="utf-8")
    table = page[page.index("<table id=anomaly-table>") :]
    table = table[: table.index("</table>")]
    assert table.count("<tr>") == 1 + len(anomaly_fixture.EXPECTED)  # the header and each
    assert "<td>search (globex)</td>" in table
    later = write_report(out, "duckdb", anomaly_build.db_path, date_from=date(2026, 7, 10))
    assert {a["date_day"] for a in later.anomalies} == {"2026-07-15"}
