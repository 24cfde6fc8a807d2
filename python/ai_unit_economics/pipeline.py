"""The end-to-end jobs behind `aiue run` and `aiue demo`."""

from __future__ import annotations

import shutil
from pathlib import Path

from .console import UI, BuildProgress
from .engines import engine
from .errors import BuildError, UnusableInputError
from .inputs import InputFile, find_inputs, merged_seed_dir, seed_overrides, span_layouts
from .project import project_dir
from .publish import DEFAULT_WAIT_SECONDS, FaultCallback, Staged, fault_point, holding
from .runner import run_dbt, work_dir_for
from .warehouse import mart_schema, query


def run_pipeline(
    input_dir: Path,
    db_path: Path,
    target: str = "duckdb",
    variables: dict[str, object] | None = None,
    wait: float = DEFAULT_WAIT_SECONDS,
    full_refresh: bool = False,
    unit_tests: bool = False,
) -> dict[str, int]:
    """Load the input folder, apply seed overrides, and `dbt build` (with package `variables`
    on top of what the folder implies), holding the run lock (waiting up to `wait` seconds)
    and publishing the build only when every model and test passed. On a database an earlier
    run built, the folder is new data appended to what is there, unless full_refresh (rebuild
    from this folder alone). The package's dbt unit tests (its own rules on fixed rows, not
    on the data) run only with unit_tests, as dbt advises for production builds. Returns the
    row count of each raw table loaded. Raises UnusableInputError when the spans gave nothing
    to cost."""
    inputs = find_inputs(input_dir)
    overrides = seed_overrides(input_dir)
    warehouse = engine(target)
    with holding(warehouse.run_lock(db_path), wait):
        staged = warehouse.stage(db_path, full_refresh)
        append = not full_refresh and warehouse.holds_raw_data(staged.db_path)
        with UI.phase("Appending the input files" if append else "Loading the input files"):
            counts = warehouse.load(inputs, staged.db_path, staged.raw_schema, append)
        UI.info(f"Loaded {describe_loaded(inputs, counts)} into {warehouse.describe(db_path)}")
        fault_point("load")
        _build(target, staged, inputs, overrides, variables, append, unit_tests)
        warehouse.publish(staged)
    for line in build_notes(target, db_path):
        UI.note(line)
    return counts


def _build(
    target: str,
    staged: Staged,
    inputs: dict[str, InputFile | None],
    overrides: list[Path],
    variables: dict[str, object] | None,
    append: bool,
    unit_tests: bool,
) -> None:
    """`dbt build` into the staged place; a failure sets the staged build aside and says
    that the published one is unchanged."""
    seed_dir = merged_seed_dir(project_dir() / "seeds", overrides) if overrides else None
    for path in overrides:
        UI.info(f"Using your seed {path}")
    progress = BuildProgress()
    try:
        with progress.running():
            log_path = run_dbt(
                "build",
                target=target,
                db_path=staged.db_path,
                work_dir=work_dir_for(staged.published_path),
                seed_dir=seed_dir,
                variables={**input_vars(inputs), **staged.variables, **(variables or {})},
                extra_args=[
                    *([] if append else ["--full-refresh"]),
                    *([] if unit_tests else ["--exclude-resource-type", "unit_test"]),
                ],
                callbacks=[progress, FaultCallback()],
            )
    except BuildError as error:
        kept = engine(target).discard(staged)
        note = unpublished_note(kept)
        if kept is not None:
            check_usable(target, kept, error, note)
        raise BuildError(f"{error}\n{note}") from error
    finally:
        if seed_dir is not None:
            shutil.rmtree(seed_dir, ignore_errors=True)
    UI.progress(progress.summary())
    UI.progress(f"dbt log: {log_path}")


def unpublished_note(kept: Staged | None) -> str:
    where = f"; the failed build is kept in {kept.kept_in} to look at" if kept else ""
    return f"Nothing was published: the previous build is unchanged{where}."


def input_vars(inputs: dict[str, InputFile | None]) -> dict[str, object]:
    """The package vars that point the build at what the folder holds."""
    return {
        "aiue_spans_layout": span_layouts(inputs),
        "aiue__using_langfuse_scores": inputs.get("langfuse_scores") is not None,
    }


LOADED_AS = {
    "genai_spans": "spans",
    "otlp": "spans from OTLP JSON",
    "otel_traces": "spans from otel_traces",
    "litellm_spend_logs": "LiteLLM spend-log rows",
    "langfuse_observations": "Langfuse observations",
    "langfuse_scores": "Langfuse scores",
    "outcomes": "outcome rows",
    "focus_costs": "FOCUS billing rows",
}


def describe_loaded(inputs: dict[str, InputFile | None], counts: dict[str, int]) -> str:
    parts = []
    for name, item in inputs.items():
        if item is None and name != "outcomes":
            continue
        rows = counts.get(item.table if item else name, 0)
        files = f" ({len(item.files)} files)" if item is not None and len(item.files) > 1 else ""
        parts.append(f"{rows:,} {LOADED_AS[name]}{files}")
    return ", ".join(parts)


def check_usable(target: str, staged: Staged, error: BuildError, note: str = "") -> None:
    """After a failed build: when the spans gave nothing usable (aiue__span_sources), raise
    UnusableInputError naming the top rejection reasons; otherwise return (the caller
    re-raises the build error)."""
    schema = mart_schema(target, staged.mart_schema)
    db_path = staged.db_path
    try:
        _, sources = query(
            target,
            f"""
            select source_layout, span_rows, call_rows, non_call_rows, invalid_rows, is_usable
            from {schema}.aiue__span_sources
            order by source_layout
            """,
            db_path,
        )
    except Exception:  # the summary was not built: the build failed for another reason
        return
    total_calls = sum(int(row[2]) for row in sources)
    if all(row[5] for row in sources) and total_calls > 0:
        return
    lines = [
        "the spans gave nothing usable to cost (dbt test assert_span_sources_usable failed).",
        *(
            f"  {layout}: {int(rows):,} rows, {int(calls):,} calls, {int(non_calls):,} "
            f"agent/workflow and other non-call spans, {int(invalid):,} invalid"
            f"{'' if usable else '  <- unusable'}"
            for layout, rows, calls, non_calls, invalid, usable in sources
        ),
    ]
    _, reasons = query(
        target,
        f"""
        select rejection_rule, count(*) as row_count, min(rejection_reason) as example
        from {schema}.aiue__rejected_spans
        where rejection_kind = 'invalid'
        group by rejection_rule
        order by row_count desc, rejection_rule
        """,
        db_path,
    )
    if reasons:
        lines.append("  Top rejection reasons:")
        lines += [
            f"    {int(count):,} rows: {rule} (e.g. {example})"
            for rule, count, example in reasons[:5]
        ]
    if total_calls == 0:
        _, operations = query(
            target,
            f"""
            select coalesce(operation_name, '(none)') as operation, count(*) as row_count
            from {schema}.aiue__rejected_spans
            where rejection_kind = 'not_a_call'
            group by coalesce(operation_name, '(none)')
            order by row_count desc, operation
            """,
            db_path,
        )
        if operations:
            named = ", ".join(f"{operation} {int(count):,}" for operation, count in operations[:5])
            lines.append(
                f"  Valid spans, but none is a model or tool call (operations: {named}); "
                "docs/telemetry.md says which attributes make a call."
            )
    lines.append(
        f"  Every row and its reason: {schema}.aiue__rejected_spans; what each shape means: "
        "docs/bad_input.md."
    )
    if note:
        lines.append(f"  {note}")
    raise UnusableInputError("\n".join(lines)) from error


REJECTED_MODELS = (
    "aiue__rejected_spans",
    "aiue__rejected_outcomes",
    "aiue__rejected_focus_costs",
    "aiue__rejected_seed_rows",
)


def build_notes(target: str, db_path: Path) -> list[str]:
    """What a user should look at after a build: rows left out with a reason, spans kept out
    of costs as designed, and models whose calls nothing priced (they cost 0 until a price
    seed row covers them)."""
    schema = mart_schema(target)
    counts = " union all ".join(
        f"select '{model}' as model, count(*) as row_count from {schema}.{model}"
        + (" where rejection_kind = 'invalid'" if model == "aiue__rejected_spans" else "")
        for model in REJECTED_MODELS
    )
    _, rejected = query(target, counts, db_path)
    notes = [
        f"Rejected with a reason: {count:,} row{'s' if count != 1 else ''} in {schema}.{model}."
        for model, count in rejected
        if count
    ]
    _, spans = query(
        target,
        f"""
        select sum(non_call_rows) as non_calls, sum(inferred_call_rows) as inferred
        from {schema}.aiue__span_sources
        """,
        db_path,
    )
    non_calls, inferred = (int(value or 0) for value in spans[0])
    if non_calls:
        notes.append(
            f"{non_calls:,} agent/workflow and other non-call span{'s' if non_calls != 1 else ''} "
            "kept out of costs, as designed."
        )
    if inferred:
        notes.append(
            f"{inferred:,} span{'s' if inferred != 1 else ''} named no operation, taken as chat "
            "calls: a model and tokens, no child span with tokens."
        )
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
            f"{provider}/{model} ({calls:,} call{'s' if calls != 1 else ''})"
            for provider, model, calls in unpriced[:5]
        )
        more = f" and {len(unpriced) - 5} more" if len(unpriced) > 5 else ""
        notes.append(
            f"No price for {named}{more}: their tokens cost 0. Add rows to the "
            "aiue_model_prices seed (or DIR/seeds/aiue_model_prices.csv); "
            "`aiue prices --out FILE` writes the genai-prices catalogue."
        )
    notes.extend(_no_usage_notes(target, db_path, schema))
    return notes


def _no_usage_notes(target: str, db_path: Path, schema: str) -> list[str]:
    """Inference calls that reported no token usage (a stream without usage): flagged, never a
    silent $0."""
    _, rows = query(
        target,
        f"""
        select
            count(*) as calls,
            coalesce(sum(case when is_error then 1 else 0 end), 0) as failed,
            coalesce(sum(case when token_cost = 0 then 1 else 0 end), 0) as at_zero
        from {schema}.aiue__llm_calls
        where is_inference and not has_usage
        """,
        db_path,
    )
    calls, failed, at_zero = (int(value) for value in rows[0])
    if not calls:
        return []
    return [
        f"No token usage reported by {calls:,} inference call{'s' if calls != 1 else ''} "
        f"({failed:,} of them failed; has_usage = false in {schema}.aiue__llm_calls): "
        f"{at_zero:,} of them carry a token cost of $0. A streamed call reports usage only "
        "when asked to (OpenAI: stream_options include_usage)."
    ]


def run_demo(out_dir: Path, n_intents: int, seed: int) -> None:
    from .metrics import fetch_metrics, render
    from .reconciliation import reconciliation_by_provider, render_reconciliation
    from .synthetic import generate

    data_dir = out_dir / "data"
    with UI.phase("Generating the sample data"):
        generate(data_dir, n_intents=n_intents, seed=seed, billing=True)
    db_path = out_dir / "aiue.duckdb"
    run_pipeline(data_dir, db_path, full_refresh=True)
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
