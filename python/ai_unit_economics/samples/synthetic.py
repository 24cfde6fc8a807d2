"""Synthetic GenAI telemetry and outcome labels, with the seed article's worked scenarios.

Two files are written, following the input contracts of DESIGN.md §4:

* ``genai_spans.csv``: one row per flattened OpenTelemetry GenAI span (chat, embeddings,
  execute_tool and invoke_agent spans);
* ``outcomes.csv``: one row per outcome label (an intent may have none, or two);

and, with ``billing=True``, a third: ``focus_costs.csv``, a FOCUS 1.2-style invoice of every
call (billing.py, docs/billing.md).

Random intents (spans.py, outcomes.py) mimic five product features (features.py); the article
scenarios (scenarios.py) use fixed token counts and labels so the pipeline can be checked
against exact numbers. Prices come from the package's price seed (prices.py).

Everything is deterministic: the same arguments give byte-identical files (one private
``random.Random(seed)`` drives the random part, the scenarios use no randomness at all, and
no wall-clock time is read). `aiue demo` writes a sample and builds it (`--no-build` only
writes it); the tests call `generate` and `generate_scenarios`.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ..project import OUTCOME_COLUMNS, SPAN_COLUMNS
from .billing import FOCUS_FILE, FOCUS_OUTPUT_COLUMNS, focus_rows
from .draws import Draws
from .outcomes import label
from .prices import list_prices
from .rows import Row
from .scenarios import SCENARIO_FEATURES, scenario_rows
from .spans import RandomIntents

__all__ = [
    "OUTCOME_COLUMNS",
    "SCENARIO_FEATURES",
    "SPAN_COLUMNS",
    "generate",
    "generate_scenarios",
    "summary",
]

SPANS_FILE = "genai_spans.csv"
OUTCOMES_FILE = "outcomes.csv"


def generate(
    out_dir: str | Path,
    n_intents: int = 2000,
    seed: int = 42,
    include_scenarios: bool = True,
    start_date: date = date(2026, 9, 1),
    days: int = 61,
    billing: bool = False,
) -> dict[str, Path]:
    """Write random intents (plus, by default, the article scenarios) to ``out_dir``.

    Returns ``{"genai_spans": path, "outcomes": path}``, plus ``"focus_costs"`` with
    ``billing``: a FOCUS invoice of every call (see the module docstring). The same
    arguments always give byte-identical files.
    """
    if n_intents < 0:
        raise ValueError(f"n_intents must not be negative, got {n_intents}")
    start = _start(start_date, days)
    draw = Draws(random.Random(seed))
    intents = RandomIntents(draw, start, days, n_intents, list_prices())
    outcomes: list[Row] = []
    for _ in range(n_intents):
        outcomes += label(draw, intents.add_intent())
    spans = intents.spans
    if include_scenarios:
        scenario_spans, scenario_outcomes = scenario_rows(start, days)
        spans = spans + scenario_spans
        outcomes = outcomes + scenario_outcomes
    paths = _write_all(out_dir, spans, outcomes)
    if billing:
        paths["focus_costs"] = Path(out_dir) / FOCUS_FILE
        _write(paths["focus_costs"], FOCUS_OUTPUT_COLUMNS, focus_rows(spans, start, days))
    return paths


def generate_scenarios(
    out_dir: str | Path,
    start_date: date = date(2026, 9, 1),
    days: int = 61,
) -> dict[str, Path]:
    """Write only the article scenarios (no randomness) to ``out_dir``."""
    spans, outcomes = scenario_rows(_start(start_date, days), days)
    return _write_all(out_dir, spans, outcomes)


def summary(paths: dict[str, Path]) -> list[str]:
    """What `generate` wrote, a line per file: spans and intents, outcome rows, FOCUS rows."""
    with paths["genai_spans"].open(encoding="utf-8", newline="") as handle:
        spans = list(csv.DictReader(handle))
    intents = {row["intent_id"] or row["conversation_id"] for row in spans}
    lines = [
        f"wrote {len(spans)} spans over {len(intents)} intents to {paths['genai_spans']}",
        f"wrote {_count_rows(paths['outcomes'])} outcome rows to {paths['outcomes']}",
    ]
    if "focus_costs" in paths:
        rows = _count_rows(paths["focus_costs"])
        lines.append(f"wrote {rows} FOCUS billing rows to {paths['focus_costs']}")
    return lines


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _span_key(row: Row) -> tuple[str, str, str]:
    return (row["start_time"], row["trace_id"], row["span_id"])


def _outcome_key(row: Row) -> tuple[str, str, str]:
    return (row["intent_id"], row["labeled_at"], row["signal"])


def _write(path: Path, columns: Sequence[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_all(out_dir: str | Path, spans: list[Row], outcomes: list[Row]) -> dict[str, Path]:
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    spans_path = directory / SPANS_FILE
    outcomes_path = directory / OUTCOMES_FILE
    _write(spans_path, SPAN_COLUMNS, sorted(spans, key=_span_key))
    _write(outcomes_path, OUTCOME_COLUMNS, sorted(outcomes, key=_outcome_key))
    return {"genai_spans": spans_path, "outcomes": outcomes_path}


def _start(start_date: date, days: int) -> datetime:
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    return datetime(start_date.year, start_date.month, start_date.day)
