"""Loud failure instead of an empty green build (docs/bad_input.md).

Input that loads but gives nothing usable to cost fails the dbt test
assert_span_sources_usable, and `aiue run` exits 3 naming the top rejection reasons with
their counts. Each shape that used to end in exit 0, PASS and `aiue metrics` printing `[]` is
built once here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue

pytestmark = pytest.mark.dbt

HEADER = "trace_id,span_id,operation_name,start_time,provider_name,response_model,input_tokens\n"


def run(data: Path, capsys: pytest.CaptureFixture) -> tuple[int, str, dict[str, str]]:
    """`aiue run`: exit code, stderr, and the status of each dbt test of the build."""
    db_path = data.parent / "aiue.duckdb"
    code = aiue(["run", "--input", str(data), "--db", str(db_path)])
    error = capsys.readouterr().err
    results = json.loads((data.parent / ".aiue" / "target" / "run_results.json").read_text())
    tests = {
        item["unique_id"].split(".")[2]: item["status"]
        for item in results["results"]
        if item["unique_id"].startswith("test.")
    }
    return code, error, tests


def flat(tmp_path: Path, rows: list[str]) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "genai_spans.csv").write_text(HEADER + "".join(row + "\n" for row in rows))
    return data


def test_every_row_invalid_exits_3_naming_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = flat(
        tmp_path,
        [f"t1,s{n},chat,{n} minutes ago,openai,gpt-4o-mini,10" for n in range(1, 4)]
        + ["t1,s4,chat,2026-01-01T00:00:00Z,openai,gpt-4o-mini,lots"],
    )
    code, error, tests = run(data, capsys)
    assert code == 3
    assert tests["assert_span_sources_usable"] == "fail"
    assert "aiue: unusable input: the spans gave nothing usable to cost" in error
    assert "flat: 4 rows, 0 calls, 0 agent/workflow and other non-call spans, 4 invalid" in error
    assert (
        "3 rows: start_time_unreadable (e.g. start_time is not an ISO-8601 timestamp or "
        "epoch number: 1 minutes ago)" in error
    )
    assert "1 rows: input_tokens_not_a_count" in error
    assert "Traceback" not in error


def test_more_than_half_invalid_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = "t1,s1,chat,2026-01-01T00:00:00Z,openai,gpt-4o-mini,10"
    bad = [f"t1,s{n},chat,2026-01-01T00:00:0{n}Z,openai,gpt-4o-mini,-{n}" for n in range(2, 5)]
    code, error, tests = run(flat(tmp_path, [good, *bad]), capsys)
    assert code == 3
    assert tests["assert_span_sources_usable"] == "fail"
    assert "flat: 4 rows, 1 calls, 0 agent/workflow and other non-call spans, 3 invalid" in error
    assert "<- unusable" in error and "3 rows: input_tokens_not_a_count" in error


def test_only_non_call_spans_exit_3_naming_their_operations(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """HTTP server spans and an agent span: valid, but nothing is a model or tool call."""
    spans = [
        {"traceId": "ab" * 16, "spanId": f"{n:016x}", "name": name, "kind": 2,
         "startTimeUnixNano": str(1_790_000_000_000_000_000 + n),
         "endTimeUnixNano": str(1_790_000_000_500_000_000 + n),
         "attributes": attributes}
        for n, (name, attributes) in enumerate(
            [("GET /health", [{"key": "http.route", "value": {"stringValue": "/health"}}]),
             ("POST /ask", []),
             ("invoke_agent helper",
              [{"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}}])],
            start=1)
    ]  # fmt: skip
    data = tmp_path / "data"
    (data / "otlp").mkdir(parents=True)
    document = {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}
    (data / "otlp" / "traces.jsonl").write_text(json.dumps(document) + "\n")
    code, error, tests = run(data, capsys)
    assert code == 3
    assert tests["assert_span_sources_usable"] == "fail"
    assert "otel_traces: 3 rows, 0 calls, 3 agent/workflow and other non-call spans" in error
    assert "none is a model or tool call (operations: (none) 2, invoke_agent 1)" in error


def test_a_header_only_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, error, tests = run(flat(tmp_path, []), capsys)
    assert code == 3
    assert tests["assert_span_sources_usable"] == "fail"
    assert "flat: 0 rows, 0 calls" in error
