"""Exact EMD on costs whose scales span many orders of magnitude.

A solver that calls a basis optimal must be right however the costs are
scaled: one huge cost that the optimum never uses (a common way to forbid a
pair without +inf), costs from 1e-6 to 1e20 in one matrix, and clouds with a
far outlier and a large order p.  Every answer is checked by its certificate
(dual feasibility relative to the numbers involved, complementary slackness,
zero duality gap) and against brute force over all assignments (uniform
weights, n <= 7) or HiGHS (scipy.optimize.linprog).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import check_scale_free_certificate, emd_linprog

import pydiv
from pydiv.emd import emd, emd2, wasserstein_nd

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_spatial = pytest.importorskip("scipy.spatial.distance")

_PERMUTATIONS = {n: np.array(list(itertools.permutations(range(n)))) for n in range(1, 8)}


def brute_force_assignment(M: np.ndarray) -> float:
    """Mean cost of the best permutation: the EMD of two uniform clouds of n points."""
    n = M.shape[0]
    perms = _PERMUTATIONS[n]
    totals = M[np.arange(n), perms].sum(axis=1)
    return float(totals.min()) / n


def highs_emd(a, b, M) -> float:
    res = emd_linprog(a, b, M)
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize("big", [1e6, 1e10, 1e15, 1e20, 1e250])
def test_one_huge_cost_does_not_hide_small_improvements(big):
    # One forbidden-by-size pair must not stop the search at a worse plan.
    rng = np.random.default_rng(int(np.log10(big)))
    for _ in range(40):
        n = int(rng.integers(3, 8))
        M = rng.random((n, n))
        M[rng.integers(n), rng.integers(n)] = big
        a = np.full(n, 1.0 / n)
        r = emd(a, a, M)
        assert r.cost == pytest.approx(brute_force_assignment(M), rel=1e-13, abs=0)
        check_scale_free_certificate(r, a, a, M)


def test_several_huge_costs_larger_problems():
    # Up to 11 x 11 with several sentinel costs, against HiGHS.
    rng = np.random.default_rng(7)
    for _ in range(25):
        n, m = int(rng.integers(3, 12)), int(rng.integers(3, 12))
        M = rng.random((n, m))
        mask = rng.random((n, m)) < 0.15
        M[mask] = 10.0 ** rng.uniform(8, 20, mask.sum())
        a = rng.random(n) + 0.1
        b = rng.random(m) + 0.1
        a /= a.sum()
        b /= b.sum()
        r = emd(a, b, M)
        check_scale_free_certificate(r, a, b, M)
        if M[r.rows, r.cols].max() < 1e6:  # HiGHS is exact enough when the optimum avoids the sentinels
            assert r.cost == pytest.approx(highs_emd(a, b, M), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 7),
    seed=st.integers(0, 2**32 - 1),
    lo=st.integers(-6, 6),
    span=st.integers(0, 26),
)
def test_costs_spanning_many_orders_of_magnitude(n, seed, lo, span):
    # Log-uniform costs in [10^lo, 10^(lo + span)]: the exact optimum, whatever the spread.
    rng = np.random.default_rng(seed)
    M = 10.0 ** rng.uniform(lo, lo + span, (n, n))
    a = np.full(n, 1.0 / n)
    r = emd(a, a, M)
    check_scale_free_certificate(r, a, a, M)
    ref = brute_force_assignment(M)
    # The reference sums n terms of mixed sizes; both sides round to about n ulp of the largest.
    assert abs(r.cost - ref) <= 1e-14 * n * float(M[r.rows, r.cols].max())
    assert r.cost == pytest.approx(ref, rel=1e-12)


def test_negative_and_huge_costs_together():
    # Negative costs next to 1e18: an affine shift of each row leaves the optimal plan.
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(3, 8))
        M = rng.normal(size=(n, n))
        M[rng.integers(n), rng.integers(n)] = 1e18
        M[rng.integers(n), rng.integers(n)] = -1e3
        a = np.full(n, 1.0 / n)
        r = emd(a, a, M)
        check_scale_free_certificate(r, a, a, M)
        assert r.cost == pytest.approx(brute_force_assignment(M), rel=1e-12)


def _clouds_with_shared_far_point(rng, n, far):
    x = rng.random((n, 2))
    y = rng.random((n, 2))
    x[0] = far
    y[0] = far
    return x, y


@pytest.mark.parametrize("far,p", [((5.0, 5.0), 20), ((1e6, 1e6), 2), ((1e6, 0.0), 3)])
def test_point_clouds_with_a_shared_far_point(far, p):
    # The far points match each other; the rest is an ordinary unit-square problem.
    rng = np.random.default_rng(p)
    for _ in range(10):
        n = int(rng.integers(3, 8))
        x, y = _clouds_with_shared_far_point(rng, n, far)
        C = scipy_spatial.cdist(x, y) ** p
        ref = brute_force_assignment(C) ** (1.0 / p)
        assert wasserstein_nd(x, y, p=p) == pytest.approx(ref, rel=1e-12)
        M = pydiv.pairwise([x, x], [y], metric="emd", p=p)
        assert M[0, 0] == pytest.approx(ref, rel=1e-12)
        assert emd2(None, None, C) == pytest.approx(ref**p, rel=1e-12)


def test_far_outlier_larger_clouds_against_highs():
    # 40 x 35 weighted points in the unit cube plus one shared outlier at 1e4
    # (equal mass on both sides), p = 4: the outliers match each other at no
    # cost, and the rest is the problem without them (solved by HiGHS).
    rng = np.random.default_rng(11)
    x = rng.random((41, 3))
    y = rng.random((36, 3))
    x[40] = y[35] = 1e4
    # Integer weights, so both sides sum to exactly the same total (no rounding
    # mass left to move at a cost of 1e16).
    a = rng.integers(1, 50, 41).astype(float)
    b = rng.integers(1, 50, 36).astype(float)
    b[0] += a[:40].sum() - b[:35].sum()
    a[40] = b[35] = 300.0
    assert b[0] > 0 and a.sum() == b.sum()
    C = scipy_spatial.cdist(x, y) ** 4
    r = emd(a, b, C)
    check_scale_free_certificate(r, a, b, C)
    assert r.cost == pytest.approx(highs_emd(a[:40], b[:35], C[:40, :35]), rel=1e-9)
    # Weights normalised by an exact power of two keep both totals equal: no
    # rounding mass is left to move at 1e16.
    assert wasserstein_nd(x, y, a, b, p=4) == pytest.approx((r.cost / a.sum()) ** 0.25, rel=1e-12)
    assert pydiv.pairwise([x], [y], metric="emd", p=4, x_weights=[a], y_weights=[b])[0, 0] == pytest.approx(
        (r.cost / a.sum()) ** 0.25, rel=1e-12
    )


def test_rounding_noise_never_cycles():
    # Costs |x - y|^6 on a line span 1e-12 .. 1e17, and potentials summed through
    # the large ones carry rounding far above the small reduced costs: priced as
    # improvements they made the simplex cycle forever.  It must end, optimal.
    u = np.array([-114.56891343448024, 0.0, 815.8158316782087, 2.5, -308.9266250748151])
    v = np.array([0.0, 2.5, 2.5, 0.0])
    uw = np.array([6.7418698737576594, 0.0, 5.8685286437078465, 0.0, 9.09360994464993])
    p = 6.058565676271989
    got = wasserstein_nd(u, v, uw, None, p=p, max_iter=100_000)
    assert got == pytest.approx(pydiv.wasserstein_1d(u, v, uw, None, p=p), rel=1e-9)
    C = np.abs(u[:, None] - v[None, :]) ** p
    r = emd(uw / uw.sum(), np.full(4, 0.25), C, max_iter=100_000)
    check_scale_free_certificate(r, uw / uw.sum(), np.full(4, 0.25), C)
