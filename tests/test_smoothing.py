"""Smoothing of empty bins: `eps=` (a floor on the shares, renormalised) and
`pseudocount=` across the KL family, the divergences and PSI, against the
plain references with the same smoothing done by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pydiv
import pydiv.divergences
import reference as ref


def floored(x, eps):
    """The reference floor: normalise, raise to eps, renormalise (math.fsum)."""
    x = np.asarray(x, dtype=np.float64)
    share = np.maximum(x / math.fsum(x), eps)
    return share / math.fsum(share)


SMOOTHED = {
    "kl_divergence": (pydiv.kl_divergence, ref.kl_divergence),
    "cross_entropy": (pydiv.cross_entropy, ref.cross_entropy),
    "js_divergence": (pydiv.js_divergence, ref.js_divergence),
    "jensenshannon": (pydiv.jensenshannon, lambda p, q: math.sqrt(ref.js_divergence(p, q))),
    "jeffreys": (pydiv.jeffreys, ref.jeffreys),
    "chi2_divergence": (pydiv.chi2_divergence, ref.chi2_divergence),
}


@pytest.mark.parametrize("name", SMOOTHED)
@pytest.mark.parametrize("eps", [1e-4, 1e-2, 0.2])
def test_eps_floor_matches_the_reference(name, eps):
    f, reference = SMOOTHED[name]
    p, q = np.array([30.0, 0.0, 10.0, 5.0]), np.array([0.0, 7.0, 7.0, 1.0])
    expected = reference(floored(p, eps), floored(q, eps))
    assert f(p, q, eps=eps) == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(f(p, q, eps=eps))


def test_eps_makes_an_empty_bin_finite_and_none_is_exact():
    p, q = np.array([3.0, 0.0, 1.0]), np.array([0.0, 2.0, 2.0])
    assert pydiv.kl_divergence(p, q) == math.inf
    assert pydiv.kl_divergence(p, q, eps=None) == math.inf
    assert math.isfinite(pydiv.kl_divergence(p, q, eps=1e-6))
    # A floor below every share changes nothing.
    r, s = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    assert pydiv.kl_divergence(r, s, eps=1e-3) == pytest.approx(pydiv.kl_divergence(r, s), rel=1e-14)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_eps_along_an_axis_of_a_batch(axis):
    rng = np.random.default_rng(3)
    p = rng.integers(0, 4, size=(5, 6)).astype(float) + np.eye(5, 6)
    q = rng.integers(0, 4, size=(5, 6)).astype(float) + np.eye(5, 6)
    got = pydiv.kl_divergence(p, q, eps=1e-3, axis=axis)
    expected = ref.along_axis(lambda a, b: ref.kl_divergence(floored(a, 1e-3), floored(b, 1e-3)), p, q, axis=axis)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_eps_broadcasts_like_the_unsmoothed_call():
    p = np.array([[1.0, 0.0, 3.0], [2.0, 2.0, 0.0]])
    q = np.array([1.0, 1.0, 0.0])
    got = pydiv.js_divergence(p, q, eps=1e-2)
    expected = [ref.js_divergence(floored(row, 1e-2), floored(q, 1e-2)) for row in p]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_eps_on_totals_at_the_ends_of_the_float_range():
    p, q = np.array([5.0, 0.0, 1.0]), np.array([1.0, 1.0, 0.0])
    base = pydiv.kl_divergence(p, q, eps=1e-3)
    for s in (1e-310, 1e-200, 1e200, 1e307):
        assert pydiv.kl_divergence(p * s, q, eps=1e-3) == pytest.approx(base, rel=1e-13), s
        assert pydiv.kl_divergence(p, q * s, eps=1e-3) == pytest.approx(base, rel=1e-13), s


def test_psi_default_floor_is_the_shared_rule():
    p, q = np.array([50.0, 30.0, 20.0, 0.0]), np.array([40.0, 30.0, 25.0, 5.0])
    assert pydiv.population_stability_index(p, q) == pytest.approx(pydiv.jeffreys(p, q, eps=pydiv.divergences.PSI_EPS), rel=1e-15)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: pydiv.kl_divergence([1, 0], [0, 1], eps=0.0), ValueError, "eps"),
    (lambda: pydiv.kl_divergence([1, 0], [0, 1], eps=1.0), ValueError, "eps"),
    (lambda: pydiv.kl_divergence([1, 0], [0, 1], eps=np.nan), ValueError, "eps"),
    (lambda: pydiv.kl_divergence([1, 0], [0, 1], eps="small"), TypeError, "eps"),
    (lambda: pydiv.js_divergence([1, 0], [0, 1], eps=1e-3, pseudocount=1), ValueError, "pseudocount or eps"),
    # The floor must not hide an invalid entry.
    (lambda: pydiv.kl_divergence([1, -1, 3], [1, 1, 1], eps=1e-3), ValueError, "p .*negative"),
    (lambda: pydiv.cross_entropy([1, 1], [np.nan, 1], eps=1e-3), ValueError, "q .*NaN"),
    (lambda: pydiv.jeffreys([0, 0], [1, 1], eps=1e-3), ValueError, "p sums to zero"),
    (lambda: pydiv.chi2_divergence([1, np.inf], [1, 1], eps=1e-3), ValueError, "p .*infinite"),
    (lambda: pydiv.kl_divergence([], [], eps=1e-3), ValueError, "empty"),
    (lambda: pydiv.kl_divergence([1, 1], [1, 1], eps=1e-3, axis=3), ValueError, "axis"),
    (lambda: pydiv.kl_divergence(1.0, 1.0, eps=1e-3), ValueError, "dimension"),
    # Nor may the pseudocount (it made [1, -1, 2] and an all-zero row look valid).
    (lambda: pydiv.kl_divergence([1, -1, 2], [1, 1, 1], pseudocount=1), ValueError, "p .*negative"),
    (lambda: pydiv.kl_divergence([0, 0, 0], [1, 1, 1], pseudocount=1), ValueError, "p sums to zero"),
    (lambda: pydiv.js_divergence([1, 1], [np.nan, 1], pseudocount=0.5), ValueError, "q .*NaN"),
    (lambda: pydiv.jeffreys([[1, 1], [1, -2]], [1, 1], pseudocount=1), ValueError, "p .*negative"),
    (lambda: pydiv.chi2_divergence([1, 1], [np.inf, 1], pseudocount=1), ValueError, "q .*infinite"),
    (lambda: pydiv.cross_entropy([1, 1], [1, 1], pseudocount=1, axis=2), ValueError, "axis"),
])
def test_bad_smoothing_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
