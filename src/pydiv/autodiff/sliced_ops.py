"""Gradients of sliced_wasserstein and max_sliced_wasserstein.

Sliced.  With directions theta_l (those the forward call used: it is called
once, with ``return_details=True``, so random directions and a seed that is a
Generator are drawn once), W_l = W_p^p(theta_l . X, theta_l . Y) and the
estimate S = sum_l omega_l W_l, SW_p = S^(1/p):

    d SW_p / d X_i = (1/p) S^(1/p - 1) sum_l c_l (d W_l / d (theta_l . X_i)) theta_l

with the 1-D gradient of the projected values from the sorted matching
(:mod:`.matching1d`, conventions of :mod:`.wasserstein_ops`), and likewise for
Y; for the weights a, b the dual potentials of each direction replace the
value gradients, then the normalisation Jacobian (a, b are normalised).
c_l = d S / d W_l is omega_l = 1/L for ``weighting="uniform"``; for
``"energy"``, omega = softmax(W) and

    d S / d W_l = omega_l + sum_k W_k omega_k (delta_kl - omega_l) = omega_l (1 + W_l - S),

exact as well (the directions do not depend on the clouds).  The function
scales clouds by an exact power of two 2**e (``scale_exponent``) when W_p^p
would leave the float range, and computes the energy weights from the scaled
W_l; the gradients are computed in the same units, so they are those of the
function as it is.  Directions are processed in blocks (no (L, n) matrix of
all projections is held).

Max-sliced.  The value is max over the sphere of W_p(theta . X, theta . Y),
attained (locally: projected gradient ascent finds a local maximum) at the
returned direction theta*.  By Danskin's theorem the gradient with respect to
X, Y, a, b is that of W_p(theta* . X, theta* . Y) with theta* held fixed: the
exact gradient where the maximiser is unique and the projections on it have
no ties.  The maximum of theta -> W_p^p, a minimum over couplings, often
lies where two matchings are optimal (tied projections); there the gradient
is that of the matching the stable order picks, one-sided, not necessarily
the gradient of the maximum.  The adapters get the distance as the value
(the direction is not differentiated).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..sliced import max_sliced_wasserstein, sliced_wasserstein
from .._checks import check_p
from ..sliced.estimators import clouds_of, scale_exponent
from . import Op, Shapes, register
from .matching1d import (
    cost_derivative,
    dual_potentials,
    gather,
    monotone_matching,
    piece_gradients,
    sort_rows,
    through_normalisation,
    unsort,
)

Grads = list["np.ndarray | None"]

# Rows of projections sorted together: about this many projected values per block.
BLOCK_VALUES = 1 << 21


def _value_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    X = shapes[0]
    if X is None or len(X) not in (2, 3):
        raise ValueError(f"X must be a 2-D (n, d) cloud or a 3-D (B, n, d) batch, got shape {X}")
    return () if len(X) == 2 else (X[0],)


def _max_value_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    X = shapes[0]
    if X is None or len(X) != 2:
        raise ValueError(f"X must be a 2-D (n, d) cloud for max_sliced_wasserstein, got shape {X}")
    return ()


def _axes_of(value_shape: Any) -> Any:
    def axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
        k = len(value_shape(shapes, options))
        core = 2 if i < 2 else 1  # a point (n, d) or a weight vector (n,) per distribution
        return tuple(range(k, k + core))

    return axes


def _repeated(w: np.ndarray | None, rows: int) -> np.ndarray | None:
    """One weight vector as ``rows`` identical rows (every direction has the same weights)."""
    return None if w is None else np.broadcast_to(w, (rows, w.shape[0]))


class _Accumulator:
    """Sums over directions of one cloud pair: c_l times the 1-D gradients, mapped back along theta_l."""

    def __init__(self, x: np.ndarray, y: np.ndarray, a: np.ndarray | None, b: np.ndarray | None, wants: tuple[bool, ...]):
        self.x, self.y, self.a, self.b, self.wants = x, y, a, b, wants
        self.out = [np.zeros(x.shape), np.zeros(y.shape), np.zeros(x.shape[0]), np.zeros(y.shape[0])]

    def add(self, theta: np.ndarray, p: float, coef: Any) -> None:
        """Directions theta (Lb, d) (units of the scaled clouds); coef(W_tilde (Lb,)) -> c (Lb,)."""
        Lb = theta.shape[0]
        u = sort_rows(np.ascontiguousarray((self.x @ theta.T).T), _repeated(self.a, Lb))
        v = sort_rows(np.ascontiguousarray((self.y @ theta.T).T), _repeated(self.b, Lb))
        i, j, dm = monotone_matching(u, v)
        t = gather(u.values, i) - gather(v.values, j)
        cost = np.abs(t) ** p
        c = coef(np.sum(dm * cost, axis=-1))[:, None]
        if self.wants[0] or self.wants[1]:
            gu, gv = piece_gradients(dm * cost_derivative(t, p) * c, i, j, u, v)
            self.out[0] += unsort(gu, u.order).T @ theta
            self.out[1] += unsort(gv, v.order).T @ theta
        if self.wants[2] or self.wants[3]:
            f, g = dual_potentials(i, cost, u, v)
            # sum_l c_l f_l, normalised per direction (every row has the same weights)
            self.out[2] += unsort(through_normalisation(f * c, u), u.order).sum(axis=0)
            self.out[3] += unsort(through_normalisation(g * c, v), v.order).sum(axis=0)


def _pair(x: np.ndarray, y: np.ndarray, a: Any, b: Any, theta: np.ndarray, omega: np.ndarray,
          r: float, p: float, energy: bool, sigma: float, wants: tuple[bool, ...]) -> Grads:
    """Gradients of SW_p for one cloud pair; r = SW_p / sigma, the clouds already in units of sigma."""
    acc = _Accumulator(x, y, a, b, wants)
    S = r ** p
    L = theta.shape[0]
    block = max(1, BLOCK_VALUES // (x.shape[0] + y.shape[0]))
    for lo in range(0, L, block):
        w = omega[lo : lo + block]
        acc.add(theta[lo : lo + block], p, (lambda W, w=w: w * (1.0 + W - S)) if energy else (lambda W, w=w: w))
    root = (r ** (1.0 - p) if p != 1.0 else 1.0) if r > 0 else 0.0  # p SW^(1-p) sigma^(p-1), times 1/p below; 0 at SW = 0
    grads: Grads = []
    for k, G in enumerate(acc.out):
        if not wants[k]:
            grads.append(None)
        else:
            grads.append(G * root if k < 2 else G * (root * sigma / p))
    return grads


def _batched(a: Any, B: int) -> list[Any]:
    """Per-cloud weights: None, one shared (n,) vector, or the rows of a (B, n) array."""
    if a is None:
        return [None] * B
    arr = np.asarray(a, dtype=np.float64)
    return [arr] * B if arr.ndim == 1 else list(arr)


def _forward(X: Any, Y: Any, a: Any, b: Any, options: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The function's call with details: (its value, its directions, its direction weights, e).

    Clouds the function would scale by 2**-e are given to it scaled already (exactly, as it
    would), so its details are never rescaled (that path cannot return details), and the
    value is the function's own: the same kernel on the same numbers, then times 2**e."""
    x, y, batched = clouds_of(X, Y)
    e = scale_exponent([x, y], check_p(options.get("p", 2)))
    if e:
        X, Y = np.ldexp(x, -e).astype(x.dtype), np.ldexp(y, -e).astype(y.dtype)
    res = sliced_wasserstein(X, Y, a, b, **options, return_details=True)
    if batched:
        value = np.ldexp(np.asarray(res.distance, dtype=np.float64), e)
    else:
        value = np.asarray(math.ldexp(res.distance, e), dtype=np.float64)
    return value, res.directions, np.reshape(res.weights, (x.shape[0] if batched else 1, -1)), e


def _evaluate_sliced(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, Grads]:
    X, Y, a, b = arrays
    value, theta, omega, e = _forward(X, Y, a, b, options)
    wants = tuple(w and arr is not None for w, arr in zip(wants, arrays))
    if not any(wants):
        return value, [None] * 4
    p = check_p(options.get("p", 2))
    x, y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    batched = x.ndim == 3
    x3, y3 = (x, y) if batched else (x[None], y[None])
    sigma = math.ldexp(1.0, e)
    energy = options.get("weighting", "uniform") == "energy"
    dist = np.reshape(value, (-1,))
    was, wbs = _batched(a, x3.shape[0]), _batched(b, x3.shape[0])
    per = [_pair(np.ldexp(x3[k], -e), np.ldexp(y3[k], -e), was[k], wbs[k], theta, omega[k],
                 float(np.ldexp(dist[k], -e)), p, energy, sigma, wants) for k in range(x3.shape[0])]
    grads: Grads = []
    for q in range(4):
        if not wants[q]:
            grads.append(None)
            continue
        G = np.stack([np.asarray(g[q]) for g in per])
        grads.append(G if batched else G[0])
    return value, grads


def _evaluate_max(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, Grads]:
    X, Y, a, b = arrays
    res = max_sliced_wasserstein(X, Y, a, b, **options)
    value = np.asarray(res.distance, dtype=np.float64)
    wants = tuple(w and arr is not None for w, arr in zip(wants, arrays))
    if not any(wants):
        return value, [None] * 4
    p = check_p(options.get("p", 2))
    e = scale_exponent([np.asarray(X), np.asarray(Y)], p)
    x, y = (np.ldexp(np.asarray(arr, dtype=np.float64), -e) for arr in (X, Y))
    wa, wb = _batched(a, 1)[0], _batched(b, 1)[0]
    theta = np.asarray(res.direction, dtype=np.float64)[None]
    grads = _pair(x, y, wa, wb, theta, np.ones(1), float(np.ldexp(value, -e)), p, False,
                  float(np.ldexp(1.0, e)), wants)
    return value, grads


_NAMES = ("X", "Y", "a", "b")
register(Op("sliced_wasserstein", sliced_wasserstein, _NAMES, _NAMES, _value_shape, _axes_of(_value_shape),
            _evaluate_sliced, hidden=("return_details", "n_jobs")))
register(Op("max_sliced_wasserstein", max_sliced_wasserstein, _NAMES, _NAMES, _max_value_shape,
            _axes_of(_max_value_shape), _evaluate_max))
