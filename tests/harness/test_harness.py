"""The engine harness starts real engines and cleans up after itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from . import postgres as pg_module
from .fixtures import engine_missing
from .postgres import EngineUnavailable, PostgresServer, port_open
from .spark import spark_available

TESTS_DIR = Path(__file__).resolve().parents[1]


def test_postgres_starts_queries_and_cleans_up() -> None:
    server = PostgresServer()
    try:
        server.start()
    except EngineUnavailable as exc:
        engine_missing(f"PostgreSQL unavailable: {exc.reason}")
    with server:
        root = server.root
        assert server.env() == {
            "AIUE_PG_HOST": "127.0.0.1",
            "AIUE_PG_PORT": str(server.port),
            "AIUE_PG_USER": "postgres",
            "AIUE_PG_PASSWORD": "",
            "AIUE_PG_DBNAME": "aiue",
        }
        conn = server.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("select 1, version(), current_database()")
                one, version, dbname = cur.fetchone()
        finally:
            conn.close()
        assert one == 1
        assert version.startswith("PostgreSQL 15"), version
        assert dbname == "aiue"
        assert port_open(server.host, server.port)
    assert not port_open(server.host, server.port)
    assert not root.exists()
    server.stop()  # idempotent


def test_postgres_failure_raises_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def spy(*args: Any, **kwargs: Any) -> str:
        created.append(mkdtemp(*args, **kwargs))
        return created[-1]

    monkeypatch.setattr(pg_module.tempfile, "mkdtemp", spy)
    monkeypatch.setattr(pg_module, "_find_binary", lambda name: "/bin/false")
    with pytest.raises(EngineUnavailable, match="server log tail"):
        PostgresServer().start()
    assert len(created) == 1
    assert not Path(created[0]).exists()

    monkeypatch.setattr(pg_module, "_find_binary", lambda name: None)
    with pytest.raises(EngineUnavailable, match="not found"):
        PostgresServer().start()


SPARK_SMOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from harness.spark import spark_session
spark = spark_session(sys.argv[2])
try:
    spark.sql("show databases").collect()  # boots the Derby metastore
    row = spark.sql("select 1 as x").collect()[0]
    conf = spark.conf
    print(json.dumps({
        "x": row.x,
        "master": spark.sparkContext.master,
        "tz": conf.get("spark.sql.session.timeZone"),
        "partitions": conf.get("spark.sql.shuffle.partitions"),
        "catalog": conf.get("spark.sql.catalogImplementation"),
    }))
finally:
    spark.stop()
"""


def test_spark_session_starts_with_local_conf(tmp_path: Path) -> None:
    ok, reason = spark_available()
    if not ok:
        engine_missing(f"Spark unavailable: {reason}")
    # A child process: the JVM (and Derby's lock on the metastore) goes away with it, and a
    # session already alive in this process could not be reconfigured anyway.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    state = tmp_path / "spark"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_")}
    proc = subprocess.run(
        [sys.executable, "-c", SPARK_SMOKE, str(TESTS_DIR), str(state)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {
        "x": 1,
        "master": "local[2]",
        "tz": "UTC",
        "partitions": "4",
        "catalog": "hive",
    }
    assert list(cwd.iterdir()) == []  # no derby.log, metastore_db or spark-warehouse here
    assert (state / "metastore_db").is_dir()
    assert (state / "derby.log").is_file()
