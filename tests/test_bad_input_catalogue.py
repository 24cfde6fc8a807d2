"""docs/bad_input.md, as tests: impossible values in every input become rejected rows naming
the file, row, column and value (one build of tests/fixtures/hostile per engine: DuckDB,
Postgres, Spark), and broken files stop `aiue run` with exit 2 and one sentence naming the
file and row (no build). Expected outcomes are worked out by hand in the fixture's README.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.engines.warehouse import mart_schema, query

from .conftest import FIXTURES
from .test_engines import environment, spark_cli, spark_dump

pytestmark = [pytest.mark.dbt, pytest.mark.spark]

HOSTILE = FIXTURES / "hostile"
TS = "is not an ISO-8601 timestamp or epoch number: "

# (rejected mart, source row) -> the reason, by hand from tests/fixtures/hostile/README.md
REJECTED: dict[tuple[str, int], str] = {
    ("spans", 2): "start_time " + TS + "2026-02-30T10:00:00Z",
    ("spans", 3): "start_time " + TS + "2026-01-01T25:00:00Z",
    ("spans", 4): "start_time " + TS + "2026-13-01T10:00:00Z",
    ("spans", 5): "reported_cost is not a number, or is out of range: 99999999999999999999e5",
    ("spans", 6): "reported_cost is negative: -0.5",
    ("spans", 7): "input_tokens is not a non-negative whole number: 9999999999999999",
    ("spans", 8): "end_time " + TS + "2026-01-01T10:00:60Z",
    ("spans", 9): "start_time " + TS + "2026-01-01T10:00:09+15:00",
    ("spans", 12): "start_time " + TS + "2026-02-29T10:00:12Z",
    ("spans", 13): "start_time " + TS + "2026-01-01T24:00:00Z",
    ("spans", 14): "start_time " + TS + "2026-01-01T10:60:00Z",
    ("spans", 15): "start_time " + TS + "2026-04-31",
    ("spans", 16): "start_time " + TS + "0000-01-01T00:00:00Z",
    ("spans", 17): "output_tokens is not a non-negative whole number: 1e400",
    ("spans", 20): "end_time is before start_time: 2026-01-01T10:00:19Z",
    ("outcomes", 1): "superseded: another label of this intent has the same labeled_at, and on "
    "a tie the costlier label wins (a failure, then escalated, then human-reviewed)",
    ("outcomes", 3): "labeled_at is not an ISO-8601 UTC timestamp: 2026-02-30T11:00:00Z",
    ("outcomes", 4): "labeled_at is not an ISO-8601 UTC timestamp: 2026-01-01T25:00:00Z",
    ("focus_costs", 3): "ChargePeriodStart is not a timestamp: 2026-02-30 00:00:00",
    ("focus_costs", 4): "BilledCost is not a number: 99999999999999999999e5",
    ("focus_costs", 5): "EffectiveCost is not a number: 99999999999999999999e5",
    ("focus_costs", 6): "ChargePeriodStart is not a timestamp: 2026-01-01 25:00:00",
    ("aiue_model_prices", 3): "price_per_million is not a number, or is out of range: abc",
    ("aiue_model_prices", 4): "price_per_million is negative: -1.00",
    ("aiue_model_prices", 5): "valid_from is not a calendar date (YYYY-MM-DD): 2026-02-30",
    ("aiue_model_prices", 6): "conflicting rows: rows 6 to 7 have the same provider, model, "
    "usage_type, valid_from (which one holds is ambiguous: keep one)",
    ("aiue_model_prices", 7): "conflicting rows: rows 6 to 7 have the same provider, model, "
    "usage_type, valid_from (which one holds is ambiguous: keep one)",
    ("aiue_model_prices", 8): "price_per_million is not a number, or is out of range: "
    "99999999999999999999e5",
    ("aiue_model_prices", 9): "currency EUR is not the reporting currency USD (var "
    "aiue_reporting_currency), and aiue_model_prices is not converted (aiue_fx_rates converts "
    "billing rows only): give the row in USD",
    ("aiue_model_prices", 10): "usage_type is not one of input, image_input, audio_input, "
    "video_input, cache_read, cache_write, output, audio_output: outptu",
    ("aiue_escalation_costs", 2): "minutes_per_ticket is not a number, or is out of range: ten",
    ("aiue_review_costs", 2): "valid_from is not a calendar date (YYYY-MM-DD): 2026-13-01",
}
# span row -> what the kept call holds (hand-computed in the README)
KEPT_SPANS: dict[int, str] = {
    1: "2026-01-01 10:00:00",
    10: "2025-12-31 20:00:10",  # +14:00 converted to UTC
    11: "2028-02-29 10:00:11",  # a leap day
    18: "2026-01-01 10:00:18",  # epoch seconds 1767261618
    19: "2026-01-01 10:00:19.123456",  # 9 fractional digits cut to 6
}


def collect(target: str, db_path: Path | None) -> dict[str, Any]:
    """Everything the catalogue checks, read from one build (picklable for Spark's child)."""
    schema = mart_schema(target)
    rejected: dict[tuple[str, int], str] = {}
    for mart, kind in (
        ("aiue__rejected_spans", "spans"),
        ("aiue__rejected_outcomes", "outcomes"),
        ("aiue__rejected_focus_costs", "focus_costs"),
    ):
        _, rows = query(
            target, f"select source_row_number, rejection_reason from {schema}.{mart}", db_path
        )
        rejected |= {(kind, int(row)): reason for row, reason in rows}
    _, rows = query(
        target,
        "select seed_name, seed_row_number, rejection_reason "
        f"from {schema}.aiue__rejected_seed_rows",
        db_path,
    )
    rejected |= {(seed, int(row)): reason for seed, row, reason in rows}
    _, calls = query(
        target,
        f"select source_row_number, started_at, cost_source from {schema}.aiue__llm_calls "
        "where trace_id in ('t1', 't2')",
        db_path,
    )
    _, intents = query(
        target, f"select intent_id, is_success, is_escalated from {schema}.aiue__intents", db_path
    )
    return {
        "rejected": rejected,
        "calls": {int(row): (str(started), source) for row, started, source in calls},
        "intents": {intent: (success, escalated) for intent, success, escalated in intents},
    }


DUMP_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from tests.test_bad_input_catalogue import collect
with open(sys.argv[3], "wb") as handle:
    pickle.dump(collect(sys.argv[2], None), handle)
"""


@pytest.fixture(scope="module")
def hostile_duckdb(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db_path = tmp_path_factory.mktemp("hostile_duckdb") / "aiue.duckdb"
    assert aiue(["run", "--input", str(HOSTILE), "--db", str(db_path)]) == 0
    return collect("duckdb", db_path)


@pytest.fixture(scope="module")
def hostile_postgres(
    postgres_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("hostile_postgres")
    with environment(postgres_server.env()):
        args = ["run", "--full-refresh", "--input", str(HOSTILE), "--target", "postgres"]
        assert aiue([*args, "--db", str(work / "aiue.duckdb")]) == 0
        return collect("postgres", None)


@pytest.fixture(scope="module")
def hostile_spark(
    spark_engine: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("hostile_spark")
    spark_cli(["run", "--full-refresh", "--input", str(HOSTILE)], work, spark_engine, "spark run")
    return spark_dump(work, spark_engine, DUMP_SCRIPT)


ENGINES = ["duckdb", "postgres", "spark"]


def built(request: pytest.FixtureRequest, engine: str) -> dict[str, Any]:
    return request.getfixturevalue(f"hostile_{engine}")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", list(REJECTED), ids=lambda case: f"{case[0]}-row{case[1]}")
def test_impossible_value_is_a_rejected_row(
    request: pytest.FixtureRequest, engine: str, case: tuple[str, int]
) -> None:
    assert built(request, engine)["rejected"].get(case) == REJECTED[case]


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_else_is_rejected(request: pytest.FixtureRequest, engine: str) -> None:
    assert set(built(request, engine)["rejected"]) == set(REJECTED)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("row", list(KEPT_SPANS))
def test_unusual_but_real_value_is_kept(
    request: pytest.FixtureRequest, engine: str, row: int
) -> None:
    started, _ = built(request, engine)["calls"][row]
    assert started == KEPT_SPANS[row]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tie_on_labeled_at_goes_to_the_costlier_label(
    request: pytest.FixtureRequest, engine: str
) -> None:
    intents = built(request, engine)["intents"]
    assert intents["i1"] == (False, True)  # row 2 (failure, escalated) beats row 1
    assert intents["i2"] == (True, False)  # the one readable label


# --- broken files: exit 2, one sentence naming the file and row, nothing built ----------------

SPANS_HEADER = "trace_id,span_id,start_time\n"
# name -> (files to write into the input folder, what the error says)
FILE_CASES: dict[str, tuple[dict[str, bytes], str]] = {
    "ragged row (too few fields)": (
        {"genai_spans.csv": b"trace_id,span_id,start_time\nt1,s1,2026-01-01\nt2,s2\n"},
        "data row 2 (line 3) has 2 fields but the header has 3",
    ),
    "ragged row (too many fields)": (
        {"genai_spans.csv": b"trace_id,span_id,start_time\nt1,s1,2026-01-01\nt2,s2,x,y\n"},
        "data row 2 (line 3) has 4 fields but the header has 3",
    ),
    "a quote that never closes": (
        {"genai_spans.csv": b'trace_id,span_id,start_time\nt1,s1,"2026-01-01\nt2,s2,x\n'},
        "data row 1 (line 3): unexpected end of data",
    ),
    "a quote followed by text": (
        {"genai_spans.csv": b'trace_id,span_id,start_time\nt1,"s1"x,2026-01-01\n'},
        "data row 1 (line 2): ',' expected after '\"'",
    ),
    "a repeated column": (
        {"genai_spans.csv": b"trace_id,span_id,start_time,span_id\nt1,s1,2026-01-01,s2\n"},
        "column 'span_id' appears twice (columns 2 and 4); keep one.",
    ),
    "a repeated column in another case": (
        {"genai_spans.csv": b"trace_id,span_id,start_time,Trace_ID\nt1,s1,2026-01-01,t\n"},
        "column 'trace_id' appears twice (columns 1 and 4)",
    ),
    "a reserved column _aiue_source_row": (
        {"genai_spans.csv": b"trace_id,span_id,start_time,_aiue_source_row\nt,s,2026-01-01,9\n"},
        "column 4 ('_aiue_source_row'): names starting with _aiue_ are reserved",
    ),
    "a header that closes its quotes and runs SQL": (
        {"genai_spans.csv": b'trace_id,span_id,start_time,"a"" as x); drop table t; --"\n'},
        "column 4 ('a\" as x); drop table t; --') is not a usable column name",
    ),
    "a FOCUS x_ header built to inject a column": (
        {
            "genai_spans.csv": SPANS_HEADER.encode() + b"t,s,2026-01-01T00:00:00Z\n",
            "focus_costs.csv": b'BilledCost,"x_a, (select 4242) as x_injected"\n1,2\n',
        },
        "column 2 ('x_a, (select 4242) as x_injected') is not a usable column name",
    ),
    "a column with no name": (
        {"genai_spans.csv": b"trace_id,,span_id,start_time\nt,x,s,2026-01-01\n"},
        "column 2 ('') has no name",
    ),
    "a column name over 63 bytes": (
        {"genai_spans.csv": SPANS_HEADER.strip().encode() + b"," + b"a" * 64 + b"\nt,s,d,x\n"},
        "is not a usable column name",
    ),
    "a file that is not UTF-8": (
        {"genai_spans.csv": SPANS_HEADER.encode() + b"t1,s\xe9,2026-01-01\n"},
        "is not UTF-8 text; save the file as CSV UTF-8",
    ),
    "an empty file": ({"genai_spans.csv": b""}, "the file is empty or its first line is blank"),
    "malformed FOCUS Tags": (
        {
            "genai_spans.csv": SPANS_HEADER.encode() + b"t,s,2026-01-01T00:00:00Z\n",
            "focus_costs.csv": b"BilledCost,BillingCurrency,ChargePeriodStart,Tags\n"
            b'1,USD,2026-01-01,"{""team"": "\n',
        },
        "row 1, column 'tags' is not valid JSON",
    ),
    "a seed copy with a ragged row": (
        {
            "genai_spans.csv": SPANS_HEADER.encode() + b"t,s,2026-01-01T00:00:00Z\n",
            "seeds/aiue_tool_costs.csv": b"tool_name,cost_per_call,currency,valid_from,valid_to\n"
            b"search,0.01,USD\n",
        },
        "aiue_tool_costs.csv: data row 1 (line 2) has 3 fields but the header has 5",
    ),
    "a seed copy with a repeated column": (
        {
            "genai_spans.csv": SPANS_HEADER.encode() + b"t,s,2026-01-01T00:00:00Z\n",
            "seeds/aiue_tool_costs.csv": b"tool_name,cost_per_call,currency,valid_from,valid_to,"
            b"currency\nsearch,0.01,USD,2026-01-01,,USD\n",
        },
        "aiue_tool_costs.csv: column 'currency' appears twice",
    ),
    "a seed copy separated by semicolons": (
        {
            "genai_spans.csv": SPANS_HEADER.encode() + b"t,s,2026-01-01T00:00:00Z\n",
            "seeds/aiue_tool_costs.csv": b"tool_name;cost_per_call;currency;valid_from;valid_to\n",
        },
        "seeds are read as comma-separated",
    ),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_broken_file_exits_2_naming_file_and_row(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    files, expected = FILE_CASES[case]
    folder = tmp_path / "input"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    code = aiue(["run", "--input", str(folder), "--db", str(tmp_path / "out" / "aiue.duckdb")])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert expected in captured.err
    named = [name for name in files if name.split("/")[-1].split(".")[0] in captured.err]
    assert named, captured.err  # the message names the file
    assert "Traceback" not in captured.err


def test_files_that_look_odd_but_are_fine_load(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark (Excel's "CSV UTF-8"), a stray quote inside a field, a quoted
    field holding the delimiter and a line break, a semicolon-separated file: all load."""
    from ai_unit_economics.ingest.inputs import find_inputs
    from ai_unit_economics.ingest.loaders import load_duckdb

    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "genai_spans.csv").write_bytes(
        b"\xef\xbb\xbftrace_id;span_id;start_time;span_name\n"
        b't1;s1;2026-01-01;ab"c\n'
        b't1;s2;2026-01-01;"x; y\nz"\n'
    )
    counts = load_duckdb(tmp_path / "aiue.duckdb", find_inputs(folder))
    assert counts["genai_spans"] == 2
    import duckdb

    with duckdb.connect(str(tmp_path / "aiue.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "select trace_id, span_name from aiue_raw.genai_spans order by _aiue_source_row"
        ).fetchall()
    assert rows == [("t1", 'ab"c'), ("t1", "x; y\nz")]


def test_a_bom_seed_copy_is_read_by_its_header(tmp_path: Path) -> None:
    from ai_unit_economics.ingest.inputs import seed_overrides

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(HOSTILE / "seeds" / "aiue_review_costs.csv", seeds / "aiue_review_costs.csv")
    assert (seeds / "aiue_review_costs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert seed_overrides(tmp_path) == [seeds / "aiue_review_costs.csv"]
