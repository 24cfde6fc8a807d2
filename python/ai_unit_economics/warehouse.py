"""Read query results from the warehouse a build wrote to (read-only), through the engine
registry in engines.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .engines import TARGETS, engine
from .errors import UserError

__all__ = ["TARGETS", "checked_schema", "mart_schema", "query"]

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
    """The schema of the marts: `schema` when given, else <target schema>_aiue from the
    target's output in profiles.yml (main_aiue for DuckDB)."""
    if schema:
        return checked_schema(schema)
    return engine(target).mart_schema()


def query(
    target: str, sql: str, db_path: Path | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only query on the target's warehouse: (column names, rows)."""
    return engine(target).query(sql, db_path)
