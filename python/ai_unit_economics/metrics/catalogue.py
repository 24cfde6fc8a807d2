"""The metric catalogue: the single source of truth for every unit-economics metric.

From these definitions `aiue generate` writes the MetricFlow semantic models and metrics
(`models/semantic/`), the `unit_economics_metrics()` macro behind the metric columns of
`aiue__unit_economics_daily`, the metric-view models (`models/metric_views/`) and the metric
documentation (`docs/metrics.md`); `aiue metrics` and `aiue sql` build their SQL from it too.

To add a metric, add a `Metric` below (and a `Measure` if it needs a new sum), then run
`aiue generate`. A new fact column needs only a `Measure` (and a `Dimension` to group by it).

Every metric is computed from additive sums: consumers re-aggregate the sums and apply the
formula again, so a total over days or features is exact, never an average of averages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlglot
from sqlglot import exp

# --------------------------------------------------------------------------------------------
# Grains: the fact a measure sums over, and where a re-aggregating query reads it from.
# --------------------------------------------------------------------------------------------


# Every name the package puts into a user's semantic layer (entities, measures, metrics) carries
# this prefix, so a user's own `total_cost` metric or `intent` entity cannot collide with ours.
# Column names (marts, metric views, `aiue metrics`) stay unprefixed.
SEMANTIC_PREFIX = "aiue_"


def semantic_name(name: str) -> str:
    """The MetricFlow name of a catalogue measure, metric or grain."""
    return f"{SEMANTIC_PREFIX}{name}"


@dataclass(frozen=True)
class Grain:
    name: str  # MetricFlow primary entity (prefixed: see `entity`)
    model: str  # the dbt model the semantic model sits on
    semantic_model: str
    label: str
    time_dimension: str  # the fact's day column (MetricFlow agg_time_dimension)
    primary_key: str
    description: str
    foreign_entities: tuple[tuple[str, str], ...] = ()  # (grain name, column)

    @property
    def entity(self) -> str:
        return semantic_name(self.name)


INTENT = Grain(
    name="intent",
    model="aiue__intents",
    semantic_model="aiue_intents",
    label="Intents",
    time_dimension="intent_date",
    primary_key="intent_id",
    description=(
        "One row per intent (one user goal, the unit of success): its cost, tokens, calls and "
        "outcome. Grouped by model, an intent counts under its primary model."
    ),
)

CALL = Grain(
    name="call",
    model="aiue__llm_calls",
    semantic_model="aiue_llm_calls",
    label="LLM calls",
    time_dimension="call_date",
    primary_key="trace_id || '-' || span_id",
    description=(
        "One row per call (inference, embeddings or tool span): exact cost per token by the "
        "model that answered each call."
    ),
    foreign_entities=(("intent", "intent_id"),),
)

GRAINS: tuple[Grain, ...] = (INTENT, CALL)

# Intent-grain sums are pre-aggregated by day x feature x provider x model in this mart;
# re-aggregating queries read it when every measure they need is one of its columns.
DAILY_RELATION = "aiue__unit_economics_daily"
DAILY_DAY_COLUMN = "date_day"


# --------------------------------------------------------------------------------------------
# Measures: additive sums over one fact row each (`expr` is portable SQL over that row).
# Intent-grain measures with `daily=True` are also columns of aiue__unit_economics_daily
# (same name).
# A new fact column needs only a Measure here: with daily=False it is summed from the fact.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    description: str
    expr: str
    grain: Grain = INTENT
    unit: str = "count"  # count | money | tokens | money_squared
    daily: bool = True  # a column of aiue__unit_economics_daily (intent grain only)
    # False: a daily-mart sum with no per-intent value (money that landed on no call), so
    # not a MetricFlow measure: a semantic model over aiue__intents could only show it as 0.
    semantic: bool = True
    # The summed expression in aiue__unit_economics_daily (dbt SQL over its input rows: the
    # intents, and rows of billed money that landed on no call, is_intent false), when it is
    # not `expr`.
    mart_expr: str | None = None

    @property
    def in_daily(self) -> bool:
        return self.grain == INTENT and self.daily

    @property
    def daily_sql(self) -> str:
        """What aiue__unit_economics_daily sums for this measure."""
        return self.mart_expr or self.expr


def _mart_square(column: str, condition: str | None = None) -> str:
    """The daily mart's Σ cost²: the product of two doubles (exact on every engine, where
    power() of a decimal is a decimal on some)."""
    double = "{{ ai_unit_economics.type_double() }}"
    product = f"cast({column} as {double}) * cast({column} as {double})"
    return product if condition is None else f"case when {condition} then {product} else 0 end"


# The intents counted in success rate that succeeded, and those that did not (a labelled
# intent with no success value counts as failed, as successful_intents leaves it out).
SUCCEEDED = "is_in_success_rate and is_success"
FAILED = "is_in_success_rate and not coalesce(is_success, false)"
# Intents counted in success rate whose feature has a value per success on their day (the
# optional seed aiue_outcome_values): the ones value and margin are measured over, so that an
# empty seed leaves both null rather than a margin of minus the cost.
VALUED = "is_in_success_rate and outcome_value_per_success is not null"
# Intents with an agent run (an invoke_agent, invoke_workflow or handle_conversation_turn
# root): the ones steps per agent intent are measured over.
AGENT = "agent_runs > 0"


def _margin(cost: str) -> str:
    """Σ (value·success - cost) over the valued intents."""
    return _when(
        VALUED, f"(case when is_success then outcome_value_per_success else 0 end) - {cost}"
    )


def _when(condition: str, value: str) -> str:
    return f"case when {condition} then {value} else 0 end"


MEASURES: tuple[Measure, ...] = (
    Measure(
        "intents",
        "Intents",
        "Intents (every interaction, whatever the outcome).",
        "1",
        mart_expr="case when is_intent then 1 else 0 end",
    ),
    Measure(
        "labeled_intents",
        "Labelled intents",
        "Intents counted in success rate (labelled; or all, see var aiue_unlabeled_as_failure).",
        "case when is_in_success_rate then 1 else 0 end",
    ),
    Measure(
        "successful_intents",
        "Successful intents",
        "Labelled intents that succeeded (Σ success).",
        "case when is_in_success_rate and is_success then 1 else 0 end",
    ),
    Measure(
        "escalated_intents",
        "Escalated intents",
        "Labelled intents escalated to a human.",
        "case when is_in_success_rate and is_escalated then 1 else 0 end",
    ),
    Measure(
        "reviewed_intents",
        "Reviewed intents",
        "Labelled intents reviewed by a human.",
        "case when is_in_success_rate and is_human_reviewed then 1 else 0 end",
    ),
    Measure(
        "unlabeled_intents",
        "Unlabelled intents",
        "Intents with no valid outcome label (reported, not hidden).",
        "case when is_labeled then 0 else 1 end",
        mart_expr="case when is_intent and not is_labeled then 1 else 0 end",
    ),
    Measure("calls", "Calls", "Calls of these intents.", "calls"),
    Measure("retry_calls", "Retry calls", "Retry calls (attempt > 1).", "retry_calls"),
    Measure("turns", "Turns", "Σ turns of the intents.", "turns"),
    Measure(
        "agent_intents",
        "Agent intents",
        "Intents with an agent run (an invoke_agent, invoke_workflow or "
        "handle_conversation_turn root).",
        _when(AGENT, "1"),
    ),
    Measure(
        "agent_inference_calls",
        "Agent model calls",
        "Model calls of the agent intents.",
        _when(AGENT, "inference_calls"),
    ),
    Measure(
        "agent_tool_calls",
        "Agent tool calls",
        "Tool calls of the agent intents.",
        _when(AGENT, "tool_calls"),
    ),
    Measure("agent_turns", "Agent turns", "Σ turns of the agent intents.", _when(AGENT, "turns")),
    Measure(
        "reported_steps_mismatches",
        "Reported steps mismatches",
        "Agent intents whose framework-reported call counts (gen_ai.invoke_agent.inference_calls "
        "/ .tool_calls) differ from the calls counted from their spans.",
        _when("is_reported_steps_mismatch", "1"),
    ),
    Measure("tokens", "Tokens", "Input + output tokens of the intents.", "tokens", unit="tokens"),
    Measure(
        "token_cost", "Token cost", "Model token cost of all calls.", "token_cost", unit="money"
    ),
    Measure(
        "retry_cost",
        "Retry cost",
        "Cost of retried or failed calls.",
        "retry_cost",
        unit="money",
    ),
    Measure("tool_cost", "Tool cost", "Cost of tool calls.", "tool_cost", unit="money"),
    Measure(
        "infra_cost",
        "Infra cost",
        "Self-hosted GPU and feature-tagged platform cost spread over the intents' calls.",
        "infra_cost",
        unit="money",
    ),
    Measure(
        "escalation_cost",
        "Escalation cost",
        "Escalation ticket cost.",
        "escalation_cost",
        unit="money",
    ),
    Measure("review_cost", "Review cost", "Human review cost.", "review_cost", unit="money"),
    Measure(
        "labor_cost", "Labour cost", "Escalation + review labour cost.", "labor_cost", unit="money"
    ),
    Measure(
        "total_cost",
        "Total cost",
        "Token + tool + labour cost of all intents (Σ cost).",
        "total_cost",
        unit="money",
    ),
    Measure(
        "labeled_total_cost",
        "Labelled total cost",
        "Σ total cost over the intents counted in success rate; the CPS numerator.",
        "case when is_in_success_rate then total_cost else 0 end",
        unit="money",
    ),
    Measure(
        "successful_total_cost",
        "Successful total cost",
        "Σ cost·success: total cost of the successful intents.",
        "case when is_in_success_rate and is_success then total_cost else 0 end",
        unit="money",
    ),
    Measure(
        "failed_intents",
        "Failed intents",
        "Labelled intents that did not succeed (labelled_intents - successful_intents).",
        _when(FAILED, "1"),
    ),
    Measure(
        "failed_total_cost",
        "Failed total cost",
        "Σ cost·(1 - success): total cost of the labelled intents that failed, the waste.",
        _when(FAILED, "total_cost"),
        unit="money",
    ),
    Measure(
        "valued_successful_intents",
        "Valued successful intents",
        "Successful intents whose feature has a value per success on their day (seed "
        "aiue_outcome_values).",
        _when(f"{VALUED} and is_success", "1"),
    ),
    Measure(
        "outcome_value",
        "Outcome value",
        "Σ value of the successful intents (seed aiue_outcome_values; 0 without it).",
        _when(f"{VALUED} and is_success", "outcome_value_per_success"),
        unit="money",
    ),
    Measure(
        "outcome_margin",
        "Outcome margin",
        "Σ (value·success - cost) over the labelled intents whose feature has a value: what the "
        "successes were worth less what all the attempts cost, failures included.",
        _margin("total_cost"),
        unit="money",
    ),
    Measure(
        "total_cost_squared",
        "Total cost squared",
        "Σ cost² over all intents (floating point), for the cost-per-intent interval.",
        "power(total_cost, 2)",
        unit="money_squared",
        mart_expr=_mart_square("total_cost"),
    ),
    Measure(
        "labeled_total_cost_squared",
        "Labelled total cost squared",
        "Σ cost² over labelled intents (floating point), for the cost-per-success interval.",
        "case when is_in_success_rate then power(total_cost, 2) else 0 end",
        unit="money_squared",
        mart_expr=_mart_square("total_cost", "is_in_success_rate"),
    ),
    Measure(
        "successful_total_cost_squared",
        "Successful total cost squared",
        "Σ cost² over successful intents (floating point), for the cost-per-successful-intent "
        "interval.",
        _when(SUCCEEDED, "power(total_cost, 2)"),
        unit="money_squared",
        mart_expr=_mart_square("total_cost", SUCCEEDED),
    ),
    Measure(
        "failed_total_cost_squared",
        "Failed total cost squared",
        "Σ cost² over failed intents (floating point), for the cost-per-failed-intent interval.",
        _when(FAILED, "power(total_cost, 2)"),
        unit="money_squared",
        mart_expr=_mart_square("total_cost", FAILED),
    ),
    # Billing (docs/billing.md). total_cost above includes infra_cost (self-hosted GPU and
    # platform cost); token_cost is the invoice's where it covers a call. The estimated_*
    # measures are the list-price basis (`aiue metrics --cost-basis estimate`): the same sums
    # with token cost before billing.
    Measure(
        "allocated_cost",
        "Allocated cost",
        "Billed money (invoice token shares and infra shares) that landed on the intents' calls.",
        "allocated_cost",
        unit="money",
    ),
    Measure(
        "unallocated_cost",
        "Unallocated cost",
        "Billed money that landed on no call (billing without calls, unattributed AI charges, "
        "idle GPU days). It belongs to no intent: 0 on aiue__intents; "
        "aiue__unit_economics_daily and aiue__cost_reconciliation carry it.",
        "0",
        unit="money",
        semantic=False,
        mart_expr="unallocated_cost",
    ),
    Measure(
        "billed_cost",
        "Billed cost",
        "The AI part of the invoice (EffectiveCost) plus GPU leases: allocated_cost + "
        "unallocated_cost (on aiue__intents only the allocated part exists).",
        "allocated_cost",
        unit="money",
        semantic=False,
        mart_expr="{{ ai_unit_economics.money_sum(['allocated_cost', 'unallocated_cost']) }}",
    ),
    Measure(
        "estimated_token_cost",
        "Estimated token cost",
        "Token cost before billing: gateway-reported, else the dated price seed.",
        "estimated_token_cost",
        unit="money",
    ),
    Measure(
        "estimated_retry_cost",
        "Estimated retry cost",
        "retry_cost before billing.",
        "estimated_retry_cost",
        unit="money",
    ),
    Measure(
        "estimated_total_cost",
        "Estimated total cost",
        "total_cost with token cost before billing (the list-price basis).",
        "estimated_total_cost",
        unit="money",
    ),
    Measure(
        "estimated_labeled_total_cost",
        "Estimated labelled total cost",
        "labeled_total_cost on the list-price basis.",
        "case when is_in_success_rate then estimated_total_cost else 0 end",
        unit="money",
    ),
    Measure(
        "estimated_successful_total_cost",
        "Estimated successful total cost",
        "successful_total_cost on the list-price basis.",
        "case when is_in_success_rate and is_success then estimated_total_cost else 0 end",
        unit="money",
    ),
    Measure(
        "estimated_failed_total_cost",
        "Estimated failed total cost",
        "failed_total_cost on the list-price basis.",
        _when(FAILED, "estimated_total_cost"),
        unit="money",
    ),
    Measure(
        "estimated_outcome_margin",
        "Estimated outcome margin",
        "outcome_margin on the list-price basis.",
        _margin("estimated_total_cost"),
        unit="money",
    ),
    Measure(
        "estimated_total_cost_squared",
        "Estimated total cost squared",
        "total_cost_squared on the list-price basis.",
        "power(estimated_total_cost, 2)",
        unit="money_squared",
        mart_expr=_mart_square("estimated_total_cost"),
    ),
    Measure(
        "estimated_labeled_total_cost_squared",
        "Estimated labelled total cost squared",
        "labeled_total_cost_squared on the list-price basis.",
        "case when is_in_success_rate then power(estimated_total_cost, 2) else 0 end",
        unit="money_squared",
        mart_expr=_mart_square("estimated_total_cost", "is_in_success_rate"),
    ),
    Measure(
        "estimated_successful_total_cost_squared",
        "Estimated successful total cost squared",
        "successful_total_cost_squared on the list-price basis.",
        _when(SUCCEEDED, "power(estimated_total_cost, 2)"),
        unit="money_squared",
        mart_expr=_mart_square("estimated_total_cost", SUCCEEDED),
    ),
    Measure(
        "estimated_failed_total_cost_squared",
        "Estimated failed total cost squared",
        "failed_total_cost_squared on the list-price basis.",
        _when(FAILED, "power(estimated_total_cost, 2)"),
        unit="money_squared",
        mart_expr=_mart_square("estimated_total_cost", FAILED),
    ),
    Measure("llm_calls", "LLM calls", "Calls (one row of aiue__llm_calls each).", "1", grain=CALL),
    Measure(
        "call_tokens",
        "Call tokens",
        "Input + output tokens, summed per call.",
        "tokens",
        grain=CALL,
        unit="tokens",
    ),
    Measure(
        "call_token_cost",
        "Call token cost",
        "Model token cost, summed per call.",
        "token_cost",
        grain=CALL,
        unit="money",
    ),
)


# --------------------------------------------------------------------------------------------
# Dimensions: what a metric can be grouped by. `date_day` is each grain's day (MetricFlow:
# metric_time__day); the others are `<entity>__<name>` in MetricFlow.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    description: str
    grain: Grain = INTENT
    # Intent grain: also a column of aiue__unit_economics_daily, so `aiue sql --by` can use it.
    # (Call-grain queries read aiue__llm_calls and can group by every call dimension.)
    in_daily: bool = False


DIMENSIONS_CATALOGUE: tuple[Dimension, ...] = (
    Dimension("feature_tag", "Feature", "The intent's first call's feature_tag.", in_daily=True),
    Dimension(
        "provider_name", "Provider", "Provider carrying most of its token cost.", in_daily=True
    ),
    Dimension(
        "response_model", "Primary model", "Model carrying most of its token cost.", in_daily=True
    ),
    Dimension("currency", "Currency", "Reporting currency of the money columns.", in_daily=True),
    Dimension("label_state", "Label state", "labeled or unlabeled."),
    Dimension("outcome_signal", "Outcome signal", "How the outcome was labelled."),
    Dimension("escalation_channel", "Escalation channel", "Where a failed intent was escalated."),
    Dimension("feature_tag", "Feature", "The call's feature_tag.", grain=CALL),
    Dimension("provider_name", "Provider", "The call's provider.", grain=CALL),
    Dimension("response_model", "Model", "The model that answered the call.", grain=CALL),
    Dimension("currency", "Currency", "Reporting currency.", grain=CALL),
    Dimension("request_model", "Requested model", "The model requested.", grain=CALL),
    Dimension("operation_name", "Operation", "chat, embeddings, execute_tool, ...", grain=CALL),
    Dimension("cost_source", "Cost source", "Where the call's cost comes from.", grain=CALL),
    Dimension("status_code", "Status", "OK, ERROR or UNSET.", grain=CALL),
    Dimension(
        "reasoning_level", "Reasoning level", "The reasoning effort the call asked for.", grain=CALL
    ),
    Dimension("prompt_name", "Prompt", "The name of the prompt the call used.", grain=CALL),
    Dimension(
        "prompt_version", "Prompt version", "The version of the prompt the call used.", grain=CALL
    ),
)

DATE_DIMENSION = "date_day"
# The first day of the month of each grain's day: a dimension of every query (`aiue metrics
# --by date_month`) and of the month-grain metric view.
MONTH_DIMENSION = "date_month"
TIME_DIMENSIONS: tuple[str, ...] = (DATE_DIMENSION, MONTH_DIMENSION)

# The dbt var naming the pass-through columns (macros/passthrough.sql reads it in SQL).
PASSTHROUGH_VAR = "aiue_span_passthrough_columns"


@dataclass(frozen=True)
class PassthroughColumn:
    """One entry of var aiue_span_passthrough_columns, as macros/passthrough.sql reads it."""

    name: str
    alias: str
    dimension: bool

    @property
    def label(self) -> str:
        return self.alias.replace("_", " ").capitalize()


def passthrough_columns(configured: Any) -> tuple[PassthroughColumn, ...]:
    """The var's entries (a name, or {name, alias, dimension, ...}); the column is the alias,
    lower-cased, else the name (the same rule as span_passthrough_columns() in SQL)."""
    if configured is None:
        return ()
    entries = [configured] if isinstance(configured, (str, dict)) else list(configured)
    columns = []
    for entry in entries:
        item = entry if isinstance(entry, dict) else {"name": entry}
        alias = str(item.get("alias") or item.get("name") or "").lower()
        dimension = item.get("dimension", False) in (True, "true", "True")
        columns.append(PassthroughColumn(str(item.get("name")), alias, dimension))
    return tuple(columns)


def passthrough_dimensions(configured: Any) -> tuple[PassthroughColumn, ...]:
    return tuple(column for column in passthrough_columns(configured) if column.dimension)


# --------------------------------------------------------------------------------------------
# Intervals: which sums feed a metric's confidence interval. The formulas are in intervals.py
# (SQL, generated once for every warehouse; docs/metrics.md explains them); stats.py is their
# independent Python twin for the tests.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WilsonInterval:
    """Wilson score interval for successes / trials."""

    successes: str
    trials: str

    def measures(self) -> tuple[str, ...]:
        return (self.successes, self.trials)


@dataclass(frozen=True)
class RatioInterval:
    """Interval for Σy/Σx over n units, from n, Σy, Σy², Σx, Σx², Σxy: the delta method on the
    log scale with a Student-t quantile, no upper end when Σx is not significantly above 0
    (Fieller's condition). x defaults to 1 per unit (a mean)."""

    n: str
    sum_y: str
    sum_y2: str
    sum_x: str | None = None
    sum_x2: str | None = None
    sum_xy: str | None = None

    def measures(self) -> tuple[str, ...]:
        names = (self.n, self.sum_y, self.sum_y2, self.sum_x, self.sum_x2, self.sum_xy)
        return tuple(dict.fromkeys(name for name in names if name))

    def parts(self) -> tuple[str, str, str, str, str, str]:
        """(n, Σy, Σy², Σx, Σx², Σxy); x ≡ 1 when the interval names no x sums."""
        x = self.sum_x or self.n
        return (
            self.n,
            self.sum_y,
            self.sum_y2,
            x,
            self.sum_x2 or self.n,
            self.sum_xy or self.sum_y,
        )


# Two-sided level of every interval unless the build says otherwise (var aiue_confidence_level).
DEFAULT_CONFIDENCE_LEVEL = 0.95


# --------------------------------------------------------------------------------------------
# Metrics. A ratio is numerator / denominator (measures); a derived metric is an `expr` over
# other metrics (e.g. `cost_per_token * 1000000`). Null, never an error, when a denominator is 0.
# `interval` names the sums of its confidence interval; `fmt` is how the docs show a value.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    unit: str  # ratio | percent | money | money_per_million_tokens | turns
    fmt: str  # Python format spec for a value, e.g. ".1%" or ",.4f"
    numerator: str | None = None
    denominator: str | None = None
    expr: str | None = None
    interval: WilsonInterval | RatioInterval | None = field(default=None)

    @property
    def is_derived(self) -> bool:
        return self.expr is not None


METRICS: tuple[Metric, ...] = (
    Metric(
        "success_rate",
        "Success rate",
        "Successful intents / labelled intents (unlabelled intents are left out and shown).",
        unit="percent",
        fmt=".1%",
        numerator="successful_intents",
        denominator="labeled_intents",
        interval=WilsonInterval(successes="successful_intents", trials="labeled_intents"),
    ),
    Metric(
        "cost_per_million_tokens",
        "Cost per million tokens (CPT)",
        "Model token cost / tokens x 1,000,000, with every intent's model under its primary "
        "model (call_cost_per_million_tokens is exact per call).",
        unit="money_per_million_tokens",
        fmt=",.4f",
        expr="cost_per_token * 1000000",
    ),
    Metric(
        "cost_per_intent",
        "Cost per intent",
        "Total cost of all intents / intents (every interaction, whatever the outcome).",
        unit="money",
        fmt=",.4f",
        numerator="total_cost",
        denominator="intents",
        interval=RatioInterval(n="intents", sum_y="total_cost", sum_y2="total_cost_squared"),
    ),
    Metric(
        "cost_per_success",
        "Cost per success (CPS)",
        "Total cost of labelled intents / successful intents (= cost per intent / success "
        "rate when every intent is labelled); null with no successes.",
        unit="money",
        fmt=",.4f",
        numerator="labeled_total_cost",
        denominator="successful_intents",
        interval=RatioInterval(
            n="labeled_intents",
            sum_y="labeled_total_cost",
            sum_y2="labeled_total_cost_squared",
            sum_x="successful_intents",
            sum_x2="successful_intents",
            sum_xy="successful_total_cost",
        ),
    ),
    Metric(
        "attempts_per_success",
        "Attempts per success",
        "Labelled intents / successful intents: how many tries one success takes (1 / success "
        "rate); null with no successes.",
        unit="ratio",
        fmt=",.2f",
        numerator="labeled_intents",
        denominator="successful_intents",
        interval=RatioInterval(
            n="labeled_intents",
            sum_y="labeled_intents",
            sum_y2="labeled_intents",
            sum_x="successful_intents",
            sum_x2="successful_intents",
            sum_xy="successful_intents",
        ),
    ),
    Metric(
        "failure_cost_share",
        "Failure cost share",
        "Total cost of failed intents / total cost of labelled intents: the share of the spend "
        "that bought no success.",
        unit="percent",
        fmt=".1%",
        numerator="failed_total_cost",
        denominator="labeled_total_cost",
    ),
    Metric(
        "cost_per_successful_intent",
        "Cost per successful intent",
        "Mean total cost of an intent that succeeded (its own cost only; CPS also carries the "
        "failures).",
        unit="money",
        fmt=",.4f",
        numerator="successful_total_cost",
        denominator="successful_intents",
        interval=RatioInterval(
            n="successful_intents",
            sum_y="successful_total_cost",
            sum_y2="successful_total_cost_squared",
        ),
    ),
    Metric(
        "cost_per_failed_intent",
        "Cost per failed intent",
        "Mean total cost of a labelled intent that failed; above cost_per_successful_intent "
        "when failures run longer (retries, extra turns, escalations).",
        unit="money",
        fmt=",.4f",
        numerator="failed_total_cost",
        denominator="failed_intents",
        interval=RatioInterval(
            n="failed_intents",
            sum_y="failed_total_cost",
            sum_y2="failed_total_cost_squared",
        ),
    ),
    Metric(
        "value_per_success",
        "Value per success",
        "What a success is worth (seed aiue_outcome_values), over the successes of features "
        "that have a value; null when the seed has none.",
        unit="money",
        fmt=",.4f",
        numerator="outcome_value",
        denominator="valued_successful_intents",
    ),
    Metric(
        "margin_per_success",
        "Margin per success",
        "(Value of the successes - cost of every labelled intent) / successes, over features "
        "with a value per success: value per success minus cost per success; negative when the "
        "attempts cost more than the successes are worth; null without a value.",
        unit="money",
        fmt=",.4f",
        numerator="outcome_margin",
        denominator="valued_successful_intents",
    ),
    Metric(
        "escalation_rate",
        "Escalation rate",
        "Escalated intents / labelled intents.",
        unit="percent",
        fmt=".1%",
        numerator="escalated_intents",
        denominator="labeled_intents",
    ),
    Metric(
        "avg_turns_per_intent",
        "Turns per intent",
        "Turns / intents.",
        unit="turns",
        fmt=".2f",
        numerator="turns",
        denominator="intents",
    ),
    Metric(
        "inference_calls_per_agent_intent",
        "Model calls per agent intent",
        "Agent model calls / agent intents: the steps an agent takes to answer.",
        unit="ratio",
        fmt=".2f",
        numerator="agent_inference_calls",
        denominator="agent_intents",
    ),
    Metric(
        "tool_calls_per_agent_intent",
        "Tool calls per agent intent",
        "Agent tool calls / agent intents.",
        unit="ratio",
        fmt=".2f",
        numerator="agent_tool_calls",
        denominator="agent_intents",
    ),
    Metric(
        "turns_per_agent_intent",
        "Turns per agent intent",
        "Agent turns / agent intents.",
        unit="turns",
        fmt=".2f",
        numerator="agent_turns",
        denominator="agent_intents",
    ),
    Metric(
        "cost_per_token",
        "Cost per token",
        "Model token cost / tokens (intent grain); cost_per_million_tokens is this x 1e6.",
        unit="money",
        fmt=".10f",
        numerator="token_cost",
        denominator="tokens",
    ),
    Metric(
        "call_cost_per_token",
        "Cost per token (per call)",
        "Model token cost / tokens over calls, by the model that answered each call.",
        unit="money",
        fmt=".10f",
        numerator="call_token_cost",
        denominator="call_tokens",
    ),
    Metric(
        "call_cost_per_million_tokens",
        "Cost per million tokens (per call)",
        "Exact CPT by the model that answered each call: call token cost / call tokens x 1e6.",
        unit="money_per_million_tokens",
        fmt=",.4f",
        expr="call_cost_per_token * 1000000",
    ),
)

# The sample a group's interval and sufficiency flag are judged on (var aiue_min_sample_intents).
SAMPLE_SIZE_MEASURE = "labeled_intents"
DEFAULT_MIN_SAMPLE = 100
SUFFICIENT_SAMPLE_COLUMN = "is_sufficient_sample"


# --------------------------------------------------------------------------------------------
# Lookups.
# --------------------------------------------------------------------------------------------


def measure(name: str) -> Measure:
    for item in MEASURES:
        if item.name == name:
            return item
    raise KeyError(name)


def metric(name: str) -> Metric:
    for item in METRICS:
        if item.name == name:
            return item
    raise KeyError(name)


@cache
def metric_inputs_of(expr: str) -> tuple[str, ...]:
    """The names an expression refers to, in order of appearance."""
    columns = sqlglot.parse_one(expr).find_all(exp.Column)
    return tuple(dict.fromkeys(column.name for column in columns))


def metric_inputs(item: Metric) -> tuple[str, ...]:
    """The metrics a derived metric's expression names."""
    return metric_inputs_of(item.expr) if item.expr is not None else ()


def metric_measures(item: Metric) -> tuple[str, ...]:
    """Every measure a metric needs, through derived inputs, in a stable order."""
    if item.is_derived:
        found = [name for inner in metric_inputs(item) for name in metric_measures(metric(inner))]
        return tuple(dict.fromkeys(found))
    return tuple(name for name in (item.numerator, item.denominator) if name)


def is_semantic(item: Metric) -> bool:
    """Whether MetricFlow can define the metric (every measure it needs is a semantic one)."""
    return all(measure(name).semantic for name in metric_measures(item))


def metric_grain(item: Metric) -> Grain:
    return measure(metric_measures(item)[0]).grain


def interval_columns(item: Metric) -> tuple[str, str]:
    return f"{item.name}_ci_low", f"{item.name}_ci_high"


def dimensions_for(grain: Grain) -> tuple[str, ...]:
    """`aiue sql --by` choices for a grain: its day, then its re-aggregatable dimensions."""
    names = [d.name for d in DIMENSIONS_CATALOGUE if d.grain == grain]
    if grain == INTENT:
        names = [d.name for d in DIMENSIONS_CATALOGUE if d.grain == grain and d.in_daily]
    return (DATE_DIMENSION, *names)


def query_dimensions_for(grain: Grain) -> tuple[str, ...]:
    """What a query of a grain's metrics can group by: its dimensions and the month."""
    day, *names = dimensions_for(grain)
    return (day, MONTH_DIMENSION, *names)


# --------------------------------------------------------------------------------------------
# The shapes `aiue metrics` and results.py rely on; derived from the catalogue.
# --------------------------------------------------------------------------------------------


def reads_daily(measure_names: Iterable[str]) -> bool:
    """Whether the daily mart holds every one of these measures."""
    return all(measure(name).in_daily for name in measure_names)


INTENT_MEASURES: tuple[Measure, ...] = tuple(m for m in MEASURES if m.grain == INTENT)
INTENT_METRICS: tuple[Metric, ...] = tuple(m for m in METRICS if metric_grain(m) == INTENT)


def _in_daily(item: Metric) -> bool:
    interval = item.interval.measures() if item.interval else ()
    return reads_daily((*metric_measures(item), *interval))


# The metrics aiue__unit_economics_daily carries as columns (and `aiue metrics` prints).
DAILY_METRICS: tuple[Metric, ...] = tuple(m for m in INTENT_METRICS if _in_daily(m))

# Additive columns of aiue__unit_economics_daily, summed when re-aggregating.
SUMS: tuple[str, ...] = tuple(m.name for m in INTENT_MEASURES if m.in_daily)


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    scale: int = 1
    unit: str = "ratio"


def _as_ratio(item: Metric) -> Ratio | None:
    """A metric as numerator / denominator x scale, when it is one (`ratio * 1000000` is)."""
    if not item.is_derived:
        assert item.numerator and item.denominator
        return Ratio(item.name, item.numerator, item.denominator, 1, item.unit)
    inputs = metric_inputs(item)
    parsed = sqlglot.parse_one(item.expr or "")
    if len(inputs) != 1 or not isinstance(parsed, exp.Mul):
        return None
    base = _as_ratio(metric(inputs[0]))
    factor = parsed.expression
    if base is None or not isinstance(factor, exp.Literal) or factor.is_string:
        return None
    return Ratio(
        item.name, base.numerator, base.denominator, base.scale * int(factor.this), item.unit
    )


# The intent-grain ratios (a derived metric of the form `ratio * 1000000` is a scaled ratio).
RATIOS: tuple[Ratio, ...] = tuple(
    ratio for ratio in map(_as_ratio, DAILY_METRICS) if ratio is not None
)

# `aiue metrics` output columns, in order (after the group-by columns): the published list,
# only ever appended to (tool_cost came last so that token + tool + labour (+ infra) = total);
# interval columns come behind `--intervals`, billing columns (BILLING_COLUMNS) after them when
# the build has billing (or with `--billing`).
METRIC_COLUMNS: tuple[str, ...] = (
    "intents",
    "labeled_intents",
    "successful_intents",
    "success_rate",
    "calls",
    "tokens",
    "token_cost",
    "retry_cost",
    "labor_cost",
    "total_cost",
    "cost_per_million_tokens",
    "cost_per_intent",
    "cost_per_success",
    "escalation_rate",
    "avg_turns_per_intent",
    "is_sufficient_sample",
    "tool_cost",
    "failed_intents",
    "failed_total_cost",
    "failure_cost_share",
    "attempts_per_success",
    "cost_per_successful_intent",
    "cost_per_failed_intent",
    "value_per_success",
    "margin_per_success",
    "inference_calls_per_agent_intent",
    "tool_calls_per_agent_intent",
    "turns_per_agent_intent",
)

# Billing: billed = allocated + unallocated; infra is part of total_cost.
BILLING_COLUMNS: tuple[str, ...] = (
    "infra_cost",
    "billed_cost",
    "allocated_cost",
    "unallocated_cost",
)

# `aiue metrics --cost-basis estimate`: each sum on the left is read from the column on the
# right (token cost before billing instead of the invoice-allocated one).
ESTIMATE_BASIS_SUMS: dict[str, str] = {
    "token_cost": "estimated_token_cost",
    "retry_cost": "estimated_retry_cost",
    "total_cost": "estimated_total_cost",
    "labeled_total_cost": "estimated_labeled_total_cost",
    "successful_total_cost": "estimated_successful_total_cost",
    "total_cost_squared": "estimated_total_cost_squared",
    "labeled_total_cost_squared": "estimated_labeled_total_cost_squared",
    "failed_total_cost": "estimated_failed_total_cost",
    "successful_total_cost_squared": "estimated_successful_total_cost_squared",
    "failed_total_cost_squared": "estimated_failed_total_cost_squared",
    "outcome_margin": "estimated_outcome_margin",
}
COST_BASES: tuple[str, ...] = ("invoice", "estimate")

INTERVAL_COLUMNS: tuple[str, ...] = tuple(
    column for item in DAILY_METRICS if item.interval for column in interval_columns(item)
)

MONEY_COLUMNS = frozenset(
    m.name for m in MEASURES if m.unit == "money" and m.name in METRIC_COLUMNS
)

DIMENSIONS: tuple[str, ...] = dimensions_for(INTENT)
# `aiue metrics --by` choices (besides the pass-through dimensions).
QUERY_DIMENSIONS: tuple[str, ...] = query_dimensions_for(INTENT)


def ratio_value(numerator: float | None, denominator: float | None, scale: int = 1) -> float | None:
    """The Python twin of the SQL `ratio` macro: null (None) when the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator) * scale


# Columns of aiue__unit_economics_daily that are not dimensions; any other column of the mart
# is a pass-through dimension (var aiue_span_passthrough_columns, Jinja in the mart's SQL).
DAILY_NON_DIMENSIONS = frozenset(
    {
        "unit_economics_daily_id",
        DAILY_DAY_COLUMN,
        SUFFICIENT_SAMPLE_COLUMN,
        *DIMENSIONS,
        *(m.name for m in MEASURES),
        *(m.name for m in METRICS),
        *INTERVAL_COLUMNS,
        *ESTIMATE_BASIS_SUMS.values(),
    }
)


def passthrough_in_daily(columns: Iterable[str]) -> tuple[str, ...]:
    """The pass-through dimensions among the columns of a built aiue__unit_economics_daily."""
    return tuple(column for column in columns if column.lower() not in DAILY_NON_DIMENSIONS)
