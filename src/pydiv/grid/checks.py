"""Validation of the grid EMD's arguments: the two histograms, the metric,
the spacing, and the size of the flow graph they make.

Invariant: what leaves here is what the kernel accepts (C-ordered float64
masses of equal totals, a known metric code, positive finite spacings whose
costs cannot overflow), or a ValueError / TypeError naming the argument.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import as_real_array

__all__ = ["METRICS", "check_grid_shape", "check_metric", "check_spacing", "graph_size"]

# Ground metrics between cells and the kernel's codes (grid/grid_graph.hpp).
METRICS = {"cityblock": 0, "chebyshev": 1, "sqeuclidean": 2}
# The flow graph is refused beyond this many bytes (tail, head, cost and
# stencil index per arc): a sqeuclidean graph grows as d n^(1 + 1/d).
MAX_GRAPH_BYTES = 16 << 30
_ARC_BYTES = 17


def check_metric(metric: Any) -> str:
    if not isinstance(metric, str) or metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, METRICS))}, got {metric!r}")
    return metric


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
    try:
        arr = np.asarray(spacing, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"spacing must be a positive number or one per grid axis, got {spacing!r}") from None
    if arr.ndim == 0:
        arr = np.full(d, float(arr))
    elif arr.ndim != 1 or arr.shape[0] != d:
        raise ValueError(f"spacing must be a number or a sequence of {d} (one per grid axis), got shape {arr.shape}")
    if not (np.isfinite(arr).all() and (arr > 0).all()):
        raise ValueError(f"spacing must be positive and finite, got {arr.tolist()}")
    if metric == "chebyshev" and not (arr == arr[0]).all():
        raise ValueError(
            f"{metric_name}='chebyshev' needs one spacing for every axis (got {arr.tolist()}): only then is the "
            "king's-move grid graph exact; use emd2 on the dense cost matrix for unequal spacings"
        )
    top = _largest_cost(shape, arr, metric)
    cells = math.prod(shape)
    if not top * 2.0 * (cells * (d + 1) + 1) < 1e300:
        raise ValueError(f"spacing is too large: ground costs up to {top:g} overflow the solver's range")
    return [float(s) for s in arr]


def _largest_cost(shape: tuple[int, ...], spacing: np.ndarray, metric: str) -> float:
    steps = [s * (n - 1) for s, n in zip(spacing.tolist(), shape)]
    if metric == "sqeuclidean":
        return float(sum(t * t for t in steps))
    return float(sum(steps) if metric == "cityblock" else max(steps))


def graph_size(shape: tuple[int, ...], metric: str) -> tuple[int, int]:
    """Upper bounds on the (nodes, arcs) of the flow graph; a ValueError
    beyond the node ids (int32) or MAX_GRAPH_BYTES."""
    cells, d = math.prod(shape), len(shape)
    if metric == "sqeuclidean":
        nodes, arcs = (d + 1) * cells, cells * sum(shape)
    else:
        nodes = cells
        arcs = 2 * sum(cells - cells // n for n in shape) if metric == "cityblock" else cells * (3**d - 1)
    if nodes >= 2**31 - 1 or arcs * _ARC_BYTES > MAX_GRAPH_BYTES:
        raise ValueError(
            f"a {'x'.join(map(str, shape))} grid with metric={metric!r} makes a flow graph of about "
            f"{arcs:,} arcs ({arcs * _ARC_BYTES / 2**30:.1f} GiB), beyond what emd_grid accepts "
            f"({MAX_GRAPH_BYTES >> 30} GiB)"
        )
    return nodes, arcs
