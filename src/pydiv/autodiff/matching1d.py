"""One-dimensional optimal transport in rows: the sorted (monotone) matching
and its Kantorovich dual potentials, shared by the Wasserstein, energy and
sliced ops.

Every array here is (R, n): R independent 1-D problems of the same sizes, so
a batch, the projections of a sliced distance, or both are one NumPy call.

* :func:`sort_rows` sorts each row (tied values keep their index order, a
  stable order, which fixes the gradient conventions at ties) and forms the
  CDF levels cumsum(w) / total, whose last entry is exactly 1.
* :func:`merge_rows` merges two sorted row sets stably (the first set's
  entries before the second's at equal keys).
* :func:`monotone_matching` merges the interior CDF levels of both samples
  (for uniform weights the exact integers k m and l n over n m, so that the
  masses are exact to one rounding).  The quantile coupling is then
  K = n + m - 1 pieces (i_k, j_k) of mass dm_k (some possibly 0), and each
  piece advances exactly one of i, j: the pieces are a staircase from (0, 0)
  to (n - 1, m - 1), a spanning tree of the bipartite graph, i.e. a basis of
  the transport linear program.  For the costs |x - y|^p, p >= 1 (Monge
  matrices on sorted supports) every such monotone staircase basis is
  optimal, also where masses vanish.
* :func:`piece_gradients` scatters dm_k c'(t_k) onto the samples of each
  piece (c(t) = |t|^p, c'(0) = 0 also at p = 1), the gradient of
  sum_k dm_k c(t_k) with respect to the values of a fixed matching.
* :func:`dual_potentials` solves f_i + g_j = c_k along the staircase (f_0 =
  0): a u-step from (i - 1, j) to (i, j) gives f_i = f_(i-1) + c_k - c_(k-1),
  a v-step likewise for g; two cumulative sums.
* :func:`through_normalisation` is the Jacobian of w -> w / sum(w).

Gradients and potentials come in sorted order; :func:`unsort` puts them back
in input order.  Everything is O((n + m) log(n + m)) per row: a sort of each
sample and a stable sort of two sorted runs, which merges them in linear time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _core


@dataclass(frozen=True)
class SortedRows:
    """Rows sorted along the last axis, with their normalised weights.

    order: the stable sorting permutation of each row; values: the sorted
    values; mass: the normalised weights in sorted order; levels: the CDF
    after each sorted value (last entry exactly 1); total, exponent: the
    weight total of each row is ``ldexp(total, exponent)`` (weights are
    scaled by a power of two first, so no total overflows or is subnormal).
    """

    order: np.ndarray
    values: np.ndarray
    mass: np.ndarray
    levels: np.ndarray
    total: np.ndarray
    exponent: np.ndarray
    uniform: bool = False


# Up to this many rows merge_rows places entries by binary search, row by row.
_MERGE_BY_SEARCH_UP_TO = 16


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """np.argsort(values, axis=-1, kind="stable") of (R, n) rows, by the C++ radix sort (O(n) a row,
    OpenMP across rows): ties, zeros of either sign included, keep their index order."""
    order: np.ndarray = _core.argsort_rows(np.ascontiguousarray(values, dtype=np.float64), 0)
    return order


def sort_rows(values: np.ndarray, weights: np.ndarray | None) -> SortedRows:
    """Sort the (R, n) float64 ``values`` (``weights`` of the same shape, or None for uniform)."""
    R, n = values.shape
    order = stable_argsort(values)
    xs = gather(values, order)
    if weights is None:  # levels k / n (the last exactly 1), without R x n temporaries
        ones = np.ones((R, 1))
        levels = np.broadcast_to(np.arange(1, n + 1) / n, (R, n))
        return SortedRows(order, xs, np.broadcast_to(1.0 / n, (R, n)), levels, ones * n, np.zeros((R, 1), dtype=np.int64), True)
    w = gather(weights, order)
    exponent = np.frexp(w.max(axis=-1, keepdims=True))[1].astype(np.int64)
    w = np.ldexp(w, -exponent)
    cum = np.cumsum(w, axis=-1)
    total = cum[:, -1:].copy()
    return SortedRows(order, xs, w / total, cum / total, total, exponent)


def merge_rows(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the sorted rows of ``a`` (R, n) and ``b`` (R, m): (merged keys, mask of a's entries),
    stably (an entry of ``a`` before an equal one of ``b``).  Few long rows: each entry's place is
    its index plus the count of the other row's entries before it (two binary searches of sorted
    queries, O((n + m) log)); many rows: one stable argsort of the concatenated rows."""
    R, n = a.shape
    m = b.shape[-1]
    if R > _MERGE_BY_SEARCH_UP_TO:
        cat = np.concatenate([a, b], axis=-1)
        perm = stable_argsort(cat)
        return gather(cat, perm), perm < n
    keys = np.empty((R, n + m), dtype=np.result_type(a, b))
    from_a = np.zeros((R, n + m), dtype=bool)
    for r in range(R):
        at_a = np.arange(n) + np.searchsorted(b[r], a[r], side="left")
        at_b = np.arange(m) + np.searchsorted(a[r], b[r], side="right")
        keys[r, at_a] = a[r]
        keys[r, at_b] = b[r]
        from_a[r, at_a] = True
    return keys, from_a


def monotone_matching(u: SortedRows, v: SortedRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pieces of the quantile coupling: (i, j, dm), each (R, n + m - 1), i and j sorted indices."""
    R, n = u.values.shape
    m = v.values.shape[1]
    K = n + m - 1
    if u.uniform and v.uniform and n * m < 2**53:
        # Levels k/n and l/m as the integers k m and l n over n m: every mass is one rounding of an
        # exact difference (differences of rounded levels would be off by n eps relative), and
        # every row has the same pieces.
        keys, from_u = merge_rows(np.arange(1, n, dtype=np.int64)[None] * m, np.arange(1, m, dtype=np.int64)[None] * n)
        dm = np.diff(keys, axis=-1, prepend=0, append=n * m) / float(n * m)
    else:
        keys, from_u = merge_rows(u.levels[:, :-1], v.levels[:, :-1])
        dm = np.diff(keys, axis=-1, prepend=0.0, append=1.0)
    i = np.zeros((from_u.shape[0], K), dtype=np.intp)
    np.cumsum(from_u, axis=-1, out=i[:, 1:])
    j = np.arange(K) - i
    return np.broadcast_to(i, (R, K)), np.broadcast_to(j, (R, K)), np.broadcast_to(dm, (R, K))


def _offsets(R: int, n: int) -> np.ndarray:
    return (n * np.arange(R, dtype=np.intp))[:, None]


def gather(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``a[r, idx[r, k]]`` for (R, n) ``a``: ``take_along_axis`` by one flat index (about twice as fast)."""
    R, n = a.shape
    out: np.ndarray = a[0][idx[0]][None] if R == 1 else np.take(a.reshape(-1), idx + _offsets(R, n))
    return out


def _row_sums(idx: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """out[r, q] = sum of weights[r, k] over k with idx[r, k] == q."""
    R = idx.shape[0]
    flat = (idx + n * np.arange(R)[:, None]).ravel()
    return np.bincount(flat, weights.ravel(), minlength=R * n).reshape(R, n)


def unsort(sorted_values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The inverse of ``gather(., order)``: values back in input order."""
    R, n = order.shape
    out = np.empty((R, n))
    if R == 1:
        out[0][order[0]] = sorted_values[0]
    else:
        out.reshape(-1)[order + _offsets(R, n)] = sorted_values
    return out


def cost_derivative(t: np.ndarray, p: float) -> np.ndarray:
    """c'(t) / p for c(t) = |t|^p, i.e. sign(t) |t|^(p - 1), with the value 0 at t = 0 for every p."""
    if p == 2.0:  # the common case, without a power
        return t
    out: np.ndarray = np.sign(t) if p == 1.0 else np.sign(t) * np.abs(t) ** (p - 1.0)
    return out


def piece_gradients(coef: np.ndarray, i: np.ndarray, j: np.ndarray, u: SortedRows, v: SortedRows) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample sums of ``coef`` (R, K) (+ for u's sample i_k, - for v's j_k), in sorted order."""
    n, m = u.values.shape[1], v.values.shape[1]
    gv = _row_sums(j, coef, m)
    np.negative(gv, out=gv)
    return _row_sums(i, coef, n), gv


def dual_potentials(i: np.ndarray, cost: np.ndarray, u: SortedRows, v: SortedRows) -> tuple[np.ndarray, np.ndarray]:
    """Potentials f (R, n), g (R, m), sorted order, with f_i + g_j = cost along the staircase, f of the smallest u 0."""
    R, n = u.values.shape
    m = v.values.shape[1]
    step = np.diff(cost, axis=-1)
    u_step = np.diff(i, axis=-1).astype(bool)
    f = np.zeros((R, n))
    g = np.empty((R, m))
    g[:, 0] = cost[:, 0]
    if n > 1:
        f[:, 1:] = np.cumsum(np.where(u_step, step, 0.0), axis=-1)[u_step].reshape(R, n - 1)
    if m > 1:
        v_step = ~u_step
        g[:, 1:] = cost[:, :1] + np.cumsum(np.where(v_step, step, 0.0), axis=-1)[v_step].reshape(R, m - 1)
    return f, g


def through_normalisation(h: np.ndarray, rows: SortedRows) -> np.ndarray:
    """d/dw of a function of w / sum(w) whose gradient in the normalised weights is ``h`` (sorted order):
    (h - <h, w_hat>) / sum(w), orthogonal to w (scaling the weights changes nothing)."""
    centred = h - np.sum(h * rows.mass, axis=-1, keepdims=True)
    out: np.ndarray = np.ldexp(centred / rows.total, -rows.exponent)
    return out
