"""`aiue report`: one self-contained HTML file that shows the unit economics at a glance.

- the headline picture: per feature x primary model, cost per million tokens beside cost per
  success (cheaper per token, dearer per success);
- where each success's money goes: first-try tokens, retries, tools, infra, escalation and
  review labour, stacked;
- cost per success over time with its confidence band, small samples drawn as open markers;
- the invoice tie-out per provider: list-price estimate, billed, allocated, unallocated;
- the what-if table: every feature on each model observed on it with enough data.

Every number comes from the same SQL as `aiue metrics` (metrics.metrics_sql over the daily
mart's additive sums), the reconciliation of `aiue reconcile` and the what-if of `aiue whatif`;
every definition shown is the metric catalogue's. Charts are plotly figures; plotly.js is
inlined once, so the file works offline.
"""

from __future__ import annotations

import argparse
import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import catalogue, sqlgen, whatif
from .engines import engine
from .errors import UserError
from .metrics import metrics_sql
from .reconciliation import reconciliation_by_provider
from .stats import DEFAULT_CONFIDENCE_LEVEL, ratio_interval
from .warehouse import mart_schema, query

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
    assert isinstance(cps.interval, catalogue.DeltaInterval) and cps.numerator and cps.denominator
    parts = sqlgen.delta_parts(cps.interval)
    summed: dict[Any, Row] = {}
    for row in rows:
        target = summed.setdefault(row[key], {key: row[key], **dict.fromkeys(catalogue.SUMS, 0.0)})
        for name in catalogue.SUMS:
            target[name] += row.get(name) or 0.0
    for row in summed.values():
        row["cost_per_success"] = catalogue.ratio_value(row[cps.numerator], row[cps.denominator])
        low, high = ratio_interval(*(row[name] for name in parts), level)
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
    )


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
    fig.add_bar(
        y=labels,
        x=[r["cost_per_million_tokens"] for r in rows],
        orientation="h",
        name="Cost per million tokens",
        marker_color=CPT_COLOR,
        hovertemplate="%{y}<br>$%{x:,.4f} per 1M tokens<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        y=labels,
        x=cps,
        orientation="h",
        name="Cost per success",
        marker_color=CPS_COLOR,
        marker_opacity=[1.0 if r["is_sufficient_sample"] else 0.45 for r in rows],
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [_up(r) for r in rows],
            "arrayminus": [_down(r) for r in rows],
            "color": "#555",
        },
        customdata=[
            [r["labeled_intents"], "" if r["is_sufficient_sample"] else " (small sample)"]
            for r in rows
        ],
        hovertemplate="%{y}<br>$%{x:,.4f} per success<br>%{customdata[0]} labelled intents"
        "%{customdata[1]}<extra></extra>",
        row=1,
        col=2,
    )
    # Log axes: a mini model's CPT and a labour-heavy CPS sit orders of magnitude apart.
    fig.update_xaxes(type="log")
    return _layout(fig, max(320, 28 * len(rows) + 120))


def _up(row: Row) -> float:
    high, value = row.get("cost_per_success_ci_high"), row.get("cost_per_success")
    return max(high - value, 0.0) if high is not None and value is not None else 0.0


def _down(row: Row) -> float:
    low, value = row.get("cost_per_success_ci_low"), row.get("cost_per_success")
    return max(value - max(low, 0.0), 0.0) if low is not None and value is not None else 0.0


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
        band = [r for r in rows if r["cost_per_success_ci_low"] is not None]
        if band:
            fig.add_scatter(
                x=[r["date_day"] for r in band] + [r["date_day"] for r in reversed(band)],
                y=[r["cost_per_success_ci_high"] for r in band]
                + [max(r["cost_per_success_ci_low"], 0.0) for r in reversed(band)],
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


def tieout_figure(data: ReportData) -> Any:
    """Per provider: list-price estimate, billed, allocated to calls, unallocated."""
    import plotly.graph_objects as go

    rows = [r for r in data.reconciliation if r.get("billed") or r.get("unbilled_estimate")]
    providers = [str(r["provider"]) for r in rows]
    fig = go.Figure()
    series = (
        ("Estimate (list price)", lambda r: r.get("estimated"), "#BAB0AC"),
        ("Billed (invoice)", lambda r: r.get("billed"), "#4C78A8"),
        ("Allocated to calls", lambda r: r.get("allocated"), "#54A24B"),
        ("Unallocated", lambda r: r.get("unallocated"), "#E45756"),
        ("Calls without billing (estimate)", lambda r: r.get("unbilled_estimate"), "#F2CF5B"),
    )
    for name, value, color in series:
        fig.add_bar(
            x=providers,
            y=[value(r) or 0.0 for r in rows],
            name=name,
            marker_color=color,
            hovertemplate=f"%{{x}}<br>{name}: $%{{y:,.2f}}<extra></extra>",
        )
    fig.update_layout(barmode="group", yaxis_title=data.currency)
    return _layout(fig, 420)


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
# HTML.
# --------------------------------------------------------------------------------------------


def _formula(item: catalogue.Metric) -> str:
    if item.expr:
        return item.expr
    assert item.numerator and item.denominator
    return (
        f"{catalogue.measure(item.numerator).label} / {catalogue.measure(item.denominator).label}"
    )


def definitions(metric_names: tuple[str, ...], measure_names: tuple[str, ...] = ()) -> str:
    """The catalogue's definitions, one click away (a <details> element)."""
    items = []
    for name in metric_names:
        item = catalogue.metric(name)
        items.append(
            f"<dt>{html.escape(item.label)} <code>{name}</code></dt>"
            f"<dd>{html.escape(item.description)} <span class=formula>= "
            f"{html.escape(_formula(item))}</span></dd>"
        )
    for name in measure_names:
        item = catalogue.measure(name)
        items.append(
            f"<dt>{html.escape(item.label)} <code>{name}</code></dt>"
            f"<dd>{html.escape(item.description)}</dd>"
        )
    return (
        "<details class=definitions><summary>Definitions</summary><dl>"
        + "".join(items)
        + "</dl></details>"
    )


def _money(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "–"
    return f"{'-' if value < 0 else ''}${abs(value):,.{digits}f}"


def _interval(low: float | None, high: float | None) -> str:
    return "–" if low is None or high is None else f"{_money(low)} – {_money(high)}"


def whatif_table(data: ReportData) -> str:
    if not data.whatifs:
        return (
            f"<p class=note>No feature has a second model with {WHATIF_MIN_INTENTS} or more "
            "labelled intents on it, so no what-if can use observed outcomes. "
            "<code>aiue whatif --feature F --model M --success-rate R --escalation-rate E</code>"
            " prices a swap with rates you give.</p>"
        )
    pct = f"{data.level:.0%}"
    head = (
        "<tr><th>feature</th><th>on model</th><th>CPS today (all models)</th>"
        f"<th>{pct} interval</th><th>what-if CPS</th><th>{pct} interval</th><th>change</th>"
        "<th>success rate</th><th>labelled intents</th></tr>"
    )
    body = []
    for row in sorted(data.whatifs, key=lambda r: (r["feature_tag"], r["whatif_cps"] or 0)):
        change = (
            f"{row['whatif_cps'] / row['today_cps'] - 1:+.1%}"
            if row["today_cps"] and row["whatif_cps"] is not None
            else "–"
        )
        flag = "" if row["is_sufficient_sample"] else " *"
        body.append(
            "<tr>"
            f"<td>{html.escape(str(row['feature_tag']))}</td>"
            f"<td>{html.escape(str(row['model']))}</td>"
            f"<td class=num>{_money(row['today_cps'])}</td>"
            f"<td class=num>{_interval(row['today_low'], row['today_high'])}</td>"
            f"<td class=num>{_money(row['whatif_cps'])}{flag}</td>"
            f"<td class=num>{_interval(row['whatif_low'], row['whatif_high'])}</td>"
            f"<td class=num>{change}</td>"
            f"<td class=num>{row['success_rate']:.1%}</td>"
            f"<td class=num>{row['sample_intents']:,}</td>"
            "</tr>"
        )
    return (
        f"<table id=whatif-table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        f"<p class=note>* fewer than {data.min_sample} labelled intents of the model on the "
        "feature: treat the what-if as noise.</p>"
    )


def tieout_table(data: ReportData) -> str:
    rows = [r for r in data.reconciliation if r.get("billed") or r.get("unbilled_estimate")]
    body = "".join(
        f"<tr><td>{html.escape(str(r['provider']))}</td>"
        + "".join(
            f"<td class=num>{_money(r.get(key), 2)}</td>"
            for key in ("estimated", "billed", "allocated", "unallocated", "unbilled_estimate")
        )
        + "</tr>"
        for r in rows
    )
    return (
        "<table id=tieout-table><thead><tr><th>provider</th><th>estimate</th><th>billed</th>"
        "<th>allocated</th><th>unallocated</th><th>calls without billing</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _tile(label: str, value: str, note: str = "") -> str:
    return (
        f"<div class=tile><div class=tile-label>{html.escape(label)}</div>"
        f"<div class=tile-value>{value}</div><div class=tile-note>{note}</div></div>"
    )


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;
background:#f6f7f9}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:0 0 6px}
.meta{color:#555;margin-bottom:18px} section{background:#fff;border-radius:8px;padding:18px;
margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)} .lede{color:#444;margin:0 0 8px}
.tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{background:#fff;border-radius:8px;padding:14px
18px;min-width:170px;box-shadow:0 1px 3px rgba(0,0,0,.08)}.tile-label{color:#666;font-size:13px}
.tile-value{font-size:24px;font-weight:600}.tile-note{color:#777;font-size:12px}
details.definitions{margin-top:8px}details summary{cursor:pointer;color:#1f5fa8}
dl{margin:8px 0}dt{font-weight:600;margin-top:6px}dd{margin:2px 0 0 16px;color:#444}
.formula{color:#666;font-family:ui-monospace,monospace;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:6px 8px;border-bottom:1px
solid #eee;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#666;font-size:12px}
"""


def render_html(data: ReportData, figs: dict[str, Any]) -> str:
    import plotly.offline

    def chart(div_id: str) -> str:
        return figs[div_id].to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )

    t = data.total
    basis = (
        "invoice (token cost as billed where a FOCUS invoice covers a call, else the estimate)"
        if data.cost_basis == "invoice"
        else "estimate (list prices from the dated price seed)"
    )
    period = f"{data.date_from} to {data.date_to}"
    tiles = "".join(
        [
            _tile("Total cost", _money(t["total_cost"], 2), f"{t['intents']:,} intents"),
            _tile(
                "Cost per intent",
                _money(t["cost_per_intent"]),
                _interval(t["cost_per_intent_ci_low"], t["cost_per_intent_ci_high"]),
            ),
            _tile(
                "Success rate",
                "–" if t["success_rate"] is None else f"{t['success_rate']:.1%}",
                f"{t['labeled_intents']:,} labelled intents",
            ),
            _tile(
                "Cost per success",
                _money(t["cost_per_success"]),
                _interval(t["cost_per_success_ci_low"], t["cost_per_success_ci_high"]),
            ),
            _tile(
                "Labour share",
                "–" if not t["total_cost"] else f"{(t['labor_cost'] or 0) / t['total_cost']:.1%}",
                "escalations and reviews",
            ),
        ]
    )
    sections = [
        (
            "Cheaper per token, dearer per success",
            "Per feature and primary model: what a million tokens cost beside what one "
            "successful outcome costs, with its interval (faded bars: fewer than "
            f"{data.min_sample} labelled intents).",
            chart("chart-headline"),
            definitions(("cost_per_million_tokens", "cost_per_success", "success_rate")),
        ),
        (
            "Where each success's money goes",
            "Cost per success split into its parts: each part's share of total cost times the "
            "cost per success.",
            chart("chart-breakdown"),
            definitions(
                ("cost_per_success",),
                (
                    "token_cost",
                    "retry_cost",
                    "tool_cost",
                    "infra_cost",
                    "escalation_cost",
                    "review_cost",
                    "total_cost",
                ),
            ),
        ),
        (
            "Cost per success over time",
            f"Per feature and {data.time_grain}, the shaded band is the {data.level:.0%} "
            f"interval; open markers have fewer than {data.min_sample} labelled intents. "
            "Click a legend entry to show or hide a feature.",
            chart("chart-over-time"),
            definitions(("cost_per_success",), ("labeled_intents",)),
        ),
    ]
    if data.has_billing:
        sections.append(
            (
                "Invoice tie-out",
                "Per provider: the list-price estimate of the billed lines, what the invoice "
                "billed (EffectiveCost), what landed on calls and what stayed unallocated "
                "(billed = allocated + unallocated); calls no invoice covers keep their estimate.",
                chart("chart-tieout") + tieout_table(data),
                definitions(
                    (),
                    ("estimated_token_cost", "billed_cost", "allocated_cost", "unallocated_cost"),
                ),
            )
        )
    else:
        sections.append(
            (
                "Invoice tie-out",
                "No FOCUS billing in this build: every call keeps its list-price estimate. "
                "Add focus_costs.csv beside genai_spans.csv to reconcile with the invoice.",
                "",
                "",
            )
        )
    sections.append(
        (
            "What if a feature ran on another model",
            f"Each feature on each model observed on it with {WHATIF_MIN_INTENTS}+ labelled "
            "intents: the feature's token mix re-priced at the model's dated prices, the "
            "model's observed success and escalation on the feature (as `aiue whatif`).",
            whatif_table(data),
            definitions(("cost_per_success", "success_rate", "escalation_rate")),
        )
    )
    body = "".join(
        f"<section><h2>{html.escape(title)}</h2><p class=lede>{html.escape(lede)}</p>"
        f"{content}{defs}</section>"
        for title, lede, content, defs in sections
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI unit economics {html.escape(period)}</title>
<style>{STYLE}</style>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
</head><body><main>
<h1>AI unit economics: cost per successful outcome</h1>
<div class=meta id=report-meta>Period <b>{html.escape(period)}</b> · currency
<b>{html.escape(data.currency)}</b> · cost basis <b>{html.escape(basis)}</b> · intervals at
{data.level:.0%} · a CPS on fewer than {data.min_sample} labelled intents is flagged ·
source {html.escape(data.source)} · generated {generated}</div>
<div class=tiles>{tiles}</div>
{body}
</main></body></html>
"""


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


def add_arguments(commands: argparse._SubParsersAction) -> None:
    from .cli import _date, add_warehouse_options

    parser = commands.add_parser("report", help="write a self-contained HTML report")
    add_warehouse_options(parser)
    parser.add_argument("--out", type=Path, default=Path("report.html"), help="HTML file to write")
    parser.add_argument(
        "--from", dest="date_from", type=_date, help="first day, e.g. 2026-09-01 (default: all)"
    )
    parser.add_argument(
        "--to", dest="date_to", type=_date, help="last day, inclusive (default: all)"
    )
    parser.add_argument(
        "--cost-basis",
        choices=catalogue.COST_BASES,
        default="invoice",
        help="invoice: token cost as billed; estimate: the list-price estimate",
    )
    parser.add_argument(
        "--min-sample",
        type=int,
        default=catalogue.DEFAULT_MIN_SAMPLE,
        help="labelled intents a group needs before its CPS is trusted",
    )
    parser.add_argument(
        "--confidence", type=float, default=DEFAULT_CONFIDENCE_LEVEL, help="interval level"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data = write_report(
        args.out,
        args.target,
        args.db,
        args.date_from,
        args.date_to,
        args.cost_basis,
        args.min_sample,
        args.confidence,
    )
    print(
        f"Wrote {args.out}: {len(data.by_model)} feature x model groups, "
        f"{data.date_from} to {data.date_to}, {len(data.whatifs)} what-if rows."
    )
    return 0
