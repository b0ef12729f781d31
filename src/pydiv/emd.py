r"""Exact optimal transport (Earth Mover's Distance) between discrete distributions.

Solves the transportation problem

.. math::

    \min_{P \ge 0} \sum_{ij} M_{ij} P_{ij}
    \quad \text{s.t.} \quad P \mathbf{1} = a, \; P^\top \mathbf{1} = b

exactly, with a primal network simplex in C++ (block-search pivoting,
strongly feasible spanning trees; see ``src/cpp/emd/network_simplex.hpp``).
Besides the cost, every solve returns an optimality certificate: dual
potentials ``u``, ``v`` with :math:`u_i + v_j \le M_{ij}` for all pairs,
equality on the plan's entries, and :math:`a \cdot u + b \cdot v` equal to the
cost.  The plan is returned sparse (at most ``n + m - 1`` entries).

* :func:`emd` / :func:`emd2`: a given cost matrix ``M`` (``+inf`` forbids a pair);
* :func:`wasserstein_nd`: point clouds in :math:`\mathbb{R}^d`; the ground costs
  are computed on the fly, so memory stays :math:`O(n + m)` for large clouds.

The GIL is released while solving; Ctrl-C interrupts a long solve.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from ._checks import (
    cost_power,
    rescaling,
    shifted,
    as_real_array,
    balanced_weights,
    check_bool,
    check_ground_metric,
    check_max_iter,
    check_minkowski_order,
    check_p,
    check_points,
    check_weights,
    normalised_weights,
)

__all__ = ["EmdInfeasibleError", "EmdMaxIterWarning", "EmdResult", "emd", "emd2", "wasserstein_nd"]

# Relative difference of sum(a) and sum(b) accepted without normalize=True.
MASS_RTOL = 1e-9

_STATUS = {
    _core.EMD_OPTIMAL: "optimal",
    _core.EMD_MAX_ITER_REACHED: "max_iter_reached",
    _core.EMD_INFEASIBLE: "infeasible",
    _core.EMD_INTERRUPTED: "interrupted",
    _core.EMD_INVALID_INPUT: "invalid_input",
}

# Point clouds: up to this many pairs the cost matrix is built first (pricing
# from memory beats recomputing while the matrix is small); beyond, costs are
# computed on the fly.  Euclidean pricing needs few square roots (the solver
# screens on squared distances), so its break-even is lower than for powers.
_DENSE_MAX_FAST = 1 << 22  # 32 MiB of float64
_DENSE_MAX_POW = 1 << 24  # 128 MiB: general p costs a pow() per priced pair


class EmdInfeasibleError(ValueError):
    """No transport plan exists: the ``+inf`` (forbidden) entries of ``M`` leave
    some mass with nowhere to go."""


class EmdMaxIterWarning(RuntimeWarning):
    """The solver stopped at ``max_iter`` pivots; the result is not optimal."""


@dataclass(frozen=True, eq=False)
class EmdResult:
    """Solution of an exact optimal-transport problem.

    Attributes
    ----------
    cost : float
        Total transport cost :math:`\\sum_{ij} M_{ij} P_{ij}`.
    u, v : ndarray of shape (n,) and (m,)
        Dual potentials.  When ``status == "optimal"``:
        :math:`u_i + v_j \\le M_{ij}` for every pair (up to rounding), with
        equality on every plan entry, and ``a @ u + b @ v == cost``.  The
        potentials are fixed up to ``(u + g, v - g)``; the gauge used is
        ``v[j0] == 0`` at the first column ``j0`` with positive mass.
    rows, cols : ndarray of int64, mass : ndarray of float64
        The plan in coordinate form: ``P[rows[k], cols[k]] = mass[k] > 0``; at
        most ``n + m - 1`` entries (a basic solution).
    n_iter : int
        Number of simplex pivots.
    status : str
        ``"optimal"`` or ``"max_iter_reached"`` (then the plan may not yet
        meet the marginals and ``u``, ``v`` are not a certificate).
    """

    cost: float
    u: np.ndarray
    v: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    mass: np.ndarray
    n_iter: int
    status: str

    @property
    def shape(self) -> tuple[int, int]:
        """Shape ``(n, m)`` of the transport plan."""
        return (self.u.shape[0], self.v.shape[0])

    def plan(self) -> np.ndarray:
        """The transport plan as a dense ``(n, m)`` float64 array."""
        out = np.zeros(self.shape, dtype=np.float64)
        out[self.rows, self.cols] = self.mass
        return out


def _balance(a: np.ndarray, b: np.ndarray, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(over="ignore"):
        sa, sb = float(a.sum()), float(b.sum())
    if normalize:
        return normalised_weights(a), normalised_weights(b)
    for name, total in (("a", sa), ("b", sb)):
        if total == math.inf:
            raise ValueError(
                f"{name} sums to more than the largest float64; pass normalize=True or scale the weights down"
            )
    if abs(sa - sb) > MASS_RTOL * max(sa, sb):
        raise ValueError(
            f"a and b have different total mass ({sa!r} and {sb!r}, relative difference "
            f"{abs(sa - sb) / max(sa, sb):.3g} > {MASS_RTOL:g}); pass normalize=True to rescale both to 1"
        )
    return a, b


def _raise_for_costs(M: np.ndarray, name: str = "M") -> None:
    if np.isnan(M).any():
        raise ValueError(f"{name} contains NaN; costs must be real numbers or +inf (a forbidden pair)")
    if np.isneginf(M).any():
        raise ValueError(f"{name} contains -inf; costs must be real numbers or +inf (a forbidden pair)")
    raise ValueError(
        f"{name} has entries too large in magnitude: 2 * max|{name}| * (n + m + 1) must stay below 1e300"
    )


def _result(raw: tuple[Any, ...], where: str) -> EmdResult:
    cost, code, n_iter, u, v, rows, cols, mass = raw
    status = _STATUS.get(code, "unknown")
    if status == "infeasible":
        raise EmdInfeasibleError(
            f"{where}: the problem is infeasible: with the +inf (forbidden) entries of the cost, "
            "some mass has no admissible destination"
        )
    if status == "interrupted":  # the extension normally re-raises the signal's exception itself
        raise KeyboardInterrupt
    if status == "max_iter_reached":
        warnings.warn(
            f"{where}: stopped after max_iter={n_iter} pivots before reaching optimality; "
            "the result has status 'max_iter_reached' and is not optimal",
            EmdMaxIterWarning,
            stacklevel=3,
        )
    for arr in (u, v, rows, cols, mass):
        arr.setflags(write=False)
    return EmdResult(float(cost), u, v, rows, cols, mass, int(n_iter), status)


def emd(a: Any, b: Any, M: Any, *, max_iter: int | None = None, normalize: bool = False) -> EmdResult:
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

    Returns
    -------
    EmdResult
        Cost, dual potentials, sparse plan, iteration count and status.

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

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> r = pydiv.emd([0.5, 0.5], [0.5, 0.5], [[0.0, 1.0], [1.0, 0.0]])
    >>> r.cost, r.plan().tolist()
    (0.0, [[0.5, 0.0], [0.0, 0.5]])
    """
    iters = check_max_iter(max_iter)
    normalize = check_bool(normalize, "normalize")
    Ma = as_real_array(M, "M")
    if Ma.ndim != 2:
        raise ValueError(f"M must be a 2-D cost matrix of shape (len(a), len(b)), got {Ma.ndim}-D")
    n, m = Ma.shape
    if n == 0 or m == 0:
        raise ValueError(f"M must not be empty, got shape {Ma.shape}")
    aa = check_weights(a, n, "a", "row of M")
    bb = check_weights(b, m, "b", "column of M")
    aa, bb = _balance(aa, bb, normalize)
    Ma = np.ascontiguousarray(Ma, dtype=np.float64)
    if not (aa.all() and bb.all()):
        # The kernel drops zero-mass rows/columns and never reads their costs.
        if np.isnan(Ma).any() or np.isneginf(Ma).any():
            _raise_for_costs(Ma)
    raw = _core.emd_dense(aa, bb, Ma, iters)
    if raw[1] == _core.EMD_INVALID_INPUT:
        _raise_for_costs(Ma)
    return _result(raw, "emd")


def emd2(a: Any, b: Any, M: Any, *, max_iter: int | None = None, normalize: bool = False) -> float:
    """The optimal transport cost only: ``emd(a, b, M, ...).cost``.

    Same parameters, errors and warnings as :func:`emd`.

    Examples
    --------
    >>> import pydiv
    >>> pydiv.emd2([1.0], [0.25, 0.75], [[2.0, 4.0]])
    3.5
    """
    return emd(a, b, M, max_iter=max_iter, normalize=normalize).cost


def wasserstein_nd(
    x: Any,
    y: Any,
    a: Any = None,
    b: Any = None,
    *,
    p: float = 1,
    metric: str = "euclidean",
    w: float | None = None,
    max_iter: int | None = None,
) -> float:
    r"""p-Wasserstein distance between two weighted point clouds.

    .. math::

        W_p(\mu, \nu) = \Bigl( \min_{P \in \Pi(a, b)} \sum_{ij} d(x_i, y_j)^p P_{ij} \Bigr)^{1/p}

    solved exactly (network simplex).  Up to a few million pairs the cost
    matrix is built in C++ first; beyond, costs are computed on the fly, so
    memory stays :math:`O(n + m)` (e.g. 10 000 x 10 000 points need no
    800 MB matrix).

    Parameters
    ----------
    x : array_like of shape (n, d) or (n,)
        Source points (1-D input: points on a line).
    y : array_like of shape (m, d) or (m,)
        Target points, same dimension `d`.
    a, b : array_like, optional
        Non-negative weights of the points, normalised to sum 1 (uniform by
        default).
    p : float, default 1
        Order :math:`p \ge 1`; the ground cost is :math:`d(x, y)^p`.
    metric : {"euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski"}
        The ground distance `d` (``"sqeuclidean"`` is the squared Euclidean
        distance, so ``p=1`` with it gives :math:`W_2^2`).
    w : float, optional
        Order of the Minkowski distance (``metric="minkowski"`` only; default 2).
    max_iter : int, optional
        Pivot limit, as in :func:`emd`.

    Returns
    -------
    float
        :math:`W_p`.

    Examples
    --------
    Two parallel segments at distance 0.7:

    >>> import numpy as np, pydiv
    >>> t = np.linspace(0, 1, 5)
    >>> x = np.c_[np.zeros(5), t]; y = np.c_[np.full(5, 0.7), t]
    >>> round(pydiv.wasserstein_nd(x, y), 12)
    0.7
    """
    pp = check_p(p)
    code = check_ground_metric(metric, "metric")
    ww = check_minkowski_order(w, metric, "metric")
    iters = check_max_iter(max_iter)
    xa = check_points(x, "x")
    ya = check_points(y, "y")
    if xa.shape[1] != ya.shape[1]:
        raise ValueError(f"x and y hold points of different dimensions ({xa.shape[1]} and {ya.shape[1]})")
    n, m = xa.shape[0], ya.shape[0]
    aa, bb, total = balanced_weights(check_weights(a, n, "a", "point of x"),
                                      check_weights(b, m, "b", "point of y"))
    fast = pp in (1.0, 2.0) and metric != "minkowski"
    dense_max = _DENSE_MAX_FAST if fast else _DENSE_MAX_POW
    power = cost_power(metric, ww, pp)
    failed = (_core.EMD_INVALID_INPUT, _core.EMD_INFEASIBLE)
    shift = rescaling(xa, ya, power, n + m, always=False)
    raw = None if shift is not None else _core.emd_points(aa, bb, xa, ya, code, pp, ww, iters, dense_max)
    if raw is None or raw[1] in failed:
        # Every pair is admissible, so a failure means that costs overflowed (an
        # infinite cost reads as a forbidden pair).  Scaled points give the same
        # distance times the scale.
        shift = shift or rescaling(xa, ya, power, n + m, always=True)
        if shift is not None:
            lo, e = shift
            xs, ys = (shifted(z, lo, e) for z in (xa, ya))
            raw = _core.emd_points(aa, bb, xs, ys, code, pp, ww, iters, dense_max)
        if raw is None or raw[1] in failed:
            raise ValueError(
                "x and y: the costs distance**p overflow the solver's range "
                "(2 * max cost * (n + m + 1) must stay below 1e300)"
            )
    cost = _result(raw, "wasserstein_nd").cost / total
    distance: float = max(cost, 0.0) ** (1.0 / pp)
    if shift is not None:
        with np.errstate(over="ignore"):  # a distance beyond the float range is inf
            distance = float(np.ldexp(distance, shift[1] * (2 if metric == "sqeuclidean" else 1)))
    return distance
