r"""Exact optimal transport for a given cost matrix: :func:`emd` and :func:`emd2`.

Solves

.. math::

    \min_{P \ge 0} \sum_{ij} M_{ij} P_{ij}
    \quad \text{s.t.} \quad P \mathbf{1} = a, \; P^\top \mathbf{1} = b

with the network simplex of ``src/cpp/emd/network_simplex.hpp``.  A 3-D `M`
(a batch of cost matrices) goes to :mod:`pydiv.emd.batch`, which solves
every problem exactly as one call here would (bitwise the same results).
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from .._checks import as_real_array, check_bool, check_max_iter, check_weights, normalised_weights, thread_request
from .batch import emd2_batch, emd_batch
from .result import MASS_RTOL, EmdResult, make_result, mass_rtol, raise_for_costs

__all__ = ["MASS_RTOL", "balance", "emd", "emd2"]

# Relative difference of sum(a) and sum(b) accepted without normalize=True.


def balance(a: np.ndarray, b: np.ndarray, normalize: bool, rtol: float = MASS_RTOL,
            names: tuple[str, str] = ("a", "b")) -> tuple[np.ndarray, np.ndarray]:
    """The weights the solver gets: normalised (``normalize=True``), or as given
    once their totals are checked to agree to ``rtol`` (:func:`mass_rtol`); b
    scaled to a's total where they differ by more than the solver's own float64
    tolerance but less than ``rtol`` (float32 weights).  Errors call the two
    arguments `names`."""
    with np.errstate(over="ignore"):
        sa, sb = float(a.sum()), float(b.sum())
    if normalize:
        return normalised_weights(a), normalised_weights(b)
    for name, total in zip(names, (sa, sb)):
        if total == math.inf:
            raise ValueError(
                f"{name} sums to more than the largest float64; pass normalize=True or scale the weights down"
            )
    if abs(sa - sb) > rtol * max(sa, sb):
        raise ValueError(
            f"{names[0]} and {names[1]} have different total mass ({sa!r} and {sb!r}, relative difference "
            f"{abs(sa - sb) / max(sa, sb):.3g} > {rtol:g}); pass normalize=True to rescale both to 1"
        )
    return (a, b) if abs(sa - sb) <= MASS_RTOL * max(sa, sb) else (a, b * (sa / sb))


def emd(a: ArrayLike | None, b: ArrayLike | None, M: ArrayLike, *, max_iter: int | None = None,
        normalize: bool = False, n_jobs: int | None = None, init: EmdResult | None = None) -> EmdResult:
    r"""Exact optimal transport between two discrete distributions.

    .. math::

        \operatorname{EMD}(a, b; M) = \min_{P \ge 0,\; P\mathbf{1} = a,\; P^\top\mathbf{1} = b}
        \; \sum_{ij} M_{ij} P_{ij}

    Parameters
    ----------
    a : array_like of shape (n,), or None
        Non-negative source weights (uniform when None).  Zero weights are allowed.
    b : array_like of shape (m,), or None
        Non-negative target weights (uniform when None).
    M : array_like of shape (n, m)
        Ground costs; any real numbers, ``+inf`` forbids a pair.  float32
        input is converted to float64.
    max_iter : int, optional
        Stop after this many simplex pivots (unlimited by default); if reached,
        an :class:`EmdMaxIterWarning` is issued and the non-optimal result is
        returned with ``status == "max_iter_reached"``.
    normalize : bool, default False
        Rescale `a` and `b` to sum to 1.  Without it their sums must agree to
        a relative ``1e-9`` (tiny differences are absorbed by the solver).
    n_jobs : int, optional
        Threads across the problems of a batch (see below); ``None`` or -1:
        the OpenMP default.  A single problem runs on one thread.
    init : EmdResult, optional
        Warm start (single problems): the result of an earlier problem of
        the same shape, e.g. the previous step of a slowly moving problem.
        The solve starts from its final basis (or, for results of batches,
        from its plan, joined into one spanning tree by its potentials) when
        that is a feasible basis for `a` and `b` (else it starts cold).  The optimum and its certificate are those of a
        cold solve (the plan may be another optimal one where the optimum
        is not unique); only the number of pivots changes.

    Returns
    -------
    EmdResult
        Cost, dual potentials, sparse plan, iteration count and status.  For
        a batch, a list of them (see :func:`pydiv.emd.emd_batch`, the
        same call with its return type spelled out).

    Raises
    ------
    ValueError
        Invalid input (the message names the argument).
    EmdInfeasibleError
        No plan exists because of ``+inf`` costs (a subclass of ValueError).

    Notes
    -----
    Complexity is not polynomial in the worst case but about
    :math:`O(n^{2.1})` in practice for :math:`n = m`; memory is
    :math:`O(n + m)` besides `M`.  Compared with ``ot.emd``: same problem and
    optimum; the plan is returned sparse (use :meth:`EmdResult.plan` for the
    dense matrix).

    **Batches.**  A 3-D `M` of shape (B, n, m) is B problems, with `a` of
    shape (B, n) or (n,) (shared by every problem) or None, and `b` alike;
    they are solved in C++ on OpenMP threads, each exactly as its own call
    would solve it, whatever the thread count.  Errors and warnings name the
    indices of the problems concerned.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> r = pydiv.emd([0.5, 0.5], [0.5, 0.5], [[0.0, 1.0], [1.0, 0.0]])
    >>> r.cost, r.plan().tolist()
    (0.0, [[0.5, 0.0], [0.0, 0.5]])
    """
    Ma = as_real_array(M, "M")
    if init is not None and not isinstance(init, EmdResult):
        raise TypeError(f"init must be an EmdResult (of an earlier emd call) or None, got {type(init).__name__}")
    if Ma.ndim == 3:
        if init is not None:
            raise ValueError("init (a warm start) is for a single problem, not for a batch (3-D M)")
        # A batch: typed as the single case, which is what a static checker can
        # tell apart from the arguments' types; emd_batch has the exact type.
        return cast(EmdResult, emd_batch(a, b, Ma, max_iter=max_iter, normalize=normalize, n_jobs=n_jobs))
    thread_request(n_jobs)
    return make_result(_solve_one(a, b, Ma, max_iter, normalize, init), "emd")


def _solve_one(a: Any, b: Any, Ma: np.ndarray, max_iter: int | None, normalize: bool,
               init: EmdResult | None = None) -> tuple[Any, ...]:
    iters = check_max_iter(max_iter)
    normalize = check_bool(normalize, "normalize")
    if Ma.ndim != 2:
        raise ValueError(
            f"M must be a 2-D cost matrix of shape (len(a), len(b)) or a 3-D batch of them, got {Ma.ndim}-D"
        )
    n, m = Ma.shape
    if n == 0 or m == 0:
        raise ValueError(f"M must not be empty, got shape {Ma.shape}")
    aa = check_weights(a, n, "a", "row of M")
    bb = check_weights(b, m, "b", "column of M")
    aa, bb = balance(aa, bb, normalize, mass_rtol(a, b))
    Ma = np.ascontiguousarray(Ma, dtype=np.float64)
    if not (aa.all() and bb.all()):
        # The kernel drops zero-mass rows/columns and never reads their costs.
        if np.isnan(Ma).any() or np.isneginf(Ma).any():
            raise_for_costs(Ma)
    if init is None:
        raw = _core.emd_dense(aa, bb, Ma, iters)
    elif init.shape != (n, m):
        raise ValueError(f"init is the result of a problem of shape {init.shape}, but M has shape {(n, m)}")
    else:
        # The earlier basis when the result kept it (degenerate arcs too), else its plan.
        rows, cols, roots = init.basis if init.basis is not None else (init.rows, init.cols, np.empty(0, np.int64))
        idx = [np.ascontiguousarray(z, np.int64) for z in (rows, cols, roots)]
        u, v = (np.ascontiguousarray(z, np.float64) for z in (init.u, init.v))
        raw = _core.emd_dense_warm(aa, bb, Ma, iters, idx[0], idx[1], u, v, idx[2])
    if raw[1] == _core.EMD_INVALID_INPUT:
        raise_for_costs(Ma)
    return cast(tuple[Any, ...], raw)


def emd2(a: ArrayLike | None, b: ArrayLike | None, M: ArrayLike, *, max_iter: int | None = None,
         normalize: bool = False, n_jobs: int | None = None) -> float:
    """The optimal transport cost only: ``emd(a, b, M, ...).cost``.

    Same parameters, errors and warnings as :func:`~pydiv.emd`.  For a batch (3-D
    `M`), an ndarray of shape (B,) (see :func:`pydiv.emd.emd2_batch`).

    Examples
    --------
    >>> import pydiv
    >>> pydiv.emd2([1.0], [0.25, 0.75], [[2.0, 4.0]])
    3.5
    """
    Ma = as_real_array(M, "M")
    if Ma.ndim == 3:
        return cast(float, emd2_batch(a, b, Ma, max_iter=max_iter, normalize=normalize, n_jobs=n_jobs))
    thread_request(n_jobs)
    return make_result(_solve_one(a, b, Ma, max_iter, normalize), "emd2").cost
