"""The command line as users meet it: version and help, progress instead of dbt's log, tables,
CSV, read-only warehouse access, and one clear sentence (never a traceback) for every fault a
user can cause or meet: a locked or foreign --db, a quote in its name, a read-only folder, a
full disk, a missing driver or extra, a schema with SQL in it, an unexpected error."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from ai_unit_economics import __version__
from ai_unit_economics.cli import build_parser
from ai_unit_economics.cli import main as aiue

from .conftest import FIXTURES, IN_CI, Build

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
AIUE = Path(sys.executable).parent / "aiue"
SCHEMA = "main_aiue"


def aiue_process(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(AIUE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
    )


def one_sentence_error(result: subprocess.CompletedProcess | str) -> str:
    """The error output, checked to be short and traceback-free."""
    err = result if isinstance(result, str) else result.stderr
    assert "Traceback" not in err and 'File "' not in err, err
    lines = [line for line in err.splitlines() if line.startswith("aiue: error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture()
def db(scenario_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    """A private copy of a finished build (tests lock it, rename it, move it)."""
    capsys.readouterr()  # the session build's own output, when it ran just now
    copy = tmp_path / "copy" / "aiue.duckdb"
    copy.parent.mkdir()
    shutil.copy(scenario_build.db_path, copy)
    return copy


# --- version, help -----------------------------------------------------------------------------


def test_version_is_written_once(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        aiue(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"aiue {__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject
    project = (ROOT / "dbt_project.yml").read_text()
    assert re.search(r'^version: "(.*)"$', project, re.MULTILINE)[1] == __version__


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_says_its_default_or_that_it_is_required() -> None:
    parser = build_parser()
    checked = 0
    for name, sub in _subparsers(parser).items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if not action.option_strings or isinstance(action, argparse._HelpAction):
                continue
            text = formatter._expand_help(action)
            assert action.help, f"aiue {name} {action.option_strings[0]} has no help"
            assert "default" in text or "(required)" in text, (name, action.option_strings, text)
            checked += 1
        assert "(default: " in sub.format_help()
    assert checked > 40


def test_help_shows_the_defaults(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        aiue(["metrics", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: feature_tag,response_model)" in text
    assert "--target {duckdb,postgres,spark}" in text and "(default: duckdb)" in text
    assert "(default: aiue.duckdb)" in text
    assert "(default: the build's, var aiue_min_sample_intents)" in text


def test_a_command_in_its_own_module_registers_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """COMMANDS: a module's NAME, HELP, add_arguments and run become `aiue <command>`, with
    the same help conventions and error handling as every other command."""
    import types

    from ai_unit_economics import cli
    from ai_unit_economics.cli import options
    from ai_unit_economics.errors import UserError

    def add_arguments(parser: argparse.ArgumentParser) -> None:
        options.add_warehouse_options(parser)
        parser.add_argument("--name", default="world", help="who to greet")

    def run(args: argparse.Namespace) -> int:
        if args.name == "nobody":
            raise UserError("nobody is there to greet")
        print(f"hello {args.name} from {args.target}")
        return 0

    module = types.SimpleNamespace(
        NAME="hello", HELP="say hello", add_arguments=add_arguments, run=run
    )
    monkeypatch.setattr(cli, "COMMANDS", (module,))
    assert aiue(["hello", "--name", "you"]) == 0
    assert capsys.readouterr().out == "hello you from duckdb\n"
    assert aiue(["hello", "--name", "nobody"]) == 2
    assert "nobody is there to greet" in one_sentence_error(capsys.readouterr().err)
    with pytest.raises(SystemExit):
        aiue(["hello", "--help"])
    assert "(default: world)" in capsys.readouterr().out


# --- progress instead of dbt's log ---------------------------------------------------------------


def test_run_shows_progress_not_the_dbt_log_which_goes_to_a_file(tmp_path: Path) -> None:
    result = aiue_process("run", "--input", FIXTURES / "small", "--db", tmp_path / "a.duckdb")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert len(output.splitlines()) < 15  # dbt alone prints ~360 lines per build
    assert "START sql" not in output and "Concurrency:" not in output
    summary = next(line for line in result.stderr.splitlines() if line.startswith("dbt build:"))
    assert re.search(r"dbt build: \d+ seeds, \d+ models, \d+ data tests", summary)
    seeds = len(list((ROOT / "seeds").glob("*.csv")))  # the fixture replaces four, adds none
    assert f"{seeds} seeds" in summary
    log = Path(result.stderr.split("dbt log: ")[1].splitlines()[0])
    assert log == tmp_path / ".aiue/logs/dbt.log" and "START sql" in log.read_text()

    quiet = aiue_process(
        "run", "--quiet", "--input", FIXTURES / "small", "--db", tmp_path / "b.duckdb"
    )
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "Loaded" not in quiet.stdout  # informational lines are gone ...
    assert "1 outcome label superseded" in quiet.stdout  # ... notes on rows left out are not


def test_on_a_terminal_the_progress_is_a_bar_per_kind_of_node(tmp_path: Path) -> None:
    """With stderr on a terminal (a pseudo-terminal here) rich draws a spinner while loading
    and a bar each for seeds, models and data tests, filled to their totals."""
    import pty

    main, replica = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(
        [str(AIUE), "run", "--input", str(FIXTURES / "small"), "--db", str(tmp_path / "a.duckdb")],
        stdout=subprocess.PIPE,
        stderr=replica,
        env=env,
    )
    os.close(replica)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        screen += chunk
    assert process.wait(timeout=600) == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode("utf-8", "replace"))
    assert "Traceback" not in text
    seeds = len(list((ROOT / "seeds").glob("*.csv")))
    for kind, total in (("seeds", seeds), ("models", None), ("data tests", None)):
        done = re.findall(rf"{kind}\s.*?(\d+)/(\d+)", text)
        assert done, (kind, text[-2000:])
        finished, of = map(int, done[-1])
        assert finished == of and (total is None or of == total), (kind, done[-1])


def test_a_failed_build_names_the_failures_and_the_log(tmp_path: Path) -> None:
    """A data test that fails: exit 1, the test named with dbt's message, the log's path."""
    project = tmp_path / "project"
    for name in ("dbt_project.yml", "profiles.yml"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/data"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "tests/data/assert_nothing_is_left_out.sql").write_text(
        "select intent_id from {{ ref('aiue__intents') }} where intent_id = 'i1'\n"
    )
    result = subprocess.run(
        [str(AIUE), "run", "--input", str(FIXTURES / "small"), "--db", str(tmp_path / "a.duckdb")],
        env={**os.environ, "AIUE_PROJECT_DIR": str(project)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "dbt build failed:\n  assert_nothing_is_left_out: Got 1 result" in result.stderr
    assert f"dbt log: {tmp_path / '.aiue/logs/dbt.log'}" in result.stderr


# --- tables, CSV -------------------------------------------------------------------------------


def test_csv_writes_true_and_false(db: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["metrics", "--db", str(db), "--by", "feature_tag", "--format", "csv"]
    assert aiue([*args, "--min-sample", "250"]) == 0
    lines = capsys.readouterr().out.splitlines()
    column = lines[0].split(",").index("is_sufficient_sample")
    flags = {line.split(",")[column] for line in lines[1:]}
    assert flags == {"true", "false"}  # the scenarios have 1000, 1000, 300 and 200 intents


def test_wide_shows_every_column_and_json_the_details(db: Path, capsys) -> None:
    assert aiue(["metrics", "--db", str(db), "--by", "feature_tag", "--wide"]) == 0
    wide = capsys.readouterr().out
    assert max(map(len, wide.splitlines())) > 120
    for label in ("labelled", "successes", "calls", "retries $", "tools $", "escalated"):
        assert label in wide.splitlines()[1], label
    assert aiue(["metrics", "--db", str(db), "--by", "feature_tag"]) == 0
    compact = capsys.readouterr().out
    assert max(map(len, compact.splitlines())) <= 120


# --- read-only access --------------------------------------------------------------------------

HOLD = """
import duckdb, sys, time
connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
connection.execute("select 1").fetchall()
print("holding", flush=True)
time.sleep(120)
"""


def hold(path: Path, mode: str) -> subprocess.Popen:
    """Another process (a BI tool, a notebook) with the DuckDB file open."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_metrics_reads_while_another_process_holds_the_file_open(db: Path) -> None:
    """A BI tool has the file open read-only: metrics, reconcile and sql still work, and six
    parallel metrics calls all succeed (each opens the file read-only)."""
    holder = hold(db, "read")
    try:
        calls = [
            subprocess.Popen(
                [str(AIUE), "metrics", "--db", str(db), "--by", "feature_tag", "--format", "json"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        outputs = [call.communicate(timeout=300) for call in calls]
        assert [call.returncode for call in calls] == [0] * 6, [err for _, err in outputs]
        answers = [json.loads(out) for out, _ in outputs]
        assert all(answer == answers[0] for answer in answers) and len(answers[0]) == 4
        reconcile = aiue_process("reconcile", "--db", db)
        assert reconcile.returncode == 0 and "No billing in this build" in reconcile.stdout
    finally:
        holder.kill()
        holder.wait()


def test_a_locked_file_is_one_sentence_naming_the_holder(db: Path, tmp_path: Path) -> None:
    """A build (or any writer) holds the file: metrics and run say so, and what to do."""
    holder = hold(db, "write")
    try:
        for args in (
            ["metrics", "--db", db],
            ["run", "--input", FIXTURES / "small", "--db", db],
        ):
            result = aiue_process(*args)
            assert result.returncode == 2, result.stderr
            line = one_sentence_error(result)
            assert f"{db} is in use by process {holder.pid} (python" in line
            assert "close that program (or wait for its build to finish) and try again" in line
    finally:
        holder.kill()
        holder.wait()


def test_a_file_that_is_not_duckdb_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "spans.csv"
    notes.write_text("trace_id,span_id\nt1,s1\n")
    before = notes.read_bytes()
    for command in (["metrics"], ["reconcile"], ["run", "--input", FIXTURES / "small"]):
        result = aiue_process(*command, "--db", notes)
        assert result.returncode == 2
        assert f"{notes} is not a DuckDB database file" in one_sentence_error(result)
    assert notes.read_bytes() == before


def test_a_quote_in_the_db_name(db: Path, tmp_path: Path) -> None:
    """dbt-duckdb cannot build a file named with a quote: refused before loading, with a
    name to use instead; reading one works (paths are never pasted into SQL)."""
    quoted = tmp_path / "it's" / "o'brien.duckdb"
    result = aiue_process("run", "--input", FIXTURES / "small", "--db", quoted)
    assert result.returncode == 2
    line = one_sentence_error(result)
    assert "cannot build one whose name holds a quote" in line and "o_brien.duckdb" in line
    assert not quoted.exists()
    quoted.parent.mkdir()
    shutil.copy(db, quoted)
    read = aiue_process("metrics", "--db", quoted, "--by", "feature_tag", "--format", "json")
    assert read.returncode == 0, read.stderr
    assert len(json.loads(read.stdout)) == 4


def test_the_mart_schema_comes_from_the_target_or_schema(
    db: Path, capsys: pytest.CaptureFixture
) -> None:
    """A build in your own dbt project puts the marts in another schema: metrics says where
    they are, and reads them there with --schema (a schema holding SQL is refused)."""
    args = ["metrics", "--db", str(db), "--by", "feature_tag", "--format", "json"]
    assert aiue(args) == 0
    expected = json.loads(capsys.readouterr().out)
    with duckdb.connect(str(db)) as connection:
        connection.execute("create schema analytics_aiue")
        connection.execute(
            "create table analytics_aiue.aiue__unit_economics_daily as "
            f"select * from {SCHEMA}.aiue__unit_economics_daily"
        )
        connection.execute(f"drop schema {SCHEMA} cascade")
    assert aiue(args) == 2
    error = one_sentence_error(capsys.readouterr().err)
    assert "the aiue marts are in schema analytics_aiue there: pass --schema analytics_aiue" in (
        error
    )
    assert aiue([*args, "--schema", "analytics_aiue"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert aiue([*args, "--schema", "analytics_aiue; drop table x"]) == 2
    assert "is not a schema name" in one_sentence_error(capsys.readouterr().err)


# --- drivers and extras --------------------------------------------------------------------------


def test_postgres_without_psycopg2_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg2", None)  # `import psycopg2` now fails
    for args in (
        ["metrics", "--target", "postgres"],
        ["run", "--target", "postgres", "--input", str(FIXTURES / "small")],
    ):
        assert aiue([*args, "--db", str(tmp_path / "x.duckdb")]) == 2
        line = one_sentence_error(capsys.readouterr().err)
        assert "--target postgres needs psycopg2" in line
        assert "pip install 'ai-unit-economics[postgres]'" in line


def test_prices_without_its_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    assert aiue(["prices", "--out", str(tmp_path / "prices.csv")]) == 2
    assert "pip install 'ai-unit-economics[prices]'" in one_sentence_error(capsys.readouterr().err)
    assert not (tmp_path / "prices.csv").exists()


# --- unexpected errors ---------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_a_log(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr("ai_unit_economics.metrics.results.fetch_metrics", broken)
    assert aiue(["metrics", "--db", str(db)]) == 1
    line = one_sentence_error(capsys.readouterr().err)
    assert "unexpected RuntimeError: something nobody planned for" in line
    log = db.parent / ".aiue/logs/aiue.log"
    assert f"The details are in {log}" in line
    assert "Traceback" in log.read_text() and "def broken" not in line


# --- faults of the machine: a read-only folder, a full disk ---------------------------------------

MOUNT = textwrap.dedent("""
    set -e
    mount -t tmpfs -o size={size} tmpfs "$AIUE_MOUNT"
    {before}
    {remount}
    shift
    exec "$@"
""")


def in_small_disk(
    folder: Path, args: list[str | Path], size: str, before: str = "", read_only: bool = False
) -> subprocess.CompletedProcess:
    """Run `aiue args` with `folder` a fresh tmpfs of `size` (optionally read-only), in a
    private mount namespace (unshare: no privileges needed, nothing visible outside)."""
    if shutil.which("unshare") is None:
        message = "unshare (util-linux) is needed to give a test its own small disk"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    folder.mkdir(parents=True, exist_ok=True)
    script = MOUNT.format(
        size=size,
        before=before,
        remount='mount -o remount,ro "$AIUE_MOUNT"' if read_only else "",
    )
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", "x",
         str(AIUE), *map(str, args)],
        env={**os.environ, "AIUE_MOUNT": str(folder)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    if "unshare:" in result.stderr or "mount:" in result.stderr:
        message = f"cannot make a private mount here: {result.stderr.strip()}"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return result


def test_a_read_only_folder(db: Path, tmp_path: Path) -> None:
    """Building into a read-only folder is refused in one sentence; reading a build that
    sits in one works (reads open the file read-only)."""
    folder = tmp_path / "ro"
    build = in_small_disk(
        folder, ["run", "--input", FIXTURES / "small", "--db", folder / "aiue.duckdb"],
        "8m", read_only=True,
    )  # fmt: skip
    assert build.returncode == 2, build.stderr
    assert f"{folder} is read-only" in one_sentence_error(build)
    read = in_small_disk(
        folder, ["metrics", "--db", folder / "aiue.duckdb", "--format", "json"], "64m",
        before=f'cp "{db}" "$AIUE_MOUNT/aiue.duckdb"', read_only=True,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)


def test_a_full_disk_says_so(tmp_path: Path) -> None:
    """The disk fills up during the build: exit 2, "No space left", a few lines, no
    traceback (dbt's own logger cannot write either, and must not print one)."""
    folder = tmp_path / "full"
    result = in_small_disk(
        folder, ["run", "--input", FIXTURES / "small", "--db", folder / "aiue.duckdb"], "2m"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    line = one_sentence_error(result)
    assert "No space left on the disk holding" in line and "free some space" in line
    assert len((result.stdout + result.stderr).splitlines()) < 15


def test_out_faults_name_the_out_file_not_the_database(db: Path, tmp_path: Path) -> None:
    """--out on a full disk (/dev/full), onto a folder, or into a read-only folder: exit 2,
    one sentence naming --out (once: "No space left on the disk holding aiue.duckdb", or an
    "unexpected" exit 1)."""
    full = aiue_process("report", "--db", db, "--out", "/dev/full")
    assert full.returncode == 2, full.stderr
    line = one_sentence_error(full)
    assert "No space left on the disk holding --out /dev/full" in line
    assert str(db) not in line and "aiue.duckdb" not in line
    folder = tmp_path / "a folder"
    folder.mkdir()
    for command in ("report", "export-focus"):
        onto = aiue_process(command, "--db", db, "--out", folder)
        assert onto.returncode == 2, onto.stderr
        assert f"--out {folder} is a folder: give the file to write" in one_sentence_error(onto)
    read_only = tmp_path / "ro"
    result = in_small_disk(
        read_only, ["report", "--db", db, "--out", read_only / "sub" / "report.html"], "8m",
        read_only=True,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"the folder {read_only} is read-only" in one_sentence_error(result)


def test_a_folder_as_db_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    """Once, `aiue run --db <a folder>` built for a minute and failed at publish."""
    result = aiue_process("run", "--input", FIXTURES / "small", "--db", tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"--db {tmp_path} is a folder" in one_sentence_error(result)
    assert "Loaded" not in result.stdout + result.stderr
    assert not (tmp_path.parent / ".aiue" / "staging").exists()
    read = aiue_process("metrics", "--db", tmp_path)
    assert read.returncode == 2 and "is a folder" in one_sentence_error(read)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_cps_refuses_numbers_that_are_not_finite(value: str, capsys: pytest.CaptureFixture) -> None:
    """Once printed $nan and $inf."""
    args = ["cps", "--tokens-per-turn", "1000", "--success-rate", "0.7"]
    with pytest.raises(SystemExit) as exited:
        aiue([*args, f"--price-per-million={value}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"'{value}' is not a finite number" in err and "$nan" not in err


# --- the demo: what `make demo` prints ------------------------------------------------------------


MONEY = re.compile(r"-?\$[\d,]+\.\d+")


def _money(cell: str) -> float:
    return 0.0 if cell == "-" else float(cell.replace("$", "").replace(",", ""))


def _table(lines: list[str], title: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (body and total) of a table printed under `title`."""
    start = lines.index(title)
    header = lines[start + 1].split()
    rows = []
    for line in lines[start + 3 :]:
        if not line.strip() or line.startswith(("*", "unallocated", "credits", "variance")):
            break
        if set(line.strip()) != {"─"}:
            rows.append(line.split())
    return header, rows


def test_make_demo_fits_120_columns_and_its_parts_add_up(tmp_path: Path) -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^demo:.*\n\t\$\(BIN\)/aiue (.+)$", makefile, re.MULTILINE)[1]
    args = recipe.split()
    assert args[:2] == ["demo", "--dir"]  # the same command, run in a scratch folder
    started = time.monotonic()
    result = aiue_process(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    print(f"demo: {time.monotonic() - started:.1f} s")
    screen = (result.stdout + result.stderr).splitlines()
    too_wide = [line for line in screen if len(line) > 120]
    assert not too_wide, too_wide

    lines = result.stdout.splitlines()
    title = next(line for line in lines if line.startswith("Where the money goes"))
    header, rows = _table(lines, title)
    parts = ["tokens", "tools", "infra", "labour"]
    assert " ".join(header).endswith("tokens $ tools $ infra $ labour $ total $ retries $")
    assert len(rows) > 10 and rows[-1][0] == "total"
    for row in rows:
        values = [_money(cell) for cell in row if MONEY.fullmatch(cell)]
        assert len(values) == 6, row  # tokens, tools, infra, labour, total, retries
        tokens, tools, infra, labour, total, _ = values
        assert abs(tokens + tools + infra + labour - total) <= 0.005 * len(parts) + 1e-9, row
    body = [[_money(c) for c in row if MONEY.fullmatch(c)] for row in rows[:-1]]
    columns = list(zip(*body, strict=True))
    assert all(sum(column) > 0 for column in columns[:4])  # every part is there to add up
    for column, shown_total in zip(columns, rows[-1][1:], strict=True):
        assert abs(sum(column) - _money(shown_total)) <= 0.005 * len(column) + 1e-9

    invoice = next(line for line in lines if line.startswith("Invoice against telemetry"))
    header, rows = _table(lines, invoice)
    # the sample's OpenAI credit is a column of its own: billed = allocated + unallocated +
    # credits, and no unallocated cell is negative
    assert header[:6] == ["provider", "billed", "$", "credits", "$", "allocated"]
    for row in rows:
        cells = [cell for cell in row if re.fullmatch(r"-?[\d,]+\.\d\d|-", cell)]
        billed, credits, allocated, unallocated = (_money(cell) for cell in cells[:4])
        assert abs(allocated + unallocated + credits - billed) <= 0.015, row
        assert unallocated >= 0 and credits <= 0, row
