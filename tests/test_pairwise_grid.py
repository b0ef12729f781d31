"""pairwise(metric="emd_grid"): every entry is emd_grid of the normalised pair, on 1-D to 3-D grids.

References: pydiv.emd_grid on each pair (bitwise), and POT's dense exact EMD
on the cells' coordinates (an independent solver on the n^2 costs).
"""

import numpy as np
import pytest
import scipy.spatial.distance as ssd

import pydiv
from pydiv.pairwise import blocks, grid_metrics

ot = pytest.importorskip("ot")

rng = np.random.default_rng(41)
GROUND = ["cityblock", "chebyshev", "sqeuclidean"]
SHAPES = [(9,), (4, 5), (3, 2, 3)]


def _spacing(shape, ground):
    # Unequal spacings per axis, except for chebyshev, whose grid graph needs one.
    return 0.7 if ground == "chebyshev" else [0.5 + 0.4 * k for k in range(len(shape))]


def _grids(n, shape):
    G = rng.random((n, *shape)) * rng.uniform(0.5, 3.0, size=(n,) + (1,) * len(shape))  # unnormalised rows
    G[(0,) * (1 + len(shape))] = 0.0  # a zero cell
    return G


def _entry(a, b, ground, spacing):
    cost = pydiv.emd_grid(a, b, metric=ground, spacing=spacing, normalize=True).cost
    return np.sqrt(cost) if ground == "sqeuclidean" else cost


def _reference(X, Y, ground, spacing):
    return np.array([[_entry(a, b, ground, spacing) for b in Y] for a in X])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ground", GROUND)
def test_entries_are_emd_grid_of_the_normalised_pairs(shape, ground):
    X, Y = _grids(5, shape), _grids(3, shape)
    spacing = _spacing(shape, ground)
    want = _reference(X, Y, ground, spacing)
    got = pydiv.pairwise(X, Y, metric="emd_grid", ground_metric=ground, spacing=spacing)
    np.testing.assert_array_equal(got, want)
    D = pydiv.pairwise(X, metric="emd_grid", ground_metric=ground, spacing=spacing)
    self_ref = _reference(X, X, ground, spacing)
    upper = np.triu_indices(5, 1)
    np.testing.assert_array_equal(D[upper], self_ref[upper])  # the computed triangle, bitwise
    np.testing.assert_allclose(D, self_ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(D, D.T)
    assert (np.diag(D) == 0).all()
    np.testing.assert_array_equal(
        pydiv.pairwise(X, metric="emd_grid", ground_metric=ground, spacing=spacing, condensed=True),
        ssd.squareform(D, checks=False))


@pytest.mark.parametrize("ground", GROUND)
def test_matches_dense_exact_emd_of_pot(ground):
    shape, spacing = (3, 4), ([0.5, 1.25] if ground != "chebyshev" else 1.5)
    X, Y = _grids(3, shape), _grids(2, shape)
    cells = np.stack(np.unravel_index(np.arange(12), shape), axis=1) * np.asarray(spacing, dtype=float)
    scipy_name = {"cityblock": "cityblock", "chebyshev": "chebyshev", "sqeuclidean": "sqeuclidean"}[ground]
    M = ssd.cdist(cells, cells, scipy_name)
    P = X.reshape(3, -1) / X.reshape(3, -1).sum(axis=1, keepdims=True)
    Q = Y.reshape(2, -1) / Y.reshape(2, -1).sum(axis=1, keepdims=True)
    want = np.array([[ot.emd2(p, q, M) for q in Q] for p in P])
    if ground == "sqeuclidean":
        want = np.sqrt(want)
    got = pydiv.pairwise(X, Y, metric="emd_grid", ground_metric=ground, spacing=spacing)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_defaults_cityblock_unit_spacing_and_known_values():
    images = np.zeros((3, 3, 3))
    images[0, 0, 0] = images[1, 2, 1] = 2.0  # unnormalised: scaled to total 1
    images[2, 1, 1] = 5.0
    D = pydiv.pairwise(images, metric="emd_grid")
    np.testing.assert_array_equal(D, [[0, 3, 2], [3, 0, 1], [2, 1, 0]])
    np.testing.assert_array_equal(pydiv.pairwise(images, metric="emd_grid", ground_metric="sqeuclidean"),
                                  np.sqrt([[0, 5, 2], [5, 0, 1], [2, 1, 0]]))
    np.testing.assert_array_equal(pydiv.pairwise(images, metric="emd_grid", ground_metric="chebyshev", spacing=2.0),
                                  [[0, 4, 2], [4, 0, 2], [2, 2, 0]])


def test_threads_out_and_identical_rows():
    X, Y = _grids(6, (4, 4)), _grids(4, (4, 4))
    X[4] = 8.0 * X[1]  # the same distribution as row 1
    D1 = pydiv.pairwise(X, metric="emd_grid", n_jobs=1)
    np.testing.assert_array_equal(pydiv.pairwise(X, metric="emd_grid", n_jobs=2), D1)
    np.testing.assert_array_equal(pydiv.pairwise(X, Y, metric="emd_grid", n_jobs=2),
                                  pydiv.pairwise(X, Y, metric="emd_grid", n_jobs=1))
    assert D1[1, 4] == 0.0 and D1[4, 1] == 0.0 and D1[0, 1] > 0
    assert pydiv.pairwise(X, X, metric="emd_grid")[4, 1] == 0.0
    out = np.full((6, 4), np.nan)
    assert pydiv.pairwise(X, Y, metric="emd_grid", out=out) is out
    np.testing.assert_array_equal(out, pydiv.pairwise(X, Y, metric="emd_grid"))
    out32 = np.empty(15, dtype=np.float32)
    got = pydiv.pairwise(X, metric="emd_grid", condensed=True, out=out32)
    assert got is out32
    np.testing.assert_array_equal(out32, ssd.squareform(D1, checks=False).astype(np.float32))


def test_many_blocks_and_split_kernel_calls(monkeypatch):
    # Row blocks of one row and kernel calls of 16 pairs at most: the same matrix.
    X, Y = _grids(9, (2, 3, 2)), _grids(5, (2, 3, 2))
    full, cond, cross = (pydiv.pairwise(X, metric="emd_grid"), pydiv.pairwise(X, metric="emd_grid", condensed=True),
                         pydiv.pairwise(X, Y, metric="emd_grid"))
    monkeypatch.setattr(blocks, "_PAIRS_PER_BLOCK_ELEMENTS", 1)
    monkeypatch.setattr(grid_metrics, "MAX_STACK_CELLS", 16 * 12)
    np.testing.assert_array_equal(pydiv.pairwise(X, metric="emd_grid", n_jobs=1), full)
    np.testing.assert_array_equal(pydiv.pairwise(X, metric="emd_grid", condensed=True), cond)
    np.testing.assert_array_equal(pydiv.pairwise(X, Y, metric="emd_grid"), cross)


def test_empty_and_single_row():
    assert pydiv.pairwise(np.empty((0, 3, 3)), metric="emd_grid").shape == (0, 0)
    assert pydiv.pairwise(np.ones((1, 4)), metric="emd_grid", condensed=True).shape == (0,)
    assert pydiv.pairwise(np.empty((0, 4)), np.ones((2, 4)), metric="emd_grid").shape == (0, 2)


def test_dask_matches_in_memory():
    da = pytest.importorskip("dask.array")
    import pydiv.dask

    X, Y = _grids(7, (3, 4)), _grids(4, (3, 4))
    kw = dict(metric="emd_grid", ground_metric="sqeuclidean", spacing=[1.0, 0.5])
    want = pydiv.pairwise(X, **kw)
    np.testing.assert_array_equal(pydiv.dask.pairwise(X, chunks=3, **kw).compute(scheduler="sync"), want)
    np.testing.assert_array_equal(pydiv.dask.pairwise(X, chunks=3, condensed=True, **kw).compute(scheduler="sync"),
                                  pydiv.pairwise(X, condensed=True, **kw))
    lazy = da.from_array(X, chunks=(2, 3, 2))  # chunks across the grid's axes too
    np.testing.assert_array_equal(pydiv.dask.pairwise(lazy, Y, **kw).compute(scheduler="sync"),
                                  pydiv.pairwise(X, Y, **kw))
    with pytest.raises(ValueError, match="spacing must be a number or a sequence of 2"):
        pydiv.dask.pairwise(X, metric="emd_grid", spacing=[1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.ones((3, 2, 3)), np.ones((2, 3, 2))), {}, ValueError, r"X and Y must hold grids of one shape, got grid "
                                                                   r"shapes \(2, 3\) and \(3, 2\)"),
        ((np.ones((3, 6)), np.ones((2, 2, 3))), {}, ValueError, "X and Y must hold grids of one shape"),
        ((np.ones((3, 4)),), dict(ground_metric="euclidean"), ValueError, "ground_metric must be one of 'cityblock'"),
        ((np.ones((3, 4)),), dict(ground_metric=1), ValueError, "ground_metric must be one of"),
        ((np.ones((3, 4)),), dict(p=2), ValueError, "p is not used by metric 'emd_grid'"),
        ((np.ones((3, 2, 2)),), dict(spacing=[1.0, 2.0, 3.0]), ValueError, "spacing must be a number or a sequence of 2"),
        ((np.ones((3, 4)),), dict(spacing=-1.0), ValueError, "spacing must be positive and finite"),
        ((np.ones((3, 4)),), dict(spacing="wide"), TypeError, "spacing must be a positive number"),
        ((np.ones((3, 2, 2)),), dict(ground_metric="chebyshev", spacing=[1.0, 2.0]), ValueError,
         "needs one spacing for every axis"),
        ((np.ones(4),), {}, ValueError, r"X must have shape \(n, \*grid\) with a grid of 1 to 3 axes, got 1-D"),
        ((np.ones((2, 2, 2, 2, 2)),), {}, ValueError, "X must have shape .* got 5-D"),
        ((np.ones((2, 3, 0)),), {}, ValueError, "the grids of X must not be empty"),
        ((np.ones((2, 3)), np.ones((1, 3)) * np.nan), {}, ValueError, "Y row 0 contains NaN or infinite"),
        ((np.array([[1.0, 2.0], [1.0, np.inf]]),), {}, ValueError, "X row 1 contains NaN or infinite"),
        ((np.array([[[1.0, 2.0]], [[0.0, 0.0]]]),), {}, ValueError, "X row 1 sums to zero"),
        ((np.ones((2, 3)), [["a", "b", "c"]]), {}, TypeError, "Y must be a numeric array-like"),
    ],
)
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        pydiv.pairwise(*args, metric="emd_grid", **kwargs)


def test_negative_entries_name_the_row():
    X = np.ones((4, 2, 3))
    X[2, 1, 0] = -0.5
    with pytest.raises(ValueError, match="X row 2 has negative entries"):
        pydiv.pairwise(X, metric="emd_grid")
    with pytest.raises(ValueError, match="Y row 2 has negative entries"):
        pydiv.pairwise(np.ones((1, 2, 3)), X, metric="emd_grid")


@pytest.mark.parametrize("metric", ["js", "wasserstein", "emd", "gaussian"])
def test_spacing_is_refused_by_the_other_metrics(metric):
    X = np.ones((2, 3)) if metric in ("js", "wasserstein") else [np.ones((2, 2)), np.zeros((3, 2))]
    with pytest.raises(ValueError, match=f"spacing is not used by metric '{metric}'"):
        pydiv.pairwise(X, metric=metric, spacing=1.0)


def test_input_forms_float32_lists_and_integers():
    X = _grids(4, (3, 3))
    X32 = X.astype(np.float32)
    want = pydiv.pairwise(X32.astype(np.float64), metric="emd_grid")
    np.testing.assert_array_equal(pydiv.pairwise(X32, metric="emd_grid"), want)
    np.testing.assert_array_equal(pydiv.pairwise(list(X32), metric="emd_grid"), want)
    counts = rng.integers(0, 5, size=(3, 6))
    counts[:, 0] += 1  # no zero row
    np.testing.assert_array_equal(pydiv.pairwise(counts, metric="emd_grid"),
                                  pydiv.pairwise(counts.astype(float), metric="emd_grid"))
    # In 1-D, cityblock is the 1-D Wasserstein distance of the histograms.
    np.testing.assert_allclose(pydiv.pairwise(counts, metric="emd_grid", spacing=0.5),
                               pydiv.pairwise(counts, metric="wasserstein", x=0.5 * np.arange(6)), rtol=1e-12, atol=1e-15)


def test_chebyshev_with_unequal_spacing_names_ground_metric():
    X = np.ones((3, 4, 4))
    with pytest.raises(ValueError, match="ground_metric='chebyshev' needs one spacing"):
        pydiv.pairwise(X, metric="emd_grid", ground_metric="chebyshev", spacing=(1.0, 2.0))
