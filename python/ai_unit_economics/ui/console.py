"""What `aiue` shows while it works.

Results and notes go to stdout; progress goes to stderr: on a terminal a spinner or bar per
phase (rich), elsewhere (CI, pipes, files) one line per finished phase. dbt's own log never
reaches the terminal: it goes to a file whose path is printed. `--quiet` keeps only results,
notes about rows left out, and errors.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Ui:
    """The one place that writes to the terminal (cli.main sets `quiet`)."""

    def __init__(self) -> None:
        self.quiet = False

    def stderr(self) -> Console:
        return Console(stderr=True, highlight=False, emoji=False)

    @property
    def live(self) -> bool:
        """Animated progress only on an interactive terminal."""
        return not self.quiet and self.stderr().is_terminal

    def info(self, message: str) -> None:
        """A line about what happened (loaded rows, seeds used); hidden by --quiet."""
        if not self.quiet:
            print(message, flush=True)

    def note(self, message: str) -> None:
        """A line the user must see even with --quiet (rows left out, models with no price)."""
        print(message, flush=True)

    def progress(self, message: str) -> None:
        """A finished phase, on stderr; hidden by --quiet."""
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    @contextmanager
    def phase(self, description: str) -> Iterator[None]:
        """A spinner while the block runs, then `description (1.2 s)`."""
        started = time.monotonic()
        if self.live:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.stderr(),
                transient=True,
            ) as progress:
                progress.add_task(description, total=None)
                yield
        else:
            yield
        self.progress(f"{description} ({time.monotonic() - started:.1f} s)")


UI = Ui()

# dbt's FoundStats line ("34 models, 136 data tests, 8 seeds, ...") -> the node kinds it builds.
KINDS = {
    "seed": "seeds",
    "model": "models",
    "snapshot": "snapshots",
    "test": "data tests",
    "unit_test": "unit tests",
}
FAILED = {"error", "fail", "runtime error"}


class BuildProgress:
    """A dbtRunner callback: one bar per kind of node (seeds, models, data tests, ...)."""

    def __init__(self, ui: Ui = UI) -> None:
        self.ui = ui
        self.totals: dict[str, int] = {}
        self.done: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.warned: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._parse: Any = None
        self._tasks: dict[str, Any] = {}
        self.started = time.monotonic()

    @contextmanager
    def running(self) -> Iterator[BuildProgress]:
        if self.ui.live:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<20}"),
                BarColumn(bar_width=40),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.ui.stderr(),
            )
            self._parse = self._progress.add_task("parsing the project", total=None)
            with self._progress:
                yield self
        else:
            yield self

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if name == "FoundStats":
            self._found(event.data.stat_line)
        elif name == "NodeFinished":
            node = event.data.node_info
            self._finished(node.resource_type, node.node_status)

    def _found(self, stat_line: str) -> None:
        counts = {
            label: int(number)
            for number, label in re.findall(r"(\d+) ([a-z ]+?)s?(?:,|$)", stat_line)
        }
        with self._lock:
            for kind, label in KINDS.items():
                total = counts.get(label.rstrip("s"), 0)
                if total:
                    self.totals[kind] = total
            if self._progress is not None:
                self._progress.remove_task(self._parse)
                for kind, total in self.totals.items():
                    self._tasks[kind] = self._progress.add_task(KINDS[kind], total=total)

    def _finished(self, kind: str, status: str) -> None:
        with self._lock:
            self.done[kind] += 1
            if status in FAILED:
                self.failed[kind] += 1
            elif status == "warn":
                self.warned[kind] += 1
            if self._progress is not None and kind in self._tasks:
                failed = f" ({self.failed[kind]} failed)" if self.failed[kind] else ""
                self._progress.update(
                    self._tasks[kind], advance=1, description=f"{KINDS[kind]}{failed}"
                )

    def summary(self) -> str:
        """One line: what was built and tested, how long it took."""
        parts = []
        for kind, label in KINDS.items():
            if not self.done[kind]:
                continue
            text = f"{self.done[kind]} {label if self.done[kind] != 1 else label[:-1]}"
            if self.failed[kind]:
                text += f" ({self.failed[kind]} failed)"
            elif self.warned[kind]:
                text += f" ({self.warned[kind]} warned)"
            parts.append(text)
        what = ", ".join(parts) or "nothing"
        return f"dbt build: {what} ({time.monotonic() - self.started:.1f} s)"
