"""The seeds' columns are named in their CSV headers, in dbt_project.yml (each loads as text)
and, for the seeds Python writes or reads, in project.SEED_COLUMNS: the lists must agree (no
dbt build needed)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from ai_unit_economics.project import SEED_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
TEXT = "{{ 'string' if target.type in ('spark', 'databricks') else 'varchar' }}"


def column_types() -> dict[str, dict[str, str]]:
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    seeds = project["seeds"]["ai_unit_economics"]
    return {
        name: config["+column_types"]
        for name, config in seeds.items()
        if isinstance(config, dict) and "+column_types" in config
    }


def header(seed: str) -> list[str]:
    with (ROOT / "seeds" / f"{seed}.csv").open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_every_seed_column_loads_as_text() -> None:
    types = column_types()
    assert set(types) == {path.stem for path in (ROOT / "seeds").glob("*.csv")}
    for seed, columns in types.items():
        assert list(columns) == header(seed), seed
        assert set(columns.values()) == {TEXT}, seed


def test_the_text_type_is_written_once() -> None:
    text = (ROOT / "dbt_project.yml").read_text()
    assert text.count(TEXT) == 1
    assert text.count(": *text\n") == sum(len(columns) for columns in column_types().values()) - 1


def test_pythons_seed_columns_are_the_headers() -> None:
    for seed, columns in SEED_COLUMNS.items():
        assert header(seed) == columns, seed
