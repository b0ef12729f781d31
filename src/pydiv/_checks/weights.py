"""Weights: validation, and exact scaling by powers of two.

Scaling a weight vector by the power of two that brings its largest entry
into [0.5, 1) is exact, so totals neither overflow (1e308 weights) nor lose
digits to subnormals (1e-320 weights); every normalisation here starts so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arrays import as_real_array


def unit_max(w: np.ndarray, axis: int | None = None) -> np.ndarray:
    """``w`` times the power of two that brings its largest entry (along `axis`)
    into [0.5, 1): exact, and a total of the result neither overflows (1e308
    weights) nor loses digits to subnormals (1e-320 weights)."""
    top = np.max(w, axis=axis, keepdims=axis is not None)
    exponent = np.frexp(top)[1]
    if w.dtype == np.float64 and np.all(np.abs(exponent) < 1000):
        # Times 2**-e, a float64: the same rounding as ldexp, several times faster.
        fast: np.ndarray = w * np.ldexp(1.0, -exponent)
        return fast
    scaled: np.ndarray = np.ldexp(w, -exponent)
    return scaled


def normalised_weights(w: np.ndarray) -> np.ndarray:
    """Non-negative weights with a positive total, divided by that total at any scale."""
    scaled = unit_max(w)
    out: np.ndarray = scaled / scaled.sum()
    return out


def balanced_weights(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """`a` and `b` brought to one total (returned too), by powers of two alone
    where the totals allow it.

    Dividing each side by its own total rounds every weight, and the two sides
    round differently: two clouds with equal integer weights then disagree on
    the mass of a shared far point by an ulp, which a cost of 1e16 turns into
    an error of order 1.  Scaled by powers of two, weights whose totals are
    equal up to a power of two stay exact; other totals leave `b` rounded once,
    as normalising would.
    """
    ua, ub = unit_max(a), unit_max(b)
    sa, sb = float(ua.sum()), float(ub.sum())
    return ua, (ub if sa == sb else ub * (sa / sb)), sa



def raise_for_weight_values(w: np.ndarray, name: str) -> None:
    """Refuse NaN, infinite and negative weights, naming `name`."""
    if np.isnan(w).any():
        raise ValueError(f"{name} contains NaN; weights must be finite and non-negative")
    if np.isinf(w).any():
        raise ValueError(f"{name} contains infinite values; weights must be finite and non-negative")
    if (w < 0).any():
        raise ValueError(f"{name} has negative entries; weights must be non-negative")


def check_weights(w: Any, n: int, name: str, other: str) -> np.ndarray:
    """Validated float64 weights of n points (uniform when None)."""
    if w is None:
        return np.full(n, 1.0 / n)
    arr = as_real_array(w, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of weights, got {arr.ndim}-D with shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} weights but {other} has {n}; give one weight per {other}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    raise_for_weight_values(arr, name)
    with np.errstate(over="ignore"):  # a total beyond the float range is scaled by the callers
        positive = arr.sum() > 0
    if not positive:
        raise ValueError(f"{name} sums to zero: there is no mass to transport")
    return arr

