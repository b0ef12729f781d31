"""Gradients of exact optimal transport, from the solution itself.

emd2(a, b, M), the optimal cost of the linear programme, is differentiated
by LP sensitivity: with P the optimal plan and (u, v) the Kantorovich
potentials the network simplex returns,

    d cost / d M = P,     d cost / d a = u - mean(u),     d cost / d b = v - mean(v)

(POT's convention).  The potentials are fixed only up to (u + g, v - g), and
only perturbations that keep sum(a) == sum(b) stay feasible, so the mean is
taken out; under degeneracy (several optimal potentials) this is one valid
subgradient.  With ``normalize=True`` the weights are normalised first and
the gradient is taken through that normalisation instead:
(u - <u, a_hat>) / sum(a).

wasserstein_nd(x, y) = (sum_ij P_ij d(x_i, y_j)^p)^(1/p) is differentiated
with respect to the points by the envelope theorem (the plan is optimal, so
its own change does not count):

    d W / d x_i = sum_j P_ij (d_ij / W)^(p-1) grad_x d(x_i, y_j)

(d_ij^p / W^(p-1) written as a ratio, which neither overflows nor underflows
where the distance does not), computed from the sparse plan, O((n + m) d),
without forming the cost matrix.  The gradient of a ground distance at
d = 0 is taken as 0 (a subgradient; for p > 1 it is the derivative), and for
the Chebyshev distance at a tie of coordinates the first one is used.  The
weights of wasserstein_nd are constants here (use emd2 for gradients with
respect to weights).  For p = 1 with the Euclidean distance the gradient
with respect to x is minus the gradient of the optimal Kantorovich critic.

Leading batch dimensions are solved as one batched call (OpenMP across
problems).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import emd as emd_function
from .. import emd2 as emd2_function
from .. import wasserstein_nd as wasserstein_nd_function
from ..emd.points import solve_points
from ..emd.points_batch import solve_points_batch
from . import Op, Shapes, register


def _lead(shape: tuple[int, ...] | None, event: int) -> tuple[int, ...]:
    return () if shape is None else tuple(shape[: len(shape) - event])


# ---- emd2 ------------------------------------------------------------------------------------------------------


def _emd2_batch_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    a, b, M = shapes
    return tuple(np.broadcast_shapes(_lead(a, 1), _lead(b, 1), _lead(M, 2)))


def _emd2_axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    k = len(_emd2_batch_shape(shapes, options))
    return (k,) if i < 2 else (k, k + 1)


def _through_weights(pot: np.ndarray, w: np.ndarray, normalize: bool) -> np.ndarray:
    if not normalize:
        centred: np.ndarray = pot - pot.mean(axis=-1, keepdims=True)
        return centred
    total = w.sum(axis=-1, keepdims=True)
    through: np.ndarray = (pot - np.sum(pot * w, axis=-1, keepdims=True) / total) / total
    return through


def _emd2_evaluate(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, list[Any]]:
    a, b, M = (np.asarray(x) for x in arrays)  # the solver sees the caller's dtypes (float32 mass tolerance)
    batch = _emd2_batch_shape([a.shape, b.shape, M.shape], options)
    n, m = M.shape[-2:]
    results: list[Any]
    if not batch:
        result = emd_function(a, b, M, **options)
        value = np.asarray(result.cost)
        results = [result]
    else:
        flat = math.prod(batch)
        solve: Any = emd_function  # a batch gives a list of results
        results = solve(*(np.broadcast_to(x, batch + x.shape[x.ndim - e:]).reshape((flat,) + x.shape[x.ndim - e:])
                                 for x, e in ((a, 1), (b, 1), (M, 2))), **options)
        value = np.array([r.cost for r in results]).reshape(batch)
    if not any(wants):
        return value, [None, None, None]
    normalize = bool(options.get("normalize", False))
    grads: list[Any] = [None, None, None]
    if wants[0]:
        u = np.stack([r.u for r in results]).reshape(batch + (n,))
        grads[0] = _through_weights(u, np.broadcast_to(a.astype(np.float64), batch + (n,)), normalize)
    if wants[1]:
        v = np.stack([r.v for r in results]).reshape(batch + (m,))
        grads[1] = _through_weights(v, np.broadcast_to(b.astype(np.float64), batch + (m,)), normalize)
    if wants[2]:
        plans = np.zeros((len(results), n, m))
        for k, r in enumerate(results):
            plans[k, r.rows, r.cols] = r.mass
        grads[2] = plans.reshape(batch + (n, m))
    return value, grads


register(Op("emd2", emd2_function, ("a", "b", "M"), ("a", "b", "M"), _emd2_batch_shape, _emd2_axes,
            _emd2_evaluate, vmap_method="expand_dims"))


# ---- wasserstein_nd --------------------------------------------------------------------------------------------


def _cloud_rank(shape: tuple[int, ...] | None) -> int:
    return 1 if shape is not None and len(shape) == 1 else 2


def _nd_batch_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    x, y = shapes[0], shapes[1]
    return tuple(np.broadcast_shapes(_lead(x, _cloud_rank(x)), _lead(y, _cloud_rank(y))))


def _nd_axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    k = len(_nd_batch_shape(shapes, options))
    rank = _cloud_rank(shapes[i]) if i < 2 else 1
    return tuple(range(k, k + rank))


def ground_gradient(delta: np.ndarray, metric: str, w: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(d, grad d) of the ground distance at the differences ``delta`` (k, dim); grad 0 where d = 0."""
    absd = np.abs(delta)
    sign = np.sign(delta)
    if metric == "sqeuclidean":
        return np.einsum("ij,ij->i", delta, delta), 2.0 * delta
    if metric == "cityblock":
        return absd.sum(axis=1), sign
    if metric == "chebyshev":
        top = absd.argmax(axis=1)
        grad = np.zeros_like(delta)
        rows = np.arange(delta.shape[0])
        grad[rows, top] = sign[rows, top]
        return absd[rows, top], grad
    order = 2.0 if metric == "euclidean" else (2.0 if w is None else float(w))
    d = np.linalg.norm(delta, axis=1) if order == 2.0 else np.sum(absd**order, axis=1) ** (1.0 / order)
    scale = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0) ** (order - 1.0)
    grad = (absd ** (order - 1.0) if order != 2.0 else absd) * sign * np.where(d > 0, scale, 0.0)[:, None]
    return d, grad


def plan_gradient(x: np.ndarray, y: np.ndarray, plan: tuple[np.ndarray, np.ndarray, np.ndarray], p: float,
                  metric: str, w: float | None) -> tuple[np.ndarray, np.ndarray]:
    """d W_p / d x and d W_p / d y from the optimal plan (rows, cols, mass), mass summing to 1."""
    rows, cols, mass = plan
    top = max(float(np.abs(x).max(initial=0.0)), float(np.abs(y).max(initial=0.0)))
    e = math.frexp(top)[1] if top > 0 else 0
    delta = np.ldexp(x[rows] - y[cols], -e) if e else x[rows] - y[cols]  # scaled by 2**-e, exactly
    d, grad = ground_gradient(delta, metric, w)  # d and grad of the scaled differences
    if metric == "sqeuclidean":
        grad = np.ldexp(grad, e) if e else grad  # grad of |delta|^2 is 2 delta, degree 1
    Wp = float(np.sum(mass * d**p)) ** (1.0 / p)
    if Wp == 0.0:
        return np.zeros_like(x), np.zeros_like(y)
    weight = mass * (d / Wp) ** (p - 1.0)
    contrib = weight[:, None] * grad
    gx = np.zeros_like(x)
    gy = np.zeros_like(y)
    for k in range(x.shape[1]):
        gx[:, k] = np.bincount(rows, weights=contrib[:, k], minlength=x.shape[0])
        gy[:, k] = -np.bincount(cols, weights=contrib[:, k], minlength=y.shape[0])
    return gx, gy


def _nd_vmap(shapes: Shapes) -> str:
    # Clouds of points (n, d) gain a leading batch axis as one batched solve; 1-D clouds (n,) would be
    # read as a single cloud of d = n dimensions, so those are mapped one call at a time.
    clouds = [s for s in shapes[:2] if s is not None]
    return "expand_dims" if all(len(s) >= 2 for s in clouds) else "sequential"


def _nd_evaluate(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, list[Any]]:
    x, y, a, b = arrays
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    batch = _nd_batch_shape([x.shape, y.shape], options)
    ex, ey = (z.shape[z.ndim - _cloud_rank(z.shape):] for z in (x, y))  # the clouds' own (n, d) or (n,)
    flat_x, flat_y = (z.reshape(-1, 1) if z.ndim == 1 else z for z in (x, y))
    p = float(options.get("p", 1))
    metric = options.get("metric", "euclidean")
    xs: Any
    ys: Any
    if not batch:
        single = {k: v for k, v in options.items() if k != "n_jobs"}
        distance, rows, cols, mass = solve_points(flat_x, flat_y, a, b, **single)
        value, plans, xs, ys = np.asarray(distance), [(rows, cols, mass)], [flat_x], [flat_y]
    else:
        n_b = math.prod(batch)
        xs = np.broadcast_to(x, batch + ex).reshape((n_b,) + ex)  # a single cloud against a batch: broadcast
        ys = np.broadcast_to(y, batch + ey).reshape((n_b,) + ey)
        distances, plans = solve_points_batch(xs, ys, a, b, **options)
        value = np.asarray(distances).reshape(batch)
    if not (wants[0] or wants[1]):
        return value, [None] * 4
    pairs = [plan_gradient(xk, yk, plan, p, metric, options.get("w")) for xk, yk, plan in zip(xs, ys, plans)]
    gx = np.stack([g[0] for g in pairs]).reshape(batch + ex) if wants[0] else None
    gy = np.stack([g[1] for g in pairs]).reshape(batch + ey) if wants[1] else None
    return value, [gx, gy, None, None]


register(Op("wasserstein_nd", wasserstein_nd_function, ("x", "y", "a", "b"), ("x", "y"), _nd_batch_shape, _nd_axes,
            _nd_evaluate, vmap_method=_nd_vmap))
