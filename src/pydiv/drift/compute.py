"""pydiv.drift: per-column comparison of a reference table with a current one.

Both tables are binned once on shared edges per column (:func:`pydiv.histogram`,
one threaded pass); the binned metrics (divergences between the two count
histograms) read those counts, and the sample metrics (1-D Wasserstein,
energy distance) compare the raw columns, column by column in one threaded
call each.  Every value equals the single call of the metric's function on
that column's counts or samples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import binning, divergences, info
from .._checks import as_real_array
from ..typing import Bins, DriftMetric, NanPolicy, Reduced
from ..wasserstein import energy_distance, wasserstein_1d
from .report import DriftReport
from .tables import aligned_tables

__all__ = ["BINNED_METRICS", "SAMPLE_METRICS", "drift"]

Counts = Callable[[np.ndarray, np.ndarray], Reduced]
# A table of samples: an array, a mapping of column name to 1-D array, or a DataFrame (which has __array__).
Table = ArrayLike | Mapping[str, ArrayLike]

# Divergences between the reference's and the current counts (reference first:
# KL and PSI read the reference as the expected distribution).
BINNED_METRICS: dict[str, Counts] = {
    "js": lambda a, b: info.js_divergence(a, b),
    "jensenshannon": lambda a, b: info.jensenshannon(a, b),
    "kl": lambda a, b: info.kl_divergence(a, b),
    "psi": lambda a, b: divergences.population_stability_index(a, b),
    "hellinger": lambda a, b: divergences.hellinger(a, b),
    "total_variation": lambda a, b: divergences.total_variation(a, b),
    "jeffreys": lambda a, b: divergences.jeffreys(a, b),
}
# Distances between the raw samples of a column.
SAMPLE_METRICS: dict[str, Callable[..., Any]] = {
    "wasserstein": wasserstein_1d,
    "energy": energy_distance,
}


def _check_metrics(metrics: Any) -> tuple[DriftMetric, ...]:
    known = [*BINNED_METRICS, *SAMPLE_METRICS]
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence) or not metrics:
        raise TypeError(f"metrics must be a non-empty sequence of metric names among {', '.join(known)}")
    for m in metrics:
        if m not in known:
            raise ValueError(f"metrics: unknown metric {m!r}; known: {', '.join(known)}")
    if len(set(metrics)) != len(metrics):
        raise ValueError("metrics names a metric twice")
    return tuple(metrics)


def _check_nans(names: Sequence[str], ref: np.ndarray, cur: np.ndarray, omit: bool) -> None:
    """NaN refused by column name (nan_policy "raise"), or a column left empty
    by omitting its NaNs refused (nothing to compare), before any binning."""
    for table, arr in (("reference", ref), ("current", cur)):
        nan = np.isnan(arr)
        if not nan.any():
            continue
        if not omit:
            j = int(np.flatnonzero(nan.any(axis=0))[0])
            raise ValueError(f"{table}: column {names[j]!r} contains NaN; pass nan_policy='omit' to leave NaNs out")
        empty = np.flatnonzero(nan.all(axis=0))
        if empty.size:
            raise ValueError(f"{table}: column {names[int(empty[0])]!r} holds only NaN; nothing is left to compare")


def _row_weights(weights: Any, ref: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Drift's weights: None, or one weight per row of each table (either None).
    pydiv.histogram checks their values."""
    if weights is None:
        return None, None
    if not isinstance(weights, (tuple, list)) or len(weights) != 2:
        raise TypeError("weights must be None or a pair (reference weights, current weights), one weight per row")
    out: list[np.ndarray | None] = []
    for k, (w, table) in enumerate(zip(weights, (ref, cur))):
        arr = None if w is None else as_real_array(w, f"weights[{k}]").astype(np.float64, copy=False)
        if arr is not None and arr.shape != (table.shape[0],):
            raise ValueError(f"weights[{k}] must be 1-D with one weight per row ({table.shape[0]}), "
                             f"got shape {arr.shape}")
        if arr is not None and not (np.isfinite(arr).all() and (arr >= 0).all()):
            raise ValueError(f"weights[{k}] (the {('reference', 'current')[k]} table's row weights) must be "
                             "finite and non-negative")
        out.append(arr)
    return out[0], out[1]


def _binned_metric(fn: Counts, counts_ref: np.ndarray, counts_cur: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The metric of each column on its own bins: padded bins (quantile ties,
    rules) would change the metrics that smooth empty bins (PSI's eps)."""
    width = counts_ref.shape[1]
    if np.all(own == width):
        return np.asarray(fn(counts_ref, counts_cur), dtype=np.float64).reshape(-1)
    out = np.empty(counts_ref.shape[0])
    for k in np.unique(own):  # one call per distinct bin count
        rows = np.flatnonzero(own == k)
        out[rows] = np.asarray(fn(counts_ref[rows, :k], counts_cur[rows, :k]), dtype=np.float64).reshape(-1)
    return out


def _sample_metric(fn: Callable[..., Any], ref: np.ndarray, cur: np.ndarray, omit: bool,
                   weights: tuple[np.ndarray | None, np.ndarray | None]) -> np.ndarray:
    # Per-row weights as per-value ones (zero-stride views), as the sample metrics take them.
    w_ref, w_cur = (None if w is None else np.broadcast_to(w[:, None], t.shape) for w, t in zip(weights, (ref, cur)))
    if not omit or not (np.isnan(ref).any() or np.isnan(cur).any()):
        return np.asarray(fn(ref, cur, w_ref, w_cur, axis=0), dtype=np.float64)
    # NaNs omitted: columns of different lengths, one call each.
    values = []
    for j, (r, c) in enumerate(zip(ref.T, cur.T)):
        kr, kc = ~np.isnan(r), ~np.isnan(c)
        values.append(fn(r[kr], c[kc], None if w_ref is None else w_ref[kr, j], None if w_cur is None else w_cur[kc, j]))
    return np.array(values, dtype=np.float64)


def drift(reference: Table, current: Table, *,
          metrics: DriftMetric | Sequence[DriftMetric] = ("js", "wasserstein", "psi"), bins: Bins = 30,
          columns: Sequence[str | int] | None = None,
          weights: tuple[ArrayLike | None, ArrayLike | None] | None = None,
          nan_policy: NanPolicy = "raise") -> DriftReport:
    """Per-column drift of `current` from `reference`.

    Parameters
    ----------
    reference, current : array_like, mapping or DataFrame
        Tables of samples: 2-D arrays (rows are samples, columns features),
        1-D arrays (one feature), mappings of column name to 1-D array, or
        pandas DataFrames.  Named tables are matched by column name (a
        column present in only one of them is an error); arrays by position.
    metrics : sequence of str, default ("js", "wasserstein", "psi")
        Binned metrics, computed on the two count histograms of a column:
        ``"js"``, ``"jensenshannon"``, ``"kl"`` (of current from
        reference), ``"psi"`` (:func:`pydiv.population_stability_index`
        with its default ``eps``), ``"hellinger"``, ``"total_variation"``,
        ``"jeffreys"``.  ``"kl"`` and ``"jeffreys"`` are exact, so a bin
        that one table fills and the other leaves empty makes them ``inf``;
        ``"psi"`` floors the shares and stays finite.  Sample metrics, on the
        raw values:
        ``"wasserstein"`` (:math:`W_1`), ``"energy"``.
    bins : int, sequence or str, default 30
        Binning of each column, shared by both tables: as in
        :func:`pydiv.histogram` (``"quantile"`` takes the edges from the
        reference, as drift monitors usually do; ``"auto"``, ``"fd"``,
        ``"sturges"``, ... choose each column's bin count from both tables'
        values).  The binned metrics read each column's own bins (not the
        padding of :func:`pydiv.histogram`'s result).
    columns : sequence of str or int, optional
        The columns to compare (names or indices); all by default.
    weights : None or (reference weights, current weights), optional
        One non-negative weight per row of each table (either None for unit
        weights): the binned metrics read weighted counts, the sample metrics
        weighted samples.
    nan_policy : {"raise", "omit"}, default "raise"
        ``"raise"``: a NaN is an error naming its column; ``"omit"``: NaNs
        are left out of every metric.

    Returns
    -------
    DriftReport
        One value per column and metric, with the shared counts and edges;
        ``report.to_pandas()`` gives a DataFrame.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(1000, 2))
    >>> cur = ref + [0.0, 1.0]
    >>> r = pydiv.drift(ref, cur, metrics=["wasserstein"])
    >>> np.round(r["wasserstein"], 12).tolist()
    [0.0, 1.0]
    """
    metrics = _check_metrics(metrics)
    if nan_policy not in ("raise", "omit"):
        raise ValueError(f"nan_policy must be 'raise' or 'omit', got {nan_policy!r}")
    names, ref, cur = aligned_tables(reference, current, columns)
    _check_nans(names, ref, cur, nan_policy == "omit")
    row_weights = _row_weights(weights, ref, cur)
    hist = binning.histogram(ref, cur, bins=bins, weights=None if weights is None else row_weights,
                             nan_policy=nan_policy)
    counts_ref, counts_cur = np.atleast_2d(hist.counts_a), np.atleast_2d(hist.counts_b)
    values: dict[str, np.ndarray] = {}
    for m in metrics:
        if m in BINNED_METRICS:
            values[m] = _binned_metric(BINNED_METRICS[m], counts_ref, counts_cur, np.atleast_1d(hist.column_bins))
        else:
            values[m] = _sample_metric(SAMPLE_METRICS[m], ref, cur, nan_policy == "omit", row_weights).reshape(-1)
    return DriftReport(tuple(names), values, counts_ref, counts_cur, np.atleast_2d(hist.edges))
