"""What a build holds besides its raw rows: the files it loaded, known by content
(ingest/identity.py), and the seeds it uses (ingest/seeds.py).

Both are stored as two small tables in the build's raw schema, `aiue_loaded_files` and
`aiue_seed_files`, on every engine. They are written into staging with the raw tables, so
they are published with the build, all at once, or not at all (a failed or killed run leaves
the previous build's record). The database is the one place they live: a DuckDB file carries
its own (copy it elsewhere and an append there still knows its files and seeds); on Postgres
and Spark they are in `<schema>_aiue_raw`. The seed folder dbt reads (.aiue/seeds/) is made
from them each run, never read back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from ..ingest.identity import LoadedFile
from ..ingest.seeds import SeedFile

LOADED_FILES = "aiue_loaded_files"
SEED_FILES = "aiue_seed_files"
KINDS: dict[str, type] = {LOADED_FILES: LoadedFile, SEED_FILES: SeedFile}

Rows = tuple[list[str], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class BuildRecord:
    files: tuple[LoadedFile, ...] = ()
    seeds: tuple[SeedFile, ...] = ()


def columns(kind: type) -> list[tuple[str, str]]:
    """(column, 'bigint' or 'text') of a record table: one per field of its dataclass."""
    return [
        (item.name, "bigint" if str(item.type).startswith("int") else "text")
        for item in dataclasses.fields(kind)
    ]


def record_tables(record: BuildRecord) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """Each record table: its columns and rows."""
    values = {LOADED_FILES: record.files, SEED_FILES: record.seeds}
    return {
        table: (columns(kind), [dataclasses.astuple(item) for item in values[table]])
        for table, kind in KINDS.items()
    }


def read_record(query: Callable[[str], Rows], raw_schema: str) -> BuildRecord:
    """The record in raw_schema, read with `query` (an engine's read-only query); empty parts
    where a table is missing (a build made before aiue kept them)."""
    found: dict[str, list[Any]] = {}
    for table, kind in KINDS.items():
        names = [name for name, _ in columns(kind)]
        try:
            _, rows = query(f"select {', '.join(names)} from {raw_schema}.{table}")
        except UserError:
            rows = []
        found[table] = [
            kind(
                **{
                    name: _typed(value, kind_of)
                    for (name, kind_of), value in zip(columns(kind), row, strict=True)
                }
            )
            for row in rows
        ]
    files = sorted(found[LOADED_FILES], key=lambda item: (item.loaded_at, item.source_file))
    return BuildRecord(files=tuple(files), seeds=tuple(found[SEED_FILES]))


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    return int(value) if kind == "bigint" else str(value)


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
