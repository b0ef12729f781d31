"""pydiv.histogram against numpy.histogram / numpy.quantile column by column."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pydiv


def reference(a, b, bins, range_=None):
    """Per column: numpy's shared edges and both histograms."""
    ca, cb, ee = [], [], []
    for j in range(a.shape[1]):
        edges = np.histogram_bin_edges(np.concatenate([a[:, j], b[:, j]]), bins, range_)
        ca.append(np.histogram(a[:, j], edges)[0])
        cb.append(np.histogram(b[:, j], edges)[0])
        ee.append(edges)
    return np.array(ca, float), np.array(cb, float), np.array(ee)


@pytest.mark.parametrize("bins", [1, 7, 30])
@pytest.mark.parametrize("range_", [None, (-0.5, 1.25)])
def test_int_bins_match_numpy(bins, range_):
    rng = np.random.default_rng(bins)
    a = rng.normal(size=(500, 19))
    b = rng.normal(0.3, 1.5, size=(300, 19))
    h = pydiv.histogram(a, b, bins=bins, range=range_)
    ca, cb, ee = reference(a, b, bins, range_)
    np.testing.assert_array_equal(h.edges, ee)
    np.testing.assert_array_equal(h.counts_a, ca)
    np.testing.assert_array_equal(h.counts_b, cb)
    assert h.counts_a.shape == (19, bins) and h.edges.shape == (19, bins + 1)
    assert h.counts_a.dtype == np.float64


def test_values_on_uniform_edges():
    # Every value is (close to) an edge: the arithmetic index must be corrected to numpy's.
    edges = np.linspace(-3.0, 7.0, 51)
    a = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])[:, None]
    b = np.array([0.1, 6.9])[:, None]
    h = pydiv.histogram(a, b, bins=50, range=(-3.0, 7.0))
    ca, cb, ee = reference(a, b, 50, (-3.0, 7.0))
    np.testing.assert_array_equal(h.edges, ee)
    np.testing.assert_array_equal(h.counts_a, ca)
    np.testing.assert_array_equal(h.counts_b, cb)
    # Outside the range nothing is counted.
    assert h.counts_a.sum() == a.size - 2


def test_awkward_uniform_edges_bitwise():
    rng = np.random.default_rng(5)
    for _ in range(20):
        lo, width = rng.uniform(-1e3, 1e3), 10.0 ** rng.uniform(-6, 4)
        bins = int(rng.integers(1, 200))
        e = np.linspace(lo, lo + width, bins + 1)
        a = np.concatenate([e, rng.uniform(lo, lo + width, 300)])[:, None]
        b = e[::3, None].copy()
        h = pydiv.histogram(a, b, bins=bins)
        ca, cb, ee = reference(a, b, bins)
        np.testing.assert_array_equal(h.edges, ee)
        np.testing.assert_array_equal(h.counts_a, ca)
        np.testing.assert_array_equal(h.counts_b, cb)


def test_explicit_edges_and_1d():
    rng = np.random.default_rng(1)
    edges = np.array([-2.0, -0.5, 0.0, 0.25, 1.0, 3.0])
    a = np.concatenate([rng.normal(size=400), edges, [-5.0, 5.0]])
    b = rng.normal(size=100)
    h = pydiv.histogram(a, b, bins=edges)
    assert h.counts_a.shape == (5,) and h.edges.shape == (6,)
    np.testing.assert_array_equal(h.edges, edges)
    np.testing.assert_array_equal(h.counts_a, np.histogram(a, edges)[0])
    np.testing.assert_array_equal(h.counts_b, np.histogram(b, edges)[0])


def test_strided_and_fortran_tables():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(200, 30))
    b = np.asfortranarray(rng.normal(size=(90, 15)))
    h = pydiv.histogram(a[:, ::2], b, bins=12)
    ca, cb, ee = reference(a[:, ::2], b, 12)
    np.testing.assert_array_equal(h.counts_a, ca)
    np.testing.assert_array_equal(h.counts_b, cb)
    np.testing.assert_array_equal(h.edges, ee)


def test_integer_input():
    a = np.arange(20).reshape(10, 2)
    b = np.arange(6).reshape(3, 2)
    h = pydiv.histogram(a, b, bins=4)
    ca, cb, _ = reference(a.astype(float), b.astype(float), 4)
    np.testing.assert_array_equal(h.counts_a, ca)
    np.testing.assert_array_equal(h.counts_b, cb)


@pytest.mark.parametrize("k", [1, 4, 10, 33])
def test_quantile_edges_match_numpy(k):
    rng = np.random.default_rng(k)
    a = rng.gamma(2.0, size=(777, 9))
    b = rng.gamma(2.5, size=(123, 9))
    h = pydiv.histogram(a, b, bins=("quantile", k))
    for j in range(9):
        q = np.quantile(a[:, j], np.linspace(0, 1, k + 1))
        q[0] = min(a[:, j].min(), b[:, j].min())
        q[-1] = max(a[:, j].max(), b[:, j].max())
        np.testing.assert_array_equal(h.edges[j], q)
        np.testing.assert_array_equal(h.counts_a[j], np.histogram(a[:, j], q)[0])
        np.testing.assert_array_equal(h.counts_b[j], np.histogram(b[:, j], q)[0])


def test_quantile_default_and_ties_padded():
    a = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    b = np.array([-1.0, 5.0])
    h = pydiv.histogram(a, b, bins="quantile")
    q = np.quantile(a, np.linspace(0, 1, 11))
    q[0], q[-1] = -1.0, 5.0  # widened first, then the ties collapsed
    q = np.unique(q)
    m = q.size - 1
    assert m < 10
    np.testing.assert_array_equal(h.edges[: m + 1], q)
    np.testing.assert_array_equal(h.edges[m:], np.full(11 - m, q[-1]))
    np.testing.assert_array_equal(h.counts_a[:m], np.histogram(a, q)[0])
    np.testing.assert_array_equal(h.counts_b[:m], np.histogram(b, q)[0])
    np.testing.assert_array_equal(h.counts_a[m:], 0.0)
    assert h.counts_a.sum() == a.size and h.counts_b.sum() == b.size


def test_nan_policy():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(50, 5))
    b = rng.normal(size=(40, 5))
    a[7, 3] = np.nan
    with pytest.raises(ValueError, match="column 3.*NaN"):
        pydiv.histogram(a, b)
    h = pydiv.histogram(a, b, bins=6, nan_policy="omit")
    keep = ~np.isnan(a[:, 3])
    edges = np.histogram_bin_edges(np.concatenate([a[keep, 3], b[:, 3]]), 6)
    np.testing.assert_array_equal(h.edges[3], edges)
    np.testing.assert_array_equal(h.counts_a[3], np.histogram(a[keep, 3], edges)[0])
    assert h.counts_a[3].sum() == 49 and h.counts_a[2].sum() == 50
    hq = pydiv.histogram(a, b, bins=("quantile", 5), nan_policy="omit")
    q = np.nanquantile(a[:, 3], np.linspace(0, 1, 6))
    np.testing.assert_array_equal(hq.edges[3, 1:-1], q[1:-1])


def test_infinite_values_named():
    a = np.zeros((5, 4))
    b = np.ones((3, 4))
    b[1, 2] = np.inf
    with pytest.raises(ValueError, match="samples_b: column 2.*infinite"):
        pydiv.histogram(a, b, nan_policy="omit")


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"bins": 0}, ValueError, "bins"),
    ({"bins": -3}, ValueError, "bins"),
    ({"bins": 2.5}, TypeError, "bins"),
    ({"bins": True}, TypeError, "bins"),
    ({"bins": "stone"}, ValueError, "bins"),
    ({"bins": "Auto"}, ValueError, "bins"),
    ({"range": (0.0, 1.0), "bins": [0.0, 1.0]}, ValueError, "range"),
    ({"bins": ("quantile", 0)}, ValueError, "bins"),
    ({"bins": [0.0, 1.0, 1.0]}, ValueError, "increasing"),
    ({"bins": [2.0, 1.0]}, ValueError, "increasing"),
    ({"bins": [1.0]}, ValueError, "bins"),
    ({"bins": [[0.0, 1.0]]}, ValueError, "bins"),
    ({"range": (1.0, 1.0)}, ValueError, "range"),
    ({"range": (2.0, 1.0)}, ValueError, "range"),
    ({"range": (0.0, np.inf)}, ValueError, "range"),
    ({"range": "ab"}, TypeError, "range"),
    ({"range": (0.0, 1.0), "bins": "quantile"}, ValueError, "range"),
    ({"nan_policy": "propagate"}, ValueError, "nan_policy"),
])
def test_bad_options_named(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        pydiv.histogram(np.zeros((4, 2)), np.ones((3, 2)), **kwargs)


def test_bad_samples_named():
    with pytest.raises(ValueError, match="samples_a.*empty"):
        pydiv.histogram(np.zeros((0, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="samples_b.*empty"):
        pydiv.histogram([1.0], [])
    with pytest.raises(ValueError, match="features"):
        pydiv.histogram(np.zeros((4, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="features"):
        pydiv.histogram(np.zeros(4), np.ones((3, 3)))
    with pytest.raises(TypeError, match="samples_a"):
        pydiv.histogram(np.array(["x", "y"]), [1.0])
    with pytest.raises(TypeError, match="samples_b"):
        pydiv.histogram([1.0], np.array([1 + 2j]))
    with pytest.raises(ValueError, match="samples_a"):
        pydiv.histogram(np.zeros((2, 2, 2)), np.ones((3, 2)))


def test_result_is_frozen():
    h = pydiv.histogram([0.0, 1.0], [0.5])
    with pytest.raises(AttributeError):
        h.edges = None  # type: ignore[misc]


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=hnp.arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 4)), elements=finite),
       nb=st.integers(1, 30), bins=st.integers(1, 25), quant=st.booleans())
def test_counts_sum_to_n(a, nb, bins, quant):
    b = a[:1].repeat(nb, axis=0) * 0.5 + 1.0
    h = pydiv.histogram(a, b, bins=("quantile", bins) if quant else bins)
    np.testing.assert_array_equal(h.counts_a.sum(axis=1), a.shape[0])
    np.testing.assert_array_equal(h.counts_b.sum(axis=1), nb)
    assert np.all(np.diff(h.edges, axis=1) >= 0)
    if not quant:
        ca, cb, ee = reference(a, b, bins)
        np.testing.assert_array_equal(h.counts_a, ca)
        np.testing.assert_array_equal(h.edges, ee)
