"""Shared fixtures. Builds are slow-ish (seconds), so each dataset is built once per session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics.builder.pipeline import run_pipeline
from ai_unit_economics.samples.synthetic import generate, generate_scenarios

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI") == "true"


@dataclass
class Build:
    """A built DuckDB file and the input folder it came from."""

    input_dir: Path
    db_path: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path)) as connection:
            return connection.execute(sql).fetchall()

    def records(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.db_path)) as connection:
            cursor = connection.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build(input_dir: Path, db_path: Path) -> Build:
    run_pipeline(input_dir, db_path)
    return Build(input_dir, db_path)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The generated sample (random features + the article scenarios), built on DuckDB."""
    root = tmp_path_factory.mktemp("sample")
    generate(root / "data", n_intents=1500, seed=7)
    return build(root / "data", root / "aiue.duckdb")


@pytest.fixture(scope="session")
def scenario_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Only the article scenarios, built on DuckDB."""
    root = tmp_path_factory.mktemp("scenarios")
    generate_scenarios(root / "data")
    return build(root / "data", root / "aiue.duckdb")


# --- Billing ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def billing_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """tests/fixtures/billing: the hand-computed allocation case (see its README)."""
    root = tmp_path_factory.mktemp("billing")
    return build(FIXTURES / "billing", root / "aiue.duckdb")


@pytest.fixture(scope="session")
def focus_sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real FOCUS 1.0 sample (1,000 rows) as focus_costs, beside a few spans."""
    import shutil

    data = tmp_path_factory.mktemp("focus_sample") / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "billing" / "genai_spans.csv", data / "genai_spans.csv")
    shutil.copy(FIXTURES / "focus" / "focus_1.0_sample.csv", data / "focus_costs.csv")
    return build(data, data.parent / "aiue.duckdb")


@pytest.fixture(scope="session")
def invoice_extraction_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """tests/fixtures/invoice_extraction: the seed article's $0.081 per page case study."""
    root = tmp_path_factory.mktemp("invoice_extraction")
    return build(FIXTURES / "invoice_extraction", root / "aiue.duckdb")


# --- Engines ---------------------------------------------------------------------------

# postgres_server (a throwaway PostgreSQL 15) and spark_engine (local Spark session env).
pytest_plugins = ["tests.harness.fixtures"]


# --- See it and decide: what-if, budgets, report, FOCUS export -----------------------------


@pytest.fixture(scope="session")
def whatif_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """tests/fixtures/whatif: a model swap and budgets worked out by hand (see its README)."""
    root = tmp_path_factory.mktemp("whatif")
    return build(FIXTURES / "whatif", root / "aiue.duckdb")


FILE_WEIGHTS = {"spark": 3, "postgres": 2, "dbt": 1}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files that build on Spark, then on Postgres, then the other files marked `dbt`, then
    the rest: `make test` hands the suite to its workers a file at a time in this order
    (`--no-loadscope-reorder`), so the longest files begin first and short ones fill the end."""

    def weight(item: pytest.Item) -> int:
        return max(
            (w for mark, w in FILE_WEIGHTS.items() if item.get_closest_marker(mark)), default=0
        )

    items.sort(key=lambda item: -weight(item))
