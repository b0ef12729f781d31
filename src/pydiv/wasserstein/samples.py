"""The 1-D Wasserstein distance and the energy distance between samples.

Both samples are sorted (:mod:`pydiv.wasserstein.sorting`), then one C++
linear merge of the two sorted supports gives the distance
(``_core.w1d_pair`` for two 1-D samples, ``_core.w1d_rows`` for one per row):
:math:`W_1` and the energy distance integrate a function of the difference
of the two CDFs; :math:`W_p` for real :math:`p \\ge 1` integrates
:math:`|F_u^{-1} - F_v^{-1}|^p` over the quantile levels.  Two 1-D float
arrays without weights take a short path with no temporaries.  Results the
kernel could not give are recovered: weight totals that were subnormal or
overflowed by exact rescaling, :math:`W_p` pieces lost to underflow by the
quantile fallback (:mod:`pydiv.wasserstein.quantile_fallback`), sums that
overflowed by scaling the values by a power of two.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from ..typing import Reduced
from .._checks import check_bool, check_p, common_float
from .axis import samples_last
from .quantile_fallback import replacement, underflowed, wp_quantiles
from .sorting import (
    PARALLEL_SORT_FROM,
    check_samples,
    contiguous,
    raise_for_samples,
    rescaled,
    sample_row,
    sort_samples,
)

__all__ = ["energy_distance", "wasserstein_1d"]

_ndarray = np.ndarray
_fast_dtypes = (np.dtype(np.float64), np.dtype(np.float32))


def _distance(kind: int, u_values: Any, v_values: Any, u_weights: Any, v_weights: Any, p: float,
              is_sorted: bool) -> Reduced:
    u, uw = check_samples(u_values, u_weights, "u_values", "u_weights")
    v, vw = check_samples(v_values, v_weights, "v_values", "v_weights")
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
        (u, uw), (v, vw) = contiguous(u, uw), contiguous(v, vw)
    else:
        (u, uw), (v, vw) = sort_samples([(u, uw), (v, vw)])
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
        raise_for_samples(u, uw, "u_values", "u_weights", is_sorted)
        raise_for_samples(v, vw, "v_values", "v_weights", is_sorted)
        # Valid, but a weight total was subnormal or overflowed.
        uw, vw = rescaled(uw), rescaled(vw)
        result = call(uw, vw)
    if kind == _core.W1D_WASSERSTEIN and p != 1.0:
        # Pieces lost to underflow (large p), or to overflow (values near the
        # float range): the NumPy quantile merge, scaled by the largest gap.
        lo, hi = np.broadcast_arrays(np.minimum(u[..., 0], v[..., 0]), np.maximum(u[..., -1], v[..., -1]))
        lost = underflowed(result, lo, hi, p)
        if lost.any():
            result = np.array(result, dtype=np.float64)
            for r in np.flatnonzero(lost) if not pair else [()]:
                fallback = wp_quantiles(sample_row(u, r), sample_row(uw, r), sample_row(v, r), sample_row(vw, r), p)
                result[r] = replacement(result[r], fallback, lo[r], hi[r], p)
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


def _fast_pair(kind: int, u: Any, v: Any, p: float) -> np.float64 | None:
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
        if u.shape[0] + v.shape[0] >= PARALLEL_SORT_FROM:
            (us, _), (vs, _) = sort_samples([(u, None), (v, None)])
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
    u_values: ArrayLike,
    v_values: ArrayLike,
    u_weights: ArrayLike | None = None,
    v_weights: ArrayLike | None = None,
    *,
    p: float = 1,
    sorted: bool = False,
    axis: int | None = None,
) -> Reduced:
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
    axis : int, optional
        The axis of each input that holds its samples (weights alike).
        ``None`` (default): the last, one distribution per row.  ``axis=0``
        on (samples, features) tables compares them column by column, one
        distance per feature, as passing the transposes would.  A 1-D input
        takes 0 or -1.

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
        ``sorted=True`` but the values are not sorted; `axis` is out of bounds.
    TypeError
        If the values or weights are not real numbers, or `p` is not a number.

    See Also
    --------
    pydiv.wasserstein_hist : the same distance between histograms on a shared support.
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
    u_values, v_values, u_weights, v_weights = samples_last(axis, (u_values, v_values), (u_weights, v_weights))
    if u_weights is None and v_weights is None and not sorted:
        r = _fast_pair(_core.W1D_WASSERSTEIN, u_values, v_values, pf)
        if r is not None:
            return r
    return _distance(_core.W1D_WASSERSTEIN, u_values, v_values, u_weights, v_weights, pf, sorted)


def energy_distance(
    u_values: ArrayLike,
    v_values: ArrayLike,
    u_weights: ArrayLike | None = None,
    v_weights: ArrayLike | None = None,
    *,
    sorted: bool = False,
    axis: int | None = None,
) -> Reduced:
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
        Declare the values already sorted along the sample axis (checked).
    axis : int, optional
        The axis that holds the samples; ``axis=0`` on (samples, features)
        tables gives one distance per column (see :func:`wasserstein_1d`).

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
    u_values, v_values, u_weights, v_weights = samples_last(axis, (u_values, v_values), (u_weights, v_weights))
    if u_weights is None and v_weights is None and not sorted:
        r = _fast_pair(_core.W1D_ENERGY, u_values, v_values, 1.0)
        if r is not None:
            return r
    return _distance(_core.W1D_ENERGY, u_values, v_values, u_weights, v_weights, 1.0, sorted)

