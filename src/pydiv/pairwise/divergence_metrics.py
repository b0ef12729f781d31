"""The everyday divergences of :func:`pydiv.pairwise`: Hellinger, total
variation, Bhattacharyya, chi-squared, Jeffreys and PSI.

Rows are histograms.  A block of rows i0..i1 against all rows of Y is one
``_core.divergence_rows`` call on broadcast views (row i repeated against
every row of Y, read in place), threaded across the pairs, on the rows as
given, so each entry is bitwise the single-pair function's value
(:mod:`pydiv.divergences`).  PSI floors the bin shares at its default eps
first, as :func:`pydiv.population_stability_index` does.  Option: ``base``
for Jeffreys.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _core
from .._checks import check_base
from ..divergences import PSI_EPS
from .metric import BlockPlan, HistogramMetric, Job, register


def _rows_block(kind: int, X: np.ndarray, Y: np.ndarray, i0: int, i1: int, threads: int) -> np.ndarray:
    n, (m, k) = i1 - i0, Y.shape
    P = np.broadcast_to(X[i0:i1, None, :], (n, m, k))
    Q = np.broadcast_to(Y[None, :, :], (n, m, k))
    return np.asarray(_core.divergence_rows(kind, P, Q, threads)).reshape(n, m)


class _DivergenceMetric(HistogramMetric):
    kind = -1
    options = ("base",)
    allows_base = False
    symmetric = True
    take_sqrt = False

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        if options["base"] is not None and not self.allows_base:
            raise ValueError(f"metric={self.name!r} takes no base")
        b = check_base(options["base"])
        options["scale"] = 1.0 / math.log(b) if b is not None else 1.0
        return options

    def rows(self, xs: Any) -> np.ndarray:
        return np.asarray(xs[0])

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        X = self.rows(xs)
        Y = X if ys is xs else self.rows(ys)
        m, scale, kind = Y.shape[0], options["scale"], self.kind

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            values = _rows_block(kind, X, Y, i0, i1, job.threads)
            if scale != 1.0:
                values *= scale
            if symmetric:  # X against itself: the upper triangle, mirrored, so the matrix is exactly symmetric
                rows = np.arange(i0, i1)
                values[rows - i0, rows] = 0.0
                lower = np.tril_indices(i1 - i0, -1)
                values[lower[0], lower[1] + i0] = values[lower[1], lower[0] + i0]
            if job.condensed:
                block[:] = np.concatenate([values[i - i0, i + 1:] for i in range(i0, i1)]) if i1 > i0 else []
            else:
                block[:] = values
            return int(np.isnan(values).sum())

        return BlockPlan(X.shape[0], m, 2.0 * X.shape[1], run_block, self.groups(xs, ys, job))


@register
class Hellinger(_DivergenceMetric):
    name = "hellinger"
    kind = _core.DIV_HELLINGER


@register
class TotalVariation(_DivergenceMetric):
    name = "total_variation"
    kind = _core.DIV_TOTAL_VARIATION


@register
class Chi2(_DivergenceMetric):
    name = "chi2"
    kind = _core.DIV_CHI2
    symmetric = False


@register
class Jeffreys(_DivergenceMetric):
    name = "jeffreys"
    kind = _core.DIV_JEFFREYS
    allows_base = True


@register
class Psi(_DivergenceMetric):
    """PSI of Y's rows against X's, with the bin shares floored at the default eps."""

    name = "psi"
    kind = _core.DIV_JEFFREYS

    def rows(self, xs: Any) -> np.ndarray:
        floored: np.ndarray = np.maximum(np.asarray(xs[1]), PSI_EPS)
        return floored
