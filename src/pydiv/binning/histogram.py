"""pydiv.histogram: both datasets binned on shared edges per column in one
threaded C++ pass; counts equal numpy.histogram's on the same edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from .. import _core
from ..typing import Bins, NanPolicy
from .checks import as_table, check_nan_policy, parse_bins, parse_range


@dataclass(frozen=True)
class Histogram:
    """Counts of two datasets on shared edges.

    ``counts_a`` and ``counts_b`` have shape (features, bins) and ``edges``
    (features, bins + 1); for 1-D samples, (bins,) and (bins + 1,).  Counts
    are float64 holding exact integers.
    """

    counts_a: npt.NDArray[np.float64]
    counts_b: npt.NDArray[np.float64]
    edges: npt.NDArray[np.float64]


def histogram(samples_a: ArrayLike, samples_b: ArrayLike, *, bins: Bins = 30, range: tuple[float, float] | None = None,
              nan_policy: NanPolicy = "raise") -> Histogram:
    """Histograms of `samples_a` and `samples_b` on shared edges, per feature.

    Parameters
    ----------
    samples_a, samples_b : array_like
        1-D samples of one feature, or (n, features) tables with one sample
        per row; both must have the same number of features (not of samples).
    bins : int, array_like, "quantile" or ("quantile", k)
        * an integer: that many uniform bins per column from the min to the
          max of both columns (or over `range`), as
          ``numpy.histogram_bin_edges(numpy.concatenate([a_j, b_j]), bins, range)``;
        * a 1-D strictly increasing array: the edges of every column;
        * ``"quantile"`` (10 bins) or ``("quantile", k)``: edges at
          ``numpy.quantile(a_j, numpy.linspace(0, 1, k + 1))`` of the
          reference `samples_a`, the outer two set to the min and max of
          both columns.  Repeated edges (ties) are collapsed: such a column
          has fewer bins, its counts are padded with zero bins at the end and
          its edges by repeating its last edge.  A constant column gets the
          one bin [v - 0.5, v + 0.5].
    range : (float, float), optional
        For an integer `bins`: the lower and upper edge, lo < hi; values
        outside are not counted.
    nan_policy : "raise" or "omit"
        NaN raises a ValueError naming the column, or is not counted.
        Infinite values always raise.

    Returns
    -------
    Histogram
        Bin ``i`` counts ``edges[i] <= x < edges[i + 1]``, the last bin also
        ``x == edges[-1]``, exactly as :func:`numpy.histogram` on the same
        edges.

    Examples
    --------
    >>> import pydiv
    >>> h = pydiv.histogram([0.0, 1.0, 2.0, 3.0], [1.5, 4.0], bins=2)
    >>> h.edges
    array([0., 2., 4.])
    >>> h.counts_a, h.counts_b
    (array([2., 2.]), array([1., 1.]))

    Two features (columns), explicit edges; values outside them are not counted:

    >>> t = pydiv.histogram([[0.0, 10.0], [1.0, 2.0]], [[2.0, 30.0]], bins=[0.0, 1.5, 3.0])
    >>> t.counts_a
    array([[2., 0.],
           [0., 1.]])
    >>> t.counts_b
    array([[0., 1.],
           [0., 0.]])
    """
    kind, n_bins, edges = parse_bins(bins)
    lo_hi = parse_range(range, kind)
    omit = check_nan_policy(nan_policy)
    a, a_1d = as_table(samples_a, "samples_a")
    b, b_1d = as_table(samples_b, "samples_b")
    if a_1d != b_1d or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"samples_a and samples_b must have the same number of features, got "
            f"{'1-D' if a_1d else a.shape[1]} and {'1-D' if b_1d else b.shape[1]}")
    counts_a, counts_b, out_edges = _core.bin_tables(a, b, kind, n_bins, edges, lo_hi, omit, 0)
    if a_1d:
        return Histogram(counts_a[0], counts_b[0], out_edges[0])
    return Histogram(counts_a, counts_b, out_edges)
