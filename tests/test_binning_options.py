"""pydiv.histogram's bin-count rules, axis= and weights= against numpy
(histogram_bin_edges on the pooled column, histogram(weights=)) column by column."""

import numpy as np
import pytest

import pydiv

RULES = ["auto", "fd", "sturges", "sqrt", "doane", "scott", "rice"]


def numpy_rule_edges(a, b, rule, range_=None):
    return [np.histogram_bin_edges(np.concatenate([a[:, j], b[:, j]]), rule, range_) for j in range(a.shape[1])]


def check_padded(h, a, b, expected):
    """Column j: numpy's edges first, then its last edge repeated; counts zero there."""
    width = max(e.size for e in expected) - 1
    assert h.counts_a.shape == h.counts_b.shape == (a.shape[1], width)
    assert h.edges.shape == (a.shape[1], width + 1)
    for j, e in enumerate(expected):
        k = e.size - 1
        assert h.column_bins[j] == k
        np.testing.assert_allclose(h.edges[j, : k + 1], e, rtol=1e-12, atol=0)
        np.testing.assert_array_equal(h.edges[j, k:], e[-1])
        np.testing.assert_array_equal(h.counts_a[j, :k], np.histogram(a[:, j], h.edges[j, : k + 1])[0])
        np.testing.assert_array_equal(h.counts_b[j, :k], np.histogram(b[:, j], h.edges[j, : k + 1])[0])
        np.testing.assert_array_equal(h.counts_a[j, k:], 0.0)
        np.testing.assert_array_equal(h.counts_b[j, k:], 0.0)


def tables(seed):
    rng = np.random.default_rng(seed)
    a = np.column_stack([rng.normal(size=700), rng.standard_t(2, size=700), rng.gamma(0.5, size=700),
                         rng.integers(0, 5, 700).astype(float), np.full(700, 3.0), rng.uniform(-1, 1, 700)])
    b = np.column_stack([rng.normal(1, 2, size=250), rng.standard_t(4, size=250), rng.gamma(2.0, size=250),
                         rng.integers(0, 9, 250).astype(float), np.full(250, 3.0), rng.uniform(0, 3, 250)])
    return a, b


@pytest.mark.parametrize("rule", ["fd", "sturges", "sqrt", "doane", "scott", "rice"]
                         + (["auto"] if np.lib.NumpyVersion(np.__version__) >= "2.3.0" else []))
@pytest.mark.parametrize("range_", [None, (-1.5, 2.5)])
def test_rules_match_numpy(rule, range_):
    a, b = tables(len(rule))
    h = pydiv.histogram(a, b, bins=rule, range=range_)
    check_padded(h, a, b, numpy_rule_edges(a, b, rule, range_))


def auto_count(x, first, last):
    """numpy >= 2.3's "auto" from its fd, sqrt and sturges widths."""
    n = x.size
    ptp = x.max() - x.min()
    fd = 2.0 * np.subtract(*np.percentile(x, [75, 25])) * n ** (-1.0 / 3.0)
    width = min(max(fd, ptp / np.sqrt(n) / 2), ptp / (np.log2(n) + 1.0))
    return int(np.ceil((last - first) / width)) if width else 1


def test_auto_is_bounded_fd():
    a, b = tables(9)
    h = pydiv.histogram(a, b, bins="auto")
    for j in range(a.shape[1]):
        x = np.concatenate([a[:, j], b[:, j]])
        lo, hi = (x.min(), x.max()) if x.min() < x.max() else (x.min() - 0.5, x.max() + 0.5)
        k = auto_count(x, lo, hi)
        np.testing.assert_allclose(h.edges[j, : k + 1], np.linspace(lo, hi, k + 1), rtol=1e-12)
        assert k == h.counts_a.shape[1] or h.edges[j, k + 1] == h.edges[j, k]


def test_rule_on_integer_inputs_takes_unit_widths():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 3, size=(5000, 3))
    b = rng.integers(0, 3, size=(5000, 3))
    h = pydiv.histogram(a, b, bins="fd")
    for j in range(3):  # the rule's width is raised to 1 for integer data
        k = h.column_bins[j]
        assert np.all(np.diff(h.edges[j, : k + 1]) >= 1.0)
    # Recent numpy takes unit widths for integer data too; older numpy (1.26)
    # has narrower bins, which pydiv does not follow.
    expected = numpy_rule_edges(a, b, "fd")
    if all(np.all(np.diff(e) >= 1.0) for e in expected):
        check_padded(h, a.astype(float), b.astype(float), expected)


def test_rule_with_nan_omitted_and_1d():
    rng = np.random.default_rng(5)
    a = rng.normal(size=300)
    b = rng.normal(size=100)
    a[[3, 50]] = np.nan
    h = pydiv.histogram(a, b, bins="sturges", nan_policy="omit")
    e = np.histogram_bin_edges(np.concatenate([a[~np.isnan(a)], b]), "sturges")
    np.testing.assert_allclose(h.edges, e, rtol=1e-12)
    np.testing.assert_array_equal(h.counts_a, np.histogram(a[~np.isnan(a)], e)[0])
    with pytest.raises(ValueError, match="samples_a: column 0.*NaN"):
        pydiv.histogram(a, b, bins="auto")


def test_rule_result_feeds_divergences():
    # Padded bins hold nothing on either side: the divergences are the unpadded ones'.
    a, b = tables(6)
    h = pydiv.histogram(a, b, bins="auto")
    js = pydiv.js_divergence(h.counts_a, h.counts_b)
    for j in range(a.shape[1]):
        k = np.searchsorted(h.edges[j], h.edges[j, -1])  # the column's own bin count
        np.testing.assert_allclose(js[j], pydiv.js_divergence(h.counts_a[j, :k], h.counts_b[j, :k]), rtol=1e-12,
                                   atol=1e-15)


@pytest.mark.parametrize("bins", [8, "auto", ("quantile", 5), [-1.0, 0.0, 0.5, 2.0]])
def test_axis_1_is_the_transpose(bins):
    a, b = tables(7)
    h0 = pydiv.histogram(a, b, bins=bins)
    h1 = pydiv.histogram(a.T, np.asfortranarray(b.T), bins=bins, axis=1)
    hm = pydiv.histogram(a.T.copy(), b.T.copy(), bins=bins, axis=-1)
    for h in (h1, hm):
        np.testing.assert_array_equal(h.counts_a, h0.counts_a)
        np.testing.assert_array_equal(h.counts_b, h0.counts_b)
        np.testing.assert_array_equal(h.edges, h0.edges)
    h1d = pydiv.histogram(a[:, 0], b[:, 0], bins=bins, axis=-1)
    np.testing.assert_array_equal(h1d.counts_a, h0.counts_a[0][: h1d.counts_a.size])


def test_bad_axis_named():
    with pytest.raises(ValueError, match="axis"):
        pydiv.histogram(np.zeros((4, 2)), np.ones((3, 2)), axis=2)
    with pytest.raises(ValueError, match="axis"):
        pydiv.histogram(np.zeros(4), np.ones(3), axis=1)
    with pytest.raises(TypeError, match="axis"):
        pydiv.histogram(np.zeros((4, 2)), np.ones((3, 2)), axis=0.0)
    with pytest.raises(ValueError, match="samples_a.*empty"):
        pydiv.histogram(np.zeros((2, 0)), np.ones((3, 2)), axis=1)


def weighted_reference(a, wa, edges):
    """numpy.histogram(weights=) on each column's own edges (padding: zero bins)."""
    out = np.zeros((a.shape[1], edges.shape[1] - 1))
    for j in range(a.shape[1]):
        own = np.unique(edges[j])
        out[j, : own.size - 1] = np.histogram(a[:, j], own, weights=wa[:, j])[0]
    return out


@pytest.mark.parametrize("bins", [12, ("quantile", 6), [-2.0, -0.5, 0.0, 1.0, 4.0], "sqrt"])
def test_weights_match_numpy(bins):
    a, b = tables(8)
    rng = np.random.default_rng(8)
    wa = rng.uniform(0, 3, size=a.shape)  # a weight per value
    wb = rng.exponential(size=b.shape[0])  # a weight per sample
    h = pydiv.histogram(a, b, bins=bins, weights=(wa, wb))
    plain = pydiv.histogram(a, b, bins=bins)
    np.testing.assert_array_equal(h.edges, plain.edges)  # edges do not read the weights
    ref_a = weighted_reference(a, wa, h.edges)
    ref_b = weighted_reference(b, np.repeat(wb[:, None], b.shape[1], axis=1), h.edges)
    np.testing.assert_allclose(h.counts_a, ref_a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.counts_b, ref_b, rtol=1e-12, atol=1e-12)
    # Unit weights are the counts; one side weighted only.
    ones = pydiv.histogram(a, b, bins=bins, weights=(np.ones(a.shape[0]), None))
    np.testing.assert_array_equal(ones.counts_a, plain.counts_a)
    np.testing.assert_array_equal(ones.counts_b, plain.counts_b)


def test_weights_with_axis_and_nan_omitted():
    rng = np.random.default_rng(9)
    a = rng.normal(size=(3, 400))  # features x samples
    b = rng.normal(size=(3, 90))
    a[1, 17] = np.nan
    wa = rng.uniform(size=(3, 400))
    wb = rng.uniform(size=90)
    h = pydiv.histogram(a, b, bins=7, axis=1, weights=[wa, wb], nan_policy="omit")
    for j in range(3):
        keep = ~np.isnan(a[j])
        np.testing.assert_allclose(h.counts_a[j], np.histogram(a[j, keep], h.edges[j], weights=wa[j, keep])[0],
                                   rtol=1e-12)
        np.testing.assert_allclose(h.counts_b[j], np.histogram(b[j], h.edges[j], weights=wb)[0], rtol=1e-12)


@pytest.mark.parametrize("weights, exc, pattern", [
    ((np.ones(4), -np.ones(3)), ValueError, r"weights\[1\].*non-negative"),
    ((np.array([1.0, np.nan, 1.0, 1.0]), None), ValueError, r"weights\[0\].*finite"),
    ((np.array([1.0, np.inf, 1.0, 1.0]), None), ValueError, r"weights\[0\].*finite"),
    ((np.ones(5), None), ValueError, r"weights\[0\].*length 4"),
    ((None, np.ones((3, 3))), ValueError, r"weights\[1\].*shape"),
    ((None, np.ones((2, 3, 1))), ValueError, r"weights\[1\]"),
    ((np.array(["a"] * 4), None), TypeError, r"weights\[0\]"),
    (np.ones(4), TypeError, "weights"),
    ((np.ones(4),), TypeError, "weights"),
])
def test_bad_weights_named(weights, exc, pattern):
    with pytest.raises(exc, match=pattern):
        pydiv.histogram(np.zeros((4, 2)), np.ones((3, 2)), weights=weights)
