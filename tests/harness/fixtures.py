"""Session-scoped engine fixtures for cross-engine dbt tests.

Use from ``tests/conftest.py`` with ``from tests.harness.fixtures import postgres_server,
spark_engine`` (or ``pytest_plugins = ["tests.harness.fixtures"]``). A missing engine skips the
tests that need it locally and fails them when ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from .postgres import EngineUnavailable, PostgresServer
from .spark import spark_available, spark_env


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def engine_missing(reason: str) -> NoReturn:
    """Fail in CI (where every engine must be present), skip elsewhere."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL 15 with an empty ``aiue`` database; ``.env()`` feeds profiles.yml."""
    try:
        server = PostgresServer().start()
    except EngineUnavailable as exc:
        engine_missing(f"PostgreSQL unavailable: {exc.reason}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Env vars for the ``spark`` (session method) profile output, state under a temp dir.

    dbt-spark starts the Spark JVM itself inside each dbt process, so this only checks that it
    can (Java 17+, pyspark, dbt-spark) and prepares the directories.
    """
    ok, reason = spark_available()
    if not ok:
        engine_missing(f"Spark unavailable: {reason}")
    yield spark_env(tmp_path_factory.mktemp("spark"))
