"""Tests of the batched exact EMD: emd, emd2 and wasserstein_nd with a leading
batch dimension, and solve_points / solve_points_batch.

Every batched result is compared bitwise with the single call on the same
problem (at several thread counts), certified (dual feasibility relative to
the numbers involved, complementary slackness, no duality gap) on costs of
scales from 1e-200 to 1e250, and checked against POT's ot.emd2.  Errors name
the problems of the batch they are about.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_interrupt import run_child

from reference import check_scale_free_certificate
import pydiv
from pydiv.emd import (
    EmdInfeasibleError,
    EmdMaxIterWarning,
    emd,
    emd2,
    emd2_batch,
    emd_batch,
    solve_points,
    solve_points_batch,
    wasserstein_nd,
)

ot = pytest.importorskip("ot")
cdist = pytest.importorskip("scipy.spatial.distance").cdist


def dense_batch(rng, B, n, m, zeros=0.0):
    a = rng.random((B, n)) + 0.01
    b = rng.random((B, m)) + 0.01
    if zeros:
        a[rng.random((B, n)) < zeros] = 0.0
        b[rng.random((B, m)) < zeros] = 0.0
        a[:, 0] += 0.5
        b[:, -1] += 0.5
    a /= a.sum(axis=1, keepdims=True)
    b /= b.sum(axis=1, keepdims=True)
    M = rng.random((B, n, m))
    M[1::3] = rng.integers(0, 3, (len(M[1::3]), n, m))  # degenerate: many ties
    return a, b, M


def assert_same_result(r, s):
    assert r.cost == s.cost and r.n_iter == s.n_iter and r.status == s.status
    for name in ("u", "v", "rows", "cols", "mass"):
        x, y = getattr(r, name), getattr(s, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
def test_batch_is_bitwise_the_loop_of_single_calls(n_jobs):
    rng = np.random.default_rng(0)
    a, b, M = dense_batch(rng, 13, 17, 11, zeros=0.2)
    results = pydiv.emd(a, b, M, n_jobs=n_jobs)
    assert isinstance(results, list) and len(results) == 13
    for k, r in enumerate(results):
        assert_same_result(r, emd(a[k], b[k], M[k]))
        assert not r.u.flags.writeable and not r.mass.flags.writeable
    costs = emd2(a, b, M, n_jobs=n_jobs)
    assert costs.shape == (13,)
    assert np.array_equal(costs, [emd2(a[k], b[k], M[k]) for k in range(13)])
    raw = 3.0 * a  # unnormalised: normalize=True rescales every problem
    got = emd2_batch(raw, b, M, normalize=True, n_jobs=n_jobs)
    assert np.array_equal(got, [emd2(raw[k], b[k], M[k], normalize=True) for k in range(13)])


def test_broadcast_and_uniform_weights():
    rng = np.random.default_rng(1)
    _, _, M = dense_batch(rng, 5, 6, 9)
    a = rng.random(6)
    a /= a.sum()
    shared = emd_batch(a, None, M)
    tiled = emd_batch(np.tile(a, (5, 1)), np.full((5, 9), 1 / 9), M)
    for r, s, k in zip(shared, tiled, range(5)):
        assert_same_result(r, s)
        assert_same_result(r, emd(a, None, M[k]))
    assert emd2_batch(None, None, M[:0]).shape == (0,)


@pytest.mark.parametrize("metric, p", [("euclidean", 1), ("sqeuclidean", 1), ("euclidean", 2), ("cityblock", 1.5)])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_points_batch_is_bitwise_the_single_calls(metric, p, n_jobs):
    rng = np.random.default_rng(2)
    x, y = rng.random((7, 12, 3)), rng.random((7, 9, 3))
    x[2], y[2] = x[2] * 1e200, y[2] * 1e200  # costs overflow: solved again on scaled points
    x[4], y[4] = x[4] * 1e-200, y[4] * 1e-200  # costs underflow: scaled first
    x[5] = y[5, 0]  # every source point at one target point
    a = rng.random((7, 12))
    dist, plans = solve_points_batch(x, y, a, None, p=p, metric=metric, n_jobs=n_jobs)
    assert np.array_equal(dist, wasserstein_nd(x, y, a, p=p, metric=metric, n_jobs=n_jobs))
    for k in range(7):
        single = solve_points(x[k], y[k], a[k], None, p=p, metric=metric)
        assert single[0] == dist[k] == wasserstein_nd(x[k], y[k], a[k], p=p, metric=metric)
        for got, want in zip(plans[k], single[1:]):
            assert np.array_equal(got, want) and not got.flags.writeable
        rows, cols, mass = plans[k]
        assert abs(mass.sum() - 1.0) <= 1e-14
        if k not in (2, 4):  # the plan carries the distance: sum of mass * cost = W_p^p
            D = cdist(x[k], y[k], "sqeuclidean" if metric == "sqeuclidean" else metric)
            assert abs(mass @ D[rows, cols] ** p - dist[k] ** p) <= 1e-13 * max(1.0, dist[k] ** p)


def test_points_batch_shared_weights_and_against_pot():
    rng = np.random.default_rng(3)
    x, y = rng.random((4, 20, 2)), rng.random((4, 15, 2))
    b = rng.random(15)
    got = wasserstein_nd(x, y, None, b, p=2)
    for k in range(4):
        ref = ot.emd2(np.full(20, 1 / 20), b / b.sum(), cdist(x[k], y[k], "sqeuclidean")) ** 0.5
        assert got[k] == pytest.approx(ref, rel=1e-12)


def test_scales_spanning_many_orders_of_magnitude():
    rng = np.random.default_rng(4)
    scales = [1e-200, 1e-20, 1e-6, 1.0, 1e6, 1e20, 1e100, 1e250]
    a, b, M = dense_batch(rng, len(scales), 8, 10)
    M *= np.array(scales)[:, None, None]
    M[3, 0, 0] = 1e20  # a sentinel the optimum avoids
    results = emd_batch(a, b, M, n_jobs=2)
    for k, r in enumerate(results):
        check_scale_free_certificate(r, a[k], b[k], M[k])
        assert r.cost == pytest.approx(ot.emd2(a[k], b[k], M[k]), rel=1e-12) or k == 3
        assert_same_result(r, emd(a[k], b[k], M[k]))


def test_against_pot_per_problem():
    rng = np.random.default_rng(5)
    a, b, M = dense_batch(rng, 6, 25, 30)
    got = emd2(a, b, M)
    want = [ot.emd2(a[k], b[k], M[k]) for k in range(6)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_infeasible_and_invalid_problems_are_named():
    rng = np.random.default_rng(6)
    a, b, M = dense_batch(rng, 5, 4, 4)
    bad = M.copy()
    bad[2, 0, :] = np.inf  # row 0 of problem 2 has nowhere to go
    bad[4, :, 1] = np.inf
    with pytest.raises(EmdInfeasibleError, match=r"problems 2, 4 of the batch are infeasible"):
        emd(a, b, bad)
    bad = M.copy()
    bad[3, 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"M of problem 3 contains NaN"):
        emd2(a, b, bad)
    bad[3, 1, 1] = -np.inf
    with pytest.raises(ValueError, match=r"M of problem 3 contains -inf"):
        emd2(a, b, bad)
    bad = M.copy()
    bad[1] *= 1e300
    with pytest.raises(ValueError, match=r"M of problem 1 has entries too large"):
        emd2(a, b, bad)
    w = a.copy()
    w[2, 1] = -1.0
    with pytest.raises(ValueError, match=r"a of problem 2 has negative"):
        emd2(w, b, M)
    w[2] = 0.0
    with pytest.raises(ValueError, match=r"a of problem 2 sums to zero"):
        emd2(w, b, M)
    w = a.copy()
    w[0] *= 2
    w[4] *= 3
    with pytest.raises(ValueError, match=r"a and b of problems 0, 4 have different total mass"):
        emd2(w, b, M)


def test_max_iter_warning_names_the_problems():
    rng = np.random.default_rng(7)
    a, b, M = dense_batch(rng, 3, 30, 30)
    a[1], b[1] = np.eye(30)[0], np.eye(30)[0]  # one row and one column: no pivot to make
    with pytest.warns(EmdMaxIterWarning, match=r"problems 0, 2 of the batch stopped after max_iter=2"):
        results = emd(a, b, M, max_iter=2)
    assert [r.status for r in results] == ["max_iter_reached", "optimal", "max_iter_reached"]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda M: emd(np.ones((4, 3)) / 3, None, M), r"a has shape \(4, 3\) but the batch needs \(3, 3\)"),
        (lambda M: emd(None, np.ones(5) / 5, M), r"b has 5 weights, but 4 are needed"),
        (lambda M: emd(np.ones((3, 3, 1)), None, M), r"a must be 1-D \(shared\) or 2-D"),
        (lambda M: emd2(None, None, M[None]), r"M must be a 2-D"),
        (lambda M: emd2(None, None, M[:, :0]), r"M must not hold empty"),
        (lambda M: emd2(None, None, M, n_jobs=0), r"n_jobs"),
        (lambda M: emd_batch(None, None, M[0]), r"M must be a 3-D batch"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 2)), np.zeros((3, 3, 2))), r"different numbers of clouds"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 2)), np.zeros((2, 3, 1))), r"different dimensions"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 2)), np.zeros((3, 2))), r"x must be 2-D .* or x and y both 3-D"),
        (lambda M: wasserstein_nd(np.zeros((3, 2)), np.zeros((2, 3, 2))), r"y must be 2-D"),
        (lambda M: wasserstein_nd(np.zeros((2, 0, 2)), np.zeros((2, 3, 2))), r"x must hold at least one point"),
        (lambda M: wasserstein_nd(np.full((2, 3, 1), np.nan), np.zeros((2, 3, 1))), r"x of problems 0, 1 contains"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), [1.0, 2.0]), r"a has 2 weights"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), p=0.5), r"p must be"),
        (lambda M: wasserstein_nd(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), n_jobs="2"), r"n_jobs"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    M = np.random.default_rng(8).random((3, 3, 4))
    with pytest.raises((ValueError, TypeError), match=match):
        call(M)


def test_tiny_and_huge_spans_in_one_problem():
    x = np.zeros((3, 2, 1))
    y = np.zeros((3, 2, 1))
    x[1, 1, 0] = 1e-300  # a tiny span beside a huge one: costs overflow, then scaled
    y[1, 0, 0] = 1e300
    y[1, 1, 0] = -1e300
    value = wasserstein_nd(x, y, p=1)
    assert value[0] == 0.0 and value[1] == wasserstein_nd(x[1], y[1], p=1)


# Ctrl-C stops a long batch (about 400 simplex solves on threads) within 2 s, and a batch afterwards is right.
def test_ctrl_c_interrupts_a_batch():
    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(9)
        x, y = rng.random((400, 1500, 2)), rng.random((400, 1500, 2))
        """,
        long_call="pydiv.wasserstein_nd(x, y, n_jobs=2)",
        next_call="pydiv.emd2(None, None, np.array([[[0.0, 1.0], [1.0, 0.0]]] * 3)).tolist()",
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert after == "[0.0, 0.0, 0.0]"
