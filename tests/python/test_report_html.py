"""The report's HTML comes from templates with autoescape: names from the data (features,
models, providers, the source) are text on the page, never markup. Build-free: a made-up
ReportData, charts stubbed."""

from __future__ import annotations

from datetime import date

from ai_unit_economics.finops import report

HOSTILE = "<script>alert('x')</script>"


class _Chart:
    def __init__(self, div_id: str) -> None:
        self.div_id = div_id

    def to_html(self, **options: object) -> str:
        return f'<div id="{options["div_id"]}">chart</div>'


def _data(billing: bool) -> report.ReportData:
    total = {
        "total_cost": 12.5,
        "intents": 40,
        "cost_per_intent": 0.3125,
        "cost_per_intent_ci_low": 0.25,
        "cost_per_intent_ci_high": 0.4,
        "success_rate": 0.75,
        "labeled_intents": 40,
        "cost_per_success": 0.4166,
        "cost_per_success_ci_low": None,
        "cost_per_success_ci_high": None,
        "labor_cost": 5.0,
    }
    whatif = {
        "feature_tag": HOSTILE,
        "model": "m & <n>",
        "provider": "openai",
        "today_cps": 0.5,
        "today_low": 0.4,
        "today_high": 0.6,
        "whatif_cps": 0.25,
        "whatif_low": 0.2,
        "whatif_high": 0.3,
        "token_cost_per_intent": 0.01,
        "success_rate": 0.8,
        "sample_intents": 1234,
        "is_sufficient_sample": False,
    }
    anomaly = {
        "date_day": "2026-09-29",
        "feature_tag": HOSTILE,
        "dimensions": ["acme"],
        "measure": "cost_per_success",
        "observed_value": 0.0018,
        "expected_value": 0.0006,
        "score": 43.79,
        "observed_ci_low": 0.0015,
        "observed_ci_high": None,
    }
    provider = {"provider": "<i>p</i>", "estimated": 1.0, "billed": 2.0, "allocated": 1.5}
    return report.ReportData(
        date_from=date(2026, 9, 1),
        date_to=date(2026, 9, 30),
        currency="USD",
        cost_basis="invoice",
        min_sample=100,
        level=0.95,
        source=f"file {HOSTILE}",
        by_model=[],
        over_time=[],
        time_grain="day",
        total=total,
        reconciliation=[provider] if billing else [],
        whatifs=[whatif],
        anomalies=[anomaly],
    )


def _page(billing: bool) -> str:
    charts = ["chart-headline", "chart-breakdown", "chart-over-time"]
    charts += ["chart-tieout"] if billing else []
    return report.render_html(_data(billing), {name: _Chart(name) for name in charts})


def test_names_from_the_data_are_escaped_and_charts_are_not() -> None:
    page = _page(billing=True)
    assert HOSTILE not in page and "<i>p</i>" not in page and "m & <n>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<td>&lt;i&gt;p&lt;/i&gt;</td>" in page and "<td>m &amp; &lt;n&gt;</td>" in page
    assert "source file &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    for chart in ("chart-headline", "chart-breakdown", "chart-over-time", "chart-tieout"):
        assert f'<div id="{chart}">chart</div>' in page


def test_the_page_keeps_its_numbers_and_sections() -> None:
    page = _page(billing=True)
    assert "Period <b>2026-09-01 to 2026-09-30</b> · currency\n<b>USD</b>" in page
    assert "<div class=tile-value>$12.50</div><div class=tile-note>40 intents</div>" in page
    assert "<div class=tile-value>40.0%</div>" in page  # labour share 5 / 12.5
    assert "<td class=num>$0.2500 *</td>" in page and "<td class=num>-50.0%</td>" in page
    assert "<td class=num>1,234</td>" in page and "<td class=num>$2.00</td>" in page
    assert page.count("<summary>Definitions</summary>") == 5
    assert "<td>cost per success</td>" in page and "<td class=num>$0.001800</td>" in page
    assert "<td class=num>+200%</td>" in page and "<td class=num>+43.8</td>" in page
    assert "(acme)</td>" in page and "<td class=num>$0.0015 – no upper bound</td>" in page
    assert page.endswith("</main></body></html>\n")
    without = _page(billing=False)
    assert "No FOCUS billing in this build" in without and "tieout-table" not in without
    assert without.count("<summary>Definitions</summary>") == 4
