"""Gaussians: the 2-Wasserstein (Bures-Wasserstein) distance between them and
the Frechet distance (FID) between Gaussians fitted to features.

Modules: :mod:`~pydiv.gaussian.distance` (:func:`gaussian_wasserstein`,
:func:`frechet_distance`, :class:`GaussianStats`, input checks),
:mod:`~pydiv.gaussian.factor` (square-root factors and the nuclear norm, the
numerics and the measurements behind them).  The streaming statistics are
:class:`pydiv.stream.Moments`; the matrix between many Gaussians is
``pairwise(stats, metric="gaussian")`` (:mod:`pydiv.pairwise.gaussian_metrics`).
"""

from .distance import GaussianStats, frechet_distance, gaussian_wasserstein

__all__ = ["GaussianStats", "frechet_distance", "gaussian_wasserstein"]
