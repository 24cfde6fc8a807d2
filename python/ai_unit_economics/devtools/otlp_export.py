"""A large OTLP JSON trace export for benchmarks: agent traces as the Collector writes them.

Shapes follow the real samples in /work/shared/data/telemetry (opentelemetry-instrumentation-
openai-v2 2.4b0 and OpenLLMetry 0.62.4, exported by the Collector's `file` exporter): one
`ExportTraceServiceRequest` per line, hex ids, int64 values as strings (`"intValue": "12"`),
enums as integers, times as nanosecond epoch strings, `flags: 256`, an empty `status` for an
unset one. On top of those single calls it writes what an agent framework emits under the
GenAI conventions: an `invoke_agent` root per task, with `chat` children (the instrumented
client's spans, with usage, `gen_ai.usage.cost.amount` / `.currency` as a gateway reports
them) and `execute_tool` children, and a `gen_ai.evaluation.result` event on the root (the
success criteria seed's `task_success`), plus resource attributes per service.

Spans are written in the order they end (children before their parent, as a batch span
processor exports them) and cut into requests of about `request_bytes`, so a trace can span
two lines, as it does in a real export.

    python -m ai_unit_economics.devtools.otlp_export out.jsonl --mb 45
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

START_NANOS = 1_790_000_000_000_000_000  # 2026-09-21
REQUEST_BYTES = 300_000

# (provider, request model, response model, $ per 1M input, cached input, output)
MODELS = [
    ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 0.15, 0.075, 0.60),
    ("openai", "gpt-4o", "gpt-4o-2024-08-06", 2.50, 1.25, 10.00),
    ("anthropic", "claude-sonnet-4", "claude-sonnet-4-20250514", 3.0, 0.3, 15.0),
    ("anthropic", "claude-3-5-haiku", "claude-3-5-haiku-20241022", 0.8, 0.08, 4.0),
]
SERVERS = {"openai": "api.openai.com", "anthropic": "api.anthropic.com"}
SERVICES = [
    ("support-agent", "support_chat", "1.14.2"),
    ("invoice-extractor", "invoice_extraction", "0.9.0"),
    ("research-assistant", "deep_research", "2.3.1"),
]
TOOLS = [
    ("search_knowledge_base", "function"),
    ("get_order_status", "function"),
    ("create_ticket", "function"),
    ("web_search", "extension"),
]
FINISH_REASONS = [["stop"], ["stop"], ["stop"], ["tool_calls"], ["length"]]


def string(key: str, value: str) -> dict:
    return {"key": key, "value": {"stringValue": value}}


def integer(key: str, value: int) -> dict:
    return {"key": key, "value": {"intValue": str(value)}}


def double(key: str, value: float) -> dict:
    return {"key": key, "value": {"doubleValue": value}}


def strings(key: str, values: list[str]) -> dict:
    return {
        "key": key,
        "value": {"arrayValue": {"values": [{"stringValue": value} for value in values]}},
    }


@dataclass
class Trace:
    """One agent task: its spans, each as (end time, service index, scope, span JSON)."""

    spans: list[tuple[int, int, str, dict]]


class Generator:
    def __init__(self, seed: int = 0) -> None:
        self.random = random.Random(seed)
        self.clock = START_NANOS
        self.task = 0

    def hex_id(self, digits: int) -> str:
        return f"{self.random.getrandbits(digits * 4):0{digits}x}"

    def trace(self) -> Trace:
        rnd = self.random
        self.task += 1
        service = rnd.randrange(len(SERVICES))
        name, feature, _ = SERVICES[service]
        trace_id, root_id = self.hex_id(32), self.hex_id(16)
        conversation = f"conv-{self.task // 3:08d}"  # about three tasks per conversation
        self.clock += rnd.randrange(50_000_000, 400_000_000)
        start = self.clock
        app = [string("gen_ai.conversation.id", conversation), string("app.feature_tag", feature)]
        spans: list[tuple[int, int, str, dict]] = []
        at = start + rnd.randrange(1_000_000, 5_000_000)
        for _ in range(rnd.randint(2, 6)):
            at, chat = self.chat_span(trace_id, root_id, at, app)
            spans.append((int(chat["endTimeUnixNano"]), service, "openai_v2", chat))
            http = self.http_span(chat)
            spans.append((int(http["endTimeUnixNano"]), service, "httpx", http))
            if rnd.random() < 0.5:
                at, tool = self.tool_span(trace_id, root_id, at, name, app)
                spans.append((int(tool["endTimeUnixNano"]), service, "agents", tool))
        end = at + rnd.randrange(1_000_000, 10_000_000)
        succeeded = rnd.random() < 0.8
        root = {
            "traceId": trace_id,
            "spanId": root_id,
            "name": f"invoke_agent {name}",
            "kind": 1,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": [
                string("gen_ai.operation.name", "invoke_agent"),
                string("gen_ai.provider.name", MODELS[0][0]),
                string("gen_ai.agent.name", name),
                string("gen_ai.agent.id", f"asst_{name.replace('-', '_')}"),
                string("gen_ai.request.model", MODELS[0][1]),
                string("enduser.id", f"user-{rnd.randrange(5000):05d}"),
                *app,
            ],
            "events": [
                {
                    "timeUnixNano": str(end + rnd.randrange(1_000_000_000, 60_000_000_000)),
                    "name": "gen_ai.evaluation.result",
                    "attributes": [
                        string("gen_ai.evaluation.name", "task_success"),
                        double("gen_ai.evaluation.score.value", 1.0 if succeeded else 0.0),
                        string("gen_ai.evaluation.score.label", "pass" if succeeded else "fail"),
                        string(
                            "gen_ai.evaluation.explanation",
                            "the user confirmed the answer resolved the request"
                            if succeeded
                            else "the user asked for a human agent",
                        ),
                    ],
                }
            ],
            "status": {},
            "flags": 256,
        }
        spans.append((end, service, "agents", root))
        self.clock = start + rnd.randrange(10_000_000, 200_000_000)
        return Trace(spans)

    def chat_span(self, trace_id: str, parent: str, at: int, app: list[dict]) -> tuple[int, dict]:
        rnd = self.random
        provider, model, response_model, price_in, price_cached, price_out = rnd.choice(MODELS)
        start = at + rnd.randrange(100_000, 2_000_000)
        end = start + rnd.randrange(300_000_000, 9_000_000_000)
        input_tokens = rnd.randrange(200, 12_000)
        cached = rnd.choice([0, 0, input_tokens // 2 // 1024 * 1024])
        output_tokens = rnd.randrange(20, 1_500)
        cost = (
            (input_tokens - cached) * price_in + cached * price_cached + output_tokens * price_out
        ) / 1_000_000
        attributes = [
            string("gen_ai.operation.name", "chat"),
            string("gen_ai.request.model", model),
            string("gen_ai.provider.name", provider),
            string("server.address", SERVERS[provider]),
            strings("gen_ai.response.finish_reasons", rnd.choice(FINISH_REASONS)),
            string("gen_ai.response.model", response_model),
            string("gen_ai.response.id", f"chatcmpl-{self.hex_id(24)}"),
            integer("gen_ai.usage.input_tokens", input_tokens),
            integer("gen_ai.usage.output_tokens", output_tokens),
            double("gen_ai.usage.cost.amount", round(cost, 9)),
            string("gen_ai.usage.cost.currency", "USD"),
            *app,
        ]
        if cached:
            attributes.append(integer("gen_ai.usage.cache_read.input_tokens", cached))
        if rnd.random() < 0.3:
            attributes.append(double("gen_ai.request.temperature", rnd.choice([0.0, 0.2, 0.7])))
        span = {
            "traceId": trace_id,
            "spanId": self.hex_id(16),
            "parentSpanId": parent,
            "name": f"chat {model}",
            "kind": 3,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": attributes,
            "status": {},
            "flags": 256,
        }
        if rnd.random() < 0.02:
            attributes.append(string("error.type", "<class 'openai.RateLimitError'>"))
            span["status"] = {"message": "Error code: 429 - rate limit exceeded", "code": 2}
        return end, span

    def http_span(self, chat: dict) -> dict:
        """The HTTP client span under a chat span (httpx instrumentation, as the OpenAI and
        Anthropic SDKs call through httpx): not a call, as the GenAI conventions say."""
        rnd = self.random
        start = int(chat["startTimeUnixNano"]) + rnd.randrange(50_000, 500_000)
        end = int(chat["endTimeUnixNano"]) - rnd.randrange(50_000, 500_000)
        server = next(a for a in chat["attributes"] if a["key"] == "server.address")
        host = server["value"]["stringValue"]
        path = "/v1/messages" if "anthropic" in host else "/v1/chat/completions"
        error = "code" in chat["status"]
        return {
            "traceId": chat["traceId"],
            "spanId": self.hex_id(16),
            "parentSpanId": chat["spanId"],
            "name": "POST",
            "kind": 3,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": [
                string("http.request.method", "POST"),
                string("url.full", f"https://{host}{path}"),
                string("server.address", host),
                integer("server.port", 443),
                string("network.protocol.version", "1.1"),
                integer("http.response.status_code", 429 if error else 200),
            ],
            "status": {"code": 2} if error else {},
            "flags": 256,
        }

    def tool_span(
        self, trace_id: str, parent: str, at: int, agent: str, app: list[dict]
    ) -> tuple[int, dict]:
        rnd = self.random
        tool, kind = rnd.choice(TOOLS)
        start = at + rnd.randrange(100_000, 1_000_000)
        end = start + rnd.randrange(5_000_000, 900_000_000)
        return end, {
            "traceId": trace_id,
            "spanId": self.hex_id(16),
            "parentSpanId": parent,
            "name": f"execute_tool {tool}",
            "kind": 1,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(end),
            "attributes": [
                string("gen_ai.operation.name", "execute_tool"),
                string("gen_ai.tool.name", tool),
                string("gen_ai.tool.type", kind),
                string("gen_ai.tool.call.id", f"call_{self.hex_id(24)}"),
                *app,
            ],
            "status": {},
            "flags": 256,
        }


def resource(service: int, instance: str) -> dict:
    name, _, version = SERVICES[service]
    return {
        "attributes": [
            string("telemetry.sdk.language", "python"),
            string("telemetry.sdk.name", "opentelemetry"),
            string("telemetry.sdk.version", "1.45.2"),
            string("service.name", name),
            string("service.version", version),
            string("service.instance.id", instance),
            string("deployment.environment.name", "production"),
            string("host.name", f"{name}-7d9f8b6c4-{instance[:5]}"),
        ]
    }


SCOPES = {
    "openai_v2": {"name": "opentelemetry.instrumentation.openai_v2", "version": "2.4b0"},
    "agents": {"name": "opentelemetry.instrumentation.openai_agents", "version": "0.1.0"},
    "httpx": {"name": "opentelemetry.instrumentation.httpx", "version": "0.58b0"},
}


def request(spans: list[tuple[int, int, str, dict]], instances: list[str]) -> dict:
    """One ExportTraceServiceRequest: spans grouped by service (resource), then by scope."""
    grouped: dict[int, dict[str, list[dict]]] = {}
    for _, service, scope, span in spans:
        grouped.setdefault(service, {}).setdefault(scope, []).append(span)
    return {
        "resourceSpans": [
            {
                "resource": resource(service, instances[service]),
                "scopeSpans": [
                    {"scope": SCOPES[scope], "spans": scope_spans}
                    for scope, scope_spans in scopes.items()
                ],
            }
            for service, scopes in grouped.items()
        ]
    }


def lines(total_bytes: int, request_bytes: int = REQUEST_BYTES, seed: int = 0) -> Iterator[str]:
    """Lines of an export of about total_bytes, each one request of about request_bytes."""
    generator = Generator(seed)
    instances = [generator.hex_id(32) for _ in SERVICES]
    pending: list[tuple[int, int, str, dict]] = []
    written = 0
    batch_spans = 64
    while written < total_bytes:
        while len(pending) < batch_spans * 2:
            pending.extend(generator.trace().spans)
        pending.sort(key=lambda item: item[0])
        batch, pending = pending[:batch_spans], pending[batch_spans:]
        line = json.dumps(request(batch, instances), separators=(",", ":"))
        # aim the next request at request_bytes from this one's bytes per span
        batch_spans = max(1, round(batch_spans * request_bytes / len(line)))
        written += len(line) + 1
        yield line


def write(path: Path, total_bytes: int, request_bytes: int = REQUEST_BYTES, seed: int = 0) -> int:
    """Write an export of about total_bytes to path; returns the number of spans."""
    path.parent.mkdir(parents=True, exist_ok=True)
    spans = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in lines(total_bytes, request_bytes, seed):
            spans += line.count('"spanId"')
            handle.write(line + "\n")
    return spans


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--mb", type=float, default=45.0, help="size of the export in MB")
    parser.add_argument("--request-kb", type=float, default=REQUEST_BYTES / 1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    spans = write(args.path, int(args.mb * 1e6), int(args.request_kb * 1000), args.seed)
    print(f"{args.path}: {args.path.stat().st_size / 1e6:.1f} MB, {spans:,} spans")


if __name__ == "__main__":
    main()
