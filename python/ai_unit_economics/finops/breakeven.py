"""`aiue breakeven`: when does a self-hosted GPU beat a per-token API on raw compute cost?

The seed article's arithmetic: a GPU leased at $2/h for 730 h costs $1,460 a month, whatever
it serves; an API at $10 per 1M tokens costs $10,000 a month for 1M requests of ~1,000
tokens. Self-hosting wins above the volume where the two are equal (146,000 requests a month
there). With a throughput (tokens per GPU-hour) the GPU count grows with volume; without one
the GPU count is fixed. Labour, retries and success rates are not in this comparison: a
cheaper model that fails more can lose its GPU savings to escalations (see the metrics).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..errors import UserError

MILLION = 1_000_000
MAX_GPUS = 1_000_000


@dataclass(frozen=True)
class Assumptions:
    gpu_hourly_rate: float = 2.0
    gpus: int = 1
    hours_per_month: float = 730.0
    ops_monthly: float = 0.0
    api_price_per_million: float = 10.0
    tokens_per_request: float = 1000.0
    tokens_per_gpu_hour: float | None = None
    target_utilization: float = 1.0

    def check(self) -> None:
        positive = {
            "--gpu-hourly-rate": self.gpu_hourly_rate,
            "--hours-per-month": self.hours_per_month,
            "--api-price-per-million": self.api_price_per_million,
            "--tokens-per-request": self.tokens_per_request,
        }
        for flag, value in positive.items():
            if value <= 0:
                raise UserError(f"{flag} must be above 0, got {value}.")
        if self.gpus < 1:
            raise UserError(f"--gpus must be at least 1, got {self.gpus}.")
        if self.ops_monthly < 0:
            raise UserError(f"--ops-monthly must not be negative, got {self.ops_monthly}.")
        if self.tokens_per_gpu_hour is not None and self.tokens_per_gpu_hour <= 0:
            raise UserError(
                f"--tokens-per-gpu-hour must be above 0, got {self.tokens_per_gpu_hour}."
            )
        if not 0 < self.target_utilization <= 1:
            raise UserError(
                f"--target-utilization must be in (0, 1], got {self.target_utilization}."
            )


@dataclass(frozen=True)
class Comparison:
    requests: float
    tokens: float
    api_cost: float
    gpus: int
    self_hosted_cost: float
    utilization: float | None
    cheaper: str
    api_to_self_hosted_ratio: float


def gpu_monthly_cost(a: Assumptions, gpus: int | None = None) -> float:
    """Fixed monthly cost of `gpus` leased GPUs plus operations ($2 x 730 h = $1,460 per GPU)."""
    return (gpus or a.gpus) * a.gpu_hourly_rate * a.hours_per_month + a.ops_monthly


def api_cost(a: Assumptions, requests: float) -> float:
    return requests * a.tokens_per_request / MILLION * a.api_price_per_million


def tokens_per_gpu_month(a: Assumptions) -> float | None:
    if a.tokens_per_gpu_hour is None:
        return None
    return a.tokens_per_gpu_hour * a.hours_per_month * a.target_utilization


def gpus_needed(a: Assumptions, requests: float) -> int:
    capacity = tokens_per_gpu_month(a)
    if capacity is None:
        return a.gpus
    return max(a.gpus, math.ceil(requests * a.tokens_per_request / capacity))


def compare(a: Assumptions, requests: float) -> Comparison:
    gpus = gpus_needed(a, requests)
    api = api_cost(a, requests)
    self_hosted = gpu_monthly_cost(a, gpus)
    capacity = tokens_per_gpu_month(a)
    tokens = requests * a.tokens_per_request
    utilization = tokens / (gpus * capacity / a.target_utilization) if capacity else None
    return Comparison(
        requests=requests,
        tokens=tokens,
        api_cost=api,
        gpus=gpus,
        self_hosted_cost=self_hosted,
        utilization=utilization,
        cheaper="self-hosted" if self_hosted < api else "api",
        api_to_self_hosted_ratio=api / self_hosted,
    )


def break_even_requests(a: Assumptions) -> float | None:
    """Monthly requests above which self-hosting is cheaper; None if it never is."""
    cost_per_request = api_cost(a, 1)
    capacity = tokens_per_gpu_month(a)
    if capacity is None:
        return gpu_monthly_cost(a) / cost_per_request
    requests_per_gpu = capacity / a.tokens_per_request
    per_gpu = a.gpu_hourly_rate * a.hours_per_month
    if per_gpu >= requests_per_gpu * cost_per_request:
        return None  # even a fully used GPU costs more than the API charges for its tokens
    for gpus in range(a.gpus, MAX_GPUS):
        candidate = gpu_monthly_cost(a, gpus) / cost_per_request
        if candidate <= gpus * requests_per_gpu:
            return candidate
    return None


def parse_volumes(text: str) -> list[float]:
    """`100k,1M,10M` or `100000,1000000` as request counts."""
    factors = {"k": 1e3, "m": 1e6, "b": 1e9}
    volumes = []
    for part in (piece.strip().lower() for piece in text.split(",")):
        if not part:
            continue
        factor = factors.get(part[-1], 1.0)
        number = part[:-1] if part[-1] in factors else part
        try:
            volumes.append(float(number.replace("_", "")) * factor)
        except ValueError as error:
            raise UserError(
                f"--requests '{part}' is not a number like 100k, 1M or 250000."
            ) from error
    if not volumes or any(volume < 0 for volume in volumes):
        raise UserError("--requests needs one or more non-negative volumes, e.g. 100k,1M,10M.")
    return volumes


def render(a: Assumptions, rows: Sequence[Comparison], fmt: str) -> str:
    even = break_even_requests(a)
    if fmt == "json":
        return json.dumps(
            {
                "assumptions": asdict(a),
                "gpu_monthly_cost_per_gpu": gpu_monthly_cost(a, 1) - a.ops_monthly,
                "break_even_requests_per_month": even,
                "volumes": [asdict(row) for row in rows],
            },
            indent=2,
        )
    header = [
        "requests/month",
        "tokens/month",
        "API $/month",
        "GPUs",
        "self-hosted $/month",
        "cheaper",
        "API / self-hosted",
    ]
    body = [
        [
            f"{row.requests:,.0f}",
            f"{row.tokens:,.0f}",
            f"${row.api_cost:,.2f}",
            f"{row.gpus:,}",
            f"${row.self_hosted_cost:,.2f}",
            row.cheaper,
            f"{row.api_to_self_hosted_ratio:,.2f}x",
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(widths[i]) for i, cell in enumerate(line)) for line in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    per_gpu = a.gpu_hourly_rate * a.hours_per_month
    lines.append("")
    lines.append(
        f"One GPU: ${a.gpu_hourly_rate:,.2f}/h x {a.hours_per_month:,.0f} h = ${per_gpu:,.2f}/month"
        + (f" (+ ${a.ops_monthly:,.2f} operations)" if a.ops_monthly else "")
        + f"; API: ${a.api_price_per_million:,.2f} per 1M tokens, "
        + f"{a.tokens_per_request:,.0f} tokens/request."
    )
    lines.append(
        f"Break-even: {even:,.0f} requests/month."
        if even is not None
        else "Break-even: never; a full GPU costs more than the API for the same tokens."
    )
    lines.append("Compute only: retries, escalations and success rates are not in this comparison.")
    return "\n".join(lines)


def run_breakeven(a: Assumptions, volumes: Sequence[float], fmt: str) -> str:
    a.check()
    return render(a, [compare(a, volume) for volume in volumes], fmt)
