"""The types of pydiv's public signatures, for code that calls pydiv and is type-checked.

Each option that takes a fixed set of strings has one ``Literal`` here, used by
every function that takes it, so that a misspelt option (``metric="euclid"``)
is an error under a type checker and not only at run time; the runtime checks
accept exactly these strings (tests/test_typing.py compares them).

The result types say what the functions return:

* ``Reduced``: a reduction along an axis (``kl_divergence``, ``hellinger``,
  ...): a NumPy ``float64`` scalar when the input had one axis (a subclass of
  ``float``), else a float64 array with that axis removed.
* ``FloatArray``: a float64 array (a batch of distances, a matrix, a plan);
  ``IntArray``, an int64 one (the indices of a plan's entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "BhattacharyyaKind",
    "BinRule",
    "Bins",
    "DriftMetric",
    "FloatArray",
    "GridMetric",
    "GroundMetric",
    "IntArray",
    "MetricName",
    "NanPolicy",
    "Reduced",
    "Directions",
    "DirectionKind",
    "Seed",
    "SparseMatrix",
    "SlicedWeighting",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Reduced: TypeAlias = np.float64 | npt.NDArray[np.float64]


class SparseMatrix(Protocol):
    """A scipy.sparse matrix or array (pydiv.pairwise reads its rows through ``tocsr()``)."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def tocsr(self) -> Any: ...


# The metrics of pydiv.pairwise (and pydiv.dask.pairwise).
MetricName: TypeAlias = Literal[
    "kl", "cross_entropy", "js", "jensenshannon", "hellinger", "total_variation", "chi2", "jeffreys", "psi",
    "wasserstein", "wasserstein_samples", "emd", "sliced", "gaussian", "emd_grid",
]
# The ground distance between points (wasserstein_nd, pairwise's ground_metric).
GroundMetric: TypeAlias = Literal["euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski"]
# The ground cost between grid cells (emd_grid, emd_grid_batch).
GridMetric: TypeAlias = Literal["cityblock", "chebyshev", "sqeuclidean"]
BhattacharyyaKind: TypeAlias = Literal["distance", "coefficient"]
NanPolicy: TypeAlias = Literal["raise", "omit"]
# The bins of pydiv.histogram and pydiv.drift: a count, the edges, or quantiles of the reference.
# The bin-count rules of pydiv.histogram (numpy.histogram_bin_edges' names).
BinRule: TypeAlias = Literal["auto", "fd", "sturges", "sqrt", "doane", "scott", "rice"]
Bins: TypeAlias = (int | npt.NDArray[Any] | Sequence[float] | BinRule | Literal["quantile"]
                   | tuple[Literal["quantile"], int])
# The directions of sliced_wasserstein: drawn (one of the kinds), or given as an (L, d) array.
DirectionKind: TypeAlias = Literal["random", "orthogonal", "qmc"]
Directions: TypeAlias = DirectionKind | npt.NDArray[Any] | Sequence[Sequence[float]]
SlicedWeighting: TypeAlias = Literal["uniform", "energy"]
# What numpy.random.default_rng accepts as a seed (None: fresh entropy).
Seed: TypeAlias = int | np.random.SeedSequence | np.random.BitGenerator | np.random.Generator | None
# The per-column metrics of pydiv.drift.
DriftMetric: TypeAlias = Literal[
    "js", "jensenshannon", "kl", "psi", "hellinger", "total_variation", "jeffreys", "wasserstein", "energy",
]
