"""Accuracy of KL, cross-entropy and entropy where the fast identities cancel:
near-identical rows, counts, one element holding almost all the mass."""

import math

import numpy as np
import pytest
import reference as ref

import pydiv

EPS = [1e-1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10]
RTOL = 1e-13
ULP = 2.0**-52


def near_pair(eps, n, seed, dtype=np.float64):
    r = np.random.default_rng(seed)
    p = r.random(n).astype(dtype)
    q = (p * (1 + eps * r.standard_normal(n))).astype(dtype)
    return p, q


# scipy's iris rows 102 and 111: the report's example, KL exact to 40 digits.
def test_kl_iris_rows():
    p, q = [7.1, 3.0, 5.9, 2.1], [6.4, 2.7, 5.3, 1.9]
    want = ref.kl_divergence_mp(p, q)
    assert want == pytest.approx(2.4885558005363342e-06, rel=1e-15, abs=0)
    assert pydiv.kl_divergence(p, q) == pytest.approx(want, rel=RTOL, abs=0)
    assert pydiv.pairwise([p], [q], metric="kl")[0, 0] == pytest.approx(want, rel=RTOL, abs=0)


# q = p (1 + eps noise): KL ~ eps^2 keeps its digits (the identity's error
# would grow like 1/eps^2), one-shot, and cross-entropy with it.
@pytest.mark.parametrize("eps", EPS)
def test_kl_near_identical(eps):
    for n in (4, 64, 301):
        p, q = near_pair(eps, n, n + int(-math.log10(eps)))
        assert pydiv.kl_divergence(p, q) == pytest.approx(ref.kl_divergence_mp(p, q), rel=RTOL, abs=0)
        assert pydiv.cross_entropy(p, q) == pytest.approx(ref.cross_entropy_mp(p, q), rel=RTOL, abs=0)


# The batched path (2-D rows, and along another axis) gives the same digits.
@pytest.mark.parametrize("eps", [1e-3, 1e-7, 1e-10])
def test_kl_near_identical_batched(eps):
    P, Q = near_pair(eps, (6, 40), 7)
    want = np.array([ref.kl_divergence_mp(a, b) for a, b in zip(P, Q)])
    np.testing.assert_allclose(pydiv.kl_divergence(P, Q, axis=1), want, rtol=RTOL)
    np.testing.assert_allclose(pydiv.kl_divergence(P.T, Q.T, axis=0), want, rtol=RTOL)
    want_ce = np.array([ref.cross_entropy_mp(a, b) for a, b in zip(P, Q)])
    np.testing.assert_allclose(pydiv.cross_entropy(P, Q, axis=1), want_ce, rtol=RTOL)


# float32 rows are read exactly: the reference is the float32 values' KL.
@pytest.mark.parametrize("eps", [1e-2, 1e-4, 1e-6])
def test_kl_near_identical_float32(eps):
    P, Q = near_pair(eps, (4, 50), 11, dtype=np.float32)
    want = np.array([ref.kl_divergence_mp(a, b) for a, b in zip(P, Q)])
    np.testing.assert_allclose(pydiv.kl_divergence(P, Q, axis=1), want, rtol=RTOL)
    assert pydiv.kl_divergence(P[0], Q[0]) == pytest.approx(want[0], rel=RTOL, abs=0)


# The pairwise KL and cross-entropy matrices recompute the entries whose
# matrix product could have lost digits.
@pytest.mark.parametrize("eps", [1e-1, 1e-3, 1e-6, 1e-10])
def test_pairwise_near_identical(eps):
    r = np.random.default_rng(3)
    X = r.random((4, 33))
    Y = np.vstack([X * (1 + eps * r.standard_normal(X.shape)), r.random((2, 33))])
    for metric, f in (("kl", ref.kl_divergence_mp), ("cross_entropy", ref.cross_entropy_mp)):
        want = np.array([[f(a, b) for b in Y] for a in X])
        np.testing.assert_allclose(pydiv.pairwise(X, Y, metric=metric), want, rtol=RTOL)
    Xf, Yf = X.astype(np.float32), Y.astype(np.float32)
    want = np.array([[ref.kl_divergence_mp(a, b) for b in Yf] for a in Xf])
    np.testing.assert_allclose(pydiv.pairwise(Xf, Yf, metric="kl"), want, rtol=RTOL)


# Entropy of counts within a few ulp of the exact value (the identity
# -S/A + log A cancels; x log x near x = 1 loses digits when normalised).
def test_entropy_counts_few_ulp():
    rows = [[499811, 1923], [10**9, 1], [3, 5, 7], [1e12, 1.0, 1.0]]
    r = np.random.default_rng(5)
    rows += [r.multinomial(int(10 ** r.uniform(2, 7)), r.dirichlet(np.full(k, 0.3))) for k in (2, 3, 10, 100) for _ in range(5)]
    for counts in rows:
        want = ref.entropy_mp(counts)
        got = pydiv.entropy(np.asarray(counts, dtype=np.float64))
        assert abs(got - want) <= 4 * ULP * want, (counts, got, want)
    batch = np.array([r.multinomial(100000, r.dirichlet(np.ones(8))) for _ in range(20)], dtype=np.float64)
    want = np.array([ref.entropy_mp(c) for c in batch])
    assert np.all(np.abs(pydiv.entropy(batch, axis=1) - want) <= 4 * ULP * want)


# Rows whose normalisation underflows an entry, or leaves it subnormal with
# few digits (totals of 1e300 next to entries of 1e-300 or 1e-20): the
# matrices equal the single-pair functions, infinities included.
def test_pairwise_faint_entries():
    r = np.random.default_rng(9)
    X = r.random((12, 6)) + 0.1
    X[::3] *= 1e300
    X[::3, 1] = 1e-300  # underflows to 0 when normalised
    X[1::3] *= 3e300
    X[1::3, 2] = 1e-20  # a subnormal of about 10 bits when normalised
    X[2, 4] = 0.0
    X[5, 0] = 0.0
    for metric, f in (("kl", ref.kl_divergence_mp), ("cross_entropy", ref.cross_entropy_mp)):
        want = np.array([[f(a, b) for b in X] for a in X])
        got = pydiv.pairwise(X, X.copy(), metric=metric)
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
        finite = np.isfinite(want)
        np.testing.assert_allclose(got[finite], want[finite], rtol=RTOL, atol=0)
