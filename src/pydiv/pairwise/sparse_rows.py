""":func:`pydiv.pairwise` on scipy.sparse rows: one merge walk over the two rows' non-zeros per pair.

When `X` or `Y` is a scipy.sparse matrix or array (CSR, CSC, COO or any
other format, converted to canonical CSR: sorted indices, duplicates summed,
stored zeros dropped), the metrics of :data:`SPARSE_METRICS` run the C++
kernel of ``src/cpp/sparse``: per pair one step per stored value of the two
rows, not per column, so a matrix of 1%-dense rows costs about 1% of the
dense one.  A dense side given with a sparse one is converted.

Each row is scaled by a power of two that brings its total below 2**961
with its maximum as large as that allows (``ROW_TOP``: exact, the normalised
row is unchanged; a maximum near 1 instead would push entries below 1e-308
of it into the subnormals and below 1e-324 to zero), then its compensated total (and entropy,
for cross-entropy) is computed once.  Values match the dense path on the
densified rows to about 1e-13 relative (the kernel forms p - q exactly and
uses the dense path's accurate single-pair terms), identical rows give
exactly 0 (cross-entropy aside), and a disjoint pair gives KL = inf and
JS = log 2.  The table maps a metric name to (kernel, square root of the
value, symmetric, reads `base`); a new metric is one row there and one term
in ``src/cpp/sparse/merge_walk.hpp``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _core
from .._checks import as_real_array, canonical_csr, check_base, check_distance_base, is_sparse
from .blocks import run_blocks
from .metric import BlockPlan, Job

SPARSE_METRICS: dict[str, tuple[int, bool, bool, bool]] = {
    "kl": (_core.SPARSE_KL, False, False, True),
    "cross_entropy": (_core.SPARSE_CROSS_ENTROPY, False, False, True),
    "js": (_core.SPARSE_JS, False, True, True),
    "jensenshannon": (_core.SPARSE_JS, True, True, True),
    "hellinger": (_core.SPARSE_HELLINGER, False, True, False),
    "total_variation": (_core.SPARSE_TOTAL_VARIATION, False, True, False),
}

# Row totals stay below 2**ROW_TOP: a pair's terms (at most the larger total
# times a log ratio below 2**11) stay finite, and entries down to
# 2**(-1074 - ROW_TOP + log2(count)) of a row's largest keep their digits.
ROW_TOP = 961

_Side = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def sparse_rows(a: Any, name: str) -> tuple[_Side, int]:
    """One side: (indptr, indices, data, total hi, total lo, entropy) and the width."""
    if not is_sparse(a):  # a dense side next to a sparse one
        import scipy.sparse  # type: ignore[import-untyped, import-not-found, unused-ignore]

        arr = as_real_array(a, name)
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-D (one distribution per row), got {arr.ndim}-D")
        a = scipy.sparse.csr_array(arr.astype(np.float64, copy=False))
    csr = canonical_csr(a, name)
    n, k = csr.shape
    if k == 0:
        raise ValueError(f"{name} must have at least one column")
    indptr = np.ascontiguousarray(csr.indptr, dtype=np.int64)
    counts = np.diff(indptr)
    if n and (counts == 0).any():
        raise ValueError(f"{name} row {int(np.argmin(counts))} sums to zero, so it cannot be normalised")
    data = np.ascontiguousarray(csr.data, dtype=np.float64)
    if data.size:
        peak = np.maximum.reduceat(data, indptr[:-1])
        # The largest entry to [2**(t - 1), 2**t), t = ROW_TOP - ceil(log2(count)): the total stays below 2**ROW_TOP.
        top = ROW_TOP - np.ceil(np.log2(counts)).astype(np.int64)
        data = np.ldexp(data, np.repeat(top - np.frexp(peak)[1], counts))
    indices = np.ascontiguousarray(csr.indices, dtype=np.int64)
    hi, lo, entropy = _core.sparse_row_stats(indptr, indices, data, k)
    return (indptr, indices, data, hi, lo, entropy), k


def _scale(metric: str, base: Any, reads_base: bool) -> float:
    if not reads_base:
        if base is not None:
            raise ValueError(f"base is not used by metric {metric!r}")
        return 1.0
    b = check_distance_base(base) if metric == "jensenshannon" else check_base(base)
    return 1.0 / math.log(b) if b is not None else 1.0


def sparse_pairwise(X: Any, Y: Any, metric: Any, options: dict[str, Any], threads: int, condensed: bool,
                    progress: bool, out: Any, dtype: Any) -> np.ndarray:
    """:func:`pydiv.pairwise` with sparse `X` or `Y`; `options` are the metric options given."""
    if not isinstance(metric, str) or metric not in SPARSE_METRICS:
        raise ValueError(f"metric {metric!r} does not take sparse rows; choose one of {', '.join(SPARSE_METRICS)}")
    kind, take_sqrt, symmetric, reads_base = SPARSE_METRICS[metric]
    unused = [name for name, value in options.items() if value is not None and name != "base"]
    if unused:
        raise ValueError(f"{unused[0]} is not used by metric {metric!r} on sparse rows")
    scale = _scale(metric, options.get("base"), reads_base)
    if dtype is not None and np.dtype(dtype) not in (np.float64, np.float32):
        raise TypeError(f"dtype must be float64 or float32, got {np.dtype(dtype)}")
    if condensed and not (Y is None and symmetric):
        raise ValueError("condensed output needs Y=None and a symmetric metric")
    xs, k = sparse_rows(X, "X")
    ys, ky = (xs, k) if Y is None else sparse_rows(Y, "Y")
    if ky != k:
        raise ValueError(f"X and Y must have the same number of columns, got {k} and {ky}")
    n, m = xs[0].size - 1, ys[0].size - 1
    # About a step per stored value of a column row, shared by a tile of up
    # to 8 rows (the kernel's column table): blocks of whole tiles.
    cost = (xs[2].size / max(n, 1) + ys[2].size / max(m, 1)) / 4 + 1.0

    def run_block(i0: int, i1: int, block: np.ndarray, sym: bool) -> int:
        _core.sparse_pair_block(kind, xs, ys, k, scale, take_sqrt, 0, i0, i1, sym, condensed, block, threads)
        return 0

    plan = BlockPlan(n, m, cost, run_block, min_rows=8)
    job = Job(threads, condensed, Y is None, Y is None)
    return run_blocks(metric, plan, job, Y is None and symmetric, out, dtype, progress)
