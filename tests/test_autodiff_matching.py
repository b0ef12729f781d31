"""The stable row argsort behind the 1-D matchings equals NumPy's stable argsort."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pydiv import _core
from pydiv.autodiff.matching1d import stable_argsort

finite = st.floats(allow_nan=False, allow_infinity=True, width=64)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(0, 300)), elements=finite))
def test_equals_numpy_stable_argsort(x):
    np.testing.assert_array_equal(stable_argsort(x), np.argsort(x, axis=-1, kind="stable"))


@pytest.mark.parametrize("n", [0, 1, 95, 96, 97, 5000])
def test_ties_signed_zeros_and_infinities_keep_index_order(n):
    rng = np.random.default_rng(n)
    x = rng.choice([-np.inf, -1.0, -0.0, 0.0, 2.5, np.inf, 1e-300, -1e300], size=(3, n))
    np.testing.assert_array_equal(_core.argsort_rows(x, 0), np.argsort(x, axis=-1, kind="stable"))
    wide = rng.standard_normal((2, n)) * 10.0 ** rng.integers(-300, 300, size=(2, n))
    np.testing.assert_array_equal(_core.argsort_rows(wide, 0), np.argsort(wide, axis=-1, kind="stable"))


def test_does_not_depend_on_the_thread_count():
    x = np.random.default_rng(1).integers(0, 50, (64, 2000)).astype(np.float64)
    want = np.argsort(x, axis=-1, kind="stable")
    for threads in (1, 2, 3):
        np.testing.assert_array_equal(_core.argsort_rows(x, threads), want)


@given(st.integers(1, 40), st.integers(0, 60), st.integers(0, 60), st.integers(0, 2**32 - 1))
def test_merge_rows_equals_a_stable_argsort_of_both(R, n, m, seed):
    from pydiv.autodiff.matching1d import merge_rows

    rng = np.random.default_rng(seed)
    a = np.sort(rng.integers(-3, 4, (R, n)).astype(np.float64), axis=-1)
    b = np.sort(rng.integers(-3, 4, (R, m)).astype(np.float64), axis=-1)
    cat = np.concatenate([a, b], axis=-1)
    perm = np.argsort(cat, axis=-1, kind="stable")
    keys, from_a = merge_rows(a, b)
    np.testing.assert_array_equal(keys, np.take_along_axis(cat, perm, axis=-1))
    np.testing.assert_array_equal(from_a, perm < n)
