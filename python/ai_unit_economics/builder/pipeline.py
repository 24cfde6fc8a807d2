"""The end-to-end job behind `aiue run` (and `aiue demo`, which runs it on sample data)."""

from __future__ import annotations

from pathlib import Path

from ..engines.build_record import BuildRecord
from ..engines.publish import DEFAULT_WAIT_SECONDS, FaultCallback, Staged, fault_point, holding
from ..engines.registry import engine
from ..engines.warehouse import has_relation, mart_schema, query
from ..errors import BuildError, UnusableInputError, UserError
from ..ingest.identity import check_distinct, check_not_loaded, identify, with_rows
from ..ingest.inputs import (
    InputFile,
    check_has_spans,
    find_inputs,
    has_data,
    seed_overrides,
    span_layouts,
    table_layouts,
)
from ..ingest.seeds import YOURS, SeedFile, choose_seeds, seed_changes, write_seed_dir
from ..project import INPUTS, project_dir
from ..ui.console import UI, BuildProgress
from .runner import run_dbt


def run_pipeline(
    input_dir: Path | None,
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
    from this folder alone); a file whose content the build already holds is refused, and the
    build keeps its seeds unless the folder has a seeds/ folder (ingest/seeds.py). With no
    folder, or one holding only seeds/, the build is rebuilt from the raw data it holds (after
    a seed edit or an upgrade). The package's dbt unit tests (its own rules on fixed rows,
    not on the data) run only with unit_tests, as dbt advises for production builds. Returns
    the row count of each raw table loaded. Raises UnusableInputError when the spans gave
    nothing to cost."""
    inputs = find_inputs(input_dir, spans_required=False) if input_dir is not None else {}
    folder_copies = seed_overrides(input_dir)
    folder_has_seeds = input_dir is not None and (input_dir / "seeds").is_dir()
    rebuild = not has_data(inputs)
    if rebuild and full_refresh:
        holds = f", and {input_dir} holds no data files" if input_dir is not None else ""
        raise UserError(
            f"--full-refresh rebuilds from the --input folder alone{holds}. Pass the folder "
            "holding all your data, or leave out --full-refresh to rebuild from the data the "
            "build holds."
        )
    files = identify(inputs)
    warehouse = engine(target)
    with holding(warehouse.run_lock(db_path), wait):
        append = not full_refresh and warehouse.holds_raw_data(db_path)
        if not append:
            _check_buildable(inputs, input_dir, rebuild, warehouse.describe(db_path))
        staged = warehouse.stage(db_path, full_refresh)
        earlier = warehouse.recorded(staged) if append else BuildRecord()
        check_not_loaded(files, list(earlier.files))
        if rebuild:
            counts: dict[str, int] = {}
            UI.info(
                f"No new files: rebuilding {warehouse.describe(db_path)} from the data it holds"
            )
        else:
            with UI.phase("Appending the input files" if append else "Loading the input files"):
                counts = warehouse.load(inputs, staged.db_path, staged.raw_schema, append)
            files = with_rows(files, warehouse.rows_per_file(staged, files))
            check_distinct(files)
            UI.info(f"Loaded {describe_loaded(inputs, counts)} into {warehouse.describe(db_path)}")
        bundled = project_dir() / "seeds"
        seeds = choose_seeds(bundled, folder_copies, folder_has_seeds, list(earlier.seeds))
        warehouse.write_record(staged, BuildRecord((*earlier.files, *files), tuple(seeds)))
        seed_dir = write_seed_dir(
            warehouse.work_dir(staged.published_path) / "seeds", bundled, seeds
        )
        seed_notes = _say_seeds(seeds, earlier, append, folder_has_seeds)
        fault_point("load")
        build_vars = {
            **input_vars(inputs, held_tables(target, staged) if append else []),
            **billing_vars(target, staged, inputs, seed_dir or project_dir() / "seeds"),
            **staged.variables,
            **(variables or {}),
        }
        try:
            _build(target, staged, seed_dir, build_vars, append and not rebuild, unit_tests)
        finally:
            # dbt writes each seed's load SQL to target/run/<package>/<seed path>, which is
            # the seed file itself when the seed path is absolute, as this one is.
            write_seed_dir(seed_dir, bundled, seeds)
        published_notes = warehouse.publish(staged) or []
    for line in [*seed_notes, *build_notes(target, db_path), *published_notes]:
        UI.note(line)
    return counts


def _check_buildable(
    inputs: dict[str, InputFile | None], input_dir: Path | None, rebuild: bool, where: str
) -> None:
    """A first build or a full refresh needs spans: a UserError saying what to pass."""
    if rebuild and input_dir is None:
        raise UserError(
            f"{where} holds no build to rebuild here (a rebuild without --input reads the raw "
            "data an earlier run loaded: a DuckDB file, or the raw schema on Postgres and "
            "Spark). Pass --input DIR, a folder holding your spans (see docs/telemetry.md)."
        )
    check_has_spans(inputs, input_dir or Path("."))


def _say_seeds(
    seeds: list[SeedFile], earlier: BuildRecord, append: bool, folder_has_seeds: bool
) -> list[str]:
    """Say which seeds the build uses; returns the notes for after the publish: on an append,
    what changed (new seeds re-price every day already built, which is what the user asked
    for, but must never go unsaid)."""
    yours = [item for item in seeds if item.seed_origin == YOURS]
    if not append or folder_has_seeds:
        for item in yours:
            UI.info(f"Using your seed {item.source_path}")
    elif yours:
        names = ", ".join(item.seed_name for item in yours)
        UI.info(
            f"Keeping the seeds this build uses: your {names} (stored with it; an --input "
            "folder with seeds/ replaces them)."
        )
    if not append:
        return []
    if not earlier.seeds:
        if folder_has_seeds:
            return []
        return [
            "This database was built before aiue stored the seeds a build uses: this run "
            "used the bundled seeds, for every day. If the earlier runs used your copies, "
            "run again with them in DIR/seeds/ (or --full-refresh from all your data)."
        ]
    changed = seed_changes(list(earlier.seeds), seeds)
    if not changed:
        return []
    return [
        f"Seeds changed since the last build: {', '.join(changed)}. Every day already built "
        "was re-priced with them, as a full rebuild would be (history changed)."
    ]


def _build(
    target: str,
    staged: Staged,
    seed_dir: Path,
    variables: dict[str, object],
    incremental: bool,
    unit_tests: bool,
) -> None:
    """`dbt build` into the staged place (incremental: the incremental models add only the
    new days; else every model is rebuilt from the raw tables); a failure sets the staged
    build aside and says that the published one is unchanged."""
    progress = BuildProgress()
    try:
        with progress.running():
            log_path = run_dbt(
                "build",
                target=target,
                db_path=staged.db_path,
                work_dir=engine(target).work_dir(staged.published_path),
                seed_dir=seed_dir,
                variables=variables,
                extra_args=[
                    *([] if incremental else ["--full-refresh"]),
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
    UI.progress(progress.summary())
    UI.progress(f"dbt log: {log_path}")


def unpublished_note(kept: Staged | None) -> str:
    where = f"; the failed build is kept in {kept.kept_in} to look at" if kept else ""
    return f"Nothing was published: the previous build is unchanged{where}."


def input_vars(
    inputs: dict[str, InputFile | None], held: list[str] | None = None
) -> dict[str, object]:
    """The package vars that point the build at what it holds: this folder's inputs and, on an
    append or a rebuild, the raw tables `held` holding an earlier run's rows (a folder of
    another span layout, or none, still reads them all)."""
    held = held or []
    return {
        "aiue_spans_layout": list(dict.fromkeys([*span_layouts(inputs), *table_layouts(held)])),
        "aiue__using_langfuse_scores": inputs.get("langfuse_scores") is not None
        or "langfuse_scores" in held,
    }


def held_tables(target: str, staged: Staged) -> list[str]:
    """The raw tables of the inputs that hold rows in the staged build."""
    tables = dict.fromkeys(spec.table for spec in INPUTS.values())
    return [table for table in tables if _has_rows(target, staged, table)]


def billing_vars(
    target: str, staged: Staged, inputs: dict[str, InputFile | None], seed_dir: Path
) -> dict[str, object]:
    """Which billing models the build needs (their `enabled` config): FOCUS models when the
    raw focus_costs table holds rows (this run's or, on an append, an earlier run's), the
    allocation models when it does or the GPU lease seed has rows. Without either, no billing
    model is a node and every call keeps its estimate."""
    has_focus = inputs.get("focus_costs") is not None or _has_rows(target, staged, "focus_costs")
    gpu_seed = seed_dir / "aiue_gpu_rates.csv"
    with gpu_seed.open(encoding="utf-8-sig") as handle:
        has_gpu_rates = any(line.strip() for line in list(handle)[1:])
    return {"aiue__using_focus": has_focus, "aiue__using_gpu_rates": has_gpu_rates}


def _has_rows(target: str, staged: Staged, table: str) -> bool:
    try:
        _, rows = query(target, f"select count(*) from {staged.raw_schema}.{table}", staged.db_path)
    except Exception:  # noqa: BLE001 - no such table: nothing there
        return False
    return bool(rows and rows[0][0])


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
        if model != "aiue__rejected_focus_costs" or has_relation(target, schema, model, db_path)
    )
    _, rejected = query(target, counts, db_path)
    superseded = _superseded_labels(target, db_path, schema)
    notes = []
    for model, count in rejected:
        if model == "aiue__rejected_outcomes":
            count -= superseded
        if count:
            notes.append(
                f"Rejected with a reason: {count:,} row{'s' if count != 1 else ''} in "
                f"{schema}.{model}."
            )
    if superseded:
        notes.append(
            f"{superseded:,} outcome label{'s' if superseded != 1 else ''} superseded by a later "
            f"label of their intent, as designed (in {schema}.aiue__rejected_outcomes)."
        )
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
    notes.extend(_outvoted_override_notes(target, db_path, schema))
    notes.extend(_runaway_notes(target, db_path, schema))
    return notes


# aiue__rejected_outcomes holds labels that lost to another label of their intent (the normal
# case: the latest label wins) beside invalid and unmatched ones; their reasons start so.
SUPERSEDED_PREFIX = "superseded"


def _superseded_labels(target: str, db_path: Path, schema: str) -> int:
    _, rows = query(
        target,
        f"""
        select count(*) from {schema}.aiue__rejected_outcomes
        where rejection_reason like '{SUPERSEDED_PREFIX}%'
        """,
        db_path,
    )
    return int(rows[0][0] or 0)


def _outvoted_override_notes(target: str, db_path: Path, schema: str) -> list[str]:
    """Calls a negotiated price override covers whose cost the invoice sets instead: the
    invoice wins (docs/billing.md), which is right but invisible without a note."""
    _, rows = query(
        target,
        f"""
        select price_provider, priced_model, count(*) as calls
        from {schema}.aiue__llm_calls
        where has_negotiated_price and cost_source in ('invoice_exact', 'invoice_share')
        group by price_provider, priced_model
        order by calls desc, price_provider, priced_model
        """,
        db_path,
    )
    if not rows:
        return []
    named = ", ".join(
        f"{provider}/{model} ({int(calls):,} call{'s' if calls != 1 else ''})"
        for provider, model, calls in rows[:5]
    )
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return [
        f"Negotiated price overrides outvoted by the invoice: {named}{more} take their cost "
        "from the FOCUS invoice, which wins over any price; the override still sets their "
        "estimate. See the metrics at the override price with `aiue metrics --cost-basis "
        "estimate`."
    ]


def _runaway_notes(target: str, db_path: Path, schema: str) -> list[str]:
    """Runaway intents (aiue__runaway_intents): how many and what they cost, per currency."""
    _, rows = query(
        target,
        f"""
        select currency, count(*) as intents, sum(total_cost) as cost
        from {schema}.aiue__runaway_intents
        group by currency
        order by currency
        """,
        db_path,
    )
    if not rows:
        return []
    intents = sum(int(count) for _, count, _ in rows)
    cost = " + ".join(f"{float(money):,.2f} {currency}" for currency, _, money in rows)
    return [
        f"{intents:,} runaway intent{'s' if intents != 1 else ''} cost {cost}: see "
        f"{schema}.aiue__runaway_intents (vars aiue_runaway_*)."
    ]


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
