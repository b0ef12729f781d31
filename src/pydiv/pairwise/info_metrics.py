"""The information metrics of :func:`pydiv.pairwise`: KL, cross-entropy, Jensen-Shannon.

Rows are histograms, normalised once.  KL and cross-entropy are matrix
products, :math:`\\sum_k p_k \\log q_k = (P \\log Q^T)_{ij}`, done by NumPy's
BLAS block by block; an entry is ``inf`` exactly where some :math:`p_k > 0`
meets :math:`q_k = 0`, decided by a product of the zero masks, never by NaN,
and entries the product may have left with too few digits are recomputed
exactly (:mod:`pydiv.pairwise.info_refine`).  Jensen-Shannon runs the C++
tile walker (``_core.pair_block``) with each row's :math:`x \\log x` computed
once; the distance is its square root.  Option: ``base`` (natural log by
default).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _core
from .._checks import check_base, check_distance_base
from .info_refine import PairRecomputer, log_rows, loose_entries
from .metric import BlockCall, BlockPlan, HistogramMetric, Job, register


class _InfoMetric(HistogramMetric):
    options = ("base",)

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        b = check_base(options["base"])
        options["scale"] = 1.0 / math.log(b) if b is not None else 1.0
        return options


class _GemmMetric(_InfoMetric):
    """KL or cross-entropy as matrix products (asymmetric)."""

    symmetric = False

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        (X_raw, P), (Y_raw, Q) = xs, ys
        n, m = P.shape[0], Q.shape[0]
        run_block: BlockCall = _GemmBlocks(self.name, P, Q, X_raw, Y_raw, options["scale"], job) if n and m else _nothing
        return BlockPlan(n, m, float(P.shape[1]), run_block, self.groups(xs, ys, job))


def _nothing(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
    return 0


@register
class KL(_GemmMetric):
    name = "kl"


@register
class CrossEntropy(_GemmMetric):
    name = "cross_entropy"
    zero_on_identical = False  # H(p, p) is the entropy of p


@register
class JS(_InfoMetric):
    """The Jensen-Shannon divergence."""

    name = "js"
    symmetric = True
    take_sqrt = False

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        (X_raw, P), (Y_raw, Q) = xs, ys
        # The raw rows let a near-identical pair skip the rounding of normalising.
        P_aux = _core.xlogx(P)
        Q_aux = P_aux if Q is P else _core.xlogx(Q)
        run_block = self.pair_kernel(_core.PAIR_JS, (P, P_aux, X_raw), (Q, Q_aux, Y_raw), None, 1.0, 0.0,
                                     options["scale"], self.take_sqrt, job)
        return BlockPlan(P.shape[0], Q.shape[0], float(P.shape[1]), run_block, self.groups(xs, ys, job))


@register
class JensenShannon(JS):
    """The Jensen-Shannon distance, scipy's ``jensenshannon``."""

    name = "jensenshannon"
    take_sqrt = True

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        check_distance_base(options["base"])
        return super().check_options(options)


class _GemmBlocks:
    """Blocks of :math:`-\\sum_k p_k \\log q_k` (+ the rows' :math:`\\sum p \\log p` for KL).

    log 0 is replaced by 0 and the support mismatch is found exactly by a
    product of the zero masks.  Rows whose normalisation underflowed an entry
    take their logs from the rows as given, and their zeros too.  Entries the
    product could have left with too few digits are recomputed.
    """

    def __init__(self, metric: str, P: np.ndarray, Q: np.ndarray, X_raw: np.ndarray, Y_raw: np.ndarray,
                 scale: float, job: Job) -> None:
        self.recompute = PairRecomputer(metric, X_raw, Y_raw, job.threads)
        self.P, self.scale, self.same = P, scale, job.self_pairs
        self.log_q = log_rows(Q, self.recompute.Y)
        self.zero_cols = np.flatnonzero((self.recompute.Y == 0).any(axis=0))
        self.q_zero = (self.recompute.Y[:, self.zero_cols] == 0).astype(np.float64)
        self.neg_entropy = _core.xlogx(P).sum(axis=1) if metric == "kl" else None

    def __call__(self, i0: int, i1: int, result: np.ndarray, symmetric: bool) -> int:
        block = self.P[i0:i1] @ self.log_q.T
        np.negative(block, out=block)
        neg_entropy = self.neg_entropy
        if neg_entropy is not None:
            block += neg_entropy[i0:i1, None]
            np.maximum(block, 0.0, out=block)  # KL >= 0; rounding may leave -1e-17
            if self.same:
                idx = np.arange(i0, i1)
                block[idx - i0, idx] = 0.0  # KL(p || p) = 0 exactly
        if self.zero_cols.size:
            mismatch = (self.recompute.X[i0:i1, self.zero_cols] > 0).astype(np.float64) @ self.q_zero.T
            block[mismatch > 0] = np.inf
        loose = loose_entries(block, None if neg_entropy is None else neg_entropy[i0:i1])
        self.recompute.refine(block, loose, i0, skip_diagonal=self.same and neg_entropy is not None)
        if self.scale != 1.0:
            block *= self.scale
        result[...] = block
        return 0
