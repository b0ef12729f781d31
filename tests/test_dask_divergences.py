"""pydiv.dask.pairwise on the everyday divergences (hellinger, total
variation, chi2, jeffreys, psi): the blocked matrix equals the in-memory one
bitwise, on symmetric and asymmetric metrics, square, condensed and X-vs-Y."""

import numpy as np
import pytest

import pydiv

pytest.importorskip("dask.array")
import pydiv.dask  # noqa: E402

rng = np.random.default_rng(11)
X = rng.random((29, 9))
X[::4, 2] = 0.0  # empty bins: chi2 and jeffreys reach inf, psi stays finite
Y = rng.random((17, 9))

METRICS = ["hellinger", "total_variation", "chi2", "jeffreys", "psi"]


@pytest.mark.parametrize("metric", METRICS)
def test_blocks_equal_the_in_memory_matrix(metric):
    expected = pydiv.pairwise(X, Y, metric=metric)
    got = pydiv.dask.pairwise(X, Y, metric=metric, chunks=6).compute(scheduler="sync")
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("metric", METRICS)
def test_self_matrix_across_blocks(metric):
    expected = pydiv.pairwise(X, metric=metric)
    got = pydiv.dask.pairwise(X, metric=metric, chunks=7).compute(scheduler="threads")
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.diag(got), 0.0)
    if metric != "chi2":  # Pearson's chi2 is the one asymmetric metric of these
        np.testing.assert_array_equal(got, got.T)
    else:
        assert not np.array_equal(got, got.T)


@pytest.mark.parametrize("metric", ["hellinger", "jeffreys", "psi"])
def test_condensed_self_matrix(metric):
    expected = pydiv.pairwise(X, metric=metric, condensed=True)
    got = pydiv.dask.pairwise(X, metric=metric, chunks=8, condensed=True).compute(scheduler="sync")
    np.testing.assert_array_equal(got, expected)


def test_entries_are_the_single_pair_functions():
    got = pydiv.dask.pairwise(X[:5], Y[:4], metric="hellinger", chunks=2).compute(scheduler="sync")
    for i in range(5):
        for j in range(4):
            assert got[i, j] == pydiv.hellinger(X[i], Y[j])
