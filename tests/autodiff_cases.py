"""Inputs for the adapter tests: per op, calls away from non-differentiable points.

Each case is (args, kwargs); the array arguments are float64 NumPy arrays,
turned into the framework's tensors by the tests.  A family adds its ops here.
Arguments named in SYMMETRIC[op] are symmetric matrices: the tests pass
(S + S^T) / 2 of what they perturb, since an asymmetric matrix is outside
the function's domain.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Case = tuple[tuple[Any, ...], dict[str, Any]]


def _simplex(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.random(shape) + 0.1


def info_cases(name: str, rng: np.random.Generator) -> list[Case]:
    one = name == "entropy"
    p = _simplex(rng, 3, 5)
    q = _simplex(rng, 5)
    args: tuple[Any, ...] = (p,) if one else (p, q)
    col: tuple[Any, ...] = (p.T.copy(),) if one else (p.T.copy(), _simplex(rng, 5, 1))
    return [(args, {}), (args, {"base": 2.0, "keepdims": True}), (col, {"axis": 0}),
            ((_simplex(rng, 4),) if one else (_simplex(rng, 4), _simplex(rng, 4)), {})]


def emd2_cases(name: str, rng: np.random.Generator) -> list[Case]:
    a, b = _simplex(rng, 4), _simplex(rng, 3)
    batch = ((_simplex(rng, 2, 4), b, rng.random((2, 4, 3))), {"normalize": True})
    return [((a, b, rng.random((4, 3))), {"normalize": True}), batch,
            ((a, _simplex(rng, 5), rng.random((4, 5)) * 1e3), {"normalize": True})]


def wasserstein_nd_cases(name: str, rng: np.random.Generator) -> list[Case]:
    x, y = rng.standard_normal((5, 2)), rng.standard_normal((4, 2))
    a, b = _simplex(rng, 5), _simplex(rng, 4)
    return [((x, y), {}), ((x, y, a, b), {"p": 2}), ((x, y), {"p": 1.5, "metric": "cityblock"}),
            ((x, y, a), {"metric": "sqeuclidean"}), ((x, y), {"p": 3, "metric": "minkowski", "w": 3.0}),
            ((x, y), {"metric": "chebyshev"}), ((rng.standard_normal(6), rng.standard_normal(5)), {"p": 2}),
            ((rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 3, 3))), {"p": 2})]


def _spd(rng: np.random.Generator, d: int, scale: float = 1.0) -> np.ndarray:
    F = rng.standard_normal((d, d))
    return scale * (F @ F.T / d + 0.5 * np.eye(d))


def gaussian_cases(name: str, rng: np.random.Generator) -> list[Case]:
    d = 3
    m1, m2 = rng.standard_normal(d), rng.standard_normal(d)
    S1, S2 = _spd(rng, d), _spd(rng, d, 2.0)
    batch = ((rng.standard_normal((2, d)), np.stack([S1, _spd(rng, d)]), m2, S2), {})
    diagonal = ((m1, rng.random(d) + 0.2, m2, rng.random(d) + 0.3), {})
    return [((m1, S1, m2, S2), {}), ((m1, S1, m2, S2), {"squared": True}), batch, diagonal,
            ((m1, np.eye(d), m2, 2.0 * np.eye(d)), {})]


def frechet_cases(name: str, rng: np.random.Generator) -> list[Case]:
    return [((rng.standard_normal((8, 3)), rng.standard_normal((6, 3)) * 1.5 + 0.3), {})]


def wasserstein_1d_cases(name: str, rng: np.random.Generator) -> list[Case]:
    u, v = rng.standard_normal(7), rng.standard_normal(5) + 0.3
    wu, wv = _simplex(rng, 7), _simplex(rng, 5)
    cases: list[Case] = [((u, v), {}), ((u, v, wu, wv), {}), ((rng.standard_normal((3, 6)), v), {})]
    if name == "wasserstein_1d":
        cases += [((u, v, wu, wv), {"p": 2}), ((u, v), {"p": 1.5}), ((u, v, None, wv), {"p": 3})]
    return cases


def sliced_cases(name: str, rng: np.random.Generator) -> list[Case]:
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((5, 3)) + 0.5
    if name == "max_sliced_wasserstein":
        X2, Y2 = rng.standard_normal((6, 2)) * [3.0, 0.3], rng.standard_normal((5, 2)) * [0.3, 0.3] + [0.0, 2.0]
        return [((X2, Y2), {"seed": 1}), ((X2, Y2, _simplex(rng, 6)), {"seed": 2, "p": 1})]
    theta = rng.standard_normal((16, 3))
    return [((X, Y), {"n_projections": 32, "seed": 0}), ((X, Y, _simplex(rng, 6), _simplex(rng, 5)),
                                                         {"directions": theta, "p": 1.5}),
            ((rng.standard_normal((2, 6, 3)), rng.standard_normal((2, 4, 3))), {"directions": theta}),
            ((X, Y), {"directions": theta, "weighting": "energy"})]


SYMMETRIC = {"gaussian_wasserstein": ("S1", "S2")}


def symmetrised(op: Any, arrays: list[Any], transpose: Any) -> list[Any]:
    """``arrays`` with each symmetric-matrix argument of ``op`` replaced by (S + S^T) / 2."""
    out = list(arrays)
    for k, name in enumerate(op.arrays[: len(out)]):
        if name in SYMMETRIC.get(op.name, ()) and out[k] is not None and len(out[k].shape) >= 2:
            out[k] = 0.5 * (out[k] + transpose(out[k]))
    return out


CASES: dict[str, Any] = {name: info_cases for name in
                         ("entropy", "cross_entropy", "kl_divergence", "js_divergence", "jensenshannon")}
CASES.update(emd2=emd2_cases, wasserstein_nd=wasserstein_nd_cases, gaussian_wasserstein=gaussian_cases,
             frechet_distance=frechet_cases, wasserstein_1d=wasserstein_1d_cases,
             energy_distance=wasserstein_1d_cases, sliced_wasserstein=sliced_cases, max_sliced_wasserstein=sliced_cases)


def numpy_value(result: Any) -> np.ndarray:
    """The value an op differentiates, from the NumPy function's result (max-sliced returns a result
    object holding the distance and its direction)."""
    return np.asarray(getattr(result, "distance", result))


def cases(name: str, seed: int = 0) -> list[Case]:
    return CASES[name](name, np.random.default_rng(seed))
