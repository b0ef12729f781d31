"""Validation of the grid EMD's arguments: the two histograms, the metric,
the spacing, and the size of the flow graph they make.

Invariant: what leaves here is what the kernel accepts (C-ordered float64
masses of equal totals, a known metric code, positive finite spacings whose
costs cannot overflow), or a ValueError / TypeError naming the argument.
"""

from __future__ import annotations

import math
import os
from typing import Any, cast

import numpy as np

from .._checks import as_real_array, check_real
from ..typing import GridMetric

__all__ = ["METRICS", "check_grid_shape", "check_metric", "check_spacing", "graph_size"]

# Ground metrics between cells and the kernel's codes (grid/grid_graph.hpp).
METRICS = {"cityblock": 0, "chebyshev": 1, "sqeuclidean": 2}
# The flow graph is refused beyond this many bytes per solve in progress (or
# 3/4 of the machine's memory, if less): a sqeuclidean graph grows as
# d n^(1 + 1/d).  Bytes per arc: the graph (tail, head, cost, stencil index:
# 17), and for the neighbour graphs the solver's relabelled copy and its
# scratch (56 more).
MAX_GRAPH_BYTES = 16 << 30
# The smallest cost of one grid step accepted: 2^-52 above the smallest normal
# float64, so that a cost times a mass down to 2^-52 is still a normal number.
MIN_STEP_COST = float(np.finfo(np.float64).tiny) * 2.0**52
_ARC_BYTES = {"cityblock": 73, "chebyshev": 73, "sqeuclidean": 17}


def _memory_limit() -> int:
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return MAX_GRAPH_BYTES
    return min(MAX_GRAPH_BYTES, physical * 3 // 4)


def check_metric(metric: Any) -> GridMetric:
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, METRICS))}, got {metric!r}")
    return cast(GridMetric, metric)


def check_grid_shape(A: Any, B: Any, batch: bool) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """`A` and `B` as real arrays and the grid shape they share: equal shapes of
    1 to 3 axes, or for a batch (K, *shape) each, or one of them a single
    grid (*shape) shared by every pair."""
    Aa, Ba = as_real_array(A, "A"), as_real_array(B, "B")
    if batch:
        if Aa.ndim == Ba.ndim:
            if Aa.shape != Ba.shape:
                raise ValueError(f"A and B must have the same shape (K, *grid), got {Aa.shape} and {Ba.shape}")
            shape = Aa.shape[1:]
        elif Aa.ndim == Ba.ndim + 1 and Aa.shape[1:] == Ba.shape:
            shape = Ba.shape
        elif Ba.ndim == Aa.ndim + 1 and Ba.shape[1:] == Aa.shape:
            shape = Aa.shape
        else:
            raise ValueError(
                f"A and B must be batches of one grid shape, (K, *grid) each or one of them a single grid, "
                f"got shapes {Aa.shape} and {Ba.shape}"
            )
        if max(Aa.ndim, Ba.ndim) < 2:
            raise ValueError("A and B of a batch need a leading batch axis and 1 to 3 grid axes")
    else:
        if Aa.shape != Ba.shape:
            raise ValueError(f"A and B must have the same shape (one grid), got {Aa.shape} and {Ba.shape}")
        shape = Aa.shape
    if not 1 <= len(shape) <= 3:
        raise ValueError(f"the grids must have 1, 2 or 3 axes, got {len(shape)} (shape {shape})")
    if 0 in shape:
        raise ValueError(f"the grids must not be empty, got shape {shape}")
    return Aa, Ba, tuple(int(n) for n in shape)


def check_spacing(spacing: Any, shape: tuple[int, ...], metric: str, metric_name: str = "metric") -> list[float]:
    """One positive, finite spacing per axis (a scalar is shared); chebyshev
    needs one spacing for all axes (only then is its king's-move graph exact;
    `metric_name`: what the caller calls the metric argument)."""
    d = len(shape)
    what = f"a positive number or a sequence of {d} (one per grid axis)"
    value = spacing[()] if isinstance(spacing, np.ndarray) and spacing.ndim == 0 else spacing
    if isinstance(value, (str, bytes)) or not (np.ndim(value) in (0, 1)):
        raise TypeError(f"spacing must be {what}, got {spacing!r}")
    if np.ndim(value) == 0:
        arr = np.full(d, check_real(value, "spacing", what))
    else:
        items = list(value)
        if len(items) != d:
            raise ValueError(f"spacing must be a number or a sequence of {d} (one per grid axis), got {len(items)}")
        arr = np.array([check_real(v, "spacing", what) for v in items], dtype=np.float64)
    if not (np.isfinite(arr).all() and (arr > 0).all()):
        raise ValueError(f"spacing must be positive and finite, got {arr.tolist()}")
    # An axis of length 1 has no steps: its spacing enters no cost (and takes
    # another axis's, so that chebyshev's equal spacings ignore it).
    active = np.array(shape) > 1
    arr = np.where(active, arr, arr[active][0] if active.any() else 1.0)
    if metric == "chebyshev" and not (arr == arr[0]).all():
        raise ValueError(
            f"{metric_name}='chebyshev' needs one spacing for every axis (got {arr.tolist()}): only then is the "
            "king's-move grid graph exact; use emd2 on the dense cost matrix for unequal spacings"
        )
    top = _largest_cost(shape, arr, metric)
    cells = math.prod(shape)
    if not top * 2.0 * (cells * (d + 1) + 1) < 1e300:
        raise ValueError(f"spacing is too large: ground costs up to {top:g} overflow the solver's range")
    # The smallest step's cost must stay a normal number with room below it for
    # the mass it carries: subnormal costs keep a few digits only (and 0 would
    # make two different histograms equal).
    low = float(arr.min() ** 2 if metric == "sqeuclidean" else arr.min())
    if not low >= MIN_STEP_COST:
        raise ValueError(f"spacing is too small: the ground cost of one grid step, {low:g}, underflows "
                         f"(it must be at least {MIN_STEP_COST:g}); rescale the spacing and the cost with it")
    return [float(s) for s in arr]


def _largest_cost(shape: tuple[int, ...], spacing: np.ndarray, metric: str) -> float:
    steps = [s * (n - 1) for s, n in zip(spacing.tolist(), shape)]
    if metric == "sqeuclidean":
        return float(sum(t * t for t in steps))
    return float(sum(steps) if metric == "cityblock" else max(steps))


def graph_size(shape: tuple[int, ...], metric: str, solves: int = 1) -> tuple[int, int]:
    """Upper bounds on the (nodes, arcs) of the flow graph; a ValueError
    beyond the node ids (int32), or when `solves` graphs at once (one per
    thread of a batch) would need more than MAX_GRAPH_BYTES or 3/4 of memory."""
    cells, d = math.prod(shape), len(shape)
    per_arc = _ARC_BYTES[metric]
    if metric == "sqeuclidean" and d == 1:  # the dense problem, costs on the fly: O(n) memory
        nodes, arcs, per_arc = 2 * cells, cells * cells, 0
    elif metric == "sqeuclidean":
        nodes, arcs = (d + 1) * cells, cells * sum(shape)
    else:
        nodes = cells
        arcs = 2 * sum(cells - cells // n for n in shape) if metric == "cityblock" else cells * (3**d - 1)
    need, limit = arcs * per_arc * max(1, solves), _memory_limit()
    if nodes >= 2**31 - 1 or need > limit:
        raise ValueError(
            f"a {'x'.join(map(str, shape))} grid with metric={metric!r} makes a flow graph of about "
            f"{arcs:,} arcs ({need / 2**30:.1f} GiB{f' for {solves} solves at once' if solves > 1 else ''}), "
            f"beyond what emd_grid accepts ({limit / 2**30:.1f} GiB)"
        )
    return nodes, arcs
