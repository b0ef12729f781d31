"""Pairs of identical distributions, whose distance is exactly 0.

The kernels compute d(x, x) from sums that round (a KL from a matrix product,
a Dask block against its own rows passed as Y), so they may leave 1e-16 where
the answer is 0.  Each distribution gets a 64-bit hash of its bits (a sum of
the bits times odd position-dependent multipliers, O(size) and vectorised);
distributions of one hash are then compared element-wise with the first of
them, so the grouping is exact (a hash collision falls back to grouping by
the bytes themselves).  Every pair within a group is set to 0.  Without
repeated rows this costs a few percent of the fastest matrix (KL).

Equal bits are the criterion (with -0.0 read as 0.0); histograms are compared
after scaling each by the power of two that brings its largest entry into
[0.5, 1), exact, so rows 2**e apart count as the one distribution they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import unit_max

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_WEIGHT_SALT = np.uint64(0xD1B54A32D192ED03)


def _multipliers(pos: np.ndarray) -> np.ndarray:
    """Odd 64-bit multipliers, one per position (odd: the product is a bijection of the bits)."""
    out: np.ndarray = (pos.astype(np.uint64) + np.uint64(1)) * _GOLDEN | np.uint64(1)
    return out


def _bits(a: np.ndarray) -> np.ndarray:
    """The bits of a float64 array, -0.0 read as 0.0."""
    return np.ascontiguousarray(a + 0.0).view(np.uint64)


def _grouped(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group ids of the hashes, each group's first index, and the indices to verify
    (members of a group of two or more that are not its first)."""
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    others = np.flatnonzero(first[inverse] != np.arange(h.shape[0]))
    return inverse, first, others


def _split(groups: np.ndarray, n: int, same: bool) -> tuple[np.ndarray, np.ndarray]:
    return (groups, groups) if same else (groups[:n], groups[n:])


def histogram_groups(
    X: tuple[np.ndarray, np.ndarray], Y: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of histogram rows, each side given as (its rows normalised,
    float64 C-ordered; the rows as given) (Y=None: X itself).  The hash is of
    the normalised rows (no temporaries of their size); members of a group
    are then compared on the rows as given, each scaled by a power of two."""
    sides = [X] if Y is None else [X, Y]
    k = X[0].shape[1]
    multipliers = _multipliers(np.arange(k))
    h = np.concatenate([_hashable(normalised) @ multipliers for normalised, _ in sides])  # modulo 2**64
    groups, first, others = _grouped(h)
    n = X[0].shape[0]

    def rows(index: np.ndarray) -> np.ndarray:
        out = np.empty((index.shape[0], k))
        in_x = index < n
        out[in_x] = X[1][index[in_x]]
        if Y is not None:
            out[~in_x] = Y[1][index[~in_x] - n]
        return unit_max(out, axis=1)

    if others.size and not (rows(others) == rows(first[groups[others]])).all():  # a collision: group by the bytes
        scaled = _bits(unit_max(np.concatenate([raw for _, raw in sides]), axis=1))
        keys = scaled.view(np.dtype((np.void, k * scaled.itemsize))).reshape(-1)
        groups = np.unique(keys, return_inverse=True)[1].reshape(-1)
    return _split(groups, n, Y is None)


def _hashable(rows: np.ndarray) -> np.ndarray:
    """The bits of non-negative rows, a view unless some entry is -0.0 (then read as 0.0)."""
    return _bits(rows) if np.signbit(rows).any() else rows.view(np.uint64)


def item_groups(xs: tuple[Any, ...], ys: tuple[Any, ...] | None) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of samples or point clouds given as (concatenated values (N,)
    or (N, d), their weights (N,) or None for uniform, offsets) (ys=None: xs itself)."""
    sides = [xs] if ys is None else [xs, ys]
    n = xs[2].shape[0] - 1
    if ys is not None and xs[0].shape[1:] != ys[0].shape[1:]:  # clouds of different dimensions
        return np.arange(n), n + np.arange(ys[2].shape[0] - 1)
    values = np.concatenate([s[0] for s in sides])
    lengths = np.concatenate([np.diff(s[2]) for s in sides])
    weights = np.concatenate([np.repeat(1.0 / np.diff(s[2]), np.diff(s[2])) if s[1] is None else s[1] for s in sides])
    if lengths.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(values.shape[0]) - np.repeat(starts, lengths)
    flat = _bits(values).reshape(values.shape[0], -1)
    width = flat.shape[1]
    terms = (flat * _multipliers(pos[:, None] * width + np.arange(width))).sum(axis=1)
    wbits = _bits(weights)
    terms += (wbits ^ _WEIGHT_SALT) * _multipliers(pos)
    h = np.add.reduceat(terms, starts) + lengths.astype(np.uint64) * _GOLDEN
    groups, first, others = _grouped(h)
    if not _spans_equal(flat, wbits, starts, lengths, others, first[groups[others]]):
        keys = [flat[a : a + size].tobytes() + wbits[a : a + size].tobytes() for a, size in zip(starts, lengths)]
        ids: dict[bytes, int] = {}  # a collision: group by the bytes
        groups = np.array([ids.setdefault(key, len(ids)) for key in keys], dtype=np.int64)
    return _split(groups, n, ys is None)


def _spans_equal(flat: np.ndarray, wbits: np.ndarray, starts: np.ndarray, lengths: np.ndarray, items: np.ndarray,
                 others: np.ndarray) -> bool:
    """Whether item items[t] equals item others[t] for every t (values and weights, bit for bit)."""
    if not (lengths[items] == lengths[others]).all():
        return False
    size = lengths[items]
    within = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    a, b = np.repeat(starts[items], size) + within, np.repeat(starts[others], size) + within
    return bool((flat[a] == flat[b]).all() and (wbits[a] == wbits[b]).all())


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
