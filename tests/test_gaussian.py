"""gaussian_wasserstein, frechet_distance and the pairwise matrix against a
50-digit mpmath reference, the 1-D closed form, POT and the scipy-sqrtm route."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import pydiv
from pydiv.gaussian import GaussianStats

import reference as ref


def _spd(rng, d, cond):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = np.geomspace(1.0, 1.0 / cond, d) * rng.uniform(0.5, 2.0)
    s = (q * lam) @ q.T
    return 0.5 * (s + s.T)


def _rank_deficient(rng, d, r):
    a = rng.integers(-3, 4, size=(d, r)).astype(np.float64)  # exact: S = A A^T is exactly PSD
    return a @ a.T


def _check(value, exact, s1, s2):
    scale = np.trace(s1) + np.trace(s2)
    if exact > 1e-3 * scale:
        assert abs(value - exact) <= 1e-12 * exact, (value, exact)
    else:
        assert abs(value - exact) <= 1e-13 * scale, (value, exact, scale)


@pytest.mark.parametrize("d", [2, 5, 12, 20])
@pytest.mark.parametrize("cond", [1.0, 1e6, 1e12])
def test_against_mpmath(d, cond):
    rng = np.random.default_rng(d * 7 + int(np.log10(cond)))
    s1, s2 = _spd(rng, d, cond), _spd(rng, d, cond)
    m1, m2 = rng.standard_normal(d), rng.standard_normal(d)
    for means in ((m1, m2), (m1, m1)):  # the second cancels: only the covariances differ
        exact = ref.gaussian_w2_squared_mp(means[0], s1, means[1], s2)
        _check(pydiv.gaussian_wasserstein(means[0], s1, means[1], s2, squared=True), exact, s1, s2)


@pytest.mark.parametrize("d, r1, r2", [(4, 2, 3), (10, 3, 10), (16, 5, 5)])
def test_rank_deficient_against_mpmath(d, r1, r2):
    rng = np.random.default_rng(d + r1)
    s1, s2 = _rank_deficient(rng, d, r1), _rank_deficient(rng, d, r2)
    m = np.zeros(d)
    exact = ref.gaussian_w2_squared_mp(m, s1, m, s2)
    _check(pydiv.gaussian_wasserstein(m, s1, m, s2, squared=True), exact, s1, s2)


def test_nearly_equal_covariances_cancel_to_the_tolerance():
    rng = np.random.default_rng(3)
    s1 = _spd(rng, 8, 1e4)
    s2 = s1 + 1e-9 * np.eye(8)
    exact = ref.gaussian_w2_squared_mp(np.zeros(8), s1, np.zeros(8), s2)
    _check(pydiv.gaussian_wasserstein(np.zeros(8), s1, np.zeros(8), s2, squared=True), exact, s1, s2)


def test_one_dimension_closed_form():
    rng = np.random.default_rng(0)
    m1, m2 = rng.standard_normal(50), rng.standard_normal(50)
    v1, v2 = rng.uniform(0, 3, 50), rng.uniform(0, 3, 50)
    got = pydiv.gaussian_wasserstein(m1[:, None], v1[:, None, None], m2[:, None], v2[:, None, None], squared=True)
    want = (m1 - m2) ** 2 + (np.sqrt(v1) - np.sqrt(v2)) ** 2
    np.testing.assert_allclose(got, want, rtol=4e-16, atol=0)
    # variances 1e-20 apart: the difference of square roots is kept, not cancelled
    assert pydiv.gaussian_wasserstein([0.0], [[1.0]], [0.0], [[1.0 + 2**-40]], squared=True) > 0


def test_diagonal_matches_full_and_batches():
    rng = np.random.default_rng(1)
    m1, m2 = rng.standard_normal((3, 4, 6)), rng.standard_normal(6)
    v1, v2 = rng.uniform(0.1, 2, (3, 4, 6)), rng.uniform(0.1, 2, 6)
    diag = pydiv.gaussian_wasserstein(m1, v1, m2, v2)
    full = pydiv.gaussian_wasserstein(m1, v1[..., None] * np.eye(6), m2, np.diag(v2))
    assert diag.shape == (3, 4)
    np.testing.assert_allclose(diag, full, rtol=1e-13)
    one = [pydiv.gaussian_wasserstein(m1[1, 2], np.diag(v1[1, 2]), m2, np.diag(v2))]
    np.testing.assert_allclose(full[1, 2], one[0], rtol=1e-15)


def test_identical_inputs_give_exactly_zero():
    rng = np.random.default_rng(2)
    s = _spd(rng, 30, 1e10)
    m = rng.standard_normal(30)
    assert pydiv.gaussian_wasserstein(m, s, m.copy(), s.copy()) == 0.0
    x = rng.standard_normal((40, 30))
    assert pydiv.frechet_distance(x, x.copy()) == 0.0
    s_lo = _rank_deficient(rng, 12, 3)
    assert pydiv.gaussian_wasserstein(np.zeros(12), s_lo, np.zeros(12), s_lo) == 0.0


@pytest.mark.parametrize("n", [129, 60])
def test_rank_deficient_sample_covariances(n):
    rng = np.random.default_rng(n)
    x, y = rng.standard_normal((n, 128)), rng.standard_normal((n, 128)) + 0.01
    got = pydiv.frechet_distance(x, y)
    sx, sy = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    want = ref.frechet_from_sample_factors(x, y)
    assert np.isfinite(got) and got >= 0
    assert abs(got - want) <= 1e-11 * (np.trace(sx) + np.trace(sy))
    assert pydiv.frechet_distance(x, x[::-1]) == pytest.approx(0.0, abs=1e-12 * np.trace(sx))


def test_against_pot_and_sqrtm():
    ot = pytest.importorskip("ot")
    sl = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((500, 40)), rng.standard_normal((400, 40)) * 1.3 + 0.2
    sa, sb = pydiv.gaussian.distance.stats_from_samples(x, "x"), pydiv.gaussian.distance.stats_from_samples(y, "y")
    got = pydiv.frechet_distance(sa, sb)
    root = sl.sqrtm(sa.cov @ sb.cov).real
    fid = np.sum((sa.mean - sb.mean) ** 2) + np.trace(sa.cov + sb.cov - 2 * root)
    pot = float(ot.gaussian.bures_wasserstein_distance(sa.mean, sb.mean, sa.cov, sb.cov)) ** 2
    assert got == pytest.approx(fid, rel=1e-10)
    assert got == pytest.approx(pot, rel=1e-10)


def test_frechet_samples_stats_and_moments_agree():
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((300, 7)).astype(np.float32), rng.standard_normal((200, 7)) + 0.5
    acc = pydiv.stream.Moments(7)
    for chunk in np.array_split(x, 4):
        acc.update(chunk)
    direct = pydiv.frechet_distance(x, y)
    assert pydiv.frechet_distance(acc, y) == pytest.approx(direct, rel=1e-12)
    assert pydiv.frechet_distance(acc.stats(), y) == pytest.approx(direct, rel=1e-12)
    st = GaussianStats(x.astype(np.float64).mean(0), np.cov(x.astype(np.float64), rowvar=False), 300)
    assert pydiv.frechet_distance(st, y) == pytest.approx(direct, rel=1e-12)


def test_pairwise_matrix():
    rng = np.random.default_rng(6)
    stats = [pydiv.gaussian.distance.stats_from_samples(rng.standard_normal((30 + i, 5)) * (1 + i), "x") for i in range(5)]
    stats[3] = pydiv.gaussian.distance.stats_from_samples(rng.standard_normal((4, 5)), "x")  # rank 3
    mat = pydiv.pairwise(stats, metric="gaussian")
    loop = np.array([[pydiv.frechet_distance(a, b) for b in stats] for a in stats])
    np.testing.assert_allclose(mat, np.sqrt(loop), rtol=1e-13, atol=1e-13)
    assert (np.diag(mat) == 0).all() and (mat == mat.T).all()
    rect = pydiv.pairwise(stats[:2], stats, metric="gaussian", squared=True)
    np.testing.assert_allclose(rect, loop[:2], rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(pydiv.pairwise(stats, metric="gaussian", condensed=True), mat[np.triu_indices(5, 1)])
    from pydiv.pairwise import blocks

    old = blocks._PAIRS_PER_BLOCK_ELEMENTS
    blocks._PAIRS_PER_BLOCK_ELEMENTS = 1  # one row per block: the mirror across blocks
    try:
        np.testing.assert_array_equal(pydiv.pairwise(stats, metric="gaussian"), mat)
    finally:
        blocks._PAIRS_PER_BLOCK_ELEMENTS = old
    samples = [rng.standard_normal((20, 5)) for _ in range(3)]
    acc = pydiv.stream.Moments(5)
    acc.update(samples[1])
    mixed = pydiv.pairwise([samples[0], acc, samples[2]], metric="gaussian", squared=True)
    assert mixed[0, 1] == pytest.approx(pydiv.frechet_distance(samples[0], samples[1]), rel=1e-12)
    with pytest.raises(ValueError, match="different dimensions"):
        pydiv.pairwise([samples[0], rng.standard_normal((20, 4))], metric="gaussian")
    with pytest.raises(ValueError, match="sequence of Gaussians"):
        pydiv.pairwise(rng.random((4, 5)), metric="gaussian")


finite = hst.floats(-4, 4, allow_nan=False)


@settings(max_examples=25)
@given(hst.integers(1, 5), hst.integers(0, 2**32 - 1))
def test_metric_laws(d, seed):
    rng = np.random.default_rng(seed)
    g = [(rng.standard_normal(d), _rank_deficient(rng, d, int(rng.integers(1, d + 1)))) for _ in range(3)]
    w = [[pydiv.gaussian_wasserstein(a[0], a[1], b[0], b[1]) for b in g] for a in g]
    tol = 1e-7 * max(1.0, max(map(max, w)))
    for i in range(3):
        assert w[i][i] == 0.0
        for j in range(3):
            assert w[i][j] >= 0 and abs(w[i][j] - w[j][i]) <= tol
            for k in range(3):
                assert w[i][k] <= w[i][j] + w[j][k] + tol
    shift = rng.standard_normal(d)  # a common translation changes nothing
    moved = pydiv.gaussian_wasserstein(g[0][0] + shift, g[0][1], g[1][0] + shift, g[1][1])
    assert moved == pytest.approx(w[0][1], rel=1e-9, abs=tol)


def test_float32_inputs():
    rng = np.random.default_rng(7)
    s1, s2 = _spd(rng, 6, 10.0), _spd(rng, 6, 10.0)
    got = pydiv.gaussian_wasserstein(np.zeros(6, np.float32), s1.astype(np.float32), np.ones(6), s2.astype(np.float32))
    want = ref.gaussian_w2_squared_eigh(np.zeros(6), s1.astype(np.float32), np.ones(6), s2.astype(np.float32))
    assert np.sqrt(want) == pytest.approx(got, rel=1e-12)


S = np.eye(3)
Z = np.zeros(3)


@pytest.mark.parametrize(
    "args, match",
    [
        ((Z, np.ones((3, 2)), Z, S), "S1 has shape"),
        ((Z, S, np.zeros(4), np.eye(4)), "different dimensions"),
        ((Z, np.array([[1, 2, 0], [0, 1, 0], [0, 0, 1.0]]), Z, S), "S1 must be symmetric"),
        ((Z, S, Z, np.diag([1.0, -0.5, 1.0])), r"S2 is not positive semi-definite: .*-0.5"),
        ((Z, S, Z, np.array([-1.0, 1, 1])), "S2 .*must be >= 0"),
        ((np.array([np.nan, 0, 0]), S, Z, S), "m1 must be finite"),
        ((Z, S, Z, np.full((3, 3), np.inf)), "S2 must be finite"),
        ((np.zeros(0), np.zeros((0, 0)), np.zeros(0), np.zeros((0, 0))), "d = 0"),
        ((0.0, S, Z, S), "m1 must have at least one dimension"),
        ((Z, np.ones((2, 2, 2, 3)), Z, S), "S1 must be"),
        ((Z, S, Z, np.ones(3)), "mixing a diagonal"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        pydiv.gaussian_wasserstein(*args)


def test_bad_input_types_and_samples():
    with pytest.raises(TypeError, match="squared"):
        pydiv.gaussian_wasserstein(Z, S, Z, S, squared=1)
    with pytest.raises(TypeError, match="S1"):
        pydiv.gaussian_wasserstein(Z, S.astype(complex), Z, S)
    with pytest.raises(ValueError, match="X has 1 sample"):
        pydiv.frechet_distance(np.ones((1, 3)), np.ones((5, 3)))
    with pytest.raises(ValueError, match="Y must be a 2-D"):
        pydiv.frechet_distance(np.ones((4, 3)), np.ones(5))
    with pytest.raises(ValueError, match="Y has d = 0"):
        pydiv.frechet_distance(np.ones((4, 3)), np.ones((5, 0)))
    with pytest.raises(ValueError, match="different dimensions"):
        pydiv.frechet_distance(np.ones((4, 3)), np.ones((5, 2)))
    with pytest.raises(ValueError, match="Y must be finite"):
        pydiv.frechet_distance(np.ones((4, 3)), np.full((5, 3), np.nan))


def test_both_nuclear_norm_routes_agree_with_the_singular_values():
    from pydiv.gaussian import factor as gf

    rng = np.random.default_rng(8)
    well = rng.standard_normal((3, 60, 60)) + 12 * np.eye(60)  # singular values within a factor ~2: eigenvalue route
    ill = rng.standard_normal((2, 60, 60)) * np.geomspace(1, 1e-9, 60)  # singular-value route
    for m in (well, ill):
        want = np.linalg.svd(m, compute_uv=False).sum(axis=-1)
        np.testing.assert_allclose(gf.nuclear_norm(m, np.zeros(len(m))), want, rtol=2e-15)


def test_well_conditioned_fid_against_sample_factors():
    rng = np.random.default_rng(9)
    x, y = rng.standard_normal((1500, 200)), rng.standard_normal((1200, 200)) * 1.2 + 0.03
    want = ref.frechet_from_sample_factors(x, y)
    scale = np.trace(np.cov(x, rowvar=False)) + np.trace(np.cov(y, rowvar=False))
    assert abs(pydiv.frechet_distance(x, y) - want) <= 1e-14 * scale


def test_scales_near_the_ends_of_the_float_range():
    # W2 scales exactly with powers of two, also where S, its trace or the samples' covariance
    # would overflow or underflow (a covariance of 1e308 gave inf, samples of 1e154 "S1 must be finite").
    rng = np.random.default_rng(17)
    m1, m2 = rng.standard_normal(4), rng.standard_normal(4)
    f1, f2 = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    S1, S2 = f1 @ f1.T, f2 @ f2.T
    base = pydiv.gaussian_wasserstein(m1, S1, m2, S2)
    for k in (-1000, -520, 300, 505):
        got = pydiv.gaussian_wasserstein(np.ldexp(m1, k), np.ldexp(S1, 2 * k), np.ldexp(m2, k), np.ldexp(S2, 2 * k))
        assert got == pytest.approx(np.ldexp(base, k), rel=1e-12)
    v = np.full(3, 1e308)
    expect = np.sqrt(3.0) * 0.5 * np.sqrt(1e308)  # sum (sqrt v - sqrt(v / 4))^2, rooted
    assert pydiv.gaussian_wasserstein(np.zeros(3), v, np.zeros(3), v / 4) == pytest.approx(expect, rel=1e-12)
    assert pydiv.gaussian_wasserstein(np.zeros(3), np.diag(v), np.zeros(3), np.diag(v / 4)) == pytest.approx(expect,
                                                                                                            rel=1e-12)
    X, Y = rng.standard_normal((40, 3)), rng.standard_normal((50, 3)) + 1.0
    fid = pydiv.frechet_distance(X, Y)
    for k in (-480, 480):
        assert pydiv.frechet_distance(np.ldexp(X, k), np.ldexp(Y, k)) == pytest.approx(np.ldexp(fid, 2 * k), rel=1e-12)
    assert pydiv.frechet_distance(np.ldexp(X, 600), np.ldexp(Y, 600)) == np.inf  # beyond the float range
