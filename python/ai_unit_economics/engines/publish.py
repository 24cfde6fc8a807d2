"""One run at a time, and marts that change all together or not at all (docs/publish.md).

A run holds its engine's run lock (`Engine.run_lock`) for load + build + publish. It loads
and builds into staging (`Engine.stage`: a file, schemas or databases beside the published
ones) and only when every model and data test passed does `Engine.publish` swap staging onto
the published build. A failed, killed or out-of-space run leaves the previous complete build
where readers (`aiue metrics`, `reconcile`, `report`) find it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import UserError

# `aiue run --wait` default: like `terraform -lock-timeout`, fail at once naming the holder.
DEFAULT_WAIT_SECONDS = 0.0
POLL_SECONDS = 0.5

# Fault injection for the tests (tests/test_publish.py): at the named point a run prints
# "aiue: paused at <point>" on stderr and sleeps, so that a test can SIGKILL it exactly there.
FAULT_PAUSE_ENV = "AIUE_FAULT_PAUSE"


@dataclass(frozen=True)
class Staged:
    """Where one run loads and builds before it publishes."""

    db_path: Path  # the file load and dbt write (DuckDB: the staging file beside the published)
    published_path: Path
    raw_schema: str
    variables: dict[str, Any] = field(default_factory=dict)  # dbt vars aimed at staging
    mart_schema: str | None = None  # schema of the staged marts when not the published one
    kept_in: str = ""  # after a failed build: where it was set aside, for messages


@dataclass(frozen=True)
class Holder:
    """Who holds a run lock, as the holder wrote it down."""

    pid: int | None
    started: str
    command: str
    host: str = ""

    def sentence(self) -> str:
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        pid = f"pid {self.pid}" if self.pid else "a process"
        return f"{pid}{where}, started {self.started}: {self.command}"


def this_run() -> Holder:
    return Holder(
        pid=os.getpid(),
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        command=" ".join(["aiue", *sys.argv[1:]]) if sys.argv else "aiue",
        host=socket.gethostname(),
    )


def busy_error(what: str, holder: Holder | None, waited: float) -> UserError:
    who = holder.sentence() if holder else "another aiue run"
    after = f" (waited {waited:g} s)" if waited > 0 else ""
    return UserError(
        f"{what} is being built by another run ({who}){after}; wait for it to finish, or "
        "pass --wait SECONDS to queue behind it."
    )


class FileRunLock:
    """An exclusive fcntl.flock on a lock file. The OS drops it when the holder exits or is
    killed, so a dead holder never blocks a later run; the file's text names the holder."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        self._handle: Any = None

    def acquire(self, wait: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder_when_written()
                    handle.close()
                    raise busy_error(self.what, holder, wait) from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(this_run().__dict__) + "\n")
        handle.flush()
        self._handle = handle

    def holder(self) -> Holder | None:
        try:
            return Holder(**json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None  # the holder has not written itself down yet

    def _holder_when_written(self, seconds: float = 2.0) -> Holder | None:
        """The holder, read again for a moment when it has just taken the lock and not yet
        written itself down (between its flock and its write)."""
        deadline = time.monotonic() + seconds
        while (holder := self.holder()) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return holder

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


@contextlib.contextmanager
def holding(lock: Any, wait: float) -> Iterator[None]:
    """Hold `lock` (FileRunLock or an engine's own) for the body."""
    lock.acquire(wait)
    try:
        yield
    finally:
        lock.release()


_paused = threading.Lock()


def fault_point(name: str) -> None:
    """A place a test can stop a run at (FAULT_PAUSE_ENV); a no-op otherwise.

    dbt's threads can reach a point at the same moment: the first says so in one write (two
    `print`s interleaved once into a line the test never matched, and CI waited forever); the
    others stop without a word."""
    if os.environ.get(FAULT_PAUSE_ENV) != name:
        return
    if _paused.acquire(blocking=False):
        sys.stderr.write(f"aiue: paused at {name}\n")
        sys.stderr.flush()
    while True:
        time.sleep(60)


class FaultCallback:
    """A dbtRunner callback that reaches the fault points 'model' (the first model built) and
    'test' (the first data test started)."""

    def __call__(self, event: Any) -> None:
        if os.environ.get(FAULT_PAUSE_ENV) not in {"model", "test"}:
            return
        name = event.info.name
        if name not in {"NodeStart", "NodeFinished"}:
            return
        kind = event.data.node_info.resource_type
        if name == "NodeFinished" and kind == "model":
            fault_point("model")
        elif name == "NodeStart" and kind == "test":
            fault_point("test")
