"""The seeds' columns are named in their CSV headers, in dbt_project.yml (each loads as text)
and, for the seeds Python writes or reads, in project.SEED_COLUMNS: the lists must agree (no
dbt build needed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest.inputs import seed_overrides
from ai_unit_economics.ingest.seeds import YOURS, choose_seeds, with_default_columns
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


def test_a_copy_without_an_optional_column_gets_its_default(tmp_path: Path) -> None:
    """A copy of aiue_success_criteria made before evaluator_type existed is accepted and
    read as '*' (any evaluator, the old behaviour); a copy without a required column is not."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    old = seeds / "aiue_success_criteria.csv"
    old.write_text(
        "\ufefffeature_tag,evaluation_name,success_labels,min_score,valid_from,valid_to,note\n"
        '*,task_success,pass|yes,1,2020-01-01,,"labels, or a score of 1"\n'
    )
    assert seed_overrides(tmp_path) == [old]
    [copy] = [
        item for item in choose_seeds(ROOT / "seeds", [old], True, []) if item.seed_origin == YOURS
    ]
    rows = list(csv.DictReader(copy.content.splitlines()))
    assert rows == [
        {"feature_tag": "*", "evaluation_name": "task_success", "success_labels": "pass|yes",
         "min_score": "1", "valid_from": "2020-01-01", "valid_to": "",
         "note": "labels, or a score of 1", "evaluator_type": "*"}
    ]  # fmt: skip
    assert set(SEED_COLUMNS["aiue_success_criteria"]) == set(rows[0])
    (seeds / "aiue_success_criteria.csv").write_text("feature_tag,evaluation_name\n*,x\n")
    with pytest.raises(UserError, match="missing column 'success_labels'"):
        seed_overrides(tmp_path)
    # a copy that has the column keeps its own values
    assert with_default_columns("aiue_success_criteria", "a,evaluator_type\n1,human\n") == (
        "a,evaluator_type\n1,human\n"
    )
