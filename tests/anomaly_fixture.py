"""The anomalies fixture: seven weeks of three features with known injected spikes, written as
the flat span and outcome files `aiue run` reads (tests/fixtures/anomalies/README.md).

Deterministic: the day-to-day variation is a fixed cycle over the weeks (so every weekday's
baseline has a spread), the per-call token counts a seeded random draw.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

START = date(2026, 6, 1)  # a Monday
DAYS = 49
FIRST_FULL_BASELINE = START + timedelta(28)  # four weeks before it
SEED = 20261207

SPAN_COLUMNS = [
    "trace_id",
    "span_id",
    "operation_name",
    "start_time",
    "end_time",
    "status_code",
    "provider_name",
    "request_model",
    "response_model",
    "input_tokens",
    "output_tokens",
    "feature_tag",
    "tenant_id",
    "intent_id",
    "attempt",
    "turn_index",
]
OUTCOME_COLUMNS = ["intent_id", "is_success", "is_escalated", "is_human_reviewed", "signal"]


@dataclass(frozen=True)
class Feature:
    name: str
    tenant: str
    intents: int
    failures: int
    varies: bool  # intents and failures follow the weekly cycle too


FEATURES = (
    Feature("support", "acme", 40, 8, True),
    Feature("search", "globex", 40, 8, True),
    Feature("triage", "acme", 6, 1, False),
)

# (feature, day index): what is injected there.
SPEND_SPIKE = ("search", 33)  # four times the intents, same cost and success per intent
TOKEN_SPIKE = ("support", 38)  # five times the tokens per call
CPS_SPIKE = ("search", 44)  # 28 of 40 intents fail: cost per success x 2.7
NOISE = ("triage", 45)  # 4 of 6 fail: CPS x 2.5, but inside its interval

# What aiue__anomalies must flag (feature, day, measure), and nothing else.
EXPECTED = {
    ("search", START + timedelta(33), "spend"),
    ("support", START + timedelta(38), "spend"),
    ("support", START + timedelta(38), "tokens_per_intent"),
    ("support", START + timedelta(38), "cost_per_intent"),
    ("support", START + timedelta(38), "cost_per_success"),
    ("search", START + timedelta(44), "cost_per_success"),
}
NOISE_DAY = (NOISE[0], START + timedelta(NOISE[1]), "cost_per_success")


def cycle(day: int, offset: int) -> int:
    """-2..2; for one weekday, five consecutive weeks take five different values, so a day's
    value is the one its four baseline weeks lack: within 2.5 of their median, whose MAD is at
    least 1 (about 1.7 as a score; 2.3 at most in this fixture, where an injected spike sits
    in a later day's baseline)."""
    return (3 * (day // 7) + day % 7 + offset) % 5 - 2


def day_plan(feature: Feature, index: int, day: int) -> tuple[int, int, float]:
    """Intents, failures and the token factor of one feature's day: all three move with one
    cycle, so every measure rises with it (the baseline's order is the cycle's)."""
    step = cycle(day, index)
    intents, failures = feature.intents, feature.failures
    if feature.varies:
        intents, failures = intents + 2 * step, failures + step
    tokens = 1 + 0.05 * step
    if (feature.name, day) == SPEND_SPIKE:
        intents, failures = 4 * intents, 4 * failures
    if (feature.name, day) == TOKEN_SPIKE:
        tokens *= 5
    if (feature.name, day) == CPS_SPIKE:
        failures = 28
    if (feature.name, day) == NOISE:
        failures = 4
    return intents, failures, tokens


def write(folder: Path) -> Path:
    """genai_spans.csv and outcomes.csv in `folder` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    draw = random.Random(SEED)
    spans, outcomes = [], []
    for day in range(DAYS):
        for index, feature in enumerate(FEATURES):
            intents, failures, factor = day_plan(feature, index, day)
            for number in range(intents):
                intent_id = f"{feature.name}-{day:02d}-{number:03d}"
                start = datetime.combine(START + timedelta(day), datetime.min.time())
                start += timedelta(hours=9, seconds=20 * number)
                spans.append(
                    {
                        "trace_id": intent_id,
                        "span_id": "s1",
                        "operation_name": "chat",
                        "start_time": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                        "end_time": f"{start + timedelta(seconds=2):%Y-%m-%dT%H:%M:%SZ}",
                        "status_code": "OK",
                        "provider_name": "openai",
                        "request_model": "gpt-4o-mini",
                        "response_model": "gpt-4o-mini",
                        "input_tokens": round(factor * (1000 + draw.randint(-50, 50))),
                        "output_tokens": round(factor * (200 + draw.randint(-10, 10))),
                        "feature_tag": feature.name,
                        "tenant_id": feature.tenant,
                        "intent_id": intent_id,
                        "attempt": 1,
                        "turn_index": 1,
                    }
                )
                outcomes.append(
                    {
                        "intent_id": intent_id,
                        "is_success": "false" if number < failures else "true",
                        "is_escalated": "false",
                        "is_human_reviewed": "false",
                        "signal": "explicit",
                    }
                )
    _write(folder / "genai_spans.csv", SPAN_COLUMNS, spans)
    _write(folder / "outcomes.csv", OUTCOME_COLUMNS, outcomes)
    return folder


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
