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

Each also takes a batch of problems of one size (a leading dimension B),
solved on OpenMP threads, each exactly as its own call would solve it
(:mod:`pydiv.emd.batch`, :mod:`pydiv.emd.points_batch`).  The GIL is
released while solving; Ctrl-C interrupts a long solve.

Modules: ``result`` (results, errors, statuses), ``dense`` (given costs),
``batch`` (batches of given costs), ``points`` (point clouds, with
:func:`solve_points` returning the plan beside the distance),
``points_batch`` (batches of clouds), ``points_common`` (their shared steps).
"""

from __future__ import annotations

# Point clouds: up to this many pairs the cost matrix is built first (pricing
# from memory beats recomputing while the matrix is small); beyond, costs are
# computed on the fly.  Euclidean pricing needs few square roots (the solver
# screens on squared distances), so its break-even is lower than for powers.
# They live here, on the package, so that one setting reaches every solve;
# defined before the submodules are imported, which read them through
# dense_max_entries at each call.
_DENSE_MAX_FAST = 1 << 22  # 32 MiB of float64
_DENSE_MAX_POW = 1 << 24  # 128 MiB: general p costs a pow() per priced pair


def dense_max_entries(fast: bool) -> int:
    """Up to how many pairs a point-cloud solve builds its cost matrix first
    (`fast`: p in (1, 2) and a metric other than Minkowski)."""
    return _DENSE_MAX_FAST if fast else _DENSE_MAX_POW


from .batch import emd2_batch, emd_batch  # noqa: E402
from .dense import MASS_RTOL, emd, emd2  # noqa: E402
from .points import solve_points, solve_points_batch, wasserstein_nd  # noqa: E402
from .points_batch import wasserstein_nd_batch  # noqa: E402
from .result import EmdInfeasibleError, EmdMaxIterWarning, EmdResult  # noqa: E402

__all__ = [
    "MASS_RTOL",
    "EmdInfeasibleError",
    "EmdMaxIterWarning",
    "EmdResult",
    "dense_max_entries",
    "emd",
    "emd2",
    "emd2_batch",
    "emd_batch",
    "solve_points",
    "solve_points_batch",
    "wasserstein_nd",
    "wasserstein_nd_batch",
]
