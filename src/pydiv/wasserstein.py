"""One-dimensional Wasserstein distances and the energy distance.

Samples are sorted with NumPy (``np.sort`` / ``np.argsort``, SIMD-accelerated),
then one C++ linear merge of the two sorted supports gives the distance:

* :math:`W_1` and the energy distance integrate a function of the difference
  of the two CDFs (the same values as :func:`scipy.stats.wasserstein_distance`
  and :func:`scipy.stats.energy_distance`);
* :math:`W_p` for real :math:`p \\ge 1` integrates
  :math:`|F_u^{-1} - F_v^{-1}|^p` over the quantile levels, walking the
  breakpoints of both quantile functions (the true p-Wasserstein distance,
  whose p-th power ``ot.wasserstein_1d`` returns).

Two-dimensional inputs hold one sample per row and give one distance per row;
large inputs are sorted on several threads and merged with OpenMP.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from . import _core
from ._checks import (
    as_real_array,
    check_bool,
    check_p,
    common_float,
    normalize_axis,
    raise_for_distribution,
    raise_for_weight_values,
    real_operands,
    row_blocks,
    unit_max,
)
from ._wp_fallback import _replacement, _underflowed, _wp_quantiles

__all__ = ["energy_distance", "wasserstein_1d", "wasserstein_hist"]

_ndarray = np.ndarray
_fast_dtypes = (np.dtype(np.float64), np.dtype(np.float32))

# Below this many values in all, one thread sorts everything.
_PARALLEL_SORT_FROM = 1 << 17
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _samples(values: Any, weights: Any, vname: str, wname: str) -> tuple[np.ndarray, np.ndarray | None]:
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
        return np.sort(a, axis=-1), None
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


def _sort_samples(items: list[tuple[np.ndarray, np.ndarray | None]]) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Sort each (values, weights) pair along the last axis.

    NumPy's sort releases the GIL, so large inputs are sorted on several
    threads: whole 1-D samples side by side, 2-D samples in blocks of rows.
    """
    workers = _core.max_threads()
    if workers < 2 or sum(a.size for a, _ in items) < _PARALLEL_SORT_FROM:
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


def _contiguous(a: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    return np.ascontiguousarray(a), None if w is None else np.ascontiguousarray(w)


def _raise_for_samples(a: np.ndarray, w: np.ndarray | None, vname: str, wname: str, check_order: bool) -> None:
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


def _rescaled(w: np.ndarray | None) -> np.ndarray | None:
    """Weights scaled per row by a power of two (exact): totals that were
    subnormal or overflowed become representable, the normalised weights unchanged."""
    if w is None:
        return None
    return np.ascontiguousarray(unit_max(w, axis=-1))


def _row(a: Any, r: Any) -> Any:
    """Row r of a 2-D sample; a 1-D sample (or a single row) goes with every row."""
    return a if a is None or a.ndim == 1 else a[r % a.shape[0]]


def _distance(kind: int, u_values: Any, v_values: Any, u_weights: Any, v_weights: Any, p: float,
              is_sorted: bool) -> Any:
    u, uw = _samples(u_values, u_weights, "u_values", "u_weights")
    v, vw = _samples(v_values, v_weights, "v_values", "v_weights")
    u, v = common_float(u, v)
    pair = u.ndim == 1 and v.ndim == 1
    if not pair:
        ru = u.shape[0] if u.ndim == 2 else 1
        rv = v.shape[0] if v.ndim == 2 else 1
        if ru != rv and 1 not in (ru, rv):
            raise ValueError(
                f"u_values and v_values have {ru} and {rv} rows; 2-D inputs need the same number of rows "
                "(one distance per row), or a single row to compare with every row"
            )
        if 0 in (ru, rv):
            return np.empty(0, dtype=np.float64)
    if is_sorted:
        (u, uw), (v, vw) = _contiguous(u, uw), _contiguous(v, vw)
    else:
        (u, uw), (v, vw) = _sort_samples([(u, uw), (v, vw)])
    # One pair: after a sort the merge is a small part of the time, and
    # OpenMP threads left spinning would slow the next sort's threads.
    pair_threads = 0 if is_sorted else 1

    def call(uw: np.ndarray | None, vw: np.ndarray | None) -> Any:
        if pair:
            return _core.w1d_pair(u, uw, v, vw, p, kind, is_sorted, pair_threads)
        return _core.w1d_rows(
            u.reshape(1, -1) if u.ndim == 1 else u,
            None if uw is None else (uw.reshape(1, -1) if uw.ndim == 1 else uw),
            v.reshape(1, -1) if v.ndim == 1 else v,
            None if vw is None else (vw.reshape(1, -1) if vw.ndim == 1 else vw),
            p, kind, is_sorted, 0,
        )

    result = call(uw, vw)
    if np.isnan(result).any():
        _raise_for_samples(u, uw, "u_values", "u_weights", is_sorted)
        _raise_for_samples(v, vw, "v_values", "v_weights", is_sorted)
        # Valid, but a weight total was subnormal or overflowed.
        uw, vw = _rescaled(uw), _rescaled(vw)
        result = call(uw, vw)
    if kind == _core.W1D_WASSERSTEIN and p != 1.0:
        # Pieces lost to underflow (large p), or to overflow (values near the
        # float range): the NumPy quantile merge, scaled by the largest gap.
        lo, hi = np.broadcast_arrays(np.minimum(u[..., 0], v[..., 0]), np.maximum(u[..., -1], v[..., -1]))
        lost = _underflowed(result, lo, hi, p)
        if lost.any():
            result = np.array(result, dtype=np.float64)
            for r in np.flatnonzero(lost) if not pair else [()]:
                fallback = _wp_quantiles(_row(u, r), _row(uw, r), _row(v, r), _row(vw, r), p)
                result[r] = _replacement(result[r], fallback, lo[r], hi[r], p)
            result = result[()]
    bad = ~np.isfinite(result)
    if bad.any() and p == 1.0:
        # Valid, but the kernel's sums overflowed (values far from 1, e.g. 1e306
        # with many points): scale the values to at most 1 by an exact even
        # power of two; W_1 scales with the values, the energy distance with
        # their square root.  Only the rows that overflowed are replaced.
        top = max(float(np.abs(a[..., e]).max()) for a in (u, v) for e in (0, -1))
        exp = math.frexp(top)[1]
        exp += exp & 1
        u, v = (np.ldexp(a.astype(np.float64), -exp) for a in (u, v))
        half = math.ldexp(1.0, exp // 2)
        with np.errstate(over="ignore"):  # a distance beyond the float range is inf
            scaled = np.asarray(call(uw, vw)) * half
            if kind != _core.W1D_ENERGY:
                scaled = scaled * half
        result = scaled[()] if pair else np.where(bad, scaled, result)
    return np.float64(result) if pair else result


def _fast_pair(kind: int, u: Any, v: Any, p: float) -> Any:
    """Two 1-D float arrays of one dtype, no weights: the low-overhead path.

    Returns None when the inputs need the general path (it also reports errors).
    """
    if (
        type(u) is _ndarray
        and type(v) is _ndarray
        and u.ndim == 1
        and v.ndim == 1
        and u.dtype == v.dtype
        and u.dtype in _fast_dtypes
        and u.shape[0] > 0
        and v.shape[0] > 0
    ):
        if u.shape[0] + v.shape[0] >= _PARALLEL_SORT_FROM:
            (us, _), (vs, _) = _sort_samples([(u, None), (v, None)])
        else:
            us, vs = np.sort(u), np.sort(v)
        r = _core.w1d_pair(us, None, vs, None, p, kind, False, 1)
        # NaN, inf and underflow have their remedies in the general path.
        if r < math.inf:
            if p == 1.0 or r > 0.0 and p * (math.log2(r) - math.log2(
                (float(max(us[-1], vs[-1])) * 0.5 - float(min(us[0], vs[0])) * 0.5) * 4.0
            )) >= -900.0:
                return np.float64(r)
    return None


def wasserstein_1d(
    u_values: Any,
    v_values: Any,
    u_weights: Any = None,
    v_weights: Any = None,
    *,
    p: float = 1,
    sorted: bool = False,
) -> Any:
    r"""p-Wasserstein distance between two one-dimensional distributions.

    .. math::

        W_p(u, v) = \left( \int_0^1 \left| F_u^{-1}(s) - F_v^{-1}(s) \right|^p
        \, ds \right)^{1/p},
        \qquad
        W_1(u, v) = \int_{-\infty}^{\infty} \left| F_u(t) - F_v(t) \right| dt

    where :math:`F_u` is the cumulative distribution function of the weighted
    sample `u` and :math:`F_u^{-1}` its quantile function.  In one dimension
    the optimal transport plan is the monotone (quantile) coupling, so this is
    the exact optimal-transport cost with ground cost :math:`|x - y|^p`.

    Parameters
    ----------
    u_values, v_values : array_like
        Sample values: 1-D for one distribution, or 2-D with one distribution
        per row (then one distance per row).  A 1-D sample, or a 2-D one with
        a single row, is compared with every row of the other.  The sizes of
        `u` and `v` may differ.
    u_weights, v_weights : array_like, optional
        Non-negative weights, one per value (same shape as the values);
        normalised per distribution.  Unit weights by default.
    p : float, default 1
        Order of the distance, a real number :math:`\ge 1`.
    sorted : bool, default False
        Declare the values already sorted along the last axis (weights
        aligned with them), which skips the sort.  The order is verified; an
        unsorted input raises ``ValueError``.

    Returns
    -------
    float or ndarray
        :math:`W_p`, a float for two 1-D inputs, else one value per row.

    Raises
    ------
    ValueError
        If a sample is empty or has NaN or infinite values; a weight is
        negative or NaN, all weights of a sample are zero, or weights and
        values differ in shape; `p` is not a finite number :math:`\ge 1`; 2-D
        inputs have different numbers of rows; the values are more than 2-D;
        ``sorted=True`` but the values are not sorted.
    TypeError
        If the values or weights are not real numbers, or `p` is not a number.

    See Also
    --------
    wasserstein_hist : the same distance between histograms on a shared support.
    energy_distance : the L2 distance between the CDFs.

    Notes
    -----
    ``p=1`` gives the same values as :func:`scipy.stats.wasserstein_distance`
    (to rounding).  For other `p` the result is the true :math:`W_p` from the
    quantile functions; ``ot.wasserstein_1d(u, v, uw, vw, p=p)`` (POT) returns
    :math:`W_p^p`.  (SciPy's CDF-based distance with exponent ``p != 1`` is a
    different quantity.)  With equal sizes and unit weights
    :math:`W_p^p = \frac1n \sum_k |u_{(k)} - v_{(k)}|^p` over the sorted
    values, which is what is computed then.

    Values are sorted with NumPy; a C++ linear merge of the sorted supports
    then takes :math:`O(n_u + n_v)` with float64 accumulation (also for
    float32 input).  Large inputs are sorted on several threads and merged
    with OpenMP (``OMP_NUM_THREADS`` limits both); the result does not depend
    on the thread count.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.wasserstein_1d([0, 1, 3], [5, 6, 8]))
    5.0
    >>> float(pydiv.wasserstein_1d([0, 1], [0, 1], [3, 1], [2, 2]))
    0.25
    >>> float(pydiv.wasserstein_1d([0, 0, 4], [0, 4, 4], p=2))  # sqrt(16 / 3)
    2.309401076758503

    One distance per row:

    >>> import numpy as np
    >>> pydiv.wasserstein_1d(np.array([[0.0, 1.0], [2.0, 3.0]]), [0.0, 1.0])
    array([0., 2.])
    """
    pf = check_p(p)
    sorted = check_bool(sorted, "sorted")
    if u_weights is None and v_weights is None and not sorted:
        r = _fast_pair(_core.W1D_WASSERSTEIN, u_values, v_values, pf)
        if r is not None:
            return r
    return _distance(_core.W1D_WASSERSTEIN, u_values, v_values, u_weights, v_weights, pf, sorted)


def energy_distance(
    u_values: Any,
    v_values: Any,
    u_weights: Any = None,
    v_weights: Any = None,
    *,
    sorted: bool = False,
) -> Any:
    r"""Energy distance between two one-dimensional distributions.

    .. math::

        D(u, v) = \sqrt{2} \left( \int_{-\infty}^{\infty}
        \left( F_u(t) - F_v(t) \right)^2 dt \right)^{1/2}
        = \left( 2\,\mathbb{E}|X - Y| - \mathbb{E}|X - X'| - \mathbb{E}|Y - Y'| \right)^{1/2}

    with :math:`X, X' \sim u` and :math:`Y, Y' \sim v` independent.

    Parameters
    ----------
    u_values, v_values : array_like
        Sample values, 1-D, or 2-D with one distribution per row (see
        :func:`wasserstein_1d`).
    u_weights, v_weights : array_like, optional
        Non-negative weights, one per value; unit weights by default.
    sorted : bool, default False
        Declare the values already sorted along the last axis (checked).

    Returns
    -------
    float or ndarray
        The energy distance, a float for two 1-D inputs, else one per row.

    Raises
    ------
    ValueError, TypeError
        For the same invalid inputs as :func:`wasserstein_1d`.

    Notes
    -----
    The same values as :func:`scipy.stats.energy_distance` (to rounding), in
    one linear merge of the two sorted supports.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.energy_distance([0], [2]))
    2.0
    >>> float(pydiv.energy_distance([0, 8], [0, 8], [3, 1], [2, 2]))
    1.0
    """
    sorted = check_bool(sorted, "sorted")
    if u_weights is None and v_weights is None and not sorted:
        r = _fast_pair(_core.W1D_ENERGY, u_values, v_values, 1.0)
        if r is not None:
            return r
    return _distance(_core.W1D_ENERGY, u_values, v_values, u_weights, v_weights, 1.0, sorted)


def _hist_rows(blocks: list[tuple[np.ndarray, ...]], x: np.ndarray | None, order: float) -> np.ndarray:
    """Per-row distances of the (outer, inner, k) blocks of p and q, in order."""
    results = [_core.w1d_hist(bp, bq, x, order, 0) for bp, bq in blocks]
    return results[0] if len(results) == 1 else np.concatenate(results)



def wasserstein_hist(
    p: Any,
    q: Any,
    x: Any = None,
    *,
    order: float = 1,
    axis: int = -1,
    keepdims: bool = False,
) -> Any:
    r"""p-Wasserstein distance between histograms on a shared one-dimensional support.

    .. math::

        W_1(p, q) = \sum_{i=0}^{k-2} \left| P_i - Q_i \right| (x_{i+1} - x_i),
        \qquad P_i = \frac{\sum_{j \le i} p_j}{\sum_j p_j},\;
        Q_i = \frac{\sum_{j \le i} q_j}{\sum_j q_j}

    and for ``order`` :math:`r \ne 1`,
    :math:`W_r = (\int_0^1 |F_p^{-1}(s) - F_q^{-1}(s)|^r ds)^{1/r}`: the
    distance between the distributions that put mass :math:`p_i` (and
    :math:`q_i`) at :math:`x_i`.

    Parameters
    ----------
    p, q : array_like
        Non-negative masses (probabilities or counts) along `axis`, normalised
        here; they broadcast against each other, the other axes are batch axes.
    x : array_like, optional
        The support, one point per bin (length ``p.shape[axis]``); bins
        ``0, 1, ..., k - 1`` by default.  Sorted here when it is not.
    order : float, default 1
        Order :math:`r \ge 1` of the distance.
    axis : int, default -1
        Axis along which the histograms lie (one per row by default; scipy's
        functions reduce along ``axis=0``).
    keepdims : bool, default False
        Keep the reduced axis with length one.

    Returns
    -------
    float or ndarray
        The distance, with `axis` removed from the broadcast shape.

    Raises
    ------
    ValueError
        If `p` or `q` has negative, NaN or infinite entries or sums to zero,
        the histograms are empty or do not broadcast, `x` has the wrong length
        or non-finite values, or `order` is not a finite number :math:`\ge 1`.
    TypeError
        If an input is not real-valued numeric data.

    Notes
    -----
    Order 1 is one fused pass per histogram with running cumulative sums (no
    temporaries), after a pass for the totals; rows are processed in
    parallel with OpenMP and strided views are read in place.  Equal to
    ``scipy.stats.wasserstein_distance(x, x, p, q)``.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.wasserstein_hist([1, 0, 0], [0, 0, 1]))
    2.0
    >>> float(pydiv.wasserstein_hist([1, 1], [0, 2], x=[0.0, 0.5], order=2))
    0.3535533905932738
    """
    r_order = check_p(order, "order")
    keepdims = check_bool(keepdims, "keepdims")
    (pa, qa), shape = real_operands(p, q)
    if len(shape) == 0:
        raise ValueError("p must have at least one dimension (a 0-d scalar is not a histogram)")
    ax = normalize_axis(axis, len(shape))
    k = shape[ax]
    if k == 0:
        raise ValueError(f"p and q must not be empty along axis {ax}")
    xa = None
    if x is not None:
        xa = as_real_array(x, "x")
        if xa.shape != (k,):
            raise ValueError(f"x must be 1-D with one point per bin ({k}), got shape {xa.shape}")
        xa = xa.astype(np.float64, copy=False)
        if not np.isfinite(xa).all():
            raise ValueError("x contains NaN or infinite values; the support must be finite")
        if k > 1 and (xa[1:] < xa[:-1]).any():
            perm = np.argsort(xa, kind="stable")
            xa = xa[perm]
            pa = np.take(np.broadcast_to(pa, shape), perm, axis=ax)
            qa = np.take(np.broadcast_to(qa, shape), perm, axis=ax)
    out_shape = shape[:ax] + shape[ax + 1 :]
    blocks = row_blocks((pa, qa), shape, ax)  # the input read in place, whatever its strides
    if math.prod(out_shape) == 0:
        result = np.empty(out_shape, dtype=np.float64)
    else:
        result = _hist_rows(blocks, xa, r_order)
        if np.isnan(result).any():
            with np.errstate(over="ignore"):  # totals may overflow: handled below
                raise_for_distribution(np.broadcast_to(pa, shape), "p", ax)
                raise_for_distribution(np.broadcast_to(qa, shape), "q", ax)
            # Valid but with a subnormal or overflowing total: rescale exactly.
            blocks = [(unit_max(bp, axis=-1), unit_max(bq, axis=-1)) for bp, bq in blocks]
            result = _hist_rows(blocks, xa, r_order)
        if r_order != 1.0:
            # Pieces lost to underflow (large order) or to overflow (a support
            # spanning more than the float range): the NumPy quantile merge.
            support = np.arange(k, dtype=np.float64) if xa is None else xa
            lost = np.flatnonzero(_underflowed(result, support[0], support[-1], r_order))
            if lost.size:  # rare: the rows as (rows, k) arrays, copies
                prow, qrow = (np.concatenate([b[i].reshape(-1, k) for b in blocks]) for i in (0, 1))
            for r in lost:
                result[r] = _replacement(result[r], _wp_quantiles(support, prow[r], support, qrow[r], r_order),
                                         support[0], support[-1], r_order)
        bad = ~np.isfinite(result)
        if bad.any() and xa is not None and r_order == 1.0:
            # Valid, but the gaps of a support spanning more than the float
            # range overflowed: halve it (exact).
            with np.errstate(over="ignore"):  # a distance beyond the float range is inf
                halved = _hist_rows(blocks, xa * 0.5, r_order) * 2.0
            result = np.where(bad, halved, result)
        result = result.reshape(out_shape)
    if keepdims:
        result = np.expand_dims(result, ax)
    return result[()] if result.ndim == 0 else result
