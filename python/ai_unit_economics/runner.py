"""Run dbt on the package's project, in-process, with the profile's env vars set."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import BuildError
from .project import RAW_SCHEMA, project_dir


def dbt_env(target: str, db_path: Path | None, seed_dir: Path | None) -> dict[str, str]:
    env = {"AIUE_TARGET": target}
    if db_path is not None:
        env["AIUE_DUCKDB_PATH"] = str(db_path.resolve())
    if seed_dir is not None:
        env["AIUE_SEED_PATH"] = str(seed_dir.resolve())
    return env


def run_dbt(
    command: str,
    *,
    target: str = "duckdb",
    db_path: Path | None = None,
    seed_dir: Path | None = None,
    work_dir: Path | None = None,
    variables: dict[str, Any] | None = None,
    extra_args: list[str] | None = None,
) -> None:
    """Run `dbt <command>`; raise BuildError naming the failed nodes."""
    from dbt.cli.main import dbtRunner

    project = project_dir()
    work_dir = work_dir or (db_path.parent if db_path else project) / ".aiue"
    all_vars = {"aiue_source_schema": RAW_SCHEMA, **(variables or {})}
    os.environ.update(dbt_env(target, db_path, seed_dir))
    args = [
        command,
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target", target,
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--vars", json.dumps(all_vars),
        *(extra_args or []),
    ]
    result = dbtRunner().invoke(args)
    if result.success:
        return
    failures = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status in {"error", "fail", "runtime error"}:
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            failures.append(f"  {node_result.node.name}: {message[0] if message else status}")
    detail = "\n".join(failures) or f"  {result.exception or 'see the dbt log above'}"
    raise BuildError(f"dbt {command} failed:\n{detail}")
