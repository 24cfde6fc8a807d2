"""A real install: the built wheel carries the dbt project, and `aiue` works from it alone."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics import __version__
from ai_unit_economics.metrics import catalogue, sqlgen

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]

# What `aiue run` and `aiue generate` need from the dbt project, as paths inside the wheel.
PROJECT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "models/marts/aiue__intents.sql",
    "models/marts/aiue__intents.yml",
    "models/metric_views/aiue__metric_cost_per_success.sql",
    "models/semantic/_aiue__semantic.yml",
    "macros/cross_db.sql",
    "seeds/aiue_model_prices.csv",
    "tests/data/assert_money_conserved.sql",
    "docs/metrics.md",
    "semantic/osi/ai_unit_economics.json",
)


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout + result.stderr


def test_the_wheel_installs_into_a_fresh_venv_and_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, ROOT], ROOT)
    (wheel,) = dist.glob("ai_unit_economics-*.whl")
    assert wheel.name.startswith(f"ai_unit_economics-{__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in PROJECT_FILES if f"ai_unit_economics/dbt_project/{f}" not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    templates = {
        str(path.relative_to(ROOT / "python"))
        for path in (ROOT / "python/ai_unit_economics").rglob("templates/*.j2")
    }
    assert templates and templates <= names, f"the wheel lacks {sorted(templates - names)}"

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path)
    run([venv / "bin/python", "-m", "pip", "install", "--quiet", wheel], tmp_path)

    # Far from the checkout, with nothing pointing at it: only the wheel can supply the project.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIUE_", "PYTHON", "VIRTUAL"))}
    aiue = venv / "bin/aiue"
    assert run([aiue, "--version"], elsewhere, env).strip() == f"aiue {__version__}"
    found = run(
        [venv / "bin/python", "-c",
         "from ai_unit_economics.project import project_dir; print(project_dir())"],
        elsewhere,
        env,
    ).strip()  # fmt: skip
    assert Path(found).is_relative_to(venv), found
    assert "match the metric catalogue" in run([aiue, "generate", "--check"], elsewhere, env)

    out = run([aiue, "demo", "--dir", "demo", "--intents", "300"], elsewhere, env)
    assert "What an intent costs" in out and "Invoice against telemetry" in out
    # dbt's working files go beside the database (a relative --dir here), never into the
    # installed package, which every user and run shares.
    assert (elsewhere / "demo/.aiue/target/run_results.json").is_file()
    assert (elsewhere / "demo/.aiue/target/partial_parse.msgpack").is_file()
    assert (elsewhere / "demo/.aiue/logs/dbt.log").is_file()
    written = sorted(
        path.name for path in Path(found).iterdir() if path.name in {".aiue", "target", "logs"}
    )
    assert written == [], f"the run wrote {written} into the installed package {found}"
    with duckdb.connect(str(elsewhere / "demo/aiue.duckdb"), read_only=True) as connection:
        intents = connection.execute("select count(*) from main_aiue.aiue__intents").fetchone()
        views = connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main_aiue' and table_type = 'VIEW'"
        ).fetchall()
    assert intents[0] > 300  # the sample plus the article scenarios
    run([aiue, "report", "--db", "demo/aiue.duckdb", "--out", "report.html"], elsewhere, env)
    assert "<h2>Cost per success over time</h2>" in (elsewhere / "report.html").read_text()
    assert {sqlgen.view_model_name(item) for item in catalogue.METRICS} <= {v for (v,) in views}
