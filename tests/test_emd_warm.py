"""Tests of the warm start of the exact EMD: emd(a, b, M, init=earlier_result).

A warm solve must reach the optimum of the new problem with a valid
certificate (dual feasibility relative to the numbers involved,
complementary slackness, no duality gap), whatever the earlier result:
slowly moving problems, costs of scales from 1e-200 to 1e250, changed
weights, zero weights and forbidden arcs where the earlier plan had mass,
and the plan of an unrelated problem.  The optimum is compared with the
cold solve and with POT.
"""

from __future__ import annotations

import numpy as np
import pytest

from pydiv.emd import EmdInfeasibleError, emd

ot = pytest.importorskip("ot")


def check_certificate(r, a, b, M):
    assert r.status == "optimal"
    P = r.plan()
    np.testing.assert_allclose(P.sum(axis=1), a, rtol=1e-12, atol=0)
    np.testing.assert_allclose(P.sum(axis=0), b, rtol=1e-12, atol=0)
    finite = np.isfinite(M)
    size = np.abs(np.where(finite, M, 0.0)) + np.abs(r.u)[:, None] + np.abs(r.v)[None, :]
    slack = np.where(finite, M - r.u[:, None] - r.v[None, :], np.inf)
    resolved = 1e-14 * float(np.abs(M[r.rows, r.cols]).max())
    assert (slack >= -1e-11 * size - resolved).all()
    assert (np.abs(slack[r.rows, r.cols]) <= 1e-11 * size[r.rows, r.cols]).all()
    assert abs(a @ r.u + b @ r.v - r.cost) <= 1e-11 * float(np.sum(size[r.rows, r.cols] * r.mass))


def moving(rng, n, m, steps, speed):
    x, y = rng.random((n, 2)), rng.random((m, 2))
    velocity = rng.normal(size=(n, 2)) * speed
    for t in range(steps):
        xs = x + t * velocity
        yield ((xs[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1)


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("speed", [1e-3, 3e-2])
def test_moving_problem_warm_equals_cold(uniform, speed):
    rng = np.random.default_rng(int(speed * 1e4) + uniform)
    n, m = 40, 35
    a = np.full(n, 1 / n) if uniform else rng.random(n) + 0.05
    b = np.full(m, 1 / m) if uniform else rng.random(m) + 0.05
    a, b = a / a.sum(), b / b.sum()
    prev = None
    warm_pivots = cold_pivots = 0
    for M in moving(rng, n, m, 12, speed):
        cold = emd(a, b, M)
        r = emd(a, b, M, init=prev) if prev is not None else cold
        check_certificate(r, a, b, M)
        assert r.cost == pytest.approx(cold.cost, rel=1e-13, abs=0)
        assert r.cost == pytest.approx(ot.emd2(a, b, M), rel=1e-12, abs=0)
        if prev is not None:
            warm_pivots += r.n_iter
            cold_pivots += cold.n_iter
        prev = r
    assert warm_pivots < cold_pivots


@pytest.mark.parametrize("scale", [1e-200, 1e-20, 1e-6, 1.0, 1e6, 1e20, 1e100, 1e250])
def test_many_scales(scale):
    rng = np.random.default_rng(3)
    n, m = 30, 30
    a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
    a, b = a / a.sum(), b / b.sum()
    steps = list(moving(rng, n, m, 3, 1e-2))
    prev = emd(a, b, steps[0] * scale)
    for M in steps[1:]:
        M = M * scale
        M[0, 0] = max(scale, 1e-300) * 1e20 if scale < 1e250 else M[0, 0]  # a sentinel the optimum avoids
        r = emd(a, b, M, init=prev)
        check_certificate(r, a, b, M)
        assert r.cost == pytest.approx(emd(a, b, M).cost, rel=1e-13, abs=0)
        prev = r


def test_changed_weights_zero_weights_forbidden_arcs_and_unrelated_plans():
    rng = np.random.default_rng(4)
    n, m = 25, 20
    for trial in range(30):
        a, b = rng.random(n) + 0.01, rng.random(m) + 0.01
        if trial % 3 == 0:
            a[rng.random(n) < 0.3] = 0.0
            b[rng.random(m) < 0.3] = 0.0
            a[0], b[0] = 1.0, 1.0
        a, b = a / a.sum(), b / b.sum()
        M = rng.random((n, m)) if trial % 2 else rng.integers(0, 3, (n, m)).astype(float)
        other = emd(None, None, rng.random((n, m)))  # the plan of an unrelated problem
        M[other.rows[::3], other.cols[::3]] = np.inf  # forbidden where that plan has mass
        cold = emd(a, b, M)
        r = emd(a, b, M, init=other)
        check_certificate(r, a, b, M)
        assert r.cost == pytest.approx(cold.cost, rel=1e-13, abs=1e-15)


def test_infeasible_problem_with_warm_start_raises():
    M = np.array([[0.0, 1.0], [1.0, 0.0]])
    start = emd([0.5, 0.5], [0.5, 0.5], M)
    with pytest.raises(EmdInfeasibleError):
        emd([0.5, 0.5], [0.5, 0.5], np.array([[np.inf, np.inf], [1.0, 0.0]]), init=start)


def test_init_validation():
    M = np.random.default_rng(5).random((3, 4))
    start = emd(None, None, M)
    with pytest.raises(TypeError, match="init must be an EmdResult"):
        emd(None, None, M, init=(1, 2))
    with pytest.raises(ValueError, match=r"init is the result of a problem of shape \(3, 4\)"):
        emd(None, None, M.T, init=start)
    with pytest.raises(ValueError, match="init .* not for a batch"):
        emd(None, None, M[None], init=start)


@pytest.mark.parametrize("uniform", [True, False])
def test_the_earlier_basis_comes_back_whole(uniform):
    # The same problem again: its own final basis is optimal, no pivot remains;
    # a result of a batch (no basis kept) starts from its plan instead.
    rng = np.random.default_rng(6)
    n = 50
    a = np.full(n, 1 / n) if uniform else rng.random(n) + 0.1
    a = a / a.sum()
    M = rng.random((n, n))
    first = emd(a, a, M)
    assert first.basis is not None and len(first.basis[0]) + len(first.basis[2]) == 2 * n
    again = emd(a, a, M, init=first)
    assert again.n_iter == 0 and again.cost == first.cost
    from_batch = emd(a, a, M[None])[0]
    assert from_batch.basis is None
    moved = M + 1e-3 * rng.random((n, n))
    r = emd(a, a, moved, init=from_batch)
    check_certificate(r, a, a, moved)
    assert r.cost == pytest.approx(emd(a, a, moved).cost, rel=1e-13, abs=0)
