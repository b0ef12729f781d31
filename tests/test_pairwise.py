"""pydiv.pairwise against loops over the single-pair functions and scipy's cdist/pdist."""

import importlib
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import reference as ref
import scipy.spatial.distance as ssd
import scipy.stats as sst

import pydiv

rng = np.random.default_rng(11)


def histograms(n, k, zeros=0.2):
    h = rng.random((n, k))
    h[rng.random((n, k)) < zeros] = 0.0
    h[:, 0] += 0.1  # no empty rows
    return h


SINGLE = {
    "kl": pydiv.kl_divergence,
    "cross_entropy": pydiv.cross_entropy,
    "js": pydiv.js_divergence,
    "jensenshannon": pydiv.jensenshannon,
    "wasserstein": lambda a, b: sst.wasserstein_distance(np.arange(a.size), np.arange(b.size), a, b),
}


def loop(metric, X, Y):
    f = SINGLE[metric]
    return np.array([[f(a, b) for b in Y] for a in X])


# Every metric equals a loop over the single-pair function.
@pytest.mark.parametrize("metric", sorted(SINGLE))
def test_matches_loop(metric):
    X = histograms(23, 37)
    Y = histograms(19, 37)
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric=metric), loop(metric, X, Y), rtol=1e-12, atol=1e-14)


# jensenshannon has the values of scipy's cdist, and condensed mode pdist's order.
def test_matches_scipy():
    X = histograms(40, 16)
    Y = histograms(30, 16)
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric="jensenshannon"), ssd.cdist(X, Y, "jensenshannon"), atol=1e-14)
    np.testing.assert_allclose(
        pydiv.pairwise(X, metric="jensenshannon", condensed=True), ssd.pdist(X, "jensenshannon"), atol=1e-14
    )
    base2 = ssd.cdist(X, X, lambda a, b: ssd.jensenshannon(a, b, base=2))
    np.testing.assert_allclose(pydiv.pairwise(X, metric="jensenshannon", base=2), base2, atol=1e-14)


# Symmetric mode (Y=None) equals full mode, across row blocks, with a zero diagonal.
@pytest.mark.parametrize("metric", ["js", "jensenshannon", "wasserstein"])
def test_symmetric_equals_full(metric, monkeypatch):
    pw = importlib.import_module("pydiv.pairwise.blocks")

    monkeypatch.setattr(pw, "_PAIRS_PER_BLOCK_ELEMENTS", 7 * 50 * 20)  # several row blocks
    X = histograms(50, 20)
    sym = pydiv.pairwise(X, metric=metric)
    full = pydiv.pairwise(X, X.copy(), metric=metric)
    np.testing.assert_allclose(sym, full, rtol=1e-12, atol=1e-15)
    assert np.all(np.diag(sym) == 0.0)
    np.testing.assert_array_equal(sym, sym.T)
    np.testing.assert_allclose(ssd.squareform(pydiv.pairwise(X, metric=metric, condensed=True)), sym, rtol=1e-12, atol=1e-15)


# Near-identical rows: the fast pair kernel would cancel, so such pairs are
# recomputed by the accurate single-pair kernel on the rows as given (as in
# test_info), not on the rounded normalised rows.
@pytest.mark.parametrize("eps", [1e-2, 1e-3, 1e-5, 1e-8])
def test_js_near_identical(eps):
    rtol = 1e-13
    X = histograms(5, 33, zeros=0.0)
    Y = X * (1 + eps * rng.standard_normal(X.shape))
    want = np.array([[ref.js_divergence_decimal(a, b) for b in Y] for a in X])
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric="js"), want, rtol=rtol)


# Rows whose totals overflow, or whose normalised entries underflow, give
# the single-pair functions' values (no false inf, no rows of zeros).
@pytest.mark.parametrize("metric", sorted(SINGLE))
def test_extreme_rows(metric):
    X = np.array([[1.0, 1.0, 0.0], [1e300, 1e-300, 0.0], [1e308, 1e308, 1e308], [3.0, 1.0, 2.0], [0.0, 1e-310, 1.0]])
    # (scipy's W1 overflows on such weights; it is scale-free, so it gets rows scaled to max 1)
    want = loop(metric, X / X.max(axis=1, keepdims=True), X / X.max(axis=1, keepdims=True)) if metric == "wasserstein" else loop(metric, X, X)
    got = pydiv.pairwise(X, X.copy(), metric=metric)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-15)


# KL is inf exactly where the supports mismatch, and finite elsewhere.
def test_kl_inf_exactly_on_mismatch():
    X = histograms(30, 10, zeros=0.4)
    Y = histograms(25, 10, zeros=0.4)
    D = pydiv.pairwise(X, Y, metric="kl")
    mismatch = ((X[:, None, :] > 0) & (Y[None, :, :] == 0)).any(axis=2)
    np.testing.assert_array_equal(np.isinf(D), mismatch)
    assert np.isfinite(D[~mismatch]).all()
    assert np.all(np.diag(pydiv.pairwise(X, metric="kl")) == 0.0)


# float32 input, float32 output.
def test_float32():
    X = histograms(20, 30).astype(np.float32)
    D32 = pydiv.pairwise(X, metric="jensenshannon", dtype=np.float32)
    assert D32.dtype == np.float32
    np.testing.assert_allclose(D32, pydiv.pairwise(X.astype(np.float64), metric="jensenshannon"), rtol=1e-5, atol=1e-6)


# Threads give the same result as one thread.
def test_threads_agree():
    X = histograms(120, 64)
    one = pydiv.pairwise(X, metric="js", n_jobs=1)
    two = pydiv.pairwise(X, metric="js", n_jobs=2)
    np.testing.assert_array_equal(one, two)


# out= takes a memory-mapped file, written in row blocks.
def test_memmap_out(tmp_path, monkeypatch):
    pw = importlib.import_module("pydiv.pairwise.blocks")

    monkeypatch.setattr(pw, "_PAIRS_PER_BLOCK_ELEMENTS", 5 * 40 * 8)
    X = histograms(40, 8)
    mm = np.lib.format.open_memmap(tmp_path / "d.npy", mode="w+", dtype=np.float64, shape=(40, 40))
    got = pydiv.pairwise(X, metric="wasserstein", out=mm)
    assert got is mm
    mm.flush()
    np.testing.assert_allclose(np.load(tmp_path / "d.npy"), loop("wasserstein", X, X), rtol=1e-12, atol=1e-15)


# The W1 kernel works on tiles of rows against groups of four columns with a
# masked tail: shapes that fill none of them evenly, against cdist on the CDFs.
@pytest.mark.parametrize("n, m, k", [(1, 1, 1), (3, 5, 2), (9, 13, 17), (17, 33, 40), (41, 70, 9)])
def test_wasserstein_tile_shapes(n, m, k):
    X = histograms(n, k)
    Y = histograms(m, k)
    cx = np.cumsum(X / X.sum(axis=1, keepdims=True), axis=1)
    cy = np.cumsum(Y / Y.sum(axis=1, keepdims=True), axis=1)
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric="wasserstein"), ssd.cdist(cx, cy, "cityblock"), rtol=1e-12, atol=1e-15)
    x = np.cumsum(rng.random(k))
    want = ssd.cdist(cx[:, :-1], cy[:, :-1], "cityblock", w=np.diff(x)) if k > 1 else np.zeros((n, m))
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric="wasserstein", x=x), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        pydiv.pairwise(Y, metric="wasserstein", condensed=True), ssd.pdist(cy, "cityblock"), rtol=1e-12, atol=1e-15
    )


# A support x with uneven gaps weights the CDF differences.
def test_wasserstein_support():
    X = histograms(6, 5)
    x = np.array([0.0, 0.5, 2.0, 2.5, 10.0])
    want = np.array([[sst.wasserstein_distance(x, x, a, b) for b in X] for a in X])
    np.testing.assert_allclose(pydiv.pairwise(X, metric="wasserstein", x=x), want, rtol=1e-12, atol=1e-15)


def test_progress_plain(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # force the plain bar
    pydiv.pairwise(histograms(10, 4), metric="js", progress=True)
    assert "100.0%" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(metric="cosine"), ValueError, "unknown metric 'cosine'; choose one of kl, cross_entropy"),
        (dict(metric="js", Y=np.ones((3, 5))), ValueError, "same number of columns"),
        (dict(metric="js", X=np.ones(4)), ValueError, "X must be 2-D"),
        (dict(metric="js", X=-np.ones((2, 4))), ValueError, "X row 0 has negative"),
        (dict(metric="js", X=np.array([[1.0, np.nan]])), ValueError, "X row 0 contains NaN"),
        (dict(metric="js", Y=np.array([[1.0, 1, 1, 1], [0, 0, 0, 0]])), ValueError, "Y row 1 sums to zero"),
        (dict(metric="js", out=np.empty((2, 2))), ValueError, "out has shape"),
        (dict(metric="js", out=np.empty((3, 3), dtype=np.int64)), TypeError, "out must have dtype"),
        (dict(metric="js", out=np.empty((3, 3)).T.copy(order="F")), ValueError, "C-contiguous"),
        (dict(metric="js", n_jobs=0), ValueError, "n_jobs must be a positive integer or -1"),
        (dict(metric="kl", condensed=True), ValueError, "condensed output needs"),
        (dict(metric="wasserstein", x=[0, 2, 1, 3]), ValueError, "x must be sorted"),
        (dict(metric="js", base=1), ValueError, "base must be a positive"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = dict(X=np.ones((3, 4)))
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        pydiv.pairwise(args.pop("X"), args.pop("Y", None), **args)


# Ctrl-C stops a long matrix between row blocks, and the process carries on.
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_keyboard_interrupt():
    code = """
import os, signal, threading, time, numpy as np, pydiv
X = np.random.default_rng(0).random((6000, 256))
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t = time.perf_counter()
try:
    pydiv.pairwise(X, metric="js")
    print("finished")
except KeyboardInterrupt:
    print("interrupted", time.perf_counter() - t)
print(float(pydiv.js_divergence([1, 0], [0, 1], base=2)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out[0] == "interrupted" and float(out[1]) < 2.5
    assert out[-1] == "1.0"


def clouds(count, lo=3, hi=12, d=2):
    return [rng.random((int(rng.integers(lo, hi)), d)) for _ in range(count)]


# The emd metric equals wasserstein_nd pair by pair (weights, p, ground metrics).
@pytest.mark.parametrize("p, ground", [(1, "euclidean"), (2, "euclidean"), (1, "cityblock"), (1.5, "chebyshev")])
def test_emd_matches_wasserstein_nd(p, ground):
    A, B = clouds(9), clouds(7)
    wa = [rng.random(len(c)) for c in A]
    got = pydiv.pairwise(A, B, metric="emd", p=p, ground_metric=ground, x_weights=wa)
    want = np.array([[pydiv.wasserstein_nd(a, b, wx, None, p=p, metric=ground) for b in B] for a, wx in zip(A, wa)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


# Clouds near the ends of the float range are shifted and scaled by a power of
# two first, as wasserstein_nd does (costs would otherwise under- or overflow).
@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e-120])
@pytest.mark.parametrize("ground", ["euclidean", "cityblock", "chebyshev"])
def test_emd_extreme_coordinates(scale, ground):
    A = [c * scale for c in clouds(4)]
    want = np.array([[pydiv.wasserstein_nd(a, b, p=2, metric=ground) for b in A] for a in A])
    assert (want[~np.eye(4, dtype=bool)] > 0).all()
    np.testing.assert_allclose(pydiv.pairwise(A, metric="emd", p=2, ground_metric=ground), want, rtol=1e-12)
    np.testing.assert_allclose(pydiv.pairwise(A, [a.copy() for a in A], metric="emd", p=2, ground_metric=ground), want,
                               rtol=1e-12)


# Symmetric and condensed EMD matrices agree with the full one; 1-D clouds equal W1 from CDFs.
def test_emd_symmetric_and_1d(monkeypatch):
    A = clouds(12)
    full = pydiv.pairwise(A, [a.copy() for a in A], metric="emd")
    sym = pydiv.pairwise(A, metric="emd")
    np.testing.assert_allclose(sym, full, rtol=1e-12, atol=1e-14)
    assert np.all(np.diag(sym) == 0.0)
    np.testing.assert_allclose(ssd.squareform(pydiv.pairwise(A, metric="emd", condensed=True)), sym, atol=1e-14)
    lines = [rng.random(int(rng.integers(2, 9))) for _ in range(5)]
    want = np.array([[sst.wasserstein_distance(a, b) for b in lines] for a in lines])
    np.testing.assert_allclose(pydiv.pairwise(lines, metric="emd"), want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(ground_metric="cosine"), ValueError, "ground_metric must be one of"),
        (dict(p=0.5), ValueError, "p must be"),
        (dict(x_weights=[np.ones(3)]), ValueError, "x_weights has 1 entries but X has 3 clouds"),
        (dict(x_weights=[np.ones(3), -np.ones(4), np.ones(5)]), ValueError, r"x_weights\[1\] has negative"),
        (dict(Y=[np.ones((3, 3))]), ValueError, "different dimensions"),
    ],
)
def test_emd_bad_input(kwargs, exc, match):
    A = [rng.random((3, 2)), rng.random((4, 2)), rng.random((5, 2))]
    with pytest.raises(exc, match=match):
        pydiv.pairwise(A, kwargs.pop("Y", None), metric="emd", **kwargs)


# Shared-support W_p for p != 1 equals wasserstein_hist pair by pair.
@pytest.mark.parametrize("p", [1.5, 2, 3])
def test_wasserstein_hist_order(p):
    X, Y = histograms(8, 9), histograms(6, 9)
    x = np.cumsum(rng.random(9))
    want = np.array([[pydiv.wasserstein_hist(a, b, x, order=p) for b in Y] for a in X])
    np.testing.assert_allclose(pydiv.pairwise(X, Y, metric="wasserstein", x=x, p=p), want, rtol=1e-12, atol=1e-15)


# Samples: equal-size rows, ragged lists and weights, against wasserstein_1d.
@pytest.mark.parametrize("p", [1, 2, 2.5])
def test_wasserstein_samples(p):
    U = rng.normal(size=(9, 40))
    V = rng.normal(1.0, 2.0, size=(7, 40))
    want = np.array([[pydiv.wasserstein_1d(u, v, p=p) for v in V] for u in U])
    np.testing.assert_allclose(pydiv.pairwise(U, V, metric="wasserstein_samples", p=p), want, rtol=1e-12, atol=1e-15)
    ragged = [rng.normal(size=int(rng.integers(1, 30))) for _ in range(8)]
    wts = [rng.random(r.size) for r in ragged]
    want = np.array([[pydiv.wasserstein_1d(a, b, wa, wb, p=p) for b, wb in zip(ragged, wts)] for a, wa in zip(ragged, wts)])
    got = pydiv.pairwise(ragged, metric="wasserstein_samples", p=p, x_weights=wts)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        ssd.squareform(pydiv.pairwise(ragged, metric="wasserstein_samples", p=p, x_weights=wts, condensed=True)),
        got, rtol=1e-12, atol=1e-14,
    )


def test_wasserstein_samples_bad_input():
    with pytest.raises(ValueError, match=r"X\[1\] contains NaN"):
        pydiv.pairwise([np.ones(3), np.array([1.0, np.nan])], metric="wasserstein_samples")
    with pytest.raises(ValueError, match=r"X\[0\] is empty"):
        pydiv.pairwise([np.ones(0)], metric="wasserstein_samples")
    with pytest.raises(ValueError, match="p must be"):
        pydiv.pairwise(np.ones((2, 3)), metric="wasserstein_samples", p=0.5)


def test_more_bad_arguments():
    with pytest.raises(TypeError, match="x_weights must be a sequence of weight vectors"):
        pydiv.pairwise([np.ones((2, 2))], metric="emd", x_weights=5)
    with pytest.raises(ValueError, match="base must be greater than 1 for a distance"):
        pydiv.pairwise(np.ones((2, 2)), metric="jensenshannon", base=0.5)
    np.testing.assert_array_equal(pydiv.pairwise(np.ones((3, 2)), metric="js", n_jobs=2**40), np.zeros((3, 3)))
