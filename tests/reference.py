"""Plain reference implementations the tests compare pydiv against.

Written for clarity, not speed: normalise, then sum terms with math.fsum so
the reference itself carries no rounding worth mentioning.
"""

from __future__ import annotations

import math

import numpy as np


def _normalise(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / math.fsum(x)


def entropy(p) -> float:
    p = _normalise(p)
    return -math.fsum(float(pi) * math.log(pi) for pi in p if pi > 0)


def cross_entropy(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    return -math.fsum(float(pi) * math.log(qi) for pi, qi in zip(p, q) if pi > 0)


def _log_ratio(x: float, y: float) -> float:
    r = x / y
    if 0.0 < r < math.inf:
        return math.log(r)
    return math.log(x) - math.log(y)  # the quotient left the float range


def kl_divergence(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    return math.fsum(float(pi) * _log_ratio(float(pi), float(qi)) for pi, qi in zip(p, q) if pi > 0)


def js_divergence(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    m = 0.5 * (p + q)
    terms = [float(pi) * math.log(pi / mi) for pi, mi in zip(p, m) if pi > 0]
    terms += [float(qi) * math.log(qi / mi) for qi, mi in zip(q, m) if qi > 0]
    return max(0.0, 0.5 * math.fsum(terms))


def along_axis(func, p, q=None, axis=-1) -> np.ndarray:
    """Apply a 1-D reference along `axis` of broadcast p (and q)."""
    if q is None:
        return np.apply_along_axis(func, axis, np.asarray(p, dtype=np.float64))
    p, q = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64))
    stacked = np.stack([p, q], axis=-1)
    moved = np.moveaxis(stacked, axis if axis >= 0 else axis - 1, -2)
    out = np.empty(moved.shape[:-2])
    for idx in np.ndindex(out.shape):
        out[idx] = func(moved[idx][:, 0], moved[idx][:, 1])
    return out
