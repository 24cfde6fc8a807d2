"""The genai_spans contract and the span layouts are named in Python (project.py), in the
macros and in the aliases seed: they must agree (no dbt build needed)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from ai_unit_economics.project import INPUT_SPECS, SEED_COLUMNS, SPAN_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
MACROS = (ROOT / "macros" / "attributes.sql").read_text()


def macro_body(name: str) -> str:
    match = re.search(r"{% macro " + name + r"\(\) -%}(.*?){%- endmacro %}", MACROS, re.S)
    assert match, name
    return match.group(1)


def test_the_macros_contract_columns_are_project_span_columns() -> None:
    listed = re.findall(r"'([a-z_]+)'", macro_body("span_contract_columns"))
    assert tuple(listed) == SPAN_COLUMNS


def test_the_macros_layouts_are_the_inputs_layouts() -> None:
    layouts = re.findall(r"'([a-z_]+)': 'stg_aiue__", macro_body("span_layout_models"))
    assert set(layouts) == {spec.layout for spec in INPUT_SPECS if spec.layout}


def test_the_aliases_seed_names_contract_columns_only() -> None:
    path = ROOT / "seeds" / "aiue_attribute_aliases.csv"
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == SEED_COLUMNS["aiue_attribute_aliases"]
    assert {row["contract_column"] for row in rows} <= set(SPAN_COLUMNS)
    assert all(row["priority"].isdigit() for row in rows)
    path = ROOT / "models" / "staging" / "seeds" / "stg_aiue__seed_attribute_aliases.yml"
    staging = yaml.safe_load(path.read_text())
    [model] = [m for m in staging["models"] if m["name"] == "stg_aiue__seed_attribute_aliases"]
    [checks] = [t["row_checks"] for t in model["data_tests"] if "row_checks" in t]
    assert checks["arguments"]["accepted_values"]["contract_column"] == list(SPAN_COLUMNS)


def test_a_keys_value_rows_share_its_priority() -> None:
    with (ROOT / "seeds" / "aiue_attribute_aliases.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    priorities: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        key = (row["contract_column"], row["attribute_key"], row["value_path"])
        priorities.setdefault(key, set()).add(row["priority"])
    assert all(len(found) == 1 for found in priorities.values())
