r"""The grid EMD metric of :func:`pydiv.pairwise`: exact EMD between histograms on one grid.

Rows are grids: `X` of shape (n, \*grid) and `Y` of shape (m, \*grid), a grid
of 1 to 3 axes (images, volumes, 1-D histograms), each row normalised to
total 1 as the other histogram metrics do.  Each entry is the cost of
:func:`pydiv.emd_grid` on the normalised pair with the ground cost
``ground_metric`` (cityblock, chebyshev: :math:`W_1`) between cell
coordinates times ``spacing``; for ``"sqeuclidean"`` the entry is
:math:`W_2 = \sqrt{\text{cost}}`, as the ``"emd"`` metric returns
:math:`W_p` and not :math:`W_p^p`.

A block of rows becomes two (K, cells) stacks, the pairs' rows, solved by
one ``_core.emd_grid`` call on OpenMP threads (a network simplex per pair on
the grid graph); stacks beyond :data:`MAX_STACK_CELLS` cells are split into
several calls, so memory stays bounded whatever the number of columns.
Invariants: every entry is bitwise the cost ``emd_grid(X[i], Y[j],
normalize=True)`` gives (its normalisation is the same exact power-of-two
scaling and division), whatever the threads; X against itself solves the
pairs i < j only, and identical rows give exactly 0.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from .. import _core
from .._checks import as_real_array
from ..grid.checks import METRICS as GROUND_METRICS
from ..grid.checks import check_spacing, graph_size
from .metric import BlockPlan, HistogramMetric, Job, register
from .rows import histograms

# Cells per kernel call at most (pairs times cells): the two input stacks and
# the two potentials the kernel returns take 32 bytes per cell, so 128 MiB.
MAX_STACK_CELLS = 1 << 22


def check_ground(ground_metric: Any) -> str:
    if ground_metric is None:
        return "cityblock"
    if not isinstance(ground_metric, str) or ground_metric not in GROUND_METRICS:
        raise ValueError(f"ground_metric must be one of {', '.join(map(repr, GROUND_METRICS))} for "
                         f"metric='emd_grid', got {ground_metric!r}")
    return ground_metric


def grids(a: Any, name: str, ground_metric: str) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], float]:
    """One side as (rows as given (n, cells), rows normalised, grid shape, pair cost)."""
    arr = as_real_array(a, name)
    if not 2 <= arr.ndim <= 4:
        raise ValueError(f"{name} must have shape (n, *grid) with a grid of 1 to 3 axes, got {arr.ndim}-D "
                         f"(shape {arr.shape})")
    shape = tuple(int(s) for s in arr.shape[1:])
    if 0 in shape:
        raise ValueError(f"the grids of {name} must not be empty, got grid shape {shape}")
    cells = math.prod(shape)
    _, arcs = graph_size(shape, ground_metric)
    raw, normalised = histograms(arr.reshape(arr.shape[0], cells), name)
    # Network simplex pivots on a grid: about arcs * sqrt(cells) operations (measured
    # within a factor of 3 for every metric); it only sizes the row blocks.
    return raw, normalised, shape, 5.0 * arcs * math.sqrt(cells)


def _pairs(i0: int, i1: int, m: int, symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every pair of rows i0..i1, row by row (symmetric: j > i only,
    the order of pdist)."""
    rows = np.arange(i0, i1)
    if not symmetric:
        return np.repeat(rows, m), np.tile(np.arange(m), rows.size)
    counts = np.maximum(m - 1 - rows, 0)
    starts = np.cumsum(counts) - counts
    ii = np.repeat(rows, counts)
    jj = np.arange(int(counts.sum())) - np.repeat(starts, counts) + ii + 1
    return ii, jj


@register
class EmdGrid(HistogramMetric):
    name = "emd_grid"
    options = ("ground_metric", "spacing")
    symmetric = True
    items = "grids"

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        options["ground_metric"] = check_ground(options["ground_metric"])
        return options

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Any:
        return grids(a, name, options["ground_metric"])

    def pair_cost(self, xs: Any, ys: Any) -> float:
        return float(xs[3])

    def plan(self, X: Any, Y: Any, weights: tuple[Any, Any], options: dict[str, Any], job: Job) -> BlockPlan:
        xs = self.prepare(X, None, "X", options)
        ys = xs if Y is None else self.prepare(Y, None, "Y", options)
        if ys[2] != xs[2]:
            raise ValueError(f"X and Y must hold grids of one shape, got grid shapes {xs[2]} and {ys[2]}")
        return self.blocks(xs, ys, options, job)

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        ground_metric, shape = options["ground_metric"], xs[2]
        spacing = check_spacing(1.0 if options["spacing"] is None else options["spacing"], shape, ground_metric,
                                "ground_metric")
        P, Q = xs[1], ys[1]
        n, m, cells = P.shape[0], Q.shape[0], P.shape[1]
        code, threads, condensed = GROUND_METRICS[ground_metric], job.threads, job.condensed
        # Every thread of a kernel call builds its own flow graph.
        pairs = n * (n - 1) // 2 if ys is xs else n * m
        graph_size(shape, ground_metric, max(1, min(pairs, threads or os.cpu_count() or 1)))
        # At least one pair per thread in each call, however large the grid.
        per_call = max(MAX_STACK_CELLS // cells, threads or os.cpu_count() or 1)

        def solve(ii: np.ndarray, jj: np.ndarray) -> tuple[np.ndarray, int]:
            costs, failed = np.empty(ii.size), 0
            for k0 in range(0, ii.size, per_call):
                k1 = min(ii.size, k0 + per_call)
                raw = _core.emd_grid(P[ii[k0:k1]], Q[jj[k0:k1]], list(shape), spacing, code, False, False, False, 0,
                                     threads)
                codes = np.asarray(raw[1])
                if (codes == _core.EMD_INTERRUPTED).any():  # the kernel normally re-raises the signal itself
                    raise KeyboardInterrupt
                costs[k0:k1] = np.where(codes == _core.EMD_OPTIMAL, raw[0], np.nan)
                failed += int((codes != _core.EMD_OPTIMAL).sum())
            if ground_metric == "sqeuclidean":
                np.sqrt(costs, out=costs)  # W2, as metric="emd" gives W_p
            return costs, failed

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            ii, jj = _pairs(i0, i1, m, symmetric)
            values, failed = solve(ii, jj)
            if condensed:
                block[:] = values  # the pairs are in pdist's order
            elif not symmetric:
                block[:] = values.reshape(i1 - i0, m)
            else:
                rows = np.arange(i0, i1)
                block[ii - i0, jj] = values
                block[rows - i0, rows] = 0.0
                inside = jj < i1  # mirrored within the block; the runner copies the rest
                block[jj[inside] - i0, ii[inside]] = values[inside]
            return failed

        return BlockPlan(n, m, self.pair_cost(xs, ys), run_block, self.groups(xs, ys, job))
