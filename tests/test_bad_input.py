"""Bad input gets a clear error naming the file and column, or a rejected row with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue

from .conftest import FIXTURES, Build, build


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(FIXTURES / "bad", tmp_path_factory.mktemp("bad") / "aiue.duckdb")


def test_bad_spans_are_rejected_with_a_reason_naming_the_column_and_value(bad: Build) -> None:
    rejected = {
        row[0]: row[1]
        for row in bad.query(
            "select source_row_number, rejection_reason from main_aiue.aiue__rejected_spans"
        )
    }
    assert rejected == {
        2: "span_id is missing",
        3: "input_tokens is not a non-negative whole number: abc",
        4: "duplicate span: this trace_id and span_id appeared earlier in the input",
        5: "start_time is not an ISO-8601 timestamp or epoch number: yesterday",
        6: "status_code is not OK, ERROR, UNSET or 0/1/2: MAYBE",
        7: "output_tokens is not a non-negative whole number: -5",
    }
    kept = bad.query("select source_row_number from main_aiue.aiue__llm_calls order by 1")
    assert kept == [(1,), (8,), (9,), (10,), (11,), (12,)]


def test_bad_outcomes_are_rejected_with_a_reason(bad: Build) -> None:
    rejected = dict(
        bad.query(
            "select source_row_number, rejection_reason from main_aiue.aiue__rejected_outcomes"
        )
    )
    assert rejected == {
        2: "is_success is not true/false/1/0/yes/no: maybe",
        3: "intent_id is missing",
        4: "no calls for this intent_id: the label has nothing to cost",
    }
    assert bad.query("select intent_id, is_success from main_aiue.aiue__intents") == [("i1", True)]


def test_rows_are_conserved(bad: Build) -> None:
    counts = bad.query("""
        select
          (select count(*) from aiue_raw.genai_spans),
          (select count(*) from main_aiue.aiue__llm_calls)
            + (select count(*) from main_aiue.aiue__rejected_spans),
          (select count(*) from aiue_raw.outcomes),
          (select count(*) from main_aiue.aiue__intents where is_labeled)
            + (select count(*) from main_aiue.aiue__rejected_outcomes)
    """)
    assert counts == [(12, 12, 4, 4)]


def test_missing_required_column_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "genai_spans.csv").write_text("trace_id,start_time\nt1,2026-01-01T00:00:00Z\n")
    code = aiue(["run", "--input", str(folder), "--db", str(tmp_path / "x.duckdb")])
    error = capsys.readouterr().err
    assert code == 2
    assert f"{folder / 'genai_spans.csv'}: missing required column 'span_id'" in error
    assert "Traceback" not in error


def test_missing_input_folder_and_unknown_seed_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert aiue(["run", "--input", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "no such folder" in capsys.readouterr().err

    folder = tmp_path / "input"
    shutil.copytree(FIXTURES / "bad", folder)
    (folder / "seeds" / "prices.csv").write_text("a,b\n")
    assert aiue(["run", "--input", str(folder), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "prices.csv: not a known seed" in capsys.readouterr().err


def test_seed_override_with_a_missing_column_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "input"
    shutil.copytree(FIXTURES / "bad", folder)
    (folder / "seeds" / "aiue_review_costs.csv").write_text("feature_tag,minutes_per_review\n*,2\n")
    assert aiue(["run", "--input", str(folder), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "aiue_review_costs.csv: missing column 'loaded_hourly_rate'" in capsys.readouterr().err


def test_unknown_dimension_is_a_clear_error(bad: Build, capsys: pytest.CaptureFixture) -> None:
    assert aiue(["metrics", "--db", str(bad.db_path), "--by", "colour"]) == 2
    assert "unknown dimension 'colour'; choose from:" in capsys.readouterr().err


def test_run_names_rejected_rows_and_unpriced_models(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "bad" / "seeds", data / "seeds")
    (data / "genai_spans.csv").write_text(
        "trace_id,span_id,operation_name,start_time,provider_name,response_model,"
        "input_tokens,output_tokens\n"
        "t1,s1,chat,2026-01-01T10:00:00Z,acme,model-b,100,10\n"
        "t1,s2,chat,2026-01-01T10:00:01Z,acme,model-z,100,10\n"
        "t1,s3,chat,2026-01-01T10:00:02Z,acme,model-z,abc,10\n"
        "t2,s4,chat,2026-01-01T10:00:03Z,acme,model-z,50,5\n"
        "t2,s5,embeddings,2026-01-01T10:00:04Z,acme,model-e,0,0\n"
    )
    assert aiue(["run", "--input", str(data), "--db", str(tmp_path / "aiue.duckdb")]) == 0
    notes = capsys.readouterr().out.split("Completed successfully")[-1]  # after dbt's log
    assert "Rejected with a reason: 1 row in main_aiue.aiue__rejected_spans." in notes
    assert "aiue__rejected_outcomes" not in notes  # nothing rejected there: no line
    assert "No price for acme/model-z (2 calls): their tokens cost 0." in notes
    assert "model-e" not in notes and "model-b (" not in notes  # no tokens / priced
