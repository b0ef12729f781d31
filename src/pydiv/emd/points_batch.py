"""Batched exact p-Wasserstein distances: B pairs of point clouds of one
shape, x (B, n, d) and y (B, m, d), solved in C++ on OpenMP threads
(``src/cpp/emd/emd_batch.hpp``).

Invariant: problem k takes the path :func:`pydiv.emd.points.solve_points`
takes for ``x[k], y[k]``: the same weights (scaled by powers of two), the
same scaling of points whose costs would underflow, the same re-solve on
scaled points when costs overflow, so its distance and plan are bitwise the
single call's, whatever the thread count.  Only the problems that need
scaling are scaled (cheap screens pick them), the others go to the kernel
as given.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from ..typing import FloatArray, GroundMetric, IntArray
from .._checks import as_real_array, rescaling, shifted, thread_request, unit_max
from .batch import check_batch_weights, problems
from .points_common import FAILED, OVERFLOW, PointsOptions, points_options, scaled_distance, solve_scaled
from .result import raise_for_statuses

__all__ = ["check_cloud_batch", "solve_points_batch", "wasserstein_nd_batch"]

Plan = tuple[IntArray, IntArray, FloatArray]


def check_cloud_batch(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Batches of point clouds as C-ordered float64 (B, n, d) and (B, m, d) arrays."""
    xa, ya = as_real_array(x, "x"), as_real_array(y, "y")
    if xa.ndim != ya.ndim:
        # The 3-D one is named: with a single cloud on the other side it is the odd one.
        (name, nd), (other, od) = (("x", xa.ndim), ("y", ya.ndim)) if xa.ndim == 3 else (("y", ya.ndim), ("x", xa.ndim))
        raise ValueError(
            f"{name} must be 2-D (one point per row) or 1-D, as {other} is, or x and y both 3-D (a batch of "
            f"clouds, shape (B, points, d)); got {name} {nd}-D and {other} {od}-D"
        )
    if xa.shape[0] != ya.shape[0]:
        raise ValueError(f"x and y hold different numbers of clouds ({xa.shape[0]} and {ya.shape[0]})")
    if xa.shape[2] != ya.shape[2]:
        raise ValueError(f"x and y hold points of different dimensions ({xa.shape[2]} and {ya.shape[2]})")
    for name, arr in (("x", xa), ("y", ya)):
        if arr.shape[1] == 0:
            raise ValueError(f"{name} must hold at least one point per cloud")
    xa = np.ascontiguousarray(xa, dtype=np.float64)
    ya = np.ascontiguousarray(ya, dtype=np.float64)
    for name, arr in (("x", xa), ("y", ya)):
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=(1, 2)))
        if bad.size:
            raise ValueError(f"{name} of {problems(bad)} contains NaN or infinite coordinates; points must be finite")
    return xa, ya


def _balanced(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Row by row what _checks.balanced_weights does for one problem.
    ua, ub = unit_max(a, axis=1), unit_max(b, axis=1)
    sa, sb = ua.sum(axis=1), ub.sum(axis=1)
    differ = np.flatnonzero(sa != sb)
    if differ.size:
        ub[differ] = ub[differ] * (sa[differ] / sb[differ])[:, None]
    return ua, ub, sa


def _underflow_shifts(xa: np.ndarray, ya: np.ndarray, power: float) -> dict[int, tuple[np.ndarray, int]]:
    """The problems whose costs would all be near underflow, with the scaling
    ``rescaling`` gives each (a screen on the spans first: rescaling itself
    runs only where it may scale)."""
    d = xa.shape[2]
    if d == 0:
        return {}
    lo = np.minimum(xa.min(axis=1), ya.min(axis=1))
    hi = np.maximum(xa.max(axis=1), ya.max(axis=1))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        span = (hi - lo).max(axis=1)
        small = (span > 0) & (power * (np.log2(span) + math.log2(d)) < -899.0)
    count = xa.shape[1] + ya.shape[1]
    found = {}
    for k in np.flatnonzero(small):
        shift = rescaling(xa[k], ya[k], power, count, always=False)
        if shift is not None:
            found[int(k)] = shift
    return found


def _overflowed(
    k: int, aa: np.ndarray, bb: np.ndarray, xa: np.ndarray, ya: np.ndarray, opts: PointsOptions,
    shift: tuple[np.ndarray, int] | None,
) -> tuple[tuple[Any, ...], tuple[np.ndarray, int]]:
    # A failed problem, re-solved alone on scaled points as the single call does.
    if shift is None:
        first = (math.nan, _core.EMD_INVALID_INPUT)  # what the kernel reported for the points as given
        raw, scaled = solve_scaled(aa[k], bb[k], xa[k], ya[k], opts, first, None)
        if raw[1] not in FAILED and scaled is not None:
            return raw, scaled
    raise ValueError(f"x and y of problem {k}: {OVERFLOW}")


def solve_points_batch(
    x: ArrayLike, y: ArrayLike, a: ArrayLike | None = None, b: ArrayLike | None = None, *, p: float = 1,
    metric: GroundMetric = "euclidean",
    w: float | None = None, max_iter: int | None = None, n_jobs: int | None = None,
) -> tuple[FloatArray, list[Plan]]:
    """:func:`pydiv.emd.solve_points` for a batch of clouds.

    `x` (B, n, d), `y` (B, m, d); `a`, `b` of shape (B, n), (B, m), or (n,),
    (m,) shared by every problem, or None (uniform).  Returns the distances
    (ndarray of shape (B,)) and one plan ``(rows, cols, mass)`` per problem,
    its mass normalised to total 1: problem k's values are bitwise those of
    ``solve_points(x[k], y[k], a[k], b[k], ...)``.  Errors name the problems.
    """
    opts = points_options(p, metric, w, max_iter)
    threads = thread_request(n_jobs)
    xa, ya = check_cloud_batch(x, y)
    B, n, m = xa.shape[0], xa.shape[1], ya.shape[1]
    aa, bb, total = _balanced(check_batch_weights(a, B, n, "a", "point of x"),
                              check_batch_weights(b, B, m, "b", "point of y"))
    shifts = _underflow_shifts(xa, ya, opts.power)
    xs, ys = xa, ya
    if shifts:
        xs, ys = xa.copy(), ya.copy()
        for k, (lo, e) in shifts.items():
            xs[k], ys[k] = shifted(xa[k], lo, e), shifted(ya[k], lo, e)
    raw = _core.emd_points_batch(aa, bb, xs, ys, opts.code, opts.p, opts.w, opts.max_iter, opts.dense_max(),
                                 threads)
    cost, code, n_iter, _, _, rows, cols, mass, offsets = raw
    plans: list[Plan] = [(rows[offsets[k]:offsets[k + 1]], cols[offsets[k]:offsets[k + 1]],
                          mass[offsets[k]:offsets[k + 1]]) for k in range(B)]
    code = code.copy()
    for failed in np.flatnonzero(np.isin(code, FAILED)).tolist():
        single, shifts[failed] = _overflowed(failed, aa, bb, xa, ya, opts, shifts.get(failed))
        cost[failed], code[failed], n_iter[failed] = single[0], single[1], single[2]
        plans[failed] = (single[5], single[6], single[7])
    raise_for_statuses(code, n_iter, "wasserstein_nd", stacklevel=2)
    distances = np.array([scaled_distance(float(cost[k]), float(total[k]), opts, shifts.get(k)) for k in range(B)])
    out: list[Plan] = []
    for k, (r, c, q) in enumerate(plans):
        q = q / total[k]
        for arr in (r, c, q):
            arr.setflags(write=False)
        out.append((r, c, q))
    return distances, out


def wasserstein_nd_batch(
    x: ArrayLike, y: ArrayLike, a: ArrayLike | None = None, b: ArrayLike | None = None, *, p: float = 1,
    metric: GroundMetric = "euclidean",
    w: float | None = None, max_iter: int | None = None, n_jobs: int | None = None,
) -> FloatArray:
    """:func:`pydiv.wasserstein_nd` of a batch of clouds, x (B, n, d) and y
    (B, m, d): the B distances as an ndarray of shape (B,), each bitwise the
    value of its own call.  Arguments as :func:`solve_points_batch`."""
    return solve_points_batch(x, y, a, b, p=p, metric=metric, w=w, max_iter=max_iter, n_jobs=n_jobs)[0]
