"""The seeds a build uses, stored with it.

A build's seeds are the package's bundled seeds with the user's copies (DIR/seeds/<seed>.csv)
in their place. The engines store the set with the build's raw tables (engines/
build_record.py): for each seed its origin (`yours` or `bundled`), the SHA-256 and size of
its bytes, where your copy came from, and your copy's text. So:

- a first build, or a --full-refresh, uses the folder's seeds/ (or none: the bundled ones);
- an append whose folder has no seeds/ keeps the seeds the build already uses;
- an append whose folder has seeds/ replaces them (that folder is then the whole set of your
  copies), and the run says which seeds changed: the history is re-priced with them.

dbt reads the merged folder from one stable place, `<work dir>/seeds/` (.aiue/seeds/ beside a
DuckDB file): dbt parses the project again whenever the seed path changes, and a fresh temp
folder per run would cost every run a full parse.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..project import SEED_COLUMN_DEFAULTS, SEED_COLUMNS
from .inputs import csv_layout

YOURS = "yours"
BUNDLED = "bundled"


@dataclass(frozen=True)
class SeedFile:
    """One seed of a build."""

    seed_name: str
    seed_origin: str  # YOURS or BUNDLED
    content_sha256: str
    size_bytes: int
    source_path: str = ""  # where your copy came from ("" for a bundled seed)
    content: str | None = None  # your copy's text (None for a bundled seed)

    @property
    def data(self) -> bytes:
        assert self.content is not None
        return self.content.encode("utf-8")


def with_default_columns(seed_name: str, text: str) -> str:
    """Your copy's text with each column of SEED_COLUMN_DEFAULTS it leaves out added at the
    end, every row taking its default; unchanged when it has them all."""
    defaults = SEED_COLUMN_DEFAULTS.get(seed_name, {})
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not rows:
        return text
    header = [column.strip() for column in rows[0]]
    added = {column: value for column, value in defaults.items() if column not in header}
    if not added:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], *added])
    writer.writerows([*row, *added.values()] for row in rows[1:] if row)
    return out.getvalue()


def _yours(path: Path) -> SeedFile:
    # checked UTF-8 by seed_overrides
    data = with_default_columns(path.stem, path.read_bytes().decode("utf-8")).encode("utf-8")
    return SeedFile(
        seed_name=path.stem,
        seed_origin=YOURS,
        content_sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        source_path=os.path.abspath(path),
        content=data.decode("utf-8"),
    )


def _bundled(path: Path) -> SeedFile:
    data = path.read_bytes()
    return SeedFile(path.stem, BUNDLED, hashlib.sha256(data).hexdigest(), len(data))


def seed_set(bundled_dir: Path, yours: list[SeedFile]) -> list[SeedFile]:
    """Every bundled seed, or your copy in its place, by name."""
    by_name = {item.seed_name: item for item in yours}
    return [by_name.get(path.stem) or _bundled(path) for path in sorted(bundled_dir.glob("*.csv"))]


def choose_seeds(
    bundled_dir: Path, folder_copies: list[Path], folder_has_seeds: bool, kept: list[SeedFile]
) -> list[SeedFile]:
    """The seeds of this build: the folder's copies when it has a seeds/ folder (or when
    nothing is kept: a first build, a full refresh), else the copies the build already uses
    (kept)."""
    if folder_has_seeds or not kept:
        yours = [_yours(path) for path in folder_copies]
    else:
        yours = [item for item in kept if item.seed_origin == YOURS]
    return seed_set(bundled_dir, yours)


def seed_changes(before: list[SeedFile], after: list[SeedFile]) -> list[str]:
    """What changed between two builds' seeds, one phrase per seed, e.g. "aiue_model_prices
    (your new copy)"."""
    earlier = {item.seed_name: item for item in before}
    changes = []
    for item in after:
        old = earlier.get(item.seed_name)
        if old is not None and old.content_sha256 == item.content_sha256:
            continue
        if item.seed_origin == YOURS:
            what = "your new copy" if old is not None and old.seed_origin == YOURS else "your copy"
        elif old is not None and old.seed_origin == YOURS:
            what = "back to the bundled one"
        else:
            what = "the package's bundled copy changed"
        changes.append(f"{item.seed_name} ({what})")
    return changes


def write_seed_dir(folder: Path, bundled_dir: Path, seeds: list[SeedFile]) -> Path:
    """Make `folder` the build's seed folder: every file of the bundled seeds/ (the CSVs and
    their YAML properties), your copies in place of theirs. Only files whose bytes differ are
    written (each atomically), and files that are no longer part of it are removed, so that
    dbt sees one stable folder whose changed seeds are exactly the changed files. Your kept
    copies are checked like new ones (a newer package may need a column they lack)."""
    folder.mkdir(parents=True, exist_ok=True)
    yours = {item.seed_name + ".csv": item for item in seeds if item.seed_origin == YOURS}
    wanted: dict[str, bytes] = {}
    for path in sorted(bundled_dir.iterdir()):
        if path.is_file():
            mine = yours.get(path.name)
            wanted[path.name] = (
                with_default_columns(mine.seed_name, mine.content or "").encode("utf-8")
                if mine is not None
                else path.read_bytes()
            )
    for name, data in wanted.items():
        target = folder / name
        if target.is_file() and target.read_bytes() == data:
            continue
        scratch = folder / f".{name}.writing"
        scratch.write_bytes(data)
        os.replace(scratch, target)
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()
    for name, item in yours.items():
        header = [column.strip() for column in csv_layout(folder / name).header]
        missing = [column for column in SEED_COLUMNS[item.seed_name] if column not in header]
        if missing:
            raise UserError(
                f"your {item.seed_name} (from {item.source_path}, kept with this build) lacks "
                f"column '{missing[0]}', which this version of the package needs: put an "
                "updated copy in DIR/seeds/ and run again."
            )
    return folder
