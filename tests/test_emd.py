"""Tests of pydiv.emd: exact optimal transport.

References: scipy.optimize.linprog(method="highs") on small problems, POT's
ot.emd2, closed forms (parallel segments, 1-D monotone coupling), and the
optimality certificate (primal feasibility, dual feasibility on every pair,
zero duality gap, complementary slackness) returned with every solution.
"""

from __future__ import annotations

import _thread
import importlib
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose

from reference import emd_linprog

from pydiv.emd import EmdInfeasibleError, EmdMaxIterWarning, EmdResult, emd, emd2, wasserstein_nd

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_spatial = pytest.importorskip("scipy.spatial.distance")


def check_certificate(r: EmdResult, a, b, M, marg_tol=1e-12, dual_tol=1e-9):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    M = np.asarray(M, float)
    n, m = M.shape
    assert r.status == "optimal"
    assert r.shape == (n, m)
    assert r.rows.dtype == np.int64 and r.cols.dtype == np.int64
    assert len(r.mass) <= n + m - 1
    assert (r.mass > 0).all()
    P = r.plan()
    assert_allclose(P.sum(axis=1), a, rtol=0, atol=marg_tol)
    assert_allclose(P.sum(axis=0), b, rtol=0, atol=marg_tol)
    scale = max(1.0, abs(r.cost))
    finite = np.isfinite(M)
    assert abs(np.sum(M[r.rows, r.cols] * r.mass) - r.cost) <= 1e-12 * scale
    slack = M - r.u[:, None] - r.v[None, :]
    assert slack[finite].min() >= -dual_tol
    assert np.abs(slack[r.rows, r.cols]).max() <= dual_tol
    assert abs(a @ r.u + b @ r.v - r.cost) <= 1e-9 * scale
    j0 = np.flatnonzero(b > 0)[0]
    assert r.v[j0] == 0.0


def random_problem(rng, n, m, kind, zeros=0.0):
    a = rng.random(n) + 0.01
    b = rng.random(m) + 0.01
    if zeros:
        a[rng.random(n) < zeros] = 0.0
        b[rng.random(m) < zeros] = 0.0
        a[0] = max(a[0], 0.5)
        b[-1] = max(b[-1], 0.5)
    a /= a.sum()
    b /= b.sum()
    if kind == "float":
        M = rng.random((n, m))
    elif kind == "int":
        M = rng.integers(0, 4, (n, m)).astype(float)
    elif kind == "neg":
        M = rng.normal(size=(n, m)) * 5
    else:
        M = np.full((n, m), 1.5)
    return a, b, M


@pytest.mark.parametrize("kind", ["float", "int", "neg", "equal"])
@pytest.mark.parametrize("seed", range(6))
def test_vs_linprog(kind, seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    a, b, M = random_problem(rng, n, m, kind, zeros=0.25 if seed % 2 else 0.0)
    r = emd(a, b, M)
    ref = emd_linprog(a, b, M)
    assert ref.status == 0
    assert abs(r.cost - ref.fun) <= 1e-9 * max(1.0, abs(ref.fun))
    check_certificate(r, a, b, M)


@pytest.mark.parametrize("kind", ["float", "int"])
@pytest.mark.parametrize("n,m", [(1, 1), (1, 300), (300, 1), (57, 91), (200, 200)])
def test_vs_pot(kind, n, m):
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(n * 1000 + m)
    a, b, M = random_problem(rng, n, m, kind)
    r = emd(a, b, M)
    ref = ot.emd2(a, b, M, numItermax=10**8)
    assert abs(r.cost - ref) <= 1e-9 * max(1.0, abs(ref))
    assert abs(emd2(a, b, M) - ref) <= 1e-9 * max(1.0, abs(ref))
    check_certificate(r, a, b, M)


def test_degenerate_large():
    rng = np.random.default_rng(3)
    n = 400
    a = np.full(n, 1.0 / n)
    M = rng.integers(0, 4, (n, n)).astype(float)
    check_certificate(emd(a, a, M), a, a, M)
    E = np.ones((n, n))
    r = emd(a, a, E)
    check_certificate(r, a, a, E)
    assert abs(r.cost - 1.0) <= 1e-12


@pytest.mark.parametrize("theta", [0.0, 0.3, 1.7])
def test_parallel_segments(theta):
    k = 40
    t = np.linspace(0.0, 1.0, k)
    x = np.c_[np.zeros(k), t]
    y = np.c_[np.full(k, theta), t]
    assert abs(wasserstein_nd(x, y) - theta) <= 1e-12
    assert abs(wasserstein_nd(x, y, p=2) - theta) <= 1e-12
    # Also through an explicit matrix.
    M = scipy_spatial.cdist(x, y)
    assert abs(emd2(None, None, M) - theta) <= 1e-12


def test_one_dimensional_clouds_match_wasserstein_1d():
    wasserstein = pytest.importorskip("pydiv.wasserstein")
    rng = np.random.default_rng(11)
    for p in (1, 2, 3.5):
        u = rng.normal(size=70)
        v = rng.normal(1.0, 2.0, size=45)
        uw = rng.random(70)
        vw = rng.random(45)
        got = wasserstein_nd(u, v, uw, vw, p=p)
        ref = wasserstein.wasserstein_1d(u, v, uw, vw, p=p)
        assert abs(got - ref) <= 1e-9 * max(1.0, ref)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski"])
@pytest.mark.parametrize("p", [1, 2, 1.5])
def test_point_cloud_metrics(metric, p):
    rng = np.random.default_rng(5)
    x = rng.random((33, 3))
    y = rng.random((41, 3))
    x[3] = x[4]  # duplicated points
    y[0] = x[0]
    a = rng.random(33)
    b = rng.random(41)
    kw = {"p": 3.0} if metric == "minkowski" else {}
    D = scipy_spatial.cdist(x, y, metric=metric, **kw)
    ref = emd2(a / a.sum(), b / b.sum(), D**p) ** (1.0 / p)
    got = wasserstein_nd(x, y, a, b, p=p, metric=metric, w=3.0 if metric == "minkowski" else None)
    assert abs(got - ref) <= 1e-9 * max(1.0, ref)


def test_on_the_fly_matches_dense(monkeypatch):
    # The module (pydiv.emd may name the function once the package exports it).
    emd_mod = importlib.import_module("pydiv.emd")

    rng = np.random.default_rng(8)
    x = rng.random((150, 2))
    y = rng.random((120, 2))
    dense = wasserstein_nd(x, y, p=1)
    monkeypatch.setattr(emd_mod, "_DENSE_MAX_FAST", 0)
    monkeypatch.setattr(emd_mod, "_DENSE_MAX_POW", 0)
    assert abs(wasserstein_nd(x, y, p=1) - dense) <= 1e-12
    assert abs(wasserstein_nd(x, y, p=1.5, metric="cityblock") -
               emd2(None, None, scipy_spatial.cdist(x, y, "cityblock") ** 1.5) ** (1 / 1.5)) <= 1e-12


def test_zero_weights_and_potentials():
    rng = np.random.default_rng(2)
    a, b, M = random_problem(rng, 30, 25, "neg", zeros=0.4)
    M[a == 0, :5] = np.inf  # forbidden arcs out of zero-mass rows are harmless
    r = emd(a, b, M)
    check_certificate(r, a, b, M)
    assert not np.isin(np.flatnonzero(a == 0), r.rows).any()


def test_forbidden_pairs():
    rng = np.random.default_rng(4)
    n = 20
    a = np.full(n, 1.0 / n)
    M = rng.random((n, n))
    M[rng.random((n, n)) < 0.7] = np.inf
    np.fill_diagonal(M, rng.random(n))
    r = emd(a, a, M)
    check_certificate(r, a, a, M)
    ref = emd_linprog(a, a, M)
    assert abs(r.cost - ref.fun) <= 1e-9
    # Rows 0..4 may only reach columns 0..4 but carry more mass: infeasible.
    a2 = np.r_[np.full(5, 0.12), np.full(5, 0.08)]
    b2 = np.full(10, 0.1)
    M2 = rng.random((10, 10))
    M2[:5, 5:] = np.inf
    with pytest.raises(EmdInfeasibleError, match="infeasible"):
        emd(a2, b2, M2)
    with pytest.raises(ValueError):
        emd2(a2, b2, M2)


def test_mass_mismatch_and_normalize():
    a = np.array([0.5, 0.5])
    b = np.array([0.25, 0.75])
    M = np.array([[0.0, 1.0], [2.0, 0.5]])
    base = emd2(a, b, M)
    assert abs(emd2(a, b * (1 + 1e-10), M) - base) <= 1e-9
    with pytest.raises(ValueError, match="normalize=True"):
        emd(a, b * 1.01, M)
    assert abs(emd2(a * 3, b * 7, M, normalize=True) - base) <= 1e-15


def test_max_iter_warning():
    rng = np.random.default_rng(0)
    a, b, M = random_problem(rng, 60, 60, "float")
    with pytest.warns(EmdMaxIterWarning, match="max_iter"):
        r = emd(a, b, M, max_iter=3)
    assert r.status == "max_iter_reached"
    assert r.n_iter == 3
    assert len(r.mass) <= 119


def test_result_is_frozen():
    r = emd([1.0], [1.0], [[2.0]])
    assert r.cost == 2.0 and r.plan().tolist() == [[1.0]]
    with pytest.raises(AttributeError):
        r.cost = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        r.u[0] = 1.0


def test_float32_and_lists():
    M = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    assert emd2([0.5, 0.5], [0.5, 0.5], M) == 0.0
    assert emd2([0.5, 0.5], [1.0, 0.0], [[0, 1], [3, 0]]) == 1.5


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (([0.5, 0.5], [1.0], [[np.nan], [1.0]]), ValueError, "M contains NaN"),
        (([0.5, 0.5], [1.0], [[-np.inf], [1.0]]), ValueError, "M contains -inf"),
        (([-0.5, 1.5], [1.0], [[0.0], [1.0]]), ValueError, "a has negative"),
        (([0.5, 0.5], [np.nan], [[0.0], [1.0]]), ValueError, "b contains NaN"),
        (([0.5, 0.5], [1.0, 0.0], [[0.0], [1.0]]), ValueError, "b has 2 weights"),
        (([1.0], [1.0], [1.0]), ValueError, "M must be a 2-D"),
        (([1.0], [1.0], [[[[1.0]]]]), ValueError, "M must be a 2-D"),  # 3-D is a batch
        (([1.0], [1.0], np.zeros((0, 1))), ValueError, "M must not be empty"),
        (([0.0, 0.0], [1.0], [[0.0], [1.0]]), ValueError, "a sums to zero"),
        (([1.0], [1.0], [["x"]]), TypeError, "M must"),
        (([True], [1.0], [[1.0]]), TypeError, "a must"),
    ],
)
def test_emd_validation(args, exc, match):
    with pytest.raises(exc, match=match):
        emd(*args)


def test_nan_cost_in_zero_mass_row_is_rejected():
    with pytest.raises(ValueError, match="M contains NaN"):
        emd([1.0, 0.0], [1.0], [[0.0], [np.nan]])


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"max_iter": True}, TypeError, "max_iter"),
    ],
)
def test_max_iter_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        emd([1.0], [1.0], [[0.0]], **kwargs)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"y": np.zeros((3, 3))}, ValueError, "different dimensions"),
        ({"metric": "cosine"}, ValueError, "metric must be one of"),
        ({"metric": 3}, TypeError, "metric must be a string"),
        ({"p": 0.5}, ValueError, "p must be"),
        ({"p": np.inf}, ValueError, "p must be"),
        ({"p": "2"}, TypeError, "p must be"),
        ({"w": 3.0}, ValueError, "only used with metric='minkowski'"),
        ({"metric": "minkowski", "w": 0.5}, ValueError, "w must be >= 1"),
        ({"x": np.array([[0.0, np.nan]])}, ValueError, "x contains NaN"),
        ({"x": np.zeros((0, 2))}, ValueError, "x must hold at least one point"),
        ({"x": np.zeros((2, 2, 2))}, ValueError, "x must be 2-D"),
        ({"a": [1.0, -1.0, 1.0]}, ValueError, "a has negative"),
        ({"b": [1.0]}, ValueError, "b has 1 weights"),
    ],
)
def test_wasserstein_nd_validation(kwargs, exc, match):
    args = {"x": np.zeros((3, 2)), "y": np.ones((4, 2))}
    args.update(kwargs)
    x = args.pop("x")
    y = args.pop("y")
    with pytest.raises(exc, match=match):
        wasserstein_nd(x, y, **args)


def test_minkowski_special_orders():
    rng = np.random.default_rng(9)
    x = rng.random((20, 3))
    y = rng.random((25, 3))
    assert abs(wasserstein_nd(x, y, metric="minkowski", w=1) - wasserstein_nd(x, y, metric="cityblock")) < 1e-12
    assert abs(wasserstein_nd(x, y, metric="minkowski", w=np.inf) - wasserstein_nd(x, y, metric="chebyshev")) < 1e-12
    assert abs(wasserstein_nd(x, y, metric="minkowski") - wasserstein_nd(x, y)) < 1e-12


def test_ctrl_c_interrupts_a_long_solve():
    rng = np.random.default_rng(1)
    n = 3000
    x = rng.random((n, 2))
    y = rng.random((n, 2))
    timer = threading.Timer(0.05, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in range(20):  # in case one solve finishes before the timer fires
                wasserstein_nd(x, y)
    finally:
        timer.cancel()
    # The thread's workspace is still usable afterwards.
    assert abs(wasserstein_nd(x[:50], x[:50])) <= 1e-15


def test_float32_weights_of_equal_mass_are_accepted():
    # ones/n (or softmax outputs) in float32 sum to 1 only within ~3e-8, beyond the float64 tolerance
    # of 1e-9; given in float32 they are read as equal masses (b scaled to a's total), as POT reads them.
    rng = np.random.default_rng(14)
    M = rng.random((7, 5))
    a32, b32 = np.ones(7, np.float32) / 7, np.ones(5, np.float32) / 5
    want = emd2(a32.astype(np.float64), b32.astype(np.float64), M, normalize=True)
    assert abs(emd2(a32, b32, M) - want) <= 1e-7 * want
    batch = emd2(np.stack([a32, a32]), b32, np.stack([M, M]))
    assert np.all(np.abs(batch - want) <= 1e-7 * want)
    with pytest.raises(ValueError, match="different total mass"):
        emd2(a32, np.ones(5, np.float32) / 4, M)  # a real mismatch is still refused
    with pytest.raises(ValueError, match="different total mass"):
        emd2(a32.astype(np.float64), b32.astype(np.float64), M)  # float64 keeps its tolerance
