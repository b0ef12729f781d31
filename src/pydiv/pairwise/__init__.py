"""Distance matrices between many distributions: :func:`pairwise`.

In the spirit of :func:`scipy.spatial.distance.cdist` / ``pdist``: rows of `X`
against rows of `Y` (or of `X` against themselves, using symmetry), threaded
in C++, written block by block into an optional preallocated or
memory-mapped `out`.

:func:`pairwise` is a dispatcher over the registry of metrics
(:mod:`pydiv.pairwise.metric`): each metric is declared in the module of its
family (``info_metrics``, ``wasserstein_metrics``, ``emd_metrics``,
``sliced_metrics``, ``gaussian_metrics``, ``grid_metrics``), and one
block runner (:mod:`pydiv.pairwise.blocks`) fills every matrix.  A new
metric is a new :class:`~pydiv.pairwise.metric.Metric` subclass in one of
those modules (or a new one imported below).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .._checks import check_bool, check_out_disjoint, is_sparse, thread_request
# The families register their metrics on import, in this order (the order of METRICS).
from . import info_metrics, divergence_metrics, wasserstein_metrics, emd_metrics, sliced_metrics, gaussian_metrics, grid_metrics  # noqa: F401, I001
from .blocks import run_blocks
from .metric import Job, metric_named, names, symmetric_names
from .metric_names import MetricName
from .sparse_rows import SPARSE_METRICS, sparse_pairwise
from ..typing import Directions, GroundMetric, Seed, SparseMatrix

__all__ = ["METRICS", "SPARSE_METRICS", "MetricName", "pairwise"]

METRICS = names()
_SYMMETRIC_NAMES = ", ".join(symmetric_names())


def pairwise(
    X: ArrayLike | SparseMatrix,
    Y: ArrayLike | SparseMatrix | None = None,
    *,
    metric: MetricName,
    n_jobs: int | None = None,
    out: np.ndarray | None = None,
    condensed: bool = False,
    progress: bool = False,
    base: float | None = None,
    dtype: DTypeLike | None = None,
    x: ArrayLike | None = None,
    p: float | None = None,
    ground_metric: GroundMetric | None = None,
    w: float | None = None,
    x_weights: ArrayLike | None = None,
    y_weights: ArrayLike | None = None,
    n_projections: int | None = None,
    directions: Directions | None = None,
    seed: Seed = None,
    squared: bool | None = None,
    spacing: ArrayLike | None = None,
) -> np.ndarray:
    r"""Distances or divergences between every row of `X` and every row of `Y`.

    Parameters
    ----------
    X : array_like, shape (n, k)
        One distribution (histogram, counts) per row; rows are normalised.
    Y : array_like, shape (m, k), optional
        The second set; ``None`` compares `X` with itself, computing only one
        triangle for the symmetric metrics.
    metric : str
        ``"kl"`` (:math:`D_{KL}(X_i \| Y_j)`), ``"cross_entropy"``, ``"js"``
        (the Jensen-Shannon *divergence*, the square of scipy's distance), or
        ``"jensenshannon"`` (the *distance*: the values of
        ``scipy.spatial.distance.cdist(X, Y, "jensenshannon")`` and ``pdist``), or
        ``"wasserstein"`` (rows are histograms on the shared sorted support
        `x`; order `p`), ``"wasserstein_samples"`` (`X` and `Y` are 2-D
        arrays whose rows are equal-size 1-D samples, or sequences of 1-D
        samples of any lengths, optionally weighted by `x_weights` and
        `y_weights`; order `p`), or ``"emd"`` (`X` and `Y` are sequences of point
        clouds of shape (n_i, d), optionally weighted by `x_weights` and
        `y_weights`; exact :math:`W_p` with the ground distance
        `ground_metric`, as in :func:`pydiv.wasserstein_nd`), or ``"sliced"``
        (point clouds as for ``"emd"``; the sliced :math:`SW_p` of
        :func:`pydiv.sliced_wasserstein`, one set of directions for every pair),
        or ``"gaussian"`` (sequences of Gaussians: :class:`pydiv.GaussianStats`,
        :class:`pydiv.stream.Moments` or (n_i, d) samples; the W2 of
        :func:`pydiv.gaussian_wasserstein`), or ``"emd_grid"`` (`X` of shape
        (n, \*grid) and `Y` of shape (m, \*grid): one histogram on a grid of 1
        to 3 axes per row, such as images; the exact EMD of
        :func:`pydiv.emd_grid` between the normalised rows, with the ground
        cost `ground_metric` between cells `spacing` apart: :math:`W_1` for
        cityblock and chebyshev, :math:`W_2` (the square root of the
        optimal cost) for sqeuclidean).
    n_jobs : int, optional
        Threads; ``None`` or ``-1`` uses all cores (or ``OMP_NUM_THREADS``).
        The KL and cross-entropy matrices are matrix products done by NumPy's
        BLAS, which has its own thread pool.
    out : ndarray or numpy.memmap, optional
        Preallocated C-contiguous float64 or float32 result, written in row
        blocks, so a memory-mapped file can hold a matrix larger than memory;
        it must not share memory with an input.
    condensed : bool, default False
        With ``Y=None`` and a symmetric metric, return the upper triangle as a
        vector in the order of :func:`scipy.spatial.distance.pdist`.
    progress : bool, default False
        Show a progress bar (tqdm if installed).
    base : float, optional
        Logarithm base for the information metrics.
    dtype : dtype, optional
        float64 (default) or float32 result; computation is always float64.
    x : array_like, shape (k,), optional
        Support of the ``"wasserstein"`` histograms (default 0, 1, ..., k-1).
    p : float, default 1 (2 for ``"sliced"``)
        Order of the Wasserstein metrics (``"wasserstein"``,
        ``"wasserstein_samples"``, ``"emd"``, ``"sliced"``), ``p >= 1``.
    ground_metric : str, default "euclidean" ("cityblock" for ``"emd_grid"``)
        ``"emd"``: euclidean, sqeuclidean, cityblock, chebyshev or
        minkowski (with order `w`); ``"emd_grid"``: cityblock, chebyshev or
        sqeuclidean.
    w : float, optional
        ``"emd"`` only: the Minkowski order.
    x_weights, y_weights : sequence of array_like, optional
        ``"emd"`` and ``"wasserstein_samples"``: one weight vector per cloud
        or sample (uniform by default), normalised to sum 1; also ``"sliced"``.
    n_projections, directions, seed : optional
        ``"sliced"`` only: the directions, as in :func:`pydiv.sliced_wasserstein`
        (default 256 random directions; ``seed`` makes them reproducible).
    squared : bool, default False
        ``"gaussian"`` only: W2^2 (the FID convention) instead of W2.
    spacing : float or sequence of float, default 1.0
        ``"emd_grid"`` only: the distance between neighbouring cells, one
        per grid axis or shared (one for every axis with chebyshev).

    Returns
    -------
    ndarray
        (n, m), or (n (n - 1) / 2,) when `condensed`.

    Sparse rows
    -----------
    `X` and/or `Y` may be scipy.sparse matrices or arrays (any format; a
    canonical CSR copy is read) for ``"kl"``,
    ``"cross_entropy"``, ``"js"``, ``"jensenshannon"``, ``"hellinger"``
    (:math:`\sqrt{\tfrac12 \sum (\sqrt{p} - \sqrt{q})^2}`) and
    ``"total_variation"`` (:math:`\tfrac12 \sum |p - q|`): each pair
    costs one step per stored value of its two rows, not per column, and
    matches the dense result on the densified rows (see
    :mod:`pydiv.pairwise.sparse_rows`).  Options: `n_jobs`, `out`,
    `condensed`, `progress`, `dtype`, and `base` for the information metrics.

    Notes
    -----
    Each metric prepares every row once (normalised histograms and their
    :math:`x \log x`, CDFs, sorted samples), then runs a per-pair kernel.
    KL and cross-entropy use :math:`\sum_k p_k \log q_k = (P \log Q^T)_{ij}`;
    an entry is ``inf`` exactly where some :math:`p_k > 0` meets
    :math:`q_k = 0`, decided by a product of the zero masks, never by NaN.
    Jensen-Shannon uses :math:`\tfrac12 \sum (x \log x + y \log y) - m \log m`
    with each row's :math:`x \log x` computed once; rounding is clipped into
    :math:`[0, \log 2]`, so the distance is never NaN.  Identical rows
    (histograms equal element-wise up to a power of two; samples and clouds
    equal with their normalised weights) give exactly 0 for every metric but
    cross-entropy, whether `Y` is given or not.  Ctrl-C stops a running
    matrix between row blocks.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> X = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    >>> pydiv.pairwise(X, metric="js", base=2, condensed=True).round(6)
    array([0.311278, 1.      , 0.311278])
    >>> images = np.zeros((3, 2, 2)); images[0, 0, 0] = images[1, 1, 1] = images[2, 0, 1] = 1.0
    >>> pydiv.pairwise(images, metric="emd_grid", condensed=True)
    array([2., 1., 1.])
    """
    arguments = locals()
    given = {name: arguments[name] for name in _OPTION_NAMES}
    if is_sparse(X) or is_sparse(Y):  # scipy.sparse rows: the merge-walk kernels (sparse_rows.py)
        return sparse_pairwise(X, Y, metric, given, thread_request(n_jobs, "n_jobs"), check_bool(condensed, "condensed"),
                               check_bool(progress, "progress"), out, dtype)
    entry = metric_named(metric)
    unused = [name for name, value in given.items() if value is not None and name not in entry.options]
    if unused:
        raise ValueError(f"{unused[0]} is not used by metric {metric!r}, which takes {', '.join(entry.options)}")
    threads = thread_request(n_jobs, "n_jobs")
    condensed, progress = check_bool(condensed, "condensed"), check_bool(progress, "progress")
    options = entry.check_options({name: given[name] for name in entry.options})
    if dtype is not None and np.dtype(dtype) not in (np.float64, np.float32):
        raise TypeError(f"dtype must be float64 or float32, got {np.dtype(dtype)}")
    if condensed and not (Y is None and entry.symmetric):
        raise ValueError(f"condensed output needs Y=None and a symmetric metric ({_SYMMETRIC_NAMES})")
    if out is not None:
        check_out_disjoint(out, {"X": X, "Y": Y, **given})
    same_rows = Y is None or (Y is X and y_weights is x_weights)  # the same rows: their groups are found once
    job = Job(threads, condensed, Y is None, same_rows)
    plan = entry.plan(X, Y, (x_weights, y_weights), options, job)
    return run_blocks(entry.name, plan, job, Y is None and entry.symmetric, out, dtype, progress)


# The metrics' options: the keyword parameters after the common ones, in the
# signature's order (the order in which an unused one is named).  A metric
# with a new option adds it to the signature (and its docstring) only.
_COMMON = ("X", "Y", "metric", "n_jobs", "out", "condensed", "progress", "dtype")
_OPTION_NAMES = tuple(name for name in inspect.signature(pairwise).parameters if name not in _COMMON)
if not all(set(metric_named(name).options) <= set(_OPTION_NAMES) for name in METRICS):
    raise RuntimeError("a registered metric reads an option that pairwise() does not take")
