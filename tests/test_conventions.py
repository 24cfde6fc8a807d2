"""OpenTelemetry GenAI conventions as they move: one conversation turn written three times
(tests/fixtures/telemetry/otlp_conventions, README there), with the names of
semantic-conventions v1.41.0, with those of semantic-conventions-genai after it (migration
guide: cache_creation.input_tokens renamed cache_write.input_tokens, handle_conversation_turn,
per-modality token counts, evaluator identity) and with both names at once, as emitters send
them while they migrate. Each version must give the same calls and intents.

The turn, from the registry's example values: an agent root repeating its children's totals
(200 input, 360 output tokens), a Claude 3.7 Sonnet chat call (100 input tokens of which 50
cache reads and 25 cache writes, 180 output of which 50 reasoning), an execute_tool call
(`Flights`) and a GPT-4 chat call (`gpt-4` -> `gpt-4-0613`, `chatcmpl-123`, 100 in, 180 out);
a `gen_ai.evaluation.result` event (Relevance, 4.0, `relevant`) on the root. The newer
files add what v1.41.0 cannot say: the Sonnet call's prompt name and reasoning level, the
GPT-4 call's reported cost with its source, and the root's counts of calls it made.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import FIXTURES, Build, build
from .harness.docs import column_doc_gaps

pytestmark = pytest.mark.dbt

TELEMETRY = FIXTURES / "telemetry"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
# Each file's copy of the turn is its own conversation.
VERSIONS = {
    "otel_1.41.0.jsonl": "conv_5j66UpCpwteGg4YSxUnt7lPY_v1_41_0",
    "otel_genai_dev.jsonl": "conv_5j66UpCpwteGg4YSxUnt7lPY_genai_dev",
    "both_names.jsonl": "conv_5j66UpCpwteGg4YSxUnt7lPY_both",
}
# Where each copy of the turn differs by construction: its ids and where it was read from.
# What the newer names add on a call (test_the_newer_names_fill_the_call_dimensions).
NEWER_CALL_COLUMNS = (
    "prompt_name", "prompt_version", "reasoning_level", "reported_cost", "reported_cost_currency",
    "reported_cost_source", "cost_source", "estimated_cost_source",
)  # fmt: skip
# The Sonnet call's per-modality counts (test_modality_tokens_are_parts_of_the_totals).
MODALITY_CALL_COLUMNS = (
    "text_input_tokens", "image_input_tokens", "text_output_tokens", "uncached_text_input_tokens",
    "uncached_image_input_tokens", "modality_tokens_at_text_rate", "estimated_input_cost",
    "estimated_image_input_cost",
)  # fmt: skip
IDENTITY = {
    "trace_id", "span_id", "parent_span_id", "intent_id", "conversation_id", "response_id",
    "source_file", "source_row_number",
}  # fmt: skip


@pytest.fixture(scope="module")
def conventions_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("conventions")
    data = root / "data"
    shutil.copytree(TELEMETRY / "otlp_conventions", data)
    (data / "seeds").mkdir()
    shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    (data / "seeds" / "aiue_success_criteria.csv").write_text(
        (SEEDS / "aiue_success_criteria.csv").read_text()
        + '*,Relevance,*,relevant,4,2020-01-01,,"the registry example: relevant, or 4, passes"\n'
    )
    return build(data, root / "aiue.duckdb")


def rows_by_version(built: Build, model: str, order: str) -> dict[str, list[dict]]:
    records = built.records(f"select * from main_aiue.{model} order by {order}")
    return {
        name: [
            {key: value for key, value in row.items() if key not in IDENTITY}
            for row in records
            if row["conversation_id"] == conversation
        ]
        for name, conversation in VERSIONS.items()
    }


def test_a_renamed_attribute_is_read_under_either_name_and_counted_once(
    conventions_build: Build,
) -> None:
    """The Sonnet call writes its 25 cache-write tokens as cache_creation.input_tokens
    (v1.41.0), cache_write.input_tokens (after it) or both: 25 each time, never 0 or 50.
    At $3 input, $0.30 cache read, $3.75 cache write and $15 output per 1M:
    uncached 100 - 50 - 25 = 25 x 3 = 75, 50 x 0.30 = 15, 25 x 3.75 = 93.75, 180 x 15 = 2700:
    $0.00288375 (unread it would be $0.002865, counted twice $0.0029025). GPT-4-0613 at $30 /
    $60: 100 x 30 + 180 x 60 = 13800 -> $0.0138."""
    calls = rows_by_version(conventions_build, "aiue__llm_calls", "started_at")
    sonnet = [row for row in calls["otel_genai_dev.jsonl"] if row["provider_name"] == "anthropic"]
    assert [
        (row["input_tokens"], row["cache_read_input_tokens"], row["cache_creation_input_tokens"],
         row["uncached_input_tokens"], row["output_tokens"], row["reasoning_output_tokens"],
         row["estimated_cache_write_cost"], row["token_cost"])
        for row in sonnet
    ] == [(100, 50, 25, 25, 180, 50, Decimal("0.00009375"), Decimal("0.00288375"))]  # fmt: skip
    assert [
        (row["operation_name"], row["tool_name"], row["response_model"], row["token_cost"])
        for row in calls["otel_genai_dev.jsonl"]
    ] == [
        ("chat", None, "claude-3-7-sonnet-20250219", Decimal("0.00288375")),
        ("execute_tool", "Flights", None, Decimal(0)),
        ("chat", None, "gpt-4-0613", Decimal("0.0138")),
    ]
    for rows in calls.values():
        for row in rows:
            for column in NEWER_CALL_COLUMNS + MODALITY_CALL_COLUMNS:
                row.pop(column)
    assert calls["otel_1.41.0.jsonl"] == calls["otel_genai_dev.jsonl"]
    assert calls["both_names.jsonl"] == calls["otel_genai_dev.jsonl"]


def test_the_newer_names_fill_the_call_dimensions(conventions_build: Build) -> None:
    """What only the newer names say, on the calls: the Sonnet call's gen_ai.prompt.name and
    .version and gen_ai.request.reasoning.level (`High`, lower-cased); the GPT-4 call's
    gen_ai.usage.cost.amount $0.0138 in USD with .source `provider`, the same as its estimate
    ($30 / $60 per 1M: 100 x 30 + 180 x 60 = 13800 -> $0.0138), so it is used
    (gateway_reported) and its cost does not change. The v1.41.0 file says none of it."""
    calls = rows_by_version(conventions_build, "aiue__llm_calls", "started_at")
    newer = [
        (row["prompt_name"], row["prompt_version"], row["reasoning_level"], row["reported_cost"],
         row["reported_cost_currency"], row["reported_cost_source"], row["cost_source"],
         row["token_cost"])
        for row in calls["otel_genai_dev.jsonl"]
    ]  # fmt: skip
    assert newer == [
        ("analyze-code", "3", "high", None, None, None, "estimated", Decimal("0.00288375")),
        (None, None, None, None, None, None, "estimated", Decimal(0)),
        (None, None, None, Decimal("0.0138"), "USD", "provider", "gateway_reported",
         Decimal("0.0138")),
    ]  # fmt: skip
    assert [[row[c] for c in NEWER_CALL_COLUMNS] for row in calls["both_names.jsonl"]] == [
        [row[c] for c in NEWER_CALL_COLUMNS] for row in calls["otel_genai_dev.jsonl"]
    ]
    assert {row[c] for row in calls["otel_1.41.0.jsonl"] for c in NEWER_CALL_COLUMNS} - {
        "estimated"
    } == {None}


def test_modality_tokens_are_parts_of_the_totals(conventions_build: Build) -> None:
    """The Sonnet call's 100 input tokens say 90 text and 10 image (and 180 text output): parts
    of the totals, never added. Uncached input is 100 - 50 - 25 = 25, of which the 10 image
    tokens; the price seed has no image_input rate for Sonnet, so they are priced at the $3
    input rate and flagged: 15 x 3 = 45 -> $0.000045 input, 10 x 3 = 30 -> $0.00003 image,
    the call's cost unchanged ($0.00288375). The GPT-4 call's 100 / 180 are all text."""
    calls = rows_by_version(conventions_build, "aiue__llm_calls", "started_at")
    for name in ("otel_genai_dev.jsonl", "both_names.jsonl"):
        assert [[row[c] for c in MODALITY_CALL_COLUMNS] for row in calls[name]] == [
            [90, 10, 180, 15, 10, 10, Decimal("0.000045"), Decimal("0.00003")],
            [0, 0, 0, 0, 0, 0, None, None],
            [100, 0, 180, 100, 0, 0, Decimal("0.003"), Decimal(0)],
        ]
    assert [row["token_cost"] for row in calls["otel_genai_dev.jsonl"]] == [
        Decimal("0.00288375"), Decimal(0), Decimal("0.0138"),
    ]  # fmt: skip
    assert [row["modality_tokens_at_text_rate"] for row in calls["otel_1.41.0.jsonl"]] == [0] * 3


def test_each_modality_is_priced_at_its_own_rate_or_flagged(conventions_build: Build) -> None:
    """modalities.jsonl (a voice and a vision call, names after v1.41.0), $ per 1M:
    gpt-audio (text $2.50 / $10, audio $32 / $64; no cache-read rate: the input rate) reads
    1000 input tokens, 400 from the cache, 300 text and 700 audio, and writes 500, 400 audio.
    Uncached input is 600: the audio takes all of it (capped; 100 audio tokens were cached and
    are priced as cache), text 0. 600 x 32 + 400 x 2.50 + 100 x 10 + 400 x 64 = 46800 ->
    $0.0468, nothing at a text rate. gpt-4o-2024-08-06 ($2.50 / $10, no image rate): 1200 input,
    1000 image, 50 output: 1000 x 2.50 + 200 x 2.50 + 50 x 10 = 3500 -> $0.0035, its 1000
    image tokens flagged. A third call says 80 text + 50 image of 100 input: rejected."""
    calls = conventions_build.records(
        "select * from main_aiue.aiue__llm_calls where conversation_id = 'conv_modalities'"
        " order by started_at"
    )
    assert [
        (row["response_model"], row["uncached_text_input_tokens"],
         row["uncached_audio_input_tokens"], row["uncached_image_input_tokens"],
         row["cache_read_input_tokens"], row["estimated_audio_input_cost"],
         row["estimated_audio_output_cost"], row["estimated_image_input_cost"],
         row["modality_tokens_at_text_rate"], row["token_cost"])
        for row in calls
    ] == [
        ("gpt-audio", 0, 600, 0, 400, Decimal("0.0192"), Decimal("0.0256"), Decimal(0), 0,
         Decimal("0.0468")),
        ("gpt-4o-2024-08-06", 200, 0, 1000, 0, Decimal(0), Decimal(0), Decimal("0.0025"), 1000,
         Decimal("0.0035")),
    ]  # fmt: skip
    # Every token is priced once: the usage rows add up to the totals and to the cost.
    usages = conventions_build.query(
        "select usage_type, sum(tokens), sum(estimated_cost)"
        " from main_aiue_intermediate.int_aiue__call_usages"
        " where call_id like 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4-%' group by usage_type"
        " order by usage_type"
    )
    assert usages == [
        ("audio_input", 600, Decimal("0.0192")),
        ("audio_output", 400, Decimal("0.0256")),
        ("cache_read", 400, Decimal("0.001")),
        ("image_input", 1000, Decimal("0.0025")),
        ("input", 200, Decimal("0.0005")),
        ("output", 150, Decimal("0.0015")),
    ]
    assert sum(row[1] for row in usages) == sum(
        row["input_tokens"] + row["output_tokens"] for row in calls
    )
    assert sum(row[2] for row in usages) == sum(row["estimated_token_cost"] for row in calls)
    rejected = conventions_build.query(
        "select span_id, rejection_rule, rejection_reason from main_aiue.aiue__rejected_spans"
        " where rejection_kind = 'invalid'"
    )
    assert [(span, rule) for span, rule, _ in rejected] == [
        ("d3d3d3d3d3d3d3d3", "modality_exceeds_input")
    ]
    assert "(130 > 100)" in rejected[0][2]


def test_an_agent_span_reports_its_calls(conventions_build: Build) -> None:
    """gen_ai.invoke_agent.inference_calls / .tool_calls on the root (2 and 1: the turn's two
    chat calls and its tool call) are typed counts on the root span, which is not a call."""
    assert conventions_build.query(
        "select operation_name, reported_inference_calls, reported_tool_calls, rejection_rule"
        " from main_aiue_intermediate.int_aiue__spans_validated"
        " where reported_inference_calls is not null or reported_tool_calls is not null"
        " order by operation_name"
    ) == [
        ("handle_conversation_turn", 2, 1, "not_a_call"),
        ("invoke_agent", 2, 1, "not_a_call"),
    ]


def test_each_version_gives_the_same_intent(conventions_build: Build) -> None:
    """One intent per copy (its conversation id): 2 inference calls and a tool call, 200 input
    and 360 output tokens (the children's, not the root's repeated totals as well),
    $0.00288375 + $0.0138 = $0.01668375, a success by the Relevance evaluation (label
    `relevant`), which the newer names say an LLM judge gave."""
    intents = rows_by_version(conventions_build, "aiue__intents", "intent_id")
    columns = (
        "calls", "inference_calls", "tool_calls", "input_tokens", "output_tokens",
        "cache_read_input_tokens", "cache_creation_input_tokens", "reasoning_output_tokens",
        "token_cost", "total_cost", "is_success",
    )  # fmt: skip
    assert [tuple(row[c] for c in columns) for row in intents["otel_genai_dev.jsonl"]] == [
        (3, 2, 1, 200, 360, 50, 25, 50, Decimal("0.01668375"), Decimal("0.01668375"), True)
    ]
    # Whose verdict it was is known only where the newer names say it.
    evaluators = {
        name: [row.pop("label_evaluator_type") for row in rows] for name, rows in intents.items()
    }
    assert evaluators == {
        "otel_1.41.0.jsonl": [None],
        "otel_genai_dev.jsonl": ["llm_judge"],
        "both_names.jsonl": ["llm_judge"],
    }
    # The steps a run reports, and whether the spans agree, are known only from the newer names.
    steps = ("reported_inference_calls", "reported_tool_calls", "is_reported_steps_mismatch")
    reported = {
        name: [tuple(row.pop(column) for column in steps) for row in rows]
        for name, rows in intents.items()
    }
    assert reported == {
        "otel_1.41.0.jsonl": [(None, None, None)],
        "otel_genai_dev.jsonl": [(2, 1, False)],
        "both_names.jsonl": [(2, 1, False)],
    }
    assert {row["agent_runs"] for rows in intents.values() for row in rows} == {1}
    assert intents["otel_1.41.0.jsonl"] == intents["otel_genai_dev.jsonl"]
    assert intents["both_names.jsonl"] == intents["otel_genai_dev.jsonl"]


def test_opentelemetry_aliases_name_their_convention_version() -> None:
    """Every OpenTelemetry row of the alias seed says which version its name belongs to, and a
    renamed attribute's new name is tried before the old one."""
    with (SEEDS / "aiue_attribute_aliases.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    otel = [row for row in rows if row["convention"].startswith("otel")]
    assert otel
    unversioned = [
        row["attribute_key"]
        for row in otel
        if "@" not in row["convention"] and row["convention"] != "otel_proposed"
    ]
    assert unversioned == []
    priority = {row["attribute_key"]: int(row["priority"]) for row in otel}
    assert (
        priority["gen_ai.usage.cache_write.input_tokens"]
        < priority["gen_ai.usage.cache_creation.input_tokens"]
    )
    conventions = {row["attribute_key"]: row["convention"] for row in otel}
    assert conventions["gen_ai.usage.cache_write.input_tokens"] == "otel_genai@dev"
    assert conventions["gen_ai.usage.cache_creation.input_tokens"] == "otel@1.41.0"


def test_a_conversation_turn_is_an_intent_root(conventions_build: Build) -> None:
    """invoke_agent (v1.41.0) and handle_conversation_turn (after it) repeat their children's
    200 input and 360 output tokens: not calls, listed as such. In the newer file only the
    handle_conversation_turn span names the conversation: its calls take it from their root
    (the intent is the conversation, not the trace)."""
    roots = conventions_build.query(
        "select operation_name, rejection_kind, rejection_reason"
        " from main_aiue.aiue__rejected_spans where rejection_kind = 'not_a_call'"
        " order by operation_name"
    )
    assert [(operation, kind) for operation, kind, _ in roots] == [
        ("handle_conversation_turn", "not_a_call"),
        ("invoke_agent", "not_a_call"),
        ("invoke_agent", "not_a_call"),
    ]
    assert "conversation turn" in roots[0][2]
    calls = conventions_build.query(
        "select trace_id, intent_id, conversation_id, is_intent_id_inferred"
        " from main_aiue.aiue__llm_calls where trace_id = '5bf92f3577b34da6a3ce929d0e0e4736'"
    )
    conversation = VERSIONS["otel_genai_dev.jsonl"]
    assert calls == [("5bf92f3577b34da6a3ce929d0e0e4736", conversation, conversation, True)] * 3


def test_every_built_column_is_documented(conventions_build: Build) -> None:
    """The columns the newer names add (evaluator type and id, the intent's evaluator type)."""
    assert column_doc_gaps(conventions_build.query) == []


def test_without_intent_roots_a_call_keeps_its_trace_as_intent(tmp_path: Path) -> None:
    """var aiue_intent_root_operations: [] turns the roots off: the newer turn's calls, which
    name no conversation, are then each their trace's intent (the grouping before roots)."""
    data = tmp_path / "data"
    (data / "otlp").mkdir(parents=True)
    shutil.copy(TELEMETRY / "otlp_conventions" / "otlp" / "otel_genai_dev.jsonl", data / "otlp")
    (data / "seeds").mkdir()
    shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    from ai_unit_economics.builder.pipeline import run_pipeline

    run_pipeline(data, tmp_path / "aiue.duckdb", variables={"aiue_intent_root_operations": []})
    built = Build(data, tmp_path / "aiue.duckdb")
    trace = "5bf92f3577b34da6a3ce929d0e0e4736"
    assert built.query(
        "select intent_id, conversation_id, count(*) from main_aiue.aiue__llm_calls"
        " group by intent_id, conversation_id"
    ) == [(trace, None, 3)]
