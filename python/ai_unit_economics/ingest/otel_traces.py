"""Load an export of the Collector's ClickHouse `otel_traces` table into the raw table.

Parquet keeps ClickHouse's types: `Map(String, String)` columns arrive as MAP, the `Events`
Nested columns as LIST columns named `Events.Timestamp`, `Events.Name`, `Events.Attributes`
(or one `Events` list of structs when ClickHouse's `flatten_nested` is off), `Timestamp` as a
nanosecond timestamp. CSV prints them in ClickHouse's text format: a map as
`{'key':'value',...}`, an array as `['a','b']`, with backslash escapes inside the quotes; JSON
text (`{"key":"value"}`) is read too. Either way the raw table gets the columns of
project.OTEL_TRACES_COLUMNS: text, MAP(VARCHAR, VARCHAR) for the attribute maps, VARCHAR[] and
MAP[] for the events, so the OTLP loader and this one feed the same staging model.
"""

from __future__ import annotations

import duckdb

from ..errors import UserError
from ..project import (
    OTEL_TRACES_COLUMNS,
    OTEL_TRACES_LIST_COLUMNS,
    OTEL_TRACES_MAP_COLUMNS,
    OTEL_TRACES_MAP_LIST_COLUMNS,
)
from .inputs import InputFile, check_required_columns

# DuckDB macros for ClickHouse's text format (and JSON text) of maps and arrays.
MACROS = r"""
create or replace temp macro aiue_ch_unescape(text) as
    replace(
        regexp_replace(
            replace(replace(replace(replace(text, '\\', chr(57344)), '\n', chr(10)),
                '\t', chr(9)), '\r', chr(13)),
            '\\(.)', '\1', 'g'),
        chr(57344), '\');

create or replace temp macro aiue_ch_strings(text) as
    list_transform(
        regexp_extract_all(text, '''((?:[^''\\]|\\.)*)''', 1),
        lambda item: aiue_ch_unescape(item));

-- Key/value entries as a MAP; a repeated key keeps its first value.
create or replace temp macro aiue_first_entries(entries) as
    map_from_entries(list_filter(
        entries,
        lambda entry, position: entry.k is not null
            and list_position(list_transform(entries, lambda e: e.k), entry.k) = position));

create or replace temp macro aiue_ch_map(text) as
    case
        when text is null or trim(text) in ('', '{}') then map()
        when json_valid(text) and json_type(json(text)) = 'OBJECT'
            then cast(json(text) as map(varchar, varchar))
        else aiue_first_entries(list_transform(
            range(1, len(aiue_ch_strings(text)) // 2 + 1),
            lambda i: {'k': aiue_ch_strings(text)[2 * i - 1], 'v': aiue_ch_strings(text)[2 * i]}))
    end;

create or replace temp macro aiue_ch_array(text) as
    case
        when text is null or trim(text) in ('', '[]') then cast([] as varchar[])
        when json_valid(text) and json_type(json(text)) = 'ARRAY'
            then list_transform(cast(json(text) as json[]), lambda item: item ->> '$')
        else aiue_ch_strings(text)
    end;

create or replace temp macro aiue_ch_map_array(text) as
    case
        when text is null or trim(text) in ('', '[]') then cast([] as map(varchar, varchar)[])
        when json_valid(text) and json_type(json(text)) = 'ARRAY'
            then cast(json(text) as map(varchar, varchar)[])
        else list_transform(
            regexp_extract_all(text, '\{((?:[^{}'']|''(?:[^''\\]|\\.)*'')*)\}', 1),
            lambda body: aiue_ch_map('{' || body || '}'))
    end;
"""


def _reader(input_file: InputFile) -> str:
    path = str(input_file.path).replace("'", "''")
    if input_file.format == "parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', all_varchar = true, header = true, auto_detect = true)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _expression(column: str, found: dict[str, tuple[str, str]]) -> str:
    """The select expression of one raw column from the file's (name, type) by lower name."""
    if column.startswith("events.") and column not in found and "events" in found:
        name, kind = found["events"]
        if kind.upper().startswith("STRUCT") or kind.endswith("[]"):
            field = column.split(".", 1)[1]
            cast = {
                "timestamp": "varchar",
                "name": "varchar",
                "attributes": "map(varchar, varchar)",
            }[field]
            return f"list_transform({_quoted(name)}, lambda e: cast(e.{field} as {cast}))"
    if column not in found:
        if column in OTEL_TRACES_MAP_COLUMNS:
            return "map()"
        if column in OTEL_TRACES_LIST_COLUMNS:
            return "cast([] as varchar[])"
        if column in OTEL_TRACES_MAP_LIST_COLUMNS:
            return "cast([] as map(varchar, varchar)[])"
        return "cast(null as varchar)"
    name, kind = found[column]
    source = _quoted(name)
    text = kind.upper() == "VARCHAR"
    if column in OTEL_TRACES_MAP_COLUMNS:
        return f"aiue_ch_map({source})" if text else f"cast({source} as map(varchar, varchar))"
    if column in OTEL_TRACES_LIST_COLUMNS:
        return f"aiue_ch_array({source})" if text else f"cast({source} as varchar[])"
    if column in OTEL_TRACES_MAP_LIST_COLUMNS:
        return (
            f"aiue_ch_map_array({source})" if text else f"cast({source} as map(varchar, varchar)[])"
        )
    return f"cast({source} as varchar)"


def create_raw_table(
    connection: duckdb.DuckDBPyConnection, relation: str, input_file: InputFile
) -> int:
    """Create `relation` from an otel_traces export; returns its row count."""
    connection.execute(MACROS)
    reader = _reader(input_file)
    try:
        described = connection.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise UserError(
            f"{input_file.path}: cannot be read as {input_file.format}: {error}"
        ) from error
    check_required_columns(input_file, [row[0] for row in described])
    found = {row[0].strip().lower(): (row[0], str(row[1])) for row in described}
    selected = ",\n    ".join(
        f"{_expression(column, found)} as {_quoted(column)}" for column in OTEL_TRACES_COLUMNS
    )
    source_file = str(input_file.path).replace("'", "''")
    try:
        connection.execute(
            f"""
            create or replace table {relation} as
            select
                {selected},
                '{source_file}' as _aiue_source_file,
                row_number() over () as _aiue_source_row
            from {reader}
            """
        )
    except duckdb.Error as error:
        message = " ".join(str(error).split()).rstrip(".")
        raise UserError(
            f"{input_file.path}: cannot be loaded as the otel_traces table: {message}."
        ) from error
    return connection.execute(f"select count(*) from {relation}").fetchall()[0][0]
