"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import NamedTuple

import _results


class Spread(NamedTuple):
    """Seconds per call over the rounds of one measurement."""

    median: float
    min: float
    max: float
    repeats: int


def measure_spread(func: Callable[[], object], repeat: int = 7, min_time: float = 0.2) -> Spread:
    """Median, minimum and maximum seconds per call over `repeat` rounds.

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
    return Spread(statistics.median(rounds), min(rounds), max(rounds), repeat)


def measure(func: Callable[[], object], repeat: int = 7, min_time: float = 0.2) -> tuple[float, float]:
    """Median and minimum seconds per call over `repeat` rounds (see `measure_spread`)."""
    spread = measure_spread(func, repeat, min_time)
    return spread.median, spread.min


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.2f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def table(title: str, rows: list[tuple], reference: float, target: str = "") -> None:
    """Print rows of (name, median, min[, max[, repeats]]) relative to `reference`
    (pydiv's median), and keep them for ``--json`` (`_results.record`).

    A max of 0 (or none) means the row was not repeated or its spread is unknown."""
    print(f"\n{title}" + (f"   [target: {target}]" if target else ""))
    print(f"  {'implementation':<44} {'median':>11} {'min':>11} {'x pydiv':>8}")
    for name, med, mn, *_ in rows:
        print(f"  {name:<44} {fmt_time(med)} {fmt_time(mn)} {med / reference:8.2f}")
    ref = next((k for k, r in enumerate(rows) if r[1] == reference), 0)
    kept = [_results.row(r[0], r[1], r[2], r[3] if len(r) > 3 else None, r[4] if len(r) > 4 else 1) for r in rows]
    _results.record(title, kept, ref, target)


def spread_row(name: str, func: Callable[[], object], repeat: int = 7, min_time: float = 0.2) -> tuple:
    """(name, median, min, max, repeats) of `func`, a row for `table`."""
    return (name, *measure_spread(func, repeat, min_time))
