"""Benchmark the OTLP JSON load: CPU seconds and peak memory of loading a generated export.

Each load runs in a child process (a fresh interpreter importing the package and loading the
folder into a new DuckDB file, as `aiue run` does before dbt), so its peak RSS is its own;
CPU is the child's user + system time, steadier than wall time on a shared machine.

    python -m ai_unit_economics.devtools.otlp_bench --mb 45          # ~45 MB, ~300 KB a line
    python -m ai_unit_economics.devtools.otlp_bench --mb 1000        # a 1 GB export
    python -m ai_unit_economics.devtools.otlp_bench --attributes 1000,10000,100000
    python -m ai_unit_economics.devtools.otlp_bench --mb 45 --run    # and a whole `aiue run`

`--attributes` writes one span with N attributes per size and loads it with the attribute
limit raised to N (AIUE_OTLP_MAX_ATTRIBUTES), to show the load grows linearly with a span's
attribute count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import otlp_export

LOAD = """
import json, sys
from pathlib import Path
from ai_unit_economics.ingest.inputs import find_inputs
from ai_unit_economics.ingest.loaders import load_duckdb
counts = load_duckdb(Path(sys.argv[2]), find_inputs(Path(sys.argv[1])))
print(json.dumps(counts))
"""


def measured(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a child process; its own CPU seconds (user + system), wall seconds and peak RSS
    (MB), from wait4, so that no earlier child's peak counts."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command[:3])} failed:\n{out.read()}\n{err.read()}")
        return {
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": wall,
            "peak_rss_mb": usage.ru_maxrss / 1024,  # KB on Linux
            "stdout": out.read(),
        }


def load(folder: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    db_path = folder.parent / f"{folder.name}.duckdb"
    result = measured([sys.executable, "-c", LOAD, str(folder), str(db_path)], env)
    result["spans"] = json.loads(result.pop("stdout").strip().splitlines()[-1])["otel_traces"]
    result["file_mb"] = sum(p.stat().st_size for p in (folder / "otlp").iterdir()) / 1e6
    db_path.unlink()
    return result


def whole_run(folder: Path) -> dict[str, float]:
    db_path = folder.parent / "run.duckdb"
    command = [sys.executable, "-m", "ai_unit_economics", "run", "--input", str(folder)]
    result = measured([*command, "--db", str(db_path), "--quiet"])
    result.pop("stdout")
    return result


def one_span(folder: Path, attributes: int) -> None:
    """One span with `attributes` attributes (and one event with as many), as one line."""
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": "chat gpt-4o-mini",
        "kind": 3,
        "startTimeUnixNano": "1790000000000000000",
        "endTimeUnixNano": "1790000001000000000",
        "attributes": [
            otlp_export.string("gen_ai.operation.name", "chat"),
            *(otlp_export.string(f"app.key.{i}", f"value {i}") for i in range(attributes - 1)),
        ],
        "status": {},
    }
    document = {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]}
    (folder / "otlp").mkdir(parents=True)
    (folder / "otlp" / "wide.jsonl").write_text(json.dumps(document) + "\n")


def report(label: str, result: dict[str, float]) -> None:
    spans = f"{int(result['spans']):,} spans, " if "spans" in result else ""
    size = f"{result['file_mb']:.1f} MB, " if "file_mb" in result else ""
    print(
        f"{label}: {size}{spans}{result['cpu_s']:.2f} CPU-s, {result['wall_s']:.1f} s wall, "
        f"peak RSS {result['peak_rss_mb']:,.0f} MB",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="*", default=[], help="export sizes in MB")
    parser.add_argument("--files", type=int, default=1, help="split each export in N files")
    parser.add_argument(
        "--attributes",
        default="",
        help="comma-separated attribute counts: one span each (linearity)",
    )
    parser.add_argument("--run", action="store_true", help="also time a whole `aiue run`")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)
    if not args.mb and not args.attributes:
        args.mb = [45.0]
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="aiue_otlp_bench_") as temporary:
        root = args.keep or Path(temporary)
        for count in sorted(int(n) for n in args.attributes.split(",") if n.strip()):
            folder = root / f"attributes_{count}"
            one_span(folder, count)
            env = {"AIUE_OTLP_MAX_ATTRIBUTES": str(count)}
            report(f"one span, {count:,} attributes", load(folder, env))
        for megabytes in sorted(args.mb):
            folder = root / f"export_{megabytes:g}mb"
            size = int(megabytes * 1e6)
            for index in range(args.files):
                path = folder / "otlp" / f"export_{index:04d}.jsonl"
                otlp_export.write(path, size // args.files, seed=index)
            report(f"OTLP load, {megabytes:g} MB in {args.files} file(s)", load(folder))
            if args.run:
                report("aiue run", whole_run(folder))
            if args.keep is None:
                for path in (folder / "otlp").iterdir():
                    path.unlink()
        print(f"load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
