"""Which span layouts and inputs a build reads: the folder's and, on an append or a rebuild,
those an earlier run left rows of (builder.pipeline.input_vars), build-free."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_unit_economics.builder.pipeline import input_vars
from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest.inputs import find_inputs, has_data

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_a_first_build_reads_its_folders_layouts_only() -> None:
    folder = find_inputs(FIXTURES / "telemetry" / "litellm")
    assert input_vars(folder) == {
        "aiue_spans_layout": ["litellm"],
        "aiue__using_langfuse_scores": False,
    }


def test_an_append_reads_the_layouts_earlier_runs_left_rows_of() -> None:
    folder = find_inputs(FIXTURES / "telemetry" / "litellm")
    held = ["otel_traces", "litellm_spend_logs", "langfuse_scores", "outcomes"]
    assert input_vars(folder, held) == {
        "aiue_spans_layout": ["litellm", "otel_traces"],
        "aiue__using_langfuse_scores": True,
    }
    assert input_vars({}, ["genai_spans"])["aiue_spans_layout"] == ["flat"]


def test_a_folder_of_labels_alone_is_data_without_spans(tmp_path: Path) -> None:
    (tmp_path / "outcomes.csv").write_text("intent_id,is_success\ni1,true\n")
    with pytest.raises(UserError, match="no spans found"):
        find_inputs(tmp_path)
    found = find_inputs(tmp_path, spans_required=False)
    assert has_data(found) and found["outcomes"] is not None
    (tmp_path / "outcomes.csv").unlink()
    (tmp_path / "seeds").mkdir()
    assert not has_data(find_inputs(tmp_path, spans_required=False))
