"""Flatten OTLP JSON trace exports into the `otel_traces` raw table, set-based in DuckDB.

The OpenTelemetry Collector's `file` exporter writes one `ExportTraceServiceRequest` per line
(`resourceSpans[].scopeSpans[].spans[]`); other tools write one document per file, possibly
pretty-printed, gzip- or zstd-compressed. DuckDB's JSON reader reads every file as JSON
documents and `unnest` walks the levels, so no Python loop ever touches a span.

Tolerated, because the OTLP/JSON and protobuf-JSON encodings both occur in the wild:
- field names in lowerCamelCase (`traceId`) or snake_case (`trace_id`), and the pre-1.0
  `instrumentationLibrarySpans`;
- trace and span ids as hex (OTLP/JSON) or base64 (protobuf's JSON mapping), stored as
  lower-case hex; an all-zero or empty parent id means no parent;
- 64-bit integers (`intValue`, `startTimeUnixNano`) as strings or numbers; times stay text
  (nanoseconds since the epoch) and staging parses them;
- `kind` and `status.code` as integers or enum names (`SPAN_KIND_CLIENT`, `STATUS_CODE_ERROR`);
- attribute values of every AnyValue kind: string, int, double, bool, bytes, and arrays and
  key/value lists as JSON text (as the Collector's ClickHouse exporter renders them);
- missing optional fields (no status, no events, no resource), or JSON null in their place.

The result has the Collector's ClickHouse `otel_traces` columns (lower-cased), so OTLP files
and that table share one staging model: `timestamp` is the start time and `duration` the end
minus the start, both in nanoseconds.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import UserError

# DuckDB macros, created per connection (temp): one place for each OTLP encoding rule.
MACROS = r"""
create or replace temp macro aiue_otlp_get(obj, camel, snake) as
    coalesce(obj -> camel, obj -> snake);

create or replace temp macro aiue_otlp_scalar(v) as
    case
        when v is null then null
        when json_type(v) <> 'OBJECT' then v ->> '$'
        else coalesce(
            v ->> 'stringValue', v ->> 'string_value',
            v ->> 'intValue', v ->> 'int_value',
            v ->> 'doubleValue', v ->> 'double_value',
            v ->> 'boolValue', v ->> 'bool_value',
            v ->> 'bytesValue', v ->> 'bytes_value')
    end;

create or replace temp macro aiue_otlp_value(v) as
    coalesce(
        aiue_otlp_scalar(v),
        cast(to_json(list_transform(
            cast(aiue_otlp_get(aiue_otlp_get(v, 'arrayValue', 'array_value'), 'values', 'values')
                as json[]),
            lambda item: aiue_otlp_scalar(item))) as varchar),
        cast(to_json(map_from_entries(list_transform(
            cast(aiue_otlp_get(aiue_otlp_get(v, 'kvlistValue', 'kvlist_value'), 'values', 'values')
                as json[]),
            lambda item: {'k': item ->> 'key', 'v': aiue_otlp_scalar(item -> 'value')})))
            as varchar));

-- A repeated field as a list; missing or JSON null (some writers emit it) is empty.
create or replace temp macro aiue_otlp_list(field) as
    cast(case when json_type(field) = 'ARRAY' then field else cast('[]' as json) end as json[]);

create or replace temp macro aiue_otlp_entries(attributes) as
    list_transform(
        aiue_otlp_list(attributes),
        lambda attribute: {'k': attribute ->> 'key', 'v': aiue_otlp_value(attribute -> 'value')});

-- A key/value list as a MAP; a repeated key keeps its first value (OTLP forbids repeats).
create or replace temp macro aiue_otlp_attributes(attributes) as
    map_from_entries(list_filter(
        aiue_otlp_entries(attributes),
        lambda entry, position: entry.k is not null
            and list_position(list_transform(aiue_otlp_entries(attributes), lambda e: e.k), entry.k)
                = position));

create or replace temp macro aiue_otlp_id(id) as
    case
        when id is null or trim(id) = '' or regexp_matches(id, '^0+$') then null
        when regexp_matches(id, '^[0-9a-fA-F]+$') and length(id) in (16, 32) then lower(id)
        when regexp_matches(id, '^[A-Za-z0-9+/_-]+=*$') and length(id) in (12, 24)
            then lower(hex(from_base64(translate(id, '-_', '+/'))))
        else id
    end;
"""


def _file_list(files: list[Path]) -> str:
    return "[" + ", ".join("'" + str(path).replace("'", "''") + "'" for path in files) + "]"


def select_sql(files: list[Path]) -> str:
    """One row per span of `files`, with the otel_traces raw columns, _aiue_source_file and
    _aiue_source_row (the span's 1-based position in its file, in document order)."""
    return f"""
with documents as (
    select
        filename as source_file,
        row_number() over () as document_number,
        json as document
    from read_json_objects({_file_list(files)}, format = 'auto', filename = true)
),

resource_spans as (
    select
        source_file,
        document_number,
        unnest(cast(aiue_otlp_get(document, 'resourceSpans', 'resource_spans') as json[]))
            as resource_span,
        generate_subscripts(
            cast(aiue_otlp_get(document, 'resourceSpans', 'resource_spans') as json[]), 1)
            as resource_number
    from documents
),

scope_spans as (
    select
        source_file,
        document_number,
        resource_number,
        resource_span -> 'resource' as resource,
        unnest(cast(coalesce(
            aiue_otlp_get(resource_span, 'scopeSpans', 'scope_spans'),
            aiue_otlp_get(resource_span, 'instrumentationLibrarySpans',
                'instrumentation_library_spans')) as json[])) as scope_span,
        generate_subscripts(cast(coalesce(
            aiue_otlp_get(resource_span, 'scopeSpans', 'scope_spans'),
            aiue_otlp_get(resource_span, 'instrumentationLibrarySpans',
                'instrumentation_library_spans')) as json[]), 1) as scope_number
    from resource_spans
),

spans as (
    select
        source_file,
        document_number,
        resource_number,
        scope_number,
        resource,
        coalesce(
            scope_span -> 'scope',
            aiue_otlp_get(scope_span, 'instrumentationLibrary', 'instrumentation_library'))
            as scope,
        unnest(cast(scope_span -> 'spans' as json[])) as span,
        generate_subscripts(cast(scope_span -> 'spans' as json[]), 1) as span_number
    from scope_spans
),

flattened as (
    select
        aiue_otlp_get(span, 'startTimeUnixNano', 'start_time_unix_nano') ->> '$' as start_nanos,
        aiue_otlp_get(span, 'endTimeUnixNano', 'end_time_unix_nano') ->> '$' as end_nanos,
        aiue_otlp_id(aiue_otlp_get(span, 'traceId', 'trace_id') ->> '$') as traceid,
        aiue_otlp_id(aiue_otlp_get(span, 'spanId', 'span_id') ->> '$') as spanid,
        aiue_otlp_id(aiue_otlp_get(span, 'parentSpanId', 'parent_span_id') ->> '$')
            as parentspanid,
        aiue_otlp_get(span, 'traceState', 'trace_state') ->> '$' as tracestate,
        span ->> 'name' as spanname,
        span ->> 'kind' as spankind,
        aiue_otlp_attributes(resource -> 'attributes') as resourceattributes,
        scope ->> 'name' as scopename,
        scope ->> 'version' as scopeversion,
        aiue_otlp_attributes(span -> 'attributes') as spanattributes,
        span -> 'status' ->> 'code' as statuscode,
        span -> 'status' ->> 'message' as statusmessage,
        aiue_otlp_list(span -> 'events') as events,
        source_file,
        row_number() over (
            partition by source_file
            order by document_number, resource_number, scope_number, span_number
        ) as source_row
    from spans
)

select
    start_nanos as timestamp,
    traceid,
    spanid,
    parentspanid,
    tracestate,
    spanname,
    spankind,
    resourceattributes['service.name'] as servicename,
    coalesce(resourceattributes, map()) as resourceattributes,
    scopename,
    scopeversion,
    coalesce(spanattributes, map()) as spanattributes,
    cast(try_cast(end_nanos as hugeint) - try_cast(start_nanos as hugeint) as varchar)
        as duration,
    statuscode,
    statusmessage,
    list_transform(
        events, lambda event: aiue_otlp_get(event, 'timeUnixNano', 'time_unix_nano') ->> '$')
        as "events.timestamp",
    list_transform(events, lambda event: event ->> 'name') as "events.name",
    list_transform(
        events, lambda event: coalesce(aiue_otlp_attributes(event -> 'attributes'), map()))
        as "events.attributes",
    source_file as _aiue_source_file,
    source_row as _aiue_source_row
from flattened
"""


def create_raw_table(
    connection: duckdb.DuckDBPyConnection, relation: str, folder: Path, files: list[Path]
) -> int:
    """Create `relation` from the OTLP files; returns its row count. Raises UserError naming
    the file for a file that is not JSON, or holds documents but no OTLP traces."""
    connection.execute(MACROS)
    try:
        connection.execute(f"create or replace table {relation} as {select_sql(files)}")
    except duckdb.Error as error:
        message = " ".join(str(error).split()).rstrip(".")
        raise UserError(
            f"{folder}: cannot be read as OTLP JSON: {message}. Each file must hold "
            "ExportTraceServiceRequest JSON documents (one per line, or one per file)."
        ) from error
    _check_every_file_has_traces(connection, folder, files)
    return connection.execute(f"select count(*) from {relation}").fetchall()[0][0]


def _check_every_file_has_traces(
    connection: duckdb.DuckDBPyConnection, folder: Path, files: list[Path]
) -> None:
    """A file whose documents have no resourceSpans is not a trace export (logs, metrics,
    or another JSON): say so instead of loading nothing from it."""
    rows = connection.execute(
        f"""
        select
            filename,
            count(*) filter (
                where coalesce(json -> 'resourceSpans', json -> 'resource_spans') is not null
            ) as trace_documents,
            string_agg(distinct json_keys(json)[1], ', ') as first_keys
        from read_json_objects({_file_list(files)}, format = 'auto', filename = true)
        group by filename
        """
    ).fetchall()
    for filename, trace_documents, first_keys in rows:
        if not trace_documents:
            raise UserError(
                f"{filename}: holds JSON but no OTLP traces (no resourceSpans; its documents "
                f"start with: {first_keys or 'nothing'}). Export traces (the Collector's file "
                f"exporter in a traces pipeline) into {folder}, or move this file out."
            )
