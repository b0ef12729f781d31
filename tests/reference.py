"""Plain reference implementations the tests compare pydiv against.

Written for clarity, not speed: normalise, then sum terms with math.fsum so
the reference itself carries no rounding worth mentioning; W_p is integrated
piece by piece over the exact breakpoints of both quantile functions.
"""

from __future__ import annotations

import decimal
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
    s = p + q  # 2 m: halving a subnormal entry would round it to 0
    terms = [float(pi) * math.log(2.0 * pi / si) for pi, si in zip(p, s) if pi > 0]
    terms += [float(qi) * math.log(2.0 * qi / si) for qi, si in zip(q, s) if qi > 0]
    return max(0.0, 0.5 * math.fsum(terms))


def js_divergence_decimal(p, q, digits: int = 40) -> float:
    """JS divergence of the given floats in 40-digit decimal arithmetic.

    The fsum reference above normalises in float64, and for near-identical
    p and q that rounding alone moves the result by about 1e-16 / |p - q|
    relatively; this one does not round until the end.
    """
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        p = [decimal.Decimal(float(v)) for v in np.ravel(p)]
        q = [decimal.Decimal(float(v)) for v in np.ravel(q)]
        total_p, total_q = sum(p), sum(q)
        s = decimal.Decimal(0)
        for a, b in zip(p, q):
            x, y = a / total_p, b / total_q
            m = (x + y) / 2
            if x > 0:
                s += x * (x / m).ln()
            if y > 0:
                s += y * (y / m).ln()
        return float(s / 2)


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


# --- one-dimensional Wasserstein ----------------------------------------------


def _sample(values, weights):
    x = np.asarray(values, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    return x[order], w[order] / math.fsum(w)


def _cum(w: np.ndarray) -> np.ndarray:
    """Cumulative sums with fsum, so the levels carry no accumulated rounding."""
    return np.array([math.fsum(w[: i + 1]) for i in range(len(w))])


def cdf_distance(u, v, uw=None, vw=None, square=False) -> float:
    """int |F_u - F_v| dt, or int (F_u - F_v)^2 dt with square=True."""
    x, a = _sample(u, uw)
    y, b = _sample(v, vw)
    ca, cb = _cum(a), _cum(b)
    t = np.sort(np.concatenate([x, y]))
    terms = []
    for k in range(len(t) - 1):
        i = np.searchsorted(x, t[k], side="right")
        j = np.searchsorted(y, t[k], side="right")
        fu = ca[i - 1] if i > 0 else 0.0
        fv = cb[j - 1] if j > 0 else 0.0
        d = fu - fv
        terms.append((d * d if square else abs(d)) * (t[k + 1] - t[k]))
    return math.fsum(terms)


def wasserstein_1(u, v, uw=None, vw=None) -> float:
    return cdf_distance(u, v, uw, vw)


def energy_distance(u, v, uw=None, vw=None) -> float:
    return math.sqrt(2.0 * cdf_distance(u, v, uw, vw, square=True))


def wasserstein_p(u, v, uw=None, vw=None, p=1.0) -> float:
    """(int_0^1 |F_u^-1(s) - F_v^-1(s)|^p ds)^(1/p), one piece per interval
    between the union of the cumulative levels of both distributions."""
    x, a = _sample(u, uw)
    y, b = _sample(v, vw)
    ca, cb = _cum(a), _cum(b)
    levels = np.unique(np.concatenate([[0.0, 1.0], np.minimum(ca, 1.0), np.minimum(cb, 1.0)]))
    terms = []
    for lo, hi in zip(levels[:-1], levels[1:]):
        s = 0.5 * (lo + hi)
        i = min(np.searchsorted(ca, s, side="right"), len(x) - 1)  # first level > s
        j = min(np.searchsorted(cb, s, side="right"), len(y) - 1)
        terms.append((hi - lo) * abs(x[i] - y[j]) ** p)
    return math.fsum(terms) ** (1.0 / p)


def sorted_pairs(u, v, p=1.0) -> float:
    """Equal sizes, equal weights: (mean |u_(k) - v_(k)|^p)^(1/p)."""
    d = np.abs(np.sort(np.asarray(u, dtype=np.float64)) - np.sort(np.asarray(v, dtype=np.float64)))
    return (math.fsum(d**p) / len(d)) ** (1.0 / p)


def wasserstein_lp(u, v, uw=None, vw=None, p=1.0) -> float:
    """W_p from the transportation LP (scipy's HiGHS), cost |x - y|^p."""
    from scipy.optimize import linprog

    x, a = _sample(u, uw)
    y, b = _sample(v, vw)
    n, m = len(x), len(y)
    cost = (np.abs(x[:, None] - y[None, :]) ** p).ravel()
    rows = np.zeros((n + m, n * m))
    for i in range(n):
        rows[i, i * m : (i + 1) * m] = 1.0
    for j in range(m):
        rows[n + j, j::m] = 1.0
    res = linprog(cost, A_eq=rows, b_eq=np.concatenate([a, b]), bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return max(res.fun, 0.0) ** (1.0 / p)


def wasserstein_hist(p, q, x=None, order=1.0) -> float:
    """W_order between masses p and q on the support x (0..k-1 by default)."""
    p = np.asarray(p, dtype=np.float64)
    x = np.arange(len(p), dtype=np.float64) if x is None else np.asarray(x, dtype=np.float64)
    if order == 1.0:
        return wasserstein_1(x, x, p, q)
    return wasserstein_p(x, x, p, q, order)
