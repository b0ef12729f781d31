"""Sliced and max-sliced Wasserstein: against the mean of the 1-D distances
along the same directions (pydiv.wasserstein_1d and the quantile reference),
against POT with the same projections, and the laws of the estimators."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import reference as ref

import pydiv

ot = pytest.importorskip("ot")


def unit_rows(rng, L, d):
    t = rng.standard_normal((L, d))
    return t / np.linalg.norm(t, axis=1, keepdims=True)


def mean_1d(X, Y, theta, a=None, b=None, p=2.0):
    w = [pydiv.wasserstein_1d(X @ t, Y @ t, a, b, p=p) ** p for t in theta]
    return (np.mean(w)) ** (1.0 / p)


CASES = [  # n, m, d, weighted, p
    (300, 300, 4, False, 2.0),
    (300, 300, 4, False, 1.0),
    (250, 170, 7, False, 1.0),
    (250, 170, 7, True, 2.0),
    (400, 333, 3, True, 1.5),
    (128, 64, 20, False, 3.0),
    (1, 5, 2, False, 2.0),
    (90, 95, 5, True, 1.0),  # below the radix threshold: std::sort
]


@pytest.mark.parametrize("n,m,d,weighted,p", CASES)
def test_equals_mean_of_wasserstein_1d_along_the_directions(n, m, d, weighted, p):
    rng = np.random.default_rng(n + 7 * m + d)
    X, Y = rng.standard_normal((n, d)), rng.standard_normal((m, d)) * 1.3 + 0.4
    a, b = (rng.random(n), rng.random(m)) if weighted else (None, None)
    theta = unit_rows(rng, 37, d)
    got = pydiv.sliced_wasserstein(X, Y, a, b, p=p, directions=theta)
    assert got == pytest.approx(mean_1d(X, Y, theta, a, b, p), rel=1e-12)
    det = pydiv.sliced_wasserstein(X, Y, a, b, p=p, directions=theta, return_details=True)
    assert det.distance == got
    np.testing.assert_allclose(det.wpp, ref.sliced_wpp(X, Y, theta, a, b, p), rtol=1e-11)


def test_small_case_against_the_quantile_reference():
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((23, 3)), rng.standard_normal((17, 3))
    a, b = rng.random(23), rng.random(17)
    theta = unit_rows(rng, 9, 3)
    for p in (1.0, 2.0, 2.5):
        got = pydiv.sliced_wasserstein(X, Y, a, b, p=p, directions=theta)
        assert got == pytest.approx(ref.sliced_wasserstein(X, Y, theta, a, b, p), rel=1e-12)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_equals_pot_with_the_same_projections(p):
    rng = np.random.default_rng(p)
    X, Y = rng.standard_normal((500, 6)), rng.standard_normal((500, 6)) + 0.2
    a, b = rng.random(500), rng.random(500)
    a, b = a / a.sum(), b / b.sum()
    theta = unit_rows(rng, 64, 6)
    assert pydiv.sliced_wasserstein(X, Y, p=p, directions=theta) == pytest.approx(
        ot.sliced_wasserstein_distance(X, Y, p=p, projections=theta.T), rel=1e-12
    )
    assert pydiv.sliced_wasserstein(X, Y, a, b, p=p, directions=theta) == pytest.approx(
        ot.sliced_wasserstein_distance(X, Y, a, b, p=p, projections=theta.T), rel=1e-12
    )


def test_float32_inputs_accumulate_in_float64():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((2000, 5)).astype(np.float32)
    Y = rng.standard_normal((1500, 5)).astype(np.float32)
    theta = unit_rows(rng, 24, 5)
    got = pydiv.sliced_wasserstein(X, Y, p=2, directions=theta)
    assert got == pytest.approx(mean_1d(X.astype(np.float64), Y.astype(np.float64), theta), rel=1e-12)


def test_independent_of_the_thread_count_and_reproducible_from_the_seed():
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((3000, 8)), rng.standard_normal((2500, 8))
    a = rng.random(3000)
    for kind in ("random", "orthogonal", "qmc"):
        one = pydiv.sliced_wasserstein(X, Y, a, p=1.5, directions=kind, seed=4, n_projections=100, n_jobs=1)
        two = pydiv.sliced_wasserstein(X, Y, a, p=1.5, directions=kind, seed=4, n_projections=100, n_jobs=2)
        assert one == two
        other = pydiv.sliced_wasserstein(X, Y, a, p=1.5, directions=kind, seed=5, n_projections=100)
        assert other != one
    M1 = pydiv.pairwise([X[:300], X[300:700], Y[:50]], metric="sliced", directions=unit_rows(rng, 20, 8), n_jobs=1)
    M2 = pydiv.pairwise([X[:300], X[300:700], Y[:50]], metric="sliced", directions=unit_rows(np.random.default_rng(2), 20, 8))
    assert M1.shape == (3, 3)
    assert np.isfinite(M2).all()


def test_directions_are_unit_and_of_the_requested_kind():
    for d in (2, 3, 5):
        for kind in ("random", "orthogonal", "qmc"):
            det = pydiv.sliced_wasserstein(np.eye(d), np.zeros((1, d)), directions=kind, n_projections=2 * d + 1,
                                           seed=0, return_details=True)
            assert det.directions.shape == (2 * d + 1, d)
            np.testing.assert_allclose(np.linalg.norm(det.directions, axis=1), 1.0, rtol=1e-14)
            if kind == "orthogonal":
                block = det.directions[:d]
                np.testing.assert_allclose(block @ block.T, np.eye(d), atol=1e-13)
    user = np.array([[3.0, 4.0], [0.0, -2.0]])
    det = pydiv.sliced_wasserstein(np.eye(2), np.zeros((1, 2)), directions=user, return_details=True)
    np.testing.assert_array_equal(det.directions, [[0.6, 0.8], [0.0, -1.0]])


def test_the_three_estimators_converge_to_one_value():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((400, 5)) * [1, 2, 0.5, 1, 1]
    Y = rng.standard_normal((400, 5)) + [1, 0, 0, 0, 0]
    values = [pydiv.sliced_wasserstein(X, Y, directions=k, n_projections=10_000, seed=1)
              for k in ("random", "orthogonal", "qmc")]
    assert max(values) / min(values) - 1 < 5e-3


def test_laws_identity_symmetry_rotation_and_batches():
    rng = np.random.default_rng(9)
    X, Y = rng.standard_normal((200, 4)), rng.standard_normal((150, 4)) + 1
    assert pydiv.sliced_wasserstein(X, X[::-1], seed=0) == 0.0
    assert pydiv.sliced_wasserstein(X, Y, seed=3) == pydiv.sliced_wasserstein(Y, X, seed=3)
    theta = unit_rows(rng, 30, 4)
    R = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    rotated = pydiv.sliced_wasserstein(X @ R, Y @ R, directions=theta @ R)
    assert rotated == pytest.approx(pydiv.sliced_wasserstein(X, Y, directions=theta), rel=1e-12)
    XB, YB = rng.standard_normal((3, 60, 4)), rng.standard_normal((3, 45, 4))
    bw = rng.random((3, 45))
    batch = pydiv.sliced_wasserstein(XB, YB, None, bw, directions=theta)
    loop = [pydiv.sliced_wasserstein(XB[i], YB[i], None, bw[i], directions=theta) for i in range(3)]
    np.testing.assert_array_equal(batch, loop)
    det = pydiv.sliced_wasserstein(XB, YB, directions=theta, return_details=True)
    assert det.wpp.shape == det.weights.shape == (3, 30)


def test_energy_weighting_is_the_documented_estimator():
    rng = np.random.default_rng(10)
    X, Y = rng.standard_normal((300, 3)), rng.standard_normal((300, 3)) * [3, 1, 1]
    det = pydiv.sliced_wasserstein(X, Y, directions="random", seed=2, weighting="energy", return_details=True)
    f = np.exp(det.wpp)
    assert det.distance == pytest.approx((np.sum(f * det.wpp) / np.sum(f)) ** 0.5, rel=1e-12)
    assert det.distance > pydiv.sliced_wasserstein(X, Y, directions="random", seed=2)
    np.testing.assert_allclose(det.weights.sum(), 1.0, rtol=1e-14)


def test_max_sliced_finds_the_direction_of_a_shift():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((500, 6))
    Y = rng.standard_normal((400, 6))
    e = np.ones(6) / np.sqrt(6.0)
    Y = Y + 3.0 * e
    value, direction = pydiv.max_sliced_wasserstein(X, Y, seed=0)
    assert abs(direction @ e) > 0.98
    assert value == pytest.approx(pydiv.wasserstein_1d(X @ direction, Y @ direction, p=2), rel=1e-12)
    best_random = pydiv.sliced_wasserstein(X, Y, directions="random", n_projections=64, seed=0, return_details=True)
    assert value**2 >= best_random.wpp.max()
    assert value >= ot.max_sliced_wasserstein_distance(X, Y, n_projections=500, seed=0)
    a = rng.random(500)
    weighted = pydiv.max_sliced_wasserstein(X, Y, a, p=1, seed=0)
    assert weighted.distance == pytest.approx(
        pydiv.wasserstein_1d(X @ weighted.direction, Y @ weighted.direction, a, p=1), rel=1e-12)


def test_sliced_matrix_equals_the_pairs():
    rng = np.random.default_rng(13)
    clouds = [rng.standard_normal((int(rng.integers(1, 300)), 3)) + k for k in range(5)]
    others = [rng.standard_normal((int(rng.integers(1, 200)), 3)) for _ in range(3)]
    weights = [rng.random(len(c)) for c in clouds]
    theta = unit_rows(rng, 21, 3)
    for p in (1.0, 2.0):
        M = pydiv.pairwise(clouds, metric="sliced", directions=theta, p=p)
        expect = [[pydiv.sliced_wasserstein(c, o, p=p, directions=theta) for o in clouds] for c in clouds]
        np.testing.assert_allclose(M, expect, rtol=1e-13, atol=0)
        assert (np.diag(M) == 0).all() and (M == M.T).all()
        C = pydiv.pairwise(clouds, others, metric="sliced", directions=theta, p=p, x_weights=weights)
        expect = [[pydiv.sliced_wasserstein(c, o, w, p=p, directions=theta) for o in others]
                  for c, w in zip(clouds, weights)]
        np.testing.assert_allclose(C, expect, rtol=1e-13)
    f32 = pydiv.pairwise([c.astype(np.float32) for c in clouds], metric="sliced", directions=theta)
    expect = [[pydiv.sliced_wasserstein(c.astype(np.float32), o.astype(np.float32), directions=theta)
               for o in clouds] for c in clouds]
    np.testing.assert_allclose(f32, expect, rtol=1e-13)


X2 = np.zeros((4, 2))
BAD = [
    (dict(X=np.zeros((4, 3))), ValueError, "different dimensions"),
    (dict(X=np.zeros(4), Y=np.zeros(5)), ValueError, "X must be a 2-D"),
    (dict(X=np.array([[0.0, np.nan]] * 4)), ValueError, "X contains NaN"),
    (dict(Y=np.array([[np.inf, 0.0]])), ValueError, "Y contains NaN or infinite"),
    (dict(X=np.zeros((0, 2))), ValueError, "X must hold at least one point"),
    (dict(a=[1, -1, 1, 1]), ValueError, "a has negative"),
    (dict(b=[0.0, 0.0, 0.0]), ValueError, "b sums to zero"),
    (dict(a=[1, 1]), ValueError, "a has 2 weights"),
    (dict(p=0.5), ValueError, "p must be"),
    (dict(p="2"), TypeError, "p must be"),
    (dict(n_projections=0), ValueError, "n_projections"),
    (dict(n_projections=2.0), TypeError, "n_projections"),
    (dict(directions=np.ones((3, 3))), ValueError, "directions must be an"),
    (dict(directions=np.ones(2)), ValueError, "directions must be an"),
    (dict(directions=np.array([[1.0, 0.0], [0.0, 0.0]])), ValueError, "zero row"),
    (dict(directions=np.array([[1.0, np.nan]])), ValueError, "directions contains NaN"),
    (dict(directions="sobol"), ValueError, "directions must be one of"),
    (dict(weighting="exp"), ValueError, "weighting must be one of"),
    (dict(return_details=1), TypeError, "return_details"),
    (dict(n_jobs=0), ValueError, "n_jobs"),
    (dict(seed=-1), TypeError, "seed must be"),
    (dict(seed="x"), TypeError, "seed must be"),
    (dict(X=np.zeros((2, 4, 2)), Y=np.zeros((3, 4, 2))), ValueError, "different numbers of clouds"),
    (dict(X=np.zeros((2, 4, 2)), Y=np.zeros((4, 2))), ValueError, "Y must be a 3-D"),
]


@pytest.mark.parametrize("kwargs,error,match", BAD)
def test_bad_input_names_the_argument(kwargs, error, match):
    args = dict(X=X2, Y=np.ones((3, 2)))
    args.update(kwargs)
    with pytest.raises(error, match=match):
        pydiv.sliced_wasserstein(**args)


def test_bad_input_of_max_sliced():
    with pytest.raises(ValueError, match="different dimensions"):
        pydiv.max_sliced_wasserstein(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="n_starts"):
        pydiv.max_sliced_wasserstein(np.zeros((3, 2)), np.zeros((3, 2)), n_starts=0)
    with pytest.raises(ValueError, match="p must be"):
        pydiv.max_sliced_wasserstein(np.zeros((3, 2)), np.zeros((3, 2)), p=0)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_long_sliced_call():
    code = textwrap.dedent("""
        import os, signal, threading, time
        import numpy as np, pydiv
        X = np.random.default_rng(0).standard_normal((20000, 32))
        threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        start = time.perf_counter()
        try:
            pydiv.sliced_wasserstein(X, X + 1, n_projections=200000, seed=0)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted", time.perf_counter() - start)
        print(pydiv.sliced_wasserstein(X[:10], X[:10] + 1, directions=np.eye(32)[:1]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    assert lines[0] == "interrupted" and float(lines[1]) < 3.0
    assert float(lines[2]) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("kind", ["ties", "signed_zeros", "narrow", "wide", "integers"])
def test_the_radix_sort_of_awkward_projections(kind):
    rng = np.random.default_rng(14)
    n = 3000
    X = {
        "ties": rng.integers(-3, 3, (n, 2)).astype(float),
        "signed_zeros": np.where(rng.random((n, 2)) < 0.5, -0.0, 0.0) + (rng.random((n, 2)) < 0.1),
        "narrow": 1e6 + rng.standard_normal((n, 2)) * 1e-7,
        "wide": rng.standard_normal((n, 2)) * 10.0 ** rng.integers(-300, 100, (n, 1)),
        "integers": rng.integers(0, 2**40, (n, 2)).astype(float),
    }[kind]
    Y = X[rng.permutation(n)[: n // 2]] * 1.5
    theta = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    for p in (1.0, 2.0):
        got = pydiv.sliced_wasserstein(X, Y, p=p, directions=theta, return_details=True).wpp
        expect = [pydiv.wasserstein_1d(X @ t, Y @ t, p=p) ** p for t in theta]
        np.testing.assert_allclose(got, expect, rtol=1e-12)


def test_huge_and_tiny_coordinates_scale_exactly():
    rng = np.random.default_rng(16)
    X, Y = rng.standard_normal((200, 3)), rng.standard_normal((150, 3)) + 1
    theta = unit_rows(rng, 10, 3)
    base = pydiv.sliced_wasserstein(X, Y, p=2, directions=theta)
    for e in (-900, -700, 700, 1020):  # W_2^2 would underflow or overflow unscaled
        x, y = np.ldexp(X, e), np.ldexp(Y, e)
        expect = math.ldexp(base, e)
        assert pydiv.sliced_wasserstein(x, y, p=2, directions=theta) / expect == pytest.approx(1.0, rel=1e-12)
        assert pydiv.pairwise([x, y], metric="sliced", directions=theta)[0, 1] / expect == pytest.approx(1.0, rel=1e-12)
    big = pydiv.max_sliced_wasserstein(np.ldexp(X, 1000), np.ldexp(Y, 1000), p=3, seed=0)
    small = pydiv.max_sliced_wasserstein(X, Y, p=3, seed=0)
    assert big.distance / math.ldexp(small.distance, 1000) == pytest.approx(1.0, rel=1e-9)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

coords = st.floats(-100, 100, allow_nan=False, allow_subnormal=False)
clouds = st.integers(1, 12).flatmap(lambda n: arrays(np.float64, (n, 3), elements=coords))
THETA = unit_rows(np.random.default_rng(15), 16, 3)


@settings(max_examples=40)
@given(clouds, clouds, clouds, st.sampled_from([1.0, 2.0, 3.0]))
def test_metric_laws_along_fixed_directions(x, y, z, p):
    def sw(u, v):
        return pydiv.sliced_wasserstein(u, v, p=p, directions=THETA)

    xy, yx = sw(x, y), sw(y, x)
    assert xy == pytest.approx(yx, rel=1e-12, abs=1e-12)
    assert sw(x, x) == 0.0
    assert xy <= sw(x, z) + sw(z, y) + 1e-9 * (1 + xy)


def test_pairwise_sliced_blocks_and_dask_share_one_set_of_directions():
    # Unseeded random directions: one set per call, also across Dask blocks and row blocks.
    pytest.importorskip("dask.array")
    import pydiv.dask
    from pydiv.pairwise import blocks

    rng = np.random.default_rng(21)
    clouds = [rng.standard_normal((int(rng.integers(3, 40)), 4)) for _ in range(70)]
    D = pydiv.dask.pairwise(clouds, metric="sliced", chunks=16, n_projections=64).compute()
    assert (D == D.T).all() and (np.diag(D) == 0).all()
    theta = unit_rows(rng, 64, 4)
    expect = pydiv.pairwise(clouds, metric="sliced", directions=theta)
    old = blocks._PAIRS_PER_BLOCK_ELEMENTS
    blocks._PAIRS_PER_BLOCK_ELEMENTS = 1  # the smallest blocks: MIN_ROWS rows each
    try:
        small = pydiv.pairwise(clouds, metric="sliced", directions=theta)
        condensed = pydiv.pairwise(clouds, metric="sliced", directions=theta, condensed=True)
    finally:
        blocks._PAIRS_PER_BLOCK_ELEMENTS = old
    np.testing.assert_array_equal(small, expect)
    np.testing.assert_array_equal(condensed, expect[np.triu_indices(70, 1)])
    one = pydiv.sliced_wasserstein(clouds[3], clouds[50], directions=theta)
    assert expect[3, 50] == pytest.approx(one, rel=1e-13)


@pytest.mark.parametrize("scale", [1e-200, 1e200])
@pytest.mark.parametrize("p", [1, 1.5, 2])
def test_details_and_batches_of_rescaled_clouds(scale, p):
    # Clouds so large or small that they are rescaled by 2**-e: the details (W_p^p per direction, scaled
    # back by the real power 2**(e p)) and the batched path gave a TypeError and an OverflowError.
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((20, 3)) * scale, rng.standard_normal((15, 3)) * scale
    plain = pydiv.sliced_wasserstein(X, Y, p=p, seed=0)
    details = pydiv.sliced_wasserstein(X, Y, p=p, seed=0, return_details=True)
    batched = pydiv.sliced_wasserstein(X[None], Y[None], p=p, seed=0, return_details=True)
    assert details.distance == plain and batched.distance[0] == plain
    unit = pydiv.sliced_wasserstein(X / scale, Y / scale, p=p, seed=0, return_details=True)
    with np.errstate(over="ignore", under="ignore"):
        want = unit.wpp * np.float64(scale) ** p
    if np.all(np.isfinite(want)) and np.all(want > 1e-300):
        np.testing.assert_allclose(details.wpp, want, rtol=1e-12)
    else:  # W_p^p itself is beyond the float range: inf (or 0) where it is
        assert np.all((details.wpp == np.inf) | (details.wpp == 0) | np.isfinite(details.wpp))
    np.testing.assert_array_equal(batched.wpp[0], details.wpp)
