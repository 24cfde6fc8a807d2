"""The random intents and their spans: chat calls with retries, tool calls, embeddings and
agent spans, as the five features of features.py use their models (all draws from one
``Draws``, so a seed gives the same spans)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ..project import SPAN_COLUMNS
from .draws import Draws
from .features import (
    EMBEDDING_MODEL,
    EMBEDDING_PROVIDER,
    FEATURES,
    MAX_ATTEMPTS,
    MODELS,
    NO_INTENT_ID_RATE,
    REPORTED_COST_RATE,
    SEPARATE_TRACE_PER_TURN_RATE,
    UNSET_STATUS_RATE,
    Feature,
    Model,
)
from .prices import MILLION, PriceTable, current_rates
from .rows import TOKEN_COLUMNS, Row, csv_row, ts


@dataclass(frozen=True)
class Intent:
    """One random intent as its outcome labels see it."""

    feature: Feature
    model: Model
    key: str  # intent_id, else the conversation id
    end: datetime
    failed_calls: int
    extra_turns: int
    gave_up: bool


class RandomIntents:
    """Builds the random intents' spans; every draw comes from one ``Draws``."""

    def __init__(
        self, draw: Draws, start: datetime, days: int, n_intents: int, prices: PriceTable
    ) -> None:
        self.draw = draw
        self.rng = draw.rng
        self.start = start
        self.days = days
        self.middle = start + timedelta(days=days / 2)
        self.users = max(20, n_intents // 5)
        self.trace_ids: set[str] = set()
        self.spans: list[Row] = []
        # The occasional gateway-reported cost is at each model's current list price.
        self.rates = {name: current_rates(prices, m.provider, name) for name, m in MODELS.items()}
        # Weekends carry less traffic; hours follow a working-day curve (UTC).
        self.day_weights = [
            0.55 if (start + timedelta(days=d)).weekday() >= 5 else 1.0 for d in range(days)
        ]
        self.hour_weights = [0.25 + math.exp(-(((h - 14) / 4.5) ** 2)) for h in range(23)]

    # -- small helpers ------------------------------------------------------------------------

    def _trace_id(self) -> str:
        while True:
            trace_id = self.draw.hex(128)
            if trace_id not in self.trace_ids:
                self.trace_ids.add(trace_id)
                return trace_id

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

    def add_intent(self) -> Intent:
        """Add one intent's spans; returns what its outcome labels depend on."""
        rng = self.rng
        feature = FEATURES[rng.choices(range(len(FEATURES)), [f.weight for f in FEATURES])[0]]
        model_name = self.draw.pick(feature.models)
        model = MODELS[model_name]

        conversation_id = "conv_" + self.draw.hex(96)
        intent_id = "" if rng.random() < NO_INTENT_ID_RATE else "int_" + self.draw.hex(64)
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
        split_traces = not use_agent and turns > 1 and rng.random() < SEPARATE_TRACE_PER_TURN_RATE
        trace_id = self._trace_id()
        agent_span_id = self.draw.hex(64) if use_agent else ""

        common = {
            "service_name": feature.service,
            "conversation_id": conversation_id,
            "feature_tag": feature.name,
            "intent_id": intent_id,
            "prompt_version": prompt_version,
            "user_id": user_id,
        }
        children: list[Row] = []
        clock = intent_start + self.draw.seconds(0.01, 0.2)
        first_input = self.draw.lognormal(
            feature.input_median, feature.input_sigma, 200, model.context_window // 2
        )
        failed_calls = 0
        gave_up = False
        last_error = ""

        for turn in range(1, turns + 1):
            if turn > 1:
                clock += self.draw.seconds(8, 150)  # the user reads and types
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
            for attempt in range(1, MAX_ATTEMPTS + 1):
                error = ""
                if rng.random() < (fail_prob if attempt == 1 else fail_prob / 2):
                    error = self.draw.pick(feature.error_types)
                clock, span = self._chat_span(
                    turn_fields, clock, feature, model_name, input_tokens, turn, attempt, error
                )
                children.append(span)
                if not error:
                    break
                failed_calls += 1
                last_error = error
                clock += self.draw.seconds(0.5, 4)  # back-off before the retry
            else:
                gave_up = True
                break

        end = max(datetime.fromisoformat(s["end_time"][:-1]) for s in children)
        if use_agent:
            agent = csv_row(
                SPAN_COLUMNS,
                **common,
                trace_id=children[0]["trace_id"],
                span_id=agent_span_id,
                span_name=f"invoke_agent {feature.agent}",
                start_time=ts(intent_start),
                end_time=ts(end + self.draw.seconds(0.005, 0.05)),
                status_code="ERROR" if gave_up else "OK",
                error_type=last_error if gave_up else "",
                operation_name="invoke_agent",
                provider_name=model.provider,
                request_model=model_name,
                response_model=model_name,
                attempt="1",
            )
            # Agent spans repeat their children's token totals (the double-counting trap).
            for column in TOKEN_COLUMNS:
                agent[column] = str(sum(int(c[column]) for c in children if c[column] != ""))
            self.spans.append(agent)
            end = datetime.fromisoformat(agent["end_time"][:-1])
        self.spans.extend(children)

        return Intent(feature, model, intent_key, end, failed_calls, extra_turns, gave_up)

    def _embeddings_span(self, fields: Row, clock: datetime) -> tuple[datetime, Row]:
        start = clock
        end = start + self.draw.seconds(0.04, 0.35)
        span = csv_row(
            SPAN_COLUMNS,
            **fields,
            span_id=self.draw.hex(64),
            span_name=f"embeddings {EMBEDDING_MODEL}",
            start_time=ts(start),
            end_time=ts(end),
            status_code="OK",
            operation_name="embeddings",
            provider_name=EMBEDDING_PROVIDER,
            request_model=EMBEDDING_MODEL,
            response_model=EMBEDDING_MODEL,
            input_tokens=str(self.draw.lognormal(60, 0.7, 4, 8_000)),
            output_tokens="0",
            cache_read_input_tokens="0",
            cache_creation_input_tokens="0",
            reasoning_output_tokens="0",
            attempt="1",
        )
        return end + self.draw.seconds(0.001, 0.02), span

    def _tool_span(self, fields: Row, clock: datetime, tool: str) -> tuple[datetime, Row]:
        start = clock
        failed = self.rng.random() < 0.03
        end = start + (self.draw.seconds(10, 15) if failed else self.draw.seconds(0.05, 2.5))
        unset = not failed and self.rng.random() < UNSET_STATUS_RATE * 3
        span = csv_row(
            SPAN_COLUMNS,
            **fields,
            span_id=self.draw.hex(64),
            span_name=f"execute_tool {tool}",
            start_time=ts(start),
            end_time=ts(end),
            status_code="ERROR" if failed else ("UNSET" if unset else "OK"),
            error_type="timeout" if failed else "",
            operation_name="execute_tool",
            tool_name=tool,
            attempt="1",
        )
        return end + self.draw.seconds(0.001, 0.02), span

    def _chat_span(
        self,
        fields: Row,
        clock: datetime,
        feature: Feature,
        model_name: str,
        input_tokens: int,
        turn: int,
        attempt: int,
        error: str,
    ) -> tuple[datetime, Row]:
        rng = self.rng
        model = MODELS[model_name]
        output_tokens = self.draw.lognormal(feature.output_median, feature.output_sigma, 1, 8_000)
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
            duration = self.draw.seconds(30, 60)
        elif error == "rate_limit":
            duration = self.draw.seconds(0.03, 0.2)
        else:
            latency = 0.25 + output_tokens / rng.uniform(60, 160) + input_tokens / 40_000
            duration = timedelta(microseconds=round(latency * 1_000_000))
        end = start + duration

        has_response = error in ("", "invalid_json")
        status = "ERROR" if error else "OK"
        if status == "OK" and rng.random() < UNSET_STATUS_RATE:
            status = "UNSET"
        span = csv_row(
            SPAN_COLUMNS,
            **fields,
            span_id=self.draw.hex(64),
            span_name=f"chat {model_name}",
            start_time=ts(start),
            end_time=ts(end),
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
        if input_tokens + output_tokens > 0 and rng.random() < REPORTED_COST_RATE:
            rates = self.rates[model_name]
            cost = (
                (input_tokens - cache_read - cache_creation) * rates.input
                + cache_read * rates.cache_read
                + cache_creation * rates.cache_write
                + output_tokens * rates.output
            ) / MILLION
            span["reported_cost"] = format(cost.quantize(Decimal("0.00000001")), "f")
            span["reported_cost_currency"] = "USD"
        return end + self.draw.seconds(0.001, 0.05), span

    def _cache(self, model: Model, input_tokens: int, turn: int, attempt: int) -> tuple[int, int]:
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
            return "chatcmpl-" + self.draw.hex(96)
        if provider == "anthropic":
            return "msg_" + self.draw.hex(96)
        return self.draw.hex(96)
