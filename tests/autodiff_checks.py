"""Checks shared by the autodiff op tests: the reference vector-Jacobian
product of an op against central finite differences of its NumPy function,
and the agreement of the shapes an op states with the arrays it returns."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from pydiv.autodiff import Op, vjp


def shapes_of(arrays: list[Any]) -> list[Any]:
    return [None if a is None else np.shape(a) for a in arrays]


def evaluate(op: Op, arrays: list[Any], options: dict[str, Any]) -> tuple[np.ndarray, list[Any]]:
    """The op's value and every gradient, after checking the shapes it promised."""
    wants = tuple(a is not None and name in op.differentiable for a, name in zip(arrays, op.arrays))
    value, grads = op.evaluate(arrays, options, wants)
    shapes = shapes_of(arrays)
    assert value.dtype == np.float64
    assert value.shape == op.value_shape(shapes, options)
    for i, (G, want) in enumerate(zip(grads, wants)):
        if want:
            assert G is not None and G.shape == op.grad_shape(shapes, options, i), (i, G.shape)
            assert np.isfinite(G).all()
        else:
            assert G is None
    return value, grads


def scalar_of(op: Op, options: dict[str, Any], g: np.ndarray, value_of: Callable[[Any], Any] | None = None):
    """arrays -> <g, f(arrays)>, f the op's NumPy function."""
    def f(arrays: list[Any]) -> float:
        out = op.function(*arrays, **options)
        out = value_of(out) if value_of is not None else out
        return float(np.sum(g * np.asarray(out, dtype=np.float64)))

    return f


def central_difference(f: Callable[[list[Any]], float], arrays: list[Any], k: int, h: float) -> np.ndarray:
    base = np.asarray(arrays[k], dtype=np.float64)
    out = np.zeros(base.shape)
    for idx in np.ndindex(base.shape):
        step = h * max(1.0, abs(base[idx]))
        hi, lo = base.copy(), base.copy()
        hi[idx] += step
        lo[idx] -= step
        args_hi = list(arrays)
        args_lo = list(arrays)
        args_hi[k], args_lo[k] = hi, lo
        out[idx] = (f(args_hi) - f(args_lo)) / (2.0 * step)
    return out


def check_against_fd(op: Op, arrays: list[Any], options: dict[str, Any], rng: np.random.Generator,
                     rtol: float = 1e-6, h: float = 1e-6, value_of: Callable[[Any], Any] | None = None) -> None:
    """vjp of every given array against finite differences of <g, f> for a random cotangent g."""
    value, grads = evaluate(op, arrays, options)
    g = rng.standard_normal(value.shape)
    products = vjp(op, shapes_of(arrays), options, grads, g)
    f = scalar_of(op, options, g, value_of)
    for k, P in enumerate(products):
        if P is None:
            continue
        assert P.shape == np.shape(arrays[k])
        numeric = central_difference(f, arrays, k, h)
        scale = max(np.abs(numeric).max(), 1e-300)
        err = np.abs(P - numeric).max() / scale
        assert err < rtol, f"{op.name} {op.arrays[k]}: relative error {err:.2e}"


def relative_error(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.abs(b).max(initial=0.0), 1e-300)
    return float(np.abs(a - b).max(initial=0.0) / scale)


def pot_with_torch(monkeypatch: Any) -> tuple[Any, Any]:
    """torch and POT, with POT's JAX backend out of its search (skips without torch or POT).

    POT finds the backend of its inputs by trying each in turn; creating the JAX one starts
    XLA's threads, after which the suite's forking tests warn.  Torch input never needs it."""
    torch = pytest.importorskip("torch")
    ot = pytest.importorskip("ot")
    import ot.backend as backend

    found = getattr(backend, "_BACKEND_IMPLEMENTATIONS", None)
    if found is not None:
        monkeypatch.setattr(backend, "_BACKEND_IMPLEMENTATIONS", [b for b in found if b.__name__ != "JaxBackend"])
    return torch, ot
