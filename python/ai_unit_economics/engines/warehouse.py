"""Read query results from the warehouse a build wrote to (read-only), through the engine
registry in engines.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..project import INTERMEDIATE_SCHEMA_SUFFIX, STAGING_SCHEMA_SUFFIX
from .registry import TARGETS, engine

__all__ = [
    "TARGETS",
    "checked_schema",
    "has_relation",
    "intermediate_schema",
    "mart_schema",
    "query",
    "staging_schema",
    "using_schema",
]

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


def staging_schema(target: str, schema: str | None = None) -> str:
    """The schema of the staging models and the parsed seeds: the marts' schema + _staging
    (var aiue_staging_schema's default)."""
    return mart_schema(target, schema) + STAGING_SCHEMA_SUFFIX


def intermediate_schema(target: str, schema: str | None = None) -> str:
    """The schema of the intermediate models: the marts' schema + _intermediate."""
    return mart_schema(target, schema) + INTERMEDIATE_SCHEMA_SUFFIX


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


def has_relation(target: str, schema: str, name: str, db_path: Path | None = None) -> bool:
    """Whether the build has this model: a switched-off input's models (FOCUS billing, GPU
    leases, unused span layouts) are not built at all."""
    try:
        query(target, f"select 1 from {schema}.{name} where 1 = 0", db_path)
    except UserError:
        return False
    return True
