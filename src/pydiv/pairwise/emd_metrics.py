"""The exact EMD metric of :func:`pydiv.pairwise`: :math:`W_p` between point clouds.

Rows are point clouds of shape (n_i, d), optionally weighted (uniform by
default), concatenated once with per-cloud offsets; each pair is one network
simplex solve in C++ (``_core.emd_pair_block``) with the ground distance
``ground_metric`` (Minkowski order ``w``), as in :func:`pydiv.wasserstein_nd`.
Clouds whose costs would leave the solver's range are shifted and scaled by a
power of two first; the distances then scale back exactly (``finish``).
Pairs the solver cannot solve are counted and reported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .metric import BlockPlan, ItemMetric, Job, register
from .rows import clouds, ground, scaled_clouds


@register
class EMD(ItemMetric):
    name = "emd"
    options = ("p", "ground_metric", "w", "x_weights", "y_weights")
    symmetric = True
    array_rows = False
    items = "point clouds"

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Any:
        return clouds(a, weights, name, self.name)

    def pair_cost(self, xs: Any, ys: Any) -> float:
        return float(np.diff(xs[2]).mean() * np.diff(ys[2]).mean()) if xs[2].size > 1 and ys[2].size > 1 else 1.0

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        ground_metric = "euclidean" if options["ground_metric"] is None else options["ground_metric"]
        code, w = ground(ground_metric, options["w"])
        if xs[0].shape[1] != ys[0].shape[1] and xs[2].size > 1 and ys[2].size > 1:
            raise ValueError(f"X and Y hold points of different dimensions ({xs[0].shape[1]} and {ys[0].shape[1]})")
        groups = self.groups(xs, ys, job)
        p, threads, condensed = options["p"], job.threads, job.condensed
        xs, ys, exponent = scaled_clouds(xs, ys, job.self_pairs, str(ground_metric), w, p)

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            n_bad = _core.emd_pair_block(*xs, *ys, code, p, w, i0, i1, symmetric, condensed, block, threads)  # type: ignore[call-overload]
            return int(n_bad)

        def finish(result: np.ndarray) -> None:
            with np.errstate(over="ignore"):  # a distance beyond the float range is inf
                np.ldexp(result, exponent, out=result)

        return BlockPlan(*self.counts(xs, ys), self.pair_cost(xs, ys), run_block, groups,
                         finish if exponent else None)
