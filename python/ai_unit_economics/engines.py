"""The warehouses `aiue` runs on, one class each: how to load files into it, read results
from it (read-only), where the marts are, and which SQL dialect it speaks.

The CLI takes its `--target` choices from ENGINES; nothing else branches on the engine name.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from .errors import UserError
from .inputs import InputFile
from .project import MART_SCHEMA_SUFFIX, RAW_SCHEMA

Rows = tuple[list[str], list[tuple[Any, ...]]]

# The mart every build has; used to find the schema the marts are in.
PROBE_RELATION = "aiue__unit_economics_daily"


def disk_full_message(where: object) -> str:
    return (
        f"No space left on the disk holding {where}: free some space (or choose a --db on "
        "another disk) and run again."
    )


def is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return "No space left on device" in str(error)


class Engine(ABC):
    """One warehouse. Instances are stateless; `ENGINES` holds one of each."""

    name: ClassVar[str]
    dialect: ClassVar[str]  # sqlglot dialect of the SQL `aiue` sends it
    extra: ClassVar[str | None] = None  # the pip extra that brings its driver

    def require(self) -> None:
        """Raise a UserError naming the pip extra when the engine's driver is missing."""
        return None

    @abstractmethod
    def describe(self, db_path: Path) -> str:
        """Where this engine's data lives, for messages."""

    @abstractmethod
    def load(
        self, inputs: dict[str, InputFile | None], db_path: Path, append: bool = False
    ) -> dict[str, int]:
        """Create the raw tables from the input files (append: add to the ones there);
        returns the row counts loaded."""

    def holds_raw_data(self, db_path: Path) -> bool:
        """Whether an earlier run left raw tables that a new folder appends to."""
        return False

    @abstractmethod
    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        """Run one read-only query: (column names, rows)."""

    def prepare_build(self, db_path: Path) -> None:
        """Checks before dbt writes to the warehouse (raise a UserError to stop)."""
        return None

    def release(self) -> None:
        """Drop what an in-process dbt run left open, so that readers can open the data."""
        return None

    def target_schema(self) -> str:
        from .runner import profile_output

        return str(profile_output(self.name)["schema"])

    def mart_schema(self) -> str:
        """The schema dbt builds the marts into: <target schema>_<aiue_schema>."""
        return f"{self.target_schema()}_{MART_SCHEMA_SUFFIX}"

    def schemas_holding(self, relation: str, db_path: Path | None = None) -> list[str]:
        """Schemas that have a table or view of this name (to suggest --schema)."""
        literal = relation.replace("'", "''")
        _, rows = self.query(
            "select distinct table_schema from information_schema.tables "
            f"where table_name = '{literal}' order by 1",
            db_path,
        )
        return [str(row[0]) for row in rows]

    def _missing_relation(self, where: str, error: Exception, db_path: Path | None) -> UserError:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0].rstrip(".")
        try:
            schemas = self.schemas_holding(PROBE_RELATION, db_path)
        except UserError:
            schemas = []
        if schemas:
            hint = (
                f"the aiue marts are in schema {', '.join(schemas)} there: pass "
                f"--schema {schemas[0]}."
            )
        else:
            hint = f"has `aiue run --target {self.name}` built it?"
        return UserError(f"{where}: {first}; {hint}")


# --- DuckDB ------------------------------------------------------------------------------------

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class DuckDB(Engine):
    name = "duckdb"
    dialect = "duckdb"

    def describe(self, db_path: Path) -> str:
        return str(db_path)

    def prepare_build(self, db_path: Path) -> None:
        catalog = db_path.name.lstrip(".").split(".")[0]
        if any(char in catalog for char in "'\"`"):
            raise UserError(
                f"{db_path}: dbt-duckdb names the database after the file name, and cannot "
                "build one whose name holds a quote; choose another --db name, e.g. "
                f"{re.sub(r'[^A-Za-z0-9_.-]', '_', db_path.name)}."
            )
        self._check_writable(db_path)
        self._check_is_duckdb(db_path)

    def load(
        self, inputs: dict[str, InputFile | None], db_path: Path, append: bool = False
    ) -> dict[str, int]:
        from .loaders import load_duckdb

        self.prepare_build(db_path)
        with duckdb_errors(db_path):
            return load_duckdb(db_path, inputs, append)

    def holds_raw_data(self, db_path: Path) -> bool:
        if not db_path.exists():
            return False
        self.prepare_build(db_path)
        _, rows = self.query(
            f"select count(*) from information_schema.tables where table_schema = '{RAW_SCHEMA}'",
            db_path,
        )
        return bool(rows[0][0])

    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        import duckdb

        if db_path is None or not db_path.is_file():
            raise UserError(
                f"{db_path}: no such DuckDB file. Run `aiue run --input DIR --db PATH` first."
            )
        self._check_is_duckdb(db_path)
        with duckdb_errors(db_path), duckdb.connect(str(db_path), read_only=True) as connection:
            try:
                cursor = connection.execute(sql)
            except duckdb.CatalogException as error:
                raise self._missing_relation(str(db_path), error, db_path) from error
            columns = [description[0] for description in cursor.description]
            return columns, cursor.fetchall()

    def schemas_holding(self, relation: str, db_path: Path | None = None) -> list[str]:
        import duckdb

        if db_path is None or not db_path.is_file():
            return []
        with duckdb_errors(db_path), duckdb.connect(str(db_path), read_only=True) as connection:
            rows = connection.execute(
                "select distinct table_schema from information_schema.tables "
                "where table_name = ? order by 1",
                [relation],
            ).fetchall()
        return [str(row[0]) for row in rows]

    def release(self) -> None:
        """dbt-duckdb keeps its database open for the life of the process; close it."""
        try:
            from dbt.adapters.duckdb.connections import DuckDBConnectionManager
        except ImportError:
            return
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()

    @staticmethod
    def _check_writable(db_path: Path) -> None:
        folder = db_path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                f"cannot create the folder {folder} for --db: {error.strerror}. "
                "Choose a --db in a folder you can write."
            ) from error
        if not os.access(folder, os.W_OK | os.X_OK) or (
            db_path.exists() and not os.access(db_path, os.W_OK)
        ):
            raise UserError(
                f"{db_path if db_path.exists() else folder} is read-only: aiue writes the "
                "database and its logs there. Choose a --db in a folder you can write."
            )

    @staticmethod
    def _check_is_duckdb(db_path: Path) -> None:
        if not db_path.is_file() or db_path.stat().st_size == 0:
            return
        with db_path.open("rb") as handle:
            header = handle.read(12)
        if header[8:12] != DUCKDB_MAGIC:
            raise UserError(
                f"{db_path} is not a DuckDB database file. Pass --db the .duckdb file "
                "`aiue run` wrote (or a new file name to build one); input files go in --input."
            )


LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


@contextmanager
def duckdb_errors(db_path: Path) -> Iterator[None]:
    """DuckDB's I/O errors as one sentence saying what to do."""
    import duckdb

    try:
        yield
    except (duckdb.IOException, duckdb.ConnectionException, OSError) as error:
        text = str(error)
        if is_disk_full(error):
            raise UserError(disk_full_message(db_path)) from error
        holder = LOCK_HOLDER.search(text)
        if holder or "Could not set lock" in text:
            who = (
                f"process {holder['pid']} ({Path(holder['program']).name})"
                if holder
                else "another process"
            )
            raise UserError(
                f"{db_path} is in use by {who}: DuckDB lets one program write a file or "
                "several read it, so close that program (or wait for its build to finish) "
                "and try again."
            ) from error
        if "not a valid DuckDB database file" in text:
            raise UserError(f"{db_path} is not a DuckDB database file.") from error
        if "Permission denied" in text or isinstance(error, PermissionError):
            raise UserError(
                f"{db_path}: permission denied. Choose a --db you can read and write."
            ) from error
        if "different configuration" in text:
            raise UserError(
                f"{db_path} is open in this process with other settings; close it first."
            ) from error
        raise


# --- Postgres ----------------------------------------------------------------------------------


class Postgres(Engine):
    name = "postgres"
    dialect = "postgres"
    extra = "postgres"

    def require(self) -> None:
        try:
            import psycopg2  # noqa: F401
        except ImportError as error:
            raise UserError(_missing_driver(self.name, "psycopg2", self.extra)) from error
        if importlib.util.find_spec("dbt.adapters.postgres") is None:
            raise UserError(_missing_driver(self.name, "dbt-postgres", self.extra))

    def describe(self, db_path: Path) -> str:
        from .load_postgres import describe_target

        return describe_target()

    def load(
        self, inputs: dict[str, InputFile | None], db_path: Path, append: bool = False
    ) -> dict[str, int]:
        # holds_raw_data is False here: every run replaces the raw tables (docs/performance.md).
        from .load_postgres import load_postgres

        self.require()
        return load_postgres(inputs)

    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        self.require()
        import psycopg2

        from .load_postgres import connect

        connection = connect()
        try:
            connection.set_session(readonly=True)
            with connection.cursor() as cursor:
                try:
                    cursor.execute(sql)
                except (psycopg2.errors.UndefinedTable, psycopg2.errors.InvalidSchemaName) as error:
                    connection.rollback()
                    raise self._missing_relation("Postgres", error, None) from error
                columns = [description[0] for description in cursor.description]
                return columns, cursor.fetchall()
        finally:
            connection.close()


# --- Spark -------------------------------------------------------------------------------------


class Spark(Engine):
    name = "spark"
    dialect = "spark"
    extra = "spark"

    def require(self) -> None:
        if importlib.util.find_spec("pyspark") is None:
            raise UserError(_missing_driver(self.name, "pyspark", self.extra))

    def describe(self, db_path: Path) -> str:
        from .load_spark import describe_target

        return describe_target()

    def load(
        self, inputs: dict[str, InputFile | None], db_path: Path, append: bool = False
    ) -> dict[str, int]:
        # holds_raw_data is False here: every run replaces the raw tables (docs/performance.md).
        from .load_spark import load_spark

        self.require()
        return load_spark(inputs)

    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        """Runs in the profile's `spark` session (started here with its conf if need be)."""
        self.require()
        from .load_spark import spark_session

        spark = spark_session()
        try:
            frame = spark.sql(sql)
        except Exception as error:  # pyspark's AnalysisException: a missing table or column
            if type(error).__name__ != "AnalysisException":
                raise
            raise self._missing_relation("Spark", error, None) from error
        return list(frame.columns), [tuple(row) for row in frame.collect()]

    def schemas_holding(self, relation: str, db_path: Path | None = None) -> list[str]:
        return []  # Spark has no information_schema; the message asks for a build instead


def _missing_driver(target: str, package: str, extra: str | None) -> str:
    return (
        f"--target {target} needs {package}, which is not installed: "
        f"pip install 'ai-unit-economics[{extra}]'."
    )


ENGINES: dict[str, Engine] = {engine.name: engine for engine in (DuckDB(), Postgres(), Spark())}
TARGETS: tuple[str, ...] = tuple(ENGINES)


def engine(target: str) -> Engine:
    try:
        return ENGINES[target]
    except KeyError:
        raise UserError(
            f"unknown target '{target}'; choose one of: {', '.join(TARGETS)}."
        ) from None
