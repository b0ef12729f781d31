"""Samples for the 1-D Wasserstein and energy distances: validation, sorting,
and the reasons the kernel refused a sample.

Values are sorted with NumPy (``np.sort`` / ``np.argsort``, SIMD-accelerated).
NumPy's sort releases the GIL, so inputs of more than ``PARALLEL_SORT_FROM``
values are sorted on a pool of threads (whole 1-D samples side by side, 2-D
samples in blocks of rows); the pool is made again after a fork, since the
child has none of the parent's threads.  Weights follow their values.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .. import _core
from .._checks import as_real_array, raise_for_weight_values, unit_max

# Below this many values in all, one thread sorts everything.
PARALLEL_SORT_FROM = 1 << 17
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def check_samples(values: Any, weights: Any, vname: str, wname: str) -> tuple[np.ndarray, np.ndarray | None]:
    a = as_real_array(values, vname)
    if a.ndim not in (1, 2):
        raise ValueError(
            f"{vname} must be 1-D (one sample) or 2-D (one sample per row), got {a.ndim}-D with shape {a.shape}"
        )
    if a.shape[-1] == 0:
        raise ValueError(f"{vname} must not be empty: a distribution needs at least one value")
    w = None
    if weights is not None:
        w = as_real_array(weights, wname)
        if w.shape != a.shape:
            raise ValueError(
                f"{wname} has shape {w.shape} but {vname} has shape {a.shape}; give one weight per value"
            )
        if w.dtype != np.float64:
            w = w.astype(np.float64)
    return a, w


def _sort_one(a: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    if w is None:
        # np.sort keeps a transposed view's layout; the row kernels need C order.
        return np.ascontiguousarray(np.sort(a, axis=-1)), None
    order = np.argsort(a, axis=-1)
    return np.take_along_axis(a, order, -1), np.take_along_axis(w, order, -1)


def _sort_block(a: np.ndarray, w: np.ndarray | None, sa: np.ndarray, sw: np.ndarray | None) -> None:
    if w is None:
        sa[...] = a
        sa.sort(axis=-1)
    else:
        order = np.argsort(a, axis=-1)
        sa[...] = np.take_along_axis(a, order, -1)
        sw[...] = np.take_along_axis(w, order, -1)  # type: ignore[index]  # sw is given with w


def _get_pool(workers: int) -> ThreadPoolExecutor:
    """The sorting threads; a new pool after a fork (the child has none of the parent's threads)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid() or _pool._max_workers < workers:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pydiv-sort")
        _pool_pid = os.getpid()
    return _pool


def sort_samples(items: list[tuple[np.ndarray, np.ndarray | None]]) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Sort each (values, weights) pair along the last axis.

    NumPy's sort releases the GIL, so large inputs are sorted on several
    threads: whole 1-D samples side by side, 2-D samples in blocks of rows.
    """
    workers = _core.max_threads()
    if workers < 2 or sum(a.size for a, _ in items) < PARALLEL_SORT_FROM:
        return [_sort_one(a, w) for a, w in items]
    pool = _get_pool(workers)
    futures = []
    out: list[Any] = []
    for a, w in items:
        if a.ndim == 1 or a.shape[0] < 2:
            out.append(pool.submit(_sort_one, a, w))
            continue
        sa = np.empty(a.shape, a.dtype)
        sw = None if w is None else np.empty(w.shape, w.dtype)
        blocks = min(workers, a.shape[0])
        bounds = [a.shape[0] * b // blocks for b in range(blocks + 1)]
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            futures.append(
                pool.submit(_sort_block, a[lo:hi], None if w is None else w[lo:hi], sa[lo:hi],
                            None if sw is None else sw[lo:hi])
            )
        out.append((sa, sw))
    for f in futures:
        f.result()
    return [o.result() if not isinstance(o, tuple) else o for o in out]


def contiguous(a: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    return np.ascontiguousarray(a), None if w is None else np.ascontiguousarray(w)


def raise_for_samples(a: np.ndarray, w: np.ndarray | None, vname: str, wname: str, check_order: bool) -> None:
    """Raise the ValueError explaining why the kernel rejected a sample."""
    if np.isnan(a).any():
        raise ValueError(f"{vname} contains NaN; values must be finite")
    if np.isinf(a).any():
        raise ValueError(f"{vname} contains infinite values; values must be finite")
    if check_order and (a[..., 1:] < a[..., :-1]).any():
        raise ValueError(
            f"{vname} is not sorted along its last axis but sorted=True was given; "
            "pass sorted=False (the default) to sort it"
        )
    if w is not None:
        raise_for_weight_values(w, wname)
        with np.errstate(over="ignore"):
            sums = w.sum(axis=-1)
        if (sums == 0).any():
            where = " in some row" if w.ndim == 2 else ""
            raise ValueError(f"{wname} sums to zero{where}; at least one weight per sample must be positive")


def rescaled(w: np.ndarray | None) -> np.ndarray | None:
    """Weights scaled per row by a power of two (exact): totals that were
    subnormal or overflowed become representable, the normalised weights unchanged."""
    if w is None:
        return None
    return np.ascontiguousarray(unit_max(w, axis=-1))


def sample_row(a: Any, r: Any) -> Any:
    """Row r of a 2-D sample; a 1-D sample (or a single row) goes with every row."""
    return a if a is None or a.ndim == 1 else a[r % a.shape[0]]

