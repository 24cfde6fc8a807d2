"""Benchmark: `aiue run` against a one-statement lower bound, measured in the same run.

Machines are shared, so no absolute time is asserted anywhere and CPU time (user + system)
is the number to read: wall time stretches with the machine's load, CPU time much less. Every
measured step runs in a child process of its own, so its CPU time and peak memory are its
own (`os.wait4`). Printed, for N calls (4 per intent over 60 days, a label for 9 in 10
intents):

- the lower bound: one DuckDB statement over the same Parquet files, which parses them,
  prices every call and rolls calls up to intents and intents up to days: the least work any
  correct implementation must do (it validates nothing and writes one small table);
- the full build: `aiue run` on those files, as a user runs it (load, then dbt build with
  every model and data test), its wall and CPU time, both ratios to the lower bound, peak
  memory and the DuckDB file's size;
- the fixed cost: `aiue run` over 1,000 calls, first in a new folder (dbt parses the project)
  and again on the same database (dbt reuses the parse), and `aiue metrics` on that build;
- an incremental run: one more day (1/30 of N) with its labels and late labels for a third
  of the earlier intents, appended; its CPU as a share of the full build's;
- OTLP input, when `--otlp-mb` is given: an OTLP JSON export of that size loaded and built;
- Postgres, when `--postgres` is given: `aiue run --target postgres` on the same files, then
  the same appended day; CPU here is the run's plus the Postgres server's (its postmaster and
  every backend, read from /proc), since the work happens in the server. The server is the
  one AIUE_PG_* names, or one the test harness starts (tests/harness/postgres.py).

docs/performance.md says what each line means and records runs.

    python -m ai_unit_economics.devtools.bench --calls 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

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
FIXED_COST_CALLS = 1_000


# --- input ------------------------------------------------------------------------------------


def write_parquet(
    folder: Path,
    calls: int,
    first_call: int = 0,
    first_day: str = FIRST_DAY,
    days: int = DAYS,
    labels: bool = True,
) -> None:
    """N chat spans (4 per intent) as genai_spans.parquet, typed as an exporter writes them
    (timestamps with a zone, unsigned token counts), and outcomes.parquet with a label for 9
    in 10 intents."""
    folder.mkdir(parents=True, exist_ok=True)
    models = " union all ".join(
        f"select {i} as model_index, '{provider}' as provider, '{model}' as model"
        for i, (provider, model, _, _) in enumerate(MODELS)
    )
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
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
                    timezone('UTC', timestamp '{first_day}'
                        + to_seconds((h % {days * 86400})::bigint)
                        + to_seconds((i % {CALLS_PER_INTENT})::bigint)) as start_time,
                    case when hc % 20 = 0 then 'ERROR' else 'OK' end as status_code,
                    models.provider as provider_name,
                    models.model as response_model,
                    (200 + hc % 4000)::ubigint as input_tokens,
                    (20 + hc % 800)::ubigint as output_tokens,
                    ((hc % 4000) // 4)::ubigint as cache_read_input_tokens,
                    'feature_' || cast(h % 8 as varchar) as feature_tag,
                    'intent-' || cast(intent as varchar) as intent_id,
                    (1 + (i % {CALLS_PER_INTENT} = 3 and hc % 3 = 0)::int)::integer as attempt,
                    (1 + i % {CALLS_PER_INTENT})::integer as turn_index
                from ids
                join models on models.model_index = h % {len(MODELS)}
            ) to '{folder / "genai_spans.parquet"}' (format parquet)
            """
        )
        if labels:
            connection.execute(
                f"""
                copy (
                    select
                        'intent-' || cast(intent as varchar) as intent_id,
                        hash(intent * 31) % 10 < 7 as is_success,
                        hash(intent * 31) % 10 >= 8 as is_escalated,
                        false as is_human_reviewed
                    from range({first_call // CALLS_PER_INTENT},
                               {(first_call + calls) // CALLS_PER_INTENT}) as t(intent)
                    where hash(intent * 17) % 10 != 0
                ) to '{folder / "outcomes.parquet"}' (format parquet)
                """
            )


def add_late_labels(folder: Path, calls: int) -> None:
    """Add to folder's outcomes.parquet a label for a third of the intents of the first N
    calls that had none (late labels for earlier days)."""
    path = folder / "outcomes.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select * from read_parquet('{path}')
                union all
                select 'intent-' || cast(intent as varchar) as intent_id, true as is_success,
                       false as is_escalated, false as is_human_reviewed
                from range({calls // CALLS_PER_INTENT}) as t(intent)
                where hash(intent * 17) % 10 = 0 and intent % 3 = 0
            ) to '{folder / "outcomes_all.parquet"}' (format parquet)
            """
        )
    (folder / "outcomes_all.parquet").replace(path)


def lower_bound_sql(folder: Path) -> str:
    """The least work: read, price, roll up to intents and days, in one statement."""
    prices = " union all ".join(
        f"select '{provider}' as provider, '{model}' as model, "
        f"{inp}::decimal(20, 15) / 1000000 as input_price, "
        f"{out}::decimal(20, 15) / 1000000 as output_price"
        for provider, model, inp, out in MODELS
    )
    return f"""
    create table lower_bound as
    with prices as ({prices}),
    calls as (
        select
            s.intent_id,
            s.feature_tag,
            cast(s.start_time as date) as call_date,
            (s.input_tokens - s.cache_read_input_tokens) * p.input_price
            + s.cache_read_input_tokens * p.input_price / 2
            + s.output_tokens * p.output_price as cost
        from read_parquet('{folder / "genai_spans.parquet"}') as s
        join prices as p on p.provider = s.provider_name and p.model = s.response_model
    ),
    intents as (
        select intent_id, min(call_date) as intent_date, any_value(feature_tag) as feature_tag,
               sum(cost) as token_cost
        from calls group by intent_id
    ),
    labelled as (
        select intents.*, o.is_success, case when o.is_escalated then 15 else 0 end as labor
        from intents left join read_parquet('{folder / "outcomes.parquet"}') as o using (intent_id)
    )
    select intent_date, feature_tag, count(*) as intents,
           sum(token_cost + labor) as total_cost,
           sum(token_cost + labor) / nullif(count(*) filter (where is_success), 0) as cps
    from labelled group by intent_date, feature_tag
    """


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_mb: float
    output: str


def measured(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a child process; its wall time, CPU time (user + system) and peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{output[-4000:]}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def aiue(*args: str) -> list[str]:
    return [sys.executable, "-m", "ai_unit_economics.cli", *args]


def lower_bound(folder: Path, work: Path) -> Measured:
    script = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute(\"set memory_limit='3GB'\"); c.execute(sys.argv[2])"
    )
    return measured([sys.executable, "-c", script, str(work / "bound.duckdb"),
                     lower_bound_sql(folder)])  # fmt: skip


def intents_of(db: Path, table: str = "main_aiue.aiue__unit_economics_daily") -> int:
    with duckdb.connect(str(db), read_only=True) as connection:
        return int(connection.execute(f"select sum(intents) from {table}").fetchone()[0])


def slowest_nodes(db: Path, count: int = 5) -> list[tuple[str, float]]:
    path = db.parent / ".aiue" / "target" / "run_results.json"
    results = json.loads(path.read_text())["results"]
    timed = [(r["unique_id"].split(".")[-1], r["execution_time"]) for r in results]
    return sorted(timed, key=lambda node: -node[1])[:count]


# --- the runs ---------------------------------------------------------------------------------


def run(
    calls: int, work: Path, incremental: bool, otlp_mb: float | None, postgres: bool = False
) -> list[str]:
    lines = [
        f"calls                        {calls:>12,}",
        f"machine                      {os.cpu_count():>12} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the start",
    ]
    data = work / "data"
    started = time.perf_counter()
    write_parquet(data, calls)
    lines.append(f"generate Parquet input       {time.perf_counter() - started:>12.1f} s wall")

    bound = lower_bound(data, work)
    db = work / "build" / "aiue.duckdb"
    full = measured(aiue("run", "--input", str(data), "--db", str(db), "--quiet"))
    built, expected = intents_of(db), intents_of(work / "bound.duckdb", "lower_bound")
    if built != expected:
        raise SystemExit(f"the build counted {built} intents, the lower bound {expected}")
    lines += [
        f"lower bound (1 statement)    {bound.wall_s:>12.2f} s wall {bound.cpu_s:>9.2f} s CPU",
        f"aiue run (load + build)      {full.wall_s:>12.2f} s wall {full.cpu_s:>9.2f} s CPU",
        f"ratio run / lower bound      {full.wall_s / bound.wall_s:>12.1f} x wall "
        f"{full.cpu_s / bound.cpu_s:>9.1f} x CPU",
        f"peak memory (aiue run)       {full.peak_mb:>12.0f} MB",
        f"DuckDB file                  {db.stat().st_size / 1e6:>12.0f} MB",
        f"CPU per million calls        {full.cpu_s / calls * 1e6:>12.1f} s",
    ]
    lines += [f"  slowest: {name:<42} {seconds:>8.2f} s" for name, seconds in slowest_nodes(db)]
    lines += fixed_cost(work / "fixed")
    if incremental:
        lines += incremental_run(calls, work, db, full.cpu_s, built)
    if otlp_mb:
        lines += otlp_run(otlp_mb, work / "otlp")
    if postgres:
        lines += postgres_runs(calls, work, data)
    return lines


def fixed_cost(work: Path) -> list[str]:
    """`aiue run` over 1,000 calls in a new folder, then again on the same database (dbt
    reuses its parse), and `aiue metrics` on it (a command that reads, not builds)."""
    write_parquet(work / "data", FIXED_COST_CALLS)
    db = work / "build" / "aiue.duckdb"
    first = measured(aiue("run", "--input", str(work / "data"), "--db", str(db), "--quiet"))
    again = measured(
        aiue("run", "--input", str(work / "data"), "--db", str(db), "--quiet", "--full-refresh")
    )
    metrics = measured(aiue("metrics", "--db", str(db), "--format", "json"))
    return [
        f"fixed cost: aiue run at {FIXED_COST_CALLS:,} calls, first {first.cpu_s:>8.2f} s CPU "
        f"({first.wall_s:.1f} s wall)",
        f"fixed cost: the same, again  {again.cpu_s:>12.2f} s CPU ({again.wall_s:.1f} s wall)",
        f"aiue metrics on that build   {metrics.wall_s:>12.2f} s wall {metrics.cpu_s:>9.2f} s CPU",
    ]


def incremental_run(calls: int, work: Path, db: Path, full_cpu: float, built: int) -> list[str]:
    """One more day (1/30 of the calls) with its labels, and late labels for a third of the
    earlier intents without one, appended to the full build as one new folder."""
    new_calls = calls // 30 // CALLS_PER_INTENT * CALLS_PER_INTENT
    day = work / "day"
    write_parquet(day, new_calls, first_call=calls, first_day="2026-10-31", days=1)
    add_late_labels(day, calls)
    appended = measured(aiue("run", "--input", str(day), "--db", str(db), "--quiet"))
    if intents_of(db) != built + new_calls // CALLS_PER_INTENT:
        raise SystemExit(f"the appended build counted {intents_of(db)} intents")
    return [
        f"append a day + late labels   {appended.cpu_s:>12.2f} s CPU = "
        f"{appended.cpu_s / full_cpu:.2f} of the full build (+{new_calls:,} calls)",
    ]


def otlp_run(megabytes: float, work: Path) -> list[str]:
    """An OTLP JSON export of about `megabytes` (devtools.otlp_export writes it): the whole
    `aiue run` on it."""
    from . import otlp_export  # noqa: PLC0415 - only with --otlp-mb

    folder = work / "data" / "otlp"
    folder.mkdir(parents=True)
    spans = otlp_export.write_export(folder / "export.jsonl", megabytes)
    db = work / "build" / "aiue.duckdb"
    full = measured(aiue("run", "--input", str(work / "data"), "--db", str(db), "--quiet"))
    size = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
    return [
        f"OTLP export                  {size:>12.1f} MB, {spans:,} spans",
        f"aiue run on it               {full.wall_s:>12.2f} s wall {full.cpu_s:>9.2f} s CPU, "
        f"peak {full.peak_mb:.0f} MB",
    ]


def postgres_runs(calls: int, work: Path, data: Path) -> list[str]:
    """The full build and the appended day on Postgres, CPU counted in the client and in the
    server (the server's share is most of it)."""
    with postgres_server() as env:
        postmaster = _postmaster_pid(env)
        db = ["--db", str(work / "pg" / "unused.duckdb"), "--target", "postgres", "--quiet"]
        before = _server_cpu(postmaster)
        full = measured(aiue("run", "--full-refresh", "--input", str(data), *db), env)
        full_cpu = full.cpu_s + _server_cpu(postmaster) - before
        new_calls = calls // 30 // CALLS_PER_INTENT * CALLS_PER_INTENT
        day = work / "pg_day"
        write_parquet(day, new_calls, first_call=calls, first_day="2026-10-31", days=1)
        add_late_labels(day, calls)
        before = _server_cpu(postmaster)
        appended = measured(aiue("run", "--input", str(day), *db), env)
        appended_cpu = appended.cpu_s + _server_cpu(postmaster) - before
    return [
        f"Postgres: aiue run           {full.wall_s:>12.2f} s wall {full_cpu:>9.2f} s CPU "
        f"(client {full.cpu_s:.2f})",
        f"Postgres: append a day       {appended.wall_s:>12.2f} s wall {appended_cpu:>9.2f} s CPU "
        f"= {appended_cpu / full_cpu:.2f} of the full build",
    ]


@contextmanager
def postgres_server() -> Iterator[dict[str, str]]:
    """AIUE_PG_* from the environment when AIUE_PG_PORT is set, else a server of the test
    harness's, started for the bench and stopped after it."""
    if os.environ.get("AIUE_PG_PORT"):
        yield {}
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from tests.harness.postgres import PostgresServer  # noqa: PLC0415 - a checkout's harness

    server = PostgresServer().start()
    try:
        yield server.env()
    finally:
        server.stop()


def _postmaster_pid(env: dict[str, str]) -> int:
    import psycopg2  # noqa: PLC0415 - only with --postgres

    names = ("AIUE_PG_HOST", "AIUE_PG_PORT", "AIUE_PG_USER", "AIUE_PG_PASSWORD", "AIUE_PG_DBNAME")
    settings = {name: env.get(name) or os.environ.get(name) for name in names}
    connection = psycopg2.connect(
        host=settings["AIUE_PG_HOST"] or "127.0.0.1",
        port=settings["AIUE_PG_PORT"],
        user=settings["AIUE_PG_USER"],
        password=settings["AIUE_PG_PASSWORD"] or None,
        dbname=settings["AIUE_PG_DBNAME"],
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("show data_directory")
            data_directory = Path(cursor.fetchone()[0])
    finally:
        connection.close()
    return int((data_directory / "postmaster.pid").read_text().split()[0])


def _server_cpu(postmaster: int) -> float:
    """CPU seconds of the postmaster, of the backends it reaped (its children's times) and of
    those still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        elif parent == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--no-incremental", action="store_true", help="skip the appended runs")
    parser.add_argument("--otlp-mb", type=float, help="also build an OTLP export of this size")
    parser.add_argument("--postgres", action="store_true", help="also build and append on Postgres")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aiue_bench_") as folder:
        lines = run(args.calls, Path(folder), not args.no_incremental, args.otlp_mb, args.postgres)
    print("\n".join(["", *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
