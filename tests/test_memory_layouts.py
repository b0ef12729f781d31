"""Every public function gives the same result whatever the memory layout of
its arrays: transposed (Fortran-ordered) views, negative and step strides,
read-only buffers.  The reference is the same call on C-contiguous copies."""

from __future__ import annotations

import numpy as np
import pytest

import pydiv

RNG = np.random.default_rng(2026)


def layouts(a: np.ndarray):
    """`a` (C-ordered) as the same values in other layouts."""
    yield "c", a
    yield "fortran", np.asfortranarray(a)
    if a.ndim == 2:
        yield "transposed-view", np.ascontiguousarray(a.T).T
    padded = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
    padded[..., ::2] = a
    yield "step-stride", padded[..., ::2]
    flipped = np.ascontiguousarray(a[..., ::-1])
    yield "negative-stride", flipped[..., ::-1]
    ro = a.copy()
    ro.flags.writeable = False
    yield "read-only", ro


def _hist(shape):
    return RNG.random(shape) + 0.05


SAMPLES_U, SAMPLES_V = RNG.normal(size=(4, 60)), RNG.normal(0.3, 1.2, size=(4, 45))
WEIGHTS_U, WEIGHTS_V = RNG.random((4, 60)) + 0.1, RNG.random((4, 45)) + 0.1
P, Q = _hist((5, 8)), _hist((5, 8))
CLOUD_X, CLOUD_Y = RNG.normal(size=(30, 3)), RNG.normal(0.5, size=(25, 3))
COST = np.abs(RNG.normal(size=(6, 7)))
IMG_A, IMG_B = _hist((9, 8)), _hist((9, 8))

CASES = {
    "kl_divergence": (lambda p, q: pydiv.kl_divergence(p, q), (P, Q)),
    "js_divergence": (lambda p, q: pydiv.js_divergence(p, q, axis=0), (P, Q)),
    "entropy": (lambda p: pydiv.entropy(p), (P,)),
    "hellinger": (lambda p, q: pydiv.hellinger(p, q), (P, Q)),
    "jeffreys": (lambda p, q: pydiv.jeffreys(p, q, axis=0), (P, Q)),
    "psi": (lambda p, q: pydiv.population_stability_index(p, q), (P, Q)),
    "wasserstein_1d": (lambda u, v: pydiv.wasserstein_1d(u, v), (SAMPLES_U, SAMPLES_V)),
    "wasserstein_1d-weights": (lambda u, v, uw, vw: pydiv.wasserstein_1d(u, v, uw, vw),
                               (SAMPLES_U, SAMPLES_V, WEIGHTS_U, WEIGHTS_V)),
    "wasserstein_1d-p2": (lambda u, v: pydiv.wasserstein_1d(u, v, p=2), (SAMPLES_U, SAMPLES_V)),
    "wasserstein_1d-sorted": (lambda u, v: pydiv.wasserstein_1d(u, v, sorted=True),
                              (np.sort(SAMPLES_U, axis=-1), np.sort(SAMPLES_V, axis=-1))),
    "wasserstein_1d-axis0": (lambda u, v: pydiv.wasserstein_1d(u, v, axis=0),
                             (np.ascontiguousarray(SAMPLES_U.T), np.ascontiguousarray(SAMPLES_V.T))),
    "energy_distance": (lambda u, v: pydiv.energy_distance(u, v), (SAMPLES_U, SAMPLES_V)),
    "wasserstein_hist": (lambda p, q: pydiv.wasserstein_hist(p, q), (P, Q)),
    "wasserstein_circle": (lambda u, v: pydiv.wasserstein_circle(u, v),
                           (SAMPLES_U[0] % 1.0, SAMPLES_V[0] % 1.0)),
    "sliced_wasserstein": (lambda x, y: pydiv.sliced_wasserstein(x, y, n_projections=16, seed=1),
                           (CLOUD_X, CLOUD_Y)),
    "wasserstein_nd": (lambda x, y: pydiv.wasserstein_nd(x, y), (CLOUD_X, CLOUD_Y)),
    "emd2": (lambda M: pydiv.emd2(None, None, M), (COST,)),
    "emd_grid": (lambda a, b: pydiv.emd_grid(a, b, normalize=True).cost, (IMG_A, IMG_B)),
    "pairwise-js": (lambda x: pydiv.pairwise(x, metric="js"), (P,)),
    "pairwise-hellinger": (lambda x, y: pydiv.pairwise(x, y, metric="hellinger"), (P, Q)),
    "pairwise-wasserstein": (lambda x: pydiv.pairwise(x, metric="wasserstein"), (P,)),
    "frechet_distance": (lambda x, y: pydiv.frechet_distance(x, y), (CLOUD_X, CLOUD_Y)),
}


@pytest.mark.parametrize("name", CASES)
def test_every_layout_gives_the_contiguous_result(name):
    f, args = CASES[name]
    expected = np.asarray(f(*[np.ascontiguousarray(a) for a in args]))
    for k in range(len(args)):
        for layout, arr in layouts(args[k]):
            given = list(args)
            given[k] = arr
            got = np.asarray(f(*given))
            np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0, err_msg=f"{name}, argument {k}: {layout}")


def test_all_arguments_transposed_at_once():
    u, v = np.asfortranarray(SAMPLES_U), np.asfortranarray(SAMPLES_V)
    np.testing.assert_array_equal(pydiv.wasserstein_1d(u, v), pydiv.wasserstein_1d(SAMPLES_U, SAMPLES_V))
    np.testing.assert_array_equal(pydiv.energy_distance(u, v), pydiv.energy_distance(SAMPLES_U, SAMPLES_V))
    U, V = SAMPLES_U.T.copy(), SAMPLES_V.T.copy()  # (samples, features): rows of .T are strided
    np.testing.assert_array_equal(pydiv.wasserstein_1d(U.T, V.T), pydiv.wasserstein_1d(U, V, axis=0))


def test_transposed_samples_on_the_threaded_sort_path():
    from pydiv.wasserstein.sorting import PARALLEL_SORT_FROM

    n = PARALLEL_SORT_FROM // 3 + 1  # (n, 3) columns: above the threaded sort's threshold together
    U, V = RNG.normal(size=(n, 3)), RNG.normal(0.2, size=(n, 3))
    np.testing.assert_array_equal(pydiv.wasserstein_1d(U.T, V.T), pydiv.wasserstein_1d(U, V, axis=0))
    np.testing.assert_array_equal(pydiv.energy_distance(U.T, V.T), pydiv.energy_distance(U, V, axis=0))
