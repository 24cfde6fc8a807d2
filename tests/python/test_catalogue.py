"""The metric catalogue and what `aiue generate` / `aiue sql` make of it (no warehouse needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
import yaml

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.metrics import catalogue, generate, sqlgen

ROOT = Path(__file__).resolve().parents[2]


def test_committed_files_match_the_catalogue(capsys: pytest.CaptureFixture) -> None:
    """`aiue generate --check` (exit 1 on drift): the committed artefacts are up to date."""
    assert aiue(["generate", "--check"]) == 0, capsys.readouterr().out


def test_check_reports_a_stale_file(tmp_path: Path) -> None:
    for relative, text in generate.generated_files().items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    assert generate.check(tmp_path) == []
    (tmp_path / generate.METRICS_DOC).write_text("edited by hand\n")
    (tmp_path / generate.METRIC_VIEWS / "aiue__metric_retired.sql").write_text("select 1\n")
    assert generate.check(tmp_path) == [
        f"differs: {generate.METRICS_DOC}",
        f"not generated (stale): {generate.METRIC_VIEWS / 'aiue__metric_retired.sql'}",
    ]
    assert generate.run_generate(check_only=True, root=tmp_path) == 1
    generate.write(tmp_path)
    assert generate.check(tmp_path) == []


def test_check_keeps_dbt_project_version_equal_to_the_package(tmp_path: Path) -> None:
    """The version is written once (ai_unit_economics.__version__): `aiue generate --check`
    fails when dbt_project.yml says otherwise, and `aiue generate` puts it right."""
    from ai_unit_economics import __version__

    for relative, text in generate.generated_files().items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    project = (ROOT / "dbt_project.yml").read_text()
    (tmp_path / "dbt_project.yml").write_text(project.replace(f'"{__version__}"', '"0.0.1"', 1))
    assert generate.check(tmp_path) == ["differs: dbt_project.yml"]
    generate.write(tmp_path)
    assert generate.check(tmp_path) == []
    assert (tmp_path / "dbt_project.yml").read_text() == project


def test_the_catalogue_is_valid() -> None:
    assert generate.validate() == []


def _semantic() -> dict:
    return yaml.safe_load((ROOT / generate.SEMANTIC_YML).read_text())


def test_metricflow_names_follow_its_rules() -> None:
    """Lowercase, no `__`, unique measure names across semantic models, labels everywhere."""
    document = _semantic()
    names: list[str] = []
    measures: list[str] = []
    for model in document["semantic_models"]:
        names.append(model["name"])
        for kind in ("entities", "dimensions", "measures"):
            names += [element["name"] for element in model[kind]]
        measures += [measure["name"] for measure in model["measures"]]
        assert all(measure.get("label") for measure in model["measures"])
    metrics = document["metrics"]
    names += [metric["name"] for metric in metrics]
    for name in names:
        assert name == name.lower() and "__" not in name and name[0].isalpha(), name
    assert len(measures) == len(set(measures))
    assert len(metrics) == len({metric["name"] for metric in metrics})
    assert all(metric["label"].strip() for metric in metrics)
    assert {metric["type"] for metric in metrics} == {"simple", "ratio", "derived"}


def test_the_semantic_layer_covers_the_issue_query() -> None:
    document = _semantic()
    intents = next(m for m in document["semantic_models"] if m["model"] == "ref('aiue__intents')")
    assert intents["entities"][0] == {
        "name": "aiue_intent",
        "type": "primary",
        "expr": "intent_id",
    }
    dimensions = {d["name"] for d in intents["dimensions"]}
    assert {"intent_date", "feature_tag", "provider_name", "response_model"} <= dimensions
    metrics = {m["name"]: m for m in document["metrics"]}
    assert metrics["aiue_success_rate"]["type_params"] == {
        "numerator": "aiue_successful_intents",
        "denominator": "aiue_labeled_intents",
    }
    assert metrics["aiue_cost_per_success"]["type_params"]["numerator"] == (
        "aiue_labeled_total_cost"
    )
    cpt = metrics["aiue_cost_per_million_tokens"]
    assert cpt["type"] == "derived"
    assert cpt["type_params"]["expr"] == "aiue_cost_per_token * 1000000"


def test_every_semantic_name_is_namespaced() -> None:
    """A user's own `total_cost` metric or `intent` entity cannot collide with the package's."""
    document = _semantic()
    names = [metric["name"] for metric in document["metrics"]]
    for model in document["semantic_models"]:
        names += [model["name"]]
        names += [element["name"] for kind in ("entities", "measures") for element in model[kind]]
    assert names and all(name.startswith(catalogue.SEMANTIC_PREFIX) for name in names)
    spine = document["models"][0]
    assert spine["time_spine"] == {"standard_granularity_column": "date_day"}


def test_every_dialect_parses_back(capsys: pytest.CaptureFixture) -> None:
    """`aiue sql --view` (each metric's view) and `aiue sql --by` for every metric parse with
    sqlglot in each of the eight dialects, reading the schema given."""
    for dialect in sqlgen.DIALECTS:
        for item in catalogue.METRICS:
            args = ["sql", "--dialect", dialect, "--metric", item.name, "--schema", "analytics"]
            assert aiue([*args, "--view"]) == 0
            statements = sqlglot.parse(capsys.readouterr().out, read=dialect)
            assert [type(statement).__name__ for statement in statements] == ["Create"]
            (create,) = statements
            assert (
                create.this.sql(dialect=dialect)
                .lower()
                .endswith(f"analytics.{sqlgen.view_model_name(item)}".lower())
            ), (dialect, item.name)
            tables = {table.name for table in create.find_all(sqlglot.exp.Table)}
            assert sqlgen.metric_source(item).relation in tables
            by = catalogue.dimensions_for(catalogue.metric_grain(item))[:2]
            assert aiue([*args, "--by", ",".join(by)]) == 0
            assert sqlglot.parse_one(capsys.readouterr().out.rstrip().rstrip(";"), read=dialect)


def test_metric_views_are_dbt_models_over_the_marts() -> None:
    """One generated model per metric (day grain), the month and all-time views and the
    build's settings, each a view reading the marts through ref() (so dbt builds it beside
    them, qualified), documented column by column; no per-dialect files remain."""
    folder = ROOT / generate.METRIC_VIEWS
    models = sorted(folder.glob("*.sql"))
    assert [path.stem for path in models] == sorted(
        [
            *(sqlgen.view_model_name(item) for item in catalogue.METRICS),
            generate.MONTH_VIEW,
            generate.ALL_TIME_VIEW,
            generate.SETTINGS_VIEW,
        ]
    )
    documented = yaml.safe_load((ROOT / generate.METRIC_VIEWS_YML).read_text())["models"]
    by_name = {model["name"]: model for model in documented}
    for item in catalogue.METRICS:
        text = (folder / f"{sqlgen.view_model_name(item)}.sql").read_text()
        assert "materialized='view'" in text
        assert f"{{{{ ref('{sqlgen.metric_source(item).relation}') }}}}" in text
        columns = by_name[sqlgen.view_model_name(item)]["columns"]
        assert item.name in [column["name"] for column in columns]
        assert all(column["description"] for column in columns)
        key = catalogue.dimensions_for(catalogue.metric_grain(item))
        # The grain: the catalogue's dimensions and the pass-through ones (var, at build time).
        arguments = {"combination": list(key), "with_passthrough_dimensions": True}
        tests = by_name[sqlgen.view_model_name(item)]["data_tests"]
        assert tests[0] == {"unique_combination": {"arguments": arguments}}
        if item.interval:  # no interval end below zero, checked by every `dbt build`
            ends = list(catalogue.interval_columns(item))
            assert tests[1] == {"row_checks": {"arguments": {"non_negative": ends}}}
    for name, key in [
        (generate.MONTH_VIEW, [catalogue.MONTH_DIMENSION, *generate.GROUP_DIMENSIONS]),
        (generate.ALL_TIME_VIEW, list(generate.GROUP_DIMENSIONS)),
    ]:
        columns = [column["name"] for column in by_name[name]["columns"]]
        assert key == columns[: len(key)]
        assert {m.name for m in catalogue.DAILY_METRICS} <= set(columns)
        assert {catalogue.SUFFICIENT_SAMPLE_COLUMN, *catalogue.INTERVAL_COLUMNS} <= set(columns)
        arguments = {"combination": key, "with_passthrough_dimensions": True}
        assert by_name[name]["data_tests"][0] == {"unique_combination": {"arguments": arguments}}
    assert not (ROOT / "metric_views").exists()


def test_a_schema_with_sql_in_it_is_refused(capsys: pytest.CaptureFixture) -> None:
    """--schema is a name, never SQL: anything else exits 2 with a sentence, before any SQL."""
    for schema in ["main; drop table x", "a b", "x') --", 'main"."x', "a.b.c.d", ""]:
        code = aiue(["sql", "--metric", "cost_per_success", "--schema", schema])
        captured = capsys.readouterr()
        if schema == "":
            assert code == 0  # empty means unqualified
            continue
        assert code == 2, schema
        assert "is not a schema name" in captured.err and captured.out == ""
        assert "Traceback" not in captured.err
    assert aiue(["sql", "--dialect", "bigquery", "--metric", "cost_per_success",
                 "--schema", "my-project.aiue"]) == 0  # fmt: skip
    assert "FROM `my-project`.aiue.aiue__unit_economics_daily" in capsys.readouterr().out


def test_sql_prints_ready_to_run_snowflake(capsys: pytest.CaptureFixture) -> None:
    assert aiue(["sql", "--dialect", "snowflake", "--metric", "cost_per_success",
                 "--by", "feature_tag", "--schema", "analytics_aiue"]) == 0  # fmt: skip
    sql = capsys.readouterr().out
    assert "FROM analytics_aiue.aiue__unit_economics_daily" in sql
    assert "AS cost_per_success" in sql and "cost_per_success_ci_low" in sql
    assert "GROUP BY\n    feature_tag" in sql
    assert sqlglot.parse_one(sql.rstrip().rstrip(";"), read="snowflake")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "cost_per_sucess"], "unknown metric 'cost_per_sucess'; choose from: "
         "success_rate, cost_per_million_tokens, cost_per_intent, cost_per_success"),
        (["--metric", "cost_per_success", "--dialect", "oracle"],
         "unknown dialect 'oracle'; choose from: duckdb, postgres, snowflake, bigquery, "
         "databricks, spark, trino, redshift."),
        (["--metric", "cost_per_success", "--by", "colour"],
         "unknown dimension 'colour'; choose from: date_day, date_month, feature_tag, "
         "provider_name, response_model, currency"),
        (["--metric", "cost_per_success", "--confidence", "1.2"], "between 0 and 1"),
    ],
)  # fmt: skip
def test_sql_errors_list_the_valid_choices(
    args: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    assert aiue(["sql", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_output_piped_into_head_stops_quietly() -> None:
    """`aiue sql ... | head -1` closes the pipe early: no traceback, exit 0."""
    aiue_bin = Path(sys.executable).parent / "aiue"
    piped = subprocess.run(
        f"'{aiue_bin}' sql --metric cost_per_success --by feature_tag | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.stdout.strip() == "WITH sums AS ("
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


def test_shapes_metrics_py_relies_on_are_unchanged() -> None:
    """The published `aiue metrics` contract, derived from the catalogue (append-only)."""
    assert catalogue.DIMENSIONS == (
        "date_day", "feature_tag", "provider_name", "response_model", "currency"
    )  # fmt: skip
    published = ["intents", "labeled_intents", "successful_intents", "success_rate", "calls",
               "tokens", "token_cost", "retry_cost", "labor_cost", "total_cost",
               "cost_per_million_tokens", "cost_per_intent", "cost_per_success",
               "escalation_rate", "avg_turns_per_intent", "is_sufficient_sample",
               "tool_cost", "failed_intents", "failed_total_cost", "failure_cost_share",
               "attempts_per_success", "cost_per_successful_intent",
               "cost_per_failed_intent", "value_per_success", "margin_per_success",
               "inference_calls_per_agent_intent", "tool_calls_per_agent_intent",
               "turns_per_agent_intent"]  # fmt: skip
    assert list(catalogue.METRIC_COLUMNS) == published  # billing columns come after
    assert {"token_cost", "retry_cost", "labor_cost", "total_cost"} <= catalogue.MONEY_COLUMNS
    assert catalogue.MONEY_COLUMNS.issubset(catalogue.METRIC_COLUMNS)
    assert not set(catalogue.INTERVAL_COLUMNS) & set(catalogue.METRIC_COLUMNS)  # opt-in only
    assert catalogue.SUMS[:3] == ("intents", "labeled_intents", "successful_intents")
    assert {"total_cost_squared", "labeled_total_cost_squared"} <= set(catalogue.SUMS)
    ratios = {ratio.name: ratio for ratio in catalogue.RATIOS}
    assert ratios["cost_per_million_tokens"] == catalogue.Ratio(
        "cost_per_million_tokens", "token_cost", "tokens", 1_000_000, "money_per_million_tokens"
    )
    assert ratios["cost_per_success"].numerator == "labeled_total_cost"
    assert catalogue.ratio_value(3, 0) is None
    assert catalogue.ratio_value(3, 4, 100) == 75.0


def test_the_daily_macro_is_generated_from_the_catalogue() -> None:
    macro = (ROOT / generate.METRICS_MACRO).read_text()
    for item in catalogue.DAILY_METRICS:
        assert f" as {item.name},\n" in macro
    for column in catalogue.INTERVAL_COLUMNS:
        assert f" as {column}" in macro
    assert "as is_sufficient_sample" in macro


def test_new_daily_columns_are_documented() -> None:
    """Every metric and interval column of aiue__unit_economics_daily is described in its YAML."""
    marts = yaml.safe_load((ROOT / "models/marts/aiue__unit_economics_daily.yml").read_text())
    daily = next(
        model for model in marts["models"] if model["name"] == "aiue__unit_economics_daily"
    )
    documented = {column["name"] for column in daily["columns"]}
    expected = {item.name for item in catalogue.DAILY_METRICS} | set(catalogue.INTERVAL_COLUMNS)
    assert expected - documented == set()


def test_the_metric_doc_lists_every_metric() -> None:
    doc = (ROOT / generate.METRICS_DOC).read_text()
    for item in catalogue.METRICS:
        assert f"| `{item.name}` | {item.label} |" in doc
    for measure in catalogue.MEASURES:
        assert f"| `{measure.name}` |" in doc
