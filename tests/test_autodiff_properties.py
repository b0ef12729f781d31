"""Laws the exact gradients obey, on inputs hypothesis draws (scales spanning many orders of magnitude).

* Scale invariance: every information function is unchanged by p -> t p, so
  sum_i p_i df/dp_i = 0 (Euler's identity of degree 0), to the rounding the
  gradient's own condition allows.
* emd2 is linear in M on the plan's cell, so M : dM = cost, and the gradient
  with respect to M is a plan: its marginals are a and b.
* wasserstein_nd is positively homogeneous (degree 1 for the norms, 2 for
  sqeuclidean) and translation invariant in (x, y) jointly, so
  x : dx + y : dy = degree * W and sum dx + sum dy = 0.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pydiv.autodiff import ops, vjp

seeds = st.integers(0, 2**32 - 1)
exponents = st.integers(-60, 60)


def _grads(name, arrays, options):
    op = ops()[name]
    shapes = [None if a is None else np.shape(a) for a in arrays]
    wants = tuple(a is not None and n in op.differentiable for n, a in zip(op.arrays, arrays))
    value, grads = op.evaluate(list(arrays), options, wants)
    return value, vjp(op, shapes, options, grads, np.ones(value.shape))


@given(seeds, exponents, st.sampled_from(["entropy", "kl_divergence", "cross_entropy", "js_divergence",
                                          "jensenshannon"]), st.integers(2, 12))
def test_information_gradients_are_orthogonal_to_the_inputs(seed, e, name, k):
    rng = np.random.default_rng(seed)
    p = rng.random(k) * 10.0**e + 1e-3 * 10.0**e
    q = rng.random(k) + 1e-3
    arrays = [p] if name == "entropy" else [p, q]
    value, grads = _grads(name, arrays, {})
    # Each gradient entry is known to about eps * (1 + |log P_i|) / sum(p) in absolute terms (its
    # condition: one ulp of p_i moves it that much), so that is the scale of the identity's residual.
    logs = 1.0 + max(float(np.abs(np.log(x / x.sum())).max()) for x in arrays)
    for a, g in zip(arrays, grads):
        assert np.all(np.isfinite(g))
        residual = abs(float(np.dot(a, g)))
        assert residual <= 1e-13 * np.abs(a * g).sum() + 4e-16 * k * logs


@given(seeds, exponents, st.integers(1, 7), st.integers(1, 7))
def test_emd2_gradient_in_M_is_the_plan(seed, e, n, m):
    rng = np.random.default_rng(seed)
    a, b = rng.random(n) + 0.05, rng.random(m) + 0.05
    a, b = a / a.sum(), b / b.sum()
    M = rng.random((n, m)) * 10.0**e
    value, (ga, gb, gM) = _grads("emd2", [a, b, M], {})
    assert np.all(gM >= 0)
    np.testing.assert_allclose(gM.sum(axis=1), a, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(gM.sum(axis=0), b, rtol=1e-9, atol=1e-15)
    assert abs(np.sum(gM * M) - value) <= 1e-12 * abs(value) + 1e-300
    assert abs(ga.sum()) <= 1e-12 * np.abs(ga).sum() + 1e-300 and abs(gb.sum()) <= 1e-12 * np.abs(gb).sum() + 1e-300


@given(seeds, exponents, st.sampled_from([("euclidean", 1.0), ("euclidean", 2.0), ("cityblock", 1.5),
                                          ("chebyshev", 1.0), ("sqeuclidean", 1.0), ("minkowski", 3.0)]),
       st.integers(1, 6), st.integers(1, 6), st.integers(1, 3))
def test_wasserstein_nd_gradients_obey_homogeneity_and_translation(seed, e, metric_p, n, m, d):
    metric, p = metric_p
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, d)) * 10.0**e, rng.standard_normal((m, d)) * 10.0**e
    options = {"p": p, "metric": metric}
    if metric == "minkowski":
        options["w"] = 3.0
    value, (gx, gy, _, _) = _grads("wasserstein_nd", [x, y, None, None], options)
    assert np.all(np.isfinite(gx)) and np.all(np.isfinite(gy))
    degree = 2.0 if metric == "sqeuclidean" else 1.0
    euler = np.sum(x * gx) + np.sum(y * gy)
    assert abs(euler - degree * value) <= 1e-11 * (np.abs(x * gx).sum() + np.abs(y * gy).sum() + abs(value))
    drift = gx.sum(axis=0) + gy.sum(axis=0)
    assert np.all(np.abs(drift) <= 1e-12 * (np.abs(gx).sum() + np.abs(gy).sum()) + 1e-300)


@given(seeds, exponents, st.sampled_from(["wasserstein_1d", "energy_distance"]), st.sampled_from([1.0, 1.5, 2.0, 3.0]),
       st.integers(1, 9), st.integers(1, 9), st.booleans())
def test_one_dimensional_gradients_obey_homogeneity_translation_and_scale_invariance(seed, e, name, p, n, m, weighted):
    rng = np.random.default_rng(seed)
    u, v = rng.standard_normal(n) * 10.0**e, rng.standard_normal(m) * 10.0**e
    wu, wv = (rng.random(n) + 0.1, rng.random(m) + 0.1) if weighted else (None, None)
    options = {"p": p} if name == "wasserstein_1d" else {}
    value, (gu, gv, gwu, gwv) = _grads(name, [u, v, wu, wv], options)
    degree = 1.0 if name == "wasserstein_1d" else 0.5  # the energy distance scales as sqrt(t)
    scale = np.abs(u * gu).sum() + np.abs(v * gv).sum() + abs(value)
    assert abs(np.dot(u, gu) + np.dot(v, gv) - degree * value) <= 1e-11 * scale
    assert abs(gu.sum() + gv.sum()) <= 1e-11 * (np.abs(gu).sum() + np.abs(gv).sum()) + 1e-300
    if weighted:  # the weights are normalised: scaling them changes nothing
        for w, g in ((wu, gwu), (wv, gwv)):
            assert abs(np.dot(w, g)) <= 1e-11 * (np.abs(w * g).sum() + abs(value)) + 1e-300


@given(seeds, exponents, st.sampled_from([1.0, 2.0, 1.5]), st.integers(2, 8), st.integers(2, 8), st.integers(1, 4))
def test_sliced_gradients_obey_homogeneity_and_translation(seed, e, p, n, m, d):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((n, d)) * 10.0**e, rng.standard_normal((m, d)) * 10.0**e
    theta = rng.standard_normal((8, d))
    value, (gX, gY, _, _) = _grads("sliced_wasserstein", [X, Y, None, None], {"p": p, "directions": theta})
    scale = np.abs(X * gX).sum() + np.abs(Y * gY).sum() + abs(value)
    assert abs(np.sum(X * gX) + np.sum(Y * gY) - value) <= 1e-11 * scale
    drift = gX.sum(axis=0) + gY.sum(axis=0)
    assert np.all(np.abs(drift) <= 1e-11 * (np.abs(gX).sum() + np.abs(gY).sum()) + 1e-300)


@given(seeds, st.integers(-40, 40), st.integers(1, 5), st.booleans())
def test_gaussian_gradients_obey_homogeneity_and_translation(seed, e, d, diagonal):
    # W2(t m1, t^2 S1; t m2, t^2 S2) = t W2: m . dm + 2 S : dS = W2, and a common shift of the means is free.
    rng = np.random.default_rng(seed)
    t = 10.0**e
    m1, m2 = rng.standard_normal(d) * t, rng.standard_normal(d) * t
    if diagonal:
        S1, S2 = (rng.random(d) + 0.1) * t * t, (rng.random(d) + 0.1) * t * t
    else:
        F1, F2 = rng.standard_normal((d, d)), rng.standard_normal((d, d))
        S1, S2 = (F1 @ F1.T + 0.1 * np.eye(d)) * t * t, (F2 @ F2.T + 0.1 * np.eye(d)) * t * t
    value, (g1, gS1, g2, gS2) = _grads("gaussian_wasserstein", [m1, S1, m2, S2], {})
    euler = m1 @ g1 + m2 @ g2 + 2.0 * (np.sum(S1 * gS1) + np.sum(S2 * gS2))
    scale = np.abs(m1 * g1).sum() + np.abs(m2 * g2).sum() + 2 * (np.abs(S1 * gS1).sum() + np.abs(S2 * gS2).sum())
    assert abs(euler - value) <= 1e-9 * (scale + value)
    assert np.all(np.abs(g1 + g2) <= 1e-12 * (np.abs(g1) + np.abs(g2)) + 1e-300)
