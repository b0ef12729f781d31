"""pydiv.torch's exact-transport gradients equal POT's torch-backend gradients on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ot = pytest.importorskip("ot")

import pydiv.torch as pt  # noqa: E402


def _grads(fn, *xs):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    fn(*leaves).backward()
    return [t.grad.numpy() for t in leaves]


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e6])
@pytest.mark.parametrize("shape", [(6, 6), (7, 4), (3, 9)])
def test_emd2_gradients_equal_pots(shape, scale):
    rng = np.random.default_rng(sum(shape))
    n, m = shape
    a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
    a, b = a / a.sum(), b / b.sum()
    M = rng.random((n, m)) * scale
    ours = _grads(lambda a_, b_, M_: pt.emd2(a_, b_, M_), a, b, M)
    pots = _grads(lambda a_, b_, M_: ot.emd2(a_, b_, M_), a, b, M)
    # POT's potentials carry an absolute rounding error of about 1e-15 whatever the scale of M (8e-16 on
    # u + v - M along its plan at scale 1e-8); pydiv's meet the plan's equalities to 1e-16 relative to M.
    for g_ours, g_pot in zip(ours, pots):
        np.testing.assert_allclose(g_ours, g_pot, rtol=1e-12, atol=max(1e-12 * np.abs(g_pot).max(), 1e-14))
    import pydiv

    r = pydiv.emd(a, b, M)
    on_plan = r.u[r.rows] + r.v[r.cols] - M[r.rows, r.cols]
    assert np.abs(on_plan).max() <= 1e-15 * scale


def test_emd2_weight_gradient_is_a_directional_derivative():
    # Along a perturbation that keeps both totals, the gradient predicts the change of the cost.
    rng = np.random.default_rng(7)
    a, b, M = np.full(5, 0.2), np.full(4, 0.25), rng.random((5, 4))
    ga, gb, _ = _grads(lambda a_, b_, M_: pt.emd2(a_, b_, M_), a, b, M)
    da = rng.standard_normal(5)
    da -= da.mean()
    db = rng.standard_normal(4)
    db -= db.mean()
    h = 1e-7
    import pydiv

    change = (pydiv.emd2(a + h * da, b + h * db, M) - pydiv.emd2(a - h * da, b - h * db, M)) / (2 * h)
    assert abs(change - (ga @ da + gb @ db)) < 1e-7


@pytest.mark.parametrize("p, metric, pot_metric", [(1, "euclidean", "euclidean"), (2, "euclidean", "sqeuclidean"),
                                                    (1, "sqeuclidean", "sqeuclidean"), (1, "cityblock", "cityblock")])
def test_wasserstein_nd_point_gradients_equal_pot_through_the_cost_matrix(p, metric, pot_metric):
    rng = np.random.default_rng(p + len(metric))
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((6, 3))

    def pot(x_, y_):
        cost = ot.emd2(torch.full((8,), 1 / 8, dtype=torch.float64), torch.full((6,), 1 / 6, dtype=torch.float64),
                       ot.dist(x_, y_, metric=pot_metric))
        return cost ** (1.0 / p) if p != 1 else cost

    ours = _grads(lambda x_, y_: pt.wasserstein_nd(x_, y_, p=p, metric=metric), x, y)
    pots = _grads(pot, x, y)
    for g_ours, g_pot in zip(ours, pots):
        np.testing.assert_allclose(g_ours, g_pot, rtol=1e-11, atol=1e-13)


def test_batched_emd2_gradients_equal_a_loop():
    rng = np.random.default_rng(11)
    B, n, m = 5, 6, 7
    a, b, M = rng.random((B, n)) + 0.1, rng.random(m) + 0.1, rng.random((B, n, m))
    a, b = a / a.sum(-1, keepdims=True), b / b.sum()
    weights = rng.random(B)
    ga, gb, gM = _grads(lambda a_, b_, M_: (pt.emd2(a_, b_, M_) * torch.tensor(weights)).sum(), a, b, M)
    for k in range(B):
        la, lb, lM = _grads(lambda a_, b_, M_: pt.emd2(a_, b_, M_), a[k], b, M[k])
        np.testing.assert_allclose(ga[k], weights[k] * la, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(gM[k], weights[k] * lM, rtol=1e-13, atol=1e-15)
    assert gb.shape == (m,)


def test_kantorovich_critic_gradient_for_w1():
    # For p = 1 with the Euclidean cost, d W1 / d x_i = sum_j P_ij (x_i - y_j) / |x_i - y_j|, each a unit
    # vector per transported unit of mass: the gradient has norm <= the point's mass.
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((10, 2)), rng.standard_normal((10, 2)) + 3.0
    gx, _ = _grads(lambda x_, y_: pt.wasserstein_nd(x_, y_), x, y)
    assert np.all(np.linalg.norm(gx, axis=1) <= 0.1 + 1e-12)
    assert np.all(np.linalg.norm(gx, axis=1) > 0.1 - 1e-12)  # supports apart: every unit moves in one direction
