"""pydiv.histogram: both datasets binned on shared edges per column in one
threaded C++ pass (two for a bin-count rule: the counts, then the bins);
counts equal numpy.histogram's on the same edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from .. import _core
from ..typing import Bins, NanPolicy
from .checks import (BIN_RULES, as_table, check_nan_policy, check_weights, is_integer_data, parse_bins, parse_range,
                     weight_table)


@dataclass(frozen=True)
class Histogram:
    """Counts of two datasets on shared edges.

    ``counts_a`` and ``counts_b`` have shape (features, bins) and ``edges``
    (features, bins + 1); for 1-D samples, (bins,) and (bins + 1,).  Counts
    are float64 holding exact integers (without weights) or sums of weights.
    """

    counts_a: npt.NDArray[np.float64]
    counts_b: npt.NDArray[np.float64]
    edges: npt.NDArray[np.float64]

    @property
    def column_bins(self) -> npt.NDArray[np.int64]:
        """Each column's own number of bins, before the padding of quantile
        edges and rules (its edges strictly increase up to there); shape
        (features,), or () for 1-D samples."""
        own: npt.NDArray[np.int64] = np.asarray(np.count_nonzero(np.diff(self.edges, axis=-1) > 0, axis=-1),
                                                dtype=np.int64)
        return own


def histogram(samples_a: ArrayLike, samples_b: ArrayLike, *, bins: Bins = 30,
              range: tuple[float, float] | None = None, axis: int = 0,
              weights: tuple[ArrayLike | None, ArrayLike | None] | None = None,
              nan_policy: NanPolicy = "raise") -> Histogram:
    """Histograms of `samples_a` and `samples_b` on shared edges, per feature.

    Parameters
    ----------
    samples_a, samples_b : array_like
        1-D samples of one feature, or 2-D tables with the samples along
        `axis` and the features along the other axis; both must have the
        same number of features (not of samples).
    bins : int, array_like, str, "quantile" or ("quantile", k)
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
        * a rule of :func:`numpy.histogram_bin_edges`: ``"auto"``,
          ``"fd"``, ``"sturges"``, ``"sqrt"``, ``"doane"``, ``"scott"`` or
          ``"rice"`` (not ``"stone"``).  Each column gets the uniform edges
          of ``numpy.histogram_bin_edges(numpy.concatenate([a_j, b_j]), rule,
          range)``: the rule reads the pooled values of both datasets in that
          column (NaN omitted, trimmed to `range`), and its own bin count.
          ``"auto"`` is NumPy's (>= 2.3) ``min(max(fd, sqrt / 2), sturges)``
          width.  So that the result is one (features, bins) array, ``bins``
          is the largest count over the columns and a column with fewer bins
          is padded as the quantile edges are: zero counts at the end, its
          last edge repeated (``edges[j, :k_j + 1]`` are NumPy's edges).
          Padded bins hold nothing in either dataset, so the divergences of
          the two rows are those of the unpadded ones.  The rules read the
          values, not the weights (NumPy refuses weights with a rule);
          integer inputs (both) take bins at least 1 wide, as NumPy does.
    range : (float, float), optional
        For an integer `bins` or a rule: the lower and upper edge, lo < hi;
        values outside are not counted.
    axis : int, default 0
        The axis of 2-D samples that holds the samples: 0 (rows are
        samples, columns features) or 1 (the transpose; -1 and -2 alike).
        The result is (features, bins) either way.  1-D samples take 0 or -1.
    weights : None or (weights_a, weights_b), optional
        Non-negative finite weights of the samples, either of them None for
        unit weights: 1-D with one weight per sample (every feature), or of
        the samples' own shape (a weight per value).  Each bin then holds the
        sum of its values' weights, as ``numpy.histogram(x, edges,
        weights=w)``; quantile edges and rules read the values only.
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
    w_a, w_b = check_weights(weights)
    a, a_1d = as_table(samples_a, "samples_a", axis)
    b, b_1d = as_table(samples_b, "samples_b", axis)
    if a_1d != b_1d or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"samples_a and samples_b must have the same number of features, got "
            f"{'1-D' if a_1d else a.shape[1]} and {'1-D' if b_1d else b.shape[1]}")
    wt_a = weight_table(w_a, samples_a, a, axis, "weights[0] (of samples_a)")
    wt_b = weight_table(w_b, samples_b, b, axis, "weights[1] (of samples_b)")
    integer = kind in BIN_RULES and is_integer_data(samples_a) and is_integer_data(samples_b)
    counts_a, counts_b, out_edges = _core.bin_tables(a, b, kind, n_bins, edges, lo_hi, omit, 0, wt_a, wt_b, integer)
    if a_1d:
        return Histogram(counts_a[0], counts_b[0], out_edges[0])
    return Histogram(counts_a, counts_b, out_edges)
