"""Input files: Parquet reads like CSV; ambiguous folders are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest.inputs import find_inputs

from .conftest import FIXTURES, build


def test_parquet_input_builds_the_same_facts_as_csv(tmp_path: Path) -> None:
    parquet_dir = tmp_path / "parquet"
    shutil.copytree(FIXTURES / "small" / "seeds", parquet_dir / "seeds")
    with duckdb.connect() as connection:
        for table in ("genai_spans", "outcomes"):
            source = FIXTURES / "small" / f"{table}.csv"
            target = parquet_dir / f"{table}.parquet"
            connection.execute(
                f"copy (select * from read_csv('{source}', all_varchar = true)) "
                f"to '{target}' (format parquet)"
            )
    from_csv = build(FIXTURES / "small", tmp_path / "csv.duckdb")
    from_parquet = build(parquet_dir, tmp_path / "parquet.duckdb")
    sql = "select * exclude (source_file) from main_aiue.aiue__llm_calls order by trace_id, span_id"
    assert from_parquet.query(sql) == from_csv.query(sql)
    assert len(from_csv.query(sql)) == 7


def test_both_csv_and_parquet_for_one_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "genai_spans.csv").write_text("trace_id,span_id,start_time\n")
    (tmp_path / "genai_spans.parquet").write_bytes(b"")
    with pytest.raises(UserError, match="both exist"):
        find_inputs(tmp_path)


def test_a_folder_without_spans_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outcomes.csv").write_text("intent_id,is_success\n")
    with pytest.raises(UserError, match="no spans found") as refused:
        find_inputs(tmp_path)
    for accepted in ("genai_spans", "otlp/", "otel_traces", "litellm_spend_logs", "langfuse_obs"):
        assert accepted in str(refused.value)
