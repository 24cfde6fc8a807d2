"""The command line at its edges: each is a usage error with a sentence, or
does what the user meant, before any slow work. No build is needed for any of them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.ui.tables import MAX_WIDTH


def test_run_refuses_a_folder_as_db_before_loading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    started = time.monotonic()
    fixtures = Path(__file__).parents[1] / "fixtures" / "small"
    assert aiue(["run", "--input", str(fixtures), "--db", str(folder)]) == 2
    assert time.monotonic() - started < 10  # no load, no dbt
    err = capsys.readouterr().err
    assert f"--db {folder} is a folder" in err and str(folder / "aiue.duckdb") in err
    assert list(folder.iterdir()) == []  # nothing written into it
    # The read commands say the same of a folder.
    assert aiue(["metrics", "--db", str(folder)]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--intents", "-5"], ["--days", "0"], ["--intents", "x"]])
def test_demo_counts_are_usage_errors(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        aiue(["demo", "--no-build", "--dir", str(tmp_path), *args])
    assert exit_.value.code == 2
    assert "usage: aiue demo" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["metrics", "report", "sql"])
def test_from_after_to_is_a_usage_error_not_no_intents(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {
        "metrics": ["--db", str(tmp_path / "none.duckdb")],
        "report": ["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html")],
        "sql": ["--dialect", "duckdb", "--metric", "cost_per_success"],
    }[command]
    assert aiue([command, *extra, "--from", "2026-10-01", "--to", "2026-09-01"]) == 2
    err = capsys.readouterr().err
    assert "--from 2026-10-01 is after --to 2026-09-01" in err and "Swap them" in err
    assert not (tmp_path / "r.html").exists()


def test_breakeven_compares_every_requests_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert aiue(["breakeven", "--requests", "1k", "--requests", "2M,3M", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["volumes"]
    assert [row["requests"] for row in rows] == [1_000, 2_000_000, 3_000_000]
    assert aiue(["breakeven", "--format", "json"]) == 0  # the default volumes
    rows = json.loads(capsys.readouterr().out)["volumes"]
    assert [row["requests"] for row in rows] == [100_000, 1_000_000, 10_000_000]


def test_cps_fits_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        aiue(
            [
                "cps",
                "--price-per-million",
                "0.15",
                "--tokens-per-turn",
                "2533",
                "--turns",
                "5",
                "--success-rate",
                "0.70",
                "--escalation-rate",
                "0.30",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "$6.4313" in out
    assert max(len(line) for line in out.splitlines()) <= MAX_WIDTH


def test_reading_the_mart_schema_does_not_import_dbt() -> None:
    """`aiue metrics` spent 3.5 s of its 4.7 s importing dbt to read a schema name from
    profiles.yml; the profile is rendered without dbt, with the same values."""
    code = (
        "import sys, json\n"
        "from ai_unit_economics.engines.registry import engine\n"
        "from ai_unit_economics.engines.dbt_profile import profile_output\n"
        "schemas = [engine(t).mart_schema() for t in ('duckdb', 'postgres', 'spark')]\n"
        "port = profile_output('postgres')['port']\n"
        "print(json.dumps([schemas, port, sorted(m for m in sys.modules if m.startswith('dbt'))]))"
    )
    env = {"PATH": "/usr/bin:/bin", "AIUE_PG_SCHEMA": "analytics", "AIUE_PG_PORT": "6543"}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout
    schemas, port, dbt_modules = json.loads(out)
    assert schemas == ["main_aiue", "analytics_aiue", "aiue_aiue"]
    assert port == 6543
    assert dbt_modules == []
