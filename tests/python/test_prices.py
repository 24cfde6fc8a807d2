"""`aiue prices`: the generated price seed reproduces genai-prices' own calc_price."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.errors import UserError
from ai_unit_economics.finops import prices
from ai_unit_economics.project import SEED_COLUMNS

genai_prices = pytest.importorskip("genai_prices")


@pytest.fixture(scope="module")
def rows() -> list[prices.PriceRow]:
    return prices.generate_rows(["openai", "anthropic", "google", "aws"])


# (genai-prices provider id, model reference, call day, input, cache read, cache write, output)
SAMPLE_CALLS = [
    ("openai", "gpt-4o", date(2025, 3, 1), 12_000, 4_000, 0, 900),
    ("openai", "gpt-4o-2024-08-06", date(2025, 3, 1), 2_000, 0, 0, 300),
    ("openai", "gpt-4o-mini", date(2026, 9, 15), 5_000, 1_000, 0, 700),
    ("openai", "gpt-4-turbo", date(2026, 9, 15), 2_400, 0, 0, 400),
    ("openai", "o3", date(2025, 6, 9), 10_000, 2_000, 0, 5_000),  # before the price cut
    ("openai", "o3", date(2025, 6, 10), 10_000, 2_000, 0, 5_000),  # from the price cut on
    ("anthropic", "claude-sonnet-4-0", date(2025, 8, 1), 1_000, 200, 100, 500),
    ("anthropic", "claude-3-5-haiku-latest", date(2025, 1, 15), 50_000, 20_000, 5_000, 1_000),
    ("anthropic", "claude-opus-4-6", date(2026, 1, 10), 150_000, 0, 0, 2_000),  # below a tier
    ("google", "gemini-2.0-flash", date(2025, 4, 1), 8_000, 0, 0, 2_000),
]


@pytest.mark.parametrize(
    ("provider", "model", "day", "input_tokens", "cache_read", "cache_write", "output_tokens"),
    SAMPLE_CALLS,
)
def test_seed_cost_equals_calc_price(
    rows: list[prices.PriceRow],
    provider: str,
    model: str,
    day: date,
    input_tokens: int,
    cache_read: int,
    cache_write: int,
    output_tokens: int,
) -> None:
    usage = genai_prices.Usage(
        input_tokens=input_tokens,
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
        output_tokens=output_tokens,
    )
    at_noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    expected = genai_prices.calc_price(
        usage, model, provider_id=provider, genai_request_timestamp=at_noon
    ).total_price
    seed_provider = prices.DEFAULT_PROVIDER_NAMES.get(provider, provider)
    actual = prices.seed_cost(
        rows, seed_provider, model, day, input_tokens, output_tokens, cache_read, cache_write
    )
    assert actual == expected, (provider, model, day)


def test_audio_tokens_are_priced_at_their_own_rate_as_genai_prices_does(
    rows: list[prices.PriceRow],
) -> None:
    """gpt-audio has audio rates in genai-prices: `aiue prices` writes them as audio_input /
    audio_output rows, and 1000 input (700 audio) + 500 output (400 audio) cost what
    genai-prices says; gpt-4o has none, so the same counts cost the text rates."""
    audio = {(r.usage_type, r.price_per_million) for r in rows if r.model == "gpt-audio"}
    assert {"audio_input", "audio_output"} <= {usage_type for usage_type, _ in audio}
    usage = genai_prices.Usage(
        input_tokens=1000, input_audio_tokens=700, output_tokens=500, output_audio_tokens=400
    )
    day = date(2026, 1, 10)
    at_noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    costs = {}
    for model in ("gpt-audio", "gpt-4o"):
        expected = genai_prices.calc_price(
            usage, model, provider_id="openai", genai_request_timestamp=at_noon
        ).total_price
        costs[model] = prices.seed_cost(
            rows, "openai", model, day, 1000, 500, audio_input_tokens=700, audio_output_tokens=400
        )
        assert costs[model] == expected, model
    text_only = prices.seed_cost(rows, "openai", "gpt-audio", day, 1000, 500)
    assert text_only is not None and text_only < costs["gpt-audio"]


def test_a_dated_price_change_becomes_two_effective_dated_rows(
    rows: list[prices.PriceRow],
) -> None:
    o3_input = [row for row in rows if (row.model, row.usage_type) == ("o3", "input")]
    assert [(r.price_per_million, r.valid_from, r.valid_to) for r in o3_input] == [
        (Decimal("10"), prices.FIRST_DAY, date(2025, 6, 10)),
        (Decimal("2"), date(2025, 6, 10), None),
    ]
    assert all(row.source.startswith(f"genai-prices {genai_prices.__version__}") for row in rows)


def test_tiered_prices_keep_the_base_rate_and_say_so(rows: list[prices.PriceRow]) -> None:
    opus = [row for row in rows if row.model == "claude-opus-4-6" and row.usage_type == "input"]
    assert opus[0].price_per_million == Decimal("5")
    assert "tiered above 200,000 input tokens" in opus[0].source


def test_dated_snapshot_names_are_rows_too_and_providers_use_telemetry_names(
    rows: list[prices.PriceRow],
) -> None:
    keys = {(row.provider, row.model) for row in rows}
    assert ("openai", "gpt-4o-2024-08-06") in keys
    assert any(provider == "aws.bedrock" for provider, _ in keys)
    assert not any(provider == "aws" for provider, _ in keys)
    assert len(keys) == len({(p, m.lower()) for p, m in keys})


def test_aiue_prices_writes_the_seed_format(tmp_path: Path) -> None:
    out = tmp_path / "seeds" / "aiue_model_prices.csv"
    assert aiue(["prices", "--out", str(out), "--provider", "openai"]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        written = list(reader)
    assert reader.fieldnames == SEED_COLUMNS["aiue_model_prices"]
    # Only usage types the pipeline prices (macros/calls.sql usage_types), audio ones included.
    macro = (Path(__file__).resolve().parents[2] / "macros" / "calls.sql").read_text()
    priced = set(re.findall(r"'usage_type': '([a-z_]+)'", macro))
    assert {row["usage_type"] for row in written} <= priced
    assert {"audio_input", "audio_output"} <= {row["usage_type"] for row in written}
    gpt4o = {r["usage_type"]: r for r in written if r["model"] == "gpt-4o"}
    assert gpt4o["input"]["price_per_million"] == "2.5"
    assert gpt4o["input"]["currency"] == "USD" and gpt4o["input"]["valid_to"] == ""


def test_unknown_provider_and_bad_rename_are_user_errors() -> None:
    with pytest.raises(UserError, match="unknown genai-prices provider 'nope'"):
        prices.generate_rows(["nope"])
    with pytest.raises(UserError, match="GENAI_PRICES_ID=TELEMETRY_NAME"):
        prices.parse_renames(["google"])
    assert prices.parse_renames(["google=gcp.gemini"]) == {"google": "gcp.gemini"}


SEED = Path(__file__).parents[2] / "seeds" / "aiue_model_prices.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_out_onto_the_dated_seed_keeps_its_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiue prices --out seeds/aiue_model_prices.csv` used to overwrite it: gpt-4o's $5 / $15
    launch price became $2.50 from 2020. Now the hand-dated rows stay as they are and
    genai-prices fills in the models they do not price; a second run gives the same file."""
    out = tmp_path / "aiue_model_prices.csv"
    out.write_bytes(SEED.read_bytes())
    before = read_rows(out)
    hand_dated = [row for row in before if not row["source"].startswith("genai-prices")]
    assert aiue(["prices", "--out", str(out), "--provider", "openai"]) == 0
    assert "Merged into" in capsys.readouterr().out
    after = read_rows(out)
    assert after[: len(hand_dated)] == hand_dated  # kept, first, unchanged
    gpt4o = [(r["usage_type"], r["price_per_million"], r["valid_from"], r["valid_to"])
             for r in after if (r["provider"], r["model"]) == ("openai", "gpt-4o")]  # fmt: skip
    assert ("input", "5.00", "2024-05-13", "2024-10-01") in gpt4o
    assert ("output", "15.00", "2024-05-13", "2024-10-01") in gpt4o
    assert ("input", "2.50", "2024-10-01", "") in gpt4o
    assert not [row for row in gpt4o if row[2] == "2020-01-01"]
    generated = [row for row in after if row["source"].startswith("genai-prices")]
    assert {row["provider"] for row in generated} == {"openai"}  # the earlier ones replaced
    assert len({(r["provider"], r["model"]) for r in generated}) > 50
    text = out.read_text()
    assert aiue(["prices", "--out", str(out), "--provider", "openai"]) == 0
    assert out.read_text() == text


def test_replace_overwrites_and_a_foreign_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "aiue_model_prices.csv"
    out.write_bytes(SEED.read_bytes())
    assert aiue(["prices", "--out", str(out), "--provider", "openai", "--replace"]) == 0
    assert all(row["source"].startswith("genai-prices") for row in read_rows(out))
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n")
    assert aiue(["prices", "--out", str(other)]) == 2
    err = capsys.readouterr().err
    assert "is not a price seed" in err and "--replace" in err
    assert other.read_text() == "a,b\n1,2\n"
