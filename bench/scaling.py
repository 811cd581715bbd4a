"""Scaling figures shared by the validate and diff benchmarks: time per repository beyond a fixed cost."""

from __future__ import annotations

from bench.process import Spread

LINEAR_TOLERANCE = 1.25
"""Time per repository at the largest size may exceed that at 1,000 by this factor and still count as
linear (noise on a shared machine, a larger heap's cache misses)."""


def per_repository_ms(spread: Spread, fixed: Spread, size: int) -> float:
    """Median CPU milliseconds per repository, the 1-repository run's median (start-up, imports, the
    template's defaults) taken off. CPU, not wall time: other load on the machine stretches wall time,
    not the work done.
    """
    return max(0.0, spread.cpu_median - fixed.cpu_median) * 1000 / max(1, size - 1)


def linear(per_repository: dict[int, float]) -> bool:
    """Whether time per repository stays flat from 1,000 repositories to the largest size."""
    largest = max(per_repository)
    return per_repository[largest] <= LINEAR_TOLERANCE * per_repository[1000]
