"""A throwaway PostgreSQL server for cross-engine dbt tests.

``PostgresServer`` runs ``initdb`` into a temporary directory, starts the server on a free
port on 127.0.0.1 (trust auth, durability off), creates the ``aiue`` database and removes
everything again on ``stop()``. As root, the server binaries run as the ``postgres`` OS user.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any


class EngineUnavailable(RuntimeError):
    """An engine could not be started; the message says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parts[-3]  # /usr/lib/postgresql/<version>/bin/<name>
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    return max(candidates, key=version) if candidates else None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty server log)"


class PostgresServer:
    """Context manager owning one temporary PostgreSQL cluster."""

    def __init__(self, dbname: str = "aiue", user: str = "postgres", os_user: str = "postgres"):
        self.host = "127.0.0.1"
        self.port = 0
        self.user = user
        self.password = ""
        self.dbname = dbname
        self._os_user = os_user
        self._root: Path | None = None
        self._started = False

    # -- paths -------------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        if self._root is None:
            raise EngineUnavailable("PostgresServer has not been started")
        return self._root

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    # -- process helpers -----------------------------------------------------------------------
    def _as_server_user(self, cmd: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return cmd
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", self._os_user, "--", *cmd]
        su = shutil.which("su") or "su"
        return [su, self._os_user, "-s", "/bin/sh", "-c", shlex.join(cmd)]

    def _run(self, cmd: list[str], timeout: float = 120) -> None:
        try:
            proc = subprocess.run(
                self._as_server_user(cmd),
                cwd=self.root,
                capture_output=True,
                text=True,
                timeout=timeout,
                env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineUnavailable(f"{shlex.join(cmd)} failed: {exc}") from exc
        if proc.returncode != 0:
            raise EngineUnavailable(
                f"{shlex.join(cmd)} exited {proc.returncode}\n"
                f"stdout: {proc.stdout.strip()}\nstderr: {proc.stderr.strip()}\n"
                f"server log tail:\n{_tail(self.log_file)}"
            )

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> PostgresServer:
        if self._started:
            return self
        initdb, pg_ctl = _find_binary("initdb"), _find_binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise EngineUnavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
        self._pg_ctl = pg_ctl
        # As root the server user must be able to reach the directory, so stay out of $TMPDIR.
        base = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None
        self._root = Path(tempfile.mkdtemp(prefix="aiue-pg-", dir=base))
        self._started = True
        atexit.register(self.stop)
        try:
            self._init_cluster(initdb)
            self._start_server()
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    def _init_cluster(self, initdb: str) -> None:
        (self.root / "sock").mkdir()
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam(self._os_user)
            except KeyError as exc:
                raise EngineUnavailable(
                    f"running as root but OS user {self._os_user!r} does not exist"
                ) from exc
            for path in (self.root, self.root / "sock"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            [
                initdb,
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                self.user,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )

    def _start_server(self, attempts: int = 3) -> None:
        for attempt in range(1, attempts + 1):
            self.port = free_port(self.host)
            options = (
                f"-h {self.host} -p {self.port} -k {self.root / 'sock'} "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            )
            try:
                self._run(
                    [
                        self._pg_ctl,
                        "start",
                        "-w",
                        "-t",
                        "60",
                        "-D",
                        str(self.data_dir),
                        "-l",
                        str(self.log_file),
                        "-o",
                        options,
                    ]
                )
                return
            except EngineUnavailable:
                if attempt == attempts:  # the port may have been taken in between; retry
                    raise

    def _create_database(self) -> None:
        try:
            import psycopg2
        except ImportError as exc:
            raise EngineUnavailable("psycopg2 is not installed") from exc
        try:
            conn = psycopg2.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                dbname="postgres",
                connect_timeout=10,
            )
            try:
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(f'CREATE DATABASE "{self.dbname}"')
            finally:
                conn.close()
        except psycopg2.Error as exc:
            raise EngineUnavailable(
                f"could not create database {self.dbname}: {exc}\n"
                f"server log tail:\n{_tail(self.log_file)}"
            ) from exc

    def stop(self) -> None:
        """Stop the server and delete its directory. Idempotent; never raises."""
        if not self._started:
            return
        self._started = False
        atexit.unregister(self.stop)
        root = self._root
        if root is None:
            return
        if (root / "data" / "postmaster.pid").exists():
            try:
                self._run(
                    [self._pg_ctl, "stop", "-w", "-t", "30", "-m", "fast", "-D", str(root / "data")]
                )
            except EngineUnavailable:
                self._kill_postmaster(root / "data" / "postmaster.pid")
        shutil.rmtree(root, ignore_errors=True)
        self._root = None

    @staticmethod
    def _kill_postmaster(pid_file: Path) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- client side ---------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """Environment variables read by the ``postgres`` output in profiles.yml."""
        return {
            "AIUE_PG_HOST": self.host,
            "AIUE_PG_PORT": str(self.port),
            "AIUE_PG_USER": self.user,
            "AIUE_PG_PASSWORD": self.password,
            "AIUE_PG_DBNAME": self.dbname,
        }

    def connect(self, **kwargs: Any) -> Any:
        """A psycopg2 connection to the test database."""
        import psycopg2

        params: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "dbname": self.dbname,
        }
        return psycopg2.connect(**{**params, **kwargs})
