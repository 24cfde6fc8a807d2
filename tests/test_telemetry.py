"""Telemetry as it arrives: every input form end to end, against an independent reading.

Each form in tests/fixtures/telemetry (README there) is built once with `aiue run`. The test
reads the raw file itself (json, csv, DuckDB's Parquet reader; never the package's loaders),
applies the conventions as their specifications state them and the fixture's price seed, and
compares calls, tokens and token cost with what `aiue metrics` reports.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import math
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics.cli import main as aiue

from .conftest import FIXTURES, Build, build
from .harness.docs import column_doc_gaps

pytestmark = pytest.mark.dbt

TELEMETRY = FIXTURES / "telemetry"
CALL_OPERATIONS = {"chat", "text_completion", "generate_content", "embeddings", "execute_tool"}


def stage(name: str, root: Path, with_prices: bool = True) -> Path:
    """A copy of a fixture folder with the fixture price seed."""
    data = root / name
    shutil.copytree(TELEMETRY / name, data)
    if with_prices:
        (data / "seeds").mkdir(exist_ok=True)
        shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    return data


def metrics(db_path: Path, by: str = "provider_name") -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert aiue(["metrics", "--db", str(db_path), "--by", by, "--format", "json"]) == 0
    return json.loads(out.getvalue())


# --- an independent reading of the raw files --------------------------------------------------


@dataclass
class Call:
    provider: str | None
    model: str | None  # the response model, else the request model (the pricing rule)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read: int = 0
    cache_write: int = 0
    reported_cost: Decimal | None = None


def prices() -> dict[tuple[str, str, str], Decimal]:
    with (TELEMETRY / "prices" / "aiue_model_prices.csv").open(newline="") as handle:
        return {
            (row["provider"], row["model"], row["usage_type"]): Decimal(row["price_per_million"])
            for row in csv.DictReader(handle)
        }


def cost(call: Call) -> Decimal:
    """The documented rule: uncached input, cache reads, cache writes and output, each at its
    own rate per 1M (cache rates fall back to the input rate); a reported cost wins."""
    if call.reported_cost is not None:
        return call.reported_cost
    table = prices()
    key = (call.provider or "", call.model or "")
    if (*key, "input") not in table:
        return Decimal(0)  # unpriced: costs 0 and is reported as such
    rate = {kind: table.get((*key, kind)) for kind in ("input", "output", "cache_read")}
    rate["cache_write"] = table.get((*key, "cache_write"))
    uncached = call.input_tokens - call.cache_read - call.cache_write
    return (
        uncached * rate["input"]
        + call.cache_read * (rate["cache_read"] or rate["input"])
        + call.cache_write * (rate["cache_write"] or rate["input"])
        + call.output_tokens * rate["output"]
    ) / Decimal(1_000_000)


def first(attributes: dict, *keys: str) -> str | None:
    return next((attributes[key] for key in keys if attributes.get(key) not in (None, "")), None)


def number(text: object) -> int:
    return int(Decimal(str(text))) if text not in (None, "") else 0


OPENINFERENCE_KINDS = {"LLM": "chat", "EMBEDDING": "embeddings", "TOOL": "execute_tool"}


def call_of(attributes: dict) -> Call | None:
    """A span as the OTel GenAI, OpenLLMetry and OpenInference specifications define a call."""
    operation = first(attributes, "gen_ai.operation.name") or OPENINFERENCE_KINDS.get(
        attributes.get("openinference.span.kind", "")
    )
    if operation not in CALL_OPERATIONS:
        return None
    parameters = json.loads(attributes.get("llm.invocation_parameters") or "{}")
    model = first(attributes, "gen_ai.response.model", "llm.model_name", "embedding.model_name")
    model = model or first(attributes, "gen_ai.request.model") or parameters.get("model")
    return Call(
        provider=first(attributes, "gen_ai.provider.name", "gen_ai.system", "llm.provider"),
        model=model.lower() if model else None,
        input_tokens=number(
            first(
                attributes,
                "gen_ai.usage.input_tokens",
                "gen_ai.usage.prompt_tokens",
                "llm.token_count.prompt",
            )  # fmt: skip
        ),
        output_tokens=number(
            first(
                attributes,
                "gen_ai.usage.output_tokens",
                "gen_ai.usage.completion_tokens",
                "llm.token_count.completion",
            )  # fmt: skip
        ),
        cache_read=number(
            first(
                attributes,
                "gen_ai.usage.cache_read.input_tokens",
                "llm.token_count.prompt_details.cache_read",
            )  # fmt: skip
        ),
        cache_write=number(first(attributes, "llm.token_count.prompt_details.cache_write")),
    )


def otlp_value(value: dict) -> str:
    (kind, inner), *_ = value.items()
    if kind == "arrayValue":
        return json.dumps([otlp_value(item) for item in inner.get("values", [])])
    return str(inner).lower() if kind == "boolValue" else str(inner)


def otlp_spans(folder: Path) -> list[dict]:
    """Attributes of every span of an OTLP JSON folder (jsonl, or one document per file)."""
    spans = []
    for path in sorted((folder / "otlp").iterdir()):
        text = path.read_text()
        if path.suffix == ".json":
            documents = [json.loads(text)]
        else:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        for document in documents:
            for resource_spans in document["resourceSpans"]:
                for scope_spans in resource_spans["scopeSpans"]:
                    for span in scope_spans["spans"]:
                        spans.append({a["key"]: otlp_value(a["value"]) for a in span["attributes"]})
    return spans


def otel_traces_spans(folder: Path) -> list[dict]:
    parquet = folder / "otel_traces.parquet"
    if parquet.exists():
        with duckdb.connect() as connection:
            rows = connection.execute(f"select SpanAttributes from '{parquet}'").fetchall()
        return [dict(row[0]) for row in rows]
    with (folder / "otel_traces.csv").open(newline="", encoding="utf-8") as handle:
        # ClickHouse prints a map as a Python-compatible literal: {'key':'value'}.
        return [ast.literal_eval(row["SpanAttributes"]) for row in csv.DictReader(handle)]


LITELLM_CALL_TYPES = {"completion", "acompletion", "embedding", "aembedding"}


def litellm_calls(folder: Path) -> list[Call]:
    with (folder / "litellm_spend_logs.csv").open(newline="", encoding="utf-8") as handle:
        return [
            Call(
                provider=row["custom_llm_provider"],
                model=row["model"],
                input_tokens=int(row["prompt_tokens"]),
                output_tokens=int(row["completion_tokens"]),
                reported_cost=Decimal(row["spend"]),
            )
            for row in csv.DictReader(handle)
            if row["call_type"] in LITELLM_CALL_TYPES
        ]


def langfuse_calls(folder: Path) -> list[Call]:
    calls = []
    for line in (folder / "langfuse_observations.jsonl").read_text().splitlines():
        observation = json.loads(line)
        if observation["type"] == "TOOL":  # a tool call: no tokens, tool cost apart
            calls.append(Call(provider=None, model=None))
            continue
        if observation["type"] not in ("GENERATION", "EMBEDDING"):
            continue
        usage, costs = observation["usageDetails"], observation["costDetails"]
        # Langfuse's usage types are additive: input types hold 'input', output types 'output'.
        total = costs.get("total", sum(costs.values()) if costs else None)
        calls.append(
            Call(
                provider=None,
                model=observation.get("model"),
                input_tokens=sum(v for k, v in usage.items() if "input" in k),
                output_tokens=sum(v for k, v in usage.items() if "output" in k),
                reported_cost=None if total is None else Decimal(str(total)),
            )
        )
    return calls


def flat_calls(folder: Path) -> list[Call]:
    with (folder / "genai_spans.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    parents_with_tokens = {row["parent_span_id"] for row in rows if row.get(
        "gen_ai.usage.prompt_tokens")}  # fmt: skip
    calls = []
    for row in rows:
        operation = row["gen_ai.operation.name"]
        if not operation:  # documented inference: a model and tokens, no child with tokens
            has_content = row["gen_ai.response.model"] and row["gen_ai.usage.prompt_tokens"]
            operation = "chat" if has_content and row["span_id"] not in parents_with_tokens else ""
        if operation in CALL_OPERATIONS:
            calls.append(
                Call(
                    provider=row["gen_ai.system"],
                    model=row["gen_ai.response.model"],
                    input_tokens=number(row["gen_ai.usage.prompt_tokens"]),
                    output_tokens=number(row["gen_ai.usage.completion_tokens"]),
                    cache_read=number(row["gen_ai.usage.cache_read_input_tokens"]),
                )
            )
    return calls


FORMS = {
    "otlp_openai_v2": lambda folder: [c for s in otlp_spans(folder) if (c := call_of(s))],
    "otlp_deprecated_names": lambda folder: [c for s in otlp_spans(folder) if (c := call_of(s))],
    "otlp_openllmetry": lambda folder: [c for s in otlp_spans(folder) if (c := call_of(s))],
    "otlp_openinference": lambda folder: [c for s in otlp_spans(folder) if (c := call_of(s))],
    "otel_traces_parquet": lambda folder: [
        c for s in otel_traces_spans(folder) if (c := call_of(s))
    ],
    "otel_traces_csv": lambda folder: [c for s in otel_traces_spans(folder) if (c := call_of(s))],
    "litellm": litellm_calls,
    "langfuse": langfuse_calls,
    "flat_attribute_names": flat_calls,
}


@pytest.fixture(scope="module")
def form_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """One build per input form (built lazily, once)."""
    return _LazyBuilds(tmp_path_factory)


class _LazyBuilds(dict):
    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, name: str) -> Build:
        root = self.factory.mktemp(name)
        self[name] = build(stage(name, root), root / "aiue.duckdb")
        return self[name]


@pytest.mark.parametrize("form", list(FORMS))
def test_each_input_form_matches_an_independent_reading(
    form_builds: dict[str, Build], form: str
) -> None:
    built = form_builds[form]
    expected = FORMS[form](built.input_dir)
    reported = metrics(built.db_path)
    assert len(expected) > 0
    assert sum(row["calls"] for row in reported) == len(expected)
    tokens = sum(call.input_tokens + call.output_tokens for call in expected)
    assert tokens > 0
    assert sum(row["tokens"] for row in reported) == tokens
    expected_cost = sum((cost(call) for call in expected), Decimal(0))
    assert expected_cost > 0
    assert math.isclose(
        sum(row["token_cost"] for row in reported), float(expected_cost), rel_tol=1e-9
    )


# --- what each layout keeps ------------------------------------------------------------------


def by_span(built: Build, model: str = "aiue__llm_calls") -> dict[str, dict]:
    return {row["span_id"]: row for row in built.records(f"select * from main_aiue.{model}")}


def test_openinference_names_fill_the_contract(form_builds: dict[str, Build]) -> None:
    built = form_builds["otlp_openinference"]
    calls = by_span(built)
    llm = calls["d1e2f3a4b5c6d7e8"]
    assert (llm["operation_name"], llm["provider_name"]) == ("chat", "openai")
    assert (llm["request_model"], llm["response_model"]) == (
        "gpt-4o-mini",
        "gpt-4o-mini-2024-07-18",
    )
    assert (llm["input_tokens"], llm["cache_read_input_tokens"], llm["output_tokens"]) == (
        1412, 1024, 188,
    )  # fmt: skip
    # feature and intent from the metadata JSON attribute; the conversation from session.id
    assert (llm["feature_tag"], llm["intent_id"], llm["conversation_id"], llm["user_id"]) == (
        "support_chat", "rag-intent-1", "conv-rag-1", "user-42",
    )  # fmt: skip
    sonnet = calls["b4c5d6e7f8a9b0c1"]
    assert (sonnet["cache_read_input_tokens"], sonnet["reasoning_output_tokens"]) == (1100, 20)
    haiku = calls["f2a3b4c5d6e7f8a9"]
    assert (haiku["cache_read_input_tokens"], haiku["cache_creation_input_tokens"]) == (800, 300)
    assert haiku["intent_id"] == "conv-trip-7"  # no intent_id: the conversation
    assert calls["c9c2d4e3f1a0b5c6"]["operation_name"] == "embeddings"
    tool = calls["a3b4c5d6e7f8a9b0"]
    assert (tool["operation_name"], tool["tool_name"]) == ("execute_tool", "get_weather")
    failed = calls["c5d6e7f8a9b0c1d2"]  # the model only inside llm.invocation_parameters
    assert (failed["status_code"], failed["request_model"], failed["tokens"]) == (
        "ERROR", "gpt-4o-mini", 0,
    )  # fmt: skip
    left_out = by_span(built, "aiue__rejected_spans")
    assert {span: row["operation_name"] for span, row in left_out.items()} == {
        "00f067aa0ba902b7": None,  # the HTTP server span
        "a2fb4a1d1a96d312": "chain",
        "b7ad6b7169203331": "retrieval",
        "e1f2a3b4c5d6e7f8": "invoke_agent",  # repeats its children's 2,700 + 210 tokens
    }
    assert {row["rejection_kind"] for row in left_out.values()} == {"not_a_call"}


def test_non_call_spans_are_reported_apart_from_invalid_rows(
    form_builds: dict[str, Build],
) -> None:
    from ai_unit_economics.builder.pipeline import build_notes

    notes = build_notes("duckdb", form_builds["otlp_openinference"].db_path)
    assert "4 agent/workflow and other non-call spans kept out of costs, as designed." in notes
    assert not any(note.startswith("Rejected with a reason") for note in notes)


def test_span_events_are_one_row_per_attribute(form_builds: dict[str, Build]) -> None:
    """OpenLLMetry's exception and chunk events, counted from the raw file."""
    built = form_builds["otlp_openllmetry"]
    expected = []
    path = built.input_dir / "otlp" / "otlp_openllmetry_0.62.4.jsonl"
    for line in path.read_text().splitlines():
        for resource_spans in json.loads(line)["resourceSpans"]:
            for scope_spans in resource_spans["scopeSpans"]:
                for span in scope_spans["spans"]:
                    for index, event in enumerate(span.get("events", []), start=1):
                        keys = [a["key"] for a in event.get("attributes", [])] or [None]
                        expected += [(span["spanId"], index, event["name"], key) for key in keys]
    events = built.query(
        "select span_id, event_index, event_name, attribute_key, event_at, attribute_value "
        "from main_aiue_intermediate.int_aiue__span_events_parsed"
    )
    assert sorted(expected, key=repr) == sorted((row[:4] for row in events), key=repr)
    assert len(expected) == 202
    exception = next(row for row in events if row[3] == "exception.type")
    assert exception[5] == "openai.NotFoundError"
    assert exception[4] is not None and exception[4].year == 2026


def test_litellm_spend_logs(form_builds: dict[str, Build]) -> None:
    calls = by_span(form_builds["litellm"])
    assert all(row["trace_id"] == row["span_id"] == row["response_id"] for row in calls.values())
    assert {row["cost_source"] for row in calls.values()} == {"gateway_reported"}
    first_call = calls["chatcmpl-B7xLq3N9a1"]
    assert first_call["reported_cost"] == Decimal("0.000009")  # written 9e-06
    # LiteLLM prices the call from its own model price map: a local cost, not the provider's.
    assert {row["reported_cost_source"] for row in calls.values()} == {"local"}
    assert (first_call["feature_tag"], first_call["intent_id"]) == ("support_chat", "ticket-1001")
    assert first_call["conversation_id"] == "sess-5f2a"
    azure = calls["chatcmpl-B7xLr0Qk7Z"]
    assert (azure["telemetry_provider_name"], azure["response_model"], azure["request_model"]) == (
        "azure", "gpt-4o-mini-2024-07-18", "gpt-4o-mini",
    )  # fmt: skip
    assert azure["provider_name"] == "azure.ai.openai"  # LiteLLM's azure through aiue_provider_map
    assert (azure["cache_read_input_tokens"], azure["turn_index"]) == (1024, 2)
    haiku = calls["msg_01XFDUDYJgAACzvnptvVoYEL"]
    assert (haiku["cache_read_input_tokens"], haiku["cache_creation_input_tokens"]) == (500, 200)
    assert (haiku["attempt"], haiku["is_retry"]) == (2, True)
    failed = calls["chatcmpl-failed-7d1e"]
    assert (failed["status_code"], failed["error_type"]) == ("ERROR", "RateLimitError")
    assert calls["chatcmpl-C1reason9"]["reasoning_output_tokens"] == 320
    assert calls["embd-31c0f1"]["operation_name"] == "embeddings"
    image = by_span(form_builds["litellm"], "aiue__rejected_spans")["img-0b6e2a"]
    assert (image["rejection_kind"], image["operation_name"]) == ("not_a_call", "aimage_generation")


def test_langfuse_observations_and_scores(form_builds: dict[str, Build]) -> None:
    built = form_builds["langfuse"]
    calls = by_span(built)
    answer = calls["2d3e4f5a6b7c8d9e"]
    assert (answer["input_tokens"], answer["cache_read_input_tokens"], answer["output_tokens"]) == (
        1900, 1024, 140,
    )  # fmt: skip
    assert (answer["feature_tag"], answer["intent_id"], answer["prompt_version"]) == (
        "doc_qa", "sess-doc-9", "3",
    )  # fmt: skip
    # promptName; modelParameters names no reasoning_effort (gpt-4o-mini takes none).
    assert (answer["prompt_name"], answer["reasoning_level"]) == ("doc-qa", None)
    assert answer["reported_cost"] == Decimal("0.0002922")
    plan = calls["5a6b7c8d9e0f1a2b"]  # costDetails without total: the sum of its parts
    assert plan["reported_cost"] == Decimal("0.001044")
    assert (plan["input_tokens"], plan["cache_creation_input_tokens"]) == (1200, 300)
    retry = calls["7c8d9e0f1a2b3c4d"]
    assert (retry["status_code"], retry["error_type"], retry["attempt"]) == (
        "ERROR", "upstream timeout after 30s", 2,
    )  # fmt: skip
    events = built.query(
        "select span_id, event_index, attribute_key, attribute_value "
        "from main_aiue_intermediate.int_aiue__span_events_parsed "
        "where event_name = 'gen_ai.evaluation.result'"
    )
    assert sorted(events, key=repr) == sorted(
        [
            ("2d3e4f5a6b7c8d9e", 1, "gen_ai.evaluation.name", "helpfulness"),
            ("2d3e4f5a6b7c8d9e", 1, "gen_ai.evaluation.score.value", "0.9"),
            ("2d3e4f5a6b7c8d9e", 1, "gen_ai.evaluation.explanation", "cites the right section"),
            (None, 1, "gen_ai.evaluation.name", "resolved"),
            (None, 1, "gen_ai.evaluation.score.value", "1"),
            (None, 1, "gen_ai.evaluation.score.label", "True"),
            ("5a6b7c8d9e0f1a2b", 1, "gen_ai.evaluation.name", "tone"),
            ("5a6b7c8d9e0f1a2b", 1, "gen_ai.evaluation.score.value", "0"),
            ("5a6b7c8d9e0f1a2b", 1, "gen_ai.evaluation.score.label", "polite"),
            ("5a6b7c8d9e0f1a2b", 2, "gen_ai.evaluation.name", "helpfulness"),
            ("5a6b7c8d9e0f1a2b", 2, "gen_ai.evaluation.score.value", "0.4"),
        ],
        key=repr,
    )


def test_flat_attribute_names_and_missing_operations(form_builds: dict[str, Build]) -> None:
    built = form_builds["flat_attribute_names"]
    calls = by_span(built)
    assert set(calls) == {"call-1", "call-2", "emb-1", "legacy"}
    assert (calls["call-1"]["provider_name"], calls["call-1"]["feature_tag"]) == ("openai", "ask")
    assert calls["call-1"]["cache_read_input_tokens"] == 1024
    assert calls["legacy"]["operation_name"] == "chat"  # no operation: inferred
    assert built.query("select inferred_call_rows from main_aiue.aiue__span_sources") == [(1,)]
    left_out = by_span(built, "aiue__rejected_spans")
    assert set(left_out) == {"root", "agent"}  # the agent's tokens repeat its children's


# --- the OTLP reader: documented variants and refusals (no dbt build) -----------------------


def otlp_raw_rows(folder: Path) -> list[tuple]:
    """The otel_traces raw rows the loader makes from an OTLP folder, without the file and row,
    and without kind and status, which stay as written (staging normalises them)."""
    from ai_unit_economics.ingest.inputs import find_inputs
    from ai_unit_economics.ingest.loaders import load_duckdb

    db_path = folder.parent / f"{folder.name}.duckdb"
    load_duckdb(db_path, find_inputs(folder))
    with duckdb.connect(str(db_path)) as connection:
        return sorted(
            connection.execute(
                """
                select timestamp, traceid, spanid, parentspanid, spanname, servicename,
                    spanattributes, duration, "events.timestamp", "events.name",
                    "events.attributes"
                from aiue_raw.otel_traces
                """
            ).fetchall(),
            key=repr,
        )


def snake_case(value: object) -> object:
    import re

    if isinstance(value, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): snake_case(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_case(item) for item in value]
    return value


def protobuf_json(document: dict) -> dict:
    """The protobuf JSON mapping of the same export: snake_case fields, base64 ids, numbers as
    numbers, enums by name."""
    import base64

    converted = snake_case(document)
    for resource_spans in converted["resource_spans"]:
        for scope_spans in resource_spans["scope_spans"]:
            for span in scope_spans["spans"]:
                for field in ("trace_id", "span_id"):
                    span[field] = base64.b64encode(bytes.fromhex(span[field])).decode()
                for field in ("start_time_unix_nano", "end_time_unix_nano"):
                    span[field] = int(span[field])
                span["kind"] = "SPAN_KIND_CLIENT"
                if span["status"].get("code") == 2:
                    span["status"]["code"] = "STATUS_CODE_ERROR"
    return converted


def test_otlp_variants_load_the_same_spans(tmp_path: Path) -> None:
    import gzip

    source = TELEMETRY / "otlp_openllmetry" / "otlp" / "otlp_openllmetry_0.62.4.jsonl"
    expected = otlp_raw_rows(stage("otlp_openllmetry", tmp_path, with_prices=False))
    document = json.loads(source.read_text())
    variants = {
        "pretty.json": json.dumps(document, indent=2).encode(),
        "protobuf.json": json.dumps(protobuf_json(document)).encode(),
        "twice.jsonl.gz": gzip.compress((json.dumps(document) + "\n").encode()),
    }
    with duckdb.connect() as connection:  # zstd, as the Collector's file exporter compresses
        (tmp_path / "zstd" / "otlp").mkdir(parents=True)
        connection.execute(
            f"copy (select * from read_json('{source}', format = 'newline_delimited')) "
            f"to '{tmp_path / 'zstd' / 'otlp' / 'spans.jsonl.zst'}' (format json, compression zstd)"
        )
    assert otlp_raw_rows(tmp_path / "zstd") == expected
    for name, content in variants.items():
        folder = tmp_path / name.split(".")[0]
        (folder / "otlp").mkdir(parents=True)
        (folder / "otlp" / name).write_bytes(content)
        assert otlp_raw_rows(folder) == expected, name
    assert expected[0][1] == expected[0][1].lower() and len(expected[0][1]) == 32


def test_otlp_refusals_name_the_file(tmp_path: Path) -> None:
    from ai_unit_economics.errors import UserError
    from ai_unit_economics.ingest.inputs import find_inputs
    from ai_unit_economics.ingest.loaders import load_duckdb

    cases = {
        "logs.json": ('{"resourceLogs": []}', "holds JSON but no OTLP traces"),
        "broken.jsonl": ('{"resourceSpans": [', "cannot be read as OTLP JSON"),
    }
    for name, (content, message) in cases.items():
        folder = tmp_path / name.split(".")[0]
        (folder / "otlp").mkdir(parents=True)
        (folder / "otlp" / name).write_text(content)
        with pytest.raises(UserError, match=message) as refused:
            load_duckdb(tmp_path / f"{name}.duckdb", find_inputs(folder))
        assert name in str(refused.value)
    empty = tmp_path / "empty"
    (empty / "otlp").mkdir(parents=True)
    with pytest.raises(UserError, match="holds no OTLP export files"):
        find_inputs(empty)
    both = stage("otlp_openai_v2", tmp_path / "both", with_prices=False)
    shutil.copy(TELEMETRY / "otel_traces_parquet" / "otel_traces.parquet", both)
    with pytest.raises(UserError, match="both hold spans in the Collector's shapes"):
        find_inputs(both)


def test_a_json_cell_that_is_not_json_names_file_row_and_column(tmp_path: Path) -> None:
    from ai_unit_economics.errors import UserError
    from ai_unit_economics.ingest.inputs import find_inputs
    from ai_unit_economics.ingest.loaders import load_duckdb

    folder = stage("litellm", tmp_path, with_prices=False)
    path = folder / "litellm_spend_logs.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace('"{""user_api_key""', '"{""user_api_key"" cut off', 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError, match=r"row 3, column 'metadata' is not valid JSON") as refused:
        load_duckdb(tmp_path / "x.duckdb", find_inputs(folder))
    assert str(path) in str(refused.value)


# --- names as data: a vendor's names by seed rows, application keys by var -------------------


def vendor_otlp(folder: Path) -> None:
    """Spans of a made-up vendor SDK: its own attribute names for everything."""
    spans = [
        {
            "traceId": f"{index:032x}",
            "spanId": f"{index:016x}",
            "name": "acme generate",
            "kind": 3,
            "startTimeUnixNano": str(1_790_000_000_000_000_000 + index),
            "endTimeUnixNano": str(1_790_000_001_000_000_000 + index),
            "attributes": [
                {"key": key, "value": {"stringValue": value}}
                for key, value in [
                    ("acme.op", op),
                    ("acme.vendor", "openai"),
                    ("acme.model", "gpt-4o-mini-2024-07-18"),
                    ("acme.tokens.in", "1000"),
                    ("acme.tokens.out", "100"),
                    ("team.feature", "search"),
                ]
                if op == "generate" or key in ("acme.op", "team.feature")
            ],
        }
        for index, op in enumerate(["generate", "generate", "plan"], start=1)
    ]
    document = {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": spans}]}]}
    (folder / "otlp").mkdir(parents=True)
    (folder / "otlp" / "acme.jsonl").write_text(json.dumps(document) + "\n")


def test_a_vendors_names_are_added_as_seed_rows(tmp_path: Path) -> None:
    bundled = Path(__file__).resolve().parents[1] / "seeds" / "aiue_attribute_aliases.csv"
    assert "acme." not in bundled.read_text()  # nothing maps these names without the rows
    data = tmp_path / "data"
    vendor_otlp(data)
    (data / "seeds").mkdir()
    shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    (data / "seeds" / "aiue_attribute_aliases.csv").write_text(
        bundled.read_text()
        + "operation_name,acme.op,5,,generate,chat,acme\n"
        + "provider_name,acme.vendor,5,,,,acme\n"
        + "response_model,acme.model,5,,,,acme\n"
        + "input_tokens,acme.tokens.in,5,,,,acme\n"
        + "output_tokens,acme.tokens.out,5,,,,acme\n"
    )
    from ai_unit_economics.builder.pipeline import run_pipeline

    run_pipeline(
        data,
        tmp_path / "aiue.duckdb",
        variables={"aiue_app_attribute_keys": {"feature_tag": ["team.feature"]}},
    )
    built = Build(data, tmp_path / "aiue.duckdb")
    calls = built.query(
        "select operation_name, feature_tag, input_tokens, output_tokens, estimated_token_cost "
        "from main_aiue.aiue__llm_calls"
    )
    # 1000 x $0.15 + 100 x $0.60 per 1M = $0.00021 a call; a 'plan' step has no seed row
    # translating it (and no model or tokens to infer a call from): not a call
    assert calls == [("chat", "search", 1000, 100, Decimal("0.00021"))] * 2
    assert built.query(
        "select operation_name, rejection_kind from main_aiue.aiue__rejected_spans"
    ) == [(None, "not_a_call")]


def test_langfuse_blob_storage_export_reads_like_the_api(
    form_builds: dict[str, Build], tmp_path: Path
) -> None:
    """Langfuse's blob storage export writes snake_case CSV (trace_id, start_time,
    usage_details as JSON text, 'YYYY-MM-DD HH:MM:SS.ffffff' times): the same calls, tokens and
    cost as the API's objects."""
    import re
    from datetime import datetime

    data = tmp_path / "data"
    (data / "seeds").mkdir(parents=True)
    shutil.copy(TELEMETRY / "prices" / "aiue_model_prices.csv", data / "seeds")
    for name in ("langfuse_observations", "langfuse_scores"):
        rows = [json.loads(line) for line in (TELEMETRY / "langfuse" / f"{name}.jsonl").open()]
        columns = list(dict.fromkeys(key for row in rows for key in row))

        def cell(value: object) -> str:
            if isinstance(value, dict | list):
                return json.dumps(value)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-.*Z", value):
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
            return "" if value is None else str(value)

        with (data / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([re.sub(r"(?<!^)(?=[A-Z])", "_", c).lower() for c in columns])
            writer.writerows([[cell(row.get(c)) for c in columns] for row in rows])
    exported = build(data, tmp_path / "aiue.duckdb")
    assert metrics(exported.db_path) == metrics(form_builds["langfuse"].db_path)
    events = "select count(*) from main_aiue_intermediate.int_aiue__span_events_parsed"
    assert exported.query(events) == form_builds["langfuse"].query(events) == [(11,)]


@pytest.mark.parametrize("form", ["otel_traces_csv", "litellm", "langfuse"])
def test_every_built_column_is_documented(form_builds: dict[str, Build], form: str) -> None:
    """The staging model of each layout (and the span events of otel_traces and Langfuse)."""
    assert column_doc_gaps(form_builds[form].query) == []
