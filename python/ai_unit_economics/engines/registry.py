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

from ..errors import UserError
from ..ingest.inputs import InputFile
from ..project import BUILD_SCHEMA_VARS, INCREMENTAL_MODELS, MART_SCHEMA_SUFFIX, RAW_SCHEMA
from ..ui.console import UI
from .build_record import BuildRecord, read_record, record_tables, sql_text
from .dbt_profile import profile_output, work_dir_for
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
        raw_schema: str | None = None,
        append: bool = False,
    ) -> dict[str, int]:
        """Create the raw tables from the input files in raw_schema (default: the published
        raw schema, raw_schema()) (append: add to the ones there); returns the row counts
        loaded."""

    def holds_raw_data(self, db_path: Path) -> bool:
        """Whether an earlier run left raw tables that a new folder appends to."""
        _, rows = self.query(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{self.raw_schema()}'",
            db_path,
        )
        return bool(rows[0][0])

    # --- the build's record: files loaded (by content), seeds used (build_record.py) ----------

    def recorded(self, staged: Staged) -> BuildRecord:
        """The record of the build a run appends to, read from its staging."""
        return read_record(lambda sql: self.query(sql, staged.db_path), staged.raw_schema)

    @abstractmethod
    def write_record(self, staged: Staged, record: BuildRecord) -> None:
        """Store the record in the staged raw schema (replacing what is there)."""

    def rows_per_file(self, staged: Staged, files: list[Any]) -> dict[str, int]:
        """Raw rows each just-loaded file gave, by its _aiue_source_file (absent: none)."""
        counts: dict[str, int] = {}
        for table in sorted({item.raw_table for item in files}):
            named = ", ".join(
                sql_text(item.source_file) for item in files if item.raw_table == table
            )
            _, rows = self.query(
                f"select _aiue_source_file, count(*) from {staged.raw_schema}.{table} "
                f"where _aiue_source_file in ({named}) group by _aiue_source_file",
                staged.db_path,
            )
            counts.update({str(name): int(count) for name, count in rows})
        return counts

    # --- one run at a time, atomic publish (publish.py, docs/publish.md) ---------------------

    def run_lock(self, db_path: Path) -> Any:
        """The lock a run holds for load + build + publish (acquire(wait) / release())."""
        return FileRunLock(self.lock_path(db_path), self.describe(db_path))

    def lock_path(self, db_path: Path) -> Path:
        return work_dir_for(db_path) / "run.lock"

    @abstractmethod
    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        """Make room for a build beside the published one (clearing a killed run's leftovers)."""

    @abstractmethod
    def publish(self, staged: Staged) -> list[str] | None:
        """Make the staged build the published one, all relations at once; returns notes for
        the user (readers still holding the previous build)."""

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
        return str(profile_output(self.name)["schema"])

    def raw_schema(self) -> str:
        """The schema `aiue run` loads the input files into: <target schema>_aiue_raw, so that
        runs into two target schemas of one warehouse never share (or replace) each other's
        raw tables. DuckDB keeps aiue_raw: each database file is a build of its own."""
        return f"{self.target_schema()}_{RAW_SCHEMA}"

    def work_dir(self, db_path: Path) -> Path:
        """Where a run keeps dbt's target/ and logs/ and the build's seed folder (seeds/):
        .aiue/ beside --db, absolute (work_dir_for); for a server's schema, a folder of its
        own in there, so that runs into two schemas never share one."""
        return work_dir_for(db_path) / self.name / self.target_schema()

    def mart_schema(self) -> str:
        """The schema dbt builds the marts into: <target schema>_<aiue_schema>."""
        return f"{self.target_schema()}_{MART_SCHEMA_SUFFIX}"

    def build_schemas(self, suffix: str = "") -> dict[str, str]:
        """Every schema a build writes besides the raw one (marts, staging with the seeds,
        intermediate), by the dbt var that names it: <target schema>_<var value><suffix>.
        Publishing swaps all of them together."""
        return {
            var: f"{self.target_schema()}_{value}{suffix}"
            for var, value in BUILD_SCHEMA_VARS.items()
        }

    @staticmethod
    def build_schema_vars(suffix: str) -> dict[str, str]:
        """The dbt vars that aim every build schema at its staged name (value + suffix)."""
        return {var: value + suffix for var, value in BUILD_SCHEMA_VARS.items()}

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

    def raw_schema(self) -> str:
        return RAW_SCHEMA

    def work_dir(self, db_path: Path) -> Path:
        return work_dir_for(db_path)

    def prepare_build(self, db_path: Path) -> None:
        _check_not_a_folder(db_path)
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
        raw_schema: str | None = None,
        append: bool = False,
    ) -> dict[str, int]:
        from ..ingest.loaders import load_duckdb

        self.prepare_build(db_path)
        with duckdb_errors(db_path):
            return load_duckdb(db_path, inputs, append)

    def holds_raw_data(self, db_path: Path) -> bool:
        if not db_path.exists():
            return False
        self.prepare_build(db_path)
        return super().holds_raw_data(db_path)

    def run_lock(self, db_path: Path) -> Any:
        self.prepare_build(db_path)  # a read-only folder says so before the lock file
        return super().run_lock(db_path)

    def write_record(self, staged: Staged, record: BuildRecord) -> None:
        import duckdb

        with (
            duckdb_errors(staged.published_path),
            duckdb.connect(str(staged.db_path)) as connection,
        ):
            for table, (columns, rows) in record_tables(record).items():
                relation = f"{staged.raw_schema}.{table}"
                typed = ", ".join(f"{name} {kind}" for name, kind in columns)
                connection.execute(f"create or replace table {relation} ({typed})")
                if rows:
                    marks = ", ".join("?" for _ in columns)
                    connection.executemany(f"insert into {relation} values ({marks})", rows)

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

    def publish(self, staged: Staged) -> list[str] | None:
        import duckdb

        published = staged.published_path
        readers = open_by_others(published)
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
        if not readers:
            return None
        named = ", ".join(f"pid {pid} ({name})" for pid, name in readers[:5])
        more = f" and {len(readers) - 5} more" if len(readers) > 5 else ""
        return [
            f"{len(readers)} program{'s' if len(readers) != 1 else ''} still "
            f"{'have' if len(readers) != 1 else 'has'} the previous {published.name} open "
            f"({named}{more}): {'they keep' if len(readers) != 1 else 'it keeps'} reading the "
            "previous build until reconnecting. A BI tool's pooled connection does too: "
            "refresh or reconnect it to see this build."
        ]

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

        if db_path is not None:
            _check_not_a_folder(db_path)
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


def _check_not_a_folder(db_path: Path) -> None:
    """--db names the database file, never the folder it goes in: said before any work."""
    if db_path.is_dir():
        raise UserError(
            f"--db {db_path} is a folder: --db takes the DuckDB file to build or read, e.g. "
            f"--db {db_path / 'aiue.duckdb'} (a new name builds a new file there)."
        )


def open_by_others(path: Path) -> list[tuple[int, str]]:
    """Other processes with this file open (pid, program name), from /proc on Linux: after
    the swap they keep reading the file they opened, the previous build. Empty where /proc
    cannot say (other systems, other users' processes)."""
    try:
        target = path.stat()
    except OSError:
        return []
    found = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        pid = int(fd_dir.parent.name)
        if pid == os.getpid():
            continue
        try:
            for fd in fd_dir.iterdir():
                try:
                    seen = fd.stat()
                except OSError:
                    continue
                if (seen.st_dev, seen.st_ino) == (target.st_dev, target.st_ino):
                    name = (fd_dir.parent / "comm").read_text().strip()
                    found.append((pid, name))
                    break
        except OSError:  # gone, or not ours to read
            continue
    return sorted(found)


def _beside(db_path: Path, kind: str) -> Path:
    """.aiue/<kind>/<db file name>: same folder tree, so os.replace() is one rename."""
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
        from .postgres import describe_target

        return describe_target()

    def load(
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str | None = None,
        append: bool = False,
    ) -> dict[str, int]:
        from .postgres import load_postgres

        self.require()
        return load_postgres(inputs, raw_schema or self.raw_schema(), append)

    # A run builds into <schema>_aiue__staging (and the staging and intermediate schemas beside
    # it) and <schema>_aiue_raw__staging, then renames all of them onto the published schemas in
    # one transaction: readers see the old build or the new, never a mix. Every schema it
    # creates, renames or drops carries the target schema's name, and the lock is per target
    # schema: a run into another schema touches none of them.
    def run_lock(self, db_path: Path) -> Any:
        self.require()
        return PostgresRunLock(self.mart_schema())

    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        self.require()
        from .postgres import connect

        published = (self.mart_schema(), self.raw_schema())
        marts, raw = (schema + STAGING_SUFFIX for schema in published)
        connection = connect()
        try:
            with connection, connection.cursor() as cursor:
                # a killed or failed run's, never a live one (the run lock)
                published_all = (*self.build_schemas().values(), self.raw_schema())
                leftovers = [schema + suffix for schema in published_all for suffix in SUFFIXES]
                _drop_schemas(cursor, leftovers, refuse=True)
                if not full_refresh:
                    self._copy_published(cursor, raw)
        finally:
            connection.close()
        return Staged(
            db_path=db_path,
            published_path=db_path,
            raw_schema=raw,
            variables={**self.build_schema_vars(STAGING_SUFFIX), "aiue_source_schema": raw},
            mart_schema=marts,
        )

    def _copy_published(self, cursor: Any, staged_raw: str) -> None:
        """An append starts from the published build: its raw tables (with the build's record)
        and its incremental models, copied into the staged schemas (Postgres cannot share a
        table between two schemas, and the published ones stay readable until the swap)."""
        from .postgres import copy_tables, tables_in

        copy_tables(cursor, self.raw_schema(), staged_raw, tables_in(cursor, self.raw_schema()))
        published, staged = self.build_schemas(), self.build_schemas(STAGING_SUFFIX)
        for model, var in INCREMENTAL_MODELS.items():
            if model in tables_in(cursor, published[var]):
                copy_tables(cursor, published[var], staged[var], [model])

    def publish(self, staged: Staged) -> list[str] | None:
        from .postgres import connect

        assert staged.mart_schema is not None
        staging = self.build_schemas(STAGING_SUFFIX)
        swaps = (
            *((staging[var], published) for var, published in self.build_schemas().items()),
            (staged.raw_schema, self.raw_schema()),
        )
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
                previous = [published + PREVIOUS_SUFFIX for _, published in swaps]
                _drop_schemas(cursor, previous, refuse=False)
        finally:
            connection.close()

    def discard(self, staged: Staged) -> Staged | None:
        return dataclasses.replace(staged, kept_in=f"schema {staged.mart_schema}")

    def write_record(self, staged: Staged, record: BuildRecord) -> None:
        from .postgres import connect

        connection = connect()
        try:
            with connection, connection.cursor() as cursor:
                for table, (columns, rows) in record_tables(record).items():
                    relation = f"{staged.raw_schema}.{table}"
                    typed = ", ".join(f"{name} {kind}" for name, kind in columns)
                    cursor.execute(f"drop table if exists {relation}")
                    cursor.execute(f"create table {relation} ({typed})")
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(f"insert into {relation} values ({marks})", rows)
        finally:
            connection.close()

    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        self.require()
        import psycopg2

        from .postgres import connect

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
        from .spark import describe_target

        return describe_target(self.raw_schema())

    def load(
        self,
        inputs: dict[str, InputFile | None],
        db_path: Path,
        raw_schema: str | None = None,
        append: bool = False,
    ) -> dict[str, int]:
        from .spark import load_spark

        self.require()
        return load_spark(
            inputs, raw_schema or self.raw_schema(), self.raw_schema() if append else None
        )

    def holds_raw_data(self, db_path: Path) -> bool:
        from .spark import raw_tables

        self.require()
        return bool(raw_tables(self.raw_schema()))

    # Spark cannot rename a database nor move a table to another one, and has no transaction
    # over several tables. A run builds into new databases (<schema>_aiue__g<time>,
    # <schema>_aiue_raw__g<time>);
    # the published databases hold one view per relation, and publishing re-points them (one
    # metastore update each, after every model and test passed), then drops older builds.
    def lock_path(self, db_path: Path) -> Path:
        from .spark import session_conf

        warehouse = Path(session_conf()["spark.sql.warehouse.dir"].removeprefix("file:"))
        return warehouse.parent / f"{warehouse.name}.aiue-run.lock"

    def stage(self, db_path: Path, full_refresh: bool) -> Staged:
        self.require()
        generation = "__g" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        if not full_refresh:
            # An append or a rebuild starts from the published raw tables and the build's
            # record; load() then rewrites the tables that get new rows.
            from .spark import copy_tables, raw_tables

            copy_tables(
                self.raw_schema(), self.raw_schema() + generation, raw_tables(self.raw_schema())
            )
        return Staged(
            db_path=db_path,
            published_path=db_path,
            raw_schema=self.raw_schema() + generation,
            variables={
                **self.build_schema_vars(generation),
                "aiue_source_schema": self.raw_schema() + generation,
            },
            mart_schema=self.mart_schema() + generation,
        )

    def publish(self, staged: Staged) -> list[str] | None:
        from .spark import spark_session

        assert staged.mart_schema is not None
        spark = spark_session()
        fault_point("publish")
        generation = staged.mart_schema.removeprefix(self.mart_schema())
        generated = self.build_schemas(generation)
        pairs = (
            (staged.raw_schema, self.raw_schema()),
            *((generated[var], published) for var, published in self.build_schemas().items()),
        )
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

    def write_record(self, staged: Staged, record: BuildRecord) -> None:
        from .spark import spark_session

        spark = spark_session()
        for table, (columns, rows) in record_tables(record).items():
            schema = ", ".join(
                f"{name} {'bigint' if kind == 'bigint' else 'string'}" for name, kind in columns
            )
            frame = spark.createDataFrame(rows, schema=schema)
            frame.write.mode("overwrite").format("parquet").saveAsTable(
                f"{staged.raw_schema}.{table}"
            )

    def query(self, sql: str, db_path: Path | None = None) -> Rows:
        """Runs in the profile's `spark` session (started here with its conf if need be)."""
        self.require()
        from .spark import spark_session

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
SUFFIXES = (STAGING_SUFFIX, PREVIOUS_SUFFIX)

# Views in other schemas built on a relation of the given schemas. Postgres binds a view to
# the table it was created on, not to its name, so a user's view on a published mart follows
# it into <schema>__previous at the swap; `drop schema ... cascade` would drop that view too.
OUTSIDE_DEPENDENTS_SQL = """
select distinct dependent_schema.nspname || '.' || dependent.relname
from pg_depend as dependency
inner join pg_rewrite as rewrite on rewrite.oid = dependency.objid
inner join pg_class as dependent on dependent.oid = rewrite.ev_class
inner join pg_namespace as dependent_schema on dependent_schema.oid = dependent.relnamespace
inner join pg_class as referenced on referenced.oid = dependency.refobjid
inner join pg_namespace as referenced_schema on referenced_schema.oid = referenced.relnamespace
where dependency.classid = 'pg_rewrite'::regclass
    and dependency.refclassid = 'pg_class'::regclass
    and referenced_schema.nspname = any(%(schemas)s)
    and not dependent_schema.nspname = any(%(schemas)s)
order by 1
"""


def _drop_schemas(cursor: Any, schemas: list[str], refuse: bool) -> None:
    """Drop these schemas of aiue's (and what is in them), never an object of another
    schema. When a view elsewhere is built on one of them: refuse (a UserError naming the
    views) or, after a publish, keep them and say so."""
    cursor.execute("select nspname from pg_namespace where nspname = any(%s) order by 1", [schemas])
    present = [row[0] for row in cursor.fetchall()]
    if not present:
        return
    cursor.execute(OUTSIDE_DEPENDENTS_SQL, {"schemas": present})
    outside = [row[0] for row in cursor.fetchall()]
    if outside:
        views = ", ".join(outside[:5]) + (
            f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        )
        why = (
            f"{views} {'is a view' if len(outside) == 1 else 'are views'} built on "
            f"{', '.join(present)} (an earlier build: Postgres binds a view to the table it "
            "was created on, not to its name)"
        )
        fix = (
            f"recreate {'it' if len(outside) == 1 else 'them'} on the published schema, then "
            f"`drop schema {present[0]} cascade`"
        )
        if refuse:
            raise UserError(f"{why}; aiue drops nothing of yours: {fix}, and run again.")
        UI.note(f"Kept {', '.join(present)}: {why}. To show the new build, {fix}.")
        return
    for schema in present:
        cursor.execute(f"drop schema {schema} cascade")


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
        from .postgres import connect, describe_target

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
