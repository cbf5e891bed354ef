"""Helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time


def median_seconds(fn, runs: int = 5) -> float:
    """The median wall time of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
