"""pydiv.info against plain references, scipy, and the laws of information theory."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
import reference as ref
import scipy.spatial.distance as ssd
import scipy.stats as sst
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pydiv

LN2 = math.log(2.0)
RTOL = 1e-12

rng = np.random.default_rng(20261123)


def random_pair(n, zeros=0.0, dtype=np.float64):
    p = rng.random(n)
    q = rng.random(n)
    if zeros:
        p[rng.random(n) < zeros] = 0.0
        q[rng.random(n) < zeros] = 0.0
        p[0] = q[0] = 1.0  # never all zero
    return p.astype(dtype), q.astype(dtype)


SIZES = [1, 2, 3, 7, 16, 33, 1000, 70001]


# Each function agrees with the fsum reference to 1e-12 relative.
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("zeros", [0.0, 0.3])
def test_matches_reference(n, zeros):
    p, q = random_pair(n, zeros)
    q = q + (p > 0) * 0.01  # keep KL finite
    assert pydiv.entropy(p) == pytest.approx(ref.entropy(p), rel=RTOL, abs=1e-15)
    assert pydiv.cross_entropy(p, q) == pytest.approx(ref.cross_entropy(p, q), rel=RTOL)
    assert pydiv.kl_divergence(p, q) == pytest.approx(ref.kl_divergence(p, q), rel=RTOL, abs=1e-15)
    assert pydiv.js_divergence(p, q) == pytest.approx(ref.js_divergence(p, q), rel=RTOL, abs=1e-15)


# The same values as scipy.stats.entropy, rel_entr and jensenshannon.
@pytest.mark.parametrize("n", SIZES)
def test_matches_scipy(n):
    p, q = random_pair(n, 0.2)
    q = q + 1e-3
    assert pydiv.entropy(p) == pytest.approx(sst.entropy(p), rel=RTOL, abs=1e-15)
    assert pydiv.kl_divergence(p, q) == pytest.approx(sst.entropy(p, q), rel=RTOL, abs=1e-15)
    pn, qn = p / p.sum(), q / q.sum()
    from scipy.special import rel_entr

    assert pydiv.kl_divergence(pn, qn) == pytest.approx(rel_entr(pn, qn).sum(), rel=RTOL, abs=1e-15)
    assert pydiv.jensenshannon(p, q) == pytest.approx(ssd.jensenshannon(p, q), rel=RTOL, abs=1e-15)
    assert pydiv.jensenshannon(p, q, base=2) == pytest.approx(ssd.jensenshannon(p, q, base=2), rel=RTOL)


# float32 input is accumulated in float64 and returned as float64.
def test_float32():
    p, q = random_pair(5000, 0.1, np.float32)
    q = q + np.float32(1e-3)
    for f, r in [(pydiv.kl_divergence, ref.kl_divergence), (pydiv.js_divergence, ref.js_divergence)]:
        got = f(p, q)
        assert isinstance(got, np.float64)
        assert got == pytest.approx(r(p.astype(np.float64), q.astype(np.float64)), rel=1e-12)
    assert pydiv.kl_divergence(p, q, dtype=np.float32).dtype == np.float32


# 0 log 0 = 0, and KL / cross-entropy are +inf exactly where p > 0 meets q = 0.
def test_zero_conventions():
    assert pydiv.entropy([1.0, 0.0, 0.0]) == 0.0
    assert pydiv.kl_divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]) == pytest.approx(LN2 * 1.0)
    assert pydiv.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert pydiv.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert pydiv.kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert pydiv.js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(LN2, rel=1e-15)
    assert pydiv.jensenshannon([1.0, 0.0], [0.0, 1.0], base=2) == 1.0


# The worked example: two parallel segments give KL = inf both ways and JS = log 2.
@pytest.mark.parametrize("theta", [0.1, 0.5, 1.0, 3.0])
def test_seed_example(theta):
    from pydiv.cli import seed_example

    rows = seed_example(theta, with_w1=False)
    assert rows["KL(P||Q)"][0] == math.inf and rows["KL(Q||P)"][0] == math.inf
    assert rows["JS(P,Q)"][0] == pytest.approx(LN2, rel=1e-15)
    assert seed_example(0.0, with_w1=False)["JS(P,Q)"][0] == 0.0


# Unnormalised counts give the value of their normalised distribution.
def test_counts_are_normalised():
    p = np.array([3, 0, 7, 10])
    q = np.array([1, 2, 3, 4])
    assert pydiv.kl_divergence(p, q) == pytest.approx(ref.kl_divergence(p, q), rel=RTOL)
    assert pydiv.kl_divergence(p * 1e200, q * 1e-200) == pytest.approx(ref.kl_divergence(p, q), rel=RTOL)
    assert pydiv.entropy(np.array([1e300, 1e300, 1e300])) == pytest.approx(math.log(3), rel=RTOL)
    assert pydiv.entropy(np.array([5e-324, 5e-324])) == pytest.approx(LN2, rel=RTOL)
    assert pydiv.js_divergence([1e308, 1e308], [1e308, 0]) == pytest.approx(
        ref.js_divergence([1, 1], [1, 0]), rel=RTOL
    )


# A nearly deterministic distribution with large counts: the one-pass identity
# would cancel, the row is re-read normalised.
def test_no_cancellation():
    p = np.array([1e12, 1.0, 1.0])
    assert pydiv.entropy(p) == pytest.approx(ref.entropy(p), rel=1e-10)
    q = np.array([1e12, 2.0, 1.0])
    assert pydiv.kl_divergence(p, q) == pytest.approx(ref.kl_divergence(p, q), rel=1e-10)


# Near-identical p and q: JS is about sum (p - q)^2 / (8 m), and the terms
# x log(x/m) cancel to it.  The accurate pass (a series in the relative
# difference, with the ratio of the totals as a double-double, so nothing
# normalised is rounded) keeps full precision however close they are.
@pytest.mark.parametrize("eps", [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-11])
def test_js_near_identical(eps):
    rtol = 1e-13
    r = np.random.default_rng(int(-math.log10(eps)))
    for n in (7, 64, 301):
        p = r.random(n)
        q = p * (1 + eps * r.standard_normal(n))
        want = ref.js_divergence_decimal(p, q)
        assert pydiv.js_divergence(p, q) == pytest.approx(want, rel=rtol)
        assert pydiv.jensenshannon(p, q) == pytest.approx(math.sqrt(want), rel=rtol)


# Totals far apart: the identity's log(B/A) leaves the float range, and
# normalising q would underflow its small elements to zero (a false +inf).
def test_totals_far_apart():
    assert pydiv.kl_divergence([1e-250], [1e250]) == 0.0
    # q / B = (1, 1e-600): KL = (600 ln 10) / 2 - ln 2
    assert pydiv.kl_divergence([1, 1], [1e300, 1e-300]) == pytest.approx(300 * math.log(10) - LN2, rel=RTOL)
    # p / A = (1, 1e-250) and q / B = (1, 7.3e-501) to 1e-250 relative:
    # H(p, q) = -1e-250 log(7.3e-501), the sum of H(p) and KL(p || q).
    p, q = [1e250, 1.0], [1e250, 7.3e-251]
    ce = 1e-250 * (501 * math.log(10) - math.log(7.3))
    h = 1e-250 * (1 + 250 * math.log(10))
    assert pydiv.cross_entropy(p, q) == pytest.approx(ce, rel=1e-12)
    assert pydiv.kl_divergence(p, q) == pytest.approx(ce - h, rel=1e-12)
    # Sums that overflow are scaled down no further than needed, so q's small
    # element survives: KL((1/2, 1/2) || (1, 1e-600)) again.
    assert pydiv.kl_divergence([1e308, 1e308], [1e300, 1e-300]) == pytest.approx(300 * math.log(10) - LN2, rel=RTOL)
    assert pydiv.entropy([1.7e308, 1.7e308, 1e-300]) == pytest.approx(LN2, rel=RTOL)
    assert pydiv.entropy(p) == pytest.approx(h, rel=1e-12)


# A subnormal q next to a large p does not overflow the ratio.
def test_extreme_ratios():
    p = np.array([0.5, 0.5])
    q = np.array([1.0, 5e-324])
    assert pydiv.kl_divergence(p, q) == pytest.approx(ref.kl_divergence(p, q), rel=RTOL)


# N-d input reduces along axis, broadcasts, and keepdims keeps the axis.
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_axis_and_broadcast(axis):
    p = rng.random((3, 4, 5)) + 0.01
    q = rng.random((4, 5)) + 0.01
    for name in ["kl_divergence", "cross_entropy", "js_divergence"]:
        got = getattr(pydiv, name)(p, q, axis=axis)
        want = ref.along_axis(getattr(ref, name), p, q, axis)
        np.testing.assert_allclose(got, want, rtol=RTOL)
        kd = getattr(pydiv, name)(p, q, axis=axis, keepdims=True)
        assert kd.shape == tuple(1 if i == axis % 3 else s for i, s in enumerate(p.shape))
    np.testing.assert_allclose(pydiv.entropy(p, axis=axis), ref.along_axis(ref.entropy, p, axis=axis), rtol=RTOL)
    np.testing.assert_allclose(
        pydiv.kl_divergence(p, q, axis=axis), sst.entropy(*np.broadcast_arrays(p, q), axis=axis), rtol=RTOL
    )


# Any strides: reversed, every other element, Fortran order, read-only, lists.
def test_strides_and_array_likes():
    base = rng.random((20, 30)) + 0.01
    other = rng.random((20, 30)) + 0.01
    want = ref.along_axis(ref.kl_divergence, base[::-1, ::2], other[::-1, ::2])
    np.testing.assert_allclose(pydiv.kl_divergence(base[::-1, ::2], other[::-1, ::2]), want, rtol=RTOL)
    f = np.asfortranarray(base)
    np.testing.assert_allclose(pydiv.entropy(f), ref.along_axis(ref.entropy, base), rtol=RTOL)
    ro = base.copy()
    ro.setflags(write=False)
    np.testing.assert_allclose(pydiv.entropy(ro), ref.along_axis(ref.entropy, base), rtol=RTOL)
    assert pydiv.kl_divergence([0.5, 0.5], (0.25, 0.75)) == pytest.approx(ref.kl_divergence([1, 1], [1, 3]))
    assert pydiv.entropy(base[3, ::3]) == pytest.approx(ref.entropy(base[3, ::3]), rel=RTOL)


# The log base divides the natural-log value by log(base).
@pytest.mark.parametrize("base", [2, 10, 0.5, math.e])
def test_base(base):
    p, q = random_pair(50)
    assert pydiv.kl_divergence(p, q, base=base) == pytest.approx(
        sst.entropy(p, q, base=base), rel=RTOL
    )
    assert pydiv.entropy(p, base=base) == pytest.approx(sst.entropy(p, base=base), rel=RTOL)


# Long vectors split into blocks give the same value as one thread.
def test_threads_agree():
    p, q = random_pair(300_000, 0.1)
    code = (
        "import numpy as np, pydiv; rng=np.random.default_rng(1); p=rng.random(300000); q=rng.random(300000);"
        "print(repr(float(pydiv.js_divergence(p, q))), repr(float(pydiv.kl_divergence(p, q))))"
    )
    outs = set()
    for threads in ("1", "2"):
        env = dict(os.environ, OMP_NUM_THREADS=threads)
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(outs) == 1


# The portable path (PYDIV_SIMD=baseline) agrees with the AVX2 path.
def test_baseline_simd_agrees():
    code = (
        "import numpy as np, pydiv; rng=np.random.default_rng(2); p=rng.random(10001); q=rng.random(10001);"
        "p[::7]=0; q[::5]=0; q[3]=1e-310;"
        "print(pydiv._core.simd_level(), *[repr(float(f(p, q+1e-300))) for f in "
        "(pydiv.kl_divergence, pydiv.js_divergence, pydiv.cross_entropy)], repr(float(pydiv.entropy(p))))"
    )
    env = dict(os.environ, PYDIV_SIMD="baseline")
    base = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert base[0] == "baseline"
    np.testing.assert_allclose([float(x) for x in base[1:]], [float(x) for x in default[1:]], rtol=1e-12)


# --- bad input: one check per validation branch ---------------------------

FUNCS = [pydiv.cross_entropy, pydiv.kl_divergence, pydiv.js_divergence, pydiv.jensenshannon]


@pytest.mark.parametrize("f", FUNCS)
@pytest.mark.parametrize(
    "p, q, exc, match",
    [
        ([0.5, -0.5], [0.5, 0.5], ValueError, "p has negative"),
        ([0.5, 0.5], [0.5, -0.5], ValueError, "q has negative"),
        ([0.5, np.nan], [0.5, 0.5], ValueError, "p contains NaN"),
        ([0.5, 0.5], [np.inf, 0.5], ValueError, "q contains infinite"),
        ([0.5, 0.5], [-np.inf, 0.5], ValueError, "q contains infinite"),
        ([0.0, 0.0], [0.5, 0.5], ValueError, "p sums to zero"),
        ([0.5, 0.5], [0.0, 0.0], ValueError, "q sums to zero"),
        ([], [], ValueError, "must not be empty"),
        ([0.5, 0.5], [0.2, 0.3, 0.5], ValueError, "do not broadcast"),
        (0.5, 0.5, ValueError, "at least one dimension"),
        (["a", "b"], [0.5, 0.5], TypeError, "p must be a numeric"),
        ([0.5, 0.5], [1 + 1j, 1], TypeError, "q must hold real numbers, got complex"),
        ([True, False], [0.5, 0.5], TypeError, "not booleans"),
        ([[1, 2], [3]], [0.5, 0.5], TypeError, "p must be a numeric"),
    ],
)
def test_bad_distributions(f, p, q, exc, match):
    with pytest.raises(exc, match=match):
        f(p, q)


@pytest.mark.parametrize("base", [0, 1, -2, np.nan, np.inf])
def test_bad_base(base):
    with pytest.raises(ValueError, match="base must be a positive"):
        pydiv.kl_divergence([0.5, 0.5], [0.5, 0.5], base=base)
    with pytest.raises(ValueError, match="base must be a positive"):
        pydiv.entropy([0.5, 0.5], base=base)


def test_bad_axis():
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        pydiv.kl_divergence(np.ones((2, 2)), np.ones((2, 2)), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        pydiv.entropy(np.ones(3), axis=0.5)
    with pytest.raises(TypeError, match="base must be a positive real"):
        pydiv.entropy(np.ones(3), base="two")


def test_bad_row_named():
    p = np.ones((3, 4))
    p[1] = 0.0
    with pytest.raises(ValueError, match="p sums to zero along axis 1"):
        pydiv.entropy(p)


def test_empty_batch():
    assert pydiv.entropy(np.ones((0, 4))).shape == (0,)


# --- laws -------------------------------------------------------------------

def distributions(n=st.integers(1, 40)):
    elems = st.one_of(st.just(0.0), st.floats(1e-300, 1e300), st.floats(0.0, 1.0))
    return n.flatmap(
        lambda k: st.tuples(
            hnp.arrays(np.float64, k, elements=elems), hnp.arrays(np.float64, k, elements=elems)
        )
    ).filter(lambda pq: pq[0].sum() > 0 and pq[1].sum() > 0 and np.isfinite(pq[0].sum()) and np.isfinite(pq[1].sum()))


@given(distributions())
def test_kl_nonnegative_and_identity(pq):
    p, q = pq
    assert pydiv.kl_divergence(p, q) >= 0.0
    assert pydiv.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-13)
    assert pydiv.kl_divergence(p, 3.0 * p) == pytest.approx(0.0, abs=1e-13)


@given(distributions())
def test_js_symmetric_and_bounded(pq):
    p, q = pq
    d = pydiv.js_divergence(p, q)
    assert 0.0 <= d <= LN2
    assert d == pytest.approx(pydiv.js_divergence(q, p), rel=1e-12, abs=1e-15)
    assert d == pytest.approx(ref.js_divergence(p, q), rel=1e-9, abs=1e-14)


@given(distributions(st.integers(1, 12)), distributions(st.integers(1, 12)))
def test_js_distance_triangle(pq, rs):
    p, q = pq
    r = rs[0]
    if r.size != p.size or r.sum() == 0:
        r = np.resize(q[::-1], p.size)
        if r.sum() == 0:
            return
    d = pydiv.jensenshannon
    assert d(p, r) <= d(p, q) + d(q, r) + 1e-12


@given(distributions())
def test_cross_entropy_is_entropy_plus_kl(pq):
    p, q = pq
    ce = pydiv.cross_entropy(p, q)
    kl = pydiv.kl_divergence(p, q)
    if math.isinf(kl):
        assert math.isinf(ce)
    else:
        assert ce == pytest.approx(pydiv.entropy(p) + kl, rel=1e-9, abs=1e-12)


# Messages name only the arguments a function has; a JS distance needs base > 1.
def test_entropy_empty_and_distance_base():
    with pytest.raises(ValueError, match="^p must not be empty"):
        pydiv.entropy([])
    with pytest.raises(ValueError, match="base must be greater than 1 for a distance"):
        pydiv.jensenshannon([1, 0], [0, 1], base=0.5)
