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
