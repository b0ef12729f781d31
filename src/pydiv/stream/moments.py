"""Streaming mean and covariance of features that arrive in chunks.

State: the count n, the mean (d,) and the centred sum of outer products
M2 = sum (x - mean)(x - mean)^T (d, d), all float64 whatever the chunks'
dtype (float32 features are widened before anything is summed).  A chunk is
reduced to its own (n_k, mean_k, M2_k), centring at its own mean, and folded in
by Chan, Golub & LeVeque's parallel formula

    n = n_a + n_b,  delta = mean_b - mean_a,
    mean = mean_a + delta n_b / n,
    M2 = M2_a + M2_b + delta delta^T n_a n_b / n,

which never subtracts two large uncentred sums, so an offset in the features
costs no digits (the one-pass sum x x^T - n mean mean^T would).  Merging two
accumulators is the same fold.  Invariant: M2 is exactly symmetric.

Reference: Chan, Golub & LeVeque, "Algorithms for computing the sample
variance: analysis and recommendations", Amer. Statist. 37 (1983).
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_real_array, check_int
from ..gaussian.distance import GaussianStats
from ..typing import FloatArray


class Moments:
    """Streaming mean and unbiased covariance of d-dimensional features.

    Feed chunks of samples (k, d) with :meth:`update`, combine accumulators
    from several workers with :meth:`merge` (they pickle), and read
    :attr:`mean`, :attr:`cov` or :meth:`stats`, which
    :func:`pydiv.frechet_distance` takes.

    Parameters
    ----------
    d : int
        Number of features, >= 1.

    Examples
    --------
    >>> import numpy as np
    >>> from pydiv.stream import Moments
    >>> acc = Moments(2).update([[0.0, 0.0], [2.0, 0.0]]).update([[0.0, 2.0], [2.0, 2.0]])
    >>> acc.n, acc.mean.tolist()
    (4, [1.0, 1.0])
    >>> acc.cov.tolist()
    [[1.3333333333333333, 0.0], [0.0, 1.3333333333333333]]
    """

    def __init__(self, d: int) -> None:
        dim = check_int(d, "d")
        if dim < 1:
            raise ValueError(f"d must be >= 1, got {dim}")
        self._d = dim
        self._n = 0
        self._mean = np.zeros(dim)
        self._m2 = np.zeros((dim, dim))

    @property
    def d(self) -> int:
        """Number of features."""
        return self._d

    @property
    def n(self) -> int:
        """Number of samples added so far."""
        return self._n

    def _fold(self, n: int, mean: np.ndarray, m2: np.ndarray) -> None:
        if n == 0:
            return
        if self._n == 0:
            self._n, self._mean, self._m2 = n, mean.copy(), m2.copy()
            return
        total = self._n + n
        delta = mean - self._mean
        self._mean = self._mean + delta * (n / total)
        self._m2 = self._m2 + m2 + np.outer(delta, delta) * (self._n * n / total)  # exactly symmetric
        self._n = total

    def update(self, chunk: ArrayLike) -> Self:
        """Add a chunk of samples (k, d), one per row; returns self."""
        x = as_real_array(chunk, "chunk")
        if x.ndim != 2 or x.shape[1] != self._d:
            raise ValueError(f"chunk must have shape (k, {self._d}), got {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("chunk must be finite (it holds NaN or inf)")
        k = x.shape[0]
        if k == 0:
            return self
        x64 = x.astype(np.float64)  # a copy either way: it is centred in place
        mean = x64.mean(axis=0)
        x64 -= mean
        self._fold(k, mean, np.dot(x64.T, x64))  # dot spots the transpose and runs syrk: half the flops, symmetric
        return self

    def merge(self, other: Moments) -> Self:
        """Fold in another accumulator (e.g. from another worker); returns self."""
        if not isinstance(other, Moments):
            raise TypeError(f"cannot merge {type(other).__name__} into Moments")
        if other._d != self._d:
            raise ValueError(f"cannot merge Moments of d = {other._d} into d = {self._d}")
        self._fold(other._n, other._mean, other._m2)
        return self

    @property
    def mean(self) -> FloatArray:
        """Mean of the samples so far (d,), float64."""
        if self._n == 0:
            raise ValueError("no data: call update() with at least one sample first")
        return self._mean.copy()

    @property
    def cov(self) -> FloatArray:
        """Unbiased covariance (divided by n - 1) of the samples so far (d, d)."""
        if self._n < 2:
            raise ValueError(f"a covariance needs at least 2 samples; {self._n} added so far")
        out: np.ndarray = self._m2 / (self._n - 1)
        return out

    def stats(self) -> GaussianStats:
        """Mean, unbiased covariance and count, as :func:`pydiv.frechet_distance` takes."""
        return GaussianStats(self.mean, self.cov, self._n)

    def __repr__(self) -> str:
        return f"Moments(d={self._d}, n={self._n})"
