r"""Exact Earth Mover's Distance between images, volumes and histograms on a
regular grid, with O(n) arcs instead of n^2.

On a grid, the transport between cells at an L1 (cityblock) or L-infinity
(chebyshev) ground cost is a min-cost flow on the grid graph itself (each
cell joined to its neighbours), and at the squared Euclidean cost, which is
separable, a min-cost flow on a (d+1)-partite graph whose layers change one
coordinate at a time.  Both are solved exactly by a sparse network simplex
in C++ (``src/cpp/grid/``, ``src/cpp/emd/sparse_simplex.hpp``), with
Kantorovich potentials on the grid as the certificate.

* :func:`emd_grid`: one pair of histograms, with potentials and, on
  request, the optimal flow or plan (:class:`GridEmdResult`);
* :func:`emd_grid_batch`: K pairs on OpenMP threads; also
  ``pairwise(images, metric="emd_grid")``.

Modules: ``checks`` (argument validation), ``solve`` (the functions),
``result`` (the result class).
"""

from __future__ import annotations

from .result import GridEmdResult
from .solve import emd_grid, emd_grid_batch

__all__ = ["GridEmdResult", "emd_grid", "emd_grid_batch"]
