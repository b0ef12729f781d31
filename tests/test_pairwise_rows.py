"""pydiv.pairwise on awkward inputs: repeated rows, `out` aliasing an input, weights whose totals overflow."""

import importlib

import numpy as np
import pytest

import pydiv

try:
    import dask.array  # noqa: F401

    import pydiv.dask

    HAVE_DASK = True
except ImportError:  # pragma: no cover - the optional extra
    HAVE_DASK = False

rng = np.random.default_rng(29)

# Every metric with d(x, x) = 0 (cross-entropy is H(x) there).
ZERO_ON_SELF = [m for m in importlib.import_module("pydiv.pairwise").METRICS if m != "cross_entropy"]


def _repeated(rows):
    """rows with row 0 repeated at index 3, and a Y holding rows 3, 1 and a new one."""
    X = list(rows[:6])
    X[3] = X[0]
    Y = [X[3], X[1], rows[6]]
    return X, Y


def _inputs(metric):
    if not importlib.import_module("pydiv.pairwise.metric").metric_named(metric).array_rows:  # clouds, Gaussians
        clouds = [rng.random((int(rng.integers(3, 7)), 2)) for _ in range(7)]
        X, Y = _repeated(clouds)
        return X, Y, {}
    if metric == "wasserstein_samples":
        samples = [rng.normal(size=int(rng.integers(3, 9))) for _ in range(7)]
        X, Y = _repeated(samples)
        return X, Y, {}
    hist = rng.random((7, 40))
    hist[:, 2] = 0.0  # a shared zero column
    X, Y = _repeated(list(hist))
    return np.array(X), np.array(Y), {}


def _same(a, b):
    return np.shape(a) == np.shape(b) and np.array_equal(a, b)


def _check_zero_where_identical(D, X, Y):
    for i, a in enumerate(X):
        for j, b in enumerate(Y):
            if _same(a, b):
                assert D[i, j] == 0.0, (i, j, D[i, j])


@pytest.mark.parametrize("metric", ZERO_ON_SELF)
def test_identical_rows_give_exactly_zero(metric):
    # d(x, x) = 0 exactly for repeated rows, with Y given (also Y = X) or not.
    X, Y, kw = _inputs(metric)
    _check_zero_where_identical(pydiv.pairwise(X, Y, metric=metric, **kw), X, Y)
    _check_zero_where_identical(pydiv.pairwise(X, X, metric=metric, **kw), X, X)
    D = pydiv.pairwise(X, metric=metric, **kw)
    _check_zero_where_identical(D, X, X)
    if metric not in ("kl", "chi2"):  # the asymmetric ones have no condensed form
        condensed = pydiv.pairwise(X, metric=metric, condensed=True, **kw)
        assert condensed[3 - 1] == 0.0  # the pair (0, 3)


@pytest.mark.skipif(not HAVE_DASK, reason="dask is not installed")
@pytest.mark.parametrize("metric", ["kl", "js", "jensenshannon", "wasserstein"])
def test_identical_rows_give_exactly_zero_on_dask(metric):
    # Every Dask block gets a Y block; repeated rows across blocks are still 0.
    X, Y, kw = _inputs(metric)
    for D, B in [(pydiv.dask.pairwise(X, metric=metric, chunks=2, **kw), X),
                 (pydiv.dask.pairwise(X, Y, metric=metric, chunks=2, **kw), Y)]:
        _check_zero_where_identical(D.compute(scheduler="sync"), X, B)


def test_identical_rows_strided_kl_on_dask():
    # The failing case of the bad-input table: a strided X on the Dask path.
    if not HAVE_DASK:
        pytest.skip("dask is not installed")
    big = np.random.default_rng(5).random((40, 60)) + 0.01
    X = big[::2, ::3]
    D = pydiv.dask.pairwise(X, metric="kl", chunks=6).compute(scheduler="sync")
    assert (np.diag(D) == 0.0).all()


def test_identical_rows_with_negative_zero():
    # -0.0 and 0.0 are the same entry: the rows are identical.
    X = np.array([[0.0, 1.0, 2.0], [-0.0, 1.0, 2.0], [3.0, 1.0, 0.5]])
    D = pydiv.pairwise(X, X[::-1].copy(), metric="kl")
    assert D[0, 1] == D[0, 2] == D[1, 1] == D[1, 2] == 0.0


@pytest.mark.parametrize("metric", ["kl", "js", "jensenshannon", "wasserstein"])
def test_histograms_a_power_of_two_apart_give_exactly_zero(metric):
    # 2**e * x is the same distribution as x: the same exact 0.
    X = rng.random((5, 40))
    Y = np.array([X[2] * 8.0, X[0] * 2.0**-600, X[4] + 1.0])
    D = pydiv.pairwise(X, Y, metric=metric)
    assert D[2, 0] == D[0, 1] == 0.0 and D[4, 2] > 0.0


@pytest.mark.parametrize("metric", ["js", "kl", "wasserstein"])
@pytest.mark.parametrize("alias", ["X", "Y", "view of X"])
def test_out_overlapping_an_input_is_refused(metric, alias):
    # Writing into an input would corrupt rows that later blocks read.
    X = rng.random((40, 40))
    Y = rng.random((40, 40))
    out = {"X": X, "Y": Y, "view of X": X[:, :]}[alias]
    before = X.copy(), Y.copy()
    with pytest.raises(ValueError, match="out shares memory with " + alias[-1]):
        pydiv.pairwise(X, Y, metric=metric, out=out)
    assert np.array_equal(X, before[0]) and np.array_equal(Y, before[1])


def test_out_overlapping_symmetric_input_is_refused():
    # pairwise(X, out=X): the report's case (errors of 0.2 to 0.7 before).
    X = rng.random((300, 300))
    with pytest.raises(ValueError, match="out shares memory with X"):
        pydiv.pairwise(X, metric="js", out=X)


def test_out_overlapping_support_or_weights_is_refused():
    # Every array argument counts, not only X and Y.
    x = np.zeros((3, 4))
    X = rng.random((4, 4))
    with pytest.raises(ValueError, match="out shares memory with x"):
        pydiv.pairwise(X[:3], metric="wasserstein", x=x[0], out=x.reshape(-1)[:9].reshape(3, 3))
    samples = rng.random((3, 3))
    weights = rng.random((3, 3))
    with pytest.raises(ValueError, match="out shares memory with x_weights"):
        pydiv.pairwise(samples, metric="wasserstein_samples", x_weights=weights, out=weights)


def test_out_separate_from_inputs_still_works():
    # A preallocated out that aliases nothing is filled as before.
    X = rng.random((30, 8))
    out = np.empty((30, 30))
    got = pydiv.pairwise(X, metric="js", out=out)
    assert got is out
    np.testing.assert_array_equal(out, pydiv.pairwise(X, metric="js"))


HUGE_WEIGHTS = [([0.0, 1.0], [1e308, 1e308]), ([0.5, 2.0], [1e308, 3e307])]


@pytest.mark.parametrize("p", [1, 2])
def test_samples_with_overflowing_weight_totals(p):
    # Same inputs, same answer as wasserstein_1d, which rescales the weights.
    X = [np.array(v) for v, _ in HUGE_WEIGHTS]
    W = [np.array(w) for _, w in HUGE_WEIGHTS]
    Y = [np.array([0.25, 1.0]), np.array([3.0])]
    V = [np.array([1.0, 1.0]), np.array([2.0])]
    got = pydiv.pairwise(X, Y, metric="wasserstein_samples", p=p, x_weights=W, y_weights=V)
    want = [[pydiv.wasserstein_1d(a, b, wa, wb, p=p) for b, wb in zip(Y, V)] for a, wa in zip(X, W)]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    got_self = pydiv.pairwise(X, metric="wasserstein_samples", p=p, x_weights=W)
    assert got_self[0, 1] == pytest.approx(pydiv.wasserstein_1d(X[0], X[1], W[0], W[1], p=p), rel=1e-14)


def test_samples_with_overflowing_weight_totals_report_case():
    # The report: two weights of 1e308 against a single point gives 0.75 as for the single pair.
    got = pydiv.pairwise([np.array([0.0, 1.0])], [np.array([0.25])], metric="wasserstein_samples",
                         x_weights=[np.array([1e308, 1e308])])
    assert got[0, 0] == pydiv.wasserstein_1d([0.0, 1.0], [0.25], [1e308, 1e308]) == 0.5


@pytest.mark.parametrize("p", [1, 2])
def test_emd_with_overflowing_weight_totals(p):
    # pairwise emd equals wasserstein_nd on weights whose totals overflow.
    X = [np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 1.0], [2.0, 2.0], [1.0, 1.0]])]
    W = [np.array([1e308, 1e308]), np.array([1e308, 3e307, 1e308])]
    Y = [np.array([[0.25, 0.0]]), np.array([[1.0, 1.0], [0.0, 0.5]])]
    V = [np.array([1.0]), np.array([1.5e308, 1e308])]
    got = pydiv.pairwise(X, Y, metric="emd", p=p, x_weights=W, y_weights=V)
    want = [[pydiv.wasserstein_nd(a, b, wa, wb, p=p) for b, wb in zip(Y, V)] for a, wa in zip(X, W)]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("scale", [2.0**1023, 2.0**-1060])
def test_weights_normalised_exactly_at_any_scale(scale):
    # Weights times a power of two (totals overflowing, or subnormal) give the
    # distances of the unscaled weights exactly, in every entry point that takes weights.
    a, b = np.array([0.0, 1.0, 3.0]), np.array([0.5, 2.0])
    wa, wb = np.array([1.0, 1.5, 1.0]), np.array([1.75, 1.0])
    for f in (
        lambda s: pydiv.wasserstein_1d(a, b, wa * s, wb * s),
        lambda s: pydiv.wasserstein_1d(a, b, wa * s, wb * s, p=2),
        lambda s: pydiv.energy_distance(a, b, wa * s, wb * s),
        lambda s: pydiv.wasserstein_nd(a, b, wa * s, wb * s),
        lambda s: pydiv.emd2(wa * s, wb * s, np.abs(a[:, None] - b[None, :]), normalize=True),
        lambda s: pydiv.wasserstein_hist(np.r_[wa, 0.0] * s, np.r_[0.0, wb, 0.0] * s, x=[0.0, 0.5, 1.0, 3.0]),
        lambda s: pydiv.pairwise([a], [b], metric="wasserstein_samples", x_weights=[wa * s], y_weights=[wb * s])[0, 0],
        lambda s: pydiv.pairwise([a], [b], metric="emd", x_weights=[wa * s], y_weights=[wb * s])[0, 0],
    ):
        assert f(scale) == f(1.0)


@pytest.mark.parametrize("metric", ["kl", "js", "wasserstein_samples", "emd"])
def test_identical_rows_exact_under_hash_collisions(metric, monkeypatch):
    # With every hash equal, rows are still grouped by equality, not by hash.
    monkeypatch.setattr(importlib.import_module("pydiv.pairwise.identical"), "_multipliers",
                        lambda pos: np.zeros(np.shape(pos), dtype=np.uint64))
    X, Y, kw = _inputs(metric)
    D = pydiv.pairwise(X, Y, metric=metric, **kw)
    for i, a in enumerate(X):
        for j, b in enumerate(Y):
            assert (D[i, j] == 0.0) == _same(a, b), (i, j, D[i, j])
