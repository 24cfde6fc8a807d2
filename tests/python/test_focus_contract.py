"""The FOCUS columns are declared once, in the focus_columns() macro (macros/focus_columns.sql):
FOCUS name (lower-cased) -> staged name and kind. Python writes or creates FOCUS tables with
the same names, and the SQL reads the staged names; they must agree (no dbt build needed)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ai_unit_economics.finops.focus_export import HEADER as EXPORT_HEADER
from ai_unit_economics.project import EMPTY_INPUT_COLUMNS, FOCUS_COLUMNS, INPUTS
from ai_unit_economics.samples.billing import FOCUS_OUTPUT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
MACRO = ROOT / "macros" / "focus_columns.sql"
STAGING = ROOT / "models" / "staging" / "aiue_billing" / "stg_aiue__focus_costs.sql"
# The SQL after staging that names a FOCUS column's text as given (raw_<staged name>).
READERS = (
    ROOT / "models" / "intermediate" / "int_aiue__focus_costs_classified.sql",
    ROOT / "models" / "intermediate" / "int_aiue__focus_costs_converted.sql",
    ROOT / "models" / "marts" / "aiue__rejected_focus_costs.sql",
)
KINDS = {"text", "amount", "timestamp"}


def focus_columns() -> dict[str, tuple[str, str]]:
    body = re.search(r"{% macro focus_columns\(\) -%}(.*?){%- endmacro %}", MACRO.read_text(), re.S)
    assert body, "macros/focus_columns.sql defines focus_columns()"
    entries = re.findall(r"'([a-z_]+)': \('([a-z_]+)', '([a-z]+)'\)", body.group(1))
    assert len(entries) == body.group(1).count("': ('"), "every entry is 'name': ('staged', 'kind')"
    return {name: (staged, kind) for name, staged, kind in entries}


def staged_names() -> set[str]:
    return {staged for staged, _ in focus_columns().values()}


def test_the_map_is_one_name_per_column_and_a_known_kind() -> None:
    columns = focus_columns()
    assert len(columns) >= 40
    assert all(name == name.lower() for name in columns)
    assert len(staged_names()) == len(columns), "two FOCUS columns staged under one name"
    assert {kind for _, kind in columns.values()} == KINDS
    # the money and the charge period the allocation needs
    for name, kind in [
        ("billedcost", "amount"),
        ("effectivecost", "amount"),
        ("chargeperiodstart", "timestamp"),
        ("billingcurrency", "text"),
    ]:
        assert columns[name][1] == kind


def test_staging_reads_the_map_and_no_column_list_of_its_own() -> None:
    sql = STAGING.read_text()
    assert "ai_unit_economics.focus_columns()" in sql
    assert not re.search(r"'[a-z]+cost': '", sql), "a rename map written in the model again"
    named = set(re.findall(r"\braw_([a-z_]+)", sql)) - {"tags"}
    assert named <= staged_names(), named - staged_names()


def test_later_models_name_only_staged_columns() -> None:
    for path in READERS:
        named = set(re.findall(r"\braw_([a-z_]+)", path.read_text()))
        assert named <= staged_names(), f"{path.name}: {named - staged_names()}"


def test_python_writes_and_creates_only_columns_the_map_reads() -> None:
    known = set(focus_columns())
    # the empty table an input without billing gets, and the columns `aiue run` requires
    assert set(FOCUS_COLUMNS) <= known
    assert EMPTY_INPUT_COLUMNS["focus_costs"] == FOCUS_COLUMNS
    assert {name for alternatives in INPUTS["focus_costs"].required for name in alternatives} <= (
        known
    )
    # the sample invoice, and the FOCUS file `aiue export-focus` writes (x_ columns of its own
    # pass through staging unchanged)
    assert {name.lower() for name in FOCUS_OUTPUT_COLUMNS} <= known
    exported = {name.lower() for name in EXPORT_HEADER if not name.startswith("x_")}
    assert exported <= known, exported - known


def test_the_integration_projects_billing_table_uses_focus_names() -> None:
    seeds = yaml.safe_load((ROOT / "integration_tests/seeds/raw/_raw__seeds.yml").read_text())
    [billing] = [seed for seed in seeds["seeds"] if seed["name"] == "focus_billing_export"]
    names = {name.lower() for name in billing["config"]["column_types"]}
    assert {name for name in names if not name.startswith("x_")} <= set(focus_columns())
