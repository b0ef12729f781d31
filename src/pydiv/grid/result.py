"""The result of an exact EMD between two histograms on a grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..typing import FloatArray, GridMetric, IntArray

__all__ = ["GridEmdResult"]


@dataclass(frozen=True, eq=False)
class GridEmdResult:
    r"""Solution of :func:`pydiv.emd_grid`.

    Attributes
    ----------
    cost : float
        The optimal transport cost: :math:`W_1` for ``"cityblock"`` and
        ``"chebyshev"``, :math:`W_2^2` for ``"sqeuclidean"`` (take
        ``np.sqrt(cost)`` for :math:`W_2`, as for :func:`pydiv.emd2` with a
        squared-distance cost matrix).
    u, v : ndarray of the grid's shape
        Kantorovich potentials on the grid.  When ``status == "optimal"``:
        :math:`u_x + v_z \le d(x, z)` for every pair of cells (up to
        rounding), with equality where mass moves, and
        ``(A * u).sum() + (B * v).sum() == cost``.  For ``"cityblock"`` and
        ``"chebyshev"`` they are one 1-Lipschitz potential
        :math:`\varphi`: ``u == phi`` and ``v == -phi`` (the critic of a
        Wasserstein GAN).  Gauge: ``v == 0`` at the first cell (C order)
        where ``B > 0``.
    status : str
        ``"optimal"``, or ``"max_iter_reached"`` (then nothing is a
        certificate and the potentials are NaN).
    n_iter : int
        Number of simplex pivots.
    metric : str
        The ground metric.
    flow : ndarray of shape (H, \*grid), or None
        With ``return_flow=True`` for ``"cityblock"`` / ``"chebyshev"``:
        ``flow[h][x]`` is the net mass sent from cell ``x`` to cell
        ``x + offsets[h]`` (negative: the other way) by an optimal flow on
        the grid graph; its divergence is ``A - B`` (scaled as solved).
    offsets : ndarray of shape (H, ndim), or None
        The neighbour offsets of ``flow``: the unit vectors for
        ``"cityblock"``, the lexicographically positive half of the king's
        moves for ``"chebyshev"``.
    sources, targets : ndarray of shape (k, ndim), mass : ndarray of shape (k,), or None
        With ``return_flow=True`` for ``"sqeuclidean"``: the transport plan,
        ``mass[i]`` moving from cell ``sources[i]`` to cell ``targets[i]``
        (grid coordinates), sorted, one entry per pair.
    """

    cost: float
    u: FloatArray
    v: FloatArray
    status: str
    n_iter: int
    metric: GridMetric
    flow: FloatArray | None = None
    offsets: IntArray | None = None
    sources: IntArray | None = None
    targets: IntArray | None = None
    mass: FloatArray | None = None

    def plan(self) -> FloatArray:
        """The transport plan as a dense (cells, cells) array over the C-ordered
        cells (``"sqeuclidean"`` with ``return_flow=True`` only)."""
        if self.sources is None or self.targets is None or self.mass is None:
            raise ValueError("the plan is kept for metric='sqeuclidean' with return_flow=True only")
        shape = self.u.shape
        cells = self.u.size
        out = np.zeros((cells, cells))
        src = np.ravel_multi_index(tuple(self.sources.T), shape)
        dst = np.ravel_multi_index(tuple(self.targets.T), shape)
        out[src, dst] = self.mass
        return out
