"""The OTLP JSON reader on its own (no dbt build): every span as written, read file by file and
line by line; nested values; ids validated, never guessed; the limits, refused by name.

Spans are read back from aiue_raw.otel_traces and compared with an independent reading of
the files (json, base64 and the OTLP specification's encoding rules), never with the
reader's own SQL.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.devtools import otlp_export
from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest import otlp
from ai_unit_economics.ingest.inputs import find_inputs
from ai_unit_economics.ingest.loaders import load_duckdb

RAW_COLUMNS = """
    timestamp, traceid, spanid, parentspanid, spanname, servicename, resourceattributes,
    scopename, spanattributes, duration, statuscode, "events.timestamp", "events.name",
    "events.attributes", _aiue_source_file, _aiue_source_row
"""


def load(folder: Path) -> list[dict]:
    db_path = folder.parent / f"{folder.name}.duckdb"
    db_path.unlink(missing_ok=True)
    load_duckdb(db_path, find_inputs(folder))
    with duckdb.connect(str(db_path)) as connection:
        cursor = connection.execute(
            f"select {RAW_COLUMNS} from aiue_raw.otel_traces "
            "order by _aiue_source_file, _aiue_source_row"
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def write_export(folder: Path, name: str, documents: list[dict]) -> Path:
    path = folder / "otlp" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(document) + "\n" for document in documents))
    return path


def one_span(attributes: list[dict], **fields: object) -> dict:
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": "chat gpt-4o-mini",
        "kind": 3,
        "startTimeUnixNano": "1790000000000000000",
        "endTimeUnixNano": "1790000001000000000",
        "attributes": attributes,
        "status": {},
    }
    return {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [{**span, **fields}]}]}]}


def attribute(key: str, value: dict) -> dict:
    return {"key": key, "value": value}


# --- an independent reading ------------------------------------------------------------------


def value_text(value: dict | None) -> str | None:
    """An AnyValue as the Collector's ClickHouse exporter prints it: a scalar as text, an
    array or key/value list as JSON with scalars as strings and nested lists nested."""
    if not value:
        return None
    (kind, inner), *_ = value.items()
    if kind in ("arrayValue", "kvlistValue"):
        return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)
    if kind == "boolValue":
        return "true" if inner else "false"
    return str(inner)


def plain(value: dict | None) -> object:
    if not value:
        return None
    (kind, inner), *_ = value.items()
    if kind == "arrayValue":
        return [plain(item) for item in inner["values"]]
    if kind == "kvlistValue":
        return {item["key"]: plain(item.get("value")) for item in inner["values"]}
    return value_text(value)


def as_written(attributes: list[dict]) -> dict:
    found: dict[str, str | None] = {}
    for item in attributes or []:
        found.setdefault(item["key"], value_text(item.get("value")))
    return found


def hex_id(text: str | None, digits: int) -> str | None:
    if not text or set(text) == {"0"}:
        return None
    if len(text) == digits and all(c in "0123456789abcdefABCDEF" for c in text):
        return text.lower()
    decoded = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "==")
    return decoded.hex() if len(decoded) == digits // 2 and any(decoded) else None


def expected_rows(paths: list[Path]) -> list[dict]:
    """The raw rows of an export, from the files: one per span, in document order."""
    rows = []
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            documents = [json.loads(line) for line in handle if line.strip()]
        position = 0
        for document in documents:
            for resource_spans in document["resourceSpans"]:
                resource_attributes = as_written(resource_spans["resource"]["attributes"])
                for scope_spans in resource_spans["scopeSpans"]:
                    for span in scope_spans["spans"]:
                        position += 1
                        events = span.get("events", [])
                        rows.append(
                            {
                                "timestamp": span["startTimeUnixNano"],
                                "traceid": hex_id(span["traceId"], 32),
                                "spanid": hex_id(span["spanId"], 16),
                                "parentspanid": hex_id(span.get("parentSpanId"), 16),
                                "spanname": span["name"],
                                "servicename": resource_attributes.get("service.name"),
                                "resourceattributes": resource_attributes,
                                "scopename": scope_spans["scope"]["name"],
                                "spanattributes": as_written(span["attributes"]),
                                "duration": str(
                                    int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])
                                ),
                                "statuscode": None
                                if "code" not in span["status"]
                                else str(span["status"]["code"]),
                                "events.timestamp": [event["timeUnixNano"] for event in events],
                                "events.name": [event["name"] for event in events],
                                "events.attributes": [
                                    as_written(event["attributes"]) for event in events
                                ],
                                "_aiue_source_file": str(path),
                                "_aiue_source_row": position,
                            }
                        )
    return rows


def same_values(loaded: dict, expected: dict) -> bool:
    """Attribute maps equal, doubles compared as numbers (a JSON number's text is the
    writer's, e.g. 1.5e-05 or 0.000015)."""
    if loaded.keys() != expected.keys():
        return False
    for key, value in expected.items():
        if loaded[key] == value:
            continue
        try:
            if float(loaded[key]) != float(value):
                return False
        except (TypeError, ValueError):
            return False
    return True


def assert_rows_as_written(loaded: list[dict], expected: list[dict]) -> None:
    assert len(loaded) == len(expected)
    maps = ("resourceattributes", "spanattributes")
    for got, want in zip(loaded, expected, strict=True):
        assert {k: v for k, v in got.items() if k not in maps and k != "events.attributes"} == {
            k: v for k, v in want.items() if k not in maps and k != "events.attributes"
        }
        for column in maps:
            assert same_values(got[column], want[column]), (column, got["spanid"])
        assert len(got["events.attributes"]) == len(want["events.attributes"])
        for got_event, want_event in zip(
            got["events.attributes"], want["events.attributes"], strict=True
        ):
            assert same_values(got_event, want_event), got["spanid"]


# --- streaming: file by file, line by line ----------------------------------------------------


def test_an_export_in_many_files_and_lines_loads_every_span_as_written(tmp_path: Path) -> None:
    """Agent traces (devtools.otlp_export: invoke_agent roots with evaluation events, chat
    spans with usage and cost, tool and HTTP spans), 3 files of about 12 requests each, one
    gzip-compressed: every span as written, numbered within its file in document order."""
    folder = tmp_path / "export"
    paths = []
    for index, name in enumerate(["a.jsonl", "b.jsonl", "c.jsonl.gz"]):
        lines = list(otlp_export.lines(600_000, request_bytes=50_000, seed=index))
        text = "".join(line + "\n" for line in lines)
        path = folder / "otlp" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
        paths.append(path)
        assert len(lines) >= 10
    loaded = load(folder)
    expected = expected_rows(paths)
    assert len(expected) > 1000
    assert_rows_as_written(loaded, expected)
    # the export's shapes are all there
    operations = {row["spanattributes"].get("gen_ai.operation.name") for row in loaded}
    assert {"invoke_agent", "chat", "execute_tool"} <= operations
    assert any("gen_ai.evaluation.result" in row["events.name"] for row in loaded)
    assert any("gen_ai.usage.cost.amount" in row["spanattributes"] for row in loaded)
    # one file holding the same lines gives the same spans, numbered on
    whole = tmp_path / "whole"
    (whole / "otlp").mkdir(parents=True)
    with (whole / "otlp" / "all.jsonl").open("wb") as handle:
        for path in paths:
            handle.write(gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else (
                path.read_bytes()))  # fmt: skip
    together = load(whole)
    assert [row["_aiue_source_row"] for row in together] == list(range(1, len(loaded) + 1))
    keep = ("traceid", "spanid", "spanattributes", "events.attributes")
    assert [[row[k] for k in keep] for row in together] == [
        [row[k] for k in keep] for row in loaded
    ]


# --- values and ids -----------------------------------------------------------------------------


NESTED = attribute(
    "gen_ai.input.messages",
    {
        "arrayValue": {
            "values": [
                {
                    "kvlistValue": {
                        "values": [
                            attribute("role", {"stringValue": "user"}),
                            attribute(
                                "parts",
                                {
                                    "arrayValue": {
                                        "values": [
                                            {
                                                "kvlistValue": {
                                                    "values": [
                                                        attribute("type", {"stringValue": "text"}),
                                                        attribute(
                                                            "content",
                                                            {"stringValue": 'say "hi" \\ é\n'},
                                                        ),
                                                    ]
                                                }
                                            }
                                        ]
                                    }
                                },
                            ),
                            attribute("tokens", {"intValue": "12"}),
                            attribute("cached", {"boolValue": False}),
                            attribute("score", {"doubleValue": 0.5}),
                            attribute("empty", {"kvlistValue": {"values": []}}),
                            attribute("none", {}),
                        ]
                    }
                },
                {"arrayValue": {"values": [{"intValue": 1}, {"arrayValue": {"values": []}}]}},
            ]
        }
    },
)


def test_a_key_value_list_nested_in_another_is_nested_json(tmp_path: Path) -> None:
    """Once stored as {"parts": null}: nested arrays and key/value lists become nested JSON,
    in span attributes, event attributes and resource attributes alike."""
    inner = attribute(
        "outer", {"kvlistValue": {"values": [attribute("inner", {"stringValue": "x"})]}}
    )
    document = one_span(
        [NESTED, inner, attribute("flat", {"arrayValue": {"values": [{"stringValue": "stop"}]}})],
        events=[{"timeUnixNano": "1790000000500000000", "name": "e", "attributes": [NESTED]}],
    )
    document["resourceSpans"][0]["resource"]["attributes"] = [inner]
    write_export(tmp_path / "nested", "spans.jsonl", [document])
    [row] = load(tmp_path / "nested")
    messages = row["spanattributes"]["gen_ai.input.messages"]
    assert messages == (
        '[{"role":"user","parts":[{"type":"text","content":"say \\"hi\\" \\\\ é\\n"}],'
        '"tokens":"12","cached":"false","score":"0.5","empty":{},"none":null},["1",[]]]'
    )
    assert json.loads(messages) == plain(NESTED["value"])
    assert row["spanattributes"]["outer"] == '{"inner":"x"}'
    assert row["spanattributes"]["flat"] == '["stop"]'  # as before: scalars as strings
    assert row["events.attributes"][0]["gen_ai.input.messages"] == messages
    assert row["resourceattributes"]["outer"] == '{"inner":"x"}'


def test_a_value_nested_deeper_than_the_reader_renders_is_kept_as_its_otlp_json(
    tmp_path: Path,
) -> None:
    value: dict = {"stringValue": "bottom"}
    for _ in range(otlp.NESTING_DEPTH + 1):
        value = {"kvlistValue": {"values": [attribute("k", value)]}}
    write_export(tmp_path / "deep", "spans.jsonl", [one_span([attribute("deep", value)])])
    [row] = load(tmp_path / "deep")
    assert json.loads(row["spanattributes"]["deep"]) == value  # nothing dropped


@pytest.mark.parametrize(
    ("field", "written", "stored", "noted"),
    [
        ("spanId", "EEE19B7EC3C1B174", "eee19b7ec3c1b174", False),  # hex, upper case
        ("spanId", "7uGbfsPBsXQ=", "eee19b7ec3c1b174", False),  # base64 of 8 bytes
        ("spanId", "7uGbfsPBsXQ", "eee19b7ec3c1b174", False),  # unpadded
        ("traceId", "W47/95gDgQPSabYzgT/GDA==", "5b8efff798038103d269b633813fc60c", False),
        ("traceId", "W47_95gDgQPSabYzgT_GDA", "5b8efff798038103d269b633813fc60c", False),
        # 12 hex digits: once decoded as base64 into a 9-byte id, now kept as written
        ("spanId", "abcdef012345", "abcdef012345", True),
        ("spanId", "5b8efff798038103d269b633813fc60c", "5b8efff798038103d269b633813fc60c", True),
        ("traceId", "eee19b7ec3c1b174", "eee19b7ec3c1b174", True),  # a span id's length
        ("traceId", "not an id!", "not an id!", True),
        ("parentSpanId", "0000000000000000", None, False),  # no parent
        ("parentSpanId", "AAAAAAAAAAA=", None, False),  # no parent, in base64
        ("parentSpanId", "", None, False),
    ],
)
def test_ids_are_validated_not_guessed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    written: str,
    stored: str | None,
    noted: bool,
) -> None:
    path = write_export(tmp_path / "ids", "spans.jsonl", [one_span([], **{field: written})])
    [row] = load(tmp_path / "ids")
    column = {"spanId": "spanid", "traceId": "traceid", "parentSpanId": "parentspanid"}[field]
    assert row[column] == stored
    note = capsys.readouterr().out
    if noted:
        assert f"{path}: 1 span(s) with an id that is neither hex" in note
        assert f"{field} {written!r}" in note and "kept as written, not decoded" in note
    else:
        assert "neither hex" not in note


# --- limits -------------------------------------------------------------------------------------


def wide_span(attributes: int) -> dict:
    return one_span(
        [attribute(f"app.key.{i}", {"stringValue": f"value {i}"}) for i in range(attributes)]
    )


def test_a_span_with_100000_attributes_is_refused_by_name(tmp_path: Path) -> None:
    spans = [one_span([attribute("a", {"stringValue": "b"})]), wide_span(100_000)]
    path = write_export(tmp_path / "wide", "spans.jsonl", spans)
    with pytest.raises(UserError) as refused:
        load_duckdb(tmp_path / "wide.duckdb", find_inputs(tmp_path / "wide"))
    assert str(refused.value).startswith(
        f"{path}: line 2, span 'chat gpt-4o-mini' (spanId eee19b7ec3c1b174): the span has "
        "100,000 attributes, more than the limit of 10,000 (AIUE_OTLP_MAX_ATTRIBUTES)."
    )
    with duckdb.connect(str(tmp_path / "wide.duckdb")) as connection:
        assert connection.execute(
            "select count(*) from information_schema.tables where table_name = 'otel_traces'"
        ).fetchall() == [(0,)]  # nothing loaded


def test_100000_attributes_load_in_under_1_gb_and_10_cpu_seconds_when_allowed(
    tmp_path: Path,
) -> None:
    """Flattening is linear in a span's attributes (16,000 once took 14 GB): in a child
    process of its own, so that its peak memory is measured alone."""
    write_export(tmp_path / "wide", "spans.jsonl", [wide_span(100_000)])
    code = """
import sys
from pathlib import Path
import duckdb
from ai_unit_economics.ingest.inputs import find_inputs
from ai_unit_economics.ingest.loaders import load_duckdb
load_duckdb(Path(sys.argv[2]), find_inputs(Path(sys.argv[1])))
with duckdb.connect(sys.argv[2]) as connection:
    print(connection.execute(
        "select cardinality(spanattributes), spanattributes['app.key.99998'] "
        "from aiue_raw.otel_traces"
    ).fetchall())
"""
    env = {**os.environ, "AIUE_OTLP_MAX_ATTRIBUTES": "100000"}
    with subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "wide"), str(tmp_path / "wide.duckdb")],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    ) as child:
        output = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    assert output.strip() == "[(100000, 'value 99998')]"
    assert usage.ru_maxrss * 1024 < 1e9  # KB on Linux
    assert usage.ru_utime + usage.ru_stime < 10


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (
            "event attributes",
            "line 1, span 'chat gpt-4o-mini' (spanId eee19b7ec3c1b174): an event of the span "
            "has 5 attributes, more than the limit of 4 (AIUE_OTLP_MAX_ATTRIBUTES)",
        ),
        (
            "resource attributes",
            "line 1: the resource has 5 attributes, more than the limit of 4 "
            "(AIUE_OTLP_MAX_ATTRIBUTES)",
        ),
        (
            "a long value",
            "line 1, span 'chat gpt-4o-mini' (spanId eee19b7ec3c1b174): attribute "
            "'gen_ai.input.messages' of the span is 1,200 bytes, more than the limit of "
            "1,000 bytes for one value (AIUE_OTLP_MAX_VALUE_BYTES)",
        ),
        (
            "a long event value",
            "attribute 'gen_ai.output.messages' of an event of the span is 1,200 bytes",
        ),
        (
            "a long resource value",
            "line 1: attribute 'process.command_line' of the resource is 1,200 bytes",
        ),
        (
            "a long line",
            "line 2 is {size:,} bytes, more than the limit of 3,000 bytes for one OTLP JSON "
            "document (AIUE_OTLP_MAX_DOCUMENT_BYTES)",
        ),
    ],
)
def test_input_over_a_limit_is_refused_naming_file_line_and_span(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, message: str
) -> None:
    monkeypatch.setenv("AIUE_OTLP_MAX_ATTRIBUTES", "4")
    monkeypatch.setenv("AIUE_OTLP_MAX_VALUE_BYTES", "1000")
    monkeypatch.setenv("AIUE_OTLP_MAX_DOCUMENT_BYTES", "3000")
    five = [attribute(f"k{i}", {"stringValue": "v"}) for i in range(5)]
    long = {"stringValue": "x" * 1200}
    documents = [one_span([])]
    span = documents[0]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    resource_ = documents[0]["resourceSpans"][0]["resource"]
    if shape == "event attributes":
        span["events"] = [{"name": "ok"}, {"name": "wide", "attributes": five}]
    elif shape == "resource attributes":
        resource_["attributes"] = five
    elif shape == "a long value":
        span["attributes"] = [attribute("gen_ai.input.messages", long)]
    elif shape == "a long event value":
        span["events"] = [{"name": "e", "attributes": [attribute("gen_ai.output.messages", long)]}]
    elif shape == "a long resource value":
        resource_["attributes"] = [attribute("process.command_line", long)]
    else:
        documents.append(one_span([attribute(f"k{i}", long) for i in range(3)]))
        monkeypatch.setenv("AIUE_OTLP_MAX_VALUE_BYTES", "100000")
    path = write_export(tmp_path / "over", "spans.jsonl", documents)
    with pytest.raises(UserError) as refused:
        load_duckdb(tmp_path / "over.duckdb", find_inputs(tmp_path / "over"))
    assert str(refused.value).startswith(f"{path}: ")
    size = len(path.read_bytes().splitlines()[-1])
    assert message.format(size=size) in str(refused.value)


def test_a_limit_that_is_not_a_number_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_export(tmp_path / "x", "spans.jsonl", [one_span([])])
    monkeypatch.setenv("AIUE_OTLP_MAX_VALUE_BYTES", "1MB")
    with pytest.raises(UserError, match=r"AIUE_OTLP_MAX_VALUE_BYTES='1MB' is not a whole number"):
        load_duckdb(tmp_path / "x.duckdb", find_inputs(tmp_path / "x"))


def test_aiue_run_exits_2_on_input_over_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIUE_OTLP_MAX_ATTRIBUTES", "100")
    path = write_export(tmp_path / "data", "spans.jsonl", [wide_span(101)])
    code = aiue(["run", "--input", str(tmp_path / "data"), "--db", str(tmp_path / "a.duckdb")])
    assert code == 2
    assert f"{path}: line 1, span 'chat gpt-4o-mini'" in capsys.readouterr().err


def test_a_pretty_printed_document_larger_than_the_reader_buffer_loads(tmp_path: Path) -> None:
    """A document written over many lines is bounded by the reader's maximum object size,
    which starts small (the longest line) and is raised to the limit when a document needs
    it."""
    requests = [json.loads(line) for line in otlp_export.lines(2_000_000, 1_000_000)]
    resource_spans = [rs for request in requests for rs in request["resourceSpans"]]
    document = {"resourceSpans": resource_spans * 17}  # the same spans 17 times
    path = tmp_path / "pretty" / "otlp" / "one.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(document, separators=(",\n", ": ")))  # a line per value
    assert 2 * otlp.READER_OBJECT_BYTES < path.stat().st_size < otlp.Limits().document_bytes
    rows = load(tmp_path / "pretty")
    assert len(rows) == sum(
        len(scope["spans"])
        for resource_spans in document["resourceSpans"]
        for scope in resource_spans["scopeSpans"]
    )


def test_an_empty_file_or_a_request_without_spans_beside_spans_is_fine(tmp_path: Path) -> None:
    """The file exporter's fresh rotation is an empty file; a batch can hold no spans."""
    folder = tmp_path / "data"
    write_export(folder, "a.jsonl", [one_span([])])
    (folder / "otlp" / "b.jsonl").write_text("")
    write_export(folder, "c.jsonl", [{"resourceSpans": []}])
    assert [row["spanid"] for row in load(folder)] == ["eee19b7ec3c1b174"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # once loaded silently without the span's attributes
        (
            {"attributes": {"key": "a", "value": {"stringValue": "b"}}},
            'attributes is {"key": "a", "value": {"stringValue": "b"}}, not a list',
        ),
        (
            {"attributes": [{"key": "a", "value": "b"}]},
            "attribute 'a' has the value \"b\", not an AnyValue object ({stringValue: ...})",
        ),
    ],
)
def test_a_document_not_in_otlps_shape_is_refused_naming_the_line(
    tmp_path: Path, fields: dict, message: str
) -> None:
    path = write_export(tmp_path / "odd", "spans.jsonl", [one_span([]), one_span(**fields)])
    with pytest.raises(UserError) as refused:
        load_duckdb(tmp_path / "odd.duckdb", find_inputs(tmp_path / "odd"))
    assert str(refused.value).startswith(
        f"{path}: line 2, span 'chat gpt-4o-mini' is not in OTLP's shape: {message}."
    )


def test_an_append_adds_the_new_files_spans_and_a_refused_one_leaves_the_table_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "aiue.duckdb"
    write_export(tmp_path / "day1", "a.jsonl", [one_span([])])
    load_duckdb(db_path, find_inputs(tmp_path / "day1"))
    write_export(tmp_path / "day2", "b.jsonl", [one_span([], spanId="1111111111111111")])
    load_duckdb(db_path, find_inputs(tmp_path / "day2"), append=True)
    monkeypatch.setenv("AIUE_OTLP_MAX_ATTRIBUTES", "10")
    write_export(tmp_path / "day3", "c.jsonl", [wide_span(11)])
    with pytest.raises(UserError, match="more than the limit of 10"):
        load_duckdb(db_path, find_inputs(tmp_path / "day3"), append=True)
    with duckdb.connect(str(db_path)) as connection:
        assert connection.execute(
            "select spanid, _aiue_source_row from aiue_raw.otel_traces order by spanid"
        ).fetchall() == [("1111111111111111", 1), ("eee19b7ec3c1b174", 1)]
