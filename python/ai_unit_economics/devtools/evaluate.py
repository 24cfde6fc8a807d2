"""dbt-project-evaluator over the package, the way a user's CI meets it (`make evaluate`).

The evaluator (dbt-labs/dbt-project-evaluator) and its one dependency, dbt-labs/dbt-utils,
come from dbt Hub, which these machines cannot reach, and their code is not ours to commit.
So this tool takes a local copy of each (a checkout, or a git directory such as the
snapshots `fetch` brings, read with `git archive`), and assembles a throw-away dbt project:

- the root project is `docs/evaluator/` (the configuration users copy: the evaluator's vars
  for this package's conventions, and the exceptions seed, each exception with its reason);
- `dbt_packages/` holds the evaluator, dbt_utils and a link to this checkout as
  `ai_unit_economics`; with no packages.yml, `dbt deps` is never run and nothing is fetched.

It builds the evaluator's models and tests once per configuration of the package's vars
(the lineage differs by which inputs are in play: every layout and billing, the defaults,
no billing), prints each finding, and exits 1 on any warning. The evaluator reads dbt's graph
only: nothing of the package is built.

    DBT_PROJECT_EVALUATOR_PATH=... DBT_UTILS_PATH=... make evaluate
    python -m ai_unit_economics.devtools.evaluate --evaluator DIR --dbt-utils DIR
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "docs" / "evaluator"
PACKAGE = "ai_unit_economics"

# The package's vars per evaluated configuration: which models and sources are nodes.
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "every input": {"aiue_spans_layout": ["flat", "otel_traces", "litellm", "langfuse"]},
    "defaults": {},
    "no billing": {"aiue__using_focus": False, "aiue__using_gpu_rates": False},
}


def install(source: Path, target: Path) -> None:
    """A dbt project directory copied as is, or a git directory's HEAD unpacked."""
    if (source / "dbt_project.yml").is_file():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".git", "target"))
        return
    archive = subprocess.run(
        ["git", f"--git-dir={source}", "archive", "--format=tar", "HEAD"],
        capture_output=True,
        check=True,
    )
    with tempfile.TemporaryFile() as handle:
        handle.write(archive.stdout)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(target, filter="data")
    if not (target / "dbt_project.yml").is_file():
        raise SystemExit(f"{source}: neither a dbt project nor a git directory holding one")


def assemble(work: Path, evaluator: Path, dbt_utils: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(CONFIG, work)
    packages = work / "dbt_packages"
    install(evaluator, packages / "dbt_project_evaluator")
    install(dbt_utils, packages / "dbt_utils")
    (packages / PACKAGE).symlink_to(ROOT, target_is_directory=True)


def dbt(work: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(work),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "AIUE_EVALUATOR_DUCKDB_PATH": str(work / "evaluator.duckdb"),
    }
    executable = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(executable), *args], cwd=work, env=env, capture_output=True, text=True
    )


def findings(work: Path) -> list[str]:
    """Each warned or failed evaluator test, with the rows of the model it checks."""
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    lines: list[str] = []
    with duckdb.connect(str(work / "evaluator.duckdb"), read_only=True) as connection:
        for result in results:
            if result["status"] in {"success", "pass"}:
                continue
            node = manifest["nodes"].get(result["unique_id"], {})
            lines.append(f"{result['status']}: {node.get('name', result['unique_id'])}")
            checked = node.get("attached_node") or ""
            if not checked.startswith("model."):
                lines.append(f"  {result.get('message') or ''}")
                continue
            relation = connection.execute(f"select * from main.{checked.split('.')[-1]}")
            columns = [column[0] for column in relation.description]
            for row in relation.fetchall():
                lines.append(
                    "  " + ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True))
                )
    return lines


def evaluate(work: Path, name: str, package_vars: dict[str, Any]) -> list[str]:
    args = [
        "build",
        "--select",
        "package:dbt_project_evaluator",
        "dbt_project_evaluator_exceptions",
        "--vars",
        yaml.safe_dump(package_vars, default_flow_style=True).strip(),
    ]
    result = dbt(work, args)
    if not (work / "target" / "run_results.json").is_file():
        raise SystemExit(f"{name}: dbt build failed\n{result.stdout[-4000:]}{result.stderr}")
    found = findings(work)
    summary = next((line for line in reversed(result.stdout.splitlines()) if "PASS=" in line), "")
    print(f"== {name}: {summary.split('Done. ')[-1].strip()}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--evaluator",
        type=Path,
        default=os.environ.get("DBT_PROJECT_EVALUATOR_PATH"),
        help="dbt-labs/dbt-project-evaluator: a checkout or a git directory "
        "(default: $DBT_PROJECT_EVALUATOR_PATH)",
    )
    parser.add_argument(
        "--dbt-utils",
        type=Path,
        default=os.environ.get("DBT_UTILS_PATH"),
        help="dbt-labs/dbt-utils 1.x, likewise (default: $DBT_UTILS_PATH)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "target" / "evaluator",
        help="the throw-away project folder (default: target/evaluator)",
    )
    parser.add_argument(
        "--configuration",
        choices=sorted(CONFIGURATIONS),
        action="append",
        help="evaluate only this configuration of the package's vars (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.evaluator is None or args.dbt_utils is None:
        parser.error(
            "set DBT_PROJECT_EVALUATOR_PATH and DBT_UTILS_PATH (or --evaluator and "
            "--dbt-utils) to local copies of dbt-labs/dbt-project-evaluator and "
            "dbt-labs/dbt-utils: docs/evaluator.md"
        )
    assemble(args.work, args.evaluator, args.dbt_utils)
    problems = 0
    for name in args.configuration or list(CONFIGURATIONS):
        found = evaluate(args.work, name, CONFIGURATIONS[name])
        problems += sum(1 for line in found if not line.startswith("  "))
        print("\n".join(found) if found else "0 warnings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
