"""The Gaussian metric of :func:`pydiv.pairwise`: W2 between fitted Gaussians.

Rows are Gaussians: :class:`pydiv.GaussianStats`, :class:`pydiv.stream.Moments`
or (n_i, d) samples (fitted with the unbiased covariance, as
:func:`pydiv.frechet_distance` does).  Each Gaussian is validated and factored
once (the O(d^3) preparation, :func:`pydiv.gaussian.distance.side`); each row
of a block is then one batched step over its columns
(:func:`pydiv.gaussian.distance.w2_squared`: nuclear norms of F_j^T F_i), real,
non-negative and exactly 0 for element-wise equal Gaussians.  Option:
``squared`` (W2^2, the FID convention; default False, W2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_bool
from ..gaussian.distance import Side, gaussian_stats, side, w2_squared
from .metric import BlockPlan, Job, Metric, register


def _gaussians(stats: Any, name: str) -> Side:
    if isinstance(stats, np.ndarray) and stats.dtype != object and stats.ndim != 3:
        raise ValueError(f"{name} must be a sequence of Gaussians (GaussianStats, stream.Moments or (n, d) samples), "
                         f"got a {stats.ndim}-D array")
    try:
        items = [gaussian_stats(s, f"{name}[{i}]") for i, s in enumerate(stats)]
    except TypeError:
        raise TypeError(f"{name} must be a sequence of Gaussians, got {type(stats).__name__}") from None
    if not items:
        return Side(np.zeros((0, 1)), np.zeros((0, 1, 1)), np.zeros((0, 1, 1)), np.zeros(0), False)
    dims = {np.shape(s.mean)[-1] for s in items}
    if len(dims) > 1:
        raise ValueError(f"the Gaussians of {name} have different dimensions {sorted(dims)}")
    means = np.stack([np.asarray(s.mean, dtype=np.float64) for s in items])
    covs = np.stack([np.asarray(s.cov, dtype=np.float64) for s in items])
    return side(means, covs, (f"{name} means", f"{name} covariances"))


def _columns(b: Side, j0: int) -> Side:
    return Side(b.mean[j0:], b.cov[j0:], b.root[j0:], b.trace[j0:], b.diagonal)


def _one(a: Side, i: int) -> Side:
    return Side(a.mean[i], a.cov[i], a.root[i], a.trace[i], a.diagonal)


@register
class Gaussian(Metric):
    name = "gaussian"
    options = ("squared",)
    symmetric = True
    array_rows = False
    item_rows = True
    items = "Gaussians"

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        options["squared"] = False if options["squared"] is None else check_bool(options["squared"], "squared")
        return options

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Side:
        return _gaussians(a, name)

    def pair_cost(self, xs: Any, ys: Any) -> float:
        return float(xs.mean.shape[-1]) ** 3  # a factorisation-sized step per pair

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        n, m = xs.mean.shape[0], ys.mean.shape[0]
        if n and m and xs.mean.shape[-1] != ys.mean.shape[-1]:
            raise ValueError(f"X and Y hold Gaussians of different dimensions ({xs.mean.shape[-1]} and "
                             f"{ys.mean.shape[-1]})")
        squared, condensed = options["squared"], job.condensed

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            at = 0
            for i in range(i0, i1):
                j0 = i + 1 if symmetric else 0  # X against itself: right of the diagonal
                values = w2_squared(_one(xs, i), _columns(ys, j0)) if j0 < m else np.zeros(0)
                if not squared:
                    values = np.sqrt(values)
                if condensed:
                    block[at : at + values.size] = values
                    at += values.size
                    continue
                block[i - i0, j0:] = values
                if symmetric:
                    block[i - i0, i] = 0.0
                    below = min(i1, m) - (i + 1)  # the mirror of this row inside the block
                    block[i - i0 + 1 : i - i0 + 1 + below, i] = values[:below]
            return 0

        return BlockPlan(n, m, self.pair_cost(xs, ys), run_block)
