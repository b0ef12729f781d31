"""The single-pair functions on scipy.sparse arguments: the values of the dense arrays they hold."""

from __future__ import annotations

import numpy as np
import pytest

import pydiv

sp = pytest.importorskip("scipy.sparse")

P = np.array([0.0, 2.0, 1.0, 0.0, 3.0])
Q = np.array([1.0, 1.0, 1.0, 0.0, 2.0])
FUNCS = [pydiv.kl_divergence, pydiv.cross_entropy, pydiv.js_divergence, pydiv.jensenshannon]


@pytest.mark.parametrize("f", FUNCS)
@pytest.mark.parametrize("make", [
    lambda v: sp.csr_matrix(v[None, :]),  # 1 x n matrix: a vector
    lambda v: sp.csc_matrix(v[:, None]),  # n x 1 matrix: a vector
    lambda v: sp.coo_array(v),            # 1-D sparse array
])
def test_vectors(f, make):
    want = f(P, Q)
    got = f(make(P), make(Q))
    assert np.ndim(got) == 0 and got == want
    assert f(make(P), Q) == want


def test_entropy_and_rows_along_the_last_axis():
    rows = np.vstack([P, Q, P + Q])
    assert pydiv.entropy(sp.csr_matrix(P[None, :])) == pydiv.entropy(P)
    assert np.array_equal(pydiv.entropy(sp.csr_array(rows)), pydiv.entropy(rows))
    for f in FUNCS:
        got = f(sp.csr_array(rows), sp.csr_array(rows[::-1].copy()))
        assert np.array_equal(got, f(rows, rows[::-1]))
    # A 2-D sparse array keeps its shape: one value per row.
    assert pydiv.kl_divergence(sp.csr_array(P[None, :]), sp.csr_array(Q[None, :])).shape == (1,)


def test_bad_sparse_arguments():
    with pytest.raises(ValueError, match="q has negative entries"):
        pydiv.kl_divergence(sp.csr_matrix(P[None, :]), sp.csr_matrix(-Q[None, :]))
    with pytest.raises(ValueError, match="p has NaN or infinite stored values"):
        pydiv.js_divergence(sp.csr_array(np.array([[np.nan, 1.0]])), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="sums to zero"):
        pydiv.entropy(sp.csr_array((1, 4)))
