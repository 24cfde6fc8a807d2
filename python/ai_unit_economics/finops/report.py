"""`aiue report`: one self-contained HTML file that shows the unit economics at a glance.

- the headline picture: per feature x primary model, cost per million tokens beside cost per
  success (cheaper per token, dearer per success);
- where each success's money goes: first-try tokens, retries, tools, infra, escalation and
  review labour, stacked;
- cost per success over time with its confidence band, small samples drawn as open markers;
- the invoice tie-out per provider: list-price estimate, billed, allocated, unallocated;
- the what-if table: every feature on each model observed on it with enough data.

Every number comes from the same SQL as `aiue metrics` (metrics.results.metrics_sql over the
daily mart's additive sums), the reconciliation of `aiue reconcile` and the what-if of `aiue
whatif`; every definition shown is the metric catalogue's. Charts are plotly figures; plotly.js
is inlined once, so the file works offline. The page is the Jinja template
templates/report.html.j2 (its pieces in report_parts.html.j2), autoescaped: this module
gathers the data and draws the charts, the templates hold every word and tag.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..engines.registry import engine
from ..engines.warehouse import has_relation, mart_schema, query
from ..errors import UserError
from ..metrics import catalogue
from ..metrics.catalogue import DEFAULT_CONFIDENCE_LEVEL
from ..metrics.intervals import evaluate_ratio
from ..metrics.results import interval_text, metrics_sql
from . import anomalies, whatif
from .reconciliation import reconciliation_by_provider, variance_text

# A model needs this many labelled intents on a feature before the report shows a what-if of
# the feature on it (its observed rates are the what-if's outcome side); below the sample
# threshold (aiue_min_sample_intents, 100) the row is flagged as noise.
WHATIF_MIN_INTENTS = 30
# Charts of CPS over time switch from days to ISO weeks above this many days.
DAILY_CHART_MAX_DAYS = 31
TIME_CHART_FEATURES = 4

# The parts of total cost, in stacking order: (label, sum column, or a callable of the sums).
COST_PARTS: tuple[tuple[str, str], ...] = (
    ("Tokens: first tries", "first_try_token_cost"),
    ("Tokens: retries", "retry_cost"),
    ("Tools", "tool_cost"),
    ("Infra", "infra_cost"),
    ("Escalation labour", "escalation_cost"),
    ("Review labour", "review_cost"),
)
PART_COLORS = ("#4C78A8", "#9ECAE9", "#72B7B2", "#54A24B", "#E45756", "#F58518")
CPT_COLOR, CPS_COLOR = "#4C78A8", "#E45756"

Row = dict[str, Any]


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


@dataclass
class ReportData:
    date_from: date | None
    date_to: date | None
    currency: str
    cost_basis: str
    min_sample: int
    level: float
    source: str
    by_model: list[Row]
    over_time: list[Row]
    time_grain: str
    total: Row
    reconciliation: list[Row]
    whatifs: list[Row] = field(default_factory=list)
    runaways: list[Row] = field(default_factory=list)
    anomalies: list[Row] = field(default_factory=list)

    @property
    def has_billing(self) -> bool:
        return any(r.get("billed") for r in self.reconciliation)


# --------------------------------------------------------------------------------------------
# Reading a build (the same SQL as `aiue metrics`).
# --------------------------------------------------------------------------------------------


def metric_rows(
    target: str,
    db_path: Path | None,
    by: list[str],
    date_from: date | None,
    date_to: date | None,
    min_sample: int,
    level: float,
    cost_basis: str,
) -> list[Row]:
    """Every sum, metric and interval of `aiue metrics`, grouped by `by`."""
    sql = metrics_sql(
        mart_schema(target),
        by,
        date_from,
        date_to,
        min_sample,
        engine(target).dialect,
        level,
        cost_basis,
    )
    columns, rows = query(target, sql, db_path)
    records = [{k: _plain(v) for k, v in zip(columns, row, strict=True)} for row in rows]
    for record in records:
        record["first_try_token_cost"] = (record["token_cost"] or 0) - (record["retry_cost"] or 0)
    return [r for r in records if r["intents"] or r.get("billed_cost")]


def reaggregate(rows: list[Row], key: str, min_sample: int, level: float) -> list[Row]:
    """Rows summed by `key` (sums only), then cost per success and its interval applied again
    with the catalogue's formula, as BI tools are told to do (never an average of ratios)."""
    cps = catalogue.metric("cost_per_success")
    assert isinstance(cps.interval, catalogue.RatioInterval) and cps.numerator and cps.denominator
    parts = cps.interval.parts()
    summed: dict[Any, Row] = {}
    for row in rows:
        target = summed.setdefault(row[key], {key: row[key], **dict.fromkeys(catalogue.SUMS, 0.0)})
        for name in catalogue.SUMS:
            target[name] += row.get(name) or 0.0
    bounds = evaluate_ratio([[row[name] for name in parts] for row in summed.values()], level)
    for row, (low, high) in zip(summed.values(), bounds, strict=True):
        row["cost_per_success"] = catalogue.ratio_value(row[cps.numerator], row[cps.denominator])
        row["cost_per_success_ci_low"], row["cost_per_success_ci_high"] = low, high
        row[catalogue.SUFFICIENT_SAMPLE_COLUMN] = row[catalogue.SAMPLE_SIZE_MEASURE] >= min_sample
    return [summed[k] for k in sorted(summed, key=lambda k: (k is None, str(k)))]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def over_time(
    daily: list[Row], date_from: date | None, date_to: date | None, min_sample: int, level: float
) -> tuple[list[Row], str]:
    """CPS by feature per day, or per ISO week when the period is long."""
    days = [r["date_day"] for r in daily if r["date_day"]]
    if not days:
        return [], "day"
    span = ((date_to or max(days)) - (date_from or min(days))).days + 1
    if span <= DAILY_CHART_MAX_DAYS:
        return daily, "day"
    by_feature: dict[Any, list[Row]] = defaultdict(list)
    for row in daily:
        by_feature[row["feature_tag"]].append({**row, "week": week_start(row["date_day"])})
    weekly = []
    for feature, rows in by_feature.items():
        for row in reaggregate(rows, "week", min_sample, level):
            weekly.append({**row, "feature_tag": feature, "date_day": row["week"]})
    return weekly, "week"


def candidate_pairs(target: str, db_path: Path | None) -> list[Row]:
    """(feature, provider, model) with at least WHATIF_MIN_INTENTS labelled intents and a
    success, on features that more than one model served."""
    columns, rows = query(
        target,
        f"""
        select feature_tag, provider_name, response_model,
            sum(case when is_in_success_rate then 1 else 0 end) as labeled_intents
        from {mart_schema(target)}.aiue__intents
        where feature_tag is not null and response_model is not null
        group by feature_tag, provider_name, response_model
        having sum(case when is_in_success_rate then 1 else 0 end) >= {WHATIF_MIN_INTENTS}
            and sum(case when is_in_success_rate and is_success then 1 else 0 end) > 0
        order by feature_tag, response_model
        """,
        db_path,
    )
    pairs = [dict(zip(columns, row, strict=True)) for row in rows]
    _, models = query(
        target,
        f"select feature_tag, count(distinct response_model) from "
        f"{mart_schema(target)}.aiue__intents group by feature_tag",
        db_path,
    )
    multi = {feature for feature, count in models if count > 1}
    return [pair for pair in pairs if pair["feature_tag"] in multi]


def whatif_rows(
    target: str, db_path: Path | None, by_feature: dict[str, Row], min_sample: int, level: float
) -> list[Row]:
    found = []
    for pair in candidate_pairs(target, db_path):
        feature, model = pair["feature_tag"], pair["response_model"]
        today = by_feature.get(feature)
        prices = whatif.fetch_prices(target, db_path, pair["provider_name"], model)
        if today is None or not prices:
            continue
        try:
            result = whatif.whatif(
                whatif.fetch_mix(target, db_path, feature),
                prices,
                model,
                whatif.fetch_feature(target, db_path, feature),
                whatif.fetch_observed(target, db_path, feature, model),
                whatif.GivenRates(),
                level,
            )
        except UserError:
            continue  # e.g. no price on some day for this model: no what-if to show
        found.append(
            {
                "feature_tag": feature,
                "model": model,
                "provider": pair["provider_name"],
                "today_cps": today["cost_per_success"],
                "today_low": today["cost_per_success_ci_low"],
                "today_high": today["cost_per_success_ci_high"],
                "whatif_cps": result.cost_per_success,
                "whatif_low": result.interval.low,
                "whatif_high": result.interval.high,
                "token_cost_per_intent": result.token_cost_per_intent,
                "success_rate": result.success_rate,
                "sample_intents": result.sample_intents,
                "is_sufficient_sample": result.sample_intents >= min_sample,
            }
        )
    return found


def runaway_rows(
    target: str, db_path: Path | None, date_from: date | None, date_to: date | None
) -> list[Row]:
    """Runaway intents (aiue__runaway_intents) per feature and model, in the period (none
    from a build made before the mart existed)."""
    if not has_relation(target, mart_schema(target), "aiue__runaway_intents", db_path):
        return []
    where = " and ".join(
        condition
        for condition in (
            date_from and f"intent_date >= date '{date_from.isoformat()}'",
            date_to and f"intent_date <= date '{date_to.isoformat()}'",
        )
        if condition
    )
    columns, rows = query(
        target,
        f"""
        select feature_tag, response_model, count(*) as runaway_intents,
            sum(total_cost) as runaway_cost
        from {mart_schema(target)}.aiue__runaway_intents
        {"where " + where if where else ""}
        group by feature_tag, response_model
        """,
        db_path,
    )
    return [{k: _plain(v) for k, v in zip(columns, row, strict=True)} for row in rows]


def collect(
    target: str,
    db_path: Path | None,
    date_from: date | None = None,
    date_to: date | None = None,
    cost_basis: str = "invoice",
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> ReportData:
    args = (date_from, date_to, min_sample, level, cost_basis)
    by_model = metric_rows(target, db_path, ["feature_tag", "response_model"], *args)
    if not any(r["intents"] for r in by_model):
        raise UserError(
            "no intents in this build (or in --from/--to): nothing to report. "
            "Run `aiue run --input DIR` first."
        )
    daily = metric_rows(target, db_path, ["date_day", "feature_tag"], *args)
    total = metric_rows(target, db_path, [], *args)[0]
    by_feature = {r["feature_tag"]: r for r in metric_rows(target, db_path, ["feature_tag"], *args)}
    days = [r["date_day"] for r in daily if r["intents"]]
    time_rows, grain = over_time(daily, date_from, date_to, min_sample, level)
    currency = query(
        target, f"select min(currency) from {mart_schema(target)}.aiue__intents", db_path
    )[1][0][0]
    return ReportData(
        date_from=date_from or min(days),
        date_to=date_to or max(days),
        currency=currency or "USD",
        cost_basis=cost_basis,
        min_sample=min_sample,
        level=level,
        source=f"{engine(target).describe(db_path)}, schema {mart_schema(target)}",
        by_model=[r for r in by_model if r["intents"]],
        over_time=[r for r in time_rows if r["intents"]],
        time_grain=grain,
        total=total,
        reconciliation=[
            {k: _plain(v) for k, v in r.items()}
            for r in reconciliation_by_provider(db_path, target)
        ],
        whatifs=whatif_rows(target, db_path, by_feature, min_sample, level),
        runaways=runaway_rows(target, db_path, date_from, date_to),
        anomalies=anomaly_rows(target, db_path, date_from, date_to),
    )


def anomaly_rows(
    target: str, db_path: Path | None, date_from: date | None, date_to: date | None
) -> list[Row]:
    """The anomalies of aiue__anomalies within --from/--to (none from a build made before
    the mart existed)."""
    if not has_relation(target, mart_schema(target), anomalies.MART, db_path):
        return []
    found = anomalies.fetch_anomalies(target, db_path, None)
    return [
        {**row, "dimensions": [row[name] for name in found["passthrough"] if row[name]]}
        for row in found["anomalies"]
        if (date_from is None or row["date_day"] >= date_from.isoformat())
        and (date_to is None or row["date_day"] <= date_to.isoformat())
    ]


# --------------------------------------------------------------------------------------------
# Figures (pure: data in, plotly figures out).
# --------------------------------------------------------------------------------------------


def _label(row: Row) -> str:
    return f"{row['feature_tag'] or '(no feature)'} · {row['response_model'] or '(no model)'}"


def _layout(fig: Any, height: int) -> Any:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 20, "t": 40, "b": 40},
        template="plotly_white",
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def headline_figure(data: ReportData) -> Any:
    """Per feature x model: cost per million tokens (left) beside cost per success (right)."""
    from plotly.subplots import make_subplots

    rows = sorted(data.by_model, key=lambda r: r["cost_per_success"] or 0)
    labels = [_label(r) for r in rows]
    cps = [r["cost_per_success"] for r in rows]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=(
            f"Cost per million tokens ({data.currency})",
            f"Cost per success ({data.currency}), {data.level:.0%} interval",
        ),
    )
    # Dots on log axes, each value printed: a mini model's CPT and a labour-heavy CPS sit
    # orders of magnitude apart, and a bar's length on a log axis would misstate the ratio
    # (31x reads as 2x). A dot's position does not claim a length.
    cpt = [r["cost_per_million_tokens"] for r in rows]
    fig.add_scatter(
        y=labels,
        x=cpt,
        mode="markers+text",
        name="Cost per million tokens",
        marker={"color": CPT_COLOR, "size": 10},
        text=[_short_money(value) for value in cpt],
        textposition="middle right",
        textfont={"size": 11},
        cliponaxis=False,
        hovertemplate="%{y}<br>$%{x:,.4f} per 1M tokens<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        y=labels,
        x=cps,
        mode="markers+text",
        name="Cost per success",
        marker={
            "color": CPS_COLOR,
            "size": 10,
            "symbol": ["circle" if r["is_sufficient_sample"] else "circle-open" for r in rows],
            "line": {"width": 2, "color": CPS_COLOR},
        },
        text=[_short_money(value) for value in cps],
        textposition="middle right",
        textfont={"size": 11},
        cliponaxis=False,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [_up(r) for r in rows],
            "arrayminus": [_down(r) for r in rows],
            "color": "#888",
            "thickness": 1.2,
            "width": 3,
        },
        customdata=[
            [
                r["labeled_intents"],
                "" if r["is_sufficient_sample"] else " (small sample)",
                _interval(r.get("cost_per_success_ci_low"), r.get("cost_per_success_ci_high")),
            ]
            for r in rows
        ],
        hovertemplate="%{y}<br>$%{x:,.4f} per success<br>%{customdata[0]} labelled intents"
        f"%{{customdata[1]}}<br>{data.level:.0%} interval %{{customdata[2]}}<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_xaxes(type="log", title_text="log scale: each step is 10x", showgrid=True)
    fig.update_yaxes(showgrid=True, gridcolor="#eee")
    return _layout(fig, max(320, 28 * len(rows) + 140))


def _short_money(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}" if value >= 1 else f"${value:.3g}"


def _up(row: Row) -> float:
    """The error bar above the point; none where there is no upper bound (the hover and the
    tables say so)."""
    high, value = row.get("cost_per_success_ci_high"), row.get("cost_per_success")
    return max(high - value, 0.0) if high is not None and value is not None else 0.0


def _down(row: Row) -> float:
    low, value = row.get("cost_per_success_ci_low"), row.get("cost_per_success")
    return max(value - low, 0.0) if low is not None and value is not None else 0.0


def breakdown_figure(data: ReportData) -> Any:
    """Where each success's money goes: each part's share of total cost x cost per success."""
    import plotly.graph_objects as go

    rows = sorted(
        [r for r in data.by_model if r["cost_per_success"] is not None],
        key=lambda r: r["cost_per_success"],
    )
    fig = go.Figure()
    for (label, column), color in zip(COST_PARTS, PART_COLORS, strict=True):
        fig.add_bar(
            y=[_label(r) for r in rows],
            x=[_per_success(r, column) for r in rows],
            orientation="h",
            name=label,
            marker_color=color,
            hovertemplate=f"%{{y}}<br>{label}: $%{{x:,.4f}} per success<extra></extra>",
        )
    fig.update_layout(barmode="stack", xaxis_title=f"{data.currency} per success")
    return _layout(fig, max(320, 28 * len(rows) + 140))


def _per_success(row: Row, column: str) -> float:
    total = row["total_cost"] or 0.0
    return (row.get(column) or 0.0) / total * row["cost_per_success"] if total else 0.0


def time_figure(data: ReportData) -> Any:
    """CPS per feature over time, its interval as a band, small samples as open markers."""
    import plotly.graph_objects as go

    costs: dict[str, float] = defaultdict(float)
    for row in data.over_time:
        costs[row["feature_tag"]] += row["total_cost"] or 0.0
    features = sorted(costs, key=lambda f: -costs[f])
    fig = go.Figure()
    palette = ("#4C78A8", "#E45756", "#54A24B", "#F58518", "#B279A2", "#72B7B2", "#9D755D")
    for index, feature in enumerate(features):
        rows = sorted(
            [r for r in data.over_time if r["feature_tag"] == feature and r["cost_per_success"]],
            key=lambda r: r["date_day"],
        )
        if not rows:
            continue
        color = palette[index % len(palette)]
        visible = True if index < TIME_CHART_FEATURES else "legendonly"
        days = [r["date_day"] for r in rows]
        # The band where the data bound CPS on both sides (no upper bound: no band there).
        band = [
            r
            for r in rows
            if r["cost_per_success_ci_low"] is not None
            and r["cost_per_success_ci_high"] is not None
        ]
        if band:
            fig.add_scatter(
                x=[r["date_day"] for r in band] + [r["date_day"] for r in reversed(band)],
                y=[r["cost_per_success_ci_high"] for r in band]
                + [r["cost_per_success_ci_low"] for r in reversed(band)],
                fill="toself",
                fillcolor=color,
                opacity=0.12,
                line={"width": 0},
                hoverinfo="skip",
                legendgroup=feature,
                showlegend=False,
                visible=visible,
                name=f"{feature} interval",
            )
        fig.add_scatter(
            x=days,
            y=[r["cost_per_success"] for r in rows],
            mode="lines+markers",
            name=feature,
            legendgroup=feature,
            visible=visible,
            line={"color": color},
            marker={
                "size": 8,
                "color": color,
                "symbol": ["circle" if r["is_sufficient_sample"] else "circle-open" for r in rows],
                "line": {"width": 2, "color": color},
            },
            customdata=[
                [r["labeled_intents"], "" if r["is_sufficient_sample"] else "<br>small sample"]
                for r in rows
            ],
            hovertemplate=f"{feature}<br>%{{x}}: $%{{y:,.4f}} per success<br>"
            "%{customdata[0]} labelled intents%{customdata[1]}<extra></extra>",
        )
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "circle-open", "size": 9, "color": "#333"},
        name=f"open marker: fewer than {data.min_sample} labelled intents (noise)",
    )
    _layout(fig, 480)
    fig.update_layout(
        yaxis_title=f"{data.currency} per success",
        xaxis_title="week starting" if data.time_grain == "week" else "day",
        legend={"orientation": "h", "y": -0.22},
    )
    return fig


TIEOUT_SERIES = (
    ("Estimate (list price)", "estimated", "#BAB0AC"),
    ("Billed (invoice)", "billed", "#4C78A8"),
    ("Allocated to calls", "allocated", "#54A24B"),
    ("Unallocated", "unallocated", "#E45756"),
    ("Credits", "credits", "#B279A2"),
    ("Calls without billing (estimate)", "unbilled_estimate", "#F2CF5B"),
)
TIEOUT_COLUMNS = 3


def tieout_rows(data: ReportData) -> list[Row]:
    """Per provider, the reconciliation with its credits apart from the unallocated money."""
    rows = []
    for record in data.reconciliation:
        if not (record.get("billed") or record.get("unbilled_estimate")):
            continue
        credits = record.get("credits") or 0.0
        rows.append(
            {
                **record,
                "credits": credits,
                "unallocated": (record.get("unallocated") or 0.0) - credits,
                "variance": variance_text(
                    record.get("billed_with_estimate"), record.get("estimated")
                ),
            }
        )
    return rows


def tieout_figure(data: ReportData) -> Any:
    """One panel per provider, each on its own scale, so a $0.55 provider is as readable as a
    $1,744 one: estimate, billed, allocated, unallocated, credits, calls without billing, each
    value printed on its bar (linear axes: bar lengths compare)."""
    from plotly.subplots import make_subplots

    rows = tieout_rows(data)
    columns = min(TIEOUT_COLUMNS, max(len(rows), 1))
    lines = max(1, -(-len(rows) // columns))
    fig = make_subplots(
        rows=lines,
        cols=columns,
        subplot_titles=[str(r["provider"]) for r in rows],
        horizontal_spacing=0.08,
        vertical_spacing=0.16 if lines > 1 else 0.1,
    )
    shown = {key for _, key, _ in TIEOUT_SERIES if any(r.get(key) for r in rows)}
    for index, row in enumerate(rows):
        for name, key, color in TIEOUT_SERIES:
            if key not in shown:
                continue
            value = row.get(key) or 0.0
            fig.add_bar(
                x=[name.split(" (")[0]],
                y=[value],
                name=name,
                legendgroup=name,
                showlegend=index == 0,
                marker_color=color,
                text=[_amount_label(value)],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{row['provider']}<br>{name}: $%{{y:,.2f}}<extra></extra>",
                row=index // columns + 1,
                col=index % columns + 1,
            )
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(tickprefix="$", rangemode="tozero", zeroline=True, zerolinecolor="#999")
    _layout(fig, 300 * lines + 80)
    fig.update_layout(bargap=0.25, margin={"l": 10, "r": 20, "t": 60, "b": 40})
    return fig


def _amount_label(value: float) -> str:
    if not value:
        return "0"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def figures(data: ReportData) -> dict[str, Any]:
    found = {
        "chart-headline": headline_figure(data),
        "chart-breakdown": breakdown_figure(data),
        "chart-over-time": time_figure(data),
    }
    if data.has_billing:
        found["chart-tieout"] = tieout_figure(data)
    return found


# --------------------------------------------------------------------------------------------
# HTML: templates/report.html.j2 (the page) and report_parts.html.j2 (its pieces), autoescaped.
# --------------------------------------------------------------------------------------------

TEMPLATES = Path(__file__).parent / "templates"


def _money(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "–"
    return f"{'-' if value < 0 else ''}${abs(value):,.{digits}f}"


def _interval(low: float | None, high: float | None) -> str:
    """An interval as the page shows it; "no upper bound" where the data bound it from below
    only (metrics.results.interval_text)."""
    text = interval_text(
        None if low is None else _money(low), None if high is None else _money(high)
    )
    return "–" if text == "-" else text


def _formula(item: catalogue.Metric) -> str:
    if item.expr:
        return item.expr
    assert item.numerator and item.denominator
    return (
        f"{catalogue.measure(item.numerator).label} / {catalogue.measure(item.denominator).label}"
    )


def terms(metric_names: tuple[str, ...], measure_names: tuple[str, ...] = ()) -> list[Row]:
    """The catalogue's definitions of these metrics and measures, as the page lists them."""
    found: list[Row] = []
    for name in metric_names:
        item = catalogue.metric(name)
        found.append(
            {
                "label": item.label,
                "name": name,
                "description": item.description,
                "formula": _formula(item),
            }
        )
    for name in measure_names:
        measure = catalogue.measure(name)
        found.append(
            {
                "label": measure.label,
                "name": name,
                "description": measure.description,
                "formula": None,
            }
        )
    return found


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(money=_money, interval=_interval, fmt=format)
    environment.globals.update(terms=terms)
    return environment


def _whatif_rows(data: ReportData) -> list[Row]:
    rows = sorted(data.whatifs, key=lambda r: (r["feature_tag"], r["whatif_cps"] or 0))
    return [
        {
            **row,
            "change": row["whatif_cps"] / row["today_cps"] - 1
            if row["today_cps"] and row["whatif_cps"] is not None
            else None,
        }
        for row in rows
    ]


def waste_rows(data: ReportData) -> list[Row]:
    """Per feature and model with labelled intents or runaways: what failure costs, and its
    runaway intents; the costliest failures first."""
    runaways = {(r["feature_tag"], r["response_model"]): r for r in data.runaways}
    rows = []
    for row in data.by_model:
        runaway = runaways.get((row["feature_tag"], row["response_model"]), {})
        if row["labeled_intents"] or runaway:
            rows.append(
                {
                    **row,
                    "runaway_intents": runaway.get("runaway_intents", 0),
                    "runaway_cost": runaway.get("runaway_cost", 0.0),
                }
            )
    return sorted(rows, key=lambda r: (-(r["failed_total_cost"] or 0), _label(r)))


def whatif_table(data: ReportData) -> str:
    """The what-if table (or why there is none), as the page shows it."""
    macro = _environment().get_template("report_parts.html.j2").module.whatif_table
    return str(macro(_whatif_rows(data), data.level, data.min_sample, WHATIF_MIN_INTENTS))


def render_html(data: ReportData, figs: dict[str, Any]) -> str:
    import plotly.offline

    charts = {
        div_id: Markup(
            figure.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=div_id,
                config={"displaylogo": False, "responsive": True},
            )
        )
        for div_id, figure in figs.items()
    }
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            charts=charts,
            plotly_js=Markup(plotly.offline.get_plotlyjs()),
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            tieout_rows=tieout_rows(data),
            whatif_rows=_whatif_rows(data),
            whatif_min_intents=WHATIF_MIN_INTENTS,
            waste_rows=waste_rows(data),
        )
    )


def write_report(
    out: Path,
    target: str,
    db_path: Path | None,
    date_from: date | None = None,
    date_to: date | None = None,
    cost_basis: str = "invoice",
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE,
    level: float = DEFAULT_CONFIDENCE_LEVEL,
) -> ReportData:
    data = collect(target, db_path, date_from, date_to, cost_basis, min_sample, level)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(data, figures(data)), encoding="utf-8")
    return data
