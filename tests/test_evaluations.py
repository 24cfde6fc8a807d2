"""Outcome labels from the telemetry's own evaluation results (gen_ai.evaluation.result events,
Langfuse scores) through aiue_success_criteria give the same success rate and cost per success
as the equivalent outcomes.csv, and outcomes.csv wins where both label an intent.

Two builds of one generated dataset: one labelled by an outcomes.csv holding each intent's
final label, one labelled by Langfuse scores saying the same (half as labels of the bundled
`task_success` criteria row, half as scores against a row the test adds in DIR/seeds/), where
ten scores say the opposite and a small outcomes.csv corrects those ten.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.samples.synthetic import generate

from .conftest import Build, build

MARTS = "main_aiue"
ROOT = Path(__file__).resolve().parents[1]
QUALITY_ROW = "*,answer_quality,*,,0.7,2020-01-01,,scores of 0.7 or more are successes\n"
CONTRADICTED = 10


def final_labels(outcomes: Path) -> dict[str, tuple[str, str]]:
    """intent -> (is_success, labeled_at) of its latest label (README: the latest label wins;
    the generator writes at most one label per intent and timestamp)."""
    latest: dict[str, dict[str, str]] = {}
    with outcomes.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kept = latest.get(row["intent_id"])
            if kept is None or row["labeled_at"] >= kept["labeled_at"]:
                latest[row["intent_id"]] = row
    return {intent: (row["is_success"], row["labeled_at"]) for intent, row in latest.items()}


def first_spans(spans: Path) -> dict[str, tuple[str, str]]:
    """intent -> (trace_id, span_id) of its first span in the file."""
    found: dict[str, tuple[str, str]] = {}
    with spans.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["intent_id"], (row["trace_id"], row["span_id"]))
    return found


def write_outcomes(path: Path, labels: dict[str, tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["intent_id", "is_success", "labeled_at"])
        writer.writerows([intent, success, at] for intent, (success, at) in sorted(labels.items()))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    root = tmp_path_factory.mktemp("evaluations")
    generated = root / "generated"
    generate(generated, n_intents=200, seed=13)
    labels = final_labels(generated / "outcomes.csv")
    spans = first_spans(generated / "genai_spans.csv")
    labels = {intent: label for intent, label in labels.items() if intent in spans}

    with_outcomes = root / "with_outcomes"
    with_outcomes.mkdir()
    shutil.copy(generated / "genai_spans.csv", with_outcomes / "genai_spans.csv")
    write_outcomes(with_outcomes / "outcomes.csv", labels)

    with_scores = root / "with_scores"
    (with_scores / "seeds").mkdir(parents=True)
    shutil.copy(generated / "genai_spans.csv", with_scores / "genai_spans.csv")
    criteria = (ROOT / "seeds" / "aiue_success_criteria.csv").read_text(encoding="utf-8")
    (with_scores / "seeds" / "aiue_success_criteria.csv").write_text(criteria + QUALITY_ROW)
    contradicted = sorted(labels)[:CONTRADICTED]
    with (with_scores / "langfuse_scores.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "traceId", "observationId", "timestamp", "name", "value",
                         "stringValue", "dataType"])  # fmt: skip
        for number, (intent, (success, at)) in enumerate(sorted(labels.items())):
            passed = (success == "true") != (intent in contradicted)
            trace_id, span_id = spans[intent]
            if number % 2:
                row = ["task_success", "", "pass" if passed else "fail", "CATEGORICAL"]
            else:
                row = ["answer_quality", "0.9" if passed else "0.2", "", "NUMERIC"]
            writer.writerow([f"score-{number}", trace_id, span_id, at, *row])
    write_outcomes(
        with_scores / "outcomes.csv", {intent: labels[intent] for intent in contradicted}
    )
    return {
        "outcomes": build(with_outcomes, root / "with_outcomes.duckdb"),
        "scores": build(with_scores, root / "with_scores.duckdb"),
    }


def metrics(built: Build) -> dict[str, dict]:
    out = io.StringIO()
    args = ["metrics", "--db", str(built.db_path), "--by", "feature_tag", "--format", "json"]
    with contextlib.redirect_stdout(out):
        assert aiue(args) == 0
    return {row["feature_tag"]: row for row in json.loads(out.getvalue())}


def test_evaluation_events_give_the_same_cps_as_outcomes_csv(builds: dict[str, Build]) -> None:
    expected, actual = metrics(builds["outcomes"]), metrics(builds["scores"])
    assert expected.keys() == actual.keys()
    assert sum(row["labeled_intents"] for row in expected.values()) > 100
    for feature, row in expected.items():
        for name in ("intents", "labeled_intents", "successful_intents"):
            assert actual[feature][name] == row[name], (feature, name)
        for name in ("success_rate", "cost_per_success", "cost_per_intent", "total_cost"):
            if row[name] is None:
                assert actual[feature][name] is None, (feature, name)
            else:
                assert math.isclose(actual[feature][name], row[name], rel_tol=1e-12), name


def test_outcomes_csv_wins_where_both_label_an_intent(builds: dict[str, Build]) -> None:
    scores = builds["scores"]
    sources = dict(
        scores.query(
            f"select label_source, count(*) from {MARTS}.aiue__intents "
            "where label_source is not null group by label_source"
        )
    )
    [(labeled,)] = builds["outcomes"].query(
        f"select count(*) from {MARTS}.aiue__intents where is_labeled"
    )
    assert sources == {"outcomes": CONTRADICTED, "evaluation": labeled - CONTRADICTED}
    superseded = scores.records(
        f"select * from {MARTS}.aiue__rejected_outcomes where label_source = 'evaluation'"
    )
    assert len(superseded) == CONTRADICTED
    assert {row["rejection_reason"] for row in superseded} == {
        "superseded by outcomes.csv: a label of the app wins over evaluation results"
    }
    assert {row["evaluation_name"] for row in superseded} <= {"task_success", "answer_quality"}
