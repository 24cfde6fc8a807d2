"""Run dbt on the package's project, in-process, with the profile's env vars set."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import BuildError, UserError
from .project import RAW_SCHEMA, project_dir


def dbt_env(target: str, db_path: Path | None, seed_dir: Path | None) -> dict[str, str | None]:
    """The profile's env vars for one run; None means unset (use the profile's default)."""
    return {
        "AIUE_TARGET": target,
        "AIUE_DUCKDB_PATH": str(db_path.resolve()) if db_path is not None else None,
        "AIUE_SEED_PATH": str(seed_dir.resolve()) if seed_dir is not None else None,
    }


def profile_output(target: str) -> dict[str, Any]:
    """The `target` output of the package's profiles.yml, its env_var() calls resolved.

    The loaders and `aiue metrics` connect with exactly what dbt would use.
    """
    from dbt.config.profile import read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(dict(os.environ))
    outputs = read_profile(str(project_dir())).get("ai_unit_economics", {}).get("outputs", {})
    if target not in outputs:
        raise UserError(
            f"profiles.yml has no '{target}' output; add one (see docs/warehouses.md) or choose "
            f"one of: {', '.join(outputs)}."
        )
    return ProfileRenderer({}).render_data(outputs[target])


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


def work_dir_for(db_path: Path | None) -> Path:
    """Where a run keeps dbt's target/ and logs/: beside the DuckDB file, else in the
    current folder."""
    return (db_path.parent if db_path is not None else Path.cwd()) / ".aiue"


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

    from .engines import engine

    project = project_dir()
    work_dir = work_dir or work_dir_for(db_path)
    log_path = dbt_log_path(work_dir)
    all_vars = {"aiue_source_schema": RAW_SCHEMA, **(variables or {})}
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
    if result.success:
        return log_path
    failures = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status in {"error", "fail", "runtime error"}:
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            failures.append(f"  {node_result.node.name}: {message[0] if message else status}")
    if not failures and result.exception is not None:
        failures.append(f"  {_first_line(result.exception)}")
    detail = "\n".join(failures) or "  see the dbt log"
    raise BuildError(f"dbt {command} failed:\n{detail}\ndbt log: {log_path}")


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return " ".join(lines[:3]) if lines else type(error).__name__
