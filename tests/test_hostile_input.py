"""Hostile input, as a property: random column names and values go to the loaders (many
examples) and through a whole `aiue run` (a few); whatever they are, the run exits 0, 2 or 3
without a traceback, creates no relation outside the package's schemas, and conserves rows.
No name from a file is ever read as SQL: a header that tries to close its quotes and run its
own statements is refused (exit 2) or carried as an inert quoted name.
"""

from __future__ import annotations

import csv
import io
import string
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from ai_unit_economics.ingest.inputs import find_inputs
from ai_unit_economics.ingest.loaders import load_duckdb

REQUIRED = ["trace_id", "span_id", "start_time"]
# Characters an attacker or a broken export puts in a header or cell.
HOSTILE = string.ascii_letters + string.digits + " _.-:/@#$\"'`;,()*=|\\\t\n{}[]%é日\u00a0"
INJECTIONS = [
    'a" as x); create table pwned as select 1; --',
    "x_a, (select 4242) as x_injected",
    "_aiue_source_row",
    "_aiue_source_file",
    "TRACE_ID",
    "",
    "gen_ai.usage.input_tokens",
    "Unnamed: 0",
    "x" * 70,
]
names = st.one_of(st.sampled_from(INJECTIONS), st.text(HOSTILE, min_size=0, max_size=24))
cells = st.one_of(
    st.sampled_from(["", "NULL", "-5", "2026-02-30", "99999999999999999999e5", "1e400", "'; drop"]),
    st.text(HOSTILE, max_size=20),
)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _relations_outside_package(db_path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        found = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "union all select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
    return [
        (schema, name)
        for schema, name in found
        if schema != "aiue_raw" and schema != "main" and not schema.startswith("main_")
    ]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extra=st.lists(names, max_size=4),
    rows=st.lists(st.lists(cells, min_size=7, max_size=7), max_size=6),
)
def test_random_headers_and_values_load_or_are_refused(
    extra: list[str], rows: list[list[str]]
) -> None:
    header = REQUIRED + extra
    body = [row[: len(header)] + [""] * (len(header) - len(row)) for row in rows]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "input"
        folder.mkdir()
        _write_csv(folder / "genai_spans.csv", header, body)
        db_path = Path(scratch) / "aiue.duckdb"
        try:
            counts = load_duckdb(db_path, find_inputs(folder))
        except UserError as error:
            assert str(folder / "genai_spans.csv") in str(error)  # names the file
            return
        assert _relations_outside_package(db_path) == []
        assert counts["genai_spans"] == len(body)  # every row landed
        with duckdb.connect(str(db_path), read_only=True) as connection:
            loaded = connection.execute(
                "select * exclude (_aiue_source_file) from aiue_raw.genai_spans "
                "order by _aiue_source_row"
            ).fetchall()
        # every value landed as written, in its own column and row ('' reads as null)
        expected = [
            tuple(value if value != "" else None for value in row) + (number,)
            for number, row in enumerate(body, start=1)
        ]
        assert loaded == expected


def _base_spans() -> list[list[str]]:
    return [
        ["t1", f"s{n}", f"2026-01-0{n}T10:00:00Z", "chat", "acme", "model-a", str(10 * n), "5"]
        for n in range(1, 6)
    ]


# Each example is a whole build, so few of them and no shrinking (the loader property above
# runs many); one explicit example always carries an injection attempt.
@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@example(
    extra=['a" as x); create table pwned as select 1; --'],
    values=["-5", "2026-02-30", "99999999999999999999e5", "'; drop", ""],
)
@given(
    extra=st.lists(names, min_size=1, max_size=2), values=st.lists(cells, min_size=5, max_size=5)
)
def test_random_input_through_a_whole_run(
    extra: list[str], values: list[str], capsys: pytest.CaptureFixture
) -> None:
    header = REQUIRED + ["operation_name", "provider_name", "response_model"]
    header += ["input_tokens", "output_tokens"] + extra
    rows = [row + [values[position]] * len(extra) for position, row in enumerate(_base_spans())]
    # one random value in a parsed column, too
    rows[0][6] = values[0]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "input"
        folder.mkdir()
        _write_csv(folder / "genai_spans.csv", header, rows)
        db_path = Path(scratch) / "out" / "aiue.duckdb"
        code = aiue(["run", "--input", str(folder), "--db", str(db_path)])
        captured = capsys.readouterr()
        assert code in (0, 2, 3), captured.err[-2000:]
        assert "Traceback" not in captured.err + captured.out
        if not db_path.exists():
            return
        assert _relations_outside_package(db_path) == []
        if code == 0:
            with duckdb.connect(str(db_path), read_only=True) as connection:
                raw, kept, rejected = connection.execute(
                    "select (select count(*) from aiue_raw.genai_spans), "
                    "(select count(*) from main_aiue.aiue__llm_calls), "
                    "(select count(*) from main_aiue.aiue__rejected_spans)"
                ).fetchall()[0]
            assert raw == len(rows) == kept + rejected


def test_a_header_that_closes_its_quotes_runs_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    hostile = "a\" as x); copy (select 1) to 'pwned.csv'; create table pwned as select 1; --"
    _write_csv(folder / "genai_spans.csv", [*REQUIRED, hostile], [["t", "s", "2026-01-01", "1"]])
    with pytest.raises(UserError, match="column 4 .* is not a usable column name"):
        load_duckdb(tmp_path / "aiue.duckdb", find_inputs(folder))
    assert not (Path.cwd() / "pwned.csv").exists()
    assert (
        not (tmp_path / "aiue.duckdb").exists()
        or _relations_outside_package(tmp_path / "aiue.duckdb") == []
    )


def test_values_never_become_sql(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    value = "x'); create table pwned as select 1; --"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[*REQUIRED, "feature_tag"], ["t", "s", "2026-01-01", value]])
    (folder / "genai_spans.csv").write_text(buffer.getvalue(), encoding="utf-8")
    load_duckdb(tmp_path / "aiue.duckdb", find_inputs(folder))
    with duckdb.connect(str(tmp_path / "aiue.duckdb"), read_only=True) as connection:
        assert connection.execute("select feature_tag from aiue_raw.genai_spans").fetchall() == [
            (value,)
        ]
    assert _relations_outside_package(tmp_path / "aiue.duckdb") == []
