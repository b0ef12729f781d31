"""Sparse input that pydiv refuses, with messages naming the argument; scipy imported only for sparse input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import pydiv

sp = pytest.importorskip("scipy.sparse")

GOOD = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 1.0]])


@pytest.mark.parametrize("bad, message", [
    (np.array([[1.0, -1.0, 2.0]]), "X has negative entries"),
    (np.array([[1.0, np.nan, 2.0]]), "X has NaN or infinite stored values"),
    (np.array([[1.0, np.inf, 2.0]]), "X has NaN or infinite stored values"),
])
def test_bad_values_name_the_argument(bad, message):
    with pytest.raises(ValueError, match=message):
        pydiv.pairwise(sp.csr_array(bad), metric="js")
    with pytest.raises(ValueError, match=message.replace("X", "Y")):
        pydiv.pairwise(sp.csr_array(GOOD), sp.csr_array(bad), metric="kl")


def test_negative_duplicate_is_not_hidden_by_summing():
    a = sp.coo_array((np.array([2.0, -1.0, 1.0]), (np.array([0, 0, 0]), np.array([0, 0, 1]))), shape=(1, 3))
    with pytest.raises(ValueError, match="X has negative entries"):
        pydiv.pairwise(a, metric="js")


def test_empty_row():
    with pytest.raises(ValueError, match="X row 1 sums to zero"):
        pydiv.pairwise(sp.csr_array(np.array([[1.0, 2.0], [0.0, 0.0]])), metric="js")
    explicit_zero = sp.csr_array((np.array([1.0, 0.0]), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    with pytest.raises(ValueError, match="Y row 1 sums to zero"):
        pydiv.pairwise(sp.csr_array(GOOD[:, :2] + 1), explicit_zero, metric="kl")


def test_width_mismatch_and_options():
    with pytest.raises(ValueError, match="same number of columns, got 3 and 2"):
        pydiv.pairwise(sp.csr_array(GOOD), sp.csr_array(GOOD[:, :2]), metric="js")
    with pytest.raises(ValueError, match="does not take sparse rows"):
        pydiv.pairwise(sp.csr_array(GOOD), metric="wasserstein")
    with pytest.raises(ValueError, match="base is not used by metric 'hellinger'"):
        pydiv.pairwise(sp.csr_array(GOOD), metric="hellinger", base=2)
    with pytest.raises(ValueError, match="p is not used"):
        pydiv.pairwise(sp.csr_array(GOOD), metric="js", p=2)
    with pytest.raises(ValueError, match="condensed output"):
        pydiv.pairwise(sp.csr_array(GOOD), metric="kl", condensed=True)
    with pytest.raises(ValueError, match="base must be greater than 1"):
        pydiv.pairwise(sp.csr_array(GOOD), metric="jensenshannon", base=0.5)
    with pytest.raises(TypeError, match="booleans"):
        pydiv.pairwise(sp.csr_array(GOOD > 0), metric="js")
    with pytest.raises(ValueError, match="2-D"):
        pydiv.pairwise(sp.coo_array(np.array([1.0, 2.0])), metric="js")


def test_dask_refuses_sparse():
    pytest.importorskip("dask")
    import pydiv.dask

    with pytest.raises(TypeError, match="does not take scipy.sparse"):
        pydiv.dask.pairwise(sp.csr_array(GOOD), metric="js")


def test_dense_input_does_not_import_scipy():
    code = ("import sys, numpy as np, pydiv\n"
            "X = np.array([[1.0, 2.0], [3.0, 1.0]])\n"
            "pydiv.pairwise(X, metric='js'); pydiv.kl_divergence(X[0], X[1]); pydiv.entropy(X)\n"
            "assert 'scipy' not in sys.modules, 'scipy imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
