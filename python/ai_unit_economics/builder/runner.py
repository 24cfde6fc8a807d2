"""Run dbt on the package's project, in-process, with the profile's env vars set."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..engines.dbt_profile import work_dir_for
from ..engines.registry import engine
from ..errors import BuildError
from ..project import project_dir


def dbt_env(target: str, db_path: Path | None, seed_dir: Path | None) -> dict[str, str | None]:
    """The profile's env vars for one run; None means unset (use the profile's default)."""
    return {
        "AIUE_TARGET": target,
        "AIUE_DUCKDB_PATH": str(db_path.resolve()) if db_path is not None else None,
        "AIUE_SEED_PATH": str(seed_dir.resolve()) if seed_dir is not None else None,
    }


@contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or unset) env vars for the duration of one in-process dbt run."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dbt_log_path(work_dir: Path) -> Path:
    return work_dir / "logs" / "dbt.log"


def run_dbt(
    command: str,
    *,
    target: str = "duckdb",
    db_path: Path | None = None,
    seed_dir: Path | None = None,
    work_dir: Path | None = None,
    variables: dict[str, Any] | None = None,
    extra_args: list[str] | None = None,
    callbacks: list[Callable[[Any], None]] | None = None,
) -> Path:
    """Run `dbt <command>` with its log in a file (returned), never on the terminal; raise
    BuildError naming the failed nodes and the log."""
    from dbt.cli.main import dbtRunner

    project = project_dir()
    # absolute: dbt reads a relative --target-path or --log-path against the project folder
    work_dir = Path(os.path.abspath(work_dir or work_dir_for(db_path)))
    log_path = dbt_log_path(work_dir)
    all_vars = {"aiue_source_schema": engine(target).raw_schema(), **(variables or {})}
    args = [
        command,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target",
        target,
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(log_path.parent),
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
        # dbt writes manifest.json twice a run (after parsing and at the end) and the
        # semantic manifest: seconds of CPU a run does not need. run_results.json is written
        # below, from the result.
        "--no-write-json",
        "--no-use-colors",  # plain text in the log file and in the failure lines quoted from it
        "--vars",
        json.dumps(all_vars),
        *(extra_args or []),
    ]
    try:
        with _environment(dbt_env(target, db_path, seed_dir)):
            result = dbtRunner(callbacks=callbacks or []).invoke(args)
    finally:
        engine(target).release()
    _write_run_results(result.result, work_dir / "target")
    if result.success:
        return log_path
    failures = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status in {"error", "fail", "runtime error"}:
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            failures.append(
                f"  {_node_label(node_result.node)}: {message[0] if message else status}"
            )
            if status == "fail":
                failures += _broken_rules(node_result.node, target, db_path)
    if not failures and result.exception is not None:
        failures.append(f"  {_first_line(result.exception)}")
    detail = "\n".join(failures) or "  see the dbt log"
    raise BuildError(f"dbt {command} failed:\n{detail}\ndbt log: {log_path}")


# The package's combined tests: one per model, whose failing rows name what broke.
COMBINED_TESTS = {"row_checks": "row checks", "primary_key": "key"}


def _node_label(node: Any) -> str:
    """A failed node's name; a combined test as '<model> row checks' (dbt's own name for it
    spells out every argument)."""
    test = getattr(getattr(node, "test_metadata", None), "name", None)
    attached = getattr(node, "attached_node", None)
    if test in COMBINED_TESTS and attached:
        return f"{attached.split('.')[-1]} {COMBINED_TESTS[test]}"
    return node.name


def _broken_rules(node: Any, target: str, db_path: Path | None) -> list[str]:
    """What a failed combined test found, from its own query: each broken rule with its row
    count and an example value, or the first duplicate or null keys."""
    from ..engines.warehouse import query  # noqa: PLC0415 - only when a test failed

    test = getattr(getattr(node, "test_metadata", None), "name", None)
    sql = getattr(node, "compiled_code", None)
    if test not in COMBINED_TESTS or not sql:
        return []
    try:
        columns, rows = query(target, sql, db_path)
    except Exception:  # noqa: BLE001 - the failure line above stands without the detail
        return []
    if test == "row_checks":
        return [
            f"    {rule}: {count:,} row{'s' if count != 1 else ''}"
            + (f" (e.g. {example!r})" if example is not None else "")
            for rule, count, example in rows
        ]
    keys = [
        ", ".join(f"{name}={value!r}" for name, value in zip(columns[:-1], row[:-1], strict=True))
        for row in rows[:3]
    ]
    return [f"    duplicate or null key: {key}" for key in keys]


def _write_run_results(results: Any, target_path: Path) -> None:
    """dbt's run_results.json (what ran, its status and time), as `--write-json` would."""
    if hasattr(results, "write"):
        target_path.mkdir(parents=True, exist_ok=True)
        results.write(str(target_path / "run_results.json"))


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return " ".join(lines[:3]) if lines else type(error).__name__
