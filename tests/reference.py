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
    # log(p / m) as log(2p / (p + q)): m = (p + q) / 2 of a subnormal is 0.
    terms = [float(pi) * math.log(2.0 * pi / (pi + qi)) for pi, qi in zip(p, q) if pi > 0]
    terms += [float(qi) * math.log(2.0 * qi / (pi + qi)) for pi, qi in zip(p, q) if qi > 0]
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


def _mp_rows(digits, *rows):
    """The rows normalised in mpmath at `digits` digits (call inside workdps)."""
    import mpmath

    out = []
    for r in rows:
        vals = [mpmath.mpf(float(v)) for v in np.ravel(r)]
        total = mpmath.fsum(vals)
        out.append([v / total for v in vals])
    return out


def kl_divergence_mp(p, q, digits: int = 40) -> float:
    """KL of the given floats in `digits`-digit arithmetic (mpmath), rounded once at the end."""
    import mpmath

    with mpmath.workdps(digits):
        x, y = _mp_rows(digits, p, q)
        if any(a > 0 and b == 0 for a, b in zip(x, y)):
            return math.inf
        return float(mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(x, y) if a > 0))


def cross_entropy_mp(p, q, digits: int = 40) -> float:
    """Cross-entropy of the given floats in `digits`-digit mpmath, rounded once at the end."""
    import mpmath

    with mpmath.workdps(digits):
        x, y = _mp_rows(digits, p, q)
        if any(a > 0 and b == 0 for a, b in zip(x, y)):
            return math.inf
        return float(-mpmath.fsum(a * mpmath.log(b) for a, b in zip(x, y) if a > 0))


def entropy_mp(p, digits: int = 40) -> float:
    """Entropy of the given floats in `digits`-digit mpmath, rounded once at the end."""
    import mpmath

    with mpmath.workdps(digits):
        (x,) = _mp_rows(digits, p)
        return float(-mpmath.fsum(a * mpmath.log(a) for a in x if a > 0))


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


def emd_linprog(a, b, M):
    """The transport LP solved by HiGHS (scipy.optimize.linprog); +inf costs are forbidden pairs."""
    from scipy import optimize

    n, m = M.shape
    A = np.zeros((n + m, n * m))
    for i in range(n):
        A[i, i * m : (i + 1) * m] = 1.0
    for j in range(m):
        A[n + j, j::m] = 1.0
    finite = np.isfinite(M.ravel())
    res = optimize.linprog(
        np.where(finite, M.ravel(), 0.0),
        A_eq=A,
        b_eq=np.concatenate([a, b]),
        bounds=[(0, None) if f else (0, 0) for f in finite],
        method="highs",
    )
    return res


# --- sliced and circular Wasserstein -----------------------------------------


def sliced_wpp(X, Y, theta, a=None, b=None, p=2.0) -> np.ndarray:
    """W_p^p along each direction (row of theta), from the quantile reference above."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    return np.array([wasserstein_p(X @ t, Y @ t, a, b, p) ** p for t in np.asarray(theta, dtype=np.float64)])


def sliced_wasserstein(X, Y, theta, a=None, b=None, p=2.0) -> float:
    """(mean over the directions of W_p^p)^(1/p), summed with fsum."""
    w = sliced_wpp(X, Y, theta, a, b, p)
    return (math.fsum(w) / len(w)) ** (1.0 / p)


def circle_cost(u, v, p=1.0, period=1.0) -> np.ndarray:
    """Arc length between angles u_i and v_j on a circle of circumference period, to the power p."""
    d = np.abs(np.mod(np.asarray(u, dtype=np.float64), period)[:, None] - np.mod(np.asarray(v, dtype=np.float64), period)[None, :])
    return np.minimum(d, period - d) ** p


def wasserstein_circle_lp(u, v, uw=None, vw=None, p=1.0, period=1.0) -> float:
    """W_p on the circle from the transportation LP on the geodesic cost matrix (HiGHS)."""
    a = np.ones(len(u)) / len(u) if uw is None else np.asarray(uw, dtype=np.float64) / math.fsum(uw)
    b = np.ones(len(v)) / len(v) if vw is None else np.asarray(vw, dtype=np.float64) / math.fsum(vw)
    res = emd_linprog(a, b, circle_cost(u, v, p, period))
    assert res.status == 0, res.message
    return max(res.fun, 0.0) ** (1.0 / p)


def _mp_matrix(a):
    import mpmath

    a = np.asarray(a, dtype=np.float64)
    return mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in a])


def _mp_psd_sqrt(s):
    """Symmetric square root by eigen-decomposition, negative rounding clipped."""
    import mpmath

    lam, vec = mpmath.eigsy(s)
    root = mpmath.matrix(s.rows, s.cols)
    for k in range(s.rows):
        r = mpmath.sqrt(max(lam[k], 0))
        for i in range(s.rows):
            for j in range(s.cols):
                root[i, j] += vec[i, k] * r * vec[j, k]
    return root


def gaussian_w2_squared_mp(m1, S1, m2, S2, digits: int = 50) -> float:
    """W2^2 = |m1 - m2|^2 + tr(S1 + S2 - 2 (S1^{1/2} S2 S1^{1/2})^{1/2}) at `digits` digits."""
    import mpmath

    with mpmath.workdps(digits):
        a, b = _mp_matrix(S1), _mp_matrix(S2)
        r = _mp_psd_sqrt(a)
        lam, _ = mpmath.eigsy(r * b * r)
        nuclear = mpmath.fsum(mpmath.sqrt(max(x, 0)) for x in lam)
        dm = mpmath.fsum((mpmath.mpf(float(x)) - mpmath.mpf(float(y))) ** 2 for x, y in zip(m1, m2))
        trace = mpmath.fsum(a[i, i] + b[i, i] for i in range(a.rows))
        return float(dm + trace - 2 * nuclear)


def gaussian_w2_squared_eigh(m1, S1, m2, S2) -> float:
    """The same in float64 through the symmetric square root of S1 (eigh)."""
    m1, S1, m2, S2 = (np.asarray(a, dtype=np.float64) for a in (m1, S1, m2, S2))
    lam, vec = np.linalg.eigh(S1)
    root = (vec * np.sqrt(np.clip(lam, 0, None))) @ vec.T
    inner = np.linalg.eigvalsh(root @ S2 @ root)
    dm = float(np.sum((m1 - m2) ** 2))
    return dm + float(np.trace(S1) + np.trace(S2)) - 2.0 * float(np.sqrt(np.clip(inner, 0, None)).sum())


def frechet_from_sample_factors(x, y) -> float:
    """FID-style W2^2 from the centred samples themselves, the exact factors of
    the unbiased covariances: tr S = |Xc|_F^2 / (n - 1), and the trace of the
    root is the nuclear norm of Yc Xc^T / sqrt((n - 1)(m - 1)) (an n x m SVD),
    so a rank-deficient covariance is never rounded into a full-rank one."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    xc, yc = (x - x.mean(0)) / math.sqrt(len(x) - 1), (y - y.mean(0)) / math.sqrt(len(y) - 1)
    nuclear = float(np.linalg.svd(yc @ xc.T, compute_uv=False).sum())
    dm = float(np.sum((x.mean(0) - y.mean(0)) ** 2))
    return dm + float(np.sum(xc**2) + np.sum(yc**2)) - 2.0 * nuclear


def check_scale_free_certificate(r, a, b, M) -> None:
    # Optimality proof: u_i + v_j <= M_ij up to the rounding of the numbers
    # involved (not of the largest cost: of the largest cost the plan uses,
    # whose rounding bounds what the total can resolve), equality on the
    # plan, no duality gap.
    assert r.status == "optimal"
    P = r.plan()
    np.testing.assert_allclose(P.sum(axis=1), a, rtol=1e-12, atol=0)
    np.testing.assert_allclose(P.sum(axis=0), b, rtol=1e-12, atol=0)
    size = np.abs(M) + np.abs(r.u)[:, None] + np.abs(r.v)[None, :]
    slack = M - r.u[:, None] - r.v[None, :]
    resolved = 1e-14 * float(np.abs(M[r.rows, r.cols]).max())
    assert (slack >= -1e-11 * size - resolved).all(), float((slack / np.where(size > 0, size, 1.0)).min())
    assert (np.abs(slack[r.rows, r.cols]) <= 1e-11 * size[r.rows, r.cols]).all()  # equality on the plan
    assert abs(a @ r.u + b @ r.v - r.cost) <= 1e-11 * float(np.sum(size[r.rows, r.cols] * r.mass))


def grid_cost_matrix(shape, spacing=1.0, metric="cityblock") -> np.ndarray:
    # The dense (cells x cells) ground cost between the C-ordered cells of a grid.
    spacing = np.broadcast_to(np.asarray(spacing, dtype=np.float64), (len(shape),))
    coords = np.stack(np.unravel_index(np.arange(math.prod(shape)), shape), axis=1).astype(np.float64) * spacing
    diff = np.abs(coords[:, None, :] - coords[None, :, :])
    if metric == "cityblock":
        return diff.sum(axis=2)
    if metric == "chebyshev":
        return diff.max(axis=2)
    return (diff**2).sum(axis=2)


def check_grid_certificate(r, A, B, spacing=1.0) -> None:
    # The grid potentials certify the optimum against the dense costs:
    # u_x + v_z <= d(x, z) up to the rounding of the numbers involved (and of
    # what the total can resolve), and no duality gap.
    M = grid_cost_matrix(A.shape, spacing, r.metric)
    u, v = r.u.ravel(), r.v.ravel()
    size = np.abs(M) + np.abs(u)[:, None] + np.abs(v)[None, :]
    slack = M - u[:, None] - v[None, :]
    resolved = 1e-14 * float(M.max())
    assert (slack >= -1e-11 * size - resolved).all(), float((slack / np.where(size > 0, size, 1.0)).min())
    a, b = A.ravel() / A.sum(), B.ravel() / B.sum()
    scale = float(a @ np.abs(u) + b @ np.abs(v))
    gap = abs(float(A.ravel() @ u + B.ravel() @ v) - r.cost)
    assert gap <= 1e-11 * max(scale * A.sum(), abs(r.cost)) + resolved, gap


# The everyday divergences of normalised histograms, by their textbook formulas.
def hellinger(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    return math.sqrt(0.5 * math.fsum((math.sqrt(a) - math.sqrt(b)) ** 2 for a, b in zip(p, q)))


def total_variation(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    return 0.5 * math.fsum(abs(a - b) for a, b in zip(p, q))


def bhattacharyya_coefficient(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    return math.fsum(math.sqrt(a * b) for a, b in zip(p, q))


def chi2_divergence(p, q) -> float:
    p, q = _normalise(p), _normalise(q)
    if any(a > 0 and b == 0 for a, b in zip(p, q)):
        return math.inf
    return math.fsum((a - b) ** 2 / b for a, b in zip(p, q) if b > 0)


def jeffreys(p, q) -> float:
    return kl_divergence(p, q) + kl_divergence(q, p)


def psi(p, q, eps=1e-4) -> float:
    p, q = _normalise(p), _normalise(q)
    p, q = _normalise(np.maximum(p, eps)), _normalise(np.maximum(q, eps))
    return math.fsum((a - b) * math.log(a / b) for a, b in zip(p, q))


def divergence_mp(name, p, q, digits: int = 40) -> float:
    """Hellinger or Jeffreys of the normalised rows in mpmath."""
    import mpmath

    with mpmath.workdps(digits):
        P, Q = [mpmath.mpf(float(v)) for v in p], [mpmath.mpf(float(v)) for v in q]
        A, B = mpmath.fsum(P), mpmath.fsum(Q)
        P, Q = [v / A for v in P], [v / B for v in Q]
        if name == "hellinger":
            return float(mpmath.sqrt(mpmath.fsum((mpmath.sqrt(a) - mpmath.sqrt(b)) ** 2 for a, b in zip(P, Q)) / 2))
        return float(mpmath.fsum((a - b) * mpmath.log(a / b) for a, b in zip(P, Q) if a > 0 or b > 0))
