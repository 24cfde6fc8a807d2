"""Every column a build holds is documented in its model's YAML, and every documented column
is built: compared on a real build, since only the database knows a model's columns (a
`select *` or a macro widens them). The build-free side (every YAML column described through
a doc block) is tests/python/test_dbt_project.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Generated from the metric catalogue (`aiue generate`), documented by it.
GENERATED = ("metric_views", "semantic")


def documented_columns() -> dict[str, list[str]]:
    """Model name -> the columns its YAML lists, for the package's hand-written models."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "models").rglob("*.yml")):
        if set(GENERATED) & set(path.relative_to(ROOT / "models").parts):
            continue
        for model in yaml.safe_load(path.read_text()).get("models", []):
            found[model["name"]] = [column["name"] for column in model.get("columns", [])]
    return found


def column_doc_gaps(query: Callable[[str], list[tuple]], schema: str = "main_aiue") -> list[str]:
    """Built columns missing from their model's YAML, and YAML columns the build lacks, for each
    documented model the build has. An x_ column of the FOCUS input passes through undeclared."""
    built: dict[str, list[str]] = {}
    for table, column in query(
        "select table_name, column_name from information_schema.columns "
        f"where table_schema = '{schema}' order by table_name, ordinal_position"
    ):
        built.setdefault(table, []).append(column.lower())
    gaps = []
    for model, columns in documented_columns().items():
        if model not in built:
            continue
        passthrough = model == "stg_aiue__focus_costs"
        have = [c for c in built[model] if not (passthrough and c.startswith("x_"))]
        gaps += [f"{model}.{c}: built, not documented" for c in have if c not in columns]
        gaps += [f"{model}.{c}: documented, not built" for c in columns if c not in built[model]]
    return gaps
