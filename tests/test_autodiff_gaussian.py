"""The closed-form gradients of gaussian_wasserstein and frechet_distance
(pydiv.autodiff.gaussian_ops): the reference vjp against central finite
differences of the NumPy functions (Richardson-extrapolated, in symmetric
directions for covariances), against the derivative formula evaluated in
mpmath at 40 digits (and that formula against mpmath's own differences),
against torch.func.grad of a plain eigh formula, and the shapes an adapter
relies on."""

from __future__ import annotations

import numpy as np
import pytest

import pydiv
from pydiv.autodiff import gaussian_ops, ops, vjp
from pydiv.gaussian import GaussianStats
from pydiv.stream import Moments

GW = ops()["gaussian_wasserstein"]
FD = ops()["frechet_distance"]


def spd(rng, d, spectrum=None):
    """A random symmetric positive (semi-)definite matrix with the given eigenvalues."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = rng.uniform(0.5, 2.0, d) if spectrum is None else np.asarray(spectrum, dtype=float)
    s = (q * lam) @ q.T
    return 0.5 * (s + s.T)


def sym_direction(rng, shape):
    e = rng.standard_normal(shape)
    e = 0.5 * (e + np.swapaxes(e, -1, -2))
    return e / np.abs(e).max()


def derivative(phi, h):
    """phi'(0) by central differences, Richardson-extrapolated (error O(h^4))."""
    d1 = (phi(h) - phi(-h)) / (2 * h)
    d2 = (phi(h / 2) - phi(-h / 2)) / h
    return (4 * d2 - d1) / 3


def is_full_cov(op, arrays, i):
    return op is GW and i in (1, 3) and np.ndim(arrays[i]) == np.ndim(arrays[i - 1]) + 1


def check_fd(op, arrays, options, rng, rtol=1e-8, rel_step=1e-3, directions=None, only=None):
    """<vjp_i(g), E_i> against d/dt <g, f(x_i + t E_i)> for each input i."""
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    shapes = [a.shape for a in arrays]
    value, grads = op.evaluate(arrays, options, (True,) * len(arrays))
    g = rng.standard_normal(value.shape)
    vj = vjp(op, shapes, options, grads, g)
    for i, a in enumerate(arrays):
        if only is not None and i not in only:
            continue
        assert vj[i].shape == a.shape and np.isfinite(vj[i]).all()
        if directions is not None and directions[i] is not None:
            e = directions[i]
        elif is_full_cov(op, arrays, i):
            e = sym_direction(rng, a.shape)
        else:
            e = rng.standard_normal(a.shape)
            e /= np.abs(e).max()
        top = np.abs(a).max()
        h = rel_step * (top if top > 0 else 1.0)

        def phi(t, i=i, e=e):
            moved = [b + t * e if k == i else b for k, b in enumerate(arrays)]
            return float(np.sum(g * np.asarray(op.function(*moved, **options))))

        fd = derivative(phi, h)
        exact = float(np.sum(vj[i] * e))
        scale = float(np.sum(np.abs(vj[i] * e)))
        assert abs(fd - exact) <= rtol * max(scale, 1e-300), (i, fd, exact)
    return value, grads


def gaussians(rng, d, batch1=(), batch2=()):
    m1 = rng.standard_normal(batch1 + (d,))
    m2 = rng.standard_normal(batch2 + (d,))
    S1 = np.stack([spd(rng, d) for _ in range(int(np.prod(batch1)))]).reshape(batch1 + (d, d))
    S2 = np.stack([spd(rng, d) for _ in range(int(np.prod(batch2)))]).reshape(batch2 + (d, d))
    return [m1, S1, m2, S2]


# --- against finite differences -------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 5, 16])
@pytest.mark.parametrize("squared", [True, False])
def test_full_covariances_match_finite_differences(d, squared):
    rng = np.random.default_rng(d + 10 * squared)
    value, grads = check_fd(GW, gaussians(rng, d), {"squared": squared}, rng)
    for G in (grads[1], grads[3]):
        assert np.array_equal(G, np.swapaxes(G, -1, -2))  # the gradient of a symmetric argument


def test_batched_and_broadcast_inputs():
    rng = np.random.default_rng(1)
    d = 3
    # (the covariances have one more dimension than their means; the batches broadcast)
    m1 = rng.standard_normal((3, 1, d))
    S1 = spd(rng, d)[None, None]
    m2 = rng.standard_normal((1, 1, d))
    S2 = np.stack([spd(rng, d) for _ in range(4)])[None]  # (1, 4, d, d)
    for squared in (True, False):
        value, grads = check_fd(GW, [m1, S1, m2, S2], {"squared": squared}, rng)
        assert value.shape == (3, 4)
        # each batch element's gradient is that of the unbatched problem
        _, one = GW.evaluate([m1[2, 0], S1[0, 0], m2[0, 0], S2[0, 1]], {"squared": squared}, (True,) * 4)
        for G, G1 in zip(grads, one):
            np.testing.assert_allclose(G[2, 1], G1, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("d", [1, 2, 5, 16])
def test_diagonal_covariances(d):
    rng = np.random.default_rng(d)
    m1, m2 = rng.standard_normal((2, d)), rng.standard_normal(d)
    s1, s2 = rng.uniform(0.5, 2.0, (2, d)), rng.uniform(0.5, 2.0, d)
    for squared in (True, False):
        value, grads = check_fd(GW, [m1, s1, m2, s2], {"squared": squared}, rng)
        # the same as the full covariance diag(s)
        full = [m1, np.stack([np.diag(v) for v in s1]), m2, np.diag(s2)]
        _, gfull = GW.evaluate(full, {"squared": squared}, (True,) * 4)
        np.testing.assert_allclose(grads[1], np.diagonal(gfull[1], axis1=-2, axis2=-1), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grads[3], np.diagonal(gfull[3], axis1=-2, axis2=-1), rtol=1e-12, atol=1e-15)
    _, grads = GW.evaluate([m1, s1, m2, s2], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(grads[1], 1 - np.sqrt(s2) / np.sqrt(s1), rtol=1e-14)


def test_diagonal_zero_variances_follow_the_pseudo_inverse():
    m = np.zeros(3)
    s1, s2 = np.array([0.0, 0.0, 4.0]), np.array([0.0, 1.0, 0.0])
    _, grads = GW.evaluate([m, s1, m, s2], {"squared": True}, (True,) * 4)
    np.testing.assert_array_equal(grads[1], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(grads[3], [1.0, 1.0, 1.0])
    # the full route takes the same convention
    _, full = GW.evaluate([m, np.diag(s1), m, np.diag(s2)], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(full[1], np.eye(3), atol=1e-15)


def test_one_dimensional_mix_of_diagonal_and_full():
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((2, 1)), rng.uniform(0.5, 2, (2, 1)), rng.standard_normal(1), [[1.7]]]
    value, grads = check_fd(GW, arrays, {"squared": False}, rng)
    assert grads[1].shape == (2, 1) and grads[3].shape == (2, 1, 1)


def test_entrywise_differences_of_the_symmetrised_function():
    # G is the gradient of X -> f((X + X^T) / 2) in every direction, asymmetric ones included.
    rng = np.random.default_rng(3)
    m1, S1, m2, S2 = gaussians(rng, 3)
    _, grads = GW.evaluate([m1, S1, m2, S2], {"squared": True}, (True,) * 4)
    for i in range(3):
        for j in range(3):
            e = np.zeros((3, 3))
            e[i, j] = 1.0

            def phi(t):
                x = S2 + t * e
                return pydiv.gaussian_wasserstein(m1, S1, m2, 0.5 * (x + x.T), squared=True)

            assert abs(derivative(phi, 1e-3) - grads[3][i, j]) < 1e-9


# --- repeated eigenvalues, singular and near-singular covariances ------------------------


def test_repeated_eigenvalues():
    d = 5
    m = np.zeros(d)
    _, grads = GW.evaluate([m, np.eye(d), m, 2 * np.eye(d)], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(grads[1], (1 - np.sqrt(2)) * np.eye(d), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(grads[3], (1 - np.sqrt(0.5)) * np.eye(d), rtol=1e-14, atol=1e-15)
    rng = np.random.default_rng(4)
    check_fd(GW, [m, np.eye(d), m, 2 * np.eye(d)], {"squared": True}, rng)
    S1 = spd(rng, d, [1.0, 1.0, 3.0, 3.0, 3.0])
    S2 = spd(rng, d, [2.0, 2.0, 2.0, 0.5, 0.5])
    for squared in (True, False):
        check_fd(GW, [rng.standard_normal(d), S1, m, S2], {"squared": squared}, rng)
    check_fd(GW, [m, S1, m, 4.0 * S1], {"squared": True}, rng)  # commuting, every pair repeated


def test_near_singular_covariance():
    rng = np.random.default_rng(5)
    d = 5
    S1 = spd(rng, d, [1e-6, 0.5, 1.0, 1.5, 2.0])
    S2 = spd(rng, d, [2e-6, 0.3, 1.0, 1.2, 3.0])
    m1, m2 = rng.standard_normal(d), rng.standard_normal(d)
    check_fd(GW, [m1, S1, m2, S2], {"squared": True}, rng, rtol=1e-6, rel_step=1e-8)


def _projector(rng, d, rank):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return q[:, :rank] @ q[:, :rank].T


def test_singular_covariance_against_a_definite_one():
    # S1 singular, S2 definite: f is differentiable in S2 in every direction, and in
    # S1 along its face (directions P E P); the gradients stay finite.
    rng = np.random.default_rng(6)
    d = 5
    P = _projector(rng, d, 3)
    S1 = P @ spd(rng, d) @ P
    S1 = 0.5 * (S1 + S1.T)
    S2 = spd(rng, d)
    arrays = [rng.standard_normal(d), S1, rng.standard_normal(d), S2]
    face = P @ sym_direction(rng, (d, d)) @ P
    for squared in (True, False):
        _, grads = check_fd(GW, arrays, {"squared": squared}, rng, rtol=1e-7,
                            directions=[None, 0.5 * (face + face.T), None, None])
        assert all(np.isfinite(G).all() for G in grads)


def test_both_covariances_singular():
    rng = np.random.default_rng(7)
    d = 6
    P1, P2 = _projector(rng, d, 3), _projector(rng, d, 4)
    S1, S2 = P1 @ spd(rng, d) @ P1, P2 @ spd(rng, d) @ P2
    S1, S2 = 0.5 * (S1 + S1.T), 0.5 * (S2 + S2.T)
    e1, e2 = P1 @ sym_direction(rng, (d, d)) @ P1, P2 @ sym_direction(rng, (d, d)) @ P2
    arrays = [np.zeros(d), S1, np.ones(d), S2]
    _, grads = check_fd(GW, arrays, {"squared": True}, rng, rtol=1e-7,
                        directions=[None, 0.5 * (e1 + e1.T), None, 0.5 * (e2 + e2.T)])
    assert all(np.isfinite(G).all() for G in grads)
    # orthogonal supports: no overlap, W2^2 = |dm|^2 + tr S1 + tr S2 and G = I
    Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    A, B = Q[:, :2] @ Q[:, :2].T, 3 * Q[:, 2:] @ Q[:, 2:].T
    _, grads = GW.evaluate([np.zeros(d), A, np.zeros(d), B], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(grads[1], np.eye(d), atol=1e-13)
    np.testing.assert_allclose(grads[3], np.eye(d), atol=1e-13)


def test_equal_gaussians():
    rng = np.random.default_rng(8)
    m, S = rng.standard_normal(4), spd(rng, 4)
    value, grads = GW.evaluate([m, S, m, S], {"squared": False}, (True,) * 4)
    assert value == 0.0 and all(not G.any() for G in grads)  # 0 at the cusp W = 0
    value, grads = GW.evaluate([m, S, m, S], {"squared": True}, (True,) * 4)
    assert value == 0.0 and all(np.abs(G).max() < 1e-14 for G in grads)


# --- scales -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-150, 1e-40, 1e40, 1e150])
def test_scales(scale):
    rng = np.random.default_rng(9)
    m1, S1, m2, S2 = gaussians(rng, 4)
    arrays = [m1 * np.sqrt(scale), S1 * scale, m2 * np.sqrt(scale), S2 * scale]
    for squared in (True, False):
        _, unit = GW.evaluate([m1, S1, m2, S2], {"squared": squared}, (True,) * 4)
        _, grads = check_fd(GW, arrays, {"squared": squared}, rng)
        # dW2^2/dS is scale-free, dW2^2/dm scales as sqrt(scale); with squared=False, 1 and 1/sqrt(scale)
        power = (0.5, 0.0) if squared else (0.0, -0.5)
        for k, G in enumerate(grads):
            np.testing.assert_allclose(G, unit[k] * scale ** power[k % 2], rtol=1e-12, atol=1e-14 * scale ** power[k % 2])


def test_mixed_scales():
    # G_S2 = I - sqrt(alpha / beta) T21 when S1, S2 are scaled by alpha, beta
    rng = np.random.default_rng(10)
    m1, S1, m2, S2 = gaussians(rng, 3)
    _, unit = GW.evaluate([m1, S1, m2, S2], {"squared": True}, (True,) * 4)
    alpha, beta = 1e150, 1e-150
    _, grads = GW.evaluate([m1, alpha * S1, m2, beta * S2], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(np.eye(3) - grads[3], (np.eye(3) - unit[3]) * 1e150, rtol=1e-12)
    np.testing.assert_allclose(grads[1], np.eye(3) - (np.eye(3) - unit[1]) * 1e-150, rtol=1e-12)
    assert all(np.isfinite(G).all() for G in grads)


# --- frechet_distance on samples ---------------------------------------------------------


@pytest.mark.parametrize("n, m, d", [(7, 9, 4), (40, 30, 16), (3, 20, 6), (3, 4, 8), (5, 2, 1)])
def test_frechet_samples(n, m, d):
    # (3, 20, 6), (3, 4, 8): fewer samples than dimensions, singular covariances, and
    # still differentiable (the rank of F2^T F1 does not change with the samples)
    rng = np.random.default_rng(n + m + d)
    X = rng.standard_normal((n, d))
    Y = 1.5 * rng.standard_normal((m, d)) + 0.3
    value, grads = check_fd(FD, [X, Y], {}, rng)
    assert value.shape == () and float(value) == pydiv.frechet_distance(X, Y)


def test_frechet_matches_the_chain_rule_through_the_statistics():
    rng = np.random.default_rng(11)
    X, Y = rng.standard_normal((8, 3)), rng.standard_normal((6, 3)) + 1
    _, (gx, gy) = FD.evaluate([X, Y], {}, (True, True))
    mx, my = X.mean(0), Y.mean(0)
    _, (gm, gS, _, _) = GW.evaluate([mx, np.cov(X.T), my, np.cov(Y.T)], {"squared": True}, (True,) * 4)
    np.testing.assert_allclose(gx, gm / 8 + 2 / 7 * (X - mx) @ gS, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-100, 1e100])
def test_frechet_scales(scale):
    rng = np.random.default_rng(12)
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((7, 3)) + 1
    _, unit = FD.evaluate([X, Y], {}, (True, True))
    value, grads = check_fd(FD, [X * scale, Y * scale], {}, rng)
    for G, G1 in zip(grads, unit):
        np.testing.assert_allclose(G, G1 * scale, rtol=1e-12)  # W2^2 scales as scale^2


def test_frechet_refuses_statistics():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((5, 2))
    stats = GaussianStats(X.mean(0), np.cov(X.T), 5)
    moments = Moments(2)
    moments.update(X)
    for other in (stats, moments):
        with pytest.raises(TypeError, match="Y is a"):
            FD.evaluate([X, other], {}, (True, True))
        with pytest.raises(TypeError, match="X is a"):
            FD.evaluate([other, X], {}, (False, False))
    with pytest.raises(ValueError, match="X must be a 2-D"):
        FD.value_shape([(5,), (5, 2)], {})


def test_float32_inputs_give_float64_gradients():
    rng = np.random.default_rng(18)
    arrays = gaussians(rng, 3)
    _, ref = GW.evaluate(arrays, {"squared": True}, (True,) * 4)
    _, grads = GW.evaluate([a.astype(np.float32) for a in arrays], {"squared": True}, (True,) * 4)
    for G, R in zip(grads, ref):
        assert G.dtype == np.float64
        np.testing.assert_allclose(G, R, rtol=1e-5, atol=1e-6)


def test_bad_shapes():
    with pytest.raises(ValueError, match="S1 must be"):
        GW.value_shape([(3,), (3, 3, 3, 3), (3,), (3, 3)], {})
    with pytest.raises(ValueError, match="m2 must have"):
        GW.value_shape([(3,), (3, 3), (), (3, 3)], {})
    with pytest.raises(ValueError, match="S2 has shape"):
        GW.value_shape([(3,), (3, 3), (3,), (3, 2)], {})
    with pytest.raises(ValueError, match="different dimensions"):
        GW.value_shape([(3,), (3, 3), (2,), (2,)], {})
    with pytest.raises(ValueError, match="different dimensions"):
        FD.value_shape([(5, 3), (5, 2)], {})
    with pytest.raises(ValueError):
        GW.value_shape([(2, 3), (2, 3, 3), (4, 3), (4, 3, 3)], {})  # batches that do not broadcast
    with pytest.raises(ValueError, match="S2"):  # the value's own checks speak
        GW.evaluate([np.zeros(2), np.eye(2), np.zeros(2), -np.eye(2)], {}, (True,) * 4)


# --- shapes an adapter relies on --------------------------------------------------------------


@pytest.mark.parametrize("shapes", [
    [(3,), (3, 3), (3,), (3, 3)],
    [(2, 1, 3), (1, 1, 3, 3), (1, 3), (4, 3, 3)],
    [(1, 3), (5, 3, 3), (2, 1, 3), (1, 1, 3, 3)],
    [(3,), (3,), (2, 3), (1, 3)],
    [(4, 1), (4, 1, 1), (1,), (1,)],
    [(1,), (1,), (1,), (1, 1)],
])
def test_value_and_gradient_shapes(shapes):
    rng = np.random.default_rng(14)
    arrays = []
    for i, s in enumerate(shapes):
        if i % 2 == 0:
            arrays.append(rng.standard_normal(s))
        elif len(s) == len(shapes[i - 1]):
            arrays.append(rng.uniform(0.5, 2, s))
        else:
            base = spd(rng, s[-1])
            arrays.append(np.broadcast_to(base, s) * rng.uniform(0.5, 2, s[:-2] + (1, 1)))
    for squared in (True, False):
        options = {"squared": squared}
        value, grads = GW.evaluate(arrays, options, (True,) * 4)
        assert value.shape == GW.value_shape(shapes, options)
        for i, G in enumerate(grads):
            assert G.shape == GW.grad_shape(shapes, options, i) and G.dtype == np.float64
        _, some = GW.evaluate(arrays, options, (False, True, False, False))
        assert some[0] is None and some[2] is None and some[3] is None
        np.testing.assert_array_equal(some[1], grads[1])
    shapes = [(6, 3), (4, 3)]
    value, grads = FD.evaluate([rng.standard_normal(s) for s in shapes], {}, (True, True))
    assert value.shape == FD.value_shape(shapes, {}) == ()
    assert [G.shape for G in grads] == [FD.grad_shape(shapes, {}, i) for i in range(2)] == shapes


def test_the_ops_are_registered():
    assert GW.function is pydiv.gaussian_wasserstein and FD.function is pydiv.frechet_distance
    assert GW.differentiable == ("m1", "S1", "m2", "S2") and FD.differentiable == ("X", "Y")


# --- independent references ---------------------------------------------------------------


def test_eigh_stand_in_for_the_svd(monkeypatch):
    rng = np.random.default_rng(15)
    arrays = gaussians(rng, 5, (2,), ())
    _, svd = GW.evaluate(arrays, {"squared": True}, (True,) * 4)

    def fail(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(gaussian_ops.np.linalg, "svd", fail)
    _, eig = GW.evaluate(arrays, {"squared": True}, (True,) * 4)
    for a, b in zip(svd, eig):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _mp_power(mp, A, p):
    lam, Q = mp.eigsy(A)
    return Q * mp.diag([x ** p for x in lam]) * Q.T


def _mp_gradient(mp, A, B):
    """dW2^2/dB = I - A^{1/2} (A^{1/2} B A^{1/2})^{-1/2} A^{1/2}, in mpmath."""
    rA = _mp_power(mp, A, 0.5)
    return mp.eye(A.rows) - rA * _mp_power(mp, rA * B * rA, -0.5) * rA


def _mp_trace_term(mp, A, B):
    """tr A + tr B - 2 tr (A^{1/2} B A^{1/2})^{1/2}, in mpmath."""
    rA = _mp_power(mp, A, 0.5)
    root = _mp_power(mp, rA * B * rA, 0.5)
    return sum(A[i, i] + B[i, i] - 2 * root[i, i] for i in range(A.rows))


def test_against_mpmath():
    mp = pytest.importorskip("mpmath").mp
    rng = np.random.default_rng(16)
    d = 4
    S1, S2 = spd(rng, d, [0.2, 1.0, 2.0, 5.0]), spd(rng, d, [0.1, 0.7, 1.0, 3.0])
    _, grads = GW.evaluate([np.zeros(d), S1, np.zeros(d), S2], {"squared": True}, (True,) * 4)
    with mp.workdps(40):
        A, B = mp.matrix(S1.tolist()), mp.matrix(S2.tolist())
        E = mp.matrix(sym_direction(rng, (d, d)).tolist())
        h = mp.mpf("1e-12")
        # (which covariance is differentiated, the other one)
        for G, (X, Y) in ((grads[1], (B, A)), (grads[3], (A, B))):
            ref = _mp_gradient(mp, X, Y)
            ref64 = np.array(ref.tolist(), dtype=float)
            assert np.linalg.norm(G - ref64) <= 1e-13 * np.linalg.norm(ref64)
            # the formula itself, against differences of the trace term at 40 digits
            fd = (_mp_trace_term(mp, X, Y + h * E) - _mp_trace_term(mp, X, Y - h * E)) / (2 * h)
            exact = sum(ref[i, j] * E[i, j] for i in range(d) for j in range(d))
            assert abs(fd - exact) < mp.mpf("1e-20")


def test_against_torch_autograd_of_an_eigh_formula():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(17)
    d = 5
    m1, S1, m2, S2 = gaussians(rng, d)

    def sqrtm(S):
        lam, Q = torch.linalg.eigh(S)
        return (Q * lam.clamp(min=0).sqrt()) @ Q.T

    def w2(m1, X1, m2, X2):  # of the symmetrised arguments
        S1, S2 = 0.5 * (X1 + X1.T), 0.5 * (X2 + X2.T)
        r1 = sqrtm(S1)
        cross = torch.linalg.eigvalsh(r1 @ S2 @ r1).clamp(min=0).sqrt().sum()
        return ((m1 - m2) ** 2).sum() + torch.trace(S1) + torch.trace(S2) - 2 * cross

    args = [torch.tensor(a, dtype=torch.float64) for a in (m1, S1, m2, S2)]
    ref = torch.func.grad(w2, argnums=(0, 1, 2, 3))(*args)
    _, grads = GW.evaluate([m1, S1, m2, S2], {"squared": True}, (True,) * 4)
    for G, r in zip(grads, ref):
        np.testing.assert_allclose(G, r.numpy(), rtol=1e-10, atol=1e-12)
