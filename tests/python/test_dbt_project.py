"""The dbt project's hygiene, read from its files (no dbt, no warehouse), the rules that matter
of dbt-project-evaluator (`make evaluate` runs the evaluator itself; docs/evaluator.md):

- each model's YAML is beside it, named after it (the generated folders excepted);
- every model has a key test (primary_key, unique_combination, or unique + not_null), or says
  in meta no_key_test why it has no grain of its own; the evaluator's exceptions list exactly
  those models;
- every column a YAML lists is described through one doc block that exists;
- source() only in staging, and staging reads sources and seeds only (no staging -> staging);
- every source table has freshness and a loaded_at_field.

The columns a build really holds are compared with the YAML on builds (tests/harness/docs.py).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
# Written by `aiue generate` from the metric catalogue: one YAML per folder.
GENERATED = ("metric_views", "semantic")
KEY_TESTS = {"primary_key", "unique_combination"}
DOC = re.compile(r"\{\{ doc\('(\w+)'\) \}\}")
EXCEPTIONS = ROOT / "docs" / "evaluator" / "seeds" / "dbt_project_evaluator_exceptions.csv"


@cache
def model_yaml() -> dict[str, tuple[Path, dict[str, Any]]]:
    """Model name -> (its YAML file, its properties)."""
    found = {}
    for path in sorted(MODELS.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            assert model["name"] not in found, f"{model['name']} is declared twice"
            found[model["name"]] = (path, model)
    return found


def model_sql() -> dict[str, Path]:
    return {path.stem: path for path in sorted(MODELS.rglob("*.sql"))}


def generated(path: Path) -> bool:
    return bool(set(GENERATED) & set(path.relative_to(MODELS).parts))


@cache
def doc_blocks() -> set[str]:
    names = set()
    for path in MODELS.rglob("*.md"):
        names |= set(re.findall(r"{% docs (\w+) %}", path.read_text()))
    return names


def test_each_models_yaml_is_beside_it_and_named_after_it() -> None:
    sql, declared = model_sql(), model_yaml()
    assert set(sql) == set(declared), set(sql) ^ set(declared)
    for name, path in sql.items():
        yml, model = declared[name]
        assert yml.parent == path.parent, f"{name}: {yml} is not beside {path}"
        assert generated(path) or yml.stem == name, f"{name}: its YAML is {yml.name}"
        assert (model.get("description") or "").strip(), f"{name} has no description"


def data_tests_of(model: dict[str, Any]) -> list[str]:
    names = [
        next(iter(test)) if isinstance(test, dict) else test for test in model.get("data_tests", [])
    ]
    for column in model.get("columns", []):
        column_tests = {
            next(iter(test)) if isinstance(test, dict) else test
            for test in column.get("data_tests", [])
        }
        if {"unique", "not_null"} <= column_tests:
            names.append("unique_not_null")
    return names


def no_key_test_reason(model: dict[str, Any]) -> str:
    return ((model.get("config") or {}).get("meta") or {}).get("no_key_test", "")


def test_every_model_has_a_key_test_or_says_why_it_has_no_grain() -> None:
    unkeyed = set()
    for name, (_, model) in model_yaml().items():
        keyed = bool(
            (set(data_tests_of(model)) & KEY_TESTS) or "unique_not_null" in data_tests_of(model)
        )
        reason = no_key_test_reason(model)
        assert keyed != bool(reason), f"{name}: a key test, or meta no_key_test, not both"
        if reason:
            assert len(reason) > 40, f"{name}: say why it has no grain"
            unkeyed.add(name)
    assert len(unkeyed) <= len(model_yaml()) // 4, "most models have a grain"
    # The evaluator configuration users copy excepts exactly these.
    with EXCEPTIONS.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    excepted = {
        row["id_to_exclude"] for row in rows if row["fct_name"] == "fct_missing_primary_key_tests"
    }
    assert excepted == unkeyed
    assert all(row["comment"].strip() for row in rows)


def test_every_column_is_described_through_a_doc_block() -> None:
    for name, (path, model) in model_yaml().items():
        if generated(path):
            continue
        assert model.get("columns"), f"{name} lists no columns"
        for column in model["columns"]:
            description = (column.get("description") or "").strip()
            match = DOC.fullmatch(description)
            assert match, f"{name}.{column['name']}: not a doc block: {description!r}"
            assert match.group(1) in doc_blocks(), f"{name}.{column['name']}: no such block"


def macros_calling(pattern: str) -> set[str]:
    """Package macros whose body matches `pattern`."""
    found = set()
    for path in (ROOT / "macros").rglob("*.sql"):
        for macro, body in re.findall(
            r"{% macro (\w+)\(.*?%}(.*?){%-? endmacro %}", path.read_text(), re.S
        ):
            if re.search(pattern, body):
                found.add(macro)
    return found


def test_source_is_read_in_staging_only() -> None:
    source_macros = macros_calling(r"\bsource\(")
    assert source_macros, "the FOCUS relation macro reads its source"
    for name, path in model_sql().items():
        text = path.read_text()
        staging = path.relative_to(MODELS).parts[0] == "staging"
        if staging:
            continue
        assert not re.search(r"\bsource\(", text), f"{name} reads a source"
        for macro in source_macros:
            assert not re.search(rf"\b{macro}\(", text), f"{name} reads a source via {macro}"


def test_staging_reads_sources_and_seeds_only() -> None:
    seeds = {path.stem for path in (ROOT / "seeds").glob("*.csv")}
    for name, path in model_sql().items():
        if path.relative_to(MODELS).parts[0] != "staging":
            continue
        refs = set(re.findall(r"\bref\('(\w+)'\)", path.read_text()))
        assert refs <= seeds, f"{name} reads {refs - seeds}: staging reads sources and seeds only"


def test_every_source_table_has_freshness_and_a_loaded_at_field() -> None:
    """loaded_at_field in the sources' YAML (dbt reads it from there only), freshness in
    dbt_project.yml (where a user's project can override it)."""
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    configured = project["sources"]["ai_unit_economics"]
    for path in sorted((MODELS / "staging").rglob("*.yml")):
        for source in (yaml.safe_load(path.read_text()) or {}).get("sources", []):
            assert path.parent.name == source["name"], f"{source['name']} is declared in {path}"
            folders = path.parent.relative_to(MODELS).parts
            node = configured
            for part in (*folders, source["name"]):
                node = node[part]
            for table in source["tables"]:
                where = f"{source['name']}.{table['name']}"
                assert "aiue_loaded_at_fields" in table.get("loaded_at_field", ""), where
                freshness = (node.get(table["name"]) or {}).get("+freshness") or node["+freshness"]
                assert freshness.get("warn_after") or freshness.get("error_after"), where


def test_the_incremental_models_are_listed_with_their_schema() -> None:
    """project.INCREMENTAL_MODELS (what a staged Postgres append copies from the published
    build) names every model configured incremental, with the schema var of its folder."""
    from ai_unit_economics.project import INCREMENTAL_MODELS

    folder_var = {
        "staging": "aiue_staging_schema",
        "intermediate": "aiue_intermediate_schema",
        "marts": "aiue_schema",
    }
    incremental = {
        name: folder_var[path.relative_to(MODELS).parts[0]]
        for name, path in model_sql().items()
        if "materialized=ai_unit_economics.incremental_materialization()" in path.read_text()
        or "materialized='incremental'" in path.read_text()
    }
    assert incremental, "no incremental model found: is the config written another way?"
    assert incremental == INCREMENTAL_MODELS
