"""Shared steps of the point-cloud solves (one problem and batches): the
validated options, the solve with rescaling of costs out of the solver's
range, and the distance from the solver's cost.

Costs ``d(x_i, y_j)**p`` that would leave the solver's range are brought
into it by shifting the points and dividing them by a power of two (exact);
the distance scales back by that power, and the plan, being that of the
scaled problem, is the plan of the returned distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from .._checks import (
    check_ground_metric,
    check_max_iter,
    check_minkowski_order,
    check_p,
    check_points,
    cost_power,
    rescaling,
    shifted,
)
from . import dense_max_entries

__all__ = ["FAILED", "OVERFLOW", "PointsOptions", "check_clouds", "points_options", "scaled_distance", "solve_scaled"]

FAILED = (_core.EMD_INVALID_INPUT, _core.EMD_INFEASIBLE)
OVERFLOW = (
    "the costs distance**p overflow the solver's range (2 * max cost * (n + m + 1) must stay below 1e300)"
)


@dataclass(frozen=True)
class PointsOptions:
    """Validated options of a point-cloud solve (shared by the single and batched paths)."""

    p: float
    metric: str
    code: int
    w: float
    max_iter: int
    power: float  # the largest power of a coordinate difference the kernel forms

    def dense_max(self) -> int:
        """Up to this many pairs the cost matrix is built before pricing."""
        return dense_max_entries(self.p in (1.0, 2.0) and self.metric != "minkowski")


def points_options(p: Any, metric: Any, w: Any, max_iter: Any) -> PointsOptions:
    """Check `p`, `metric`, `w` and `max_iter` (errors name the argument)."""
    pp = check_p(p)
    code = check_ground_metric(metric, "metric")
    ww = check_minkowski_order(w, metric, "metric")
    iters = check_max_iter(max_iter)
    return PointsOptions(pp, metric, code, ww, iters, cost_power(metric, ww, pp))


def scaled_distance(cost: float, total: float, opts: PointsOptions, shift: tuple[np.ndarray, int] | None) -> float:
    """W_p from the solver's cost (for weights of total `total`, on points
    scaled by ``2**-shift[1]`` when `shift` is given)."""
    distance: float = max(cost / total, 0.0) ** (1.0 / opts.p)
    if shift is not None:
        with np.errstate(over="ignore"):  # a distance beyond the float range is inf
            distance = float(np.ldexp(distance, shift[1] * (2 if opts.metric == "sqeuclidean" else 1)))
    return distance


def solve_scaled(
    aa: np.ndarray, bb: np.ndarray, xa: np.ndarray, ya: np.ndarray, opts: PointsOptions,
    first: tuple[Any, ...] | None, shift: tuple[np.ndarray, int] | None,
) -> tuple[tuple[Any, ...], tuple[np.ndarray, int] | None]:
    """The kernel's result for one problem, and the scaling it was solved at.

    `first`: the result on the points as given (None if not solved yet);
    `shift`: the scaling chosen beforehand (costs near underflow).  Every
    pair is admissible, so a failed solve means that costs overflowed (an
    infinite cost reads as a forbidden pair): then the points are scaled so
    that the costs fit, and solved again.
    """
    n, m = xa.shape[0], ya.shape[0]
    if shift is not None:
        xs, ys = (shifted(z, shift[0], shift[1]) for z in (xa, ya))
        raw = _core.emd_points(aa, bb, xs, ys, opts.code, opts.p, opts.w, opts.max_iter, opts.dense_max())
    elif first is None:
        raw = _core.emd_points(aa, bb, xa, ya, opts.code, opts.p, opts.w, opts.max_iter, opts.dense_max())
    else:
        raw = first
    if raw[1] in FAILED and shift is None:
        shift = rescaling(xa, ya, opts.power, n + m, always=True)
        if shift is not None:
            return solve_scaled(aa, bb, xa, ya, opts, None, shift)
    if raw[1] in FAILED:
        return raw, None
    return raw, shift


def check_clouds(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two point clouds as C-ordered float64 (n, d) and (m, d) arrays."""
    xa = check_points(x, "x")
    ya = check_points(y, "y")
    if xa.shape[1] != ya.shape[1]:
        raise ValueError(f"x and y hold points of different dimensions ({xa.shape[1]} and {ya.shape[1]})")
    return xa, ya


