"""The end-to-end jobs behind `aiue run` and `aiue demo`."""

from __future__ import annotations

import shutil
from pathlib import Path

from .console import UI, BuildProgress
from .engines import engine
from .inputs import InputFile, find_inputs, merged_seed_dir, seed_overrides
from .project import project_dir
from .runner import run_dbt
from .warehouse import mart_schema, query


def run_pipeline(input_dir: Path, db_path: Path, target: str = "duckdb") -> dict[str, int]:
    """Load the input folder, apply seed overrides, and `dbt build`. Returns input row counts."""
    inputs = find_inputs(input_dir)
    overrides = seed_overrides(input_dir)
    with UI.phase("Loading the input files"):
        counts, where = _load(target, db_path, inputs)
    billing = f" (+ {counts['focus_costs']:,} FOCUS billing rows)" if inputs["focus_costs"] else ""
    UI.info(
        f"Loaded {counts['genai_spans']:,} spans and {counts['outcomes']:,} outcome rows{billing} "
        f"into {where}"
    )
    seed_dir = merged_seed_dir(project_dir() / "seeds", overrides) if overrides else None
    for path in overrides:
        UI.info(f"Using your seed {path}")
    progress = BuildProgress()
    try:
        with progress.running():
            log_path = run_dbt(
                "build", target=target, db_path=db_path, seed_dir=seed_dir, callbacks=[progress]
            )
    finally:
        if seed_dir is not None:
            shutil.rmtree(seed_dir, ignore_errors=True)
    UI.progress(progress.summary())
    UI.progress(f"dbt log: {log_path}")
    for line in build_notes(target, db_path):
        UI.note(line)
    return counts


REJECTED_MODELS = ("aiue__rejected_spans", "aiue__rejected_outcomes", "aiue__rejected_focus_costs")


def build_notes(target: str, db_path: Path) -> list[str]:
    """What a user should look at after a build: rows left out with a reason, and models
    whose calls nothing priced (they cost 0 until a price seed row covers them)."""
    schema = mart_schema(target)
    counts = " union all ".join(
        f"select '{model}' as model, count(*) as row_count from {schema}.{model}"
        for model in REJECTED_MODELS
    )
    _, rejected = query(target, counts, db_path)
    notes = [
        f"Rejected with a reason: {count:,} row{'s' if count != 1 else ''} in {schema}.{model}."
        for model, count in rejected
        if count
    ]
    _, unpriced = query(
        target,
        f"""
        select provider_name, coalesce(response_model, request_model) as model,
            count(*) as calls
        from {schema}.aiue__llm_calls
        where is_unpriced and tokens > 0
        group by provider_name, coalesce(response_model, request_model)
        order by calls desc, provider_name, model
        """,
        db_path,
    )
    if unpriced:
        named = ", ".join(
            f"{provider}/{model} ({calls:,} calls)" for provider, model, calls in unpriced[:5]
        )
        more = f" and {len(unpriced) - 5} more" if len(unpriced) > 5 else ""
        notes.append(
            f"No price for {named}{more}: their tokens cost 0. Add rows to the "
            "aiue_model_prices seed (or DIR/seeds/aiue_model_prices.csv); "
            "`aiue prices --out FILE` writes the genai-prices catalogue."
        )
    return notes


def _load(
    target: str, db_path: Path, inputs: dict[str, InputFile | None]
) -> tuple[dict[str, int], str]:
    """Load the raw tables with the target's bulk loader; returns the counts and where."""
    warehouse = engine(target)
    return warehouse.load(inputs, db_path), warehouse.describe(db_path)


def run_demo(out_dir: Path, n_intents: int, seed: int) -> None:
    from .metrics import fetch_metrics, render
    from .reconciliation import reconciliation_by_provider, render_reconciliation
    from .synthetic import generate

    data_dir = out_dir / "data"
    with UI.phase("Generating the sample data"):
        generate(data_dir, n_intents=n_intents, seed=seed, billing=True)
    db_path = out_dir / "aiue.duckdb"
    run_pipeline(data_dir, db_path)
    by = ["feature_tag", "response_model"]
    print()
    print("Unit economics by feature and primary model (sample data):")
    print()
    print(render(fetch_metrics("duckdb", by, db_path=db_path), by, "table"))
    print()
    print(f"The sample FOCUS invoice ({data_dir / 'focus_costs.csv'}) against the telemetry:")
    print()
    print(render_reconciliation(reconciliation_by_provider(db_path)))
    print()
    print(f"The DuckDB file {db_path} holds every model; try:")
    print(f"  aiue metrics --db {db_path} --by feature_tag --wide")
