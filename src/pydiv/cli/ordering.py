"""Row order for ``pydiv pairwise --plot --order cluster``: average-linkage (UPGMA) clustering.

Plain NumPy agglomeration on a square matrix of dissimilarities
(symmetrised as (D + D.T) / 2, infinite entries treated as the largest finite
one): the two closest clusters are merged, the distance of the merged cluster
to any other is the size-weighted mean of its parts' (Lance-Williams update
for average linkage), and the leaf order is the concatenation of the merged
clusters' orders.  O(n^3) time, O(n^2) memory: meant for matrices small
enough to look at.
"""

from __future__ import annotations

import numpy as np

from .errors import CliError

__all__ = ["cluster_order"]


def cluster_order(matrix: np.ndarray) -> np.ndarray:
    """The permutation that puts rows of similar clusters next to each other."""
    d = np.asarray(matrix, dtype=np.float64)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise CliError(f"--order cluster needs a square matrix (X against itself), got shape {d.shape}")
    n = d.shape[0]
    if n <= 2:
        return np.arange(n)
    finite = d[np.isfinite(d)]
    big = float(finite.max()) if finite.size else 0.0
    d = np.where(np.isfinite(d), d, big)
    d = (d + d.T) / 2.0
    np.fill_diagonal(d, np.inf)
    orders: list[list[int] | None] = [[i] for i in range(n)]
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    for _ in range(n - 1):
        i, j = np.unravel_index(int(np.argmin(d)), d.shape)
        i, j = min(i, j), max(i, j)
        merged = (sizes[i] * d[i] + sizes[j] * d[j]) / (sizes[i] + sizes[j])
        d[i, :] = merged
        d[:, i] = merged
        d[j, :] = np.inf
        d[:, j] = np.inf
        d[i, i] = np.inf
        d[:, ~alive] = np.inf
        d[~alive, :] = np.inf
        orders[i] = orders[i] + orders[j]  # type: ignore[operator]
        orders[j] = None
        sizes[i] += sizes[j]
        alive[j] = False
    return np.asarray(orders[int(np.flatnonzero(alive)[0])])
