"""The max-sliced Wasserstein distance (Deshpande et al., CVPR 2019): projected
gradient ascent on the sphere from the best of several random starts, the
gradient taken from the one-dimensional optimal (monotone) matching (see
:mod:`pydiv.sliced`)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from ..typing import FloatArray, Seed
from .._checks import check_int, check_p, check_weights
from .directions import directions_for
from .estimators import clouds_of, scale_exponent

__all__ = ["MaxSlicedResult", "max_sliced_wasserstein"]


class MaxSlicedResult(NamedTuple):
    """The max-sliced distance and the unit direction that attains it."""

    distance: float
    direction: FloatArray


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
    X: ArrayLike,
    Y: ArrayLike,
    a: ArrayLike | None = None,
    b: ArrayLike | None = None,
    *,
    p: float = 2,
    n_starts: int = 64,
    n_ascents: int = 4,
    max_iter: int = 100,
    seed: Seed = None,
) -> MaxSlicedResult:
    """Max-sliced p-Wasserstein distance max_theta W_p(theta . X, theta . Y).

    ``n_starts`` random directions are scored by the sliced kernel; from the
    ``n_ascents`` best, projected gradient ascent on the sphere (at most
    ``max_iter`` steps each) climbs to a local maximum.  Returns
    ``(distance, direction)``; the distance is never below the best start.
    """
    x, y, batched = clouds_of(X, Y)
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
    e = scale_exponent([x, y], p_value)
    x64, y64 = np.ldexp(x.astype(np.float64), -e), np.ldexp(y.astype(np.float64), -e)
    wpp = _core.sliced_wpp(x64, None if a is None else wa, y64, None if b is None else wb, theta, p_value, 0)
    best_value, best_dir = -1.0, theta[0]
    for k in np.argsort(-wpp, kind="stable")[: min(ascents, starts)]:
        value, direction = _ascend(x64, wa, y64, wb, theta[k], p_value, iters)
        value = max(value, float(wpp[k]))
        if value > best_value:
            best_value, best_dir = value, direction if value > wpp[k] else theta[k]
    return MaxSlicedResult(math.ldexp(best_value ** (1.0 / p_value), e), best_dir)


