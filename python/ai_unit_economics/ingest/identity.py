"""Input files known by their content: what a build has loaded, so that an append never
loads the same data twice, whatever path it comes under.

Each loaded file is recorded with its path as the raw rows name it (`_aiue_source_file`), its
absolute path, the SHA-256 and size of its bytes and the rows it gave; the engines store the
record beside the raw tables (engines/build_record.py). A file whose content is already
there, under this path or another (a cron job's absolute path and a hand run's relative one,
or a copy), is refused naming both paths. A file that gave no rows (a header-only export)
counts nothing, so loading it again is harmless and allowed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..errors import UserError
from .inputs import InputFile

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class LoadedFile:
    """One input file of a build."""

    raw_table: str
    source_file: str  # the path as the raw rows' _aiue_source_file holds it
    absolute_path: str
    content_sha256: str
    size_bytes: int
    row_count: int | None = None  # None until loaded
    loaded_at: str = ""  # UTC, ISO 8601


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def identify(inputs: dict[str, InputFile | None]) -> list[LoadedFile]:
    """Every file of the folder's inputs (each OTLP export file apart), by content."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        LoadedFile(
            raw_table=item.table,
            source_file=str(path),
            absolute_path=os.path.abspath(path),
            content_sha256=file_sha256(path),
            size_bytes=path.stat().st_size,
            loaded_at=now,
        )
        for item in inputs.values()
        if item is not None
        for path in item.files
    ]


def with_rows(files: list[LoadedFile], rows: dict[str, int]) -> list[LoadedFile]:
    """The files with the rows each gave (rows: source_file -> count; absent = 0)."""
    return [replace(item, row_count=rows.get(item.source_file, 0)) for item in files]


ADVICE = "Run with new files only, or with --full-refresh to rebuild from this folder alone."


def check_not_loaded(files: list[LoadedFile], earlier: list[LoadedFile]) -> None:
    """Refuse (UserError) a file that a build already holds rows of: the same path, or the
    same content under another path. Files that gave no rows are never in the way."""
    holding = [item for item in earlier if item.row_count]
    by_content = {item.content_sha256: item for item in holding}
    by_path = {item.source_file: item for item in holding}
    for item in files:
        same = by_content.get(item.content_sha256)
        if same is not None and same.source_file == item.source_file:
            raise UserError(
                f"{item.source_file} is already loaded in this database (on {same.loaded_at}, "
                f"{same.row_count:,} rows); loading it again would count its rows twice. {ADVICE}"
            )
        if same is not None:
            raise UserError(
                f"{item.source_file} has the same content as {same.absolute_path}, loaded "
                f"into this database on {same.loaded_at} ({same.row_count:,} rows; "
                f"{_identity(item)}): loading it again would count its rows twice. {ADVICE}"
            )
        earlier_here = by_path.get(item.source_file)
        if earlier_here is not None:
            raise UserError(
                f"{item.source_file} was loaded into this database on "
                f"{earlier_here.loaded_at} ({earlier_here.row_count:,} rows) and has changed "
                "since: loading it would put its rows beside the earlier ones under the same "
                "file name. Give new data a new file name (a date in it), or rebuild with "
                "--full-refresh from a folder holding all of it."
            )


def check_distinct(files: list[LoadedFile]) -> None:
    """Refuse two files of one folder with the same content that gave rows (an OTLP export
    copied twice into otlp/)."""
    seen: dict[str, LoadedFile] = {}
    for item in files:
        if not item.row_count:
            continue
        first = seen.setdefault(item.content_sha256, item)
        if first is not item:
            raise UserError(
                f"{item.source_file} and {first.source_file} have the same content "
                f"({_identity(item)}): loading both would count its rows twice; keep one."
            )


def _identity(item: LoadedFile) -> str:
    return f"SHA-256 {item.content_sha256[:12]}…, {item.size_bytes:,} bytes"
