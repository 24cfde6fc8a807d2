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
