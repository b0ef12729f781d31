"""The axis option of wasserstein_1d and energy_distance: samples along an axis of a table."""

import numpy as np
import pytest
import scipy.stats

import pydiv


def tables(seed, n=60, m=45, f=7):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, f)), rng.normal(0.4, 1.3, size=(m, f)), rng.random((n, f)), rng.random((m, f))


@pytest.mark.parametrize("name", ["wasserstein_1d", "energy_distance"])
def test_axis0_equals_columns_and_transposes(name):
    fn = getattr(pydiv, name)
    u, v, uw, vw = tables(1)
    got = fn(u, v, axis=0)
    assert got.shape == (u.shape[1],)
    per_column = np.array([fn(u[:, j], v[:, j]) for j in range(u.shape[1])])
    np.testing.assert_array_equal(got, fn(np.ascontiguousarray(u.T), np.ascontiguousarray(v.T)))
    np.testing.assert_allclose(got, per_column, rtol=1e-14, atol=0)
    weighted = fn(u, v, uw, vw, axis=0)
    np.testing.assert_array_equal(weighted, fn(*(np.ascontiguousarray(x.T) for x in (u, v, uw, vw))))
    ref = getattr(scipy.stats, "wasserstein_distance" if name == "wasserstein_1d" else name)
    for j in range(u.shape[1]):
        np.testing.assert_allclose(got[j], ref(u[:, j], v[:, j]), rtol=1e-12)
        np.testing.assert_allclose(weighted[j], ref(u[:, j], v[:, j], uw[:, j], vw[:, j]), rtol=1e-12)


def test_axis_last_and_none_are_the_row_path():
    u, v, _, _ = tables(2)
    rows = pydiv.wasserstein_1d(u, u[::-1])
    for axis in (1, -1):
        np.testing.assert_array_equal(pydiv.wasserstein_1d(u, u[::-1], axis=axis), pydiv.wasserstein_1d(u, u[::-1]))
    assert rows.shape == (u.shape[0],)
    ut, vt = np.ascontiguousarray(u.T), np.ascontiguousarray(v.T)
    np.testing.assert_array_equal(pydiv.wasserstein_1d(ut, vt, axis=None), pydiv.wasserstein_1d(u, v, axis=0))
    np.testing.assert_array_equal(pydiv.wasserstein_1d(ut, vt, axis=-1), pydiv.wasserstein_1d(u, v, axis=0))


def test_axis0_with_p_and_sorted_and_one_sample():
    u, v, _, _ = tables(3)
    got = pydiv.wasserstein_1d(u, v, p=2.5, axis=0)
    per_column = np.array([pydiv.wasserstein_1d(u[:, j], v[:, j], p=2.5) for j in range(u.shape[1])])
    np.testing.assert_allclose(got, per_column, rtol=1e-13)
    us, vs = np.sort(u, axis=0), np.sort(v, axis=0)
    np.testing.assert_array_equal(pydiv.energy_distance(us, vs, sorted=True, axis=0), pydiv.energy_distance(u, v, axis=0))
    # A 1-D sample against every column of a table.
    one = v[:, 0]
    np.testing.assert_allclose(
        pydiv.wasserstein_1d(one, u, axis=0),
        [scipy.stats.wasserstein_distance(one, u[:, j]) for j in range(u.shape[1])], rtol=1e-12)


def test_axis0_on_lists():
    u = [[0.0, 10.0], [1.0, 20.0], [3.0, 30.0]]
    v = [[5.0, 10.0], [6.0, 20.0]]
    np.testing.assert_allclose(pydiv.wasserstein_1d(u, v, axis=0),
                               [scipy.stats.wasserstein_distance([0, 1, 3], [5, 6]),
                                scipy.stats.wasserstein_distance([10, 20, 30], [10, 20])], rtol=1e-12)


@pytest.mark.parametrize("name", ["wasserstein_1d", "energy_distance"])
def test_transposed_view_input(name):
    # An F-ordered table: its moved axis is a non-contiguous view, copied to C-ordered rows.
    fn = getattr(pydiv, name)
    u, v, _, _ = tables(5)
    uf, vf = np.asfortranarray(u), np.asfortranarray(v)
    np.testing.assert_array_equal(fn(uf, vf, axis=0), fn(u, v, axis=0))


@pytest.mark.parametrize("name", ["wasserstein_1d", "energy_distance"])
def test_bad_axis_named(name):
    fn = getattr(pydiv, name)
    u, v, _, _ = tables(4)
    with pytest.raises(ValueError, match="axis"):
        fn(u, v, axis=2)
    with pytest.raises(ValueError, match="axis"):
        fn(u, v, axis=-3)
    with pytest.raises(ValueError, match="axis"):
        fn(u[:, 0], v[:, 0], axis=1)
    with pytest.raises(TypeError, match="axis"):
        fn(u, v, axis=0.0)
    with pytest.raises(TypeError, match="axis"):
        fn(u, v, axis=True)
    with pytest.raises(ValueError, match="u_weights|v_weights|shape"):
        fn(u, v, np.ones((u.shape[0], 2)), None, axis=0)
