"""Tests of the exact grid EMD: pydiv.emd_grid and pydiv.emd_grid_batch.

Every metric is checked against the dense problem (pydiv.emd2 and POT's
ot.emd2 on the (cells x cells) ground-cost matrix, HiGHS on small grids) to
1e-9 relative, on 1-D, 2-D and 3-D grids up to 24 x 24 and 8 x 8 x 8 with
random, sparse (90 % zeros) and structured masses and spacings over many
orders of magnitude; the grid potentials certify each optimum against every
pair of cells; flows have divergence A - B and cost the optimum; plans have
the marginals.  Batches are bitwise the single calls.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_interrupt import run_child

from reference import check_grid_certificate, emd_linprog, grid_cost_matrix, wasserstein_hist
import pydiv
from pydiv.emd import EmdMaxIterWarning

METRICS = ("cityblock", "chebyshev", "sqeuclidean")


def masses(rng, shape, kind):
    if kind == "random":
        x = rng.random(shape)
    elif kind == "sparse":
        x = rng.random(shape) * (rng.random(shape) < 0.1)
        x.flat[rng.integers(x.size)] += 1.0  # never empty
    else:  # structured: a smooth bump plus a bar
        grids = np.meshgrid(*[np.linspace(-1, 1, n) for n in shape], indexing="ij")
        centre = rng.uniform(-0.5, 0.5, len(shape))
        x = np.exp(-sum((g - c) ** 2 for g, c in zip(grids, centre)) * 4)
        x[(slice(None),) * (len(shape) - 1) + (rng.integers(shape[-1]),)] += 0.5
    return x / x.sum()


def dense(A, B, spacing, metric):
    return pydiv.emd2(A.ravel(), B.ravel(), grid_cost_matrix(A.shape, spacing, metric))


CASES = [
    ((24, 24), 1.0), ((17, 9), (0.5, 3.0)), ((8, 8, 8), 1.0), ((5, 6, 4), (1.0, 2.0, 0.25)), ((40,), 1.0),
    ((12, 12), (1e-6, 1e3)), ((10, 10), 1e100), ((10, 10), 1e-100),
]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("kind", ["random", "sparse", "structured"])
@pytest.mark.parametrize("shape, spacing", CASES)
def test_equals_dense_emd_and_is_certified(metric, kind, shape, spacing):
    if metric == "chebyshev" and np.ndim(spacing):
        spacing = spacing[0]
    rng = np.random.default_rng(hash((metric, kind, shape)) % 2**32)
    A, B = masses(rng, shape, kind), masses(rng, shape, kind)
    r = pydiv.emd_grid(A, B, metric=metric, spacing=spacing)
    assert r.status == "optimal" and r.metric == metric
    assert r.u.shape == shape and r.v.shape == shape
    want = dense(A, B, spacing, metric)
    assert r.cost == pytest.approx(want, rel=1e-9)
    check_grid_certificate(r, A, B, spacing)


@pytest.mark.parametrize("metric", METRICS)
def test_agrees_with_pot_and_highs(metric):
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(3)
    for shape in [(6, 7), (4, 3, 3), (13,)]:
        A, B = masses(rng, shape, "sparse"), masses(rng, shape, "random")
        M = grid_cost_matrix(shape, 1.0, metric)
        got = pydiv.emd_grid(A, B, metric=metric).cost
        assert got == pytest.approx(ot.emd2(A.ravel(), B.ravel(), M), rel=1e-9)
        assert got == pytest.approx(emd_linprog(A.ravel(), B.ravel(), M).fun, rel=1e-7)


def test_one_dimensional_cityblock_is_wasserstein_hist():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 100):
        A, B = rng.random(n), rng.random(n)
        A, B = A / A.sum(), B / B.sum()
        got = pydiv.emd_grid(A, B, spacing=0.5).cost
        assert got == pytest.approx(pydiv.wasserstein_hist(A, B, 0.5 * np.arange(n)), rel=1e-12, abs=1e-15)
        assert got == pytest.approx(wasserstein_hist(A, B, 0.5 * np.arange(n)), rel=1e-12, abs=1e-15)


def test_sqeuclidean_root_is_w2_of_the_distributions():
    # W2 of two 1-D histograms from their quantile functions.
    rng = np.random.default_rng(6)
    A, B = rng.random(30), rng.random(30)
    A, B = A / A.sum(), B / B.sum()
    x = np.arange(30.0)
    want = pydiv.wasserstein_hist(A, B, x, order=2)
    assert np.sqrt(pydiv.emd_grid(A, B, metric="sqeuclidean").cost) == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize("metric", ["cityblock", "chebyshev"])
@pytest.mark.parametrize("shape", [(9, 11), (4, 5, 3), (12,)])
def test_flow_moves_a_to_b_at_the_optimal_cost(metric, shape):
    rng = np.random.default_rng(7)
    A, B = masses(rng, shape, "sparse"), masses(rng, shape, "random")
    r = pydiv.emd_grid(A, B, metric=metric, spacing=2.0, return_flow=True)
    assert r.flow.shape == (r.offsets.shape[0], *shape)
    div = np.zeros(shape)
    cost = 0.0
    for h, off in enumerate(r.offsets):
        f = r.flow[h]
        div += f
        # what leaves x towards x + off arrives there
        src = tuple(slice(max(0, -o), n - max(0, o)) for o, n in zip(off, shape))
        dst = tuple(slice(max(0, o), n - max(0, -o)) for o, n in zip(off, shape))
        div[dst] -= f[src]
        cost += 2.0 * np.abs(f).sum()
        # potentials: phi(x) - phi(x + off) == step cost where flow moves forward
        moving = f[src] > 1e-15
        dphi = r.u[src] - r.u[dst]
        np.testing.assert_allclose(dphi[moving], 2.0, rtol=1e-9)
        assert (np.abs(dphi) <= 2.0 * (1 + 1e-9)).all()  # 1-Lipschitz on every grid arc
    np.testing.assert_allclose(div, A - B, atol=1e-14)
    assert cost == pytest.approx(r.cost, rel=1e-12)


def test_flow_sits_on_the_grid():
    # A flow entry pointing off the grid would be a bug of the offsets.
    r = pydiv.emd_grid(np.eye(4), np.eye(4)[::-1], return_flow=True)
    assert r.flow[0][-1].tolist() == [0.0] * 4 and r.flow[1][:, -1].tolist() == [0.0] * 4


@pytest.mark.parametrize("shape", [(7, 8), (3, 4, 5), (15,)])
def test_sqeuclidean_plan_has_the_marginals_and_the_cost(shape):
    rng = np.random.default_rng(8)
    A, B = masses(rng, shape, "sparse"), masses(rng, shape, "structured")
    r = pydiv.emd_grid(A, B, metric="sqeuclidean", return_flow=True)
    P = r.plan()
    np.testing.assert_allclose(P.sum(axis=1), A.ravel(), atol=1e-15)
    np.testing.assert_allclose(P.sum(axis=0), B.ravel(), atol=1e-15)
    M = grid_cost_matrix(shape, 1.0, "sqeuclidean")
    assert float((P * M).sum()) == pytest.approx(r.cost, rel=1e-12)
    assert len(r.mass) <= 2 * A.size  # basic: few entries
    assert (r.mass > 0).all()


def test_zero_cells_are_transit_nodes():
    # Mass crosses an empty band: the same cost as the dense solve.
    A = np.zeros((5, 9))
    A[2, 0] = 1.0
    B = np.zeros((5, 9))
    B[2, 8] = 1.0
    for metric, want in (("cityblock", 8.0), ("chebyshev", 8.0), ("sqeuclidean", 64.0)):
        assert pydiv.emd_grid(A, B, metric=metric).cost == want


def test_equal_histograms_cost_zero():
    rng = np.random.default_rng(9)
    A = masses(rng, (10, 10), "sparse")
    for metric in METRICS:
        r = pydiv.emd_grid(A, A.copy(), metric=metric)
        assert r.cost == 0.0
        check_grid_certificate(r, A, A)


def test_normalize_and_totals():
    A, B = np.ones((3, 3)), np.full((3, 3), 2.0)
    with pytest.raises(ValueError, match="different total mass"):
        pydiv.emd_grid(A, B)
    assert pydiv.emd_grid(A, B, normalize=True).cost == 0.0
    # float32 totals that agree to float32 rounding are equal masses
    rng = np.random.default_rng(10)
    a32 = rng.random((6, 6)).astype(np.float32)
    b32 = rng.permutation(a32.ravel()).reshape(6, 6)
    assert np.isfinite(pydiv.emd_grid(a32, b32).cost)


def test_counts_as_integers():
    A = np.array([[3, 0], [0, 1]])
    B = np.array([[0, 1], [3, 0]])
    assert pydiv.emd_grid(A, B).cost == pytest.approx(dense(A.astype(float), B.astype(float), 1.0, "cityblock"))


def test_max_iter_warns_and_reports():
    rng = np.random.default_rng(11)
    A, B = masses(rng, (10, 10), "random"), masses(rng, (10, 10), "random")
    with pytest.warns(EmdMaxIterWarning, match="max_iter") as rec:
        r = pydiv.emd_grid(A, B, max_iter=3)
    assert rec[0].filename == __file__  # the warning points at the caller
    assert r.status == "max_iter_reached" and r.n_iter == 3
    assert np.isnan(r.u).all()
    with pytest.warns(EmdMaxIterWarning, match="problems 0, 1") as rec:
        pydiv.emd_grid_batch(np.stack([A, A]), np.stack([B, B]), max_iter=3)
    assert rec[0].filename == __file__


@pytest.mark.parametrize("metric", METRICS)
def test_batch_is_bitwise_the_single_calls(metric):
    rng = np.random.default_rng(12)
    A = np.stack([masses(rng, (9, 7), k) for k in ("random", "sparse", "structured") * 3])
    B = np.stack([masses(rng, (9, 7), k) for k in ("sparse", "random", "structured") * 3])
    single = [pydiv.emd_grid(a, b, metric=metric, spacing=(1.0, 1.0 if metric == "chebyshev" else 2.5)).cost
              for a, b in zip(A, B)]
    for n_jobs in (1, 2, 4):
        got = pydiv.emd_grid_batch(A, B, metric=metric, spacing=(1.0, 1.0 if metric == "chebyshev" else 2.5),
                                   n_jobs=n_jobs)
        assert got.tolist() == single
    shared = pydiv.emd_grid_batch(A[0], B, metric=metric, spacing=(1.0, 1.0 if metric == "chebyshev" else 2.5))
    assert shared[3] == pydiv.emd_grid(A[0], B[3], metric=metric,
                                       spacing=(1.0, 1.0 if metric == "chebyshev" else 2.5)).cost


def test_batch_errors_name_the_pairs():
    A = np.ones((4, 3, 3))
    B = np.ones((4, 3, 3))
    B[2] *= 2
    with pytest.raises(ValueError, match="problem 2"):
        pydiv.emd_grid_batch(A, B)
    A[1, 0, 0] = -1
    with pytest.raises(ValueError, match="A of problem 1"):
        pydiv.emd_grid_batch(A, B)
    with pytest.raises(ValueError, match="batch"):
        pydiv.emd_grid_batch(np.ones(3), np.ones(3))


BAD = [
    (dict(A=np.ones((3, 3)), B=np.ones((3, 4))), ValueError, "same shape"),
    (dict(A=np.ones((2, 2, 2, 2)), B=np.ones((2, 2, 2, 2))), ValueError, "1, 2 or 3 axes"),
    (dict(A=np.float64(1.0), B=np.float64(1.0)), ValueError, "1, 2 or 3 axes"),
    (dict(A=np.ones((0, 3)), B=np.ones((0, 3))), ValueError, "empty"),
    (dict(A=-np.ones((2, 2)), B=np.ones((2, 2))), ValueError, "A has negative"),
    (dict(A=np.ones((2, 2)), B=np.full((2, 2), np.nan)), ValueError, "B contains NaN"),
    (dict(A=np.full((2, 2), np.inf), B=np.ones((2, 2))), ValueError, "A contains infinite"),
    (dict(A=np.zeros((2, 2)), B=np.ones((2, 2))), ValueError, "A sums to zero"),
    (dict(A=np.ones((2, 2)), B=2 * np.ones((2, 2))), ValueError, "different total mass"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), metric="euclidean"), ValueError, "metric must be one of"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), metric=None), ValueError, "metric must be one of"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing=0.0), ValueError, "spacing must be positive"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing=-1.0), ValueError, "spacing must be positive"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing=np.nan), ValueError, "spacing must be positive"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing=(1.0, 2.0, 3.0)), ValueError, "sequence of 2"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing="wide"), TypeError, "spacing must be"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), spacing=1e299), ValueError, "spacing is too large"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), metric="chebyshev", spacing=(1.0, 2.0)), ValueError,
     "one spacing for every axis"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), normalize="yes"), TypeError, "normalize"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), return_flow=1), TypeError, "return_flow"),
    (dict(A=np.ones((2, 2)), B=np.ones((2, 2)), max_iter=-2), ValueError, "max_iter"),
    (dict(A=[["a", "b"]], B=[[1, 2]]), TypeError, "A must"),
    (dict(A=np.ones((2, 2), bool), B=np.ones((2, 2))), TypeError, "booleans"),
    (dict(A=np.ones((2, 2)) + 0j, B=np.ones((2, 2))), TypeError, "complex"),
]


@pytest.mark.parametrize("kwargs, error, match", BAD)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        pydiv.emd_grid(**kwargs)


def test_graph_too_large_is_refused_before_allocating():
    with pytest.raises(ValueError, match="GiB"):
        pydiv.emd_grid(np.ones((1024, 1024)), np.ones((1024, 1024)), metric="sqeuclidean")


# Ctrl-C stops a 256 x 256 solve (several seconds) within 2 s, and a solve afterwards is right.
def test_ctrl_c_interrupts_a_large_grid():
    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(0)
        A, B = rng.random((256, 256)), rng.random((256, 256))
        B *= A.sum() / B.sum()
        """,
        long_call="pydiv.emd_grid(A, B)",
        next_call="pydiv.emd_grid([[1.0, 0.0]], [[0.0, 1.0]]).cost",
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert float(after) == 1.0


# Ctrl-C stops a batch on threads (every pair, the running ones and those not started) within 2 s.
def test_ctrl_c_interrupts_a_batch():
    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(1)
        A, B = rng.random((64, 96, 96)), rng.random((64, 96, 96))
        B *= (A.sum(axis=(1, 2)) / B.sum(axis=(1, 2)))[:, None, None]
        """,
        long_call="pydiv.emd_grid_batch(A, B, n_jobs=2)",
        next_call="pydiv.emd_grid_batch([[[1.0, 0.0]]], [[[0.0, 1.0]]])[0]",
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert float(after) == 1.0
