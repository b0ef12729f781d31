"""The rows of bench_grid.py as machine-readable tables (see _results.py).

One table per grid side, image class and ground metric: emd_grid (the
reference row) beside the dense solvers that ran on the same pair; rows that
were skipped are left out, and a row timed once has min == median == max.
"""

from __future__ import annotations

import math
from typing import Any

import _results
from _results import add_json_option, save

__all__ = ["add_json_option", "record_rows", "record_batch", "save"]


def _row(name: str, timing: Any) -> dict:
    maximum = timing.maximum if math.isfinite(timing.maximum) else timing.median
    return _results.row(name, timing.median, timing.minimum, maximum, timing.rounds)


def record_rows(rows: list[tuple[int, Any]]) -> None:
    """Keep the timed rows of `bench_side` (pairs of side and Row)."""
    for n, row in rows:
        if isinstance(row.grid, str):
            continue
        kept = [_row("pydiv.emd_grid", row.grid)]
        for solver, timing in row.dense.items():
            if not isinstance(timing, str):
                kept.append(_row(f"{solver} on the dense cost matrix", timing))
        _results.record(f"{n} x {n} grid, {row.name}, {row.metric} ground cost", kept)


def record_batch(title: str, times: dict[str, list[float]]) -> None:
    """Keep one batched row of `bench_batch`: seconds of interleaved rounds per key."""
    names = {"batch": "pydiv.emd_grid_batch", "batch n_jobs=1": "pydiv.emd_grid_batch, n_jobs=1",
             "loop": "a loop of pydiv.emd_grid"}
    rows = []
    for key, t in times.items():
        ordered = sorted(t)
        rows.append(_results.row(names.get(key, key), ordered[len(t) // 2] if len(t) % 2 else
                                 0.5 * (ordered[len(t) // 2 - 1] + ordered[len(t) // 2]), min(t), max(t), len(t)))
    _results.record(title, rows)
