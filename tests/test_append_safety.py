"""Appends that lose nothing and double nothing (docs/bad_input.md, "Appending"):

- the seeds a build uses are stored with it: an append without seeds/ keeps them (once it
  re-priced all history with the bundled seeds: the billing fixture's billed cost fell from
  96.60695 to 0.59595, the GPU lease and the negotiated price vanished, exit 0); an append
  with seeds/ replaces them and says which changed;
- a file is known by its content: the same content under another path is refused naming both
  paths (once the same FOCUS export appended from another folder was billed twice: 96.60695
  to 97.21390), and FOCUS rows identical across files are flagged as within one file;
- property: random sequences of appends, duplicate files under new paths, seed changes and
  killed runs publish marts equal to a full build of the distinct inputs with the last seeds.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ai_unit_economics.builder.pipeline import run_pipeline
from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from tests.mart_comparison import MARTS, differences, keyed

from .conftest import FIXTURES
from .harness.faults import paused_run, sigkill

pytestmark = pytest.mark.dbt

AIUE = Path(sys.executable).parent / "aiue"
BILLED = Decimal("96.60695")  # the billing fixture's EffectiveCost (its README)
SOURCE_COLUMNS = {"source_file", "source_row_number"}


# --- helpers ---------------------------------------------------------------------------------


def marts(db_path: Path) -> dict[str, dict]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        tables = {}
        for mart, key in MARTS.items():
            cursor = connection.execute(f"select * from main_aiue.{mart}")
            columns = [column[0] for column in cursor.description]
            tables[mart] = keyed((columns, cursor.fetchall()), key)
    return tables


def without_source(table: dict) -> dict:
    return {
        key: {column: value for column, value in row.items() if column not in SOURCE_COLUMNS}
        for key, row in table.items()
    }


def one(db_path: Path, sql: str) -> Any:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()[0][0]


def billed(db_path: Path) -> Decimal:
    return Decimal(
        str(one(db_path, "select sum(billed_cost) from main_aiue.aiue__cost_reconciliation"))
    ).normalize()


def seeds_of(db_path: Path) -> dict[str, str]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.execute(
            "select seed_name, seed_origin from aiue_raw.aiue_seed_files"
        ).fetchall()
    return dict(rows)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def a_later_span(folder: Path) -> Path:
    """A folder with one new call of the billing fixture's shape, on a day after its data."""
    header, rows = read_csv(FIXTURES / "billing" / "genai_spans.csv")
    span = dict(zip(header, rows[0], strict=True))
    span |= {
        "trace_id": "trace-later",
        "span_id": "span-later",
        "start_time": "2024-10-05T10:00:00Z",
        "end_time": "2024-10-05T10:00:05Z",
        "response_id": "resp-later",
        "intent_id": "i-later",
    }
    write_csv(folder / "genai_spans.csv", header, [[span[name] for name in header]])
    return folder


# Marts of a month's intents together: a later intent of the same month moves its percentiles
# and the feature's median, as it should (they equal one build of all the data; see below).
MONTH_WIDE_MARTS = {"aiue__intent_cost_percentiles", "aiue__runaway_intents"}


def same_earlier_rows(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """Every row of every mart before the append, unchanged after it (but the month-wide ones)."""
    problems = []
    for mart, rows in before.items():
        if mart in MONTH_WIDE_MARTS:
            continue
        kept = {key: row for key, row in after[mart].items() if key in rows}
        problems += [f"{mart}: {problem}" for problem in differences(rows, kept)]
    return problems


def warned_rows(db_path: Path, test: str) -> int:
    """Rows the warning data test `test` returned in the last build of this database."""
    results = json.loads((db_path.parent / ".aiue/target/run_results.json").read_text())
    prefix = f"test.ai_unit_economics.{test}"
    (found,) = [r for r in results["results"] if r["unique_id"].startswith(prefix)]
    return int(found["failures"] or 0)


# --- the billing fixture's build, and appends onto copies of it ------------------------------


@pytest.fixture(scope="module")
def billing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("append_billing")
    db = root / "built" / "aiue.duckdb"
    run_pipeline(FIXTURES / "billing", db)  # its seeds/: an FX rate, a GPU lease, a price
    return {
        "root": root,
        "db": db,
        "marts": marts(db),
        "warned": warned_rows(db, "warn_focus_identical_rows"),
    }


def copy_of(build: dict[str, Any], name: str) -> Path:
    db = build["root"] / name / "aiue.duckdb"
    db.parent.mkdir()
    shutil.copyfile(build["db"], db)
    return db


def test_an_append_without_seeds_keeps_every_earlier_number(
    billing: dict[str, Any], capsys: pytest.CaptureFixture
) -> None:
    db = copy_of(billing, "spans_only")
    assert billed(db) == BILLED
    capsys.readouterr()
    run_pipeline(a_later_span(billing["root"] / "later"), db)
    out = capsys.readouterr().out
    assert "Keeping the seeds this build uses: your aiue_fx_rates, aiue_gpu_rates, " in out
    assert "Seeds changed" not in out
    assert billed(db) == BILLED  # the GPU lease and the EUR charge are still billed
    after = marts(db)
    assert same_earlier_rows(billing["marts"], after) == []
    assert len(after["aiue__llm_calls"]) == len(billing["marts"]["aiue__llm_calls"]) + 1
    assert seeds_of(db)["aiue_model_price_overrides"] == "yours"
    assert seeds_of(db)["aiue_model_prices"] == "bundled"


def test_an_append_with_seeds_replaces_them_and_says_history_is_repriced(
    billing: dict[str, Any], capsys: pytest.CaptureFixture
) -> None:
    db = copy_of(billing, "new_seeds")
    folder = a_later_span(billing["root"] / "later_with_seeds")
    (folder / "seeds").mkdir()
    for name in ("aiue_fx_rates.csv", "aiue_model_price_overrides.csv"):  # the lease dropped
        shutil.copy(FIXTURES / "billing" / "seeds" / name, folder / "seeds" / name)
    capsys.readouterr()
    run_pipeline(folder, db)
    out = capsys.readouterr().out
    assert "Seeds changed since the last build: aiue_gpu_rates (back to the bundled one)." in out
    assert "re-priced" in out
    assert seeds_of(db)["aiue_gpu_rates"] == "bundled"
    gpu = "select coalesce(sum(gpu_cost), 0) from main_aiue.aiue__llm_calls"
    assert one(billing["db"], gpu) > 0 and one(db, gpu) == 0  # the lease no longer applies


def test_the_same_content_under_another_path_is_refused_naming_both(
    billing: dict[str, Any], capsys: pytest.CaptureFixture
) -> None:
    """The billing FOCUS export again, from another folder and by a relative path."""
    db = copy_of(billing, "duplicate")
    folder = a_later_span(billing["root"] / "again")
    shutil.copy(FIXTURES / "billing" / "focus_costs.csv", folder / "focus_costs.csv")
    cwd = Path.cwd()
    os.chdir(folder.parent)
    try:
        code = aiue(["run", "--input", folder.name, "--db", str(db)])
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{folder.name}/focus_costs.csv has the same content as " in err
    assert str(FIXTURES / "billing" / "focus_costs.csv") in err
    assert "would count its rows twice" in err and "Traceback" not in err
    assert billed(db) == BILLED
    assert same_earlier_rows(billing["marts"], marts(db)) == []


def test_a_changed_file_at_a_loaded_path_is_refused(
    billing: dict[str, Any], tmp_path: Path
) -> None:
    """A cron job overwriting one path: not loaded beside the earlier rows of that name."""
    db = tmp_path / "aiue.duckdb"
    folder = a_later_span(tmp_path / "today")
    run_pipeline(folder, db)
    header, rows = read_csv(folder / "genai_spans.csv")
    rows[0][1] = "span-next"
    write_csv(folder / "genai_spans.csv", header, rows)
    with pytest.raises(UserError) as refused:
        run_pipeline(folder, db)
    assert f"{folder / 'genai_spans.csv'} was loaded into this database on " in str(refused.value)
    assert "has changed since" in str(refused.value)


def test_focus_rows_identical_across_files_are_flagged(billing: dict[str, Any]) -> None:
    """A month-to-date export appended over the previous one: its repeated rows are billed
    (FOCUS rows have no identity) and flagged by the warning test, naming both files."""
    db = copy_of(billing, "overlap")
    folder = a_later_span(billing["root"] / "overlap_input")
    header, rows = read_csv(FIXTURES / "billing" / "focus_costs.csv")
    later = list(rows[0])
    later[header.index("ChargePeriodStart")] = "2024-10-05 00:00:00"
    later[header.index("ChargePeriodEnd")] = "2024-10-06 00:00:00"
    write_csv(folder / "focus_costs.csv", header, [rows[0], later])
    run_pipeline(folder, db)
    assert warned_rows(db, "warn_focus_identical_rows") == billing["warned"] + 1


def test_identical_files_in_one_folder_are_refused(tmp_path: Path) -> None:
    """Two copies of one OTLP export in otlp/: refused before any build."""
    folder = tmp_path / "input" / "otlp"
    folder.mkdir(parents=True)
    (source,) = (FIXTURES / "telemetry" / "otlp_openai_v2" / "otlp").iterdir()
    shutil.copy(source, folder / "a.jsonl")
    shutil.copy(source, folder / "b.jsonl")
    with pytest.raises(UserError) as refused:
        run_pipeline(tmp_path / "input", tmp_path / "aiue.duckdb")
    message = str(refused.value)
    assert "have the same content" in message and "keep one" in message
    assert str(folder / "a.jsonl") in message and str(folder / "b.jsonl") in message
    assert not (tmp_path / "aiue.duckdb").exists()


# --- the property: any sequence of appends equals one build of the distinct inputs ----------

SMALL = FIXTURES / "small"
# The small fixture's spans in three chunks (by trace) with the labels of their intents.
CHUNKS: dict[str, tuple[str, ...]] = {"a": ("t1",), "b": ("t2", "t3"), "c": ("t4",)}
SEEDS = ("v1", "v2")  # v1: the fixture's seeds; v2: model-b's input price raised


def chunk_folder(root: Path, chunk: str, seeds: str | None, name: str) -> Path:
    folder = root / name
    header, spans = read_csv(SMALL / "genai_spans.csv")
    mine = [row for row in spans if row[0] in CHUNKS[chunk]]
    write_csv(folder / "genai_spans.csv", header, mine)
    intents = {row[header.index("intent_id")] for row in mine}
    label_header, labels = read_csv(SMALL / "outcomes.csv")
    write_csv(folder / "outcomes.csv", label_header, [r for r in labels if r[0] in intents])
    if seeds is not None:
        write_seeds(folder / "seeds", seeds)
    return folder


def write_seeds(folder: Path, version: str) -> None:
    shutil.copytree(SMALL / "seeds", folder)
    if version == "v2":
        prices = folder / "aiue_model_prices.csv"
        text = prices.read_text(encoding="utf-8")
        prices.write_text(text.replace("model-b,input,10.00", "model-b,input,12.50"), "utf-8")


def killed_run(folder: Path, db: Path, point: str) -> None:
    sigkill(paused_run([AIUE, "run", "--quiet", "--input", folder, "--db", db], point))


steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("append"), st.sampled_from(sorted(CHUNKS)), st.sampled_from([None, *SEEDS])
        ),
        st.tuples(st.just("duplicate"), st.sampled_from(sorted(CHUNKS)), st.none()),
        st.tuples(
            st.just("kill"), st.sampled_from(sorted(CHUNKS)), st.sampled_from(["load", "model"])
        ),
    ),
    min_size=1,
    max_size=3,
)


# Each example is several dbt builds of the small fixture (20-30 s each here), so one explicit
# example that has every kind of step (an append with seeds, the same file under a new path,
# a run killed mid-build, an append that changes the seeds), one generated, no shrinking:
# about three minutes. The keep-the-seeds case is test_an_append_without_seeds_... above.
@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@example(
    sequence=[
        ("append", "a", "v1"),
        ("duplicate", "a", None),
        ("kill", "b", "model"),
        ("append", "b", "v2"),
    ]
)
@given(sequence=steps)
def test_any_sequence_of_appends_equals_one_build_of_the_distinct_inputs(
    sequence: list[tuple[str, str, str | None]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("sequence")
    db = root / "built" / "aiue.duckdb"
    loaded: list[str] = []  # chunks in the published build, in order
    seeds: str | None = None  # the seeds of the published build (None: bundled)
    for number, (kind, chunk, option) in enumerate(sequence):
        if kind == "duplicate":
            if not loaded:
                continue
            chunk = loaded[0]
            folder = chunk_folder(root, chunk, None, f"step{number}_copy_of_{chunk}")
            before = marts(db)
            with pytest.raises(UserError, match="has the same content as"):
                run_pipeline(folder, db)
            assert marts(db) == before
            continue
        if chunk in loaded:
            continue  # a chunk is new data once; its repeats are the duplicate steps
        if kind == "kill":
            folder = chunk_folder(root, chunk, None, f"step{number}_{chunk}")
            before = marts(db) if db.exists() else None
            killed_run(folder, db, option or "load")
            assert (marts(db) if db.exists() else None) == before
            continue
        folder = chunk_folder(root, chunk, option, f"step{number}_{chunk}")
        run_pipeline(folder, db)
        loaded.append(chunk)
        seeds = option if option is not None else (seeds if len(loaded) > 1 else None)
    if not loaded:
        return
    # One build of the distinct inputs with the last seeds.
    reference = root / "reference"
    header, spans = read_csv(SMALL / "genai_spans.csv")
    traces = {trace for chunk in loaded for trace in CHUNKS[chunk]}
    mine = [row for row in spans if row[0] in traces]
    write_csv(reference / "genai_spans.csv", header, mine)
    intents = {row[header.index("intent_id")] for row in mine}
    label_header, labels = read_csv(SMALL / "outcomes.csv")
    write_csv(reference / "outcomes.csv", label_header, [r for r in labels if r[0] in intents])
    if seeds is not None:
        write_seeds(reference / "seeds", seeds)
    single = db.with_name("single.duckdb")  # beside it: dbt reuses the parse in .aiue/
    run_pipeline(reference, single)
    appended, expected = marts(db), marts(single)
    for mart in MARTS:
        assert differences(without_source(expected[mart]), without_source(appended[mart])) == [], (
            mart
        )


# --- folders without spans, and no folder: late data, edited seeds, a rebuild -----------------


def assert_same_marts(expected_db: Path, actual_db: Path) -> None:
    expected, actual = marts(expected_db), marts(actual_db)
    for mart in MARTS:
        assert differences(without_source(expected[mart]), without_source(actual[mart])) == [], mart


def test_a_rebuild_without_input_keeps_the_build_and_a_seeds_folder_reprices_every_day(
    tmp_path: Path,
) -> None:
    """`aiue run --db FILE` rebuilds from the raw data and seeds the build holds (the same
    marts); a folder holding only seeds/ (a price edited) rebuilds every day with them and
    equals one build of all the data with those seeds."""
    db = tmp_path / "w" / "aiue.duckdb"
    run_pipeline(SMALL, db)
    first = marts(db)
    run_pipeline(None, db)
    assert marts(db) == first
    edited = tmp_path / "edited"
    write_seeds(edited / "seeds", "v2")
    run_pipeline(edited, db)
    assert seeds_of(db)["aiue_model_prices"] == "yours"
    reference = tmp_path / "reference"
    shutil.copytree(SMALL, reference, ignore=shutil.ignore_patterns("seeds"))
    write_seeds(reference / "seeds", "v2")
    run_pipeline(reference, tmp_path / "w" / "single.duckdb")
    assert_same_marts(tmp_path / "w" / "single.duckdb", db)
    assert marts(db)["aiue__intents"] != first["aiue__intents"]  # the edit reached history


def test_an_append_of_another_span_layout_keeps_reading_the_first(tmp_path: Path) -> None:
    """LiteLLM spend logs, then a folder of the Collector's otel_traces: the build reads both
    layouts (once it read only the new folder's, and the conservation test stopped it), and
    equals one build of a folder holding both."""
    telemetry = FIXTURES / "telemetry"
    db = tmp_path / "w" / "aiue.duckdb"
    run_pipeline(telemetry / "litellm", db)
    run_pipeline(telemetry / "otel_traces_csv", db)
    with duckdb.connect(str(db), read_only=True) as connection:
        layouts = dict(
            connection.execute(
                "select source_layout, span_rows from main_aiue.aiue__span_sources"
            ).fetchall()
        )
    assert set(layouts) == {"litellm", "otel_traces"} and all(layouts.values())
    both = tmp_path / "both"
    both.mkdir()
    for name in ("litellm/litellm_spend_logs.csv", "otel_traces_csv/otel_traces.csv"):
        shutil.copy(telemetry / name, both)
    run_pipeline(both, tmp_path / "w" / "single.duckdb")
    assert_same_marts(tmp_path / "w" / "single.duckdb", db)


def test_what_cannot_be_rebuilt_is_refused_with_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="holds no build to rebuild") as refused:
        run_pipeline(None, tmp_path / "none.duckdb")
    assert "Pass --input DIR" in str(refused.value)
    assert not (tmp_path / "none.duckdb").exists()
    seeds_only = tmp_path / "edited"
    write_seeds(seeds_only / "seeds", "v2")
    with pytest.raises(UserError, match="no spans found"):
        run_pipeline(seeds_only, tmp_path / "new.duckdb")  # a first build needs spans
    with pytest.raises(UserError, match="--full-refresh rebuilds from the --input folder alone"):
        run_pipeline(seeds_only, tmp_path / "new.duckdb", full_refresh=True)
    with pytest.raises(UserError, match="leave out --full-refresh"):
        run_pipeline(None, tmp_path / "new.duckdb", full_refresh=True)


def test_a_folder_of_late_labels_alone_appends_to_a_build(tmp_path: Path) -> None:
    """A build without its last outcome label, then a folder holding only that label (no
    spans): accepted on a build that has its spans, and equal to one build of everything."""
    header, labels = read_csv(SMALL / "outcomes.csv")
    first = tmp_path / "first"
    shutil.copytree(SMALL, first)
    write_csv(first / "outcomes.csv", header, labels[:-1])
    late = tmp_path / "late"
    write_csv(late / "outcomes.csv", header, labels[-1:])
    db = tmp_path / "w" / "aiue.duckdb"
    run_pipeline(first, db)
    run_pipeline(late, db)
    run_pipeline(SMALL, tmp_path / "w" / "single.duckdb")
    assert_same_marts(tmp_path / "w" / "single.duckdb", db)
