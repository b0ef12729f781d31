"""Inputs that are not NumPy arrays: the buffer protocol, ``__array__`` and PyTorch tensors.

Each is accepted wherever an array-like is, and gives exactly the result of
the same data as a NumPy array.
"""

import array

import numpy as np
import pytest

import pydiv
from pydiv.stream import KLDivergence

RNG = np.random.default_rng(20240611)
P = RNG.random(7)
Q = RNG.random(7)
X = RNG.random((5, 7))
Y = RNG.random((3, 7))
POINTS = RNG.random((6, 2))
COST = np.abs(np.subtract.outer(np.arange(7.0), np.arange(7.0)))


class ArrayLike:
    """The smallest object NumPy converts through ``__array__``."""

    def __init__(self, data):
        self._data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed")


# Each kind: a function from a NumPy array to that kind, with the NumPy array
# holding exactly the same values (the reference input).
ONE_D = {
    "memoryview": (memoryview, lambda a: a),
    "strided memoryview": (lambda a: memoryview(np.repeat(a, 2))[::2], lambda a: a),
    "float32 memoryview": (lambda a: memoryview(a.astype(np.float32)), lambda a: a.astype(np.float32)),
    "array.array": (lambda a: array.array("d", a), lambda a: a),
    "float32 array.array": (lambda a: array.array("f", a), lambda a: a.astype(np.float32)),
    "__array__": (ArrayLike, lambda a: a),
    "torch": (lambda a: _torch().from_numpy(a.copy()), lambda a: a),
    "float32 torch": (lambda a: _torch().from_numpy(a.astype(np.float32)), lambda a: a.astype(np.float32)),
}
TWO_D = {
    "memoryview": (memoryview, lambda a: a),
    "__array__": (ArrayLike, lambda a: a),
    "torch": (lambda a: _torch().from_numpy(a.copy()), lambda a: a),
    "transposed torch": (lambda a: _torch().from_numpy(a.T.copy()).T, lambda a: a),
}

PAIR_FUNCTIONS = {
    "cross_entropy": lambda p, q: pydiv.cross_entropy(p, q),
    "kl_divergence": lambda p, q: pydiv.kl_divergence(p, q, base=2),
    "js_divergence": lambda p, q: pydiv.js_divergence(p, q),
    "jensenshannon": lambda p, q: pydiv.jensenshannon(p, q),
    "wasserstein_1d": lambda p, q: pydiv.wasserstein_1d(p, q, p=2),
    "wasserstein_1d weighted": lambda p, q: pydiv.wasserstein_1d(p, q, q, p),
    "energy_distance": lambda p, q: pydiv.energy_distance(p, q),
    "wasserstein_hist": lambda p, q: pydiv.wasserstein_hist(p, q),
    "emd2": lambda p, q: pydiv.emd2(p, q, COST, normalize=True),
}


@pytest.mark.parametrize("kind", ONE_D)
def test_entropy(kind):
    convert, reference = ONE_D[kind]
    assert pydiv.entropy(convert(P), base=2) == pydiv.entropy(reference(P), base=2)


@pytest.mark.parametrize("name", PAIR_FUNCTIONS)
@pytest.mark.parametrize("kind", ONE_D)
def test_pair_functions(kind, name):
    convert, reference = ONE_D[kind]
    f = PAIR_FUNCTIONS[name]
    np.testing.assert_array_equal(f(convert(P), convert(Q)), f(reference(P), reference(Q)))


@pytest.mark.parametrize("kind", TWO_D)
def test_batched_divergence(kind):
    convert, reference = TWO_D[kind]
    expected = pydiv.kl_divergence(reference(X), reference(Q), axis=1)
    np.testing.assert_array_equal(pydiv.kl_divergence(convert(X), Q, axis=1), expected)


@pytest.mark.parametrize("metric", ["js", "jensenshannon", "kl", "cross_entropy", "wasserstein"])
@pytest.mark.parametrize("kind", TWO_D)
def test_pairwise(kind, metric):
    convert, reference = TWO_D[kind]
    np.testing.assert_array_equal(
        pydiv.pairwise(convert(X), convert(Y), metric=metric),
        pydiv.pairwise(reference(X), reference(Y), metric=metric),
    )
    np.testing.assert_array_equal(
        pydiv.pairwise(convert(X), metric=metric), pydiv.pairwise(reference(X), metric=metric)
    )


@pytest.mark.parametrize("kind", TWO_D)
def test_point_clouds(kind):
    convert, reference = TWO_D[kind]
    expected = pydiv.wasserstein_nd(reference(POINTS), reference(POINTS[::-1] + 1.0), p=2)
    assert pydiv.wasserstein_nd(convert(POINTS), convert(POINTS[::-1] + 1.0), p=2) == expected
    clouds = [convert(POINTS[:3]), convert(POINTS[3:])]
    np.testing.assert_array_equal(
        pydiv.pairwise(clouds, metric="emd"), pydiv.pairwise([POINTS[:3], POINTS[3:]], metric="emd")
    )


@pytest.mark.parametrize("kind", TWO_D)
def test_streaming(kind):
    convert, reference = TWO_D[kind]
    acc = KLDivergence().update(convert(X), convert(Y[:1]))
    expected = KLDivergence().update(reference(X), reference(Y[:1]))
    np.testing.assert_array_equal(acc.result(), expected.result())


def test_emd_plan_from_torch():
    torch = _torch()
    result = pydiv.emd(torch.from_numpy(P), torch.from_numpy(Q), torch.from_numpy(COST), normalize=True)
    expected = pydiv.emd(P, Q, COST, normalize=True)
    assert result.cost == expected.cost
    np.testing.assert_array_equal(result.plan(), expected.plan())


# A tensor that needs grad is refused with a TypeError naming the argument.
def test_torch_tensor_needing_grad_is_refused():
    torch = _torch()
    p = torch.tensor(P, requires_grad=True)
    with pytest.raises(TypeError, match="p must be a numeric array-like.*grad"):
        pydiv.entropy(p)
    assert pydiv.entropy(p.detach()) == pydiv.entropy(P)


def test_bytes_are_not_numbers():
    # bytes convert to a NumPy string, not to uint8: the error names the argument.
    with pytest.raises(TypeError, match="^p must be a numeric array-like"):
        pydiv.entropy(b"\x01\x02\x03")
    assert pydiv.entropy(memoryview(b"\x01\x02\x03")) == pydiv.entropy(np.array([1, 2, 3]))


class DLPackOnly:
    """An array that speaks only DLPack (no buffer protocol, no ``__array__``)."""

    def __init__(self, data):
        self._data = np.asarray(data)

    def __dlpack__(self, **kwargs):
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()


# An object that offers only __dlpack__ is read through DLPack.
def test_dlpack_only_objects():
    assert pydiv.entropy(DLPackOnly(P)) == pydiv.entropy(P)
