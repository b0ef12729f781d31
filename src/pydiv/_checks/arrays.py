"""Array arguments: conversion to real float arrays, broadcasting, row views,
and the reasons a distribution is invalid.

:func:`as_real_array` is the one door for array input: real numbers only
(booleans and complex numbers are a TypeError), float32 kept, everything else
float64, DLPack-only tensors read without a copy, and a masked array with
masked entries refused (its mask would be ignored).  Kernels report an invalid
distribution as NaN; :func:`raise_for_distribution` then finds the reason with
NumPy, so valid inputs never pay for these checks twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .sparse import dense_of_sparse, is_sparse


def _refuse_masked(x: Any, name: str) -> None:
    if isinstance(x, np.ma.MaskedArray) and np.ma.getmask(x) is not np.ma.nomask and x.mask.any():
        raise TypeError(
            f"{name} is a masked array with masked entries; masks are not supported (they would be ignored): "
            f"pass {name}.compressed() to drop the masked entries, or {name}.filled(0) to give them zero mass"
        )


def as_real_array(x: Any, name: str) -> np.ndarray:
    """Convert an array-like to a float32 or float64 array (no copy when possible)."""
    if is_sparse(x):  # scipy.sparse: validated and densified (pydiv._checks.sparse)
        return dense_of_sparse(x, name)
    _refuse_masked(x, name)
    try:
        if hasattr(x, "__dlpack__") and not hasattr(x, "__array__"):
            arr = np.from_dlpack(x)  # a DLPack-only tensor, without a copy
        else:
            arr = np.asarray(x)
    except (TypeError, ValueError, BufferError, RuntimeError) as exc:  # ragged lists, non-CPU tensors
        raise TypeError(f"{name} must be a numeric array-like; {exc}") from None
    if isinstance(x, (list, tuple)) and arr.ndim > 1:  # rows given as arrays: one check per row, not per entry
        for r, row in enumerate(x):
            _refuse_masked(row, f"{name}[{r}]")
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype == np.float32 or arr.dtype == np.float64:
            return arr
        return arr.astype(np.float64)
    if kind in "iu":
        return arr.astype(np.float64)
    if kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans; convert it with .astype(float)")
    if kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}")
    raise TypeError(f"{name} must be a numeric array-like, got dtype {arr.dtype}")


def largest_magnitude(*arrays: np.ndarray) -> float:
    """max |a| over the arrays (0.0 for empty ones, NaN if any holds NaN), by
    two reductions per array and no temporary the size of the input."""
    top = 0.0
    for a in arrays:
        if a.size:
            hi, lo = float(a.max()), float(a.min())
            if hi != hi or lo != lo:
                return math.nan
            top = max(top, hi, -lo)
    return top


def common_float(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cast to float32 only when every array is float32, else to float64."""
    if all(a.dtype == np.float32 for a in arrays):
        return arrays
    return tuple(a if a.dtype == np.float64 else a.astype(np.float64) for a in arrays)



def _operand(x: Any, name: str) -> np.ndarray:
    # A distribution given as a 1-row or 1-column scipy.sparse matrix is a vector.
    return dense_of_sparse(x, name, vector=True) if is_sparse(x) else as_real_array(x, name)


def real_operands(
    p: Any, q: Any, names: tuple[str, str] = ("p", "q")
) -> tuple[tuple[np.ndarray, ...], tuple[int, ...]]:
    """`p` (and `q` unless None) as real arrays of one float type, and their broadcast shape."""
    pa = _operand(p, names[0])
    if q is None:
        (pa,) = common_float(pa)
        return (pa,), pa.shape
    qa = _operand(q, names[1])
    pa, qa = common_float(pa, qa)
    return (pa, qa), broadcast_shape(pa, qa, names)


def check_out_disjoint(out: np.ndarray, inputs: dict[str, Any]) -> None:
    """Refuse an `out` that shares memory with an input (an array, or a list of
    arrays): a block written early would change rows that later blocks read."""
    for name, value in inputs.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, np.ndarray) and np.may_share_memory(out, item) and np.shares_memory(out, item):
                raise ValueError(f"out shares memory with {name}; pass a separate array, or a copy of {name}")


def broadcast_shape(p: np.ndarray, q: np.ndarray, names: tuple[str, str] = ("p", "q")) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(
            f"{names[0]} and {names[1]} have shapes {p.shape} and {q.shape}, which do not broadcast"
        ) from None


def row_blocks(arrays: tuple[np.ndarray, ...], shape: tuple[int, ...], axis: int) -> list[tuple[np.ndarray, ...]]:
    """Views (outer, inner, k) of ``arrays`` broadcast to ``shape`` with ``axis``
    last, without copying: batch axes whose strides line up in every array are
    merged (a middle axis of a C-ordered array leaves two, one before and one
    after it); one block per index of any batch axes left over, in C order."""
    k = shape[axis]
    moved = [np.moveaxis(np.broadcast_to(a, shape), axis, -1) for a in arrays]
    batch = [d for d in range(len(shape) - 1) if moved[0].shape[d] != 1]
    if any(moved[0].shape[d] == 0 for d in batch):
        return [tuple(m.reshape(1, 0, k) for m in moved)]
    sizes: list[int] = []
    inner_strides: list[int] = []  # per array, of the last axis merged so far
    for d in batch:
        strides = [m.strides[d] for m in moved]
        if sizes and all(prev == m.shape[d] * s for prev, m, s in zip(inner_strides, moved, strides)):
            sizes[-1] *= moved[0].shape[d]
        else:
            sizes.append(moved[0].shape[d])
        inner_strides = strides
    sizes = [1] * (2 - len(sizes)) + sizes
    merged = [m.reshape(*sizes, k) for m in moved]  # a view: the merged axes line up
    return [tuple(m[index] for m in merged) for index in np.ndindex(*sizes[:-2])]


def raise_for_distribution(arr: np.ndarray, name: str, axis: int | None = None) -> None:
    """Raise the ValueError that explains why ``arr`` is not a valid distribution."""
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; probabilities must be finite and non-negative")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values; probabilities must be finite and non-negative")
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries; probabilities must be non-negative")
    sums = arr.sum(axis=axis) if axis is not None else arr.sum()
    if (np.asarray(sums) == 0).any():
        where = f" along axis {axis}" if axis is not None and arr.ndim > 1 else ""
        raise ValueError(f"{name} sums to zero{where}, so it cannot be normalised to a distribution")

