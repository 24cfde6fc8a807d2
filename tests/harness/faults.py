"""Runs stopped at a fault point (ai_unit_economics.engines.publish.fault_point), for the tests
that kill a build midway: start one, wait (bounded) until it says it is there, kill it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ai_unit_economics.engines.publish import FAULT_PAUSE_ENV

# Seconds for a run to reach its fault point on a loaded CI machine; past it the test fails
# (a run that never says it is there once kept CI waiting until its time limit).
PAUSE_DEADLINE = 600


def sigkill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def paused_run(
    command: Sequence[str | Path], point: str, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start `command` (an `aiue run ...`) stopping at `point`; return it once it says it is
    there. Fails, killing the run, if it exits first or says nothing within PAUSE_DEADLINE."""
    process = subprocess.Popen(
        [str(part) for part in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {}), FAULT_PAUSE_ENV: point},
    )
    assert process.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def read(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, args=(process.stderr,), daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + PAUSE_DEADLINE
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            process.wait()
            break
        seen.append(line)
        if f"aiue: paused at {point}" in line:
            return process
    if process.poll() is None:
        sigkill(process)
    raise AssertionError(f"the run never said it reached {point}:\n{''.join(seen)}")
