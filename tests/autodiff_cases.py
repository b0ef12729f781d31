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


CASES: dict[str, Any] = {name: info_cases for name in
                         ("entropy", "cross_entropy", "kl_divergence", "js_divergence", "jensenshannon")}


def cases(name: str, seed: int = 0) -> list[Case]:
    return CASES[name](name, np.random.default_rng(seed))
