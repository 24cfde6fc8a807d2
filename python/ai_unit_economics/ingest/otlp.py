"""Flatten OTLP JSON trace exports into the `otel_traces` raw table, set-based in DuckDB.

The OpenTelemetry Collector's `file` exporter writes one `ExportTraceServiceRequest` per line
(`resourceSpans[].scopeSpans[].spans[]`); other tools write one document per file, possibly
pretty-printed, gzip- or zstd-compressed. DuckDB's JSON reader parses each document once,
straight into the OTLP schema below (structs and lists), and `unnest` walks the levels, so
no Python loop ever touches a span. Files are read one at a time and their spans inserted as
they are read (no window over a whole file, no sort), so memory is bounded by a few documents,
not by the export; a span's attributes become a MAP in one pass over them.

Tolerated, because the OTLP/JSON and protobuf-JSON encodings both occur in the wild:
- field names in lowerCamelCase (`traceId`) or snake_case (`trace_id`), and the pre-1.0
  `instrumentationLibrarySpans`;
- trace and span ids as hex (OTLP/JSON) or base64 (protobuf's JSON mapping, padded or not,
  standard or URL-safe), stored as lower-case hex; an all-zero or empty parent id means no
  parent. An id is hex only with 32 digits (trace) or 16 (span), base64 only when it decodes
  to 16 or 8 bytes; any other id is kept as written, never decoded, and a note names it;
- 64-bit integers (`intValue`, `startTimeUnixNano`) as strings or numbers; times stay text
  (nanoseconds since the epoch) and staging parses them;
- `kind` and `status.code` as integers or enum names (`SPAN_KIND_CLIENT`, `STATUS_CODE_ERROR`);
- attribute values of every AnyValue kind: string, int, double, bool, bytes, and arrays and
  key/value lists as JSON text (as the Collector's ClickHouse exporter renders them), nested
  ones as nested JSON (beyond NESTING_DEPTH levels, the rest as its OTLP JSON);
- missing optional fields (no status, no events, no resource), or JSON null in their place.

Bounded (Limits; environment variables, as `aiue run` takes its DuckDB settings): attributes
per span (and per resource and event), bytes per attribute value, bytes per line (document).
Input over a limit stops the load with a UserError naming the file, line and span.

The result has the Collector's ClickHouse `otel_traces` columns (lower-cased), so OTLP files
and that table share one staging model: `timestamp` is the start time and `duration` the end
minus the start, both in nanoseconds.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import UserError
from ..project import (
    OTEL_TRACES_COLUMNS,
    OTEL_TRACES_LIST_COLUMNS,
    OTEL_TRACES_MAP_COLUMNS,
    OTEL_TRACES_MAP_LIST_COLUMNS,
)
from ..ui.console import UI

# --- limits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one span, value or document may hold; the defaults are generous for real
    telemetry (docs/telemetry.md, "Limits of OTLP input", says why) and each is an
    environment variable."""

    attributes: int = 10_000
    value_bytes: int = 16 * 1024 * 1024
    document_bytes: int = 64 * 1024 * 1024

    VARIABLES = {
        "attributes": "AIUE_OTLP_MAX_ATTRIBUTES",
        "value_bytes": "AIUE_OTLP_MAX_VALUE_BYTES",
        "document_bytes": "AIUE_OTLP_MAX_DOCUMENT_BYTES",
    }

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, with any AIUE_OTLP_MAX_* variable that is set in their place."""
        values = {}
        for field, variable in cls.VARIABLES.items():
            text = os.environ.get(variable, "").strip()
            if not text:
                continue
            try:
                value = int(text.replace("_", ""))
            except ValueError:
                value = 0
            if value < 1:
                raise UserError(
                    f"{variable}={text!r} is not a whole number of at least 1; set it to a "
                    f"limit like {getattr(cls, field)} (or unset it for that default)."
                )
            values[field] = value
        return cls(**values)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


# --- the OTLP schema -----------------------------------------------------------------------


def _struct(**fields: str) -> str:
    return "STRUCT(" + ", ".join(f'"{name}" {kind}' for name, kind in fields.items()) + ")"


def _both(camel: str, snake: str, kind: str) -> dict[str, str]:
    return {camel: kind, snake: kind}


# An AnyValue: scalars as text (a number or bool as JSON writes it), doubles as JSON so that
# they read as DuckDB writes a JSON number (0.00001, not 1e-05), arrays and key/value lists
# as JSON text (rendered by aiue_otlp_container below).
ANY_VALUE = _struct(
    **_both("stringValue", "string_value", "VARCHAR"),
    **_both("intValue", "int_value", "VARCHAR"),
    **_both("doubleValue", "double_value", "JSON"),
    **_both("boolValue", "bool_value", "VARCHAR"),
    **_both("bytesValue", "bytes_value", "VARCHAR"),
    **_both("arrayValue", "array_value", "JSON"),
    **_both("kvlistValue", "kvlist_value", "JSON"),
)
ATTRIBUTES = _struct(key="VARCHAR", value=ANY_VALUE) + "[]"
EVENT = _struct(
    **_both("timeUnixNano", "time_unix_nano", "VARCHAR"), name="VARCHAR", attributes=ATTRIBUTES
)
SPAN = _struct(
    **_both("traceId", "trace_id", "VARCHAR"),
    **_both("spanId", "span_id", "VARCHAR"),
    **_both("parentSpanId", "parent_span_id", "VARCHAR"),
    **_both("traceState", "trace_state", "VARCHAR"),
    name="VARCHAR",
    kind="VARCHAR",
    **_both("startTimeUnixNano", "start_time_unix_nano", "VARCHAR"),
    **_both("endTimeUnixNano", "end_time_unix_nano", "VARCHAR"),
    attributes=ATTRIBUTES,
    events=EVENT + "[]",
    status=_struct(code="VARCHAR", message="VARCHAR"),
)
SCOPE = _struct(name="VARCHAR", version="VARCHAR")
# scopeSpans and the pre-1.0 instrumentationLibrarySpans share one type: one coalesce.
SCOPE_SPANS = _struct(
    scope=SCOPE,
    **_both("instrumentationLibrary", "instrumentation_library", SCOPE),
    spans=SPAN + "[]",
)
RESOURCE_SPANS = _struct(
    resource=_struct(attributes=ATTRIBUTES),
    **_both("scopeSpans", "scope_spans", SCOPE_SPANS + "[]"),
    **_both("instrumentationLibrarySpans", "instrumentation_library_spans", SCOPE_SPANS + "[]"),
)
DOCUMENT_COLUMNS = {"resourceSpans": RESOURCE_SPANS + "[]", "resource_spans": RESOURCE_SPANS + "[]"}

# Arrays and key/value lists (AnyValue containers) become JSON text, nested ones nested JSON.
# DuckDB writes a JSON value minified, with every control character inside a string escaped,
# so the containers are rewritten as text: scalars first ({"stringValue":"a"} -> "a", the way
# the Collector's ClickHouse exporter prints them), then, once per level, the innermost
# containers, into brackets marked with control characters (which the JSON text cannot
# hold) until the outermost is done. No lambda nests in another, so the SQL grows linearly
# with the depth; a value nested deeper than NESTING_DEPTH levels, or not in OTLP's shape,
# is kept as its OTLP JSON text (nothing dropped).
NESTING_DEPTH = 16
_STRING = r'"(?:[^"\\]|\\.)*"'
# an atom: a string, null, or a container already rewritten (marked, no real brackets left)
_ATOM = rf'(?:{_STRING}|null|[\x01\x03](?:{_STRING}|[^"\[\]{{}}])*[\x02\x04])'
_CONTENT = rf'((?:{_STRING}|[^"\[\]{{}}])*)'


def _sql_pattern(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


_CONTAINER = r"(?:arrayValue|array_value|kvlistValue|kvlist_value)"
_PATTERNS = {
    "empty_container": _sql_pattern(r'\{"' + _CONTAINER + r'":\{\}\}'),
    "string": _sql_pattern(
        r'\{"(?:stringValue|string_value|bytesValue|bytes_value)":(' + _STRING + r")\}"
    ),
    "number": _sql_pattern(
        r'\{"(?:intValue|int_value|doubleValue|double_value|boolValue|bool_value)":'
        r'"?([^"\[\]{},:]*)"?\}'
    ),
    "key_value": _sql_pattern(r'\{"key":(' + _STRING + r'),"value":(' + _ATOM + r")\}"),
    "key_only": _sql_pattern(r'\{"key":(' + _STRING + r")\}"),
    "array": _sql_pattern(r'\{"(?:arrayValue|array_value)":\{"values":\[' + _CONTENT + r"\]\}\}"),
    "kvlist": _sql_pattern(
        r'\{"(?:kvlistValue|kvlist_value)":\{"values":\[' + _CONTENT + r"\]\}\}"
    ),
}


def _fold_macros(depth: int) -> str:
    """aiue_otlp_fold_<n>(text): n rounds of rewriting the innermost containers."""
    macros = ["create or replace temp macro aiue_otlp_fold_0(text) as text;\n"]
    for level in range(1, depth + 1):
        macros.append(
            f"create or replace temp macro aiue_otlp_fold_{level}(text) as "
            f"aiue_otlp_fold(aiue_otlp_fold_{level - 1}(text));\n"
        )
    return "".join(macros)


MACROS = (
    """
-- A container's scalars as JSON strings (every kind, as the Collector prints them), an empty
-- AnyValue (or a container without values) as null.
create or replace temp macro aiue_otlp_scalars(text) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(text,
        {empty_container}, 'null', 'g'),
        {string}, '\\1', 'g'),
        {number}, '"\\1"', 'g'),
        '\\{{\\}}', 'null', 'g');

-- One round: key/value items whose value is done become "key":value; arrays and key/value
-- lists holding only done values become marked brackets.
create or replace temp macro aiue_otlp_fold(text) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(text,
        {key_value}, '\\1:\\2', 'g'),
        {key_only}, '\\1:null', 'g'),
        {array}, chr(1) || '\\1' || chr(2), 'g'),
        {kvlist}, chr(3) || '\\1' || chr(4), 'g');
""".format(**_PATTERNS)
    + _fold_macros(NESTING_DEPTH)
    + """
-- A folded container as JSON (marks to brackets); null for a container without values; the
-- OTLP JSON text itself when the outermost container did not come out (nested deeper, or
-- not in OTLP's shape). `folded` is used once: a macro argument used twice would be
-- computed twice.
create or replace temp macro aiue_otlp_finish(folded, text) as
    case
        when regexp_full_match(text, {empty_container}) then null
        else coalesce(
            nullif(
                translate(
                    regexp_replace(folded, '^[^\\x01\\x03].*$', chr(5)),
                    chr(1) || chr(2) || chr(3) || chr(4), '[]{{}}'),
                chr(5)),
            text)
    end;

-- A container value (its OTLP JSON text) as JSON after one round: enough when nothing is
-- nested in it (finish reasons, stop sequences); a nested one comes back as its text, and
-- aiue_otlp_deepen gives it NESTING_DEPTH rounds.
create or replace temp macro aiue_otlp_container(text) as
    aiue_otlp_finish(aiue_otlp_fold_1(aiue_otlp_scalars(text)), text);

create or replace temp macro aiue_otlp_deep_container(text) as
    aiue_otlp_finish(aiue_otlp_fold_{depth}(aiue_otlp_scalars(text)), text);
""".format(depth=NESTING_DEPTH, **_PATTERNS)
    + r"""
-- An AnyValue as read by the schema (a struct): a container's OTLP JSON text, null for a
-- scalar (an array wins over a key/value list, as the first field set does).
create or replace temp macro aiue_otlp_container_text(v) as
    coalesce(
        '{"arrayValue":' || cast(coalesce(v.arrayValue, v.array_value) as varchar) || '}',
        '{"kvlistValue":' || cast(coalesce(v.kvlistValue, v.kvlist_value) as varchar) || '}');

-- An attribute as an entry {k, v, otlp}: v its text (a scalar as written, a container
-- rendered in one round); otlp a container's OTLP JSON text, so that aiue_otlp_deepen can
-- tell one that needed more rounds (v is still that text). A null attribute (an event's
-- opening mark, below) gives {k: null, v: null}.
create or replace temp macro aiue_otlp_entry(attribute) as
    {
        'k': attribute.key,
        'v': coalesce(
            attribute.value.stringValue, attribute.value.string_value,
            attribute.value.intValue, attribute.value.int_value,
            coalesce(attribute.value.doubleValue, attribute.value.double_value) ->> '$',
            attribute.value.boolValue, attribute.value.bool_value,
            attribute.value.bytesValue, attribute.value.bytes_value,
            aiue_otlp_container(aiue_otlp_container_text(attribute.value))),
        'otlp': case
            when coalesce(
                attribute.value.stringValue, attribute.value.string_value,
                attribute.value.intValue, attribute.value.int_value,
                attribute.value.boolValue, attribute.value.bool_value,
                attribute.value.bytesValue, attribute.value.bytes_value) is null
                and coalesce(attribute.value.doubleValue, attribute.value.double_value) is null
                then aiue_otlp_container_text(attribute.value)
        end
    };

-- A key/value list as entries, in order, without attributes that have no key.
create or replace temp macro aiue_otlp_entries(attributes) as
    list_transform(
        list_filter(coalesce(attributes, []), lambda attribute: attribute.key is not null),
        lambda attribute: aiue_otlp_entry(attribute));

-- The attributes of every event of a span in one list, each event opened by a null mark, so
-- one lambda (not one per event) renders them all.
create or replace temp macro aiue_otlp_event_attributes(events) as
    flatten(list_transform(
        coalesce(events, []),
        lambda event: list_prepend(
            null,
            list_filter(
                coalesce(event.attributes, []), lambda attribute: attribute.key is not null))));

-- Entries as {k, v}, a container that one round left as it was given every round; the
-- rounds are only written into the lambda for a list that has such a container.
create or replace temp macro aiue_otlp_deepen(entries) as
    case
        when list_contains(list_transform(entries, lambda e: e.v = e.otlp), true)
            then list_transform(entries, lambda e: {
                'k': e.k,
                'v': case when e.v = e.otlp then aiue_otlp_deep_container(e.otlp) else e.v end})
        else list_transform(entries, lambda e: {'k': e.k, 'v': e.v})
    end;

-- The positions of the events' opening marks in aiue_otlp_event_attributes.
create or replace temp macro aiue_otlp_event_starts(entries) as
    list_filter(
        list_transform(entries, lambda e, i: case when e.k is null then i end),
        lambda i: i is not null);

-- Entries as a MAP: a repeated key keeps its first value (OTLP forbids repeats). One pass when
-- the keys are distinct (the usual case: map_from_entries refuses repeats); otherwise the
-- entries are sorted by key once, the first of each key kept and the rest put back in their
-- order: never quadratic. (A list of one element binds the sorted list to a lambda's name,
-- so that the inner lambda reads it instead of sorting again for each element.)
create or replace temp macro aiue_otlp_map(entries) as
    coalesce(
        try(map_from_entries(entries)),
        map_from_entries(list_transform(
            list_sort(list_transform(
                list_transform(
                    [list_sort(list_transform(entries, lambda e, i: {'k': e.k, 'i': i, 'v': e.v}))],
                    lambda sorted: list_filter(
                        sorted, lambda e, i: i = 1 or sorted[i - 1].k <> e.k))[1],
                lambda e: {'i': e.i, 'k': e.k, 'v': e.v})),
            lambda e: {'k': e.k, 'v': e.v})));

-- For the limits: the longest value of entries in bytes (0 when none), the key of the first
-- value longer than `bytes`, the most attributes an event of the span has.
create or replace temp macro aiue_otlp_longest(entries) as
    coalesce(list_max(list_transform(entries, lambda e: strlen(e.v))), 0);

create or replace temp macro aiue_otlp_key_over(entries, bytes) as
    list_filter(entries, lambda e: strlen(e.v) > bytes)[1].k;

create or replace temp macro aiue_otlp_most_event_attributes(events) as
    coalesce(list_max(list_transform(events, lambda event: len(event.attributes))), 0);

-- An id: hex of `digits` hex digits, or base64 (standard or URL-safe, padded or not) of
-- digits / 2 bytes, as lower-case hex; empty or all zero is null; anything else as written.
create or replace temp macro aiue_otlp_id(id, digits) as
    case
        when id is null or trim(id) = '' or regexp_matches(id, '^0+$') then null
        when length(id) = digits and regexp_matches(id, '^[0-9a-fA-F]+$') then lower(id)
        when aiue_otlp_is_base64_id(id, digits)
            then nullif(
                lower(hex(from_base64(rpad(translate(rtrim(id, '='), '-_', '+/'),
                    (digits // 2 + 2) // 3 * 4, '=')))),
                repeat('0', digits))
        else id
    end;

create or replace temp macro aiue_otlp_is_base64_id(id, digits) as
    id is not null
    and regexp_matches(id, '^[A-Za-z0-9+/_-]+=*$')
    and length(rtrim(id, '=')) = (digits // 2 * 4 + 2) // 3
    and length(id) <= (digits // 2 + 2) // 3 * 4;

"""
)

# --- the load ------------------------------------------------------------------------------

# The raw table's columns (project.OTEL_TRACES_COLUMNS, the contract with staging) and types,
# the same as the otel_traces loader's.
COLUMNS = {
    **{
        name: "MAP(VARCHAR, VARCHAR)"
        if name in OTEL_TRACES_MAP_COLUMNS
        else "VARCHAR[]"
        if name in OTEL_TRACES_LIST_COLUMNS
        else "MAP(VARCHAR, VARCHAR)[]"
        if name in OTEL_TRACES_MAP_LIST_COLUMNS
        else "VARCHAR"
        for name in OTEL_TRACES_COLUMNS
    },
    "_aiue_source_file": "VARCHAR",
    "_aiue_source_row": "BIGINT",
}
LIMIT_MARK = "aiue_otlp_limit:"
# The reader's maximum object size when every line of a file is shorter (DuckDB's default).
READER_OBJECT_BYTES = 16 * 1024 * 1024


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _within(cases: list[tuple[str, int, str, str]], context: dict[str, str]) -> str:
    """A predicate that is true, or stops the statement with error() at the first case whose
    count exceeds its limit: (count, limit, limit name, what), with the context (document,
    span, key) that the loader turns into a sentence (_limit_error)."""
    fields = ", ".join(f"'{key}': {value}" for key, value in context.items())
    whens = "".join(
        f"""
            when {count} > {limit} then error('{LIMIT_MARK}' || to_json({{
                'limit': '{name}', 'what': '{what}', 'count': {count}, {fields}}}))"""
        for count, limit, name, what in cases
    )
    return f"case{whens}\n            else true\n        end"


def select_sql(path: Path, limits: Limits, object_size: int | None = None) -> str:
    """One row per span of the file at `path`, in document order, with the otel_traces raw
    columns, _aiue_source_file and _aiue_source_row (the span's 1-based position in its file).
    Every step streams (unnest, a row number over the rows as they come), so the file is
    never held whole; each list of attributes is rendered by one lambda (an event's are
    rendered with the span's, not by a lambda per event)."""
    columns = ", ".join(f"{_quoted(k)}: {_sql_text(v)}" for k, v in DOCUMENT_COLUMNS.items())
    reader = (
        f"read_json({_sql_text(str(path))}, format = 'auto', columns = {{{columns}}}, "
        f"maximum_object_size = {object_size or limits.document_bytes})"
    )
    most, longest = limits.attributes, limits.value_bytes
    document = {"document": "document_number"}
    span = {**document, "span": "span.name", "span_id": "coalesce(span.spanId, span.span_id)"}
    resource_count = _within(
        [("len(resource.attributes)", most, "attributes", "resource")], document
    )
    resource_value = _within(
        [("aiue_otlp_longest(resource_entries)", longest, "value_bytes", "resource")],
        {**document, "key": f"aiue_otlp_key_over(resource_entries, {longest})"},
    )
    span_count = _within(
        [
            ("len(span.attributes)", most, "attributes", "span"),
            ("aiue_otlp_most_event_attributes(span.events)", most, "attributes", "event"),
        ],
        span,
    )
    span_value = _within(
        [
            ("aiue_otlp_longest(span_entries)", longest, "value_bytes", "span"),
            ("aiue_otlp_longest(event_entries)", longest, "value_bytes", "event"),
        ],
        {**span, "key": f"aiue_otlp_key_over(span_entries || event_entries, {longest})"},
    )
    return f"""
with documents as (
    select
        row_number() over () as document_number,
        coalesce("resourceSpans", "resource_spans") as resource_spans
    from {reader}
),

resources as (
    select
        document_number,
        resource_span.resource,
        coalesce(
            resource_span.scopeSpans, resource_span.scope_spans,
            resource_span.instrumentationLibrarySpans,
            resource_span.instrumentation_library_spans) as scope_spans
    from (select document_number, unnest(resource_spans) as resource_span from documents)
),

resource_entries as (
    select
        document_number,
        scope_spans,
        aiue_otlp_deepen(aiue_otlp_entries(resource.attributes)) as resource_entries
    from resources
    where {resource_count}
),

scopes as (
    select
        document_number,
        aiue_otlp_map(resource_entries) as resource_attributes,
        unnest(scope_spans) as scope_span
    from resource_entries
    where {resource_value}
),

spans as (
    select
        document_number,
        resource_attributes,
        coalesce(
            scope_span.scope, scope_span.instrumentationLibrary,
            scope_span.instrumentation_library) as scope,
        unnest(scope_span.spans) as span
    from scopes
),

rendered as (
    select
        document_number,
        resource_attributes,
        scope,
        span,
        aiue_otlp_entries(span.attributes) as span_entries,
        list_transform(
            aiue_otlp_event_attributes(span.events), lambda attribute: aiue_otlp_entry(attribute))
            as event_entries
    from spans
    where {span_count}
),

flattened as (
    select
        document_number,
        resource_attributes,
        scope,
        span,
        aiue_otlp_deepen(span_entries) as span_entries,
        aiue_otlp_deepen(event_entries) as event_entries
    from rendered
),

marked as (
    select *, aiue_otlp_event_starts(event_entries) as event_starts
    from flattened
    where {span_value}
),

events as (
    select
        *,
        -- each event's entries: the ones after its mark, up to the next mark (list_select:
        -- a list_slice of a list that a lambda captures copies the list)
        list_transform(
            event_starts,
            lambda start, event: list_select(event_entries, range(
                start + 1, coalesce(event_starts[event + 1], len(event_entries) + 1))))
            as event_attributes
    from marked
)

select
    coalesce(span.startTimeUnixNano, span.start_time_unix_nano) as timestamp,
    aiue_otlp_id(coalesce(span.traceId, span.trace_id), 32) as traceid,
    aiue_otlp_id(coalesce(span.spanId, span.span_id), 16) as spanid,
    aiue_otlp_id(coalesce(span.parentSpanId, span.parent_span_id), 16) as parentspanid,
    coalesce(span.traceState, span.trace_state) as tracestate,
    span.name as spanname,
    span.kind as spankind,
    resource_attributes['service.name'] as servicename,
    coalesce(resource_attributes, map()) as resourceattributes,
    scope.name as scopename,
    scope.version as scopeversion,
    coalesce(aiue_otlp_map(span_entries), map()) as spanattributes,
    cast(
        try_cast(coalesce(span.endTimeUnixNano, span.end_time_unix_nano) as hugeint)
        - try_cast(coalesce(span.startTimeUnixNano, span.start_time_unix_nano) as hugeint)
        as varchar) as duration,
    span.status.code as statuscode,
    span.status.message as statusmessage,
    list_transform(
        coalesce(span.events, []),
        lambda event: coalesce(event.timeUnixNano, event.time_unix_nano)) as "events.timestamp",
    list_transform(coalesce(span.events, []), lambda event: event.name) as "events.name",
    list_transform(event_attributes, lambda entries: coalesce(aiue_otlp_map(entries), map()))
        as "events.attributes",
    {_sql_text(str(path))} as _aiue_source_file,
    row_number() over () as _aiue_source_row
from events
"""


def create_raw_table(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    folder: Path,
    files: list[Path],
    limits: Limits | None = None,
) -> int:
    """Create `relation` from the OTLP files, one file at a time; returns its row count.
    Raises UserError naming the file (and line and span where there is one) for a file
    that is not JSON, holds documents but no OTLP traces, or exceeds a limit; the relation
    is then dropped, not left half loaded."""
    limits = limits or Limits.from_environment()
    connection.execute(MACROS)
    # a file's insert can take a while: DuckDB's own progress bar would print over aiue's
    connection.execute("set enable_progress_bar = false")
    columns = ", ".join(f"{_quoted(name)} {kind}" for name, kind in COLUMNS.items())
    connection.execute(f"create or replace table {relation} ({columns})")
    try:
        empty = [path for path in files if not _insert_file(connection, relation, path, limits)]
        if empty:
            _check_files_have_traces(connection, folder, empty, limits)
    except UserError:
        connection.execute(f"drop table if exists {relation}")
        raise
    _report_kept_ids(connection, relation)
    return connection.execute(f"select count(*) from {relation}").fetchall()[0][0]


def _insert_file(
    connection: duckdb.DuckDBPyConnection, relation: str, path: Path, limits: Limits
) -> int:
    """Insert the spans of one file as they are read; returns how many."""
    longest = _longest_line(path, limits)
    # The reader's buffers grow with its maximum object size: as small as the file's longest
    # line allows, the whole limit only for a document written over several lines.
    sizes = [limits.document_bytes]
    if longest is not None and longest < READER_OBJECT_BYTES <= limits.document_bytes:
        sizes.insert(0, READER_OBJECT_BYTES)
    for size in sizes:
        try:
            return connection.execute(
                f"insert into {relation} {select_sql(path, limits, size)}"
            ).fetchall()[0][0]
        except duckdb.Error as error:
            if size == limits.document_bytes or "maximum_object_size" not in str(error):
                raise _read_error(path, limits, error) from error
    raise AssertionError("unreachable: the last size is the limit")


def _opener(path: Path):  # noqa: ANN202 - a binary file object
    """The file's bytes, decompressed: gzip by the standard library; None for zstd, which
    only DuckDB's reader decompresses here."""
    name = path.name.lower()
    if name.endswith(".zst"):
        return None
    return gzip.open(path, "rb") if name.endswith(".gz") else path.open("rb")


def _longest_line(path: Path, limits: Limits) -> int | None:
    """The longest line of the file in bytes; a line longer than the document limit is
    refused, naming it, before DuckDB parses anything. Read in blocks, so a long line is
    never held. None for zstd (the reader's maximum_object_size bounds it, and bounds a
    document written over several lines)."""
    handle = _opener(path)
    if handle is None:
        return None
    limit = limits.document_bytes
    longest = 0
    with handle:
        line, length = 1, 0
        while block := handle.read(1 << 22):
            start = 0
            while (end := block.find(b"\n", start)) >= 0:
                length += end - start
                if length > limit:
                    raise _document_error(path, line, limits, length)
                longest = max(longest, length)
                line, length, start = line + 1, 0, end + 1
            length += len(block) - start
            if length > limit:
                raise _document_error(path, line, limits, length, at_least=True)
    return max(longest, length)


def _document_error(
    path: Path, line: int | None, limits: Limits, size: int | None, at_least: bool = False
) -> UserError:
    where = f"line {line}" if line is not None else "a document"
    size_text = f" is {'over ' if at_least else ''}{_megabytes(size)}" if size else ""
    return UserError(
        f"{path}: {where}{size_text}, more than the limit of "
        f"{_megabytes(limits.document_bytes)} for one OTLP JSON document "
        f"({Limits.VARIABLES['document_bytes']}). An exporter writes one request per line, "
        "far smaller: check that this is a trace export; if it is, raise the limit."
    )


def _read_error(path: Path, limits: Limits, error: duckdb.Error) -> UserError:
    message = " ".join(str(error).split())
    if LIMIT_MARK in message:
        return _limit_error(path, limits, message.split(LIMIT_MARK, 1)[1])
    if "maximum_object_size" in message:
        return _document_error(path, None, limits, None)
    # DuckDB's advice on reader options does not apply; its line for a value nested in a
    # list can be wrong, so the line is looked for here
    message = message.split(" Try setting ", 1)[0].rstrip(".")
    if "JSON transform error" in message:
        misfit = _first_misfit(path, limits)
        where, what = misfit or ("a document", message.split(": ", 1)[-1])
        return UserError(
            f"{path}: {where} is not in OTLP's shape: {what}. Each document must be an "
            "ExportTraceServiceRequest (resourceSpans[].scopeSpans[].spans[], attributes as "
            "lists of {key, value: {stringValue | intValue | ...}})."
        )
    return UserError(
        f"{path}: cannot be read as OTLP JSON: {message}. Each file must hold "
        "ExportTraceServiceRequest JSON documents (one per line, or one per file)."
    )


def _first_misfit(path: Path, limits: Limits) -> tuple[str, str] | None:
    """Where the first document that does not fit the OTLP schema is, and what does not fit:
    ('line 2, span 'chat'', 'attribute 'a' has the value "b", not an AnyValue object').
    Only when DuckDB has already refused the file, so a Python walk is fine; line by line
    (a line is within the document limit), or the whole file when it is one document
    written over several lines and within that limit."""
    handle = _opener(path)
    if handle is None:
        return None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except ValueError:
                break  # not one document per line
            problem = _misfit(document)
            if problem:
                return f"line {number}{problem[0]}", problem[1]
        else:
            return None
    if path.stat().st_size > limits.document_bytes:
        return None
    handle = _opener(path)
    with handle:  # not zstd: that returned above
        try:
            document = json.loads(handle.read())
        except ValueError:
            return None
    for item in document if isinstance(document, list) else [document]:
        problem = _misfit(item)
        if problem:
            return f"the document{problem[0]}", problem[1]
    return None


def _misfit(document: object) -> tuple[str, str] | None:
    def listed(value: object, what: str) -> list:
        if value is not None and not isinstance(value, list):
            raise _Misfit(f"{what} is {json.dumps(value)[:60]}, not a list")
        return value or []

    def attributes(value: object, what: str) -> None:
        for item in listed(value, what):
            if not isinstance(item, dict):
                raise _Misfit(f"{what} holds {json.dumps(item)[:60]}, not a key/value object")
            if item.get("value") is not None and not isinstance(item["value"], dict):
                raise _Misfit(
                    f"attribute {item.get('key')!r} has the value {json.dumps(item['value'])[:60]}"
                    ", not an AnyValue object ({stringValue: ...})"
                )

    span_name = ""
    try:
        if not isinstance(document, dict):
            raise _Misfit(f"the document is {json.dumps(document)[:60]}, not an object")
        for resource_spans in listed(
            document.get("resourceSpans", document.get("resource_spans")), "resourceSpans"
        ):
            attributes((resource_spans.get("resource") or {}).get("attributes"), "resource")
            for key in (
                "scopeSpans", "scope_spans", "instrumentationLibrarySpans",
                "instrumentation_library_spans",
            ):  # fmt: skip
                for scope_spans in listed(resource_spans.get(key), key):
                    for span in listed(scope_spans.get("spans"), "spans"):
                        span_name = f", span {span.get('name')!r}"
                        attributes(span.get("attributes"), "attributes")
                        for event in listed(span.get("events"), "events"):
                            attributes(event.get("attributes"), "an event's attributes")
    except _Misfit as misfit:
        return span_name, str(misfit)
    except AttributeError:  # a list item that is not an object
        return span_name, "a list holds a value that is not an object"
    return None


class _Misfit(Exception):
    pass


def _limit_error(path: Path, limits: Limits, detail: str) -> UserError:
    try:
        found = json.JSONDecoder().raw_decode(detail.strip())[0]
    except ValueError:
        return UserError(f"{path}: over a limit of OTLP input: {detail}")
    where = _document_place(path, int(found["document"]))
    if found.get("span") is not None or found.get("span_id") is not None:
        where += f", span {found.get('span')!r} (spanId {found.get('span_id')})"
    holder = {"span": "the span", "event": "an event of the span", "resource": "the resource"}[
        found["what"]
    ]
    variable = Limits.VARIABLES[found["limit"]]
    if found["limit"] == "attributes":
        return UserError(
            f"{path}: {where}: {holder} has {int(found['count']):,} attributes, more than the "
            f"limit of {limits.attributes:,} ({variable}). OpenTelemetry SDKs keep 128 by "
            "default; check the instrumentation that wrote it, or raise the limit."
        )
    return UserError(
        f"{path}: {where}: attribute {found.get('key')!r} of {holder} is "
        f"{_megabytes(int(found['count']))}, more than the limit of "
        f"{_megabytes(limits.value_bytes)} for one value ({variable}). Large values are "
        "usually captured prompt or completion content, which costs do not need: turn "
        "content capture off in the instrumentation, or raise the limit."
    )


def _document_place(path: Path, document: int) -> str:
    """'line N' for the document-th document of a file with one document per line (as the
    Collector writes), else 'document N'."""
    handle = _opener(path)
    if handle is None:
        return f"document {document}"
    with handle:
        seen = 0
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            seen += 1
            if seen == 1:
                try:
                    json.loads(line)
                except ValueError:
                    return f"document {document}"  # a document over several lines
            if seen == document:
                return f"line {line_number}"
    return f"document {document}"


def _check_files_have_traces(
    connection: duckdb.DuckDBPyConnection, folder: Path, files: list[Path], limits: Limits
) -> None:
    """A file that gave no spans: fine when it is empty or its documents are trace exports
    with no spans; a file whose documents have no resourceSpans is not a trace export
    (logs, metrics, or another JSON): say so instead of loading nothing from it."""
    for path in files:
        try:
            documents, trace_documents, first_keys = connection.execute(
                f"""
                select
                    count(*),
                    count(*) filter (
                        where coalesce(json -> 'resourceSpans', json -> 'resource_spans')
                            is not null),
                    string_agg(distinct json_keys(json)[1], ', ')
                from read_json_objects(
                    {_sql_text(str(path))}, format = 'auto',
                    maximum_object_size = {limits.document_bytes})
                """
            ).fetchall()[0]
        except duckdb.Error as error:
            raise _read_error(path, limits, error) from error
        if documents and not trace_documents:  # an empty file (a fresh rotation) is fine
            raise UserError(
                f"{path}: holds JSON but no OTLP traces (no resourceSpans; its documents "
                f"start with: {first_keys or 'nothing'}). Export traces (the Collector's file "
                f"exporter in a traces pipeline) into {folder}, or move this file out."
            )


def _report_kept_ids(connection: duckdb.DuckDBPyConnection, relation: str) -> None:
    """Say which files hold ids that are neither OTLP hex nor base64 of the right length:
    they are kept as written (never decoded into another id), so a span's id, parent and
    links to billing stay as the exporter wrote them, but the exporter needs fixing."""
    rows = connection.execute(
        f"""
        select
            _aiue_source_file,
            count(*) as spans,
            arg_min(
                {{'row': _aiue_source_row, 'name': spanname, 'trace': traceid,
                  'span': spanid, 'parent': parentspanid}},
                _aiue_source_row) as first
        from {relation}
        where not regexp_full_match(traceid, '[0-9a-f]{{32}}')
           or not regexp_full_match(spanid, '[0-9a-f]{{16}}')
           or not regexp_full_match(coalesce(parentspanid, '0000000000000000'), '[0-9a-f]{{16}}')
        group by _aiue_source_file
        order by _aiue_source_file
        """
    ).fetchall()
    for path, spans, first in rows:
        odd = [
            f"{field} {first[key]!r}"
            for field, key, digits in (
                ("traceId", "trace", 32),
                ("spanId", "span", 16),
                ("parentSpanId", "parent", 16),
            )
            if first[key] is not None and not _is_hex(first[key], digits)
        ]
        UI.note(
            f"{path}: {spans:,} span(s) with an id that is neither hex (32 digits for a "
            f"trace, 16 for a span) nor base64 of 16 or 8 bytes, kept as written, not "
            f"decoded; the first is span {first['row']} ({first['name']!r}, "
            f"{', '.join(odd)}). Fix the exporter that wrote them."
        )


def _is_hex(text: str, digits: int) -> bool:
    return len(text) == digits and all(c in "0123456789abcdef" for c in text)
