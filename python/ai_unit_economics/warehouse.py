"""Read query results from the warehouse a build wrote to (read-only), through the engine
registry in engines.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from .engines import TARGETS, engine
from .errors import UserError

__all__ = ["TARGETS", "checked_schema", "mart_schema", "query", "using_schema"]

# The --schema of the running command: every read of the marts inside it uses this schema.
_COMMAND_SCHEMA: ContextVar[str | None] = ContextVar("aiue_command_schema", default=None)

# A schema as users write it: schema, database.schema or project.dataset; each part a plain
# name (BigQuery project ids may hold '-'). Anything else (quotes, spaces, ';') is refused,
# so a --schema can never carry SQL.
_SCHEMA_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|[A-Za-z0-9][A-Za-z0-9_-]*")


def checked_schema(schema: str) -> str:
    """The schema as given, or a UserError when it is not a plain (qualified) name."""
    parts = schema.split(".")
    if not 1 <= len(parts) <= 2 or not all(_SCHEMA_PART.fullmatch(part) for part in parts):
        raise UserError(
            f"--schema '{schema}' is not a schema name: use letters, digits and '_' "
            "(optionally database.schema), e.g. --schema analytics_aiue."
        )
    return schema


def mart_schema(target: str, schema: str | None = None) -> str:
    """The schema of the marts: `schema` when given, else the command's --schema (see
    using_schema), else <target schema>_aiue from the target's output in profiles.yml
    (main_aiue for DuckDB)."""
    schema = schema or _COMMAND_SCHEMA.get()
    if schema:
        return checked_schema(schema)
    return engine(target).mart_schema()


@contextmanager
def using_schema(schema: str | None) -> Iterator[None]:
    """Within the block, the marts are read from `schema` (None: from the profile)."""
    token = _COMMAND_SCHEMA.set(checked_schema(schema) if schema else None)
    try:
        yield
    finally:
        _COMMAND_SCHEMA.reset(token)


def query(
    target: str, sql: str, db_path: Path | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only query on the target's warehouse: (column names, rows)."""
    return engine(target).query(sql, db_path)
