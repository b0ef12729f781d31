"""Hellinger, total variation, Bhattacharyya, chi-squared, Jeffreys and PSI
(pydiv.divergences), and additive smoothing on the KL family: against the
textbook formulas (math.fsum), mpmath near identity, scipy where it computes
the same, the mathematical laws, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.spatial.distance
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import pydiv
import reference as ref

FUNCS = {
    "hellinger": (pydiv.hellinger, ref.hellinger),
    "total_variation": (pydiv.total_variation, ref.total_variation),
    "bhattacharyya_coefficient": (lambda p, q, **k: pydiv.bhattacharyya(p, q, kind="coefficient", **k),
                                  ref.bhattacharyya_coefficient),
    "bhattacharyya": (pydiv.bhattacharyya, lambda p, q: -math.log(ref.bhattacharyya_coefficient(p, q))),
    "chi2": (pydiv.chi2_divergence, ref.chi2_divergence),
    "jeffreys": (pydiv.jeffreys, ref.jeffreys),
    "psi": (lambda p, q, **k: pydiv.population_stability_index(p, q, eps=None, **k), ref.jeffreys),
    "psi_eps": (pydiv.population_stability_index, ref.psi),
}


def _rows(seed, n=6, k=40, zeros=0.0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, k)) * 10.0 ** rng.uniform(-5, 5, (n, 1))
    x[rng.random((n, k)) < zeros] = 0.0
    x[:, 0] += 1.0  # no all-zero row
    return x


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("zeros", [0.0, 0.5])
def test_against_the_textbook_formula(name, zeros):
    f, r = FUNCS[name]
    P, Q = _rows(1, zeros=zeros), _rows(2, zeros=zeros)
    got = f(P, Q)
    assert got.shape == (6,)
    for i in range(6):
        want = r(P[i], Q[i])
        if math.isinf(want):
            assert got[i] == want
        else:
            assert got[i] == pytest.approx(want, rel=1e-12, abs=1e-300)
        assert f(P[i], Q[i]) == got[i]  # the single pair is bitwise the batch row


def test_against_scipy():
    P, Q = _rows(3), _rows(4)
    for i in range(6):
        p, q = P[i] / P[i].sum(), Q[i] / Q[i].sum()
        # Hellinger is the Euclidean distance of the square roots over sqrt 2.
        assert pydiv.hellinger(P[i], Q[i]) == pytest.approx(
            scipy.spatial.distance.euclidean(np.sqrt(p), np.sqrt(q)) / math.sqrt(2), rel=1e-12)
        assert pydiv.total_variation(P[i], Q[i]) == pytest.approx(
            scipy.spatial.distance.cityblock(p, q) / 2, rel=1e-12)
        assert pydiv.jeffreys(P[i], Q[i]) == pytest.approx(
            scipy.stats.entropy(p, q) + scipy.stats.entropy(q, p), rel=1e-12)


@pytest.mark.parametrize("name", ["hellinger", "jeffreys"])
@pytest.mark.parametrize("delta", [1e-3, 1e-7, 1e-11])
def test_near_identity_keeps_relative_accuracy(name, delta):
    rng = np.random.default_rng(5)
    p = rng.random(200)
    q = p * (1 + delta * rng.standard_normal(200))
    got = getattr(pydiv, name)(p * 3.0, q)  # a scale between the rows as well
    assert got == pytest.approx(ref.divergence_mp(name, p, q), rel=1e-10)
    d = ref.divergence_mp("hellinger", p, q)
    assert pydiv.bhattacharyya(p, q) == pytest.approx(-math.log1p(-d * d), rel=1e-10)


def test_identity_and_disjoint_supports():
    p = np.array([0.2, 0.0, 0.8])
    for name, (f, _) in FUNCS.items():
        if name == "bhattacharyya_coefficient":
            assert f(p, p * 7.0) == pytest.approx(1.0, rel=1e-15)
        elif name == "psi_eps":  # the floored shares of p and 7 p may differ in their last bit
            assert f(p, p * 7.0) < 1e-30
        else:
            assert f(p, p * 7.0) == 0.0, name
    a, b = [1.0, 0.0], [0.0, 2.0]
    assert pydiv.hellinger(a, b) == 1.0 and pydiv.total_variation(a, b) == 1.0
    assert pydiv.bhattacharyya(a, b) == math.inf and pydiv.bhattacharyya(a, b, kind="coefficient") == 0.0
    assert pydiv.chi2_divergence(a, b) == math.inf and pydiv.jeffreys(a, b) == math.inf
    assert pydiv.chi2_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(1.0, rel=1e-15)  # p = 0 < q is finite
    assert math.isfinite(pydiv.population_stability_index(a, b))


def test_axis_keepdims_broadcasting_dtype_and_base():
    P = _rows(6, n=4, k=5)
    Q = _rows(7, n=1, k=5)[0]
    for name, (f, _) in FUNCS.items():
        rows = f(P, Q)
        assert np.array_equal(f(P.T, Q[:, None], axis=0), rows), name
        assert f(P, Q, keepdims=True).shape == (4, 1)
        assert f(P.astype(np.float32), Q.astype(np.float32)) == pytest.approx(
            f(P.astype(np.float32).astype(np.float64), Q.astype(np.float32).astype(np.float64)), rel=1e-15)
        assert f(P, Q, dtype=np.float32).dtype == np.float32
        assert f(P.reshape(2, 2, 5), Q).shape == (2, 2)
    assert pydiv.jeffreys(P, Q, base=2) == pytest.approx(pydiv.jeffreys(P, Q) / math.log(2), rel=1e-15)


def test_extreme_scales_are_exact():
    p = np.array([1.0, 3.0, 0.0, 2.0])
    q = np.array([2.0, 1.0, 1.0, 1.0])
    for name, (f, _) in FUNCS.items():
        base = f(p, q)
        for s in (1e-310, 1e-200, 1e200, 1e305):
            assert f(p * s, q) == pytest.approx(base, rel=1e-13), (name, s)
            assert f(p, q * s) == pytest.approx(base, rel=1e-13), (name, s)


def test_totals_far_apart():
    # The rows' totals up to 1e600 apart (the ratio of the totals itself overflows).
    p = np.array([1.0, 3.0, 0.0, 2.0])
    q = np.array([2.0, 1.0, 1.0, 1.0])
    for name, (f, _) in FUNCS.items():
        base = f(p, q)
        for s in (1e-160, 1e-250, 1e-300):
            assert f(p * s, q / s) == pytest.approx(base, rel=1e-13), (name, s)
            assert f(p / s, q * s) == pytest.approx(base, rel=1e-13), (name, s)


def test_psi_floor():
    ref_counts, cur_counts = np.array([50, 30, 20, 0]), np.array([40, 30, 25, 5])
    assert pydiv.population_stability_index(ref_counts, cur_counts) == pytest.approx(
        ref.psi(ref_counts, cur_counts), rel=1e-12)
    assert pydiv.population_stability_index(ref_counts, cur_counts, eps=1e-2) == pytest.approx(
        ref.psi(ref_counts, cur_counts, 1e-2), rel=1e-12)
    assert pydiv.population_stability_index(ref_counts, cur_counts, eps=None) == math.inf


def test_pseudocount_smooths_the_kl_family():
    p, q = np.array([3.0, 0.0, 1.0]), np.array([0.0, 2.0, 2.0])
    assert pydiv.kl_divergence(p, q) == math.inf
    for c in (1, 0.5, 1e-9):
        sp, sq = p + c, q + c
        assert pydiv.kl_divergence(p, q, pseudocount=c) == pytest.approx(ref.kl_divergence(sp, sq), rel=1e-12)
        assert pydiv.cross_entropy(p, q, pseudocount=c) == pytest.approx(ref.cross_entropy(sp, sq), rel=1e-12)
        assert pydiv.js_divergence(p, q, pseudocount=c) == pytest.approx(ref.js_divergence(sp, sq), rel=1e-12)
        assert pydiv.jensenshannon(p, q, pseudocount=c) ** 2 == pytest.approx(ref.js_divergence(sp, sq), rel=1e-12)
        assert pydiv.jeffreys(p, q, pseudocount=c) == pytest.approx(ref.jeffreys(sp, sq), rel=1e-12)
        assert pydiv.chi2_divergence(p, q, pseudocount=c) == pytest.approx(ref.chi2_divergence(sp, sq), rel=1e-12)
    assert pydiv.kl_divergence(p, q, pseudocount=0) == math.inf  # 0 is no smoothing


@pytest.mark.parametrize("call,exc,match", [
    (lambda: pydiv.hellinger([1, -1], [1, 1]), ValueError, "p .*negative"),
    (lambda: pydiv.total_variation([1, 1], [np.nan, 1]), ValueError, "q .*NaN"),
    (lambda: pydiv.chi2_divergence([1, 1], [0, 0]), ValueError, "q"),
    (lambda: pydiv.jeffreys([1, 1], [1, 1, 1]), ValueError, "do not broadcast"),
    (lambda: pydiv.hellinger([1, np.inf], [1, 1]), ValueError, "p"),
    (lambda: pydiv.hellinger([], []), ValueError, "empty"),
    (lambda: pydiv.hellinger(["a"], ["b"]), TypeError, "p"),
    (lambda: pydiv.hellinger([1, 1], [1, 1], axis=2), ValueError, "axis"),
    (lambda: pydiv.bhattacharyya([1], [1], kind="dist"), ValueError, "kind"),
    (lambda: pydiv.population_stability_index([1], [1], eps=0), ValueError, "eps"),
    (lambda: pydiv.population_stability_index([1], [1], eps="x"), TypeError, "eps"),
    (lambda: pydiv.population_stability_index([1, -1], [1, 1]), ValueError, "p .*negative"),
    (lambda: pydiv.kl_divergence([1], [1], pseudocount=-1), ValueError, "pseudocount"),
    (lambda: pydiv.chi2_divergence([1], [1], pseudocount=np.nan), ValueError, "pseudocount"),
    (lambda: pydiv.js_divergence([1], [1], pseudocount="1"), TypeError, "pseudocount"),
])
def test_bad_input_is_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


hist = arrays(np.float64, st.integers(2, 12), elements=st.floats(0, 1e6, allow_subnormal=False)).filter(
    lambda a: a.sum() > 0)


@settings(max_examples=80, deadline=None)
@given(hist, hist, hist)
def test_laws(a, b, c):
    k = min(a.size, b.size, c.size)
    a, b, c = a[:k] + 1e-300, b[:k] + 1e-300, c[:k] + 1e-300
    for f in (pydiv.hellinger, pydiv.total_variation, pydiv.jeffreys, pydiv.bhattacharyya):
        assert f(a, b) == pytest.approx(f(b, a), rel=1e-12, abs=1e-15)  # equal up to the rounding of A / B
    h, tv = pydiv.hellinger(a, b), pydiv.total_variation(a, b)
    assert 0.0 <= tv <= 1.0 and 0.0 <= h <= 1.0
    assert h * h <= tv * (1 + 1e-12) + 1e-15 and tv <= math.sqrt(2) * h * (1 + 1e-12) + 1e-15  # Le Cam
    for f in (pydiv.hellinger, pydiv.total_variation):  # metrics
        assert f(a, c) <= f(a, b) + f(b, c) + 1e-12
    assert pydiv.bhattacharyya(a, b, kind="coefficient") == pytest.approx(1 - h * h, abs=1e-12)
