"""One run at a time, atomic publish (docs/publish.md): a killed, failing or out-of-space run
leaves the previous complete build where `aiue metrics` reads it; two runs never mix.

Every run here is a real `aiue run` process on tests/fixtures/small (input A) or a copy whose
feature tag f1 is renamed f1b (input B, so every grouped metric differs). AIUE_FAULT_PAUSE
makes a run stop at a named point (after loading, after its first model, at its first data
test, just before the swap) and say so on stderr; the test then SIGKILLs it from outside.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ai_unit_economics.engines.publish import FileRunLock
from ai_unit_economics.project import BUILD_SCHEMA_VARS

from .conftest import FIXTURES, IN_CI
from .harness.faults import paused_run, sigkill

pytestmark = [pytest.mark.dbt, pytest.mark.postgres]

AIUE = Path(sys.executable).parent / "aiue"
SCHEMA = "main_aiue"


# --- helpers ---------------------------------------------------------------------------------


def aiue(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(AIUE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=3600,  # a Spark build of the small fixture took over 15 min on a busy machine
        check=False,
        env={**os.environ, **(env or {})},
    )


def metrics(db: Path, env: dict[str, str] | None = None, target: str = "duckdb") -> list[dict]:
    result = aiue("metrics", "--target", target, "--db", db, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def marts(db: Path) -> dict[str, list[tuple]]:
    """Every relation of the build's schemas (marts, staging, intermediate), its rows sorted:
    equal snapshots = same build."""
    with duckdb.connect(str(db), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (?, ?, ?) order by 1, 2",
            [SCHEMA, f"{SCHEMA}_staging", f"{SCHEMA}_intermediate"],
        ).fetchall()
        return {
            f"{schema}.{name}": sorted(
                connection.execute(f'select * from {schema}."{name}"').fetchall(), key=repr
            )
            for schema, name in names
        }


def input_b(folder: Path) -> Path:
    """Input A with feature tag f1 renamed f1b: a different build of the same shape."""
    shutil.copytree(FIXTURES / "small", folder)
    spans = folder / "genai_spans.csv"
    spans.write_text(spans.read_text(encoding="utf-8").replace(",f1,", ",f1b,"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("publish_inputs")
    return {"A": FIXTURES / "small", "B": input_b(root / "b")}


@pytest.fixture(scope="module")
def clean(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """A clean build of each input, each in a fresh folder: its database file, metrics, marts."""
    builds = {}
    for name, folder in inputs.items():
        db = tmp_path_factory.mktemp(f"clean_{name}") / "aiue.duckdb"
        result = aiue("run", "--quiet", "--input", folder, "--db", db)
        assert result.returncode == 0, result.stderr
        builds[name] = {"db": db, "metrics": metrics(db), "marts": marts(db)}
    assert builds["A"]["metrics"] != builds["B"]["metrics"]
    assert {row["feature_tag"] for row in builds["B"]["metrics"]} >= {"f1b"}
    return builds


def published_copy(build: dict, folder: Path) -> Path:
    """An existing database to run over: a copy of a clean build in a fresh folder."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "aiue.duckdb"
    shutil.copyfile(build["db"], db)
    return db


# --- the fault test: SIGKILL anywhere, the previous build stays --------------------------------


def test_a_killed_run_leaves_the_previous_build_and_a_rerun_equals_a_clean_build(
    clean: dict[str, dict], inputs: dict[str, Path], tmp_path: Path
) -> None:
    db = published_copy(clean["A"], tmp_path / "w")
    staging = db.parent / ".aiue" / "staging" / db.name
    for point in ("load", "model", "test", "publish"):
        run = paused_run(
            [AIUE, "run", "--quiet", "--full-refresh", "--input", inputs["B"], "--db", db], point
        )
        if point == "test":
            # Meanwhile: readers get the published build, a second run is turned away.
            assert metrics(db) == clean["A"]["metrics"]
            second = aiue("run", "--full-refresh", "--input", inputs["A"], "--db", db)
            assert second.returncode == 2, second.stderr
            assert f"is being built by another run (pid {run.pid}" in second.stderr
            assert "--wait SECONDS" in second.stderr and "Traceback" not in second.stderr
        sigkill(run)
        assert staging.exists(), f"killed at {point}: the staging file should be left over"
        assert metrics(db) == clean["A"]["metrics"], f"killed at {point}"
        assert marts(db) == clean["A"]["marts"], f"killed at {point}"
    rerun = aiue("run", "--quiet", "--full-refresh", "--input", inputs["B"], "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert metrics(db) == clean["B"]["metrics"]
    assert marts(db) == clean["B"]["marts"]
    assert not staging.exists() and not staging.with_name(db.name + ".wal").exists()


# --- two runs at once ------------------------------------------------------------------------


def test_two_runs_at_once_publish_the_one_that_reported_success(
    clean: dict[str, dict], inputs: dict[str, Path], tmp_path: Path
) -> None:
    db = published_copy(clean["A"], tmp_path / "w")
    runs = {
        name: subprocess.Popen(
            [
                str(AIUE),
                "run",
                "--quiet",
                "--full-refresh",
                "--input",
                str(inputs[name]),
                "--db",
                str(db),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("B", "A")
    }
    outputs = {name: run.communicate(timeout=900) for name, run in runs.items()}
    codes = {name: run.returncode for name, run in runs.items()}
    assert sorted(codes.values()) == [0, 2], outputs
    winner = next(name for name, code in codes.items() if code == 0)
    loser = next(name for name, code in codes.items() if code == 2)
    message = outputs[loser][1]
    assert f"is being built by another run (pid {runs[winner].pid}" in message
    assert f"--input {inputs[winner]}" in message  # the holder's command
    assert metrics(db) == clean[winner]["metrics"]
    assert marts(db) == clean[winner]["marts"]


def test_a_second_run_can_wait_for_the_first(tmp_path: Path) -> None:
    """--wait: a run queues behind the holder; given up after the time, it names the holder
    and says how long it waited."""
    lock_path = tmp_path / ".aiue" / "run.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_path), "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    lock = FileRunLock(lock_path, "the test database")
    started = time.monotonic()
    with pytest.raises(Exception, match=rf"pid {holder.pid}.*\(waited 1 s\)"):
        lock.acquire(1)
    assert 0.9 < time.monotonic() - started < 3
    lock.acquire(30)  # the holder lets go after 3 s
    assert time.monotonic() - started < 10
    assert json.loads(lock_path.read_text())["pid"] == os.getpid()
    lock.release()
    holder.wait()


HOLD_READER = """
import duckdb, sys, time
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("select count(*) from main_aiue.aiue__intents").fetchone()[0], flush=True)
time.sleep(120)
"""


def test_a_reader_holding_the_previous_file_is_named_after_the_publish(
    clean: dict[str, dict], inputs: dict[str, Path], tmp_path: Path
) -> None:
    """A BI tool's pooled connection kept the old numbers for 90 s after a publish: the run
    says which programs still hold the previous file, and that they must reconnect."""
    db = tmp_path / "aiue.duckdb"
    shutil.copy(clean["A"]["db"], db)
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_READER, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout is not None and int(reader.stdout.readline()) > 0
        result = aiue("run", "--full-refresh", "--input", inputs["B"], "--db", db)
    finally:
        reader.kill()
        reader.wait()
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert f"still has the previous aiue.duckdb open (pid {reader.pid} (python" in out, out
    assert "reconnect" in out
    quiet = aiue("run", "--full-refresh", "--input", inputs["A"], "--db", db)  # no reader now
    assert "still has the previous" not in quiet.stdout + quiet.stderr


def test_a_dead_holder_never_blocks(tmp_path: Path) -> None:
    """The OS drops a killed holder's lock; its note in the lock file is stale, not binding."""
    lock_path = tmp_path / ".aiue" / "run.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_path), "600"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    sigkill(holder)
    assert json.loads(lock_path.read_text())["pid"] == holder.pid
    lock = FileRunLock(lock_path, "the test database")
    lock.acquire(0)
    assert json.loads(lock_path.read_text())["pid"] == os.getpid()
    lock.release()


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ai_unit_economics.engines.publish import FileRunLock
    lock = FileRunLock(Path(sys.argv[1]), "the test database")
    lock.acquire(0)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    lock.release()
""")


# --- a failing build publishes nothing -------------------------------------------------------


def test_a_failed_data_test_leaves_the_previous_build(
    clean: dict[str, dict], tmp_path: Path
) -> None:
    """Spans that give nothing usable fail the data test assert_span_sources_usable (exit 3):
    the published build is untouched; the failed one is kept aside to look at."""
    db = published_copy(clean["A"], tmp_path / "w")
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "small", bad)
    spans = bad / "genai_spans.csv"
    lines = spans.read_text(encoding="utf-8").splitlines()
    spans.write_text(
        "\n".join([lines[0], *(line.replace("2026-01-0", "not a time ") for line in lines[1:])])
        + "\n",
        encoding="utf-8",
    )
    result = aiue("run", "--full-refresh", "--input", bad, "--db", db)
    assert result.returncode == 3, result.stderr
    failed = db.parent / ".aiue" / "failed" / db.name
    assert "Nothing was published: the previous build is unchanged" in result.stderr
    assert str(failed) in result.stderr and failed.exists()
    assert metrics(db) == clean["A"]["metrics"]
    assert marts(db) == clean["A"]["marts"]
    rerun = aiue("run", "--quiet", "--full-refresh", "--input", FIXTURES / "small", "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert not failed.exists()  # a successful publish clears it


# --- a full disk -----------------------------------------------------------------------------

FULL_DISK = textwrap.dedent("""
    set -e
    mount -t tmpfs -o size={size} tmpfs "$DISK"
    cp "$PUBLISHED" "$DISK/aiue.duckdb"
    set +e
    "$AIUE" run --input "$INPUT" --db "$DISK/aiue.duckdb" 2> "$OUT/copy.err"
    echo $? > "$OUT/copy.code"
    "$AIUE" metrics --db "$DISK/aiue.duckdb" --format json > "$OUT/copy.json"
    "$AIUE" run --full-refresh --input "$INPUT" --db "$DISK/aiue.duckdb" 2> "$OUT/build.err"
    echo $? > "$OUT/build.code"
    "$AIUE" metrics --db "$DISK/aiue.duckdb" --format json > "$OUT/build.json"
""")


def test_a_full_disk_says_so_and_keeps_the_previous_build(
    clean: dict[str, dict], inputs: dict[str, Path], tmp_path: Path
) -> None:
    """A disk with room for the published build and little more (a private tmpfs): the copy
    that starts an incremental run, and a full-refresh build, each run out of space: exit 2,
    one sentence, and the published build still answers."""
    if shutil.which("unshare") is None:
        message = "unshare (util-linux) is needed to give a test its own small disk"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    published = clean["A"]["db"]
    size = published.stat().st_size + 3 * 2**20
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
         FULL_DISK.format(size=size)],
        env={**os.environ, "DISK": str(disk), "OUT": str(out), "AIUE": str(AIUE),
             "PUBLISHED": str(published), "INPUT": str(inputs["B"])},
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if "unshare:" in result.stderr or "mount:" in result.stderr:
        message = f"cannot make a private mount here: {result.stderr.strip()}"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    for step in ("copy", "build"):
        err = (out / f"{step}.err").read_text()
        assert (out / f"{step}.code").read_text().strip() == "2", err
        assert "Traceback" not in err and len(err.splitlines()) < 15, err
        assert "No space left on the disk holding" in err and "free some space" in err, err
        assert json.loads((out / f"{step}.json").read_text()) == clean["A"]["metrics"], step


# --- Postgres and Spark: the same lock and swap through their own mechanisms ------------------


def same_numbers(left: list[dict], right: list[dict]) -> bool:
    """Metrics rows equal, floats to 1e-9 relative (engines add in different orders)."""
    if len(left) != len(right):
        return False
    for one, other in zip(left, right, strict=True):
        if one.keys() != other.keys():
            return False
        for key, value in one.items():
            if isinstance(value, float) and isinstance(other[key], float | int):
                if not math.isclose(value, other[key], rel_tol=1e-9, abs_tol=1e-12):
                    return False
            elif value != other[key]:
                return False
    return True


@pytest.fixture(scope="module")
def postgres_env(postgres_server: Any) -> dict[str, str]:
    """A database of its own on the harness server (other tests build in `aiue`)."""
    import psycopg2

    env = postgres_server.env()
    connection = psycopg2.connect(
        host=env["AIUE_PG_HOST"], port=env["AIUE_PG_PORT"], user=env["AIUE_PG_USER"],
        dbname="postgres",
    )  # fmt: skip
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("create database aiue_publish")
    connection.close()
    return {**env, "AIUE_PG_DBNAME": "aiue_publish"}


@pytest.fixture(scope="module")
def spark_publish_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A Spark warehouse and metastore of its own (other tests build in theirs)."""
    from tests.harness.fixtures import engine_missing
    from tests.harness.spark import spark_available, spark_env

    available, reason = spark_available()
    if not available:
        engine_missing(f"Spark unavailable: {reason}")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")}
    return {**child_env, **spark_env(tmp_path_factory.mktemp("spark_publish"))}


def schemas(target: str, env: dict[str, str], db: Path) -> set[str]:
    """The schemas (databases) of the warehouse, read the way `aiue` reads."""
    script = textwrap.dedent("""
        import json, os, sys
        from pathlib import Path
        from ai_unit_economics.engines.registry import engine
        sql = {"postgres": "select nspname from pg_namespace", "spark": "show databases"}
        _, rows = engine(sys.argv[1]).query(sql[sys.argv[1]], Path(sys.argv[2]))
        print(json.dumps(sorted(str(row[0]) for row in rows)))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script, target, str(db)],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


# Where the run of B is killed: Postgres inside the swap transaction (before its commit);
# Spark once B is loaded into its own databases. A Spark build of even the small fixture takes
# minutes on these machines, so Spark's case has one build: it starts with no build of A, and
# B's re-run after the kill exercises the lock, the view re-pointing and the clean-up of the
# killed run's databases. Postgres builds A first and checks the kill leaves A's numbers.
# Spark's case is not in the suite (CI time); run it with parametrize target "spark".
KILL_AT = {"postgres": "publish", "spark": "load"}


@pytest.mark.parametrize("target", ["postgres"])  # Spark: see KILL_AT
def test_lock_and_atomic_swap_on_other_engines(
    request: pytest.FixtureRequest,
    target: str,
    clean: dict[str, dict],
    inputs: dict[str, Path],
    tmp_path: Path,
) -> None:
    """A run of B paused (KILL_AT) holds the lock, so a second run exits 2 naming it;
    SIGKILLed there, the published build is unchanged (Postgres: A's numbers); a re-run
    publishes B with DuckDB's numbers for B, and no staging is left over."""
    env = request.getfixturevalue("postgres_env" if target == "postgres" else "spark_publish_env")
    db = tmp_path / "aiue.duckdb"  # where .aiue/ (dbt's target and logs) goes
    run = ("--target", target, "--db", db, "--full-refresh")  # each run: its folder alone
    built_a = None
    if target == "postgres":
        first = aiue("run", "--quiet", *run, "--input", inputs["A"], env=env)
        assert first.returncode == 0, first.stderr
        built_a = metrics(db, env, target)
        assert same_numbers(built_a, clean["A"]["metrics"])

    paused = paused_run(
        [AIUE, "run", "--quiet", *run, "--input", inputs["B"]], KILL_AT[target], env
    )
    second = aiue("run", *run, "--input", inputs["A"], env=env)
    assert second.returncode == 2, second.stderr
    assert f"is being built by another run (pid {paused.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    sigkill(paused)
    if built_a is not None:
        assert metrics(db, env, target) == built_a

    rerun = aiue("run", "--quiet", *run, "--input", inputs["B"], env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert same_numbers(metrics(db, env, target), clean["B"]["metrics"])
    left = schemas(target, env, db)
    assert not [name for name in left if name.endswith(("__staging", "__previous"))], left
    # every schema the build writes was swapped in together: marts, staging, intermediate
    base = env.get("AIUE_PG_SCHEMA", "public") if target == "postgres" else "aiue"
    published = {f"{base}_{value}" for value in BUILD_SCHEMA_VARS.values()}
    assert published <= left, left
    if target == "spark":  # one build's databases: the published one's, not the killed run's
        assert len([name for name in left if "__g" in name]) == 1 + len(BUILD_SCHEMA_VARS), left


# --- Postgres: target schemas stay apart ------------------------------------------------------


def pg_rows(env: dict[str, str], sql: str) -> list[tuple]:
    import psycopg2

    connection = psycopg2.connect(
        host=env["AIUE_PG_HOST"], port=env["AIUE_PG_PORT"], user=env["AIUE_PG_USER"],
        dbname=env["AIUE_PG_DBNAME"],
    )  # fmt: skip
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def relations_of(env: dict[str, str], prefix: str) -> set[tuple[str, str, str]]:
    """Every table and view of the schemas whose name starts with `prefix`, with its kind."""
    return set(
        pg_rows(
            env,
            "select table_schema, table_name, table_type from information_schema.tables "
            f"where table_schema like '{prefix}%'",
        )
    )


def test_postgres_target_schemas_stay_apart_at_once_and_in_sequence(
    postgres_env: dict[str, str], clean: dict[str, dict], inputs: dict[str, Path], tmp_path: Path
) -> None:
    """Runs into schemas s1 (input A) and s2 (input B) of one database at once, from one --db
    folder: each publishes its own numbers (once: the raw schema was shared, and one run
    deleted the other's raw tables mid-build). Then s2 again (input A): nothing of s1 changes
    (once: the publish of s2 dropped s1's views with `drop schema aiue_raw__previous
    cascade`, and s1's staging views read s2's raw rows). A view of the user's built on s2's
    mart is never dropped: the previous build is kept, said so, and the next run refuses
    until the view is moved."""
    db = tmp_path / "aiue.duckdb"
    env = {schema: {**postgres_env, "AIUE_PG_SCHEMA": schema} for schema in ("s1", "s2")}
    run = (str(AIUE), "run", "--quiet", "--full-refresh", "--target", "postgres", "--db", str(db))
    started = {
        schema: subprocess.Popen(
            [*run, "--input", str(inputs[name])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env[schema]},
        )
        for schema, name in (("s1", "A"), ("s2", "B"))
    }
    for schema, process in started.items():
        out, err = process.communicate(timeout=1800)
        assert process.returncode == 0, f"{schema}: {out}\n{err}"
    assert same_numbers(metrics(db, env["s1"], "postgres"), clean["A"]["metrics"])
    assert same_numbers(metrics(db, env["s2"], "postgres"), clean["B"]["metrics"])
    spans_a = str(inputs["A"] / "genai_spans.csv")
    assert pg_rows(
        postgres_env, "select distinct _aiue_source_file from s1_aiue_raw.genai_spans"
    ) == [(spans_a,)]
    assert (db.parent / ".aiue" / "postgres" / "s1" / "target").is_dir()  # a folder per schema
    assert (db.parent / ".aiue" / "postgres" / "s2" / "target").is_dir()

    s1_before = relations_of(postgres_env, "s1_")
    pg_rows(postgres_env, "create schema reporting")
    pg_rows(postgres_env, "create view reporting.s1_intents as select * from s1_aiue.aiue__intents")
    pg_rows(postgres_env, "create view reporting.s2_intents as select * from s2_aiue.aiue__intents")
    again = aiue(*run[1:], "--input", inputs["A"], env=env["s2"])
    assert again.returncode == 0, again.stderr
    assert relations_of(postgres_env, "s1_") == s1_before
    assert same_numbers(metrics(db, env["s1"], "postgres"), clean["A"]["metrics"])
    assert same_numbers(metrics(db, env["s2"], "postgres"), clean["A"]["metrics"])
    assert pg_rows(
        postgres_env, "select distinct _aiue_source_file from s1_aiue_raw.genai_spans"
    ) == [(spans_a,)]
    views = pg_rows(postgres_env, "select table_name from information_schema.views "
                    "where table_schema = 'reporting' order by 1")  # fmt: skip
    assert views == [("s1_intents",), ("s2_intents",)]
    assert "Kept s2_aiue__previous" in again.stdout + again.stderr
    assert "reporting.s2_intents" in again.stdout + again.stderr

    refused = aiue(*run[1:], "--input", inputs["A"], env=env["s2"])
    assert refused.returncode == 2, refused.stderr
    assert "reporting.s2_intents is a view built on s2_aiue__previous" in refused.stderr
    assert "aiue drops nothing of yours" in refused.stderr and "Traceback" not in refused.stderr
    pg_rows(postgres_env, "drop schema reporting cascade")
