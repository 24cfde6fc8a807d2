"""Local Spark (dbt-spark ``method: session``) for cross-engine dbt tests.

dbt-spark's session method builds ``SparkSession.builder.enableHiveSupport()``, applies every
``server_side_parameters`` entry of the profile with ``builder.config(k, v)`` and calls
``getOrCreate()`` in the dbt process. PySpark hands builder options to ``spark-submit`` as
``--conf`` when it launches the JVM, so JVM-level settings (driver memory, Java options) work
there too. Everything Spark would write (warehouse, Derby metastore, derby.log, scratch and
block-manager dirs) is pointed below one temporary directory, never the working directory.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

DEFAULT_SCHEMA = "aiue"


def _find_java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").exists():
        return str(Path(java_home, "bin", "java"))
    return shutil.which("java")


def java_major_version(java: str) -> int | None:
    try:
        proc = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8" means 8


def spark_available() -> tuple[bool, str]:
    """Whether dbt-spark session mode can run here, and if not, why."""
    java = _find_java()
    if not java:
        return False, "java is not on PATH (Spark 4 needs a JDK 17+)"
    major = java_major_version(java)
    if major is None or major < 17:
        return False, f"{java} is Java {major}; Spark 4 needs Java 17+"
    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            importlib.import_module(module)
        except Exception as exc:  # an ImportError, or a broken install
            return False, f"cannot import {module}: {exc!r}"
    return True, f"{java} (Java {major})"


def spark_dirs(tmpdir: str | os.PathLike[str]) -> dict[str, Path]:
    root = Path(tmpdir).resolve()
    return {
        "root": root,
        "warehouse": root / "warehouse",
        "metastore": root / "metastore_db",  # Derby creates this directory itself
        "local": root / "local",
    }


def spark_conf(tmpdir: str | os.PathLike[str]) -> dict[str, str]:
    """Spark conf for a small, local, self-contained session (also the profile's parameters)."""
    d = spark_dirs(tmpdir)
    return {
        "spark.master": "local[2]",
        "spark.driver.memory": "2g",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "2",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",  # dbt-spark forces this for session mode anyway
        "spark.sql.warehouse.dir": str(d["warehouse"]),
        "spark.local.dir": str(d["local"]),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={d['metastore']};create=true"
        ),
        "spark.hadoop.hive.exec.scratchdir": str(d["local"] / "hive-scratch"),
        "spark.hadoop.hive.exec.local.scratchdir": str(d["local"] / "hive-local"),
        "spark.hadoop.hive.downloaded.resources.dir": str(d["local"] / "hive-resources"),
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={d['root']} -Duser.timezone=UTC -Djava.io.tmpdir={d['local']}"
        ),
    }


def spark_submit_args(tmpdir: str | os.PathLike[str]) -> str:
    """``PYSPARK_SUBMIT_ARGS`` carrying the same conf, for sessions built without it."""
    args: list[str] = []
    for key, value in spark_conf(tmpdir).items():
        args += ["--conf", f"{key}={value}"]
    return shlex.join([*args, "pyspark-shell"])


def spark_env(tmpdir: str | os.PathLike[str], schema: str = DEFAULT_SCHEMA) -> dict[str, str]:
    """Environment variables read by the ``spark`` output in profiles.yml.

    Creates the directories. Pass the dict to the dbt process (or ``os.environ``) so the Spark
    JVM it starts keeps all of its state under ``tmpdir``.
    """
    d = spark_dirs(tmpdir)
    for key in ("warehouse", "local"):
        d[key].mkdir(parents=True, exist_ok=True)
    return {
        "AIUE_SPARK_SCHEMA": schema,
        "AIUE_SPARK_WAREHOUSE_DIR": str(d["warehouse"]),
        "AIUE_SPARK_METASTORE_DIR": str(d["metastore"]),
        "AIUE_SPARK_LOCAL_DIR": str(d["local"]),
        "AIUE_SPARK_TMP_DIR": str(d["root"]),
        "TZ": "UTC",  # pyspark turns timestamps into naive datetimes in the Python process's zone
    }


def spark_session(tmpdir: str | os.PathLike[str], hive: bool = True) -> Any:
    """Build (or get) a SparkSession the way dbt-spark does, with :func:`spark_conf`."""
    from pyspark.sql import SparkSession

    spark_env(tmpdir)  # create the directories
    builder = SparkSession.builder.appName("aiue-tests")
    if hive:
        builder = builder.enableHiveSupport()
    for key, value in spark_conf(tmpdir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
