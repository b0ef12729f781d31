"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(func: Callable[[], object], repeat: int = 7, min_time: float = 0.2) -> tuple[float, float]:
    """Median and minimum seconds per call over `repeat` rounds.

    Each round runs enough calls to last about ``min_time / repeat`` seconds,
    so that microsecond calls are timed in bulk.
    """
    func()  # warm up: first-call costs (imports, page faults) are not the steady state
    t0 = time.perf_counter()
    func()
    once = max(time.perf_counter() - t0, 1e-7)
    number = max(1, int(min_time / repeat / once))
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            func()
        rounds.append((time.perf_counter() - t0) / number)
    return statistics.median(rounds), min(rounds)


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.2f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def table(title: str, rows: list[tuple[str, float, float, float]], reference: float, target: str = "") -> None:
    """Print rows of (name, median, min, ratio target) relative to `reference` (pydiv's median)."""
    print(f"\n{title}" + (f"   [target: {target}]" if target else ""))
    print(f"  {'implementation':<44} {'median':>11} {'min':>11} {'x pydiv':>8}")
    for name, med, mn, _ in rows:
        print(f"  {name:<44} {fmt_time(med)} {fmt_time(mn)} {med / reference:8.2f}")
