"""Benchmark: the full dbt build against a single-statement lower bound, in the same run.

Machines are noisy, so no absolute time is asserted anywhere. This prints how many times
slower the whole pipeline (staging, validation, pricing, intents, labour, daily mart and all
data tests) is than one hand-written DuckDB statement that does the least work any correct
implementation must do: parse the text inputs, price every call, roll calls up to intents
and intents up to days. Both read the same raw tables in the same DuckDB file. Then one more
day and late labels are appended and the build runs again as an incremental run does
(docs/performance.md says what each printed line times).

    python -m ai_unit_economics.bench --calls 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from .project import RAW_SCHEMA
from .runner import run_dbt

MODELS = [
    ("openai", "gpt-4o-mini", 0.15, 0.60),
    ("openai", "gpt-4o", 2.50, 10.00),
    ("anthropic", "claude-sonnet-4", 3.00, 15.00),
    ("anthropic", "claude-3-5-haiku", 0.80, 4.00),
    ("google", "gemini-2.0-flash", 0.10, 0.40),
]
CALLS_PER_INTENT = 4


DAYS = 60
FIRST_DAY = "2026-09-01"


def generate_raw(
    connection: duckdb.DuckDBPyConnection,
    calls: int,
    first_call: int = 0,
    first_day: str = FIRST_DAY,
    days: int = DAYS,
    source_file: str = "history",
) -> None:
    """N chat spans (4 per intent) and one label per 9 in 10 intents, as all-text raw
    tables: created, or for calls after first_call appended as one more file would be."""
    create = first_call == 0
    models = " union all ".join(
        f"select {i} as model_index, '{provider}' as provider, '{model}' as model"
        for i, (provider, model, _, _) in enumerate(MODELS)
    )
    connection.execute(f"create schema if not exists {RAW_SCHEMA}")
    connection.execute(
        f"""
        {"create or replace table" if create else "insert into"} {RAW_SCHEMA}.genai_spans
        {"as" if create else "by name"}
        with ids as (
            select range as i, range // {CALLS_PER_INTENT} as intent,
                   hash(range // {CALLS_PER_INTENT}) as h, hash(range * 7919) as hc
            from range({first_call}, {first_call + calls})
        ),
        models as ({models})
        select
            printf('%032x', intent) as trace_id,
            printf('%016x', i) as span_id,
            'chat' as operation_name,
            strftime(timestamp '{first_day}' + to_seconds((h % {days * 86400})::bigint)
                     + to_seconds((i % {CALLS_PER_INTENT})::bigint),
                     '%Y-%m-%dT%H:%M:%SZ') as start_time,
            case when hc % 20 = 0 then 'ERROR' else 'OK' end as status_code,
            models.provider as provider_name,
            models.model as response_model,
            cast(200 + (hc % 4000) as varchar) as input_tokens,
            cast(20 + (hc % 800) as varchar) as output_tokens,
            cast((hc % 4000) // 4 as varchar) as cache_read_input_tokens,
            'feature_' || cast(h % 8 as varchar) as feature_tag,
            'intent-' || cast(intent as varchar) as intent_id,
            cast(1 + (i % {CALLS_PER_INTENT} = 3 and hc % 3 = 0)::int as varchar) as attempt,
            cast(1 + i % {CALLS_PER_INTENT} as varchar) as turn_index,
            '{source_file}' as _aiue_source_file,
            i + 1 as _aiue_source_row
        from ids
        join models on models.model_index = h % {len(MODELS)}
        """
    )
    connection.execute(
        f"""
        {"create or replace table" if create else "insert into"} {RAW_SCHEMA}.outcomes
        {"as" if create else "by name"}
        select
            'intent-' || cast(intent as varchar) as intent_id,
            case when hash(intent * 31) % 10 < 7 then 'true' else 'false' end as is_success,
            case when hash(intent * 31) % 10 >= 8 then 'true' else 'false' end as is_escalated,
            'false' as is_human_reviewed,
            null as escalation_channel,
            '{source_file}' as _aiue_source_file,
            intent + 1 as _aiue_source_row
        from range({first_call // CALLS_PER_INTENT},
                   {(first_call + calls + CALLS_PER_INTENT - 1) // CALLS_PER_INTENT}) as t(intent)
        where hash(intent * 17) % 10 != 0
        """
    )


def append_day(connection: duckdb.DuckDBPyConnection, calls: int) -> int:
    """One more day (1/30 of `calls`) after the generated range, as a new file, plus late
    labels: the intents of earlier days that had none get one (the lookback window is not
    enough for them: every intent is relabelled wherever it lies). Returns the new calls."""
    new_calls = calls // 30 // CALLS_PER_INTENT * CALLS_PER_INTENT
    last_day = connection.execute(
        f"select cast(date '{FIRST_DAY}' + interval {DAYS} day as varchar)"
    ).fetchall()[0][0]
    generate_raw(connection, new_calls, calls, last_day[:10], 1, "new_day")
    connection.execute(
        f"""
        insert into {RAW_SCHEMA}.outcomes by name
        select
            'intent-' || cast(intent as varchar) as intent_id,
            'true' as is_success,
            'false' as is_escalated,
            'false' as is_human_reviewed,
            'late_labels' as _aiue_source_file,
            intent + 1 as _aiue_source_row
        from range({calls // CALLS_PER_INTENT}) as t(intent)
        where hash(intent * 17) % 10 = 0
        """
    )
    return new_calls


def lower_bound_sql() -> str:
    """The least work: parse, price, roll up to intents and days, in one statement."""
    prices = " union all ".join(
        f"select '{provider}' as provider, '{model}' as model, "
        f"{inp}::decimal(20, 15) / 1000000 as input_price, "
        f"{out}::decimal(20, 15) / 1000000 as output_price"
        for provider, model, inp, out in MODELS
    )
    return f"""
    with prices as ({prices}),
    calls as (
        select
            s.intent_id,
            s.feature_tag,
            cast(cast(s.start_time as timestamptz) at time zone 'UTC' as date) as call_date,
            s.response_model,
            (cast(s.input_tokens as bigint) - cast(s.cache_read_input_tokens as bigint))
                * p.input_price
            + cast(s.cache_read_input_tokens as bigint) * p.input_price / 2
            + cast(s.output_tokens as bigint) * p.output_price as cost
        from {RAW_SCHEMA}.genai_spans as s
        join prices as p on p.provider = s.provider_name and p.model = s.response_model
    ),
    intents as (
        select intent_id, min(call_date) as intent_date, any_value(feature_tag) as feature_tag,
               sum(cost) as token_cost
        from calls group by intent_id
    ),
    labelled as (
        select intents.*, o.is_success = 'true' as is_success,
               case when o.is_escalated = 'true' then 15 else 0 end as labor_cost
        from intents left join {RAW_SCHEMA}.outcomes as o using (intent_id)
    )
    select intent_date, feature_tag, count(*) as intents,
           sum(token_cost + labor_cost) as total_cost,
           sum(token_cost + labor_cost) / nullif(count(*) filter (where is_success), 0) as cps
    from labelled group by intent_date, feature_tag
    """


def _timed(action) -> float:  # noqa: ANN001 - any zero-argument callable
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _cpu_seconds() -> float:
    """CPU time of this process so far (dbt and DuckDB run in it): on a machine shared with
    other work, wall time stretches with the load, CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


FIXED_COST_CALLS = 1_000


def _build(calls: int, work_dir: Path) -> dict[str, float]:
    """Generate, run the lower bound and the dbt build: wall and CPU seconds of each."""
    db_path = work_dir / "bench.duckdb"
    with duckdb.connect(str(db_path)) as connection:
        generate_seconds = _timed(lambda: generate_raw(connection, calls))
        cpu_before = _cpu_seconds()
        lower_bound = _timed(
            lambda: connection.execute(
                f"create or replace table lower_bound as {lower_bound_sql()}"
            )
        )
        lower_bound_cpu = _cpu_seconds() - cpu_before
    cpu_before = _cpu_seconds()
    build_seconds = _timed(lambda: run_dbt("build", db_path=db_path, work_dir=work_dir / ".aiue"))
    return {
        "generate_s": generate_seconds,
        "lower_bound_s": lower_bound,
        "lower_bound_cpu_s": lower_bound_cpu,
        "build_s": build_seconds,
        "build_cpu_s": _cpu_seconds() - cpu_before,
    }


def slowest_nodes(work_dir: Path, count: int = 5) -> list[tuple[str, float]]:
    """The dbt nodes that took longest in a build (from its run_results.json)."""
    results = json.loads((work_dir / ".aiue" / "target" / "run_results.json").read_text())
    timed = [(r["unique_id"].split(".")[-1], r["execution_time"]) for r in results["results"]]
    return sorted(timed, key=lambda node: -node[1])[:count]


def run(calls: int, work_dir: Path, incremental: bool = True) -> dict[str, Any]:
    """The build at `calls`, and at FIXED_COST_CALLS for dbt's fixed cost (parsing, seeds,
    per-node overhead), which the marginal ratio takes out."""
    load_before = os.getloadavg()[0]
    (work_dir / "small").mkdir()
    fixed_seconds = _build(FIXED_COST_CALLS, work_dir / "small")["build_s"]
    db_path = work_dir / "bench.duckdb"
    timings = _build(calls, work_dir)
    lower_bound, build_seconds = timings["lower_bound_s"], timings["build_s"]
    with duckdb.connect(str(db_path)) as connection:
        built, bound = connection.execute(
            "select (select sum(intents) from main_aiue.aiue__unit_economics_daily), "
            "(select sum(intents) from lower_bound)"
        ).fetchone()
    if built != bound:
        raise AssertionError(f"the build counted {built} intents, the lower bound {bound}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db_mb = db_path.stat().st_size / 1e6
    appended = _incremental(calls, db_path, work_dir, int(built)) if incremental else {}
    return {
        "calls": calls,
        "cores": os.cpu_count(),
        "load_average": (load_before, os.getloadavg()[0]),
        **timings,
        "ratio": build_seconds / lower_bound,
        "cpu_ratio": timings["build_cpu_s"] / max(timings["lower_bound_cpu_s"], 1e-9),
        "fixed_s": fixed_seconds,
        "marginal_ratio": max(build_seconds - fixed_seconds, 0.0) / lower_bound,
        "slowest": slowest_nodes(work_dir),
        "peak_rss_mb": peak_mb,
        "db_mb": db_mb,
        **appended,
        "incremental_ratio": appended["incremental_s"] / build_seconds if appended else None,
    }


def _incremental(calls: int, db_path: Path, work_dir: Path, intents_before: int) -> dict:
    """Append one more day and late labels, build again as an incremental run does (no
    --full-refresh), and check every new intent arrived once."""
    with duckdb.connect(str(db_path)) as connection:
        new_calls = append_day(connection, calls)
    seconds = _timed(lambda: run_dbt("build", db_path=db_path, work_dir=work_dir / ".aiue"))
    with duckdb.connect(str(db_path)) as connection:
        intents = connection.execute(
            "select sum(intents) from main_aiue.aiue__unit_economics_daily"
        ).fetchone()[0]
    if intents != intents_before + new_calls // CALLS_PER_INTENT:
        raise AssertionError(f"the incremental build counted {intents} intents")
    return {"incremental_calls": new_calls, "incremental_s": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument(
        "--no-incremental", action="store_true", help="skip the incremental build (time)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aiue_bench_") as folder:
        result = run(args.calls, Path(folder), incremental=not args.no_incremental)
    print()
    print(f"calls                       {result['calls']:>12,}")
    print(
        f"machine                     {result['cores']:>12} cores, load average "
        f"{result['load_average'][0]:.1f} before, {result['load_average'][1]:.1f} after"
    )
    print(f"generate raw tables         {result['generate_s']:>12.2f} s")
    print(f"lower bound (1 statement)   {result['lower_bound_s']:>12.2f} s")
    print(f"dbt build (models + tests)  {result['build_s']:>12.2f} s")
    print(f"ratio build / lower bound   {result['ratio']:>12.2f} x")
    print(
        f"CPU time bound / build      {result['lower_bound_cpu_s']:>12.2f} s / "
        f"{result['build_cpu_s']:.2f} s = {result['cpu_ratio']:.2f} x"
    )
    print(
        f"dbt build at {FIXED_COST_CALLS:,} calls      {result['fixed_s']:>12.2f} s  (fixed cost)"
    )
    print(
        f"marginal ratio              {result['marginal_ratio']:>12.2f} x  (build - fixed) / bound"
    )
    for name, seconds in result["slowest"]:
        print(f"  slowest: {name:<40} {seconds:>8.2f} s")
    print(f"peak memory (this process)  {result['peak_rss_mb']:>12.0f} MB")
    print(f"DuckDB file                 {result['db_mb']:>12.0f} MB")
    if result["incremental_ratio"] is not None:
        print(
            f"incremental build           {result['incremental_s']:>12.2f} s  "
            f"(+{result['incremental_calls']:,} calls on a new day, late labels)"
        )
        print(f"ratio incremental / full    {result['incremental_ratio']:>12.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
