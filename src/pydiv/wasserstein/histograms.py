"""The p-Wasserstein distance between histograms on a shared 1-D support.

Order 1 is one fused pass per histogram with running cumulative sums
(``_core.w1d_hist``), rows in parallel with OpenMP, strided views read in
place; other orders walk the breakpoints of both quantile functions.  An
unsorted support is sorted here, with the masses; totals that were subnormal
or overflowed are rescaled exactly, pieces lost to underflow are recovered
by the quantile fallback, and a support spanning more than the float range
is halved.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from ..typing import Reduced
from .._checks import (
    as_real_array,
    check_bool,
    check_p,
    normalize_axis,
    raise_for_distribution,
    real_operands,
    row_blocks,
    unit_max,
)
from .quantile_fallback import replacement, underflowed, wp_quantiles

__all__ = ["wasserstein_hist"]


def _hist_rows(blocks: list[tuple[np.ndarray, ...]], x: np.ndarray | None, order: float) -> np.ndarray:
    """Per-row distances of the (outer, inner, k) blocks of p and q, in order."""
    results = [_core.w1d_hist(bp, bq, x, order, 0) for bp, bq in blocks]
    return results[0] if len(results) == 1 else np.concatenate(results)


def wasserstein_hist(
    p: ArrayLike,
    q: ArrayLike,
    x: ArrayLike | None = None,
    *,
    order: float = 1,
    axis: int = -1,
    keepdims: bool = False,
) -> Reduced:
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
            lost = np.flatnonzero(underflowed(result, support[0], support[-1], r_order))
            if lost.size:  # rare: the rows as (rows, k) arrays, copies
                prow, qrow = (np.concatenate([b[i].reshape(-1, k) for b in blocks]) for i in (0, 1))
            for r in lost:
                result[r] = replacement(result[r], wp_quantiles(support, prow[r], support, qrow[r], r_order),
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

