"""Random draws of the sample: every one comes from a single ``random.Random``, so a seed
gives the same files. The order of draws is part of the output: reordering calls changes
every file after that point."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import timedelta


class Draws:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[tuple[str, float]]) -> str:
        names = [name for name, _ in options]
        weights = [weight for _, weight in options]
        return self.rng.choices(names, weights)[0]

    def hex(self, bits: int) -> str:
        value = 0
        while value == 0:  # all-zero ids are invalid in OpenTelemetry
            value = self.rng.getrandbits(bits)
        return f"{value:0{bits // 4}x}"

    def lognormal(self, median: float, sigma: float, low: int, high: int) -> int:
        value = self.rng.lognormvariate(math.log(median), sigma)
        return max(low, min(high, round(value)))

    def seconds(self, low: float, high: float) -> timedelta:
        return timedelta(microseconds=round(self.rng.uniform(low, high) * 1_000_000))
