"""Gradients of the sliced_wasserstein and max_sliced_wasserstein ops: finite
differences of the NumPy functions, POT's torch-backend autograd with the same
projections, the 1-D op along each direction, Danskin's theorem for the
max-sliced distance, exact scaling, and the shapes an adapter relies on."""

from __future__ import annotations

import numpy as np
import pytest

import pydiv
from autodiff_checks import check_against_fd, evaluate, pot_with_torch, relative_error
from pydiv.autodiff import ops, sliced_ops

OPS = ops()
SW, MAX = OPS["sliced_wasserstein"], OPS["max_sliced_wasserstein"]
PS = [1.0, 1.5, 2.0, 3.0]


def _clouds(rng, n=7, m=5, d=3, B=None, weighted=False, per_cloud=False):
    lead = () if B is None else (B,)
    X = rng.standard_normal(lead + (n, d))
    Y = rng.standard_normal(lead + (m, d)) * 1.3 + 0.4
    if not weighted:
        return [X, Y, None, None]
    wshape = lambda k: (lead if per_cloud else ()) + (k,)  # noqa: E731
    return [X, Y, rng.random(wshape(n)) + 0.2, rng.random(wshape(m)) + 0.2]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weighting", ["uniform", "energy"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sliced_vjp_matches_finite_differences(p, weighting, weighted):
    rng = np.random.default_rng([int(2 * p), len(weighting), weighted])
    options = {"p": p, "n_projections": 9, "seed": 11, "weighting": weighting}
    check_against_fd(SW, _clouds(rng, weighted=weighted), options, rng)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("per_cloud", [False, True])
def test_batched_sliced_vjp_matches_finite_differences(p, per_cloud):
    rng = np.random.default_rng([int(p), per_cloud])
    options = {"p": p, "n_projections": 5, "directions": "orthogonal", "seed": 2, "weighting": "energy"}
    check_against_fd(SW, _clouds(rng, n=5, m=4, d=2, B=3, weighted=True, per_cloud=per_cloud), options, rng)


def _pot_sliced_gradients(torch, ot, X, Y, a, b, theta, p):
    tX, tY = torch.tensor(X, requires_grad=True), torch.tensor(Y, requires_grad=True)
    ta = None if a is None else torch.tensor(a / a.sum())
    tb = None if b is None else torch.tensor(b / b.sum())
    ot.sliced_wasserstein_distance(tX, tY, ta, tb, p=p, projections=torch.tensor(theta.T)).backward()
    return tX.grad.numpy(), tY.grad.numpy()


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_equal_pots_autograd_with_the_same_projections(p, weighted, monkeypatch):
    torch, ot = pot_with_torch(monkeypatch)
    rng = np.random.default_rng([int(p * 2), weighted])
    X, Y, a, b = _clouds(rng, n=40, m=31, d=4, weighted=weighted)
    theta = rng.standard_normal((25, 4))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    value, grads = evaluate(SW, [X, Y, a, b], {"p": p, "directions": theta})
    gX, gY = _pot_sliced_gradients(torch, ot, X, Y, a, b, theta, p)
    assert relative_error(grads[0], gX) < 1e-12 and relative_error(grads[1], gY) < 1e-12


def test_values_are_the_functions_and_directions_are_the_forwards():
    rng = np.random.default_rng(4)
    for arrays in (_clouds(rng, weighted=True), _clouds(rng, B=2, weighted=True, per_cloud=True)):
        for weighting in ("uniform", "energy"):
            options = {"p": 1.5, "n_projections": 6, "seed": np.random.default_rng(8), "weighting": weighting}
            value, _ = evaluate(SW, arrays, options)
            again = {**options, "seed": np.random.default_rng(8)}  # a Generator is drawn from once per call
            np.testing.assert_array_equal(value, np.asarray(SW.function(*arrays, **again)))
    # one direction: the sliced gradient is the 1-D gradient of the projections times theta
    X, Y, a, b = _clouds(rng, weighted=True)
    theta = rng.standard_normal((1, 3))
    theta /= np.linalg.norm(theta)
    _, grads = evaluate(SW, [X, Y, a, b], {"p": 3.0, "directions": theta})
    _, g1 = evaluate(OPS["wasserstein_1d"], [X @ theta[0], Y @ theta[0], a, b], {"p": 3.0})
    assert relative_error(grads[0], np.outer(g1[0], theta[0])) < 1e-12
    assert relative_error(grads[1], np.outer(g1[1], theta[0])) < 1e-12
    assert relative_error(grads[2], g1[2]) < 1e-12 and relative_error(grads[3], g1[3]) < 1e-12


def test_blocks_of_directions_change_nothing(monkeypatch):
    rng = np.random.default_rng(6)
    arrays = _clouds(rng, B=2, weighted=True)
    options = {"p": 1.5, "n_projections": 10, "seed": 3, "weighting": "energy"}
    _, whole = evaluate(SW, arrays, options)
    monkeypatch.setattr(sliced_ops, "BLOCK_VALUES", 25)  # two directions per block
    _, blocks = evaluate(SW, arrays, options)
    for G, H in zip(whole, blocks):
        assert relative_error(H, G) < 1e-14


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_gradients_scale_exactly_over_two_hundred_orders_of_magnitude(p):
    rng = np.random.default_rng(int(p))
    X, Y, a, b = _clouds(rng, weighted=True)
    # the energy weights exp(W_l) depend on the scale, so the uniform estimator; 1e200: the function
    # rescales the clouds by a power of two (W_p^p beyond the float range)
    options = {"p": p, "n_projections": 8, "seed": 1}
    _, base = evaluate(SW, [X, Y, a, b], options)
    scales = (1e-100, 1e-30, 1e15, 1e100, 1e200)
    for s in scales:
        value, grads = evaluate(SW, [X * s, Y * s, a, b], options)
        assert value == SW.function(X * s, Y * s, a, b, **options)
        batch, _ = evaluate(SW, [(X * s)[None], (Y * s)[None], a, b], options)
        if s < 1e150:  # beyond, the batched function overflows rescaling its W_p^p (2.0 ** (e p))
            np.testing.assert_array_equal(batch, SW.function((X * s)[None], (Y * s)[None], a, b, **options))
        assert batch[0] == value
        for k, factor in ((0, 1.0), (1, 1.0), (2, s), (3, s)):
            assert relative_error(grads[k] / factor, base[k]) < 1e-12, (s, k)


@pytest.mark.parametrize("p", [1.5, 3.0])
def test_energy_weights_of_rescaled_clouds_match_finite_differences(p):
    # clouds the function scales by 2**-e: its energy weights come from the scaled W_l, and so do ours
    rng = np.random.default_rng(int(p))
    X, Y, a, b = _clouds(rng, n=5, m=4, weighted=True)
    options = {"p": p, "n_projections": 6, "seed": 4, "weighting": "energy"}
    check_against_fd(SW, [X * 1e200, Y * 1e200, a, b], options, rng)


@pytest.mark.parametrize("p", PS)
def test_max_sliced_gradient_is_the_fixed_direction_one(p):
    # Danskin: the gradient at the maximising direction, held fixed
    rng = np.random.default_rng(int(3 * p))
    arrays = _clouds(rng, n=12, m=9, weighted=True)
    options = {"p": p, "seed": 5}
    value, grads = evaluate(MAX, arrays, options)
    res = MAX.function(*arrays, **options)
    assert value == res.distance
    _, fixed = evaluate(SW, arrays, {"p": p, "directions": res.direction[None]})
    for G, H in zip(grads, fixed):
        assert relative_error(G, H) < 1e-12


def test_max_sliced_vjp_matches_finite_differences_of_the_maximum():
    # a smooth maximum (d = 2, a clear best direction): re-maximising at each step agrees
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 2)) * [3.0, 0.5]
    Y = rng.standard_normal((4, 2)) * [0.5, 0.5]
    arrays = [X, Y, rng.random(5) + 0.2, rng.random(4) + 0.2]
    options = {"p": 2.0, "seed": 1, "n_starts": 8, "n_ascents": 2, "max_iter": 400}
    check_against_fd(MAX, arrays, options, rng, rtol=1e-5,
                     value_of=lambda r: r.distance)


def test_shapes_and_errors():
    rng = np.random.default_rng(1)
    X, Y, a, b = _clouds(rng, B=3, weighted=True)
    shapes = [X.shape, Y.shape, a.shape, None]
    assert SW.value_shape(shapes, {}) == (3,)
    assert SW.grad_shape(shapes, {}, 0) == X.shape and SW.grad_shape(shapes, {}, 2) == (3, a.shape[0])
    assert "return_details" not in SW.signature.parameters and "n_jobs" not in SW.signature.parameters
    with pytest.raises(ValueError, match="3-D"):
        SW.value_shape([(4,), (4,), None, None], {})
    with pytest.raises(ValueError, match="max_sliced"):
        MAX.value_shape([X.shape, Y.shape, None, None], {})
    with pytest.raises(ValueError, match="weighting"):
        SW.evaluate([X, Y, None, None], {"weighting": "softmax"}, (True, True, False, False))
    value, grads = evaluate(SW, [X[0].astype(np.float32), Y[0].astype(np.float32), None, None], {"seed": 0})
    assert value == pydiv.sliced_wasserstein(X[0].astype(np.float32), Y[0].astype(np.float32), seed=0)
