"""The 1-D Wasserstein metrics of :func:`pydiv.pairwise`.

``"wasserstein"``: rows are histograms on one sorted support `x` (default
0, 1, ..., k-1).  Order 1 integrates the difference of the two CDFs, each
row's CDF computed once (a uniform support takes one multiplication per
pair instead of a weight per bin); other orders ``p`` walk the breakpoints
of both quantile functions.  ``"wasserstein_samples"``: rows are 1-D samples
of any sizes, optionally weighted, sorted once; each pair is one linear
merge of two sorted samples.  Both run in C++ (``_core.pair_block``,
``_core.samples_pair_block``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._checks import check_p
from .metric import BlockPlan, HistogramMetric, ItemMetric, Job, register
from .rows import samples, support


@register
class Wasserstein(HistogramMetric):
    name = "wasserstein"
    options = ("x", "p")
    symmetric = True

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        P, Q = xs[1], ys[1]
        k = P.shape[1]
        order = check_p(1 if options["p"] is None else options["p"])
        x = support(options["x"], k)
        uniform_gap = 0.0
        if order == 1.0:
            kind, weights = _core.PAIR_CDF_L1, np.append(np.diff(x), 0.0)
            if k > 1 and weights[0] > 0 and np.all(weights[:-1] == weights[0]):
                uniform_gap = float(weights[0])
            A = np.cumsum(P, axis=1)
            B = A if Q is P else np.cumsum(Q, axis=1)
        else:
            kind, weights, A, B = _core.PAIR_HIST_WP, x, P, Q
        run_block = self.pair_kernel(kind, (A, None, None), (B, None, None), weights, order, uniform_gap, 1.0, False,
                                     job)
        return BlockPlan(P.shape[0], Q.shape[0], float(k), run_block, self.groups(xs, ys, job))


@register
class WassersteinSamples(ItemMetric):
    name = "wasserstein_samples"
    options = ("p", "x_weights", "y_weights")
    symmetric = True
    items = "samples"

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Any:
        return samples(a, weights, name)

    def pair_cost(self, xs: Any, ys: Any) -> float:
        return float(xs[0].size + ys[0].size) / float(max(1, xs[2].size + ys[2].size - 2))

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        groups = self.groups(xs, ys, job)
        p, threads, condensed = options["p"], job.threads, job.condensed

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            n_bad = _core.samples_pair_block(*xs, *ys, p, i0, i1, symmetric, condensed, block, threads)  # type: ignore[call-overload]
            return int(n_bad)

        return BlockPlan(*self.counts(xs, ys), self.pair_cost(xs, ys), run_block, groups)
