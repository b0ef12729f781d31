"""wasserstein_circle: exact W_p on the circle against the transport LP on the
geodesic cost matrix (pydiv.emd2, ot.emd2, HiGHS), against ot.wasserstein_circle
(a binary search to 1e-6), and the laws: rotation invariance, symmetry, scale."""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from hypothesis import given
from hypothesis import strategies as st

import pydiv
from pydiv.wasserstein.circle import _angles, _cut_minimum

ot = pytest.importorskip("ot")


def emd_circle(u, v, a=None, b=None, p=1.0, period=1.0):
    a = np.full(len(u), 1.0 / len(u)) if a is None else np.asarray(a, float) / np.sum(a)
    b = np.full(len(v), 1.0 / len(v)) if b is None else np.asarray(b, float) / np.sum(b)
    return pydiv.emd2(a, b, ref.circle_cost(u, v, p, period)) ** (1.0 / p)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("seed", range(6))
def test_equals_the_transport_lp_on_the_geodesic_costs(p, seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 40, 2)
    period = [1.0, 2.0 * np.pi, 360.0][seed % 3]
    u, v = rng.random(n) * 3 * period - period, rng.random(m) * period
    a, b = (rng.random(n), rng.random(m)) if seed % 2 else (None, None)
    got = pydiv.wasserstein_circle(u, v, a, b, p=p, period=period)
    assert got == pytest.approx(emd_circle(u, v, a, b, p, period), rel=1e-12)
    aa = np.full(n, 1.0 / n) if a is None else a / a.sum()
    bb = np.full(m, 1.0 / m) if b is None else b / b.sum()
    assert got == pytest.approx(ot.emd2(aa, bb, ref.circle_cost(u, v, p, period)) ** (1 / p), rel=1e-12)


def test_small_cases_against_highs():
    rng = np.random.default_rng(21)
    for p in (1.0, 2.0):
        u, v, a, b = rng.random(7), rng.random(5), rng.random(7), rng.random(5)
        expect = ref.wasserstein_circle_lp(u, v, a, b, p)
        assert pydiv.wasserstein_circle(u, v, a, b, p=p) == pytest.approx(expect, rel=1e-9)


def test_ties_antipodes_and_coincident_points():
    # Half the mass at antipodal points: either way round costs the same.
    assert pydiv.wasserstein_circle([0.0], [0.5], p=2) == pytest.approx(0.5, rel=1e-15)
    assert pydiv.wasserstein_circle([0.0, 0.0, 0.5], [0.5, 0.5, 0.0], p=1) == pytest.approx(1 / 6, rel=1e-15)
    assert pydiv.wasserstein_circle([0.1, 0.1, 0.3], [0.3, 0.1, 0.1], p=2) == 0.0
    assert pydiv.wasserstein_circle([0.95], [0.05], p=3) == pytest.approx(0.1, rel=1e-12)
    u = np.arange(8) / 8
    for p in (1.0, 2.0):
        assert pydiv.wasserstein_circle(u, u + 1 / 16, p=p) == pytest.approx(1 / 16, rel=1e-12)


def test_agrees_with_pot_to_its_tolerance():
    rng = np.random.default_rng(3)
    u, v = rng.random(300), rng.random(250)
    assert pydiv.wasserstein_circle(u, v, p=1) == pytest.approx(ot.wasserstein_circle(u, v, p=1)[0], rel=1e-12)
    for p in (2.0, 3.0):
        pot = ot.wasserstein_circle(u, v, p=p)[0] ** (1 / p)  # POT returns W_p^p, found to eps = 1e-6
        assert pydiv.wasserstein_circle(u, v, p=p) == pytest.approx(pot, rel=1e-5)


def test_the_cut_minimisation_agrees_with_the_level_median_at_p_1():
    rng = np.random.default_rng(4)
    for _ in range(5):
        x, a = _angles(rng.random(50), rng.random(50), "u", "u_weights", 1.0)
        y, b = _angles(rng.random(31), None, "v", "v_weights", 1.0)
        assert _cut_minimum(x, a, y, b, 1.0) == pytest.approx(pydiv.wasserstein_circle(x, y, a, b), rel=1e-12)


angles = st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=12)


@given(angles, angles, st.sampled_from([1.0, 2.0, 2.5]), st.floats(-3, 3, allow_nan=False))
def test_rotation_invariance_and_symmetry(u, v, p, shift):
    # Angles on a grid of 1/64: rotating by a multiple of 1/64 is exact in floats.
    u, v = np.round(np.array(u) * 64) / 64, np.round(np.array(v) * 64) / 64
    shift = round(shift * 64) / 64
    w = pydiv.wasserstein_circle(u, v, p=p)
    assert pydiv.wasserstein_circle(v, u, p=p) == pytest.approx(w, rel=1e-12, abs=1e-15)
    assert pydiv.wasserstein_circle(u + shift, v + shift, p=p) == pytest.approx(w, rel=1e-12, abs=1e-15)
    assert 0.0 <= w <= 0.5 + 1e-15


def test_period_scales_the_distance():
    rng = np.random.default_rng(6)
    u, v = rng.random(40), rng.random(30)
    for p in (1.0, 2.0):
        assert pydiv.wasserstein_circle(u * 360, v * 360, p=p, period=360) == pytest.approx(
            360 * pydiv.wasserstein_circle(u, v, p=p), rel=1e-12)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(period=0), ValueError, "period must be"),
        (dict(period=-1.0), ValueError, "period must be"),
        (dict(period=np.inf), ValueError, "period must be"),
        (dict(period="1"), TypeError, "period must be"),
        (dict(p=0.9), ValueError, "p must be"),
        (dict(u=[0.1, np.nan]), ValueError, "u contains NaN"),
        (dict(v=[]), ValueError, "v must not be empty"),
        (dict(u=np.zeros((2, 2))), ValueError, "u must be a 1-D"),
        (dict(u_weights=[1.0, -1.0]), ValueError, "u_weights has negative"),
        (dict(v_weights=[0.0]), ValueError, "v_weights sums to zero"),
        (dict(v_weights=[1.0, 1.0]), ValueError, "v_weights has 2 weights"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    args = dict(u=[0.1, 0.7], v=[0.3])
    args.update(kwargs)
    with pytest.raises(error, match=match):
        pydiv.wasserstein_circle(**args)


def test_one_distribution_written_two_ways_is_exactly_zero_away():
    # Six points of weight 1/12 and one of weight 1/2 reach the same CDF level exactly; a
    # level rounded apart left a piece of length 5.6e-17 whose cost, rooted, was 3.7e-9 (p = 2).
    u, v = [0.0, 1.5], [0.0] * 6 + [1.5] * 4 + [0.5] * 2
    for p in (1.0, 2.0, 3.0):
        assert pydiv.wasserstein_circle(u, v, p=p) == 0.0
        assert pydiv.wasserstein_circle(v, u, p=p) == 0.0
        assert pydiv.wasserstein_circle([0.0, 0.5], [0.0, 0.5], [6.0, 6.0], [1.0, 1.0], p=p) == 0.0
