"""N-d input reduced along a middle axis: the kernels walk the strides, no copy of the input is made."""

import tracemalloc

import numpy as np
import pytest

import pydiv

rng = np.random.default_rng(41)

# (name, function, takes q)
FUNCTIONS = [
    ("entropy", pydiv.entropy, False),
    ("cross_entropy", pydiv.cross_entropy, True),
    ("kl_divergence", pydiv.kl_divergence, True),
    ("js_divergence", pydiv.js_divergence, True),
    ("jensenshannon", pydiv.jensenshannon, True),
    ("wasserstein_hist", pydiv.wasserstein_hist, True),
]


def _call(f, takes_q, p, q, axis):
    return f(p, q, axis=axis) if takes_q else f(p, axis=axis)


def _peak_bytes(call):
    """The largest amount of memory traced (NumPy's buffers included) while call() ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, result


@pytest.mark.parametrize("name, f, takes_q", FUNCTIONS, ids=[n for n, _, _ in FUNCTIONS])
def test_middle_axis_makes_no_copy(name, f, takes_q):
    # A (40, 50, 64) input along axis 1: well under a quarter of its size is allocated.
    p = rng.random((40, 50, 64))
    q = rng.random((40, 50, 64))
    _call(f, takes_q, p[:2], q[:2], 1)  # first-call set-up outside the measurement
    peak, got = _peak_bytes(lambda: _call(f, takes_q, p, q, 1))
    assert peak < p.nbytes // 4, f"{name}: {peak} bytes allocated for a {p.nbytes}-byte input"
    assert got.shape == (40, 64)


@pytest.mark.parametrize("name, f, takes_q", FUNCTIONS, ids=[n for n, _, _ in FUNCTIONS])
@pytest.mark.parametrize(
    "p_shape, q_shape, axis",
    [
        ((6, 9, 70), (6, 9, 70), 1),  # middle axis of a C-contiguous array
        ((5, 4, 9, 66), (5, 4, 9, 66), 2),  # two leading and one trailing batch axis
        ((3, 9, 2, 65), (9, 1, 1), -3),  # q broadcast along the batch axes
        ((9, 5, 64), (9, 5, 64), 0),  # first axis
    ],
)
def test_middle_axis_equals_slices(name, f, takes_q, p_shape, q_shape, axis):
    # The result is the same, bit for bit, as reducing each leading slice on its own.
    p = rng.random(p_shape)
    q = rng.random(q_shape)
    got = _call(f, takes_q, p, q, axis)
    shape = np.broadcast_shapes(p_shape, q_shape) if takes_q else p_shape
    ax = axis % len(shape)
    pb, qb = np.broadcast_to(p, shape), np.broadcast_to(q, shape)
    if ax == 0:
        want = _call(f, takes_q, pb, qb, 0)
    else:
        want = np.empty(shape[:ax] + shape[ax + 1:])
        for idx in np.ndindex(*shape[:ax]):  # each slice is a 2-D view, read in place before too
            want[idx] = _call(f, takes_q, pb[idx], qb[idx], 0)
    np.testing.assert_array_equal(got, want)
    moved = np.ascontiguousarray(np.moveaxis(pb, ax, -1)), np.ascontiguousarray(np.moveaxis(qb, ax, -1))
    np.testing.assert_allclose(got, _call(f, takes_q, *moved, -1), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name, f, takes_q", FUNCTIONS, ids=[n for n, _, _ in FUNCTIONS])
def test_strided_and_reversed_views(name, f, takes_q):
    # Slices with steps and negative strides along every axis read the right elements.
    p = rng.random((8, 30, 12, 7))[::-2, 3::2, ::3, ::-1]
    q = rng.random((8, 30, 12, 7))[1::2, :27:2, 1::3, :]
    got = _call(f, takes_q, p, q, 1)
    want = _call(f, takes_q, np.ascontiguousarray(p), np.ascontiguousarray(q), 1)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_float32_middle_axis_no_copy():
    # float32 input is read in place too (float64 accumulation).
    p = rng.random((40, 50, 64)).astype(np.float32)
    pydiv.entropy(p[:2], axis=1)
    peak, got = _peak_bytes(lambda: pydiv.entropy(p, axis=1))
    assert peak < p.nbytes // 4
    np.testing.assert_allclose(got, pydiv.entropy(np.moveaxis(p, 1, -1).astype(np.float64)), rtol=1e-6)
