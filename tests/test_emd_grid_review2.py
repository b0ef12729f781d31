"""Second review of the exact grid EMD (pydiv.emd_grid, emd_grid_batch,
pairwise(metric="emd_grid")): each test reproduces one defect, now fixed (the
comment above it says what was wrong and what is expected).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pydiv
import pydiv.grid.checks as grid_checks
from pydiv.emd import EmdMaxIterWarning


def _pair(shape, seed=0):
    rng = np.random.default_rng(seed)
    A, B = rng.random(shape), rng.random(shape)
    return A / A.sum(), B / B.sum()


# Defect: a single emd_grid call stopped by max_iter warns "emd_grid: problem 0
# of the batch stopped ...; their results have status ..." although the caller
# passed one pair and no batch (the batch wording of raise_for_statuses, reached
# through grid/solve.py _raise_for_statuses).  Expected: the single-problem
# wording pydiv.emd uses ("emd: stopped after max_iter=2 pivots ...; the result
# has status 'max_iter_reached'"), with no "problem 0" and no "batch".
def test_single_call_max_iter_warning_does_not_speak_of_a_batch():
    A, B = _pair((4, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = pydiv.emd_grid(A, B, max_iter=3)
    assert r.status == "max_iter_reached"
    texts = [str(w.message) for w in caught if issubclass(w.category, EmdMaxIterWarning)]
    assert len(texts) == 1
    assert "batch" not in texts[0] and "problem 0" not in texts[0], texts[0]


# Defect: a spacing so small that the ground costs underflow into subnormal
# numbers (or to 0) is accepted silently, and the cost is wrong by far more than
# 1e-9 relative: sqeuclidean with spacing 1e-160 has costs 1e-320 * k^2
# (subnormal, ~4 significant digits), and gives 7.614e-321 where the exact value
# is cost(spacing=1) * 1e-320 = 7.6152e-321; spacing 1e-300 gives exactly 0.0
# for two different histograms.  The overflowing side is refused
# (check_spacing: "spacing is too large"); the underflowing side should be too
# (a ValueError naming spacing), or the cost must be exact to 1e-9.
# Cause: grid/checks.py check_spacing checks only the largest cost.
@pytest.mark.parametrize("metric,spacing", [("sqeuclidean", 1e-160), ("sqeuclidean", 1e-300),
                                            ("cityblock", 5e-324)])
def test_underflowing_spacing_is_refused_or_exact(metric, spacing):
    A, B = _pair((5, 6), seed=1)
    unit = pydiv.emd_grid(A, B, metric=metric).cost
    exact = unit * (spacing * spacing if metric == "sqeuclidean" else spacing)  # may itself underflow
    scale = spacing * spacing if metric == "sqeuclidean" else spacing
    try:
        got = pydiv.emd_grid(A, B, metric=metric, spacing=spacing).cost
    except ValueError as e:
        assert "spacing" in str(e)
        return
    # Accepted: then it must be the exact cost to 1e-9 relative, which needs the
    # scaled costs to be normal numbers.
    assert scale >= np.finfo(np.float64).tiny and got == pytest.approx(exact, rel=1e-9), (got, exact)


# Defect: the memory guard of pairwise(metric="emd_grid") counts one flow graph
# per call (graph_size(shape, ground_metric) in pairwise/grid_metrics.py grids())
# although every OpenMP thread of the _core.emd_grid call builds its own graph
# in its own workspace; emd_grid_batch counts min(K, threads) graphs for the
# same work.  So a grid that emd_grid_batch refuses for n_jobs=2 is accepted by
# pairwise with n_jobs=2 (with real sizes: 2x the memory the guard allows).
# Expected: pairwise refuses it too, with the same ValueError.
def test_pairwise_memory_guard_counts_the_threads(monkeypatch):
    shape = (4, 4)
    _, arcs = grid_checks.graph_size(shape, "cityblock")
    one = arcs * 73  # bytes of one cityblock graph (checks._ARC_BYTES)
    monkeypatch.setattr(grid_checks, "MAX_GRAPH_BYTES", int(one * 1.5))  # one graph fits, two do not
    rng = np.random.default_rng(2)
    X = rng.random((3, *shape))
    with pytest.raises(ValueError, match="solves at once"):
        pydiv.emd_grid_batch(X[:2] / X[:2].sum(axis=(1, 2), keepdims=True),
                             X[1:] / X[1:].sum(axis=(1, 2), keepdims=True), n_jobs=2)
    with pytest.raises(ValueError, match="flow graph"):
        pydiv.pairwise(X, metric="emd_grid", n_jobs=2)
