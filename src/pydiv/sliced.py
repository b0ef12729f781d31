"""Sliced Wasserstein distances between point clouds in R^d.

The sliced distance projects both clouds on L directions theta_l of the unit
sphere and averages the exact one-dimensional distances,

    SW_p(X, Y) = ( (1/L) sum_l W_p^p(theta_l . X, theta_l . Y) )^(1/p),

with the p-th root, as ``ot.sliced_wasserstein_distance``.  The C++ kernel
(``sliced/sliced.hpp``) fuses the projection (blocks of directions), a radix
sort of each projected row and the one-dimensional sorted merge of
:func:`pydiv.wasserstein_1d`, on OpenMP threads, with results independent of
the thread count; it never holds the (L, n) projected matrix.

Energy-based slicing (Nguyen and Ho, "Energy-based sliced Wasserstein
distance", NeurIPS 2023): the directions are weighted by an energy of their
own distance, sigma(theta) ~ exp(W_p^p(theta)); with directions drawn from a
proposal (``directions``), the importance-sampling estimator is

    EBSW_p^p ~ sum_l exp(w_l) w_l / sum_l exp(w_l),   w_l = W_p^p(theta_l),

biased for finite L but consistent, and never below the plain average.

The max-sliced distance (Deshpande et al., CVPR 2019) maximises W_p over the
sphere by projected gradient ascent from the best of several starts; the
gradient of W_p^p at theta is sum_k m_k p |s_k|^(p-1) sign(s_k) (x_i - y_j),
summed over the pieces (i, j, mass m_k, projected gap s_k) of the 1-D optimal
(monotone) matching, and each step moves along a great circle with a step
that halves until the value increases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from . import _core
from ._sliced_directions import directions_for
from ._validation import as_real_array, check_bool, check_int, check_p, check_weights, thread_request

__all__ = ["MaxSlicedResult", "SlicedResult", "max_sliced_wasserstein", "sliced_wasserstein"]

_WEIGHTINGS = ("uniform", "energy")


@dataclass(frozen=True)
class SlicedResult:
    """What :func:`sliced_wasserstein` computed with ``return_details=True``.

    distance: the estimate (an array of B estimates for batched input);
    wpp: W_p^p along each direction, shape (L,) or (B, L);
    weights: the estimator's weights of the directions (1/L, or the energy
    weights), same shape as ``wpp``; directions: the (L, d) unit directions.
    """

    distance: Any
    wpp: np.ndarray
    weights: np.ndarray
    directions: np.ndarray
    p: float


class MaxSlicedResult(NamedTuple):
    """The max-sliced distance and the unit direction that attains it."""

    distance: float
    direction: np.ndarray


def _cloud(x: Any, name: str, batched: bool) -> np.ndarray:
    arr = as_real_array(x, name)
    want = 3 if batched else 2
    if arr.ndim != want:
        raise ValueError(
            f"{name} must be {'a 3-D (B, n, d) batch of clouds' if batched else 'a 2-D (n, d) cloud, one point per row'}, "
            f"got {arr.ndim}-D with shape {arr.shape}" + ("; for points on a line use wasserstein_1d or x[:, None]" if arr.ndim == 1 else "")
        )
    if arr.shape[-2] == 0:
        raise ValueError(f"{name} must hold at least one point")
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} has points of dimension 0")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates; points must be finite")
    return arr


def _clouds(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    arr = as_real_array(X, "X")
    batched = arr.ndim == 3
    x, y = _cloud(arr, "X", batched), _cloud(Y, "Y", batched)
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"X and Y have points of different dimensions, {x.shape[-1]} and {y.shape[-1]}")
    if batched and x.shape[0] != y.shape[0]:
        raise ValueError(f"X and Y hold different numbers of clouds, {x.shape[0]} and {y.shape[0]}")
    if x.dtype != y.dtype:
        x, y = x.astype(np.float64), y.astype(np.float64)
    return np.ascontiguousarray(x), np.ascontiguousarray(y), batched


def _weights(w: Any, n: int, name: str, other: str) -> np.ndarray | None:
    return None if w is None else check_weights(w, n, name, other)


def _batch_weights(w: Any, shape: tuple[int, ...], name: str, other: str) -> list[np.ndarray | None]:
    """One weight vector (or None) per cloud of a (B, n, d) batch; 1-D weights are shared."""
    B, n = shape[0], shape[1]
    if w is None:
        return [None] * B
    arr = as_real_array(w, name)
    if arr.ndim == 1:
        shared = check_weights(arr, n, name, other)
        return [shared] * B
    if arr.shape != (B, n):
        raise ValueError(f"{name} must have shape ({n},) or ({B}, {n}) for a batch of {B} clouds of {n} points, got {arr.shape}")
    return [check_weights(row, n, f"{name}[{i}]", other) for i, row in enumerate(arr)]


def _scale_exponent(clouds: list[np.ndarray], p: float) -> int:
    """e such that the clouds divided by 2**e (exact) keep every W_p^p in range,
    or 0 when they are in range already: a projected difference is at most
    2 sqrt(d) max|x|, and its p-th power must neither overflow nor underflow."""
    top = max(float(np.max(np.abs(c))) for c in clouds)
    if top == 0.0:
        return 0
    log_span = math.log2(top) + 1.0 + 0.5 * math.log2(clouds[0].shape[-1])
    if -900.0 <= p * log_span <= 900.0:
        return 0
    return math.ceil(log_span)


def _estimate(wpp: np.ndarray, p: float, weighting: str) -> tuple[float, np.ndarray]:
    L = wpp.shape[-1]
    if weighting == "uniform":
        weights = np.full(L, 1.0 / L)
    else:
        energy = np.exp(wpp - wpp.max())  # exp(w_l), scaled by exp(-max w) (cancels)
        weights = energy / energy.sum()
    mean = math.fsum((weights * wpp).tolist())
    return mean ** (1.0 / p), weights


def sliced_wasserstein(
    X: Any,
    Y: Any,
    a: Any = None,
    b: Any = None,
    *,
    p: Any = 2,
    n_projections: Any = 256,
    directions: Any = "random",
    seed: Any = None,
    weighting: str = "uniform",
    return_details: Any = False,
    n_jobs: Any = None,
) -> Any:
    """Sliced p-Wasserstein distance between the clouds X (n, d) and Y (m, d).

    ``a``, ``b``: non-negative point weights (uniform when None), normalised.
    ``directions``: ``"random"``, ``"orthogonal"`` or ``"qmc"`` (``n_projections``
    of them, drawn from ``seed``), or an (L, d) array (rows normalised).
    ``weighting``: ``"uniform"`` (the mean of W_p^p) or ``"energy"`` (the
    energy-based estimator, see the module notes).  X, Y of shape (B, n, d)
    and (B, m, d) give B distances, all along the same directions.  ``n_jobs``:
    threads (None or -1: all); the result does not depend on it.  Returns
    SW_p (with the root), or a :class:`SlicedResult` when ``return_details``.
    """
    x, y, batched = _clouds(X, Y)
    p_value = check_p(p)
    if not isinstance(weighting, str) or weighting not in _WEIGHTINGS:
        raise ValueError(f"weighting must be one of {list(_WEIGHTINGS)}, got {weighting!r}")
    details = check_bool(return_details, "return_details")
    threads = thread_request(n_jobs)
    theta = directions_for(directions, n_projections, x.shape[-1], seed)
    e = _scale_exponent([x, y], p_value)
    if e:  # coordinates so large or small that W_p^p would leave the float range
        x, y = np.ldexp(x, -e).astype(x.dtype), np.ldexp(y, -e).astype(y.dtype)
    if not batched:
        wa, wb = _weights(a, x.shape[0], "a", "point of X"), _weights(b, y.shape[0], "b", "point of Y")
        wpp = _core.sliced_wpp(x, wa, y, wb, theta, p_value, threads)
        value, weights = _estimate(wpp, p_value, weighting)
        value = math.ldexp(value, e)
        return SlicedResult(value, np.ldexp(wpp, e * p_value) if e else wpp, weights, theta, p_value) if details else value
    was = _batch_weights(a, x.shape, "a", "point of X")
    wbs = _batch_weights(b, y.shape, "b", "point of Y")
    rows = [_core.sliced_wpp(x[i], was[i], y[i], wbs[i], theta, p_value, threads) for i in range(x.shape[0])]
    wpp_all = np.array(rows).reshape(x.shape[0], theta.shape[0])
    est = [_estimate(row, p_value, weighting) for row in wpp_all]
    values = np.ldexp(np.array([e[0] for e in est]), e)
    if e:
        wpp_all = wpp_all * 2.0 ** (e * p_value)
    if not details:
        return values
    return SlicedResult(values, wpp_all, np.array([e[1] for e in est]).reshape(wpp_all.shape), theta, p_value)


def _monotone_plan(px: np.ndarray, a: np.ndarray, py: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 1-D optimal plan between weighted samples: point pairs (i, j) and masses."""
    ox, oy = np.argsort(px, kind="stable"), np.argsort(py, kind="stable")
    ca, cb = np.cumsum(a[ox]), np.cumsum(b[oy])
    ca /= ca[-1]
    cb /= cb[-1]
    levels = np.union1d(ca, cb)
    lo = np.concatenate(([0.0], levels[:-1]))
    mass = levels - lo
    keep = mass > 0
    mid = 0.5 * (lo[keep] + levels[keep])
    i = np.minimum(np.searchsorted(ca, mid), len(ox) - 1)
    j = np.minimum(np.searchsorted(cb, mid), len(oy) - 1)
    return ox[i], oy[j], mass[keep]


def _value_and_gradient(x: np.ndarray, a: np.ndarray, y: np.ndarray, b: np.ndarray, theta: np.ndarray, p: float) -> tuple[float, np.ndarray]:
    px, py = x @ theta, y @ theta
    i, j, m = _monotone_plan(px, a, py, b)
    s = px[i] - py[j]
    value = float(np.dot(m, np.abs(s) ** p))
    coef = m * p * np.abs(s) ** (p - 1.0) * np.sign(s)
    grad = coef @ (x[i] - y[j])
    return value, grad


def _ascend(x: np.ndarray, a: np.ndarray, y: np.ndarray, b: np.ndarray, theta: np.ndarray, p: float, max_iter: int) -> tuple[float, np.ndarray]:
    value, grad = _value_and_gradient(x, a, y, b, theta, p)
    step = 0.5
    for _ in range(max_iter):
        tangent = grad - np.dot(grad, theta) * theta
        norm = float(np.linalg.norm(tangent))
        if norm == 0.0:
            break
        u = tangent / norm
        while step > 1e-12:
            cand = math.cos(step) * theta + math.sin(step) * u
            cand /= np.linalg.norm(cand)
            cv, cg = _value_and_gradient(x, a, y, b, cand, p)
            if cv > value:
                theta, value, grad = cand, cv, cg
                step = min(1.0, step * 1.5)
                break
            step *= 0.5
        else:
            break
    return value, theta


def max_sliced_wasserstein(
    X: Any,
    Y: Any,
    a: Any = None,
    b: Any = None,
    *,
    p: Any = 2,
    n_starts: Any = 64,
    n_ascents: Any = 4,
    max_iter: Any = 100,
    seed: Any = None,
) -> MaxSlicedResult:
    """Max-sliced p-Wasserstein distance max_theta W_p(theta . X, theta . Y).

    ``n_starts`` random directions are scored by the sliced kernel; from the
    ``n_ascents`` best, projected gradient ascent on the sphere (at most
    ``max_iter`` steps each) climbs to a local maximum.  Returns
    ``(distance, direction)``; the distance is never below the best start.
    """
    x, y, batched = _clouds(X, Y)
    if batched:
        raise ValueError("X must be a 2-D (n, d) cloud for max_sliced_wasserstein, got a 3-D batch")
    p_value = check_p(p)
    starts = check_int(n_starts, "n_starts", "a positive integer")
    ascents = check_int(n_ascents, "n_ascents", "a positive integer")
    iters = check_int(max_iter, "max_iter", "a non-negative integer")
    if starts < 1 or ascents < 1 or iters < 0:
        raise ValueError("n_starts and n_ascents must be >= 1 and max_iter >= 0")
    wa = check_weights(a, x.shape[0], "a", "point of X")
    wb = check_weights(b, y.shape[0], "b", "point of Y")
    theta = directions_for("random", starts, x.shape[-1], seed)
    e = _scale_exponent([x, y], p_value)
    x64, y64 = np.ldexp(x.astype(np.float64), -e), np.ldexp(y.astype(np.float64), -e)
    wpp = _core.sliced_wpp(x64, None if a is None else wa, y64, None if b is None else wb, theta, p_value, 0)
    best_value, best_dir = -1.0, theta[0]
    for k in np.argsort(-wpp, kind="stable")[: min(ascents, starts)]:
        value, direction = _ascend(x64, wa, y64, wb, theta[k], p_value, iters)
        value = max(value, float(wpp[k]))
        if value > best_value:
            best_value, best_dir = value, direction if value > wpp[k] else theta[k]
    return MaxSlicedResult(math.ldexp(best_value ** (1.0 / p_value), e), best_dir)


def _sliced_matrix(
    clouds_a: list[np.ndarray],
    clouds_b: list[np.ndarray] | None,
    directions: np.ndarray,
    p: float,
    weights_a: list[np.ndarray] | None = None,
    weights_b: list[np.ndarray] | None = None,
    n_jobs: Any = None,
) -> np.ndarray:
    """SW_p between every cloud of clouds_a and every cloud of clouds_b (None: clouds_a itself).

    The inputs are trusted (validated clouds of one dimension and float
    dtype, unit directions): the pairwise registry's preparation.
    """
    def pack(clouds: list[np.ndarray], weights: list[np.ndarray] | None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        offsets = np.concatenate(([0], np.cumsum([len(c) for c in clouds]))).astype(np.int64)
        coords = np.ascontiguousarray(np.concatenate(clouds))
        w = None if weights is None else np.ascontiguousarray(np.concatenate(weights), dtype=np.float64)
        return coords, w, offsets

    xa, wa, oa = pack(clouds_a, weights_a)
    same = clouds_b is None
    xb, wb, ob = (xa, wa, oa) if same else pack(clouds_b, weights_b)  # type: ignore[arg-type]
    if xa.dtype != xb.dtype:
        xa, xb = xa.astype(np.float64), xb.astype(np.float64)
    e = _scale_exponent([xa, xb], p)
    if e:
        xa, xb = np.ldexp(xa, -e).astype(xa.dtype), np.ldexp(xb, -e).astype(xb.dtype)
    sums = _core.sliced_pairs(xa, wa, oa, xb, wb, ob, same, directions, p, thread_request(n_jobs))
    out: np.ndarray = np.ldexp((sums / directions.shape[0]) ** (1.0 / p), e)
    return out
