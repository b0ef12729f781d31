"""Pairs of identical distributions, whose distance is exactly 0.

The kernels compute d(x, x) from sums that round (a KL from a matrix product,
a Dask block against its own rows passed as Y), so they may leave 1e-16 where
the answer is 0.  Rows are grouped by their bytes once, by sorting
(O((n + m) k log(n + m)) against the kernels' O(n m k)); every pair within a
group is then set to 0.  Equal bytes are the criterion, so only rows that are
equal element-wise count (with -0.0 read as 0.0), histograms after scaling
each by the power of two that brings its largest entry into [0.5, 1) (exact).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import unit_max


def histogram_groups(X: np.ndarray, Y: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of the rows of two float64 C-ordered 2-D arrays (Y=None: X itself)."""
    rows = X if Y is None else np.concatenate([X, Y])
    values = unit_max(rows, axis=1) + 0.0  # rows 2**e apart are one distribution; -0.0 + 0.0 is 0.0
    keys = values.view(np.dtype((np.void, values.shape[1] * values.itemsize))).reshape(-1)
    inverse = np.unique(keys, return_inverse=True)[1].reshape(-1)
    return (inverse, inverse) if Y is None else (inverse[: X.shape[0]], inverse[X.shape[0] :])


def item_groups(xs: Sequence[bytes], ys: Sequence[bytes] | None) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of byte strings (one per distribution; ys=None: xs itself)."""
    ids: dict[bytes, int] = {}
    gx = np.array([ids.setdefault(key, len(ids)) for key in xs], dtype=np.int64)
    if ys is None:
        return gx, gx
    return gx, np.array([ids.setdefault(key, len(ids)) for key in ys], dtype=np.int64)


def item_key(*parts: np.ndarray) -> bytes:
    """The bytes of a distribution made of several arrays (shapes included)."""
    return b"".join(np.array(a.shape, dtype=np.int64).tobytes() + (a + 0.0).tobytes() for a in parts)


def zero_identical(result: np.ndarray, gx: np.ndarray, gy: np.ndarray, condensed: bool) -> None:
    """Set result[i, j] (condensed: the pdist entry of i < j) to 0 where gx[i] == gy[j]."""
    n = gx.shape[0]
    if n == 0 or gy.shape[0] == 0:
        return
    size = int(max(gx.max(), gy.max())) + 1
    count_x, count_y = np.bincount(gx, minlength=size), np.bincount(gy, minlength=size)
    shared = (count_x > 0) & (count_y > 0)
    if not shared.any():
        return
    # Groups of one row on each side (the usual case) in one vectorised step.
    single = shared & (count_x == 1) & (count_y == 1)
    where_x = np.full(size, -1, dtype=np.int64)
    where_y = np.full(size, -1, dtype=np.int64)
    where_x[gx] = np.arange(n)
    where_y[gy] = np.arange(gy.shape[0])
    groups = np.flatnonzero(single)
    _zero_block(result, where_x[groups], where_y[groups], condensed, n, pairs=True)
    repeated = np.flatnonzero(shared & ~single)
    if repeated.size:
        order_x, order_y = np.argsort(gx, kind="stable"), np.argsort(gy, kind="stable")
        start_x, start_y = np.cumsum(count_x) - count_x, np.cumsum(count_y) - count_y
        for g in repeated:
            rows = order_x[start_x[g] : start_x[g] + count_x[g]]
            cols = order_y[start_y[g] : start_y[g] + count_y[g]]
            _zero_block(result, rows, cols, condensed, n, pairs=False)


def _zero_block(result: np.ndarray, rows: np.ndarray, cols: np.ndarray, condensed: bool, n: int, pairs: bool) -> None:
    """Zero the pairs (rows[t], cols[t]) (pairs=True) or every (row, col) of rows x cols."""
    if not condensed:
        if pairs:
            result[rows, cols] = 0.0
        else:
            result[np.ix_(rows, cols)] = 0.0
        return
    i, j = (rows, cols) if pairs else (a.reshape(-1) for a in np.meshgrid(rows, cols, indexing="ij"))
    upper = i < j
    i, j = i[upper], j[upper]
    result[n * i - i * (i + 1) // 2 + (j - i - 1)] = 0.0
