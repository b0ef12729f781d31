"""Mathematical laws of every function, driven by hypothesis.

The strategies draw distributions with zeros, tiny and huge magnitudes, in
float32 and float64, often as strided views (every k-th element, reversed) of
a larger array whose other elements are NaN, so reading a wrong element shows.
The laws already covered by test_info.py, test_wasserstein.py and test_emd.py
on plain float64 arrays are not repeated; here are their float32 and strided
versions, the laws they lack (Pinsker and total-variation bounds, the order of
W_p up to huge p, energy <= sqrt(2 W_1), translations in R^d, the linear
programming certificate on random costs with forbidden pairs), and the laws
that tie functions together (pairwise entries equal single-pair calls,
wasserstein_nd on a line equals wasserstein_1d, jensenshannon equals the root
of js_divergence, wasserstein_hist equals wasserstein_1d on the support).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pydiv
from pydiv.stream import CrossEntropy, Entropy, KLDivergence

LN2 = math.log(2.0)
DTYPES = st.sampled_from([np.float64, np.float32])


def floats32(lo: float, hi: float) -> st.SearchStrategy[float]:
    """float32 values in [lo, hi] (bounds rounded to float32, as hypothesis needs)."""
    return st.floats(float(np.float32(lo)), float(np.float32(hi)), width=32)

# ---------------------------------------------------------------- strategies


def magnitudes(dtype: type) -> st.SearchStrategy[float]:
    """Entries of wildly different sizes in one vector: zeros, tiny, ordinary and huge."""
    if dtype is np.float32:
        return st.one_of(
            st.just(0.0),
            floats32(1e-37, 1e-30),
            floats32(1e-3, 1.0),
            floats32(1e30, 1e36),
        )
    return st.one_of(
        st.just(0.0),
        st.floats(1e-300, 1e-250),
        st.floats(1e-3, 1.0),
        st.floats(1e250, 1e300),
    )


def as_view(values: np.ndarray, layout: int) -> np.ndarray:
    """The values as layout 0: a contiguous array, k > 0: every k-th element of
    a NaN-filled parent, -k: the same reversed (negative stride)."""
    if layout == 0:
        return values.copy()
    k = abs(layout)
    parent = np.full((values.shape[0], k), np.nan, dtype=values.dtype)
    if layout > 0:
        parent[:, 0] = values
        return parent[:, 0]
    parent[::-1, 0] = values
    return parent[::-1, 0]


LAYOUTS = st.sampled_from([0, 0, 2, 3, -1, -2])


# Scales of whole vectors: p and q may be counts of very different sizes.  (Entries of
# different sizes inside one vector are drawn by `magnitudes`, for the laws of one
# distribution and for JS: KL and cross-entropy get entries of p / q or of q / sum(q)
# beyond the float range wrong, see the report, e.g. kl_divergence([1e-250], [1e250]) = inf.)
SCALES = {np.float64: [1e-140, 1e-20, 1.0, 1e20, 1e140], np.float32: [1e-30, 1.0, 1e30]}


@st.composite
def distribution(draw: st.DrawFn, n: int, dtype: type, mixed: bool = False) -> np.ndarray:
    """A non-negative vector of length n, not all zero, in some layout: zeros and
    entries within a factor 1e6 of each other times a scale, or (`mixed`) entries
    of any magnitude."""
    if mixed:
        values = np.array(draw(st.lists(magnitudes(dtype), min_size=n, max_size=n)), dtype=dtype)
    else:
        unit = st.one_of(st.just(0.0), st.floats(1e-6, 1.0), st.floats(0.5, 1.0))
        scale = draw(st.sampled_from(SCALES[dtype]))
        values = (np.array(draw(st.lists(unit, min_size=n, max_size=n))) * scale).astype(dtype)
    assume(values.astype(np.float64).sum() > 0)
    return as_view(values, draw(LAYOUTS))


@st.composite
def pair(draw: st.DrawFn, max_n: int = 24, mixed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    dtype = draw(DTYPES)
    n = draw(st.integers(1, max_n))
    return draw(distribution(n, dtype, mixed)), draw(distribution(n, dtype, mixed))


def normalised(p: np.ndarray) -> np.ndarray:
    p = p.astype(np.float64)
    return p / p.max() / (p / p.max()).sum()  # by the maximum first: no overflow


def close(got: float, want: float, rel: float = 1e-12, abs_: float = 1e-15) -> bool:
    return got == pytest.approx(want, rel=rel, abs=abs_)


INFO = {
    "cross_entropy": pydiv.cross_entropy,
    "kl_divergence": pydiv.kl_divergence,
    "js_divergence": pydiv.js_divergence,
    "jensenshannon": pydiv.jensenshannon,
}

# ---------------------------------------------------------------- information


# A strided or reversed view gives the value of a contiguous copy, for every function.
@given(pair())
def test_info_views_equal_contiguous_copies(pq):
    p, q = pq
    pc, qc = np.ascontiguousarray(p), np.ascontiguousarray(q)
    assert close(pydiv.entropy(p), pydiv.entropy(pc))
    for f in INFO.values():
        assert close(f(p, q), f(pc, qc))


# Entries of any magnitudes in one vector (1e-300 next to 1e300, float32 1e-37 next to 1e36):
# entropy and JS of views and of float32 equal those of contiguous float64 copies, and stay in range.
@given(pair(mixed=True))
def test_entropy_and_js_of_mixed_magnitudes(pq):
    p, q = pq
    p64, q64 = (np.ascontiguousarray(a, dtype=np.float64) for a in (p, q))
    h = pydiv.entropy(p)
    assert close(h, pydiv.entropy(p64))
    assert -1e-15 <= h <= math.log(np.count_nonzero(normalised(p)) or 1) * (1 + 1e-12) + 1e-15
    js = pydiv.js_divergence(p, q)
    assert close(js, pydiv.js_divergence(p64, q64))
    assert 0.0 <= js <= LN2
    assert pydiv.jensenshannon(p, q) == np.sqrt(js)


# float32 input is read exactly and accumulated in float64: the value of the same numbers as float64.
@given(st.integers(1, 24).flatmap(lambda n: st.tuples(distribution(n, np.float32), distribution(n, np.float32))))
def test_info_float32_equals_float64_of_its_values(pq):
    p, q = pq
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    assert close(pydiv.entropy(p), pydiv.entropy(p64))
    for f in INFO.values():
        assert close(f(p, q), f(p64, q64))
        assert isinstance(f(p, q), np.float64)


# 0 <= H(p) <= log n; H(p, q) = H(p) + KL(p || q) >= H(p); KL(p || c p) = 0.
@given(pair(), st.floats(1e-3, 1e3))
def test_entropy_bounds_and_gibbs(pq, c):
    p, q = pq
    h = pydiv.entropy(p)
    support = int(np.count_nonzero(normalised(p)))
    assert -1e-15 <= h <= math.log(max(support, 1)) * (1 + 1e-12) + 1e-15
    kl = pydiv.kl_divergence(p, q)
    ce = pydiv.cross_entropy(p, q)
    assert ce >= h * (1 - 1e-12) - 1e-13
    if math.isinf(kl):
        assert math.isinf(ce)
    else:
        assert close(ce, h + kl, rel=1e-9, abs_=1e-12)
    pc = np.ascontiguousarray(p, dtype=np.float64) * c
    assert pydiv.kl_divergence(p, pc) == pytest.approx(0.0, abs=1e-12)


# Pinsker: KL >= 2 TV^2; and TV^2 / 2 <= JS <= TV log 2, with TV the total variation distance.
@given(pair())
def test_pinsker_and_total_variation_bounds(pq):
    p, q = pq
    tv = 0.5 * float(np.abs(normalised(p) - normalised(q)).sum())
    assert pydiv.kl_divergence(p, q) >= 2.0 * tv * tv * (1 - 1e-9) - 1e-13
    js = pydiv.js_divergence(p, q)
    assert tv * tv / 2.0 * (1 - 1e-9) - 1e-13 <= js <= tv * LN2 * (1 + 1e-9) + 1e-13


# JS is symmetric, in [0, log 2], the mean KL to the mixture, and jensenshannon is exactly its square root.
@given(pair(), st.sampled_from([None, 2.0, 10.0]))
def test_js_is_mean_kl_to_the_mixture(pq, base):
    p, q = pq
    js = pydiv.js_divergence(p, q, base=base)
    scale = 1.0 if base is None else math.log(base)
    assert 0.0 <= js <= LN2 / scale * (1 + 1e-15)
    assert close(js, pydiv.js_divergence(q, p, base=base), rel=1e-12)
    assert pydiv.jensenshannon(p, q, base=base) == np.sqrt(js)
    pn, qn = normalised(p), normalised(q)
    m = 0.5 * (pn + qn)
    want = 0.5 * (pydiv.kl_divergence(pn, m) + pydiv.kl_divergence(qn, m)) / scale
    assert close(js, want, rel=1e-9, abs_=1e-13)


# The Jensen-Shannon distance is a metric: triangle inequality for float32 and strided inputs.
# (A divergence is exact to about 1e-16, so a distance near 0 only to about 1e-8.)
@given(st.integers(1, 12).flatmap(lambda n: DTYPES.flatmap(lambda d: st.tuples(*[distribution(n, d)] * 3))))
def test_jensenshannon_triangle_on_views(pqr):
    p, q, r = pqr
    d = pydiv.jensenshannon
    assert d(p, r) <= d(p, q) + d(q, r) + 1e-7


# A batch along either axis equals one call per row, for float32 and strided batches.
@given(DTYPES, st.integers(1, 5), st.integers(1, 9), st.data())
def test_info_batches_equal_rows(dtype, rows, n, data):
    P = np.stack([data.draw(distribution(n, dtype)) for _ in range(rows)])
    Q = np.stack([data.draw(distribution(n, dtype)) for _ in range(rows)])
    for name, f in INFO.items():
        got = f(P.T, Q.T[:, ::-1][:, ::-1], axis=0)  # a transposed (Fortran-order) batch
        assert got.shape == (rows,)
        for r in range(rows):
            assert close(got[r], f(P[r], Q[r])), name
    np.testing.assert_allclose(pydiv.entropy(P, keepdims=True)[:, 0], [pydiv.entropy(row) for row in P], rtol=1e-12)


# Streaming chunks of any split (float32, strided) and merges in any order give the one-shot value.
@given(pair(max_n=30), st.lists(st.integers(0, 30), max_size=4), st.booleans())
def test_stream_any_split_equals_one_shot(pq, cuts, swap):
    p, q = pq
    assume(np.isfinite(p.astype(np.float64).sum()) and np.isfinite(q.astype(np.float64).sum()))
    assume(p.astype(np.float64).sum() < 1e290 and q.astype(np.float64).sum() < 1e290)
    bounds = [0, *sorted(c % (p.size + 1) for c in cuts), p.size]
    for cls, f in [(KLDivergence, pydiv.kl_divergence), (CrossEntropy, pydiv.cross_entropy)]:
        parts = [cls().update(p[lo:hi], q[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]
        if swap:
            parts = parts[::-1]
        acc = parts[0]
        for other in parts[1:]:
            acc.merge(other)
        want = f(p.astype(np.float64), q.astype(np.float64))
        got = acc.result()
        if math.isinf(want):
            assert math.isinf(got)
        else:
            # Subnormal-scale inputs (1e-300) lose digits in the one-pass sums; allow for it.
            assert close(got, want, rel=1e-9, abs_=1e-9)
    acc = Entropy()
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        acc.update(p[lo:hi])
    if p.astype(np.float64).max() > 1e-200:
        assert close(acc.result(), pydiv.entropy(p), rel=1e-9, abs_=1e-12)


# ---------------------------------------------------------------- one-dimensional Wasserstein


@st.composite
def sample(draw: st.DrawFn, dtype: type | None = None, max_n: int = 20, weighted: bool | None = None):
    """Values (float32 or float64, with ties, in some layout) and optional weights with zeros."""
    dtype = dtype or draw(DTYPES)
    n = draw(st.integers(1, max_n))
    elems = st.one_of(floats32(-1e3, 1e3) if dtype is np.float32 else st.floats(-1e3, 1e3),
                      st.sampled_from([-1.0, 0.0, 2.5]))
    values = as_view(np.array(draw(st.lists(elems, min_size=n, max_size=n)), dtype=dtype), draw(LAYOUTS))
    if weighted is None:
        weighted = draw(st.booleans())
    weights = None
    if weighted:
        w = np.array(draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 10.0)), min_size=n, max_size=n)))
        assume(w.sum() > 0)
        weights = as_view(w, draw(LAYOUTS))
    return values, weights


def contiguous64(a):
    return None if a is None else np.ascontiguousarray(a, dtype=np.float64)


ORDERS = st.one_of(st.sampled_from([1.0, 2.0, 3.0]), st.floats(1.0, 8.0))


# float32 and strided samples give the value of contiguous float64 copies of the same numbers.
@given(sample(), sample(), ORDERS)
def test_w1d_views_and_float32_equal_float64_copies(s1, s2, p):
    (u, uw), (v, vw) = s1, s2
    want = pydiv.wasserstein_1d(*map(contiguous64, (u, v, uw, vw)), p=p)
    assert close(pydiv.wasserstein_1d(u, v, uw, vw, p=p), want, rel=1e-13, abs_=1e-13)
    e = pydiv.energy_distance(*map(contiguous64, (u, v, uw, vw)))
    assert close(pydiv.energy_distance(u, v, uw, vw), e, rel=1e-13, abs_=1e-13)


# W_1 <= W_p <= W_q (p <= q) <= the largest gap, up to p = 1e4, where every piece would underflow
# without care; a single gap: W_p(delta_a, delta_b) = |a - b| for every p.  (The order is checked
# with unit weights, whose quantile levels k / n are exact: with weights, levels that are equal
# but rounded differently leave slivers of width 1e-16 whose gap, raised to a large p, moves
# W_p by up to span * 1e-16**(1/p), e.g. 3% at p = 42; the bound by the span holds anyway.)
@given(sample(np.float64), sample(np.float64), st.floats(1.0, 64.0), st.floats(1.0, 1e4))
def test_wp_order_up_to_huge_p(s1, s2, p, q):
    (u, uw), (v, vw) = s1, s2
    p, q = min(p, q), max(p, q)
    w1 = pydiv.wasserstein_1d(u, v)
    wp = pydiv.wasserstein_1d(u, v, p=p)
    wq = pydiv.wasserstein_1d(u, v, p=q)
    span = max(np.max(u), np.max(v)) - min(np.min(u), np.min(v))
    assert w1 <= wp * (1 + 1e-9) + 1e-12
    assert wp <= wq * (1 + 1e-9) + 1e-12
    assert wq <= span * (1 + 1e-12)
    assert pydiv.wasserstein_1d(u, v, uw, vw, p=q) <= span * (1 + 1e-12)
    a, b = float(u[0]), float(v[0])
    assert close(pydiv.wasserstein_1d([a], [b], p=q), abs(a - b), rel=1e-12)


# energy(u, v)^2 = 2 int (F - G)^2 <= 2 int |F - G| = 2 W_1 (as |F - G| <= 1); energy(u, u) = 0.
@given(sample(), sample())
def test_energy_at_most_sqrt_two_w1(s1, s2):
    (u, uw), (v, vw) = s1, s2
    e = pydiv.energy_distance(u, v, uw, vw)
    assert e * e <= 2.0 * pydiv.wasserstein_1d(u, v, uw, vw) * (1 + 1e-9) + 1e-12
    assert pydiv.energy_distance(u, u, uw, uw) == pytest.approx(0.0, abs=1e-9)


# Weights are normalised (any positive factor), and a value repeated k times equals weight k.
@given(sample(np.float64, weighted=True), sample(np.float64), st.floats(1e-100, 1e100), ORDERS,
       st.integers(1, 4))
def test_w1d_weights_are_relative_masses(s1, s2, c, p, k):
    (u, uw), (v, vw) = s1, s2
    want = pydiv.wasserstein_1d(u, v, uw, vw, p=p)
    assert close(pydiv.wasserstein_1d(u, v, uw * c, vw, p=p), want, rel=1e-9, abs_=1e-9)
    counts = np.arange(1, u.size + 1) % k + 1
    assert close(pydiv.wasserstein_1d(np.repeat(u, counts), v, None, vw, p=p),
                 pydiv.wasserstein_1d(u, v, counts.astype(float), vw, p=p), rel=1e-9, abs_=1e-9)


@st.composite
def histograms(draw: st.DrawFn):
    dtype = draw(DTYPES)
    k = draw(st.integers(1, 12))
    x = np.cumsum(draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 10.0)), min_size=k, max_size=k)))
    return x, *(draw(distribution(k, dtype, mixed=True)) for _ in range(3))


# wasserstein_hist equals wasserstein_1d with the support as values and the masses as weights,
# for any order (up to 1e3) and float32, strided masses; and it satisfies the triangle inequality.
@given(histograms(), st.one_of(ORDERS, st.floats(8.0, 1e3)))
def test_hist_equals_w1d_on_the_support(h, order):
    x, p, q, r = h
    got = pydiv.wasserstein_hist(p, q, x, order=order)
    want = pydiv.wasserstein_1d(x, x, normalised(p), normalised(q), p=order)
    # W_p = (mass moved x distance^p)^(1/p): the rounding of normalising (a mass moved by an
    # ulp) is worth (eps span^p)^(1/p), e.g. 5e-9 at p = 2 between two equal histograms.
    # Only where one value is within that floor (equal histograms) does it replace the relative check.
    floor = (8 * np.finfo(np.float64).eps) ** (1 / order) * float(x[-1] - x[0])
    assert close(got, want, rel=1e-9, abs_=1e-12 + (floor if min(got, want) <= floor else 0.0))
    d = lambda a, b: pydiv.wasserstein_hist(a, b, x, order=order)  # noqa: E731
    assert d(p, r) <= d(p, q) + d(q, r) + 1e-9 * (1 + d(p, r))


# ---------------------------------------------------------------- W_p in R^d


@st.composite
def cloud(draw: st.DrawFn, d: int, max_n: int = 7):
    n = draw(st.integers(1, max_n))
    dtype = draw(DTYPES)
    pts = np.array(draw(st.lists(st.lists(st.floats(-10, 10), min_size=d, max_size=d), min_size=n, max_size=n)),
                   dtype=dtype)
    if draw(st.booleans()):
        pts = np.asfortranarray(pts)
    w = None
    if draw(st.booleans()):
        w = np.array(draw(st.lists(st.one_of(st.just(0.0), st.floats(0.05, 5.0)), min_size=n, max_size=n)))
        assume(w.sum() > 0)
    return pts, w


METRIC_P = st.sampled_from([("euclidean", 1.0), ("euclidean", 2.0), ("cityblock", 1.0), ("chebyshev", 1.5),
                            ("minkowski", 3.0)])


# On a line (1-D points) wasserstein_nd equals wasserstein_1d, for weights, float32 and any p
# (the simplex prices to a tolerance relative to the largest cost, so W_p^p is compared on that scale).
@given(sample(max_n=8), sample(max_n=8), ORDERS)
def test_wasserstein_nd_on_a_line_equals_w1d(s1, s2, p):
    (u, uw), (v, vw) = s1, s2
    want = pydiv.wasserstein_1d(u, v, uw, vw, p=p)
    got = pydiv.wasserstein_nd(u, v, uw, vw, p=p)
    span = float(max(np.max(u), np.max(v)) - min(np.min(u), np.min(v)))
    assert abs(got**p - want**p) <= 1e-9 * max(span**p, 1e-300)


# W_p is a metric on clouds: identity, symmetry and the triangle inequality, for metric ground costs.
# (The simplex is exact to a tolerance relative to the largest cost, about 1e-15 diam**p, which
# the p-th root turns into about 1e-15**(1/p) diam: W_2(x, x) may be 1e-7 diam.)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(cloud(d), cloud(d), cloud(d))), METRIC_P)
def test_wasserstein_nd_is_a_metric(clouds, mp):
    (x, a), (y, b), (z, c) = clouds
    metric, p = mp
    kw = dict(p=p, metric=metric, w=3.0 if metric == "minkowski" else None)
    pts = np.concatenate([x, y, z]).astype(np.float64)
    diam = float(np.abs(pts.max(axis=0) - pts.min(axis=0)).sum()) or 1.0
    tol = 1e-12 ** (1.0 / p) * diam
    xy = pydiv.wasserstein_nd(x, y, a, b, **kw)
    assert abs(xy**p - pydiv.wasserstein_nd(y, x, b, a, **kw) ** p) <= 1e-12 * diam**p
    assert pydiv.wasserstein_nd(x, x, a, a, **kw) <= tol
    xz = pydiv.wasserstein_nd(x, z, a, c, **kw)
    yz = pydiv.wasserstein_nd(y, z, b, c, **kw)
    assert xz <= xy + yz + tol


# Translating both clouds changes nothing, scaling by s scales W_p by |s| (W_2^2 by s^2), and a
# cloud against its own translate by t is exactly ||t|| away.
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(cloud(d), cloud(d), st.lists(st.floats(-5, 5), min_size=d,
                                                                                 max_size=d))),
       METRIC_P, st.sampled_from([-4.0, 0.5, 3.0, 1e-3, 1e6]))
def test_wasserstein_nd_translation_and_scaling(data, mp, s):
    (x, a), (y, b), t = data
    metric, p = mp
    w = 3.0 if metric == "minkowski" else None
    t = np.array(t)
    x, y = x.astype(np.float64), y.astype(np.float64)
    assume(((x + t) - x == t).all() and ((y + t) - y == t).all())  # the translation is exact
    pts = np.concatenate([x, y, x + t, y + t])
    diam = float(np.abs(pts.max(axis=0) - pts.min(axis=0)).sum()) or 1.0
    tol = 1e-12 ** (1.0 / p) * diam  # see test_wasserstein_nd_is_a_metric
    base = pydiv.wasserstein_nd(x, y, a, b, p=p, metric=metric, w=w)
    assert close(pydiv.wasserstein_nd(x + t, y + t, a, b, p=p, metric=metric, w=w), base, rel=1e-9, abs_=tol)
    assert close(pydiv.wasserstein_nd(s * x, s * y, a, b, p=p, metric=metric, w=w), abs(s) * base, rel=1e-9,
                 abs_=tol * abs(s))
    norm = {"euclidean": 2, "cityblock": 1, "chebyshev": np.inf, "minkowski": 3}[metric]
    top = float(np.abs(t).max()) or 1.0  # (np.linalg.norm of [1e-273] underflows to 0)
    assert close(pydiv.wasserstein_nd(x, x + t, a, a, p=p, metric=metric, w=w),
                 top * float(np.linalg.norm(t / top, ord=norm)), rel=1e-9, abs_=tol)
    sq = pydiv.wasserstein_nd(s * x, s * y, a, b, metric="sqeuclidean")
    # Plus a few subnormal ulps: W_2^2 below 1e-308 is rounded to a multiple of 5e-324 (correctly:
    # (9.6e-163)^2 is 0.0 and (4 * 9.6e-163)^2 is 1.5e-323), which scaling by s^2 does not commute with.
    subnormal_ulps = (s * s + 1.0) * float(np.finfo(np.float64).smallest_subnormal)
    assert close(sq, s * s * pydiv.wasserstein_nd(x, y, a, b, metric="sqeuclidean"), rel=1e-9,
                 abs_=max(1e-12 * (s * diam) ** 2, subnormal_ulps))


# ---------------------------------------------------------------- exact EMD


@st.composite
def transport_problem(draw: st.DrawFn):
    n, m = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    weights = st.one_of(st.just(0.0), st.floats(1e-3, 1.0))
    a = np.array(draw(st.lists(weights, min_size=n, max_size=n)))
    b = np.array(draw(st.lists(weights, min_size=m, max_size=m)))
    assume(a.sum() > 0 and b.sum() > 0)
    cost = st.one_of(st.floats(-100, 100), st.sampled_from([0.0, 1.0, -1.0, np.inf]))
    M = np.array(draw(st.lists(st.lists(cost, min_size=m, max_size=m), min_size=n, max_size=n)))
    dtype = draw(DTYPES)
    M = M.astype(dtype)
    if draw(st.booleans()):  # a strided view of a NaN-filled parent
        parent = np.full((n, 2 * m), np.nan, dtype=dtype)
        parent[:, ::2] = M
        M = parent[:, ::2]
    return a / a.sum(), b / b.sum(), M


# emd returns an optimality certificate: a feasible sparse plan, dual potentials with
# u_i + v_j <= M_ij on every allowed pair (equality on the plan) and no duality gap; it is
# infeasible exactly when the LP is (scipy's HiGHS decides).
@given(transport_problem())
def test_emd_certificate_or_infeasible(problem):
    from scipy.optimize import linprog

    a, b, M = problem
    M64 = np.asarray(M, dtype=np.float64)
    n, m = M64.shape
    finite = np.isfinite(M64)
    A = np.zeros((n + m, n * m))
    for i in range(n):
        A[i, i * m : (i + 1) * m] = 1.0
    for j in range(m):
        A[n + j, j::m] = 1.0
    ref = linprog(np.where(finite, M64, 0.0).ravel(), A_eq=A, b_eq=np.r_[a, b],
                  bounds=[(0, None) if f else (0, 0) for f in finite.ravel()], method="highs")
    try:
        r = pydiv.emd(a, b, M)
    except pydiv.EmdInfeasibleError:
        assert ref.status == 2
        return
    assert ref.status == 0
    scale = max(1.0, float(np.abs(M64[finite]).max(initial=0.0)))
    assert r.status == "optimal"
    P = r.plan()
    np.testing.assert_allclose(P.sum(axis=1), a, atol=1e-12)
    np.testing.assert_allclose(P.sum(axis=0), b, atol=1e-12)
    assert (r.mass > 0).all() and len(r.mass) <= n + m - 1
    assert finite[r.rows, r.cols].all()
    slack = M64 - r.u[:, None] - r.v[None, :]
    assert slack[finite].min() >= -1e-9 * scale
    assert np.abs(slack[r.rows, r.cols]).max() <= 1e-9 * scale
    assert abs(a @ r.u + b @ r.v - r.cost) <= 1e-9 * scale
    assert abs(r.cost - ref.fun) <= 1e-8 * scale
    assert pydiv.emd2(a, b, M) == r.cost


# Adding row and column constants to M shifts the cost by a.r + b.c; scaling M scales it;
# transposing the problem keeps it.
@given(transport_problem(), st.floats(-10, 10), st.floats(0.01, 100))
def test_emd_cost_invariances(problem, shift, s):
    a, b, M = problem
    M = np.asarray(M, dtype=np.float64)
    try:
        base = pydiv.emd2(a, b, M)
    except pydiv.EmdInfeasibleError:
        return
    scale = max(1.0, float(np.abs(M[np.isfinite(M)]).max(initial=0.0)))
    r = np.linspace(-1, 1, M.shape[0]) * shift
    c = np.linspace(1, -2, M.shape[1]) * shift
    assert abs(pydiv.emd2(a, b, M + r[:, None] + c[None, :]) - (base + a @ r + b @ c)) <= 1e-9 * (scale + 30)
    assert abs(pydiv.emd2(a, b, s * M) - s * base) <= 1e-9 * s * scale
    assert abs(pydiv.emd2(b, a, M.T) - base) <= 1e-9 * scale


# ---------------------------------------------------------------- pairwise


@st.composite
def histogram_sets(draw: st.DrawFn):
    dtype = draw(DTYPES)
    k = draw(st.integers(1, 8))
    X = np.stack([draw(distribution(k, dtype)) for _ in range(draw(st.integers(1, 4)))])
    Y = np.stack([draw(distribution(k, dtype)) for _ in range(draw(st.integers(1, 4)))])
    if draw(st.booleans()):
        X = np.asfortranarray(X)
    return X, Y


# Every pairwise entry equals the single-pair function (float32, Fortran order, zeros, tiny and huge).
@given(histogram_sets())
def test_pairwise_entries_equal_single_pair_calls(XY):
    X, Y = XY
    # pairwise normalises rows by their sums first: an entry below 1e-300 of its row's sum becomes
    # 0 (KL then inf, or finite where it is inf), unlike the single-pair functions (reported bug).
    for Z in (X.astype(np.float64), Y.astype(np.float64)):
        sums = Z.sum(axis=1, keepdims=True)
        assume(np.isfinite(sums).all() and not ((Z > 0) & (Z < 1e-290 * sums)).any())
    single = {
        "kl": pydiv.kl_divergence,
        "cross_entropy": pydiv.cross_entropy,
        "js": pydiv.js_divergence,
        "jensenshannon": pydiv.jensenshannon,
        "wasserstein": pydiv.wasserstein_hist,
    }
    for metric, f in single.items():
        D = pydiv.pairwise(X, Y, metric=metric)
        for i in range(X.shape[0]):
            for j in range(Y.shape[0]):
                want = f(X[i], Y[j])
                if math.isinf(want):
                    assert math.isinf(D[i, j]), metric
                elif metric == "jensenshannon":  # a square root: compare the squares (rounding near 0)
                    assert D[i, j] ** 2 == pytest.approx(want**2, rel=1e-9, abs=1e-15), metric
                else:
                    assert D[i, j] == pytest.approx(want, rel=1e-9, abs=1e-12), metric
        if metric != "kl" and metric != "cross_entropy":
            S = pydiv.pairwise(X, metric=metric)
            F = pydiv.pairwise(X, np.array(X), metric=metric)
            np.testing.assert_allclose(S, F, rtol=1e-12, atol=1e-14)
            assert (np.diag(S) == 0).all()


# The emd metric of pairwise equals wasserstein_nd pair by pair.
@given(st.integers(1, 2).flatmap(lambda d: st.tuples(st.lists(cloud(d, 5), min_size=1, max_size=3),
                                                     st.lists(cloud(d, 5), min_size=1, max_size=3))),
       st.sampled_from([("euclidean", 1.0), ("cityblock", 2.0), ("sqeuclidean", 1.0)]))
def test_pairwise_emd_equals_wasserstein_nd(clouds, mp):
    A, B = clouds
    metric, p = mp
    D = pydiv.pairwise([x for x, _ in A], [y for y, _ in B], metric="emd", p=p, ground_metric=metric,
                       x_weights=[np.ones(len(x)) if a is None else a for x, a in A],
                       y_weights=[np.ones(len(y)) if b is None else b for y, b in B])
    for i, (x, a) in enumerate(A):
        for j, (y, b) in enumerate(B):
            assert D[i, j] == pytest.approx(pydiv.wasserstein_nd(x, y, a, b, p=p, metric=metric), rel=1e-9,
                                            abs=1e-12)
