"""The warehouses `aiue` runs on, one class each: how to load files into it, read results
from it (read-only), where the marts are, and which SQL dialect it speaks.

The CLI takes its `--target` choices from ENGINES; nothing else branches on the engine name.
"""

from __future__ import annotations

import dataclasses
import errno
import importlib.util
import os
import re
import shutil
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from .errors import UserError
from .inputs import InputFile
from .project import MART_SCHEMA_SUFFIX, RAW_SCHEMA
from .publish import POLL_SECONDS, FileRunLock, Holder, Staged, busy_error, fault_point, this_run

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
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str = RAW_SCHEMA,
        append: bool = False,
    ) -> dict[str, int]:
        """Create the raw tables from the input files (append: add to the ones there);
        returns the row counts loaded."""

    def holds_raw_data(self, db_path: Path) -> bool:
        """Whether an earlier run left raw tables that a new folder appends to."""
        return False

    # --- one run at a time, atomic publish (publish.py, docs/publish.md) ---------------------

    def run_lock(self, db_path: Path) -> Any:
        """The lock a run holds for load + build + publish (acquire(wait) / release())."""
        return FileRunLock(self.lock_path(db_path), self.describe(db_path))

    def lock_path(self, db_path: Path) -> Path:
        from .runner import work_dir_for

        return work_dir_for(db_path) / "run.lock"

    @abstractmethod
    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        """Make room for a build beside the published one (clearing a killed run's leftovers)."""

    @abstractmethod
    def publish(self, staged: Staged) -> None:
        """Make the staged build the published one, all relations at once."""

    @abstractmethod
    def discard(self, staged: Staged) -> Staged | None:
        """After a failed build: set the staged build aside (the next run clears it); returns
        where it can be read, or None when there is nothing to read."""

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
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str = RAW_SCHEMA,
        append: bool = False,
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

    def run_lock(self, db_path: Path) -> Any:
        self.prepare_build(db_path)  # a read-only folder says so before the lock file
        return super().run_lock(db_path)

    # A run builds .aiue/staging/<name> (same file name: dbt-duckdb names the catalog after it,
    # and views refer to it) and os.replace()s it onto --db: readers that have the old file
    # open keep reading it, new readers get the new one, nobody gets a mix.
    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        self.prepare_build(db_path)
        staging = _beside(db_path, "staging")
        with duckdb_errors(db_path):
            staging.parent.mkdir(parents=True, exist_ok=True)
            for leftover in _with_wal(staging):  # a killed run's, never a live one (run lock)
                leftover.unlink(missing_ok=True)
            self._check_not_written(db_path)
            if not full_refresh and db_path.is_file() and db_path.stat().st_size > 0:
                for source, copy in zip(_with_wal(db_path), _with_wal(staging), strict=True):
                    if source.exists():
                        shutil.copyfile(source, copy)
        return Staged(db_path=staging, published_path=db_path, raw_schema=RAW_SCHEMA)

    def publish(self, staged: Staged) -> None:
        import duckdb

        published = staged.published_path
        with duckdb_errors(published):
            with duckdb.connect(str(staged.db_path)) as connection:
                connection.execute("checkpoint")
            _fsync(staged.db_path)
            fault_point("publish")
            self._check_not_written(published)
            _with_wal(published)[1].unlink(missing_ok=True)  # never replay a stale log on it
            os.replace(staged.db_path, published)
            _fsync(published.parent)
        for stale in _with_wal(_beside(published, "failed")):  # an earlier failed build
            stale.unlink(missing_ok=True)

    def discard(self, staged: Staged) -> Staged | None:
        failed = _beside(staged.published_path, "failed")
        if not staged.db_path.exists():
            return None
        failed.parent.mkdir(parents=True, exist_ok=True)
        for source, target in zip(_with_wal(staged.db_path), _with_wal(failed), strict=True):
            target.unlink(missing_ok=True)
            if source.exists():
                os.replace(source, target)
        return dataclasses.replace(staged, db_path=failed, kept_in=str(failed))

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

    def _check_not_written(self, db_path: Path) -> None:
        """Another program writing the published file (DuckDB's own lock) would lose its
        writes to the swap: refuse, naming it."""
        import duckdb

        if not db_path.is_file() or db_path.stat().st_size == 0:
            return
        self._check_is_duckdb(db_path)
        with duckdb_errors(db_path), duckdb.connect(str(db_path), read_only=True):
            pass

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


def _beside(db_path: Path, kind: str) -> Path:
    """.aiue/<kind>/<db file name>: same folder tree, so os.replace() is one rename."""
    from .runner import work_dir_for

    return work_dir_for(db_path) / kind / db_path.name


def _with_wal(path: Path) -> tuple[Path, Path]:
    return path, path.with_name(path.name + ".wal")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str = RAW_SCHEMA,
        append: bool = False,
    ) -> dict[str, int]:
        # holds_raw_data is False here: every run replaces the raw tables (docs/performance.md).
        from .load_postgres import load_postgres

        self.require()
        return load_postgres(inputs, raw_schema)

    # A run builds into <schema>__staging and aiue_raw__staging, then renames both onto the
    # published schemas in one transaction: readers see the old build or the new, never a mix.
    def run_lock(self, db_path: Path) -> Any:
        self.require()
        return PostgresRunLock(self.mart_schema())

    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        self.require()
        from .load_postgres import connect

        marts, raw = self.mart_schema() + STAGING_SUFFIX, RAW_SCHEMA + STAGING_SUFFIX
        connection = connect()
        try:
            with connection, connection.cursor() as cursor:
                # a killed or failed run's, never a live one (the run lock)
                for published in (self.mart_schema(), RAW_SCHEMA):
                    for suffix in (STAGING_SUFFIX, PREVIOUS_SUFFIX):
                        cursor.execute(f"drop schema if exists {published}{suffix} cascade")
        finally:
            connection.close()
        return Staged(
            db_path=db_path,
            published_path=db_path,
            raw_schema=raw,
            variables={
                "aiue_schema": MART_SCHEMA_SUFFIX + STAGING_SUFFIX,
                "aiue_source_schema": raw,
            },
            mart_schema=marts,
        )

    def publish(self, staged: Staged) -> None:
        from .load_postgres import connect

        assert staged.mart_schema is not None
        swaps = ((staged.mart_schema, self.mart_schema()), (staged.raw_schema, RAW_SCHEMA))
        connection = connect()
        try:
            # Renames only, so that readers inside a query on the old tables never wait on it.
            with connection, connection.cursor() as cursor:
                for staging, published in swaps:
                    cursor.execute("select 1 from pg_namespace where nspname = %s", [published])
                    if cursor.fetchone():
                        cursor.execute(
                            f"alter schema {published} rename to {published}{PREVIOUS_SUFFIX}"
                        )
                    cursor.execute(f"alter schema {staging} rename to {published}")
                fault_point("publish")  # killed here, the transaction rolls back
            with connection, connection.cursor() as cursor:
                for _, published in swaps:
                    cursor.execute(f"drop schema if exists {published}{PREVIOUS_SUFFIX} cascade")
        finally:
            connection.close()

    def discard(self, staged: Staged) -> Staged | None:
        return dataclasses.replace(staged, kept_in=f"schema {staged.mart_schema}")

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
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str = RAW_SCHEMA,
        append: bool = False,
    ) -> dict[str, int]:
        # holds_raw_data is False here: every run replaces the raw tables (docs/performance.md).
        from .load_spark import load_spark

        self.require()
        return load_spark(inputs, raw_schema)

    # Spark cannot rename a database nor move a table to another one, and has no transaction
    # over several tables. A run builds into new databases (<schema>__g<time>, aiue_raw__g<time>);
    # the published databases hold one view per relation, and publishing re-points them (one
    # metastore update each, after every model and test passed), then drops older builds.
    def lock_path(self, db_path: Path) -> Path:
        from .load_spark import session_conf

        warehouse = Path(session_conf()["spark.sql.warehouse.dir"].removeprefix("file:"))
        return warehouse.parent / f"{warehouse.name}.aiue-run.lock"

    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        self.require()
        generation = "__g" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        return Staged(
            db_path=db_path,
            published_path=db_path,
            raw_schema=RAW_SCHEMA + generation,
            variables={
                "aiue_schema": MART_SCHEMA_SUFFIX + generation,
                "aiue_source_schema": RAW_SCHEMA + generation,
            },
            mart_schema=self.mart_schema() + generation,
        )

    def publish(self, staged: Staged) -> None:
        from .load_spark import spark_session

        assert staged.mart_schema is not None
        spark = spark_session()
        fault_point("publish")
        pairs = ((staged.raw_schema, RAW_SCHEMA), (staged.mart_schema, self.mart_schema()))
        for built, published in pairs:
            spark.sql(f"create database if not exists {published}")
            new = sorted(table.name for table in spark.catalog.listTables(built))
            old = {table.name: table.tableType for table in spark.catalog.listTables(published)}
            for name in new:
                if old.get(name, "VIEW") != "VIEW":
                    spark.sql(f"drop table {published}.{name}")
                spark.sql(
                    f"create or replace view {published}.{name} as select * from {built}.{name}"
                )
            for name in sorted(old.keys() - set(new)):
                kind = "view" if old[name] == "VIEW" else "table"
                spark.sql(f"drop {kind} if exists {published}.{name}")
        for database in spark.catalog.listDatabases():  # older builds, failed and killed ones
            for built, published in pairs:
                if database.name.startswith(published + "__g") and database.name != built:
                    spark.sql(f"drop database if exists {database.name} cascade")

    def discard(self, staged: Staged) -> Staged | None:
        return dataclasses.replace(staged, kept_in=f"database {staged.mart_schema}")

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


STAGING_SUFFIX = "__staging"
PREVIOUS_SUFFIX = "__previous"
# pg_advisory_lock(key, crc32 of the mart schema): "AIUE" as the first key.
ADVISORY_KEY = 0x41495545


class PostgresRunLock:
    """A session-level advisory lock held on its own connection: the server drops it when the
    holder's connection goes (exit, kill, lost network), so a dead run never blocks."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.key = zlib.crc32(schema.encode()) & 0x7FFFFFFF
        self._connection: Any = None

    def acquire(self, wait: float) -> None:
        from .load_postgres import connect, describe_target

        connection = connect()
        connection.autocommit = True
        me = this_run()
        with connection.cursor() as cursor:
            cursor.execute(
                "select set_config('application_name', %s, false)",
                [f"aiue run pid {me.pid} on {me.host}"[:63]],
            )
            deadline = time.monotonic() + max(wait, 0.0)
            while True:
                cursor.execute("select pg_try_advisory_lock(%s, %s)", [ADVISORY_KEY, self.key])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    holder = self._holder(cursor)
                    connection.close()
                    what = f"{describe_target()} schema {self.schema}"
                    raise busy_error(what, holder, wait)
                time.sleep(POLL_SECONDS)
        self._connection = connection

    def _holder(self, cursor: Any) -> Holder | None:
        cursor.execute(
            """
            select activity.application_name, activity.backend_start
            from pg_locks as locks
            inner join pg_stat_activity as activity on activity.pid = locks.pid
            where locks.locktype = 'advisory' and locks.granted
                and locks.classid = %s and locks.objid = %s and locks.objsubid = 2
            """,
            [ADVISORY_KEY, self.key],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        name, started = row
        pid = re.search(r"pid (\d+)", name or "")
        host = re.search(r" on (\S+)", name or "")
        return Holder(
            pid=int(pid[1]) if pid else None,
            started=started.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            command="aiue run",
            host=host[1] if host else "",
        )

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()  # closing the session releases the lock
            self._connection = None


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
