"""pydiv.wasserstein against scipy, POT, an exact LP, plain references, and the
metric properties of W_p."""

import math

import numpy as np
import pytest
import reference as refw
import scipy.stats as sst
from hypothesis import assume, given
from hypothesis import strategies as st

import pydiv

try:
    import ot  # POT, the reference for W_p with p != 1
except ImportError:  # pragma: no cover
    ot = None
needs_pot = pytest.mark.skipif(ot is None, reason="POT (ot) is not installed")

RTOL = 1e-12
PS = [1, 1.5, 2, 3]

rng = np.random.default_rng(20261124)


def sample(n, kind="normal", weights=None):
    """A random sample; kind "ties" rounds to a coarse grid; weights None, "pos" or "zeros"."""
    x = rng.normal(size=n) * rng.uniform(0.5, 2.0) + rng.normal()
    if kind == "ties":
        x = np.round(x * 2.0) / 2.0
    w = None
    if weights == "pos":
        w = rng.uniform(0.05, 1.0, size=n)
    elif weights == "zeros":
        w = rng.uniform(0.0, 1.0, size=n) * (rng.random(n) > 0.3)
        w[n // 2] = 1.0
    return x, w


CASES = [(1, 1), (1, 5), (4, 1), (3, 7), (20, 20), (50, 37), (200, 333), (1000, 999), (5000, 5000)]


# p = 1 and the energy distance: scipy.stats to 1e-12 relative, with and
# without weights, ties and unequal sizes.
@pytest.mark.parametrize(("nu", "nv"), CASES)
@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("weights", [None, "pos", "zeros"])
def test_matches_scipy(nu, nv, kind, weights):
    u, uw = sample(nu, kind, weights)
    v, vw = sample(nv, kind, None if weights == "zeros" else weights)
    assert pydiv.wasserstein_1d(u, v, uw, vw) == pytest.approx(sst.wasserstein_distance(u, v, uw, vw), rel=RTOL)
    assert pydiv.energy_distance(u, v, uw, vw) == pytest.approx(sst.energy_distance(u, v, uw, vw), rel=RTOL)


# Large samples go through the chained / threaded merge.
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_scipy_large(weighted):
    u, uw = sample(300_001, "normal", "pos" if weighted else None)
    v, vw = sample(200_000, "ties", "zeros" if weighted else None)
    assert pydiv.wasserstein_1d(u, v, uw, vw) == pytest.approx(sst.wasserstein_distance(u, v, uw, vw), rel=RTOL)
    assert pydiv.energy_distance(u, v, uw, vw) == pytest.approx(sst.energy_distance(u, v, uw, vw), rel=RTOL)


# W_p for real p: POT's W_p^p (normalised weights) to the p-th root.
@needs_pot
@pytest.mark.parametrize(("nu", "nv"), CASES)
@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weights", [None, "pos", "zeros"])
def test_matches_pot(nu, nv, p, weights):
    u, uw = sample(nu, "ties" if nu % 2 else "normal", weights)
    v, vw = sample(nv, "normal", weights)
    a = np.full(nu, 1.0 / nu) if uw is None else uw / uw.sum()
    b = np.full(nv, 1.0 / nv) if vw is None else vw / vw.sum()
    want = ot.wasserstein_1d(u, v, a, b, p=p) ** (1.0 / p)
    assert pydiv.wasserstein_1d(u, v, uw, vw, p=p) == pytest.approx(want, rel=RTOL)


# Exact references: the quantile integral piece by piece (1e-12) and the
# transportation LP solved by HiGHS (its tolerance).
@pytest.mark.parametrize("trial", range(12))
@pytest.mark.parametrize("p", PS)
def test_matches_exact(trial, p):
    nu, nv = 1 + trial % 5, 1 + (3 * trial) % 7
    u, uw = sample(nu, "ties" if trial % 3 == 0 else "normal", [None, "pos", "zeros"][trial % 3])
    v, vw = sample(nv, "normal", [None, "pos"][trial % 2])
    got = pydiv.wasserstein_1d(u, v, uw, vw, p=p)
    assert got == pytest.approx(refw.wasserstein_p(u, v, uw, vw, p), rel=RTOL, abs=1e-15)
    assert got == pytest.approx(refw.wasserstein_lp(u, v, uw, vw, p), rel=1e-7, abs=1e-9)
    if p == 1:
        assert got == pytest.approx(refw.wasserstein_1(u, v, uw, vw), rel=RTOL, abs=1e-15)
        assert pydiv.energy_distance(u, v, uw, vw) == pytest.approx(
            refw.energy_distance(u, v, uw, vw), rel=RTOL, abs=1e-15
        )


# Unit weights, unequal sizes: repeating every point makes the sizes equal
# without changing the distributions.
@pytest.mark.parametrize(("nu", "nv"), [(3, 2), (10, 4), (99, 100), (300, 7)])
@pytest.mark.parametrize("p", PS)
def test_unequal_sizes_by_repetition(nu, nv, p):
    u, _ = sample(nu)
    v, _ = sample(nv, "ties")
    g = math.gcd(nu, nv)
    want = refw.sorted_pairs(np.repeat(u, nv // g), np.repeat(v, nu // g), p)
    assert pydiv.wasserstein_1d(u, v, p=p) == pytest.approx(want, rel=RTOL)


# ---------------------------------------------------------------- properties

values = st.lists(
    st.one_of(st.floats(-100, 100, allow_subnormal=False), st.sampled_from([-1.0, 0.0, 0.5, 2.0])),
    min_size=1,
    max_size=25,
)
orders = st.sampled_from(PS) | st.floats(1.0, 4.0)


def weights_for(draw, n):
    if draw(st.booleans()):
        return None
    w = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.01, 10.0)), min_size=n, max_size=n))
    assume(sum(w) > 0)
    return w


@st.composite
def distributions(draw):
    x = draw(values)
    return np.array(x), weights_for(draw, len(x))


def close(a, b, scale=1.0):
    return a == pytest.approx(b, rel=1e-9, abs=1e-9 * scale)


@given(distributions(), distributions(), orders)
def test_symmetry(d1, d2, p):
    (u, uw), (v, vw) = d1, d2
    assert close(pydiv.wasserstein_1d(u, v, uw, vw, p=p), pydiv.wasserstein_1d(v, u, vw, uw, p=p))
    assert close(pydiv.energy_distance(u, v, uw, vw), pydiv.energy_distance(v, u, vw, uw))


@given(distributions(), st.floats(-50, 50).filter(lambda c: abs(c) > 1e-3), orders)
def test_translation(d, c, p):
    u, uw = d
    assert close(pydiv.wasserstein_1d(u + c, u, uw, uw, p=p), abs(c), 100.0)


@given(distributions(), distributions(), st.floats(-8, 8).filter(lambda a: abs(a) > 1e-3), orders)
def test_scaling(d1, d2, a, p):
    (u, uw), (v, vw) = d1, d2
    w = pydiv.wasserstein_1d(u, v, uw, vw, p=p)
    assert close(pydiv.wasserstein_1d(a * u, a * v, uw, vw, p=p), abs(a) * w, 100.0)


@given(distributions(), distributions(), distributions(), orders)
def test_triangle_inequality(d1, d2, d3, p):
    (u, uw), (v, vw), (w, ww) = d1, d2, d3
    uv = pydiv.wasserstein_1d(u, v, uw, vw, p=p)
    vw_ = pydiv.wasserstein_1d(v, w, vw, ww, p=p)
    uw_ = pydiv.wasserstein_1d(u, w, uw, ww, p=p)
    assert uw_ <= uv + vw_ + 1e-9 * (1.0 + uw_)
    e = [pydiv.energy_distance(*a) for a in [(u, v, uw, vw), (v, w, vw, ww), (u, w, uw, ww)]]
    assert e[2] <= e[0] + e[1] + 1e-9 * (1.0 + e[2])


@given(distributions(), distributions())
def test_order_monotone(d1, d2):
    (u, uw), (v, vw) = d1, d2
    w1, w2, w3 = (pydiv.wasserstein_1d(u, v, uw, vw, p=p) for p in (1, 2, 3))
    assert w1 <= w2 * (1 + 1e-12) + 1e-12
    assert w2 <= w3 * (1 + 1e-12) + 1e-12


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(*[st.lists(st.floats(-100, 100), min_size=n, max_size=n)] * 2)),
       orders, st.floats(0.1, 10.0))
def test_equal_sizes_sorted_pairs(uv, p, weight):
    u, v = (np.array(a) for a in uv)
    want = refw.sorted_pairs(u, v, p)
    assert close(pydiv.wasserstein_1d(u, v, p=p), want)
    w = np.full(len(u), weight)  # equal weights given: the general merge
    assert close(pydiv.wasserstein_1d(u, v, w, w, p=p), want)


@given(distributions(), distributions())
def test_scipy_property(d1, d2):
    (u, uw), (v, vw) = d1, d2
    assert close(pydiv.wasserstein_1d(u, v, uw, vw), sst.wasserstein_distance(u, v, uw, vw), 100.0)
    assert close(pydiv.energy_distance(u, v, uw, vw), sst.energy_distance(u, v, uw, vw), 100.0)


# ---------------------------------------------------------------- batches, dtypes


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weighted", [False, True])
def test_rows(p, weighted):
    U = rng.normal(size=(40, 30))
    V = rng.normal(size=(40, 17)) + 0.3
    UW = rng.random((40, 30)) if weighted else None
    VW = rng.random((40, 17)) if weighted else None
    got = pydiv.wasserstein_1d(U, V, UW, VW, p=p)
    assert got.shape == (40,)
    for r in range(40):
        one = pydiv.wasserstein_1d(U[r], V[r], None if UW is None else UW[r], None if VW is None else VW[r], p=p)
        assert got[r] == one
    e = pydiv.energy_distance(U, V, UW, VW)
    assert e[3] == pydiv.energy_distance(U[3], V[3], None if UW is None else UW[3], None if VW is None else VW[3])


def test_rows_broadcast():
    U = rng.normal(size=(25, 10))
    v = rng.normal(size=13)
    want = np.array([pydiv.wasserstein_1d(U[r], v, p=2) for r in range(25)])
    np.testing.assert_array_equal(pydiv.wasserstein_1d(U, v, p=2), want)
    np.testing.assert_array_equal(pydiv.wasserstein_1d(v, U, p=2), want)
    np.testing.assert_array_equal(pydiv.wasserstein_1d(U, v[None, :], p=2), want)
    assert pydiv.wasserstein_1d(np.empty((0, 4)), v).shape == (0,)


@needs_pot
def test_rows_large_parallel():
    # Large enough for the threaded sort and the OpenMP loop over rows.
    U = rng.normal(size=(300, 1000))
    V = rng.normal(size=(300, 1000)) * 1.5
    V2 = V[:, :999]
    got = pydiv.wasserstein_1d(U, V)
    got2 = pydiv.wasserstein_1d(U, V2, p=1.5)
    for r in (0, 17, 299):
        assert got[r] == pytest.approx(sst.wasserstein_distance(U[r], V[r]), rel=RTOL)
        a = ot.wasserstein_1d(U[r], V2[r], p=1.5) ** (1 / 1.5)
        assert got2[r] == pytest.approx(a, rel=RTOL)


def test_float32_accumulates_in_float64():
    u32 = rng.normal(size=3001).astype(np.float32)
    v32 = rng.normal(size=2000).astype(np.float32)
    w = rng.random(3001)
    for p in PS:
        got = pydiv.wasserstein_1d(u32, v32, p=p)
        assert isinstance(got, np.float64)
        assert got == pydiv.wasserstein_1d(u32.astype(np.float64), v32.astype(np.float64), p=p)
        assert pydiv.wasserstein_1d(u32, v32, w, p=p) == pydiv.wasserstein_1d(u32.astype(np.float64), v32, w, p=p)
    rows = pydiv.wasserstein_1d(u32[:3000].reshape(3, 1000), v32[:1000])
    assert rows[1] == pydiv.wasserstein_1d(u32[1000:2000].astype(np.float64), v32[:1000].astype(np.float64))


def test_lists_and_ints():
    assert pydiv.wasserstein_1d([0, 1, 3], [5, 6, 8]) == 5.0
    assert pydiv.wasserstein_1d([0, 0, 4], np.array([0, 4, 4], dtype=np.int32), p=2) == pytest.approx(
        math.sqrt(16 / 3), rel=RTOL
    )


@pytest.mark.parametrize("p", PS)
def test_sorted_flag(p):
    u, uw = sample(500, "ties", "pos")
    v, _ = sample(300)
    order = np.argsort(u)
    want = pydiv.wasserstein_1d(u, v, uw, p=p)
    assert pydiv.wasserstein_1d(u[order], np.sort(v), uw[order], p=p, sorted=True) == want
    with pytest.raises(ValueError, match="u_values is not sorted"):
        pydiv.wasserstein_1d(u, np.sort(v), p=p, sorted=True)
    with pytest.raises(ValueError, match="v_values is not sorted"):
        pydiv.energy_distance(np.sort(u), v[::-1], sorted=True)
    # A non-contiguous sorted view is accepted.
    s = np.sort(rng.normal(size=(4, 20)), axis=1)
    np.testing.assert_array_equal(pydiv.wasserstein_1d(s[:, ::2], s[0], sorted=True),
                                  pydiv.wasserstein_1d(s[:, ::2], s[0]))


def test_extreme_weights_rescaled():
    u, uw = sample(50, "normal", "pos")
    v, vw = sample(40, "normal", "pos")
    want = pydiv.wasserstein_1d(u, v, uw, vw, p=2)
    counts = rng.integers(1, 5, size=50).astype(np.float64)
    tiny = counts * 5e-324  # exact subnormal multiples of the smallest double
    assert pydiv.wasserstein_1d(u, v, tiny, vw, p=2) == pytest.approx(
        pydiv.wasserstein_1d(u, v, counts, vw, p=2), rel=1e-12
    )
    assert pydiv.wasserstein_1d(u, v, tiny, vw) == pytest.approx(pydiv.wasserstein_1d(u, v, counts, vw), rel=1e-12)
    assert pydiv.wasserstein_1d(u, v, uw, vw * 1e307, p=2) == pytest.approx(want, rel=1e-10)
    assert pydiv.energy_distance(u, v, uw * 1e307, vw) == pytest.approx(pydiv.energy_distance(u, v, uw, vw), rel=1e-10)


def test_huge_values_do_not_overflow():
    assert pydiv.wasserstein_1d([1e200, 2e200], [-1e200], p=2) == pytest.approx(math.sqrt(6.5) * 1e200, rel=1e-14)
    assert pydiv.wasserstein_1d([1e200, 2e200], [-1e200], p=3.5) == pytest.approx(
        ((2**3.5 + 3**3.5) / 2) ** (1 / 3.5) * 1e200, rel=1e-14
    )


# ---------------------------------------------------------------- histograms


@pytest.mark.parametrize("k", [1, 2, 5, 64])
@pytest.mark.parametrize("order", PS)
def test_hist(k, order):
    x = np.cumsum(rng.random(k) * (rng.random(k) > 0.2))
    P = rng.random((6, k)) * (rng.random((6, k)) > 0.25)
    Q = rng.random((6, k))
    P[:, 0] += 0.1
    got = pydiv.wasserstein_hist(P, Q, x, order=order)
    assert got.shape == (6,)
    for r in range(6):
        assert got[r] == pytest.approx(refw.wasserstein_hist(P[r], Q[r], x, order), rel=RTOL, abs=1e-15)
        assert got[r] == pytest.approx(pydiv.wasserstein_1d(x, x, P[r], Q[r], p=order), rel=RTOL, abs=1e-15)
        if order == 1:
            assert got[r] == pytest.approx(sst.wasserstein_distance(x, x, P[r], Q[r]), rel=RTOL, abs=1e-15)
    assert pydiv.wasserstein_hist(P[0], Q[0], order=order) == pytest.approx(
        refw.wasserstein_hist(P[0], Q[0], None, order), rel=RTOL, abs=1e-15
    )


def test_hist_axes_views_and_broadcasting():
    P = rng.random((5, 8, 3))
    Q = rng.random((8, 1))
    x = np.linspace(-1, 2, 8)
    got = pydiv.wasserstein_hist(P, Q, x, axis=1, order=2)
    assert got.shape == (5, 3)
    assert got[2, 1] == pytest.approx(refw.wasserstein_hist(P[2, :, 1], Q[:, 0], x, 2), rel=RTOL)
    kept = pydiv.wasserstein_hist(P, Q, x, axis=1, keepdims=True)
    assert kept.shape == (5, 1, 3)
    # strided views are read in place
    big = rng.random((4, 20))
    assert pydiv.wasserstein_hist(big[:, ::2], big[0, 1::2])[3] == pytest.approx(
        refw.wasserstein_hist(big[3, ::2], big[0, 1::2]), rel=RTOL
    )
    # an unsorted support is sorted along with the masses
    perm = rng.permutation(8)
    assert pydiv.wasserstein_hist(P[0, perm, 0], Q[perm, 0], x[perm]) == pytest.approx(
        pydiv.wasserstein_hist(P[0, :, 0], Q[:, 0], x), rel=RTOL
    )
    f32 = pydiv.wasserstein_hist(P.astype(np.float32), Q.astype(np.float32), axis=1)
    assert f32.dtype == np.float64
    assert pydiv.wasserstein_hist(np.ones((0, 4)), np.ones(4)).shape == (0,)


def test_hist_extreme_masses():
    p = np.array([1e-320, 0.0, 3e-320])
    q = np.array([1e300, 1e308, 1e308])
    assert pydiv.wasserstein_hist(p, q, order=1.5) == pytest.approx(
        pydiv.wasserstein_hist([1, 0, 3], [1e-8, 1, 1], order=1.5), rel=1e-10
    )


# ---------------------------------------------------------------- validation

W = pydiv.wasserstein_1d
E = pydiv.energy_distance
H = pydiv.wasserstein_hist
nan, inf = math.nan, math.inf


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: W([], [1.0]), ValueError, "u_values must not be empty"),
        (lambda: W([1.0], np.empty((3, 0))), ValueError, "v_values must not be empty"),
        (lambda: E([1.0], []), ValueError, "v_values must not be empty"),
        (lambda: W([1.0, nan], [1.0]), ValueError, "u_values contains NaN"),
        (lambda: W([1.0], [[0.0, 1.0], [nan, 2.0]]), ValueError, "v_values contains NaN"),
        (lambda: W([1.0, inf], [1.0], p=2), ValueError, "u_values contains infinite"),
        (lambda: E([1.0], [-inf, 1.0]), ValueError, "v_values contains infinite"),
        (lambda: W([1.0, 2.0], [1.0], [1.0, -1.0]), ValueError, "u_weights has negative"),
        (lambda: W([1.0, 2.0], [1.0, 3.0], None, [nan, 1.0]), ValueError, "v_weights contains NaN"),
        (lambda: W([1.0, 2.0], [1.0], [inf, 1.0], p=3), ValueError, "u_weights contains infinite"),
        (lambda: W([1.0, 2.0], [1.0], [0.0, 0.0]), ValueError, "u_weights sums to zero"),
        (lambda: E([[1.0, 2.0]] * 2, [1.0], [[1.0, 1.0], [0.0, 0.0]]), ValueError, "sums to zero in some row"),
        (lambda: W([1.0, 2.0], [1.0], [1.0]), ValueError, "u_weights has shape"),
        (lambda: W([1.0, 2.0], [1.0, 5.0], None, [[1.0, 1.0]]), ValueError, "v_weights has shape"),
        (lambda: W([1.0], [2.0], p=0.5), ValueError, "p must be a finite number >= 1"),
        (lambda: W([1.0], [2.0], p=nan), ValueError, "p must be a finite number >= 1"),
        (lambda: W([1.0], [2.0], p=inf), ValueError, "p must be a finite number >= 1"),
        (lambda: W([1.0], [2.0], p="2"), TypeError, "p must be a real number"),
        (lambda: W([1.0], [2.0], p=True), TypeError, "p must be a real number"),
        (lambda: W(np.ones((3, 4)), np.ones((2, 4))), ValueError, "3 and 2 rows"),
        (lambda: W(np.ones((2, 2, 2)), [1.0]), ValueError, "u_values must be 1-D"),
        (lambda: W(5.0, [1.0]), ValueError, "u_values must be 1-D"),
        (lambda: W(["a", "b"], [1.0]), TypeError, "u_values must be a numeric"),
        (lambda: W([1.0], [True, False]), TypeError, "v_values must hold real numbers"),
        (lambda: W([1.0], [1j]), TypeError, "v_values must hold real numbers"),
        (lambda: W([1.0], [1.0], ["x"]), TypeError, "u_weights must be a numeric"),
        (lambda: H([1.0, -1.0], [1.0, 1.0]), ValueError, "p has negative"),
        (lambda: H([1.0, 1.0], [0.0, 0.0]), ValueError, "q sums to zero"),
        (lambda: H([1.0, nan], [1.0, 1.0]), ValueError, "p contains NaN"),
        (lambda: H([1.0, 1.0], [1.0, inf]), ValueError, "q contains infinite"),
        (lambda: H([1.0, 1.0], [1.0, 1.0], [0.0]), ValueError, "x must be 1-D with one point per bin"),
        (lambda: H([1.0, 1.0], [1.0, 1.0], [0.0, nan]), ValueError, "x contains NaN"),
        (lambda: H([1.0, 1.0], [1.0, 1.0], order=0.9), ValueError, "order must be a finite number >= 1"),
        (lambda: H(np.ones((2, 0)), np.ones((2, 0))), ValueError, "must not be empty"),
        (lambda: H([1.0, 1.0], [1.0, 1.0, 1.0]), ValueError, "do not broadcast"),
        (lambda: H(1.0, 1.0), ValueError, "at least one dimension"),
        (lambda: H(["a"], [1.0]), TypeError, "p must be a numeric"),
    ],
)
def test_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
