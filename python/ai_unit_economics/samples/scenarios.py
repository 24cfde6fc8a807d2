"""The seed article's worked scenarios: fixed token counts and fixed labels, no randomness,
so the pipeline can be checked against exact numbers:

===================== ============= ======= ===================== =========== ===========
feature               model         intents token cost per intent successes   escalations
===================== ============= ======= ===================== =========== ===========
scenario_a_mini       gpt-4o-mini   300     $0.0019 (5 turns)     210         90
scenario_b_reasoning  gpt-4-turbo   200     $0.014                190         10
cpo_baseline          gpt-4-turbo   1000    $1.00                 500         0
cpo_cheaper_model     gpt-4o        1000    $0.80                 320         0
===================== ============= ======= ===================== =========== ===========
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..project import OUTCOME_COLUMNS, SPAN_COLUMNS
from .rows import Row, as_bool, csv_row, digest, ts


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


def scenario_rows(start: datetime, days: int) -> tuple[list[Row], list[Row]]:
    spans: list[Row] = []
    outcomes: list[Row] = []
    span_seconds = days * 86_400
    for number, scenario in enumerate(_SCENARIOS):
        for index in range(scenario.intents):
            key = f"{scenario.feature}_{index + 1:04d}"
            trace_id = digest("scenario", key, "trace", length=32)
            conversation_id = "conv_" + digest("scenario", key, "conversation", length=24)
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
                    csv_row(
                        SPAN_COLUMNS,
                        trace_id=trace_id,
                        span_id=digest("scenario", key, "span", call, length=16),
                        span_name=f"chat {scenario.model}",
                        start_time=ts(call_start),
                        end_time=ts(call_end),
                        status_code="OK",
                        service_name="scenario-app",
                        operation_name="chat",
                        provider_name="openai",
                        request_model=scenario.model,
                        response_model=scenario.model,
                        response_id="chatcmpl-" + digest("scenario", key, call, length=24),
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
                csv_row(
                    OUTCOME_COLUMNS,
                    intent_id=key,
                    is_success=as_bool(success),
                    is_escalated=as_bool(escalated),
                    is_human_reviewed=as_bool(False),
                    signal="explicit",
                    escalation_channel="support_ticket" if escalated else "",
                    labeled_at=ts(call_end + timedelta(hours=1)),
                )
            )
    return spans, outcomes
