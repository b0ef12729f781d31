"""stream.Moments against np.mean/np.cov of the concatenated chunks."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

import pydiv
from pydiv.stream import Moments


def test_matches_numpy_in_chunks():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1000, 9)) * np.arange(1, 10) + 5
    acc = Moments(9)
    for chunk in np.array_split(x, 7):
        acc.update(chunk)
    assert acc.n == 1000
    np.testing.assert_allclose(acc.mean, x.mean(0), rtol=1e-14)
    np.testing.assert_allclose(acc.cov, np.cov(x, rowvar=False), rtol=1e-12, atol=1e-13)
    assert (acc.cov == acc.cov.T).all()


def test_float32_with_offset_keeps_its_digits():
    rng = np.random.default_rng(1)
    x = (1e4 + rng.standard_normal((4000, 3))).astype(np.float32)
    acc = Moments(3)
    for chunk in np.array_split(x, 40):
        acc.update(chunk)
    exact = np.cov(x.astype(np.float64), rowvar=False)  # the float32 values, widened: the target
    np.testing.assert_allclose(acc.cov, exact, rtol=1e-9, atol=1e-9)
    assert acc.mean.dtype == np.float64


@settings(max_examples=30)
@given(hst.lists(hst.integers(0, 12), min_size=1, max_size=6), hst.integers(0, 2**32 - 1))
def test_merge_equals_one_stream(sizes, seed):
    rng = np.random.default_rng(seed)
    chunks = [rng.standard_normal((k, 4)) * 3 - 1 for k in sizes]
    total = sum(sizes)
    single, parts = Moments(4), []
    for c in chunks:
        single.update(c)
        parts.append(Moments(4).update(c))
    merged = Moments(4)
    for p in parts:
        merged.merge(pickle.loads(pickle.dumps(p)))
    assert merged.n == single.n == total
    if total >= 2:
        allx = np.concatenate(chunks)
        np.testing.assert_allclose(merged.cov, np.cov(allx, rowvar=False), rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(merged.cov, single.cov, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(merged.mean, allx.mean(0), rtol=1e-12, atol=1e-14)


def test_pickle_round_trip_and_stats():
    acc = Moments(2).update([[1.0, 2.0], [3.0, 5.0], [0.0, 1.0]])
    back = pickle.loads(pickle.dumps(acc))
    assert back.n == 3 and (back.cov == acc.cov).all() and repr(back) == "Moments(d=2, n=3)"
    st = back.stats()
    assert isinstance(st, pydiv.GaussianStats) and st.n == 3
    assert pydiv.frechet_distance(st, acc) == 0.0


def test_errors():
    with pytest.raises(ValueError, match="d must be >= 1"):
        Moments(0)
    with pytest.raises(TypeError, match="d must be"):
        Moments(2.0)
    acc = Moments(3)
    with pytest.raises(ValueError, match="no data"):
        _ = acc.mean
    with pytest.raises(ValueError, match=r"chunk must have shape \(k, 3\)"):
        acc.update(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"chunk must have shape"):
        acc.update(np.ones(3))
    with pytest.raises(ValueError, match="chunk must be finite"):
        acc.update([[1.0, np.nan, 0.0]])
    with pytest.raises(TypeError, match="chunk"):
        acc.update([["a", "b", "c"]])
    acc.update(np.ones((1, 3))).update(np.ones((0, 3)))
    with pytest.raises(ValueError, match="at least 2 samples; 1 added"):
        _ = acc.cov
    with pytest.raises(ValueError, match="at least 2 samples"):
        pydiv.frechet_distance(acc, np.ones((3, 3)))
    with pytest.raises(ValueError, match="d = 2 into d = 3"):
        acc.merge(Moments(2))
    with pytest.raises(TypeError, match="cannot merge"):
        acc.merge(pydiv.stream.Entropy())
