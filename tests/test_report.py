"""`aiue report`: the self-contained HTML report, its numbers, and how it renders in Chromium.

Numbers on the hand-worked fixture (tests/fixtures/whatif/README.md) are checked against the
figures' data; the generated sample with its synthetic invoice is rendered in headless
Chromium (Debian's `chromium`), which must show every chart without a console error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.finops import report
from ai_unit_economics.metrics import catalogue
from ai_unit_economics.metrics.results import fetch_metrics
from ai_unit_economics.samples.synthetic import generate

from .browser import Page, chromium_path
from .conftest import Build, build
from .harness.fixtures import engine_missing

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHARTS = ("chart-headline", "chart-breakdown", "chart-over-time", "chart-tieout")


@pytest.fixture(scope="module")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The generated sample (two months, the article scenarios) with its synthetic invoice."""
    root = tmp_path_factory.mktemp("report")
    generate(root / "data", n_intents=600, seed=3, billing=True)
    return build(root / "data", root / "aiue.duckdb")


@pytest.fixture(scope="module")
def report_file(report_build: Build) -> Path:
    out = report_build.db_path.parent / "report.html"
    assert aiue(["report", "--db", str(report_build.db_path), "--out", str(out)]) == 0
    return out


def by_label(figure, name: str) -> dict[str, float]:
    trace = next(t for t in figure.data if t.name == name)
    return dict(zip(trace.y, trace.x, strict=True))


# --- numbers, on the hand-worked fixture -----------------------------------------------------


def test_headline_puts_cpt_beside_cps(whatif_build: Build) -> None:
    data = report.collect("duckdb", whatif_build.db_path)
    figure = report.headline_figure(data)
    cpt = by_label(figure, "Cost per million tokens")
    cps = by_label(figure, "Cost per success")
    # gpt-4o: $0.018 over 4,800 tokens; 3 successes share 0.018 + one $15 ticket
    assert cpt["support · gpt-4o"] == pytest.approx(0.018 / 4800 * 1e6)
    assert cps["support · gpt-4o"] == pytest.approx(15.018 / 3)
    # gpt-4o-mini: $0.001815 over 8,400 tokens; 2 successes share it + two tickets
    assert cpt["support · gpt-4o-mini"] == pytest.approx(0.001815 / 8400 * 1e6)
    assert cps["support · gpt-4o-mini"] == pytest.approx(30.001815 / 2)
    # cheaper per token, dearer per success
    assert cpt["support · gpt-4o-mini"] < cpt["support · gpt-4o"]
    assert cps["support · gpt-4o-mini"] > cps["support · gpt-4o"]


def test_breakdown_parts_add_up_to_the_cost_per_success(whatif_build: Build) -> None:
    data = report.collect("duckdb", whatif_build.db_path)
    figure = report.breakdown_figure(data)
    parts = {trace.name: dict(zip(trace.y, trace.x, strict=True)) for trace in figure.data}
    mini = "support · gpt-4o-mini"
    assert parts["Escalation labour"][mini] == pytest.approx(30 / 2)
    assert parts["Tokens: first tries"][mini] == pytest.approx(0.001815 / 2)
    assert sum(part[mini] for part in parts.values()) == pytest.approx(30.001815 / 2)


def test_small_samples_are_drawn_on_the_time_chart(whatif_build: Build) -> None:
    data = report.collect("duckdb", whatif_build.db_path)
    assert data.time_grain == "day"
    figure = report.time_figure(data)
    line = next(t for t in figure.data if t.name == "support")
    assert list(line.marker.symbol) == ["circle-open", "circle-open"]  # 2 and 6 intents < 100
    # 09-01: m1, m2 -> $15.00108 over 1 success; 09-02: $30.018735 over 4
    assert list(line.y) == pytest.approx([15.00108, 30.018735 / 4])
    assert any("fewer than 100 labelled intents" in (t.name or "") for t in figure.data)


def test_reaggregated_weeks_equal_the_metrics_query(report_build: Build) -> None:
    data = report.collect("duckdb", report_build.db_path)
    assert data.time_grain == "week"  # two months of data
    daily = report.metric_rows(
        "duckdb",
        report_build.db_path,
        ["date_day", "feature_tag"],
        None,
        None,
        100,
        0.95,
        "invoice",
    )
    by_feature = report.reaggregate(daily, "feature_tag", 100, 0.95)
    expected = {
        r["feature_tag"]: r
        for r in fetch_metrics(
            "duckdb", ["feature_tag"], db_path=report_build.db_path, intervals=True
        )
    }
    for row in by_feature:
        want = expected[row["feature_tag"]]
        assert row["cost_per_success"] == pytest.approx(want["cost_per_success"])
        assert row["cost_per_success_ci_low"] == pytest.approx(want["cost_per_success_ci_low"])
        assert row["is_sufficient_sample"] == want["is_sufficient_sample"]


def test_whatif_table_needs_enough_data(whatif_build: Build, report_build: Build) -> None:
    small = report.collect("duckdb", whatif_build.db_path)
    assert small.whatifs == []  # 4 and 4 labelled intents < 30
    assert "No feature has a second model" in report.whatif_table(small)
    data = report.collect("duckdb", report_build.db_path)
    assert data.whatifs
    assert all(row["sample_intents"] >= report.WHATIF_MIN_INTENTS for row in data.whatifs)


def test_no_interval_in_the_report_is_below_zero(report_build: Build) -> None:
    """Every cost-per-success and cost-per-intent interval the report shows (tiles, headline,
    weeks, what-if) starts at or above zero; an interval with no upper end reads so."""
    data = report.collect("duckdb", report_build.db_path)
    rows = [data.total, *data.by_model, *data.over_time]
    lows = [
        r[f"{m}_ci_low"]
        for r in rows
        for m in ("cost_per_success", "cost_per_intent")
        if f"{m}_ci_low" in r
    ]
    lows += [r[key] for r in data.whatifs for key in ("today_low", "whatif_low")]
    assert len([low for low in lows if low is not None]) > 10
    assert all(low is None or low >= 0 for low in lows)
    assert report._interval(2.5, None) == "$2.5000 – no upper bound"
    assert report._interval(None, None) == "–"


# --- the HTML file -------------------------------------------------------------------------


def test_report_is_self_contained(report_file: Path) -> None:
    text = report_file.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<link[^>]*\bhref=", text)
    assert "Plotly" in text and len(text) > 1_000_000  # plotly.js inlined
    for chart in CHARTS:
        assert f'id="{chart}"' in text


def test_report_states_period_currency_basis_and_definitions(
    report_build: Build, report_file: Path
) -> None:
    text = report_file.read_text(encoding="utf-8")
    [(first, last)] = report_build.query(
        "select min(intent_date), max(intent_date) from main_aiue.aiue__intents"
    )
    assert f"Period <b>{first} to {last}</b>" in text
    assert "currency\n<b>USD</b>" in text and "cost basis <b>invoice" in text
    for name in (
        "cost_per_success",
        "cost_per_million_tokens",
        "success_rate",
        "failure_cost_share",
    ):
        assert escape(catalogue.metric(name).description) in text
    # headline, breakdown, over time, what failure costs, tie-out, what-if
    assert text.count("<summary>Definitions</summary>") == 6


def test_report_without_a_build_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = aiue(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r")])
    assert code == 2
    assert "no such DuckDB file" in capsys.readouterr().err


def test_report_opens_in_headless_chromium(
    report_file: Path, report_build: Build, tmp_path: Path
) -> None:
    report_build_db = report_build.db_path
    if chromium_path() is None:
        engine_missing(
            "chromium is not installed (make test installs it: apt-get install chromium)"
        )
    page = Page()
    try:
        page.open(report_file)
        rendered = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')].map(d => [d.id,"
            " {svg: d.querySelectorAll('svg.main-svg').length,"
            " traces: d.querySelectorAll('g.trace').length,"
            " marks: d.querySelectorAll('.point, path.js-line, path.js-fill').length,"
            " height: d.getBoundingClientRect().height}]))"
        )
        # Every bar trace and the type of the axis its length is drawn on: a bar on a log
        # axis misstates ratios (31x looks like 2x), so none may be.
        bars = page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].flatMap(d => d.data"
            ".filter(t => t.type === 'bar').map(t => {"
            " const axis = t.orientation === 'h' ? (t.xaxis || 'x') : (t.yaxis || 'y');"
            " const key = axis[0] + 'axis' + axis.slice(1);"
            " return [d.id, t.name, d._fullLayout[key].type]; }))"
        )
        tieout_panels = page.evaluate(
            "Object.keys(document.getElementById('chart-tieout')._fullLayout)"
            ".filter(k => /^yaxis[0-9]*$/.test(k)).length"
        )
        rows = page.evaluate("document.querySelectorAll('#whatif-table tbody tr').length")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        definitions = page.evaluate(
            "[...document.querySelectorAll('details dd')].filter(d => d.offsetHeight > 0).length"
        )
        shot = tmp_path / "report.png"
        page.screenshot(shot)
        errors = page.console_errors()
    finally:
        page.close()
    assert errors == []
    assert set(rendered) == set(CHARTS)
    for chart, found in rendered.items():
        assert found["svg"] >= 1 and found["traces"] >= 1 and found["marks"] >= 1, chart
        assert found["height"] > 200, chart
    assert rows >= 1 and definitions >= 10
    assert bars and not [bar for bar in bars if bar[2] == "log"], bars
    assert {bar[0] for bar in bars} == {"chart-breakdown", "chart-tieout"}
    # the tie-out: one panel (its own y axis) per provider, so the small ones are readable
    assert tieout_panels == len(report.tieout_rows(report.collect("duckdb", report_build_db)))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
