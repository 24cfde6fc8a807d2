"""Synthetic GenAI telemetry and outcome labels, with the seed article's worked scenarios.

Two files are written, following the input contracts of DESIGN.md §4:

* ``genai_spans.csv``: one row per flattened OpenTelemetry GenAI span (chat, embeddings,
  execute_tool and invoke_agent spans);
* ``outcomes.csv``: one row per outcome label (an intent may have none, or two);

and, with ``billing=True`` (``--billing``), a third (docs/billing.md):

* ``focus_costs.csv``: a FOCUS 1.2-style invoice of every call, one usage line per UTC day x
  provider x model x usage type at the bundled list price x a negotiated factor (OpenAI 1.0,
  so the article scenarios, all on OpenAI models, keep their list-price numbers; Anthropic
  0.95; Google 1.0), with a credit, a day billed without calls, a non-AI cloud row and a
  feature-tagged orchestration row.

Random intents mimic five product features, each with its own favourite models, turn counts,
retry, success, escalation and review rates, so that "cheap per token" and "cheap per success"
visibly disagree. The article scenarios (``scenario_a_mini``, ``scenario_b_reasoning``,
``cpo_baseline``, ``cpo_cheaper_model``) use fixed token counts and fixed labels so the pipeline
can be checked against exact numbers:

===================== ============= ======= ===================== =========== ===========
feature               model         intents token cost per intent successes   escalations
===================== ============= ======= ===================== =========== ===========
scenario_a_mini       gpt-4o-mini   300     $0.0019 (5 turns)     210         90
scenario_b_reasoning  gpt-4-turbo   200     $0.014                190         10
cpo_baseline          gpt-4-turbo   1000    $1.00                 500         0
cpo_cheaper_model     gpt-4o        1000    $0.80                 320         0
===================== ============= ======= ===================== =========== ===========

Everything is deterministic: the same arguments give byte-identical files (a private
``random.Random(seed)`` drives the random part, the scenarios use no randomness at all, and no
wall-clock time is read).

Command line::

    python -m ai_unit_economics.synthetic --out DIR --intents 2000 --seed 42 [--scenarios-only]
        [--billing]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from .project import OUTCOME_COLUMNS, SPAN_COLUMNS, project_dir

__all__ = [
    "OUTCOME_COLUMNS",
    "SCENARIO_FEATURES",
    "SPAN_COLUMNS",
    "generate",
    "generate_scenarios",
    "main",
]

SPANS_FILE = "genai_spans.csv"
OUTCOMES_FILE = "outcomes.csv"

Row = dict[str, str]

_TOKEN_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "reasoning_output_tokens",
)

_MAX_ATTEMPTS = 3
_MILLION = Decimal(1_000_000)


# --------------------------------------------------------------------------------------------
# Models and features
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    provider: str
    # Added to a feature's success probability (cheap models are negative).
    quality: float
    # Multiplies a feature's per-call failure (retry) probability.
    retry_mult: float
    # Probability of each of up to two extra turns (cheap models need more turns).
    extra_turn_prob: float
    # List prices in USD per 1M tokens, used only for the occasional gateway-reported cost.
    input_price: Decimal
    output_price: Decimal
    cache_read_price: Decimal
    cache_write_price: Decimal
    supports_cache: bool
    supports_reasoning: bool
    context_window: int


_MODELS: dict[str, _Model] = {
    "gpt-4o-mini": _Model(
        provider="openai",
        quality=-0.12,
        retry_mult=1.7,
        extra_turn_prob=0.55,
        input_price=Decimal("0.15"),
        output_price=Decimal("0.60"),
        cache_read_price=Decimal("0.075"),
        cache_write_price=Decimal("0.15"),
        supports_cache=True,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "gpt-4o": _Model(
        provider="openai",
        quality=0.0,
        retry_mult=1.0,
        extra_turn_prob=0.15,
        input_price=Decimal("2.50"),
        output_price=Decimal("10"),
        cache_read_price=Decimal("1.25"),
        cache_write_price=Decimal("2.50"),
        supports_cache=True,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "gpt-4-turbo": _Model(  # no prompt caching on gpt-4-turbo
        provider="openai",
        quality=0.04,
        retry_mult=0.7,
        extra_turn_prob=0.05,
        input_price=Decimal("10"),
        output_price=Decimal("30"),
        cache_read_price=Decimal("10"),
        cache_write_price=Decimal("10"),
        supports_cache=False,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "claude-sonnet-4": _Model(  # extended thinking: reasoning tokens inside output
        provider="anthropic",
        quality=0.06,
        retry_mult=0.6,
        extra_turn_prob=0.05,
        input_price=Decimal("3"),
        output_price=Decimal("15"),
        cache_read_price=Decimal("0.30"),
        cache_write_price=Decimal("3.75"),
        supports_cache=True,
        supports_reasoning=True,
        context_window=200_000,
    ),
    "claude-3-5-haiku": _Model(
        provider="anthropic",
        quality=-0.07,
        retry_mult=1.3,
        extra_turn_prob=0.35,
        input_price=Decimal("0.80"),
        output_price=Decimal("4"),
        cache_read_price=Decimal("0.08"),
        cache_write_price=Decimal("1"),
        supports_cache=True,
        supports_reasoning=False,
        context_window=200_000,
    ),
    "gemini-2.0-flash": _Model(
        provider="google",
        quality=-0.10,
        retry_mult=1.5,
        extra_turn_prob=0.45,
        input_price=Decimal("0.10"),
        output_price=Decimal("0.40"),
        cache_read_price=Decimal("0.025"),
        cache_write_price=Decimal("0.10"),
        supports_cache=False,
        supports_reasoning=False,
        context_window=1_000_000,
    ),
}

_EMBEDDING_MODEL = "text-embedding-3-small"
_EMBEDDING_PROVIDER = "openai"
_EMBEDDING_PRICE = Decimal("0.02")


@dataclass(frozen=True)
class _Feature:
    name: str
    weight: float
    service: str
    agent: str
    agent_prob: float
    models: tuple[tuple[str, float], ...]
    min_turns: int
    mode_turns: int
    max_turns: int
    success: float
    escalate_on_failure: float
    review: float
    retry: float
    error_types: tuple[tuple[str, float], ...]
    tools: tuple[tuple[str, float], ...]  # (tool name, probability per turn)
    embeddings_prob: float  # probability of an embeddings call per turn
    input_median: float
    input_sigma: float
    context_growth: float  # extra share of the first turn's input per later turn
    output_median: float
    output_sigma: float
    reasoning_prob: float
    signals: tuple[tuple[str, float], ...]
    channels: tuple[tuple[str, float], ...]
    prompt_versions: tuple[str, str]  # before / after the middle of the date range


_GENERIC_ERRORS: tuple[tuple[str, float], ...] = (
    ("timeout", 0.3),
    ("rate_limit", 0.3),
    ("server_error", 0.2),
    ("invalid_json", 0.2),
)

_FEATURES: tuple[_Feature, ...] = (
    _Feature(
        name="support_chat",
        weight=0.35,
        service="support-bot",
        agent="support_agent",
        agent_prob=0.15,
        models=(("gpt-4o-mini", 0.6), ("claude-3-5-haiku", 0.25), ("gpt-4o", 0.15)),
        min_turns=2,
        mode_turns=3,
        max_turns=7,
        success=0.82,
        escalate_on_failure=0.85,
        review=0.03,
        retry=0.07,
        error_types=_GENERIC_ERRORS,
        tools=(("crm_lookup", 0.35),),
        embeddings_prob=0.0,
        input_median=1800,
        input_sigma=0.6,
        context_growth=0.55,
        output_median=180,
        output_sigma=0.5,
        reasoning_prob=0.0,
        signals=(("explicit", 0.45), ("implicit", 0.45), ("evaluator", 0.10)),
        channels=(("live_chat", 0.6), ("support_ticket", 0.4)),
        prompt_versions=("support_chat@v3", "support_chat@v4"),
    ),
    _Feature(
        name="code_review",
        weight=0.15,
        service="code-review-bot",
        agent="code_review_agent",
        agent_prob=0.35,
        models=(("claude-sonnet-4", 0.65), ("gpt-4o", 0.25), ("gpt-4o-mini", 0.10)),
        min_turns=1,
        mode_turns=1,
        max_turns=3,
        success=0.88,
        escalate_on_failure=0.20,
        review=0.25,
        retry=0.04,
        error_types=_GENERIC_ERRORS,
        tools=(("web_search", 0.10),),
        embeddings_prob=0.0,
        input_median=6000,
        input_sigma=0.8,
        context_growth=0.3,
        output_median=700,
        output_sigma=0.6,
        reasoning_prob=0.6,
        signals=(("explicit", 0.35), ("implicit", 0.15), ("evaluator", 0.50)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("code_review@v1", "code_review@v1"),
    ),
    _Feature(
        name="invoice_extraction",
        weight=0.20,
        service="invoice-pipeline",
        agent="extraction_agent",
        agent_prob=0.10,
        models=(("gpt-4o-mini", 0.55), ("gpt-4-turbo", 0.30), ("gemini-2.0-flash", 0.15)),
        min_turns=1,
        mode_turns=1,
        max_turns=1,
        success=0.93,
        escalate_on_failure=0.30,
        review=0.06,
        retry=0.20,
        error_types=(
            ("invalid_json", 0.7),
            ("timeout", 0.1),
            ("rate_limit", 0.1),
            ("server_error", 0.1),
        ),
        tools=(("sql_query", 0.20),),
        embeddings_prob=0.0,
        input_median=2000,
        input_sigma=0.4,
        context_growth=0.0,
        output_median=350,
        output_sigma=0.3,
        reasoning_prob=0.0,
        signals=(("explicit", 0.20), ("implicit", 0.10), ("evaluator", 0.70)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("invoice_extraction@v7", "invoice_extraction@v8"),
    ),
    _Feature(
        name="search_answers",
        weight=0.20,
        service="search-api",
        agent="search_agent",
        agent_prob=0.20,
        models=(("gemini-2.0-flash", 0.45), ("gpt-4o-mini", 0.35), ("gpt-4o", 0.20)),
        min_turns=1,
        mode_turns=1,
        max_turns=3,
        success=0.84,
        escalate_on_failure=0.15,
        review=0.01,
        retry=0.06,
        error_types=_GENERIC_ERRORS,
        tools=(("web_search", 0.60),),
        embeddings_prob=1.0,
        input_median=3500,
        input_sigma=0.7,
        context_growth=0.4,
        output_median=250,
        output_sigma=0.5,
        reasoning_prob=0.0,
        signals=(("explicit", 0.30), ("implicit", 0.60), ("evaluator", 0.10)),
        channels=(("support_ticket", 0.7), ("live_chat", 0.3)),
        prompt_versions=("search_answers@v2", "search_answers@v2"),
    ),
    _Feature(
        name="doc_summarize",
        weight=0.10,
        service="doc-service",
        agent="summary_agent",
        agent_prob=0.25,
        models=(("claude-3-5-haiku", 0.40), ("claude-sonnet-4", 0.35), ("gpt-4o", 0.25)),
        min_turns=1,
        mode_turns=1,
        max_turns=2,
        success=0.90,
        escalate_on_failure=0.05,
        review=0.05,
        retry=0.05,
        error_types=(("timeout", 0.5), ("rate_limit", 0.2), ("server_error", 0.3)),
        tools=(),
        embeddings_prob=0.0,
        input_median=15000,
        input_sigma=1.0,
        context_growth=0.1,
        output_median=600,
        output_sigma=0.4,
        reasoning_prob=0.3,
        signals=(("explicit", 0.50), ("implicit", 0.40), ("evaluator", 0.10)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("doc_summarize@v1", "doc_summarize@v1"),
    ),
)

# Share of random intents whose spans carry no intent_id (the pipeline falls back to the
# conversation id), that have no outcome label, and that have two labels.
_NO_INTENT_ID_RATE = 0.05
_UNLABELLED_RATE = 0.08
_TWO_LABELS_RATE = 0.05
_REPORTED_COST_RATE = 0.02
_UNSET_STATUS_RATE = 0.01
_SEPARATE_TRACE_PER_TURN_RATE = 0.15


# --------------------------------------------------------------------------------------------
# Scenarios from the article (seed 004)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scenario:
    feature: str
    model: str
    intents: int
    calls: int
    output_per_call: int
    successes: int
    escalate_failures: bool


SCENARIO_FEATURES: tuple[str, ...] = (
    "scenario_a_mini",
    "scenario_b_reasoning",
    "cpo_baseline",
    "cpo_cheaper_model",
)

_SCENARIOS: tuple[_Scenario, ...] = (
    _Scenario("scenario_a_mini", "gpt-4o-mini", 300, 5, 100, 210, True),
    _Scenario("scenario_b_reasoning", "gpt-4-turbo", 200, 1, 200, 190, True),
    _Scenario("cpo_baseline", "gpt-4-turbo", 1000, 1, 10_000, 500, False),
    _Scenario("cpo_cheaper_model", "gpt-4o", 1000, 1, 30_000, 320, False),
)


def _scenario_inputs(scenario: _Scenario, index: int) -> list[int]:
    """Input tokens of each call of one scenario intent (exact, see the module docstring)."""
    if scenario.feature == "scenario_a_mini":
        # 200 intents carry 10,667 input tokens and 100 carry 10,666: 3,200,000 in all, so the
        # token cost is 3.2 x $0.15 + 0.15 x $0.60 = $0.57 over 300 intents = $0.0019 each.
        total = 10_666 if index % 3 == 2 else 10_667
        per_call = [2133] * (scenario.calls - 1)
        return [*per_call, total - sum(per_call)]
    per_intent = {
        "scenario_b_reasoning": 800,
        "cpo_baseline": 70_000,
        "cpo_cheaper_model": 200_000,
    }[scenario.feature]
    return [per_intent]


def _scenario_success(scenario: _Scenario, index: int) -> bool:
    """Spread the successes evenly over the intents (and so over the date range)."""
    return index * scenario.successes // scenario.intents != (
        (index + 1) * scenario.successes // scenario.intents
    )


def _digest(*parts: object, length: int) -> str:
    text = ":".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def _scenario_rows(start: datetime, days: int) -> tuple[list[Row], list[Row]]:
    spans: list[Row] = []
    outcomes: list[Row] = []
    span_seconds = days * 86_400
    for number, scenario in enumerate(_SCENARIOS):
        for index in range(scenario.intents):
            key = f"{scenario.feature}_{index + 1:04d}"
            trace_id = _digest("scenario", key, "trace", length=32)
            conversation_id = "conv_" + _digest("scenario", key, "conversation", length=24)
            # Evenly spread over the date range; features offset so they never coincide.
            offset = index * span_seconds // scenario.intents + 37 * number + 600
            intent_start = start + timedelta(
                seconds=offset, microseconds=(index * 7_919 + number * 104_729) % 1_000_000
            )
            call_start = intent_start
            call_end = intent_start
            for call, input_tokens in enumerate(_scenario_inputs(scenario, index), start=1):
                call_start = intent_start + timedelta(seconds=45 * (call - 1))
                call_end = call_start + timedelta(milliseconds=1_200 + 150 * call)
                spans.append(
                    _row(
                        SPAN_COLUMNS,
                        trace_id=trace_id,
                        span_id=_digest("scenario", key, "span", call, length=16),
                        span_name=f"chat {scenario.model}",
                        start_time=_ts(call_start),
                        end_time=_ts(call_end),
                        status_code="OK",
                        service_name="scenario-app",
                        operation_name="chat",
                        provider_name="openai",
                        request_model=scenario.model,
                        response_model=scenario.model,
                        response_id="chatcmpl-" + _digest("scenario", key, call, length=24),
                        conversation_id=conversation_id,
                        input_tokens=str(input_tokens),
                        output_tokens=str(scenario.output_per_call),
                        cache_read_input_tokens="0",
                        cache_creation_input_tokens="0",
                        reasoning_output_tokens="0",
                        feature_tag=scenario.feature,
                        intent_id=key,
                        attempt="1",
                        turn_index=str(call),
                        prompt_version=f"{scenario.feature}@v1",
                        user_id=f"scenario-user-{index % 97:03d}",
                    )
                )
            success = _scenario_success(scenario, index)
            escalated = not success and scenario.escalate_failures
            outcomes.append(
                _row(
                    OUTCOME_COLUMNS,
                    intent_id=key,
                    is_success=_bool(success),
                    is_escalated=_bool(escalated),
                    is_human_reviewed=_bool(False),
                    signal="explicit",
                    escalation_channel="support_ticket" if escalated else "",
                    labeled_at=_ts(call_end + timedelta(hours=1)),
                )
            )
    return spans, outcomes


# --------------------------------------------------------------------------------------------
# Random intents
# --------------------------------------------------------------------------------------------


class _RandomData:
    """Builds the random part; all randomness comes from one ``random.Random``."""

    def __init__(self, rng: random.Random, start: datetime, days: int, n_intents: int) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self.middle = start + timedelta(days=days / 2)
        self.users = max(20, n_intents // 5)
        self.trace_ids: set[str] = set()
        self.spans: list[Row] = []
        self.outcomes: list[Row] = []
        # Weekends carry less traffic; hours follow a working-day curve (UTC).
        self.day_weights = [
            0.55 if (start + timedelta(days=d)).weekday() >= 5 else 1.0 for d in range(days)
        ]
        self.hour_weights = [0.25 + math.exp(-(((h - 14) / 4.5) ** 2)) for h in range(23)]

    # -- small helpers ------------------------------------------------------------------------

    def _pick(self, options: Sequence[tuple[str, float]]) -> str:
        names = [name for name, _ in options]
        weights = [weight for _, weight in options]
        return self.rng.choices(names, weights)[0]

    def _hex(self, bits: int) -> str:
        value = 0
        while value == 0:  # all-zero ids are invalid in OpenTelemetry
            value = self.rng.getrandbits(bits)
        return f"{value:0{bits // 4}x}"

    def _trace_id(self) -> str:
        while True:
            trace_id = self._hex(128)
            if trace_id not in self.trace_ids:
                self.trace_ids.add(trace_id)
                return trace_id

    def _lognormal(self, median: float, sigma: float, low: int, high: int) -> int:
        value = self.rng.lognormvariate(math.log(median), sigma)
        return max(low, min(high, round(value)))

    def _seconds(self, low: float, high: float) -> timedelta:
        return timedelta(microseconds=round(self.rng.uniform(low, high) * 1_000_000))

    def _intent_start(self) -> datetime:
        day = self.rng.choices(range(self.days), self.day_weights)[0]
        hour = self.rng.choices(range(23), self.hour_weights)[0]
        return self.start + timedelta(
            days=day,
            hours=hour,
            seconds=self.rng.randrange(3_600),
            microseconds=self.rng.randrange(1_000_000),
        )

    # -- one intent ---------------------------------------------------------------------------

    def add_intent(self) -> None:
        rng = self.rng
        feature = _FEATURES[rng.choices(range(len(_FEATURES)), [f.weight for f in _FEATURES])[0]]
        model_name = self._pick(feature.models)
        model = _MODELS[model_name]

        conversation_id = "conv_" + self._hex(96)
        intent_id = "" if rng.random() < _NO_INTENT_ID_RATE else "int_" + self._hex(64)
        intent_key = intent_id or conversation_id
        user_id = f"user_{rng.randrange(self.users):05d}"
        intent_start = self._intent_start()
        prompt_version = feature.prompt_versions[0 if intent_start < self.middle else 1]

        turns = round(
            rng.triangular(feature.min_turns - 0.49, feature.max_turns + 0.49, feature.mode_turns)
        )
        turns = max(feature.min_turns, min(feature.max_turns, turns))
        extra_turns = 0
        if feature.max_turns > 1:
            while extra_turns < 2 and rng.random() < model.extra_turn_prob:
                extra_turns += 1
        turns += extra_turns

        use_agent = rng.random() < feature.agent_prob
        split_traces = not use_agent and turns > 1 and rng.random() < _SEPARATE_TRACE_PER_TURN_RATE
        trace_id = self._trace_id()
        agent_span_id = self._hex(64) if use_agent else ""

        common = {
            "service_name": feature.service,
            "conversation_id": conversation_id,
            "feature_tag": feature.name,
            "intent_id": intent_id,
            "prompt_version": prompt_version,
            "user_id": user_id,
        }
        children: list[Row] = []
        clock = intent_start + self._seconds(0.01, 0.2)
        first_input = self._lognormal(
            feature.input_median, feature.input_sigma, 200, model.context_window // 2
        )
        failed_calls = 0
        gave_up = False
        last_error = ""

        for turn in range(1, turns + 1):
            if turn > 1:
                clock += self._seconds(8, 150)  # the user reads and types
                if split_traces:
                    trace_id = self._trace_id()
            turn_fields = {**common, "trace_id": trace_id, "parent_span_id": agent_span_id}
            turn_fields["turn_index"] = str(turn)

            if rng.random() < feature.embeddings_prob:
                clock, span = self._embeddings_span(turn_fields, clock)
                children.append(span)
            for tool, prob in feature.tools:
                if rng.random() < prob:
                    clock, span = self._tool_span(turn_fields, clock, tool)
                    children.append(span)

            growth = 1 + feature.context_growth * (turn - 1)
            input_tokens = min(
                model.context_window - 8_192,
                round(first_input * growth * rng.lognormvariate(0, 0.12)),
            )
            fail_prob = min(0.6, feature.retry * model.retry_mult)
            for attempt in range(1, _MAX_ATTEMPTS + 1):
                error = ""
                if rng.random() < (fail_prob if attempt == 1 else fail_prob / 2):
                    error = self._pick(feature.error_types)
                clock, span = self._chat_span(
                    turn_fields, clock, feature, model_name, input_tokens, turn, attempt, error
                )
                children.append(span)
                if not error:
                    break
                failed_calls += 1
                last_error = error
                clock += self._seconds(0.5, 4)  # back-off before the retry
            else:
                gave_up = True
                break

        end = max(datetime.fromisoformat(s["end_time"][:-1]) for s in children)
        if use_agent:
            agent = _row(
                SPAN_COLUMNS,
                **common,
                trace_id=children[0]["trace_id"],
                span_id=agent_span_id,
                span_name=f"invoke_agent {feature.agent}",
                start_time=_ts(intent_start),
                end_time=_ts(end + self._seconds(0.005, 0.05)),
                status_code="ERROR" if gave_up else "OK",
                error_type=last_error if gave_up else "",
                operation_name="invoke_agent",
                provider_name=model.provider,
                request_model=model_name,
                response_model=model_name,
                attempt="1",
            )
            # Agent spans repeat their children's token totals (the double-counting trap).
            for column in _TOKEN_COLUMNS:
                agent[column] = str(sum(int(c[column]) for c in children if c[column] != ""))
            self.spans.append(agent)
            end = datetime.fromisoformat(agent["end_time"][:-1])
        self.spans.extend(children)

        self._add_outcomes(feature, model, intent_key, end, failed_calls, extra_turns, gave_up)

    def _embeddings_span(self, fields: Row, clock: datetime) -> tuple[datetime, Row]:
        start = clock
        end = start + self._seconds(0.04, 0.35)
        span = _row(
            SPAN_COLUMNS,
            **fields,
            span_id=self._hex(64),
            span_name=f"embeddings {_EMBEDDING_MODEL}",
            start_time=_ts(start),
            end_time=_ts(end),
            status_code="OK",
            operation_name="embeddings",
            provider_name=_EMBEDDING_PROVIDER,
            request_model=_EMBEDDING_MODEL,
            response_model=_EMBEDDING_MODEL,
            input_tokens=str(self._lognormal(60, 0.7, 4, 8_000)),
            output_tokens="0",
            cache_read_input_tokens="0",
            cache_creation_input_tokens="0",
            reasoning_output_tokens="0",
            attempt="1",
        )
        return end + self._seconds(0.001, 0.02), span

    def _tool_span(self, fields: Row, clock: datetime, tool: str) -> tuple[datetime, Row]:
        start = clock
        failed = self.rng.random() < 0.03
        end = start + (self._seconds(10, 15) if failed else self._seconds(0.05, 2.5))
        unset = not failed and self.rng.random() < _UNSET_STATUS_RATE * 3
        span = _row(
            SPAN_COLUMNS,
            **fields,
            span_id=self._hex(64),
            span_name=f"execute_tool {tool}",
            start_time=_ts(start),
            end_time=_ts(end),
            status_code="ERROR" if failed else ("UNSET" if unset else "OK"),
            error_type="timeout" if failed else "",
            operation_name="execute_tool",
            tool_name=tool,
            attempt="1",
        )
        return end + self._seconds(0.001, 0.02), span

    def _chat_span(
        self,
        fields: Row,
        clock: datetime,
        feature: _Feature,
        model_name: str,
        input_tokens: int,
        turn: int,
        attempt: int,
        error: str,
    ) -> tuple[datetime, Row]:
        rng = self.rng
        model = _MODELS[model_name]
        output_tokens = self._lognormal(feature.output_median, feature.output_sigma, 1, 8_000)
        reasoning = 0
        if model.supports_reasoning and rng.random() < feature.reasoning_prob:
            reasoning = round(output_tokens * rng.uniform(0.5, 2.5))
            output_tokens += reasoning

        # What a failed call is billed for: an invalid response is paid in full, a timeout
        # pays the prompt and the part streamed so far, refused requests cost nothing.
        if error in ("rate_limit", "server_error"):
            input_tokens, output_tokens, reasoning = 0, 0, 0
        elif error == "timeout":
            output_tokens = round(output_tokens * rng.uniform(0.0, 0.6))
            reasoning = min(reasoning, output_tokens)

        cache_read, cache_creation = self._cache(model, input_tokens, turn, attempt)

        start = clock
        if error == "timeout":
            duration = self._seconds(30, 60)
        elif error == "rate_limit":
            duration = self._seconds(0.03, 0.2)
        else:
            latency = 0.25 + output_tokens / rng.uniform(60, 160) + input_tokens / 40_000
            duration = timedelta(microseconds=round(latency * 1_000_000))
        end = start + duration

        has_response = error in ("", "invalid_json")
        status = "ERROR" if error else "OK"
        if status == "OK" and rng.random() < _UNSET_STATUS_RATE:
            status = "UNSET"
        span = _row(
            SPAN_COLUMNS,
            **fields,
            span_id=self._hex(64),
            span_name=f"chat {model_name}",
            start_time=_ts(start),
            end_time=_ts(end),
            status_code=status,
            error_type=error,
            operation_name="chat",
            provider_name=model.provider,
            request_model=model_name,
            response_model=model_name,
            response_id=self._response_id(model.provider) if has_response else "",
            input_tokens=str(input_tokens),
            output_tokens=str(output_tokens),
            cache_read_input_tokens=str(cache_read),
            cache_creation_input_tokens=str(cache_creation),
            reasoning_output_tokens=str(reasoning),
            attempt=str(attempt),
        )
        if input_tokens + output_tokens > 0 and rng.random() < _REPORTED_COST_RATE:
            cost = (
                (input_tokens - cache_read - cache_creation) * model.input_price
                + cache_read * model.cache_read_price
                + cache_creation * model.cache_write_price
                + output_tokens * model.output_price
            ) / _MILLION
            span["reported_cost"] = format(cost.quantize(Decimal("0.00000001")), "f")
            span["reported_cost_currency"] = "USD"
        return end + self._seconds(0.001, 0.05), span

    def _cache(self, model: _Model, input_tokens: int, turn: int, attempt: int) -> tuple[int, int]:
        """(cache_read, cache_creation) input tokens, both included in input_tokens."""
        rng = self.rng
        if not model.supports_cache or input_tokens == 0:
            return 0, 0
        repeat = turn > 1 or attempt > 1
        if model.provider == "openai":
            # Automatic prefix caching: prompts of 1,024+ tokens, in 128-token increments.
            if input_tokens >= 1_024 and rng.random() < (0.75 if repeat else 0.35):
                cached = int(input_tokens * rng.uniform(0.3, 0.9)) // 128 * 128
                return max(1_024, cached), 0
            return 0, 0
        # Anthropic: explicit cache breakpoints; the first call writes, later calls read.
        if not repeat:
            if rng.random() < 0.45:
                return 0, int(input_tokens * rng.uniform(0.4, 0.8))
            return 0, 0
        if rng.random() < 0.7:
            read = int(input_tokens * rng.uniform(0.4, 0.85))
            write = int((input_tokens - read) * rng.uniform(0.2, 0.6)) if rng.random() < 0.5 else 0
            return read, write
        return 0, 0

    def _response_id(self, provider: str) -> str:
        if provider == "openai":
            return "chatcmpl-" + self._hex(96)
        if provider == "anthropic":
            return "msg_" + self._hex(96)
        return self._hex(96)

    def _add_outcomes(
        self,
        feature: _Feature,
        model: _Model,
        intent_key: str,
        end: datetime,
        failed_calls: int,
        extra_turns: int,
        gave_up: bool,
    ) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < _UNLABELLED_RATE:
            return
        two_labels = draw < _UNLABELLED_RATE + _TWO_LABELS_RATE

        if gave_up:
            p_success = 0.05
        else:
            p_success = feature.success + model.quality - 0.05 * failed_calls - 0.03 * extra_turns
        success = rng.random() < min(0.99, max(0.02, p_success))
        escalated = not success and rng.random() < feature.escalate_on_failure
        review_prob = feature.review + max(0.0, -model.quality) * 0.5
        reviewed = rng.random() < (0.35 if escalated else review_prob)

        labeled_at = end + self._seconds(30, 36 * 3_600)
        if two_labels:
            # An early implicit signal that the later explicit label contradicts.
            early = end + self._seconds(5, 600)
            labeled_at = early + self._seconds(600, 48 * 3_600)
            self.outcomes.append(
                _row(
                    OUTCOME_COLUMNS,
                    intent_id=intent_key,
                    is_success=_bool(not success),
                    is_escalated=_bool(False),
                    is_human_reviewed=_bool(False),
                    signal="implicit",
                    labeled_at=_ts(early),
                )
            )
            signal = "explicit"
        else:
            signal = self._pick(feature.signals)
        self.outcomes.append(
            _row(
                OUTCOME_COLUMNS,
                intent_id=intent_key,
                is_success=_bool(success),
                is_escalated=_bool(escalated),
                is_human_reviewed=_bool(reviewed),
                signal=signal,
                escalation_channel=self._pick(feature.channels) if escalated else "",
                labeled_at=_ts(labeled_at),
            )
        )


# --------------------------------------------------------------------------------------------
# Synthetic FOCUS invoice (opt-in: generate(billing=True))
# --------------------------------------------------------------------------------------------

FOCUS_FILE = "focus_costs.csv"

# FOCUS 1.2 columns, as tests/fixtures/billing/focus_costs.csv uses them.
FOCUS_OUTPUT_COLUMNS: tuple[str, ...] = (
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeFrequency",
    "ChargeDescription",
    "ServiceCategory",
    "ServiceName",
    "ProviderName",
    "PricingQuantity",
    "PricingUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "SkuId",
    "x_SkuMeterName",
    "Tags",
)

_AI_CATEGORY = "AI and Machine Learning"
_CALL_OPERATIONS = ("chat", "embeddings")
_USAGE_TYPES = ("input", "cache_read", "cache_write", "output")
_MONEY_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class _Vendor:
    provider_name: str  # FOCUS ProviderName (the SKU map's focus_provider)
    service_name: str
    # Negotiated discount on the list price, applied to every usage line.
    factor: Decimal
    # Line-item text per usage type; {sku} is the model's dated snapshot name.
    descriptions: dict[str, str]
    meters: dict[str, str]


_VENDORS: dict[str, _Vendor] = {
    "openai": _Vendor(
        provider_name="OpenAI",
        service_name="OpenAI API",
        factor=Decimal("1.00"),
        descriptions={
            "input": "{sku}, input",
            "cache_read": "{sku}, cached input",
            "output": "{sku}, output",
        },
        meters={},
    ),
    "anthropic": _Vendor(
        provider_name="Anthropic",
        service_name="Claude API",
        factor=Decimal("0.95"),
        descriptions={
            "input": "{sku} input_tokens",
            "cache_read": "{sku} cache_read_input_tokens",
            "cache_write": "{sku} cache_creation_input_tokens",
            "output": "{sku} output_tokens",
        },
        meters={
            "input": "input_tokens",
            "cache_read": "cache_read_input_tokens",
            "cache_write": "cache_creation_input_tokens",
            "output": "output_tokens",
        },
    ),
    "google": _Vendor(
        provider_name="Google Cloud",
        service_name="Vertex AI",
        factor=Decimal("1.00"),
        descriptions={
            "input": "{sku} input tokens",
            "cache_read": "{sku} cached input tokens",
            "output": "{sku} output tokens",
        },
        meters={
            "input": "Text input tokens",
            "cache_read": "Cached input tokens",
            "output": "Text output tokens",
        },
    ),
}

# The dated snapshot names invoices use (the SKU map resolves them to the telemetry names).
_SKU_NAMES: dict[str, str] = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4-turbo": "gpt-4-turbo-2024-04-09",
    "text-embedding-3-small": "text-embedding-3-small",
    "claude-sonnet-4": "claude-sonnet-4-20250514",
    "claude-3-5-haiku": "claude-3-5-haiku-20241022",
    "gemini-2.0-flash": "gemini-2.0-flash-001",
}

# A model billed for a day without its calls (the first one after the telemetry window).
_NO_CALL_MODEL = ("anthropic", "claude-3-5-haiku", {"input": 3_000_000, "output": 400_000})
_CREDIT_SHARE = Decimal("0.05")  # a promotional credit worth 5% of the OpenAI usage
_PLATFORM_FEATURE = "support_chat"

UsageKey = tuple[date, str, str, str]  # charge day, provider, model, usage type
PriceTable = dict[tuple[str, str, str], list[tuple[date, date | None, Decimal]]]


def _call_usage(span: Row) -> dict[str, int]:
    """Billable tokens of a call per usage type (input is the uncached part), above 0."""
    tokens = {column: int(span[column] or 0) for column in _TOKEN_COLUMNS}
    usage = {
        "input": tokens["input_tokens"]
        - tokens["cache_read_input_tokens"]
        - tokens["cache_creation_input_tokens"],
        "cache_read": tokens["cache_read_input_tokens"],
        "cache_write": tokens["cache_creation_input_tokens"],
        "output": tokens["output_tokens"],
    }
    return {usage_type: count for usage_type, count in usage.items() if count > 0}


def _usage_keys(span: Row) -> dict[UsageKey, int]:
    day = date.fromisoformat(span["start_time"][:10])  # UTC charge day of the call
    model = span["response_model"] or span["request_model"]
    return {
        (day, span["provider_name"], model, usage_type): count
        for usage_type, count in _call_usage(span).items()
    }


def _list_prices() -> PriceTable:
    """The bundled list-price seed, per (provider, model, usage type)."""
    table: PriceTable = {}
    path = project_dir() / "seeds" / "aiue_model_prices.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["provider"], row["model"], row["usage_type"])
            valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            valid_from = date.fromisoformat(row["valid_from"])
            table.setdefault(key, []).append(
                (valid_from, valid_to, Decimal(row["price_per_million"]))
            )
    return table


def _price(prices: PriceTable, key: UsageKey) -> Decimal | None:
    """USD per 1M tokens valid on the day (valid_from inclusive, valid_to exclusive)."""
    day, provider, model, usage_type = key
    holding = [
        (valid_from, price)
        for valid_from, valid_to, price in prices.get((provider, model, usage_type), [])
        if valid_from <= day and (valid_to is None or day < valid_to)
    ]
    return max(holding)[1] if holding else None


def _money(value: Decimal) -> str:
    return format(value.quantize(_MONEY_PLACES), "f")


def _period(day: date) -> tuple[str, str]:
    return f"{day.isoformat()} 00:00:00", f"{(day + timedelta(days=1)).isoformat()} 00:00:00"


def _focus_row(day: date, cost: Decimal, **values: str) -> Row:
    start, end = _period(day)
    amount = _money(cost)
    defaults = {
        "BilledCost": amount,
        "EffectiveCost": amount,
        "BillingCurrency": "USD",
        "ChargePeriodStart": start,
        "ChargePeriodEnd": end,
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ServiceCategory": _AI_CATEGORY,
    }
    return _row(FOCUS_OUTPUT_COLUMNS, **{**defaults, **values})


def _usage_row(prices: PriceTable, key: UsageKey, tokens: int) -> tuple[Decimal, Row] | None:
    """One token line: tokens x list price of the day x the provider's negotiated factor."""
    day, provider, model, usage_type = key
    price = _price(prices, key)
    if price is None:  # no list price to derive the line from: the calls stay unbilled
        return None
    vendor = _VENDORS[provider]
    cost = (Decimal(tokens) * price / _MILLION * vendor.factor).quantize(_MONEY_PLACES)
    row = _focus_row(
        day,
        cost,
        ChargeDescription=vendor.descriptions[usage_type].format(sku=_SKU_NAMES[model]),
        ServiceName=vendor.service_name,
        ProviderName=vendor.provider_name,
        PricingQuantity=format(Decimal(tokens).scaleb(-6), "f"),
        PricingUnit="1M Tokens",
        ConsumedQuantity=str(tokens),
        ConsumedUnit="Tokens",
        SkuId=_digest("sku", provider, model, usage_type, length=12).upper(),
        x_SkuMeterName=vendor.meters.get(usage_type, ""),
    )
    return cost, row


def _focus_rows(spans: Sequence[Row], start: datetime, days: int) -> list[Row]:
    """The invoice of the calls, derived set-wise from the spans: one usage line per UTC
    charge day x provider x model x usage type, plus a credit, a day of billing without
    calls, a non-AI cloud row and a feature-tagged platform row."""
    prices = _list_prices()
    calls = [s for s in spans if s["operation_name"] in _CALL_OPERATIONS]
    daily: dict[UsageKey, int] = {}
    for span in calls:
        for key, tokens in _usage_keys(span).items():
            daily[key] = daily.get(key, 0) + tokens
    lines = [line for key in sorted(daily) if (line := _usage_row(prices, key, daily[key]))]

    rows = [row for _, row in lines]
    first_day = start.date()
    last_day = first_day + timedelta(days=days - 1)

    # A promotional credit: an AI charge with no model, so it stays unallocated (negative).
    openai_usage = sum((cost for cost, row in lines if row["ProviderName"] == "OpenAI"), Decimal(0))
    rows.append(
        _focus_row(
            last_day,
            Decimal(0) - (openai_usage * _CREDIT_SHARE).quantize(_MONEY_PLACES),
            ChargeCategory="Credit",
            ChargeFrequency="One-Time",
            ChargeDescription="OpenAI API promotional credit",
            ServiceName="OpenAI API",
            ProviderName="OpenAI",
            SkuId=_digest("sku", "openai", "credit", length=12).upper(),
        )
    )

    # Usage billed after the telemetry window (an uninstrumented batch job): a day without
    # calls of the model, so it stays unallocated.
    provider, model, usage = _NO_CALL_MODEL
    call_days = {key[:3] for span in calls for key in _usage_keys(span)}
    no_call_day = last_day + timedelta(days=1)
    while (no_call_day, provider, model) in call_days:
        no_call_day += timedelta(days=1)
    for usage_type, tokens in usage.items():
        line = _usage_row(prices, (no_call_day, provider, model, usage_type), tokens)
        if line is not None:
            rows.append(line[1])

    # The rest of the cloud bill: out of scope, counted in aiue__billing_scope_summary.
    rows.append(
        _focus_row(
            first_day,
            Decimal("55.296"),
            ChargeDescription="EC2 m5.large on-demand, app servers",
            ServiceCategory="Compute",
            ServiceName="Amazon Elastic Compute Cloud",
            ProviderName="AWS",
            PricingQuantity="576",
            PricingUnit="Hours",
            ConsumedQuantity="576",
            ConsumedUnit="Hours",
            SkuId=_digest("sku", "aws", "ec2", length=12).upper(),
        )
    )

    # Agent orchestration tagged with a feature: that feature's infra cost on a day it ran.
    feature_days = sorted(
        {
            date.fromisoformat(s["start_time"][:10])
            for s in calls
            if s["feature_tag"] == _PLATFORM_FEATURE
        }
    )
    rows.append(
        _focus_row(
            feature_days[0] if feature_days else first_day,
            Decimal("12.00"),
            ChargeDescription="Step Functions standard workflow state transitions",
            ServiceCategory="Integration",
            ServiceName="AWS Step Functions",
            ProviderName="AWS",
            PricingQuantity="480",
            PricingUnit="1K State Transitions",
            ConsumedQuantity="480000",
            ConsumedUnit="State Transitions",
            SkuId=_digest("sku", "aws", "states", length=12).upper(),
            Tags=json.dumps({"feature_tag": _PLATFORM_FEATURE, "env": "prod"}, sort_keys=True),
        )
    )
    return sorted(rows, key=_focus_key)


def _focus_key(row: Row) -> tuple[str, str, str, str]:
    return (
        row["ChargePeriodStart"],
        row["ProviderName"],
        row["ChargeDescription"],
        row["ChargeCategory"],
    )


# --------------------------------------------------------------------------------------------
# Formatting and writing
# --------------------------------------------------------------------------------------------


def _row(columns: Sequence[str], **values: str) -> Row:
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")
    return {column: values.get(column, "") for column in columns}


def _ts(moment: datetime) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2026-09-03T14:05:09.123456Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _span_key(row: Row) -> tuple[str, str, str]:
    return (row["start_time"], row["trace_id"], row["span_id"])


def _outcome_key(row: Row) -> tuple[str, str, str]:
    return (row["intent_id"], row["labeled_at"], row["signal"])


def _write(path: Path, columns: Sequence[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_all(out_dir: str | Path, spans: list[Row], outcomes: list[Row]) -> dict[str, Path]:
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    spans_path = directory / SPANS_FILE
    outcomes_path = directory / OUTCOMES_FILE
    _write(spans_path, SPAN_COLUMNS, sorted(spans, key=_span_key))
    _write(outcomes_path, OUTCOME_COLUMNS, sorted(outcomes, key=_outcome_key))
    return {"genai_spans": spans_path, "outcomes": outcomes_path}


def _start(start_date: date, days: int) -> datetime:
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    return datetime(start_date.year, start_date.month, start_date.day)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate(
    out_dir: str | Path,
    n_intents: int = 2000,
    seed: int = 42,
    include_scenarios: bool = True,
    start_date: date = date(2026, 9, 1),
    days: int = 61,
    billing: bool = False,
) -> dict[str, Path]:
    """Write random intents (plus, by default, the article scenarios) to ``out_dir``.

    Returns ``{"genai_spans": path, "outcomes": path}``, plus ``"focus_costs"`` with
    ``billing``: a FOCUS invoice of every call (see the module docstring). The same
    arguments always give byte-identical files.
    """
    if n_intents < 0:
        raise ValueError(f"n_intents must not be negative, got {n_intents}")
    start = _start(start_date, days)
    data = _RandomData(random.Random(seed), start, days, n_intents)
    for _ in range(n_intents):
        data.add_intent()
    spans, outcomes = data.spans, data.outcomes
    if include_scenarios:
        scenario_spans, scenario_outcomes = _scenario_rows(start, days)
        spans = spans + scenario_spans
        outcomes = outcomes + scenario_outcomes
    paths = _write_all(out_dir, spans, outcomes)
    if billing:
        paths["focus_costs"] = Path(out_dir) / FOCUS_FILE
        _write(paths["focus_costs"], FOCUS_OUTPUT_COLUMNS, _focus_rows(spans, start, days))
    return paths


def generate_scenarios(
    out_dir: str | Path,
    start_date: date = date(2026, 9, 1),
    days: int = 61,
) -> dict[str, Path]:
    """Write only the article scenarios (no randomness) to ``out_dir``."""
    spans, outcomes = _scenario_rows(_start(start_date, days), days)
    return _write_all(out_dir, spans, outcomes)


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _summarise(paths: dict[str, Path]) -> tuple[int, int, int]:
    with paths["genai_spans"].open(encoding="utf-8", newline="") as handle:
        spans = list(csv.DictReader(handle))
    intents = {row["intent_id"] or row["conversation_id"] for row in spans}
    return len(spans), len(intents), _count_rows(paths["outcomes"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ai_unit_economics.synthetic",
        description="Write synthetic genai_spans.csv and outcomes.csv (deterministic).",
    )
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--intents", type=int, default=2000, help="random intents (default 2000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--scenarios-only", action="store_true", help="write only the article scenarios"
    )
    parser.add_argument(
        "--no-scenarios", action="store_true", help="leave the article scenarios out"
    )
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=date(2026, 9, 1),
        help="first day, YYYY-MM-DD (default 2026-09-01)",
    )
    parser.add_argument("--days", type=int, default=61, help="days covered (default 61)")
    parser.add_argument(
        "--billing",
        action="store_true",
        help="also write focus_costs.csv, a FOCUS invoice of the random intents' calls",
    )
    args = parser.parse_args(argv)
    if args.scenarios_only and args.no_scenarios:
        parser.error("--scenarios-only and --no-scenarios exclude each other")
    if args.scenarios_only and args.billing:
        parser.error("--billing writes the invoice of a full sample; drop --scenarios-only")
    if args.intents < 0:
        parser.error("--intents must not be negative")
    if args.days < 1:
        parser.error("--days must be at least 1")

    if args.scenarios_only:
        paths = generate_scenarios(args.out, start_date=args.start_date, days=args.days)
    else:
        paths = generate(
            args.out,
            n_intents=args.intents,
            seed=args.seed,
            include_scenarios=not args.no_scenarios,
            start_date=args.start_date,
            days=args.days,
            billing=args.billing,
        )
    spans, intents, outcome_rows = _summarise(paths)
    print(f"wrote {spans} spans over {intents} intents to {paths['genai_spans']}")
    print(f"wrote {outcome_rows} outcome rows to {paths['outcomes']}")
    if "focus_costs" in paths:
        rows = _count_rows(paths["focus_costs"])
        print(f"wrote {rows} FOCUS billing rows to {paths['focus_costs']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
