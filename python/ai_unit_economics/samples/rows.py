"""Rows as the sample's CSV files hold them: text cells in contract column order, ISO 8601
UTC timestamps, true/false booleans, and ids derived from a hash (so scenario rows need no
randomness)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

Row = dict[str, str]

TOKEN_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "reasoning_output_tokens",
)


def csv_row(columns: Sequence[str], **values: str) -> Row:
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")
    return {column: values.get(column, "") for column in columns}


def ts(moment: datetime) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2026-09-03T14:05:09.123456Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def as_bool(value: bool) -> str:
    return "true" if value else "false"


def digest(*parts: object, length: int) -> str:
    text = ":".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]
