"""pairwise() with the everyday divergences: every entry is the single-pair
function's value, X against itself and against Y, condensed, threaded, and
sparse rows agree with dense ones."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pydiv

SINGLE = {
    "hellinger": pydiv.hellinger,
    "total_variation": pydiv.total_variation,
    "chi2": pydiv.chi2_divergence,
    "jeffreys": pydiv.jeffreys,
    "psi": pydiv.population_stability_index,
}


def _rows(seed, n, k=9):
    rng = np.random.default_rng(seed)
    x = rng.random((n, k)) * 10.0 ** rng.uniform(-3, 3, (n, 1))
    x[rng.random((n, k)) < 0.2] = 0.0
    x[:, 0] += 0.5
    return x


def _same(a, b):
    assert a.shape == b.shape
    assert np.array_equal(np.isinf(a), np.isinf(b))
    fin = np.isfinite(b)
    np.testing.assert_allclose(a[fin], b[fin], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("metric", SINGLE)
def test_entries_are_the_single_pair_values(metric):
    f = SINGLE[metric]
    X, Y = _rows(1, 7), _rows(2, 4)
    _same(pydiv.pairwise(X, Y, metric=metric), np.array([[f(x, y) for y in Y] for x in X]))
    full = pydiv.pairwise(X, metric=metric)
    want = np.array([[0.0 if i == j else f(x, y) for j, y in enumerate(X)] for i, x in enumerate(X)])
    _same(full, want)
    assert np.array_equal(pydiv.pairwise(X, metric=metric, n_jobs=2), pydiv.pairwise(X, metric=metric, n_jobs=1),
                          equal_nan=True)
    if metric != "chi2":  # symmetric metrics only have a condensed form
        _same(pydiv.pairwise(X, metric=metric, condensed=True), full[np.triu_indices(7, 1)])


def test_jeffreys_base_and_refused_base():
    X = _rows(3, 5)
    np.testing.assert_allclose(pydiv.pairwise(X, metric="jeffreys", base=2),
                               pydiv.pairwise(X, metric="jeffreys") / math.log(2), rtol=1e-15)
    with pytest.raises(ValueError, match="takes no base"):
        pydiv.pairwise(X, metric="hellinger", base=2)


@pytest.mark.parametrize("metric", ["hellinger", "total_variation"])
def test_sparse_rows_agree_with_dense_rows(metric):
    sparse = pytest.importorskip("scipy.sparse")
    X, Y = _rows(4, 6, k=30), _rows(5, 5, k=30)
    _same(pydiv.pairwise(sparse.csr_array(X), sparse.csr_array(Y), metric=metric),
          pydiv.pairwise(X, Y, metric=metric))


def test_bad_rows_are_named():
    with pytest.raises(ValueError, match="X"):
        pydiv.pairwise(np.array([[1.0, -1.0]]), metric="hellinger")
    with pytest.raises(ValueError, match="columns"):
        pydiv.pairwise(np.ones((2, 3)), np.ones((2, 4)), metric="total_variation")
