"""The end-to-end jobs behind `aiue run` and `aiue demo`."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UserError
from .inputs import InputFile, find_inputs, merged_seed_dir, seed_overrides
from .loaders import load_duckdb
from .project import project_dir
from .runner import run_dbt


def run_pipeline(input_dir: Path, db_path: Path, target: str = "duckdb") -> dict[str, int]:
    """Load the input folder, apply seed overrides, and `dbt build`. Returns input row counts."""
    inputs = find_inputs(input_dir)
    overrides = seed_overrides(input_dir)
    counts, where = _load(target, db_path, inputs)
    billing = f" (+ {counts['focus_costs']:,} FOCUS billing rows)" if inputs["focus_costs"] else ""
    print(
        f"Loaded {counts['genai_spans']:,} spans and {counts['outcomes']:,} outcome rows{billing} "
        f"into {where}"
    )
    seed_dir = merged_seed_dir(project_dir() / "seeds", overrides) if overrides else None
    for path in overrides:
        print(f"Using your seed {path}")
    try:
        run_dbt("build", target=target, db_path=db_path, seed_dir=seed_dir)
    finally:
        if seed_dir is not None:
            shutil.rmtree(seed_dir, ignore_errors=True)
    return counts


def _load(
    target: str, db_path: Path, inputs: dict[str, InputFile | None]
) -> tuple[dict[str, int], str]:
    """Load the raw tables with the target's bulk loader; returns the counts and where."""
    if target == "duckdb":
        return load_duckdb(db_path, inputs), str(db_path)
    if target == "postgres":
        from .load_postgres import describe_target, load_postgres

        return load_postgres(inputs), describe_target()
    if target == "spark":
        from .load_spark import describe_target, load_spark

        return load_spark(inputs), describe_target()
    raise UserError(f"unknown target '{target}'; choose one of: duckdb, postgres, spark.")


def run_demo(out_dir: Path, n_intents: int, seed: int) -> None:
    from .metrics import fetch_metrics, render
    from .reconciliation import reconciliation_by_provider, render_reconciliation
    from .synthetic import generate

    data_dir = out_dir / "data"
    generate(data_dir, n_intents=n_intents, seed=seed, billing=True)
    db_path = out_dir / "aiue.duckdb"
    run_pipeline(data_dir, db_path)
    by = ["feature_tag", "response_model"]
    print()
    print("Unit economics by feature and primary model (sample data):")
    print(render(fetch_metrics("duckdb", by, db_path=db_path), by, "table"))
    print()
    print(f"Invoice against telemetry (sample FOCUS invoice {data_dir / 'focus_costs.csv'}):")
    print(render_reconciliation(reconciliation_by_provider(db_path)))
    print()
    print(
        f"The DuckDB file {db_path} holds every model; "
        f"try: aiue metrics --db {db_path} --by feature_tag"
    )
