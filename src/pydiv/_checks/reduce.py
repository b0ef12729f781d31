"""The reduction shared by the histogram divergences: validate, broadcast,
walk the rows in place, and turn the kernels' NaN into the error it means.

A kernel reports an invalid row, or a valid one whose totals left the normal
range, as NaN; the first is raised with its reason (naming the argument),
the second is rescaled exactly by a power of two and computed again (every
divergence here is invariant under scaling a row).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .arrays import raise_for_distribution, real_operands, row_blocks
from .options import check_base, check_bool, check_real, normalize_axis

__all__ = ["reduce_rows", "smoothed"]

RowsFn = Callable[[list[tuple[np.ndarray, ...]]], np.ndarray]


def _rescaled(blocks: list[tuple[np.ndarray, ...]]) -> list[tuple[np.ndarray, ...]]:
    def scale(r: np.ndarray) -> np.ndarray:
        top = r.max(axis=-1, keepdims=True)
        return r * np.where(top < 1e-250, 2.0**600, np.where(top > 1e250, 2.0**-600, 1.0))

    return [tuple(scale(r) for r in b) for b in blocks]


def reduce_rows(rows: RowsFn, p: Any, q: Any, base: Any, axis: Any, keepdims: Any, dtype: Any) -> Any:
    """`rows(blocks)` (the per-row results of (outer, inner, k) views) reduced
    along `axis` of `p` broadcast against `q`, with numpy's conventions."""
    b = check_base(base)
    keepdims = check_bool(keepdims, "keepdims")
    arrays, shape = real_operands(p, q)
    if len(shape) == 0:
        raise ValueError("p must have at least one dimension (a 0-d scalar is not a distribution)")
    ax = normalize_axis(axis, len(shape))
    if shape[ax] == 0:
        names = "p" if q is None else "p and q"
        raise ValueError(f"{names} must not be empty along axis {ax}")
    out_shape = shape[:ax] + shape[ax + 1 :]
    blocks = row_blocks(arrays, shape, ax)  # the input read in place, whatever its strides
    if math.prod(out_shape) == 0:
        result = np.empty(out_shape, dtype=np.float64)
    else:
        result = rows(blocks)
        if np.isnan(result).any():
            for name, a in zip(("p", "q"), arrays):
                raise_for_distribution(np.broadcast_to(a, shape), name, ax)
            result = rows(_rescaled(blocks))  # valid, but subnormal or huge
        result = result.reshape(out_shape)
    if b is not None:
        result /= math.log(b)
    if keepdims:
        result = np.expand_dims(result, ax)
    if dtype is not None:
        result = result.astype(dtype, copy=False)
    return result[()] if result.ndim == 0 else result


def _shares_floored(a: np.ndarray, eps: float, axis: int) -> np.ndarray:
    """The shares of `a` along `axis`, each raised to at least `eps` (the
    kernels renormalise them).  Divided by the largest entry first, so a
    total near the top of the float range cannot overflow."""
    top = np.max(a, axis=axis, keepdims=True)
    scaled = np.asarray(a, dtype=np.float64) / top
    share: np.ndarray = np.maximum(scaled / np.sum(scaled, axis=axis, keepdims=True), eps)
    return share


def _checked(p: Any, q: Any, axis: Any) -> tuple[list[np.ndarray], int]:
    """`p` and `q`, of one number of axes, checked as distributions along
    `axis` (the reduction's own messages), before any smoothing: smoothing
    must not hide a negative, NaN, infinite or all-zero row."""
    arrays, shape = real_operands(p, q)
    if len(shape) == 0:
        raise ValueError("p must have at least one dimension (a 0-d scalar is not a distribution)")
    ax = normalize_axis(axis, len(shape))
    if shape[ax] == 0:
        raise ValueError(f"p and q must not be empty along axis {ax}")
    # Each operand with the broadcast's number of axes but its own lengths (a
    # view): smoothing then copies the operands, not their broadcast.
    full = [a.reshape((1,) * (len(shape) - a.ndim) + a.shape) for a in arrays]
    for name, a in zip(("p", "q"), full):
        raise_for_distribution(a, name, ax)
    return full, ax


def smoothed(p: Any, q: Any, pseudocount: Any = None, eps: Any = None, axis: Any = -1) -> tuple[Any, Any]:
    """`p` and `q` smoothed so that an empty bin no longer gives ``inf``, as
    new float64 arrays; unchanged when both options are None.

    `pseudocount` is added to every bin (additive smoothing: 1 is Laplace's,
    0.5 Jeffreys'); `eps` is a floor on the normalised bin shares along
    `axis` (the drift tools' rule).  They are two ways to smooth, so at most
    one may be given.  Either way the inputs are checked as distributions
    first.
    """
    if pseudocount is not None and eps is not None:
        raise ValueError("give pseudocount or eps, not both: they are two ways to smooth empty bins")
    if pseudocount is not None:
        c = check_real(pseudocount, "pseudocount", "a non-negative number")
        if not (math.isfinite(c) and c >= 0.0):
            raise ValueError(f"pseudocount must be a finite number >= 0, got {pseudocount!r}")
        full, _ = _checked(p, q, axis)
        smooth = [np.add(a, c, dtype=np.float64) for a in full]
        return smooth[0], smooth[1]
    if eps is not None:
        e = check_real(eps, "eps", "a number in (0, 1) or None")
        if not (0.0 < e < 1.0 and math.isfinite(e)):
            raise ValueError(f"eps must be in (0, 1) or None, got {eps!r}")
        full, ax = _checked(p, q, axis)
        floored = [_shares_floored(a, e, ax) for a in full]
        return floored[0], floored[1]
    return p, q
