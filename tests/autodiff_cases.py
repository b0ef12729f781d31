"""Inputs for the adapter tests: per op, calls away from non-differentiable points.

Each case is (args, kwargs); the array arguments are float64 NumPy arrays,
turned into the framework's tensors by the tests.  A family adds its ops here.
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


CASES: dict[str, Any] = {name: info_cases for name in
                         ("entropy", "cross_entropy", "kl_divergence", "js_divergence", "jensenshannon")}
CASES.update(emd2=emd2_cases, wasserstein_nd=wasserstein_nd_cases)


def cases(name: str, seed: int = 0) -> list[Case]:
    return CASES[name](name, np.random.default_rng(seed))
