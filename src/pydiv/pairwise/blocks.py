"""The one block runner of :func:`pydiv.pairwise`: a metric's plan executed in row blocks.

Blocks hold about ``_PAIRS_PER_BLOCK_ELEMENTS`` elementary operations (pairs
times the metric's cost of one pair), about a tenth of a second, so between
blocks Python moves the progress bar and honours Ctrl-C.  A symmetric full
matrix computes the blocks' upper part and copies each block's left part
from the earlier blocks' transposes; a condensed result is written in the
order of :func:`scipy.spatial.distance.pdist`.  After the last block the
failed entries are reported, the plan's post-processing runs, and the
entries of identical rows are set to exactly 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .identical import zero_identical
from .metric import BlockPlan, Job
from .progress import progress_bar

# Pairs per row block: about a tenth of a second of work, so progress moves
# and Ctrl-C is honoured between blocks.
_PAIRS_PER_BLOCK_ELEMENTS = 1 << 24


def output_array(out: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A new result array, or `out` checked to fit (shape, dtype, layout)."""
    if out is None:
        return np.empty(shape, dtype=np.dtype(dtype) if dtype is not None else np.float64)
    if not isinstance(out, np.ndarray) or isinstance(out, np.ma.MaskedArray):  # a mask would be ignored
        raise TypeError(f"out must be a NumPy array or memmap, got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, but the result has shape {shape}")
    if out.dtype not in (np.float64, np.float32):
        raise TypeError(f"out must have dtype float64 or float32, got {out.dtype}")
    if dtype is not None and np.dtype(dtype) != out.dtype:
        raise ValueError(f"dtype {np.dtype(dtype)} does not match out's dtype {out.dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("out must be C-contiguous and writeable")
    return out


def run_blocks(metric: str, plan: BlockPlan, job: Job, symmetric: bool, out: Any, dtype: Any,
               progress: bool) -> np.ndarray:
    """The result of `plan`; `symmetric`: X against itself with a symmetric metric."""
    n, m, condensed = plan.n, plan.m, job.condensed
    shape = (n * (n - 1) // 2,) if condensed else (n, m)
    result = output_array(out, shape, dtype)
    if n == 0 or m == 0:
        return result
    rows_per_block = max(plan.min_rows, int(_PAIRS_PER_BLOCK_ELEMENTS // max(1.0, m * plan.pair_cost)))
    flat = result.reshape(-1)
    failed = 0
    bar = progress_bar(progress, n, f"pairwise {metric}")
    try:
        for i0 in range(0, n, rows_per_block):
            i1 = min(n, i0 + rows_per_block)
            if condensed:
                block = flat[i0 * n - i0 * (i0 + 1) // 2 : i1 * n - i1 * (i1 + 1) // 2]
            else:
                block = result[i0:i1]
            failed += plan.run_block(i0, i1, block, symmetric)
            if symmetric and not condensed and i0 > 0:
                result[i0:i1, :i0] = result[:i0, i0:i1].T
            bar.update(i1 - i0)
    finally:
        bar.close()
    if failed:
        raise ValueError(f"{failed} of the {metric} problems could not be solved (distances overflow)")
    if plan.finish is not None:
        plan.finish(result)
    if plan.groups is not None:
        zero_identical(result, *plan.groups, condensed)
    return result
