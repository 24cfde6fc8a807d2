"""Typed input (Parquet, or a warehouse table a pipeline writes) gives the same marts as the
same data as CSV text: typed columns are validated with typed predicates, text is parsed.

One generated dataset is built twice on DuckDB: as CSV, and as Parquet whose columns are
typed (BIGINT token counts, TIMESTAMP WITH TIME ZONE / TIMESTAMP times, a DOUBLE cost,
BOOLEAN labels). Both carry the same hostile rows (a negative count, a fractional count, a
huge count), which must be rejected with the same reasons.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics.samples.synthetic import generate
from tests.conftest import Build, build
from tests.mart_comparison import MARTS, differences, keyed_records

pytestmark = pytest.mark.dbt

# Appended to the generated spans (as text in the CSV, a DOUBLE in the Parquet): each is a
# bad count the typed path must reject as the text path does; the reason shows the value as
# the file holds it (a DOUBLE prints with its decimals).
BAD_SPANS = [
    ("bad1", "-5", "-5.0"),
    ("bad2", "12.5", "12.5"),
    ("bad3", "1000000000000000", "1000000000000000.0"),
]
REASON = "output_tokens is not a non-negative whole number: "

SPANS_TYPED = """
    select * replace (
        cast(start_time as timestamptz) as start_time,
        cast(cast(end_time as timestamptz) as timestamp) as end_time,
        cast(input_tokens as bigint) as input_tokens,
        cast(output_tokens as double) as output_tokens,
        cast(cache_read_input_tokens as integer) as cache_read_input_tokens,
        cast(attempt as bigint) as attempt,
        cast(turn_index as bigint) as turn_index,
        cast(reported_cost as double) as reported_cost
    )
    from read_csv('{path}', all_varchar = true)
"""
OUTCOMES_TYPED = """
    select * replace (
        cast(is_success as boolean) as is_success,
        cast(is_escalated as boolean) as is_escalated,
        cast(is_human_reviewed as boolean) as is_human_reviewed,
        cast(labeled_at as timestamptz) as labeled_at
    )
    from read_csv('{path}', all_varchar = true)
"""


def _append_bad_spans(csv_path: Path) -> None:
    with csv_path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    with csv_path.open("a", encoding="utf-8") as handle:
        for span_id, output_tokens, _ in BAD_SPANS:
            row = dict.fromkeys(header, "")
            row.update(
                trace_id="tbad",
                span_id=span_id,
                start_time="2026-09-01T00:00:00Z",
                operation_name="chat",
                provider_name="openai",
                response_model="gpt-4o-mini",
                input_tokens="10",
                output_tokens=output_tokens,
            )
            handle.write(",".join(row[column] for column in header) + "\n")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    root = tmp_path_factory.mktemp("typed")
    text = root / "text"
    generate(text, n_intents=120, seed=11)
    _append_bad_spans(text / "genai_spans.csv")
    typed = root / "typed"
    typed.mkdir()
    with duckdb.connect() as connection:
        for name, query in (("genai_spans", SPANS_TYPED), ("outcomes", OUTCOMES_TYPED)):
            source = str(text / f"{name}.csv")
            target = str(typed / f"{name}.parquet")
            connection.execute(f"copy ({query.format(path=source)}) to '{target}' (format parquet)")
    if (text / "seeds").is_dir():
        shutil.copytree(text / "seeds", typed / "seeds")
    # each build in its own folder: dbt's target/ (compiled SQL) sits beside the database
    return (
        build(text, root / "text_build" / "aiue.duckdb"),
        build(typed, root / "typed_build" / "aiue.duckdb"),
    )


def test_parquet_keeps_its_types_in_the_raw_table(builds: tuple[Build, Build]) -> None:
    _, typed = builds
    types = dict(
        typed.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'aiue_raw' and table_name = 'genai_spans'"
        )
    )
    assert types["input_tokens"] == "BIGINT"
    assert types["cache_read_input_tokens"] == "BIGINT"  # INTEGER widened
    assert types["output_tokens"] == "DOUBLE"
    assert types["start_time"] == "TIMESTAMP WITH TIME ZONE"
    assert types["end_time"] == "TIMESTAMP"
    assert types["trace_id"] == "VARCHAR"


def test_typed_columns_skip_the_text_patterns(builds: tuple[Build, Build]) -> None:
    text, typed = builds
    compiled = "models/staging/aiue/stg_aiue__otel_flat_spans.sql"
    typed_sql = next((typed.db_path.parent / ".aiue" / "target").rglob(Path(compiled).name))
    sql = typed_sql.read_text()
    # the typed predicate of a count, not the text pattern, for the BIGINT column
    assert 'case when "input_tokens" >= 0 and "input_tokens" <= 999999999999999' in sql
    text_sql = next((text.db_path.parent / ".aiue" / "target").rglob(Path(compiled).name))
    assert '"input_tokens" >= 0' not in text_sql.read_text()


def test_typed_and_text_input_give_the_same_marts(builds: tuple[Build, Build]) -> None:
    text, typed = builds
    problems = []
    for mart, key in MARTS.items():
        sql = f"select * from main_aiue.{mart}"
        text_rows, typed_rows = (
            [{k: v for k, v in row.items() if k != "source_file"} for row in built.records(sql)]
            for built in (text, typed)
        )  # the file name differs (.csv, .parquet); everything else must not
        problems += [
            f"{mart}: {line}"
            for line in differences(keyed_records(text_rows, key), keyed_records(typed_rows, key))
        ]
    assert problems == []
    assert text.query("select count(*) from main_aiue.aiue__llm_calls")[0][0] > 100


def test_typed_bad_counts_are_rejected_as_text_ones_are(builds: tuple[Build, Build]) -> None:
    for position, built in enumerate(builds):
        expected = {row[0]: REASON + row[1 + position] for row in BAD_SPANS}
        rejected = dict(
            built.query(
                "select span_id, rejection_reason from main_aiue.aiue__rejected_spans "
                "where trace_id = 'tbad'"
            )
        )
        assert rejected == expected, built.input_dir
