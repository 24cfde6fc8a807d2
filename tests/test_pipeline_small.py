"""Every metric of a four-intent fixture, worked out by hand through the full dbt build.

Prices (tests/fixtures/small/seeds): model-a input $1/1M before 2026-01-02 and $2/1M from
it, output $4/1M, cache read $0.50/1M, no cache-write price (falls back to input);
model-b input $10/1M, output $20/1M. Tool web_search $0.005 (bundled seed). Escalation
10 min x $90/h = $15; review 2 min x $60/h = $2.

i1 (f1, 2026-01-01): s1 failed, 1000 in            -> 1000 x 1e-6               = 0.001
                     s2 retry, 1000 in (400 cached), 500 out
                                                   -> 600x1e-6 + 400x0.5e-6 + 500x4e-6 = 0.0028
                     s3 tool web_search            -> 0.005
                     s0 agent span (repeats children's tokens) -> not counted
                     token 0.0038, retry 0.0038, tool 0.005, total 0.0088, success
i2 (f1, 2026-01-02): s4 model-a 1000 in, 1000 out  -> 1000x2e-6 + 1000x4e-6      = 0.006
                     s5 model-b 100 in, 100 out    -> 100x10e-6 + 100x20e-6      = 0.003
                     escalated + reviewed          -> 15 + 2 = 17; total 17.009; failed
conv-3 (f1, 2026-01-02, no intent_id, no label):
                     s6 model-b 1000 in (200 cache write), 0 out
                                                   -> 800x10e-6 + 200x10e-6      = 0.010
i4 (f2, 2026-01-01): s7 model-b 500 in, 250 out    -> 0.005 + 0.005 = 0.01; labelled twice,
                     the later label (success) wins
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ai_unit_economics.builder.pipeline import build_notes
from ai_unit_economics.cli import main as aiue

from .conftest import FIXTURES, Build, build

D = Decimal


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(FIXTURES / "small", tmp_path_factory.mktemp("small") / "aiue.duckdb")


def test_calls_are_priced_at_the_rate_valid_on_their_day(small: Build) -> None:
    costs = dict(small.query("select span_id, cost from main_aiue.aiue__llm_calls"))
    assert costs == {
        "s1": D("0.001"),
        "s2": D("0.0028"),
        "s3": D("0.005"),
        "s4": D("0.006"),
        "s5": D("0.003"),
        "s6": D("0.010"),
        "s7": D("0.01"),
    }


def test_agent_spans_are_not_double_counted(small: Build) -> None:
    rejected = small.records("select span_id, rejection_kind from main_aiue.aiue__rejected_spans")
    assert rejected == [{"span_id": "s0", "rejection_kind": "not_a_call"}]
    tokens = small.query("select sum(tokens) from main_aiue.aiue__intents where intent_id = 'i1'")
    assert tokens == [(2500,)]


def test_intents_roll_up_costs_labels_and_fallback_ids(small: Build) -> None:
    rows = {row["intent_id"]: row for row in small.records("select * from main_aiue.aiue__intents")}
    assert set(rows) == {"i1", "i2", "conv-3", "i4"}
    i1, i2, conv3, i4 = rows["i1"], rows["i2"], rows["conv-3"], rows["i4"]
    assert (i1["token_cost"], i1["retry_cost"], i1["tool_cost"], i1["total_cost"]) == (
        D("0.0038"),
        D("0.0038"),
        D("0.005"),
        D("0.0088"),
    )
    assert (i1["calls"], i1["retry_calls"], i1["failed_calls"], i1["turns"]) == (3, 1, 1, 1)
    assert i1["is_success"] is True
    assert (i2["escalation_cost"], i2["review_cost"], i2["total_cost"]) == (
        D(15),
        D(2),
        D("17.009"),
    )
    assert (i2["response_model"], i2["turns"], str(i2["intent_date"])) == (
        "model-a",
        2,
        "2026-01-02",
    )
    assert (conv3["label_state"], conv3["is_success"], conv3["response_model"]) == (
        "unlabeled",
        None,
        "model-b",
    )
    assert conv3["total_cost"] == D("0.010")
    assert (i4["is_success"], i4["outcome_signal"], i4["turns"]) == (True, "explicit", 1)


def test_every_metric_matches_the_hand_computation(
    small: Build, capsys: pytest.CaptureFixture
) -> None:
    assert (
        aiue(
            [
                "metrics",
                "--db",
                str(small.db_path),
                "--by",
                "feature_tag,response_model",
                "--format",
                "json",
            ]
        )
        == 0
    )
    records = {
        (r["feature_tag"], r["response_model"]): r for r in json.loads(capsys.readouterr().out)
    }
    f1a = records[("f1", "model-a")]
    assert list(f1a) == [
        "feature_tag",
        "response_model",
        "intents",
        "labeled_intents",
        "successful_intents",
        "success_rate",
        "calls",
        "tokens",
        "token_cost",
        "retry_cost",
        "labor_cost",
        "total_cost",
        "cost_per_million_tokens",
        "cost_per_intent",
        "cost_per_success",
        "escalation_rate",
        "avg_turns_per_intent",
        "is_sufficient_sample",
        "tool_cost",
        "failed_intents",
        "failed_total_cost",
        "failure_cost_share",
        "attempts_per_success",
        "cost_per_successful_intent",
        "cost_per_failed_intent",
        "value_per_success",
        "margin_per_success",
        "inference_calls_per_agent_intent",
        "tool_calls_per_agent_intent",
        "turns_per_agent_intent",
    ]
    assert {
        k: f1a[k] for k in ("intents", "labeled_intents", "successful_intents", "calls", "tokens")
    } == {"intents": 2, "labeled_intents": 2, "successful_intents": 1, "calls": 5, "tokens": 4700}
    assert f1a["token_cost"] == pytest.approx(0.0128, rel=1e-12)
    assert f1a["retry_cost"] == pytest.approx(0.0038, rel=1e-12)
    assert f1a["tool_cost"] == pytest.approx(0.005, rel=1e-12)  # s3's web_search
    assert f1a["labor_cost"] == pytest.approx(17, rel=1e-12)
    assert f1a["total_cost"] == pytest.approx(17.0178, rel=1e-12)
    assert f1a["success_rate"] == pytest.approx(0.5, rel=1e-12)
    assert f1a["cost_per_million_tokens"] == pytest.approx(0.0128 / 4700 * 1e6, rel=1e-12)
    assert f1a["cost_per_intent"] == pytest.approx(17.0178 / 2, rel=1e-12)
    assert f1a["cost_per_success"] == pytest.approx(17.0178, rel=1e-12)
    assert f1a["escalation_rate"] == pytest.approx(0.5, rel=1e-12)
    assert f1a["avg_turns_per_intent"] == pytest.approx(1.5, rel=1e-12)
    assert f1a["is_sufficient_sample"] is False
    # The waste: i2 failed and cost 17.009 (17.019 on 2026-01-02, less conv-3's 0.010: see
    # the date-filter test below), i1 succeeded for 17.0178 - 17.009 = 0.0088.
    assert f1a["failed_intents"] == 1
    assert f1a["failed_total_cost"] == pytest.approx(17.009, rel=1e-12)
    assert f1a["failure_cost_share"] == pytest.approx(17.009 / 17.0178, rel=1e-12)
    assert f1a["attempts_per_success"] == pytest.approx(2.0, rel=1e-12)
    assert f1a["cost_per_successful_intent"] == pytest.approx(0.0088, rel=1e-9)
    assert f1a["cost_per_failed_intent"] == pytest.approx(17.009, rel=1e-12)
    # Value (seeds/aiue_outcome_values.csv: an f1 success is worth 20): the margin carries
    # every labelled intent's cost, so it is value minus CPS.
    assert f1a["value_per_success"] == pytest.approx(20, rel=1e-12)
    assert f1a["margin_per_success"] == pytest.approx(20 - 0.0088 - 17.009, rel=1e-12)
    # Steps per agent intent: i1 is f1/model-a's one agent intent (its invoke_agent root s0):
    # 2 model calls (s1 and its retry s2), 1 tool call (s3), 1 turn; i2 has no agent run.
    assert (
        f1a["inference_calls_per_agent_intent"],
        f1a["tool_calls_per_agent_intent"],
        f1a["turns_per_agent_intent"],
    ) == (2.0, 1.0, 1.0)

    f1b = records[("f1", "model-b")]  # conv-3 only: unlabelled, so no success rate or CPS
    assert (
        f1b["intents"],
        f1b["labeled_intents"],
        f1b["success_rate"],
        f1b["cost_per_success"],
    ) == (1, 0, None, None)
    assert f1b["cost_per_intent"] == pytest.approx(0.010, rel=1e-12)
    assert (f1b["value_per_success"], f1b["margin_per_success"]) == (None, None)  # unlabelled
    assert f1b["cost_per_million_tokens"] == pytest.approx(10.0, rel=1e-12)

    f2b = records[("f2", "model-b")]
    assert (f2b["successful_intents"], f2b["success_rate"]) == (1, 1.0)
    assert f2b["cost_per_success"] == pytest.approx(0.01, rel=1e-12)
    assert (f2b["failed_intents"], f2b["failure_cost_share"], f2b["attempts_per_success"]) == (
        0,
        0.0,
        1.0,
    )
    assert f2b["cost_per_failed_intent"] is None  # no failure to average
    assert (f2b["value_per_success"], f2b["margin_per_success"]) == (None, None)  # no value
    assert f2b["inference_calls_per_agent_intent"] is None  # no agent intent
    assert f2b["cost_per_million_tokens"] == pytest.approx(0.01 / 750 * 1e6, rel=1e-12)


def test_cost_percentiles_and_runaway_intents_match_the_hand_computation(small: Build) -> None:
    """P-th percentile = the cost of the intent at rank ceil(P x n / 100), cheapest first.
    f1/model-a has i1 (0.0088) and i2 (17.009): P50 is rank 1 (0.0088), P95 and P99 rank
    ceil(1.9) = 2 (17.009). Runaways are judged on machine cost, so i2's escalation does not
    make it one."""
    rows = {
        (r["feature_tag"], r["response_model"]): r
        for r in small.records("select * from main_aiue.aiue__intent_cost_percentiles")
    }
    assert set(rows) == {("f1", "model-a"), ("f1", "model-b"), ("f2", "model-b")}
    f1a = rows[("f1", "model-a")]
    assert (f1a["date_month"].isoformat(), f1a["intents"]) == ("2026-01-01", 2)
    assert (
        f1a["p50_cost_per_intent"],
        f1a["p95_cost_per_intent"],
        f1a["p99_cost_per_intent"],
        f1a["max_cost_per_intent"],
    ) == (D("0.0088"), D("17.009"), D("17.009"), D("17.009"))
    for key, cost in ((("f1", "model-b"), D("0.010")), (("f2", "model-b"), D("0.01"))):
        assert {rows[key][f"p{p}_cost_per_intent"] for p in (50, 95, 99)} == {cost}

    # f1's machine costs (labour left out): i1 0.0088, i2 0.009 (its 17 is an escalation and
    # a review), conv-3 0.010: median 0.009, nobody over 10x; no intent makes 50 calls.
    assert small.records("select * from main_aiue.aiue__runaway_intents") == []
    assert not [note for note in build_notes("duckdb", small.db_path) if "runaway" in note]


def test_the_report_says_what_failure_costs(small: Build, tmp_path: Path) -> None:
    """The report's failure table, by hand: f1/model-a spent 17.009 of 17.0178 on its failed
    intent i2 (99.9%), 2 attempts per success, 0.0088 per successful and 17.009 per failed
    intent, and no runaway (i2's 17 is labour); its agent intent i1 made 2 model calls and 1
    tool call. f2/model-b failed nothing and has no agent intent; f1/model-b has no label and
    no runaway, so no row."""
    out = tmp_path / "report.html"
    assert aiue(["report", "--db", str(small.db_path), "--out", str(out)]) == 0
    page = out.read_text()
    table = page[page.index("<table id=waste-table>") :]
    table = table[: table.index("</table>")]
    cells = [
        re.findall(r"<td[^>]*>(.*?)</td>", row)
        for row in table.split("<tbody>")[1].split("</tr>")[:-1]
    ]
    assert [row[0] for row in cells] == ["f1 · model-a", "f2 · model-b"]
    f1a, f2b = cells
    assert f1a[1:5] == ["2", "1", "99.9%", "2.00"]
    assert (f1a[5], f1a[7], f1a[9:]) == ("$0.0088", "$17.0090", ["0", "$0.00", "2.0 · 1.0"])
    assert f2b[1:5] == ["1", "0", "0.0%", "1.00"]
    assert (f2b[7], f2b[9:]) == ("–", ["0", "$0.00", "–"])


def test_date_filter_and_regrouping_re_aggregate_sums(
    small: Build, capsys: pytest.CaptureFixture
) -> None:
    aiue(
        [
            "metrics",
            "--db",
            str(small.db_path),
            "--by",
            "feature_tag",
            "--from",
            "2026-01-02",
            "--to",
            "2026-01-02",
            "--format",
            "json",
        ]
    )
    (f1,) = json.loads(capsys.readouterr().out)  # i2 and conv-3
    assert (f1["feature_tag"], f1["intents"], f1["labeled_intents"]) == ("f1", 2, 1)
    assert f1["total_cost"] == pytest.approx(17.019, rel=1e-12)
    assert f1["cost_per_intent"] == pytest.approx(17.019 / 2, rel=1e-12)
    assert f1["cost_per_success"] is None  # its one labelled intent failed


def test_editing_the_escalation_seed_moves_cps_by_the_hand_computed_amount(
    small: Build, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    edited = tmp_path / "input"
    shutil.copytree(FIXTURES / "small", edited)
    (edited / "seeds" / "aiue_escalation_costs.csv").write_text(
        "feature_tag,escalation_channel,minutes_per_ticket,loaded_hourly_rate,cost_per_ticket,currency,valid_from,valid_to\n"
        "*,*,10,90,25,USD,2026-01-01,\n"
    )
    rebuilt = build(edited, tmp_path / "aiue.duckdb")

    def cps(db: Build) -> float:
        capsys.readouterr()
        aiue(
            [
                "metrics",
                "--db",
                str(db.db_path),
                "--by",
                "feature_tag,response_model",
                "--format",
                "json",
            ]
        )
        records = json.loads(capsys.readouterr().out)
        return next(
            r for r in records if (r["feature_tag"], r["response_model"]) == ("f1", "model-a")
        )["cost_per_success"]

    # One escalated intent (i2) over one success: a ticket at $25 instead of $15 adds $10.
    assert cps(rebuilt) - cps(small) == pytest.approx(10.0, rel=1e-9)


def test_the_builds_seed_folder_keeps_the_seeds_after_dbt(small: Build) -> None:
    """dbt writes each seed's load SQL over the seed's own file when the seed path is absolute
    (the build's .aiue/seeds is): the run puts the CSVs back, so the folder holds the seeds
    the build used, byte for byte."""
    folder = small.db_path.parent / ".aiue" / "seeds"
    for copy in (FIXTURES / "small" / "seeds").glob("*.csv"):
        assert (folder / copy.name).read_bytes() == copy.read_bytes(), copy.name
    bundled = FIXTURES.parents[1] / "seeds" / "aiue_focus_sku_map.csv"
    assert (folder / bundled.name).read_bytes() == bundled.read_bytes()
