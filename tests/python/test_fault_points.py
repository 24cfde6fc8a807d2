"""The fault points the kill tests stop runs at (engines.publish.fault_point), build-free."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from ai_unit_economics.engines.publish import FAULT_PAUSE_ENV

# Four threads reach the same point at once, as dbt's threads do when their first models
# finish together; the process exits after a second (the paused threads are daemons).
RACE = textwrap.dedent(
    """
    import threading, time
    from ai_unit_economics.engines.publish import fault_point
    start = threading.Barrier(4)
    def reach():
        start.wait()
        fault_point("model")
    for _ in range(4):
        threading.Thread(target=reach, daemon=True).start()
    fault_point("load")  # not the point asked for: returns at once
    time.sleep(1)
    """
)


def test_threads_reaching_a_point_together_announce_it_once_on_its_own_line() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RACE],
        env={**os.environ, FAULT_PAUSE_ENV: "model"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "aiue: paused at model\n"
