"""pydiv.pairwise on scipy.sparse rows beside densifying + the dense pairwise and a scipy loop.

The job: the Jensen-Shannon matrix of n x n word-count-like rows, 50000
columns at 1% density (about 500 stored values a row).  pydiv's sparse
kernel walks only the stored values of each pair; the dense pairwise and
scipy's jensenshannon see all 50000 columns.  The dense path and the scipy
loop run on subsets (their cost per pair does not depend on n) and are
extrapolated to the full matrix by the number of pairs; so is pydiv's
sparse time when --n is below the target.  One run each; compare ratios.

Run: python bench/bench_sparse.py [--quick] [--n 5000] [--dense-rows 400] [--scipy-rows 40]
(--quick: 1000 rows, reported for the 1000 x 1000 matrix, subsets of 200 and 20 rows.)
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.spatial.distance as ssd

import pydiv
from pydiv._config import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _results  # noqa: E402


def timed(func):
    t = time.perf_counter()
    result = func()
    return time.perf_counter() - t, result


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000, help="rows of the sparse matrix")
    parser.add_argument("--target", type=int, default=5000, help="rows the times are reported for")
    parser.add_argument("--width", type=int, default=50000)
    parser.add_argument("--density", type=float, default=0.01)
    parser.add_argument("--dense-rows", type=int, default=400)
    parser.add_argument("--scipy-rows", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="--n 1000 --target 1000 --dense-rows 200 --scipy-rows 20")
    _results.add_json_option(parser)
    args = parser.parse_args()
    if args.quick:
        args.n, args.target, args.dense_rows, args.scipy_rows = 1000, 1000, 200, 20
    cfg = config()
    print(f"pydiv {cfg['pydiv']}  simd={cfg['simd']}  threads={cfg['threads']}")
    rng = np.random.default_rng(0)
    # Each row: its count of distinct random columns (scipy.sparse.random is slow at this size).
    per_row = int(round(args.density * args.width))
    cols = _distinct_columns(rng, args.n, args.width, per_row)
    X = sp.csr_array((rng.integers(1, 20, cols.size).astype(float), cols.ravel(),
                      np.arange(0, cols.size + 1, per_row)), shape=(args.n, args.width))
    print(f"X: {args.n} x {args.width}, {X.nnz / args.n:.0f} stored values a row; "
          f"times for the {args.target} x {args.target} matrix")

    t_sparse, D = timed(lambda: pydiv.pairwise(X, metric="js", condensed=True))
    t_sparse *= pairs(args.target) / pairs(args.n)

    sub = X[: args.dense_rows]
    t_dense, D_dense = timed(lambda: pydiv.pairwise(sub.toarray(), metric="js", condensed=True))
    t_dense *= pairs(args.target) / pairs(args.dense_rows)
    m = args.dense_rows
    agree = np.max(np.abs(D[_rows_of_prefix(args.n, m)] - D_dense) / D_dense)

    rows = X[: args.scipy_rows].toarray()
    t_scipy, D_scipy = timed(lambda: ssd.pdist(rows, "jensenshannon"))
    t_scipy *= pairs(args.target) / pairs(args.scipy_rows)

    print(f"{'method':42s} {'time (s)':>10s} {'ratio':>8s}")
    named = (("pydiv.pairwise, sparse rows" + (f" (x {pairs(args.target)}/{pairs(args.n)})" if args.n != args.target else ""), t_sparse),
             (f"densify + pydiv.pairwise (dense), x {pairs(args.target)}/{pairs(args.dense_rows)}", t_dense),
             (f"densify + scipy pdist(jensenshannon), x {pairs(args.target)}/{pairs(args.scipy_rows)}", t_scipy))
    for name, t in named:
        print(f"{name:42s} {t:10.2f} {t / t_sparse:8.1f}")
    _results.record(f"JS matrix of {args.target} x {args.target} sparse rows of {args.width} columns at "
                    f"{args.density:g} density (one run each; subsets scaled by the number of pairs)",
                    [_results.row(name, t) for name, t in named])
    print(f"sparse vs dense pydiv on the first {m} rows: max relative difference {agree:.1e}")
    print(f"scipy on the first {args.scipy_rows} rows vs pydiv (distance): "
          f"{np.max(np.abs(np.sqrt(pydiv.pairwise(sp.csr_array(rows), metric='js', condensed=True)) - D_scipy)):.1e}")
    _results.save(args.json, args.quick)


def _distinct_columns(rng, n: int, width: int, per_row: int) -> np.ndarray:
    """n rows of per_row distinct sorted columns: draws with a margin, duplicates dropped."""
    out = np.empty((n, per_row), dtype=np.int64)
    for r in range(n):
        draw = np.unique(rng.integers(0, width, 2 * per_row))
        out[r] = np.sort(rng.permutation(draw)[:per_row])
    return out


def _rows_of_prefix(n: int, m: int) -> np.ndarray:
    """Positions, in the condensed vector of n rows, of the pairs among the first m rows."""
    i, j = np.triu_indices(m, 1)
    return i * n - i * (i + 1) // 2 + (j - i - 1)


if __name__ == "__main__":
    main()
