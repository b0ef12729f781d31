r"""Exact EMD between histograms on a regular grid: :func:`emd_grid` and
:func:`emd_grid_batch`, solved as min-cost flows on the grid graphs of
``src/cpp/grid/grid_graph.hpp`` (O(d n) arcs for cityblock, 3^d - 1 per cell
for chebyshev, d n^{1 + 1/d} for sqeuclidean) instead of the n^2 pairs of
the dense problem, with the sparse network simplex of
``src/cpp/emd/sparse_simplex.hpp``.

Invariant: each pair of a batch is checked, balanced and solved exactly as
its own :func:`emd_grid` call would solve it.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from .._checks import check_bool, check_max_iter, check_weights, thread_request
from ..emd.batch import balance_batch, check_batch_weights
from ..emd.dense import balance
from ..emd.result import STATUS, indices_text, mass_rtol, raise_for_statuses
from .checks import METRICS, check_grid_shape, check_metric, check_spacing, graph_size
from .result import GridEmdResult
from ..typing import FloatArray, GridMetric

__all__ = ["emd_grid", "emd_grid_batch"]


def emd_grid(A: ArrayLike, B: ArrayLike, *, metric: GridMetric = "cityblock", spacing: ArrayLike = 1.0,
             normalize: bool = False, return_flow: bool = False, max_iter: int | None = None) -> GridEmdResult:
    r"""Exact Earth Mover's Distance between two histograms on one regular grid.

    .. math::

        \operatorname{EMD}(A, B) = \min_{P \ge 0,\; P\mathbf{1} = A,\; P^\top\mathbf{1} = B}
        \; \sum_{x, z} d(x, z) \, P_{xz}

    over the cells :math:`x, z` of a 1-D, 2-D or 3-D grid, with ground cost
    :math:`d` between cell coordinates times `spacing`: the same number as
    :func:`pydiv.emd2` on the dense (cells x cells) cost matrix, computed on
    a graph with O(cells) arcs (cityblock, chebyshev) or
    :math:`d\,n^{1+1/d}` arcs (sqeuclidean) instead of :math:`n^2`.

    Parameters
    ----------
    A, B : array_like of one shape, 1 to 3 axes
        Non-negative masses per cell (images, volumes, histograms).  Zero
        cells are allowed (mass passes through them).
    metric : {"cityblock", "chebyshev", "sqeuclidean"}, default "cityblock"
        Ground cost: :math:`\sum_k s_k |x_k - z_k|`, :math:`s \max_k |x_k -
        z_k|` (one spacing for all axes), or :math:`\sum_k s_k^2 (x_k -
        z_k)^2` (then the cost is :math:`W_2^2`).
    spacing : float or sequence of float, default 1.0
        Distance between neighbouring cells, one per axis or shared.
    normalize : bool, default False
        Rescale `A` and `B` to total 1.  Without it their totals must agree
        to a relative 1e-9 (8e-6 for float32 input), as for :func:`pydiv.emd`.
    return_flow : bool, default False
        Keep the optimal flow on the grid arcs (cityblock, chebyshev) or the
        transport plan (sqeuclidean): see :class:`GridEmdResult`.
    max_iter : int, optional
        Stop after this many pivots (unlimited by default); then the result
        has ``status == "max_iter_reached"`` and an EmdMaxIterWarning is
        issued.

    Returns
    -------
    GridEmdResult
        The cost, the Kantorovich potentials on the grid (an optimality
        certificate), the status, and the flow or plan when asked.

    Raises
    ------
    ValueError
        Shapes that differ or have no or more than 3 axes, negative, NaN or
        infinite masses, zero or mismatched totals, an unknown metric, a
        non-positive or wrong-length spacing (the message names it).

    Notes
    -----
    Zero-mass cells stay in the cityblock and chebyshev graphs as transit
    nodes; the sqeuclidean graph keeps only the cells with mass in its
    outer layers (their potentials are filled in so that the certificate
    holds for every pair).  In 1-D, ``"cityblock"`` is
    :func:`pydiv.wasserstein_hist`. Compared with OpenCV's ``EMDL1``:
    float64, any totals, three metrics, potentials and flows.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> A = np.zeros((3, 3)); A[0, 0] = 1.0
    >>> B = np.zeros((3, 3)); B[2, 1] = 1.0
    >>> pydiv.emd_grid(A, B).cost
    3.0
    >>> pydiv.emd_grid(A, B, metric="sqeuclidean").cost
    5.0
    """
    metric = check_metric(metric)
    Aa, Ba, shape = check_grid_shape(A, B, batch=False)
    spacing_list = check_spacing(spacing, shape, metric)
    normalize = check_bool(normalize, "normalize")
    return_flow = check_bool(return_flow, "return_flow")
    iters = check_max_iter(max_iter)
    graph_size(shape, metric)
    cells = math.prod(shape)
    a = check_weights(Aa.reshape(-1), cells, "A", "cell of B")
    b = check_weights(Ba.reshape(-1), cells, "B", "cell of A")
    a, b = balance(a, b, normalize, mass_rtol(A, B), ("A", "B"))
    raw = _core.emd_grid(a[None, :], b[None, :], list(shape), spacing_list, METRICS[metric], True,
                         return_flow, return_flow and metric == "sqeuclidean", iters, 1)
    _raise_for_statuses(raw, "emd_grid", batch=False)
    return _result(raw, 0, shape, metric, return_flow)


def emd_grid_batch(A: ArrayLike, B: ArrayLike, *, metric: GridMetric = "cityblock",
                   spacing: ArrayLike = 1.0, normalize: bool = False,
                   max_iter: int | None = None, n_jobs: int | None = None) -> FloatArray:
    """:func:`emd_grid` of K pairs on one grid, on OpenMP threads across the pairs.

    `A` and `B` have shape ``(K, *grid)`` each, or one of them is a single grid
    (``grid``) compared with every grid of the other.  Returns the K optimal
    costs as an ndarray of shape (K,), each bitwise the one
    ``emd_grid(A[k], B[k], ...)`` gives, whatever `n_jobs` (threads; None
    or -1: the OpenMP default).  Errors and warnings name the pairs concerned.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> A = np.zeros((2, 1, 4)); A[:, 0, 0] = 1.0
    >>> B = np.eye(4)[[1, 3]][:, None, :]
    >>> pydiv.emd_grid_batch(A, B).tolist()
    [1.0, 3.0]
    """
    metric = check_metric(metric)
    Aa, Ba, shape = check_grid_shape(A, B, batch=True)
    spacing_list = check_spacing(spacing, shape, metric)
    normalize = check_bool(normalize, "normalize")
    iters = check_max_iter(max_iter)
    threads = thread_request(n_jobs)
    cells = math.prod(shape)
    K = Aa.shape[0] if Aa.ndim > len(shape) else Ba.shape[0]  # the batched side (both: equal shapes)
    graph_size(shape, metric, min(K, threads or os.cpu_count() or 1))
    a = check_batch_weights(Aa.reshape(-1, cells) if Aa.ndim > len(shape) else Aa.reshape(-1), K, cells, "A", "cell")
    b = check_batch_weights(Ba.reshape(-1, cells) if Ba.ndim > len(shape) else Ba.reshape(-1), K, cells, "B", "cell")
    a, b = balance_batch(a, b, normalize, mass_rtol(A, B), ("A", "B"))
    a, b = np.ascontiguousarray(a, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64)
    raw = _core.emd_grid(a, b, list(shape), spacing_list, METRICS[metric], False, False, False, iters, threads)
    _raise_for_statuses(raw, "emd_grid_batch")
    cost: np.ndarray = raw[0]
    return cost


def _raise_for_statuses(raw: tuple[Any, ...], where: str, batch: bool = True) -> None:
    # The checks above leave the kernel nothing to refuse and a connected graph
    # nothing infeasible; should it still say so, that is an error, never a number.
    bad = np.flatnonzero((raw[1] == _core.EMD_INVALID_INPUT) | (raw[1] == _core.EMD_INFEASIBLE))
    if bad.size:
        raise RuntimeError(f"{where}: the grid solver could not solve pair{'s' if bad.size > 1 else ''} "
                           f"{indices_text(bad)} of the checked input (status {STATUS[int(raw[1][bad[0]])]}); "
                           "please report it")
    raise_for_statuses(raw[1], raw[2], where, stacklevel=3, batch=batch)


def _result(raw: tuple[Any, ...], k: int, shape: tuple[int, ...], metric: GridMetric, return_flow: bool) -> GridEmdResult:
    cost, code, n_iter, u, v, flow, sources, targets, mass, offsets = raw
    fields: dict[str, Any] = {}
    if return_flow and metric != "sqeuclidean":
        fields["flow"] = flow[k].reshape((flow.shape[1], *shape))
        fields["offsets"] = _offsets(len(shape), metric)
    elif return_flow:
        lo, hi = int(offsets[k]), int(offsets[k + 1])
        fields["sources"] = np.stack(np.unravel_index(sources[lo:hi], shape), axis=1)
        fields["targets"] = np.stack(np.unravel_index(targets[lo:hi], shape), axis=1)
        fields["mass"] = mass[lo:hi]
    arrays = {"u": u[k].reshape(shape), "v": v[k].reshape(shape), **fields}
    for arr in arrays.values():
        arr.setflags(write=False)
    return GridEmdResult(float(cost[k]), status=STATUS.get(int(code[k]), "unknown"), n_iter=int(n_iter[k]),
                         metric=metric, **arrays)


def _offsets(d: int, metric: str) -> np.ndarray:
    """The positive stencil directions, in the kernel's order (grid_stencil)."""
    if metric == "cityblock":
        return np.eye(d, dtype=np.int64)
    codes = range(3**d - 1, (3**d - 1) // 2, -1)
    return np.array([[(c // 3 ** (d - 1 - j)) % 3 - 1 for j in range(d)] for c in codes], dtype=np.int64)
