"""pydiv.pairwise on scipy.sparse rows against the dense path on the densified rows.

The sparse kernel walks only the stored values of each pair of rows; every
value must agree with the dense pairwise (or, for hellinger and
total_variation, a plain NumPy formula) on ``.toarray()`` to 1e-12
relative, with the same infinities, in every sparse format.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pydiv

sp = pytest.importorskip("scipy.sparse")

INFO = ("kl", "cross_entropy", "js", "jensenshannon")
ALL = INFO + ("hellinger", "total_variation")
SYMMETRIC = ("js", "jensenshannon", "hellinger", "total_variation")


def _normalised(a):
    return a / a.sum(axis=1, keepdims=True)


def reference(X, Y, metric, base=None):
    """The dense result on the densified rows: pydiv's dense pairwise, or NumPy."""
    Xd = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
    Yd = Xd if Y is None else (Y.toarray() if hasattr(Y, "toarray") else np.asarray(Y, dtype=float))
    if metric in INFO:
        return pydiv.pairwise(Xd, None if Y is None else Yd, metric=metric, base=base)
    P, Q = _normalised(Xd), _normalised(Yd)
    if metric == "hellinger":
        return np.sqrt(0.5 * ((np.sqrt(P)[:, None, :] - np.sqrt(Q)[None, :, :]) ** 2).sum(axis=-1))
    return 0.5 * np.abs(P[:, None, :] - Q[None, :, :]).sum(axis=-1)


def assert_matches(got, want, rtol=1e-12):
    # atol: a true 0 (one-column rows) that the dense matrix product leaves at an ulp of 1.
    assert got.shape == want.shape
    assert np.array_equal(np.isinf(got), np.isinf(want))
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=rtol, atol=1e-15)


def random_rows(rng, n, k, density, floor=0.0):
    a = rng.random((n, k)) * (rng.random((n, k)) < density)
    a[np.arange(n), rng.integers(0, k, n)] += 1.0  # no empty row
    return a + floor


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(5)
    X = random_rows(rng, 9, 40, 0.3)
    Y = random_rows(rng, 7, 40, 0.3)
    Yfull = random_rows(rng, 7, 40, 0.3, floor=0.01)  # every column: KL(X || Yfull) finite
    Xsub = X * (rng.random(X.shape) < 0.5)  # supports inside X's: KL(Xsub || X) finite
    Xsub[np.arange(9), X.argmax(axis=1)] = X.max(axis=1)
    return X, Y, Yfull, Xsub


@pytest.mark.parametrize("metric", ALL)
def test_x_against_y(rows, metric):
    X, Y, Yfull, Xsub = rows
    for a, b in ((X, Y), (X, Yfull), (Xsub, X), (Yfull, X)):
        assert_matches(pydiv.pairwise(sp.csr_array(a), sp.csr_array(b), metric=metric), reference(a, b, metric))


@pytest.mark.parametrize("metric", ALL)
def test_x_against_itself(rows, metric):
    X, _, _, Xsub = rows
    both = np.vstack([X, Xsub, 4.0 * X[:2]])  # a row repeated up to a power of two
    got = pydiv.pairwise(sp.csr_matrix(both), metric=metric)
    assert_matches(got, reference(both, None, metric))
    if metric != "cross_entropy":
        assert np.all(np.diag(got) == 0.0) and got[0, -2] == 0.0 and got[1, -1] == 0.0
    if metric in SYMMETRIC:
        assert np.array_equal(got, got.T)


def test_finite_kl_is_accurate_against_the_dense_path(rows):
    X, _, Yfull, Xsub = rows
    got = pydiv.pairwise(sp.csr_array(Xsub), sp.csr_array(Yfull), metric="kl")
    assert np.isfinite(got).all() and (got > 0).all()
    assert_matches(got, pydiv.pairwise(Xsub, Yfull, metric="kl"))
    inside = np.diag(pydiv.pairwise(sp.csr_array(Xsub), sp.csr_array(X), metric="kl"))  # supp Xsub_i in supp X_i
    assert np.isfinite(inside).all()
    assert_matches(inside, np.diag(pydiv.pairwise(Xsub, X, metric="kl")))


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "bsr"])
@pytest.mark.parametrize("kind", ["matrix", "array"])
def test_every_format(rows, fmt, kind):
    X, Y, _, _ = rows
    make = sp.csr_matrix if kind == "matrix" else sp.csr_array
    a, b = make(X).asformat(fmt), make(Y).asformat(fmt)
    for metric in ("js", "kl", "total_variation"):
        assert_matches(pydiv.pairwise(a, b, metric=metric), reference(X, Y, metric))


def test_unsorted_indices_duplicates_and_explicit_zeros(rows):
    X, Y, _, _ = rows
    coo = sp.coo_array(X)
    # Each value split in two duplicates, plus explicit zeros, in reversed order.
    r, c, v = coo.row, coo.col, coo.data
    zr, zc = np.nonzero(X == 0)
    rr = np.concatenate([r, r, zr])[::-1]
    cc = np.concatenate([c, c, zc])[::-1]
    vv = np.concatenate([0.25 * v, 0.75 * v, np.zeros(zr.size)])[::-1]
    messy = sp.coo_array((vv, (rr, cc)), shape=X.shape)
    csr = sp.csr_array(X)
    data, indices = csr.data.copy(), csr.indices.copy()
    for r in range(X.shape[0]):  # each row's stored values in reversed column order
        lo, hi = csr.indptr[r], csr.indptr[r + 1]
        data[lo:hi], indices[lo:hi] = data[lo:hi][::-1].copy(), indices[lo:hi][::-1].copy()
    unsorted = sp.csr_matrix((data, indices, csr.indptr.copy()), shape=X.shape)
    assert not unsorted.has_sorted_indices
    for a in (messy, messy.tocsr(), unsorted):
        for metric in ALL:
            assert_matches(pydiv.pairwise(a, sp.csr_array(Y), metric=metric), reference(X, Y, metric))


def test_disjoint_supports():
    X = sp.csr_array(np.array([[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 1.0]]))
    assert pydiv.pairwise(X, metric="kl")[0, 1] == math.inf
    assert pydiv.pairwise(X, metric="cross_entropy")[0, 1] == math.inf
    assert pydiv.pairwise(X, metric="js")[0, 1] == pytest.approx(math.log(2), rel=1e-15)
    assert pydiv.pairwise(X, metric="js", base=2)[0, 1] == pytest.approx(1.0, rel=1e-15)
    assert pydiv.pairwise(X, metric="hellinger")[0, 1] == pytest.approx(1.0, rel=1e-15)
    assert pydiv.pairwise(X, metric="total_variation")[0, 1] == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("metric", INFO)
def test_base(rows, metric):
    X, Y, _, _ = rows
    assert_matches(pydiv.pairwise(sp.csr_array(X), sp.csr_array(Y), metric=metric, base=2),
                   reference(X, Y, metric, base=2))


def test_mixed_sparse_and_dense(rows):
    X, Y, _, _ = rows
    assert_matches(pydiv.pairwise(sp.csr_array(X), Y, metric="js"), reference(X, Y, "js"))
    assert_matches(pydiv.pairwise(X, sp.csc_matrix(Y), metric="kl"), reference(X, Y, "kl"))


@pytest.mark.parametrize("metric", SYMMETRIC)
def test_condensed_and_out(rows, metric):
    X, _, _, _ = rows
    full = pydiv.pairwise(sp.csr_array(X), metric=metric)
    cond = pydiv.pairwise(sp.csr_array(X), metric=metric, condensed=True)
    iu = np.triu_indices(X.shape[0], 1)
    assert np.array_equal(cond, full[iu])
    out = np.empty((X.shape[0], X.shape[0]), dtype=np.float32)
    res = pydiv.pairwise(sp.csr_array(X), metric=metric, out=out)
    assert res is out and np.array_equal(out, full.astype(np.float32))
    assert pydiv.pairwise(sp.csr_array(X), metric=metric, dtype=np.float32).dtype == np.float32


def test_threads_bitwise_equal():
    rng = np.random.default_rng(1)
    X = sp.random(120, 3000, density=0.05, random_state=rng, format="csr")
    X = X + sp.csr_array((np.ones(120), (np.arange(120), np.zeros(120, int))), shape=X.shape)
    for metric in ("js", "kl", "hellinger"):
        one = pydiv.pairwise(X, metric=metric, n_jobs=1)
        two = pydiv.pairwise(X, metric=metric, n_jobs=2)
        assert np.array_equal(one, two, equal_nan=True)
    assert np.array_equal(pydiv.pairwise(X, metric="js", condensed=True, n_jobs=1),
                          pydiv.pairwise(X, metric="js", condensed=True, n_jobs=2))


def test_wide_low_density_matches_dense():
    X = sp.random(40, 20000, density=0.01, random_state=3, format="lil")
    Y = sp.random(30, 20000, density=0.01, random_state=4, format="lil")
    X[:, 7] = 1.0  # a shared column: some overlap beyond chance
    Y[:, 7] = 1.0
    X, Y = X.tocsr(), Y.tocsr()
    for metric in ("js", "jensenshannon", "cross_entropy", "total_variation"):
        assert_matches(pydiv.pairwise(X, Y, metric=metric), reference(X, Y, metric))


def test_near_identical_rows_keep_relative_accuracy():
    rng = np.random.default_rng(2)
    base = random_rows(rng, 1, 300, 0.2)
    rows = np.vstack([base, base * (1 + 1e-7 * (base > 0) * rng.standard_normal(base.shape))])
    got = pydiv.pairwise(sp.csr_array(rows), metric="js")[0, 1]
    assert got == pytest.approx(pydiv.pairwise(rows, metric="js")[0, 1], rel=1e-10)
    assert got == pytest.approx(pydiv.js_divergence(rows[0], rows[1]), rel=1e-12)
    kl = pydiv.pairwise(sp.csr_array(rows), metric="kl")[0, 1]
    assert kl == pytest.approx(pydiv.kl_divergence(rows[0], rows[1]), rel=1e-12)


@st.composite
def sparse_pairs(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 6))
    k = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.05, 0.2, 0.6, 1.0]))
    scale = draw(st.sampled_from([1e-200, 1e-5, 1.0, 1e5, 1e200]))
    rng = np.random.default_rng(seed)
    X = random_rows(rng, n, k, density) * scale
    Y = random_rows(rng, m, k, density)
    return X, Y


@settings(max_examples=60, deadline=None)
@given(sparse_pairs(), st.sampled_from(ALL))
def test_random_sparse_matrices(pair, metric):
    X, Y = pair
    assert_matches(pydiv.pairwise(sp.csr_array(X), sp.coo_matrix(Y), metric=metric), reference(X, Y, metric))
    if metric in SYMMETRIC:
        got = pydiv.pairwise(sp.csr_array(X), metric=metric)
        assert_matches(got, reference(X, None, metric))


@pytest.mark.parametrize("metric", ALL)
def test_merge_walk_and_column_table_give_the_same_bits(metric):
    from pydiv import _core
    from pydiv.pairwise.sparse_rows import SPARSE_METRICS, sparse_rows

    rng = np.random.default_rng(8)
    X = random_rows(rng, 12, 300, 0.1)
    X[3] = X[2] * (1 + 1e-9 * rng.random(300) * (X[2] > 0))  # near-identical pair
    xs, k = sparse_rows(sp.csr_array(X), "X")
    kind, take_sqrt, symmetric, _ = SPARSE_METRICS[metric]
    results = []
    for walk in (1, 2, 0):  # merge, table, automatic
        out = np.empty((12, 12))
        _core.sparse_pair_block(kind, xs, xs, k, 1.0, take_sqrt, walk, 0, 12, symmetric, False, out, 2)
        results.append(out)
    assert np.array_equal(results[0], results[1]) and np.array_equal(results[1], results[2])
    assert np.array_equal(results[2], pydiv.pairwise(sp.csr_array(X), metric=metric))


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_sparse_matrix_between_blocks():
    import subprocess
    import sys

    code = """
import os, signal, threading, time
import numpy as np, scipy.sparse as sp, pydiv
rng = np.random.default_rng(0)
cols = rng.integers(0, 50000, 4000 * 500)  # 500 per row (a few duplicates: summed)
X = sp.csr_array((rng.random(cols.size) + 0.5, cols, np.arange(0, cols.size + 1, 500)), shape=(4000, 50000))
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
start = time.perf_counter()
try:
    pydiv.pairwise(X, metric="js")
    print("finished", time.perf_counter() - start)
except KeyboardInterrupt:
    print("interrupted", time.perf_counter() - start)
print("next", pydiv.pairwise(sp.csr_array(np.eye(2)), metric="js", base=2)[0, 1])
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    assert "interrupted" in lines and float(lines["interrupted"]) < 2.5
    assert float(lines["next"]) == 1.0
