"""The world the random intents come from: five product features, each with its favourite
models, turn counts, retry, success, escalation and review rates, and the models' quality,
retry and caching behaviour; so that "cheap per token" and "cheap per success" visibly
disagree. Prices are not here: they come from the price seed (prices.py)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Model:
    provider: str
    # Added to a feature's success probability (cheap models are negative).
    quality: float
    # Multiplies a feature's per-call failure (retry) probability.
    retry_mult: float
    # Probability of each of up to two extra turns (cheap models need more turns).
    extra_turn_prob: float
    supports_cache: bool
    supports_reasoning: bool
    context_window: int


MODELS: dict[str, Model] = {
    "gpt-4o-mini": Model(
        provider="openai",
        quality=-0.12,
        retry_mult=1.7,
        extra_turn_prob=0.55,
        supports_cache=True,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "gpt-4o": Model(
        provider="openai",
        quality=0.0,
        retry_mult=1.0,
        extra_turn_prob=0.15,
        supports_cache=True,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "gpt-4-turbo": Model(  # no prompt caching on gpt-4-turbo
        provider="openai",
        quality=0.04,
        retry_mult=0.7,
        extra_turn_prob=0.05,
        supports_cache=False,
        supports_reasoning=False,
        context_window=128_000,
    ),
    "claude-sonnet-4": Model(  # extended thinking: reasoning tokens inside output
        provider="anthropic",
        quality=0.06,
        retry_mult=0.6,
        extra_turn_prob=0.05,
        supports_cache=True,
        supports_reasoning=True,
        context_window=200_000,
    ),
    "claude-3-5-haiku": Model(
        provider="anthropic",
        quality=-0.07,
        retry_mult=1.3,
        extra_turn_prob=0.35,
        supports_cache=True,
        supports_reasoning=False,
        context_window=200_000,
    ),
    "gemini-2.0-flash": Model(
        provider="google",
        quality=-0.10,
        retry_mult=1.5,
        extra_turn_prob=0.45,
        supports_cache=False,
        supports_reasoning=False,
        context_window=1_000_000,
    ),
}

EMBEDDING_MODEL = "text-embedding-3-small"
EMBEDDING_PROVIDER = "openai"


@dataclass(frozen=True)
class Feature:
    name: str
    weight: float
    service: str
    agent: str
    agent_prob: float
    models: tuple[tuple[str, float], ...]
    min_turns: int
    mode_turns: int
    max_turns: int
    success: float
    escalate_on_failure: float
    review: float
    retry: float
    error_types: tuple[tuple[str, float], ...]
    tools: tuple[tuple[str, float], ...]  # (tool name, probability per turn)
    embeddings_prob: float  # probability of an embeddings call per turn
    input_median: float
    input_sigma: float
    context_growth: float  # extra share of the first turn's input per later turn
    output_median: float
    output_sigma: float
    reasoning_prob: float
    signals: tuple[tuple[str, float], ...]
    channels: tuple[tuple[str, float], ...]
    prompt_versions: tuple[str, str]  # before / after the middle of the date range


GENERIC_ERRORS: tuple[tuple[str, float], ...] = (
    ("timeout", 0.3),
    ("rate_limit", 0.3),
    ("server_error", 0.2),
    ("invalid_json", 0.2),
)

FEATURES: tuple[Feature, ...] = (
    Feature(
        name="support_chat",
        weight=0.35,
        service="support-bot",
        agent="support_agent",
        agent_prob=0.15,
        models=(("gpt-4o-mini", 0.6), ("claude-3-5-haiku", 0.25), ("gpt-4o", 0.15)),
        min_turns=2,
        mode_turns=3,
        max_turns=7,
        success=0.82,
        escalate_on_failure=0.85,
        review=0.03,
        retry=0.07,
        error_types=GENERIC_ERRORS,
        tools=(("crm_lookup", 0.35),),
        embeddings_prob=0.0,
        input_median=1800,
        input_sigma=0.6,
        context_growth=0.55,
        output_median=180,
        output_sigma=0.5,
        reasoning_prob=0.0,
        signals=(("explicit", 0.45), ("implicit", 0.45), ("evaluator", 0.10)),
        channels=(("live_chat", 0.6), ("support_ticket", 0.4)),
        prompt_versions=("support_chat@v3", "support_chat@v4"),
    ),
    Feature(
        name="code_review",
        weight=0.15,
        service="code-review-bot",
        agent="code_review_agent",
        agent_prob=0.35,
        models=(("claude-sonnet-4", 0.65), ("gpt-4o", 0.25), ("gpt-4o-mini", 0.10)),
        min_turns=1,
        mode_turns=1,
        max_turns=3,
        success=0.88,
        escalate_on_failure=0.20,
        review=0.25,
        retry=0.04,
        error_types=GENERIC_ERRORS,
        tools=(("web_search", 0.10),),
        embeddings_prob=0.0,
        input_median=6000,
        input_sigma=0.8,
        context_growth=0.3,
        output_median=700,
        output_sigma=0.6,
        reasoning_prob=0.6,
        signals=(("explicit", 0.35), ("implicit", 0.15), ("evaluator", 0.50)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("code_review@v1", "code_review@v1"),
    ),
    Feature(
        name="invoice_extraction",
        weight=0.20,
        service="invoice-pipeline",
        agent="extraction_agent",
        agent_prob=0.10,
        models=(("gpt-4o-mini", 0.55), ("gpt-4-turbo", 0.30), ("gemini-2.0-flash", 0.15)),
        min_turns=1,
        mode_turns=1,
        max_turns=1,
        success=0.93,
        escalate_on_failure=0.30,
        review=0.06,
        retry=0.20,
        error_types=(
            ("invalid_json", 0.7),
            ("timeout", 0.1),
            ("rate_limit", 0.1),
            ("server_error", 0.1),
        ),
        tools=(("sql_query", 0.20),),
        embeddings_prob=0.0,
        input_median=2000,
        input_sigma=0.4,
        context_growth=0.0,
        output_median=350,
        output_sigma=0.3,
        reasoning_prob=0.0,
        signals=(("explicit", 0.20), ("implicit", 0.10), ("evaluator", 0.70)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("invoice_extraction@v7", "invoice_extraction@v8"),
    ),
    Feature(
        name="search_answers",
        weight=0.20,
        service="search-api",
        agent="search_agent",
        agent_prob=0.20,
        models=(("gemini-2.0-flash", 0.45), ("gpt-4o-mini", 0.35), ("gpt-4o", 0.20)),
        min_turns=1,
        mode_turns=1,
        max_turns=3,
        success=0.84,
        escalate_on_failure=0.15,
        review=0.01,
        retry=0.06,
        error_types=GENERIC_ERRORS,
        tools=(("web_search", 0.60),),
        embeddings_prob=1.0,
        input_median=3500,
        input_sigma=0.7,
        context_growth=0.4,
        output_median=250,
        output_sigma=0.5,
        reasoning_prob=0.0,
        signals=(("explicit", 0.30), ("implicit", 0.60), ("evaluator", 0.10)),
        channels=(("support_ticket", 0.7), ("live_chat", 0.3)),
        prompt_versions=("search_answers@v2", "search_answers@v2"),
    ),
    Feature(
        name="doc_summarize",
        weight=0.10,
        service="doc-service",
        agent="summary_agent",
        agent_prob=0.25,
        models=(("claude-3-5-haiku", 0.40), ("claude-sonnet-4", 0.35), ("gpt-4o", 0.25)),
        min_turns=1,
        mode_turns=1,
        max_turns=2,
        success=0.90,
        escalate_on_failure=0.05,
        review=0.05,
        retry=0.05,
        error_types=(("timeout", 0.5), ("rate_limit", 0.2), ("server_error", 0.3)),
        tools=(),
        embeddings_prob=0.0,
        input_median=15000,
        input_sigma=1.0,
        context_growth=0.1,
        output_median=600,
        output_sigma=0.4,
        reasoning_prob=0.3,
        signals=(("explicit", 0.50), ("implicit", 0.40), ("evaluator", 0.10)),
        channels=(("support_ticket", 1.0),),
        prompt_versions=("doc_summarize@v1", "doc_summarize@v1"),
    ),
)

# Share of random intents whose spans carry no intent_id (the pipeline falls back to the
# conversation id), that have no outcome label, and that have two labels.
NO_INTENT_ID_RATE = 0.05
UNLABELLED_RATE = 0.08
TWO_LABELS_RATE = 0.05
REPORTED_COST_RATE = 0.02
UNSET_STATUS_RATE = 0.01
SEPARATE_TRACE_PER_TURN_RATE = 0.15
