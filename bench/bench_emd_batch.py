"""Batched exact EMD: one call for B problems against Python loops of single solves.

Run: python bench/bench_emd_batch.py [--quick]

* B = 64 problems of 256 x 256 random points in the unit square, squared
  Euclidean cost, uniform weights: pydiv.emd2(None, None, M) on the (B, n, n)
  stack of cost matrices (threads across problems) against a Python loop of
  ot.emd2 and a loop of pydiv.emd2 on the same matrices; and the point-cloud
  form, pydiv.wasserstein_nd(x, y, metric="sqeuclidean") on (B, n, 2) clouds
  (costs built in C++), against ot.dist + ot.emd2 in a loop.
Prints medians (and minima) of repeated timings and each ratio to the
batched call; compare ratios, the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _timing import measure, table  # noqa: E402

import pydiv  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller problems")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--n", type=int, default=256)
    args = parser.parse_args()
    B, n = (8, 128) if args.quick else (args.batch, args.n)
    rng = np.random.default_rng(0)
    x, y = rng.random((B, n, 2)), rng.random((B, n, 2))
    M = ((x[:, :, None, :] - y[:, None, :, :]) ** 2).sum(axis=-1)
    w = np.full(n, 1.0 / n)

    batched = pydiv.emd2(None, None, M)
    loop = np.array([pydiv.emd2(None, None, M[k]) for k in range(B)])
    assert np.array_equal(batched, loop), "the batch must be bitwise the loop of single calls"
    rows = [("pydiv.emd2, one batched call", *measure(lambda: pydiv.emd2(None, None, M), repeat=5), 0.0),
            ("loop of pydiv.emd2", *measure(lambda: [pydiv.emd2(None, None, M[k]) for k in range(B)], repeat=5), 0.0)]
    if ot is not None:
        ref = np.array([ot.emd2(w, w, M[k]) for k in range(B)])
        print(f"max relative difference to ot.emd2: {np.max(np.abs(batched - ref) / ref):.2e}")
        rows.append(("loop of ot.emd2", *measure(lambda: [ot.emd2(w, w, M[k]) for k in range(B)], repeat=5), 0.0))
    table(f"EMD of {B} problems of {n} x {n} points, sqeuclidean cost matrices given (OpenMP default threads)",
          rows, rows[0][1],
          target=">= 5x the ot.emd2 loop on 2 cores")

    nd = pydiv.wasserstein_nd(x, y, metric="sqeuclidean")
    assert np.array_equal(nd, [pydiv.wasserstein_nd(x[k], y[k], metric="sqeuclidean") for k in range(B)])
    rows = [("pydiv.wasserstein_nd, one batched call",
             *measure(lambda: pydiv.wasserstein_nd(x, y, metric="sqeuclidean"), repeat=5), 0.0),
            ("loop of pydiv.wasserstein_nd",
             *measure(lambda: [pydiv.wasserstein_nd(x[k], y[k], metric="sqeuclidean") for k in range(B)], repeat=5),
             0.0)]
    if ot is not None:
        rows.append(("loop of ot.dist + ot.emd2",
                     *measure(lambda: [ot.emd2(w, w, ot.dist(x[k], y[k])) for k in range(B)], repeat=5), 0.0))
    table(f"W2^2 of {B} pairs of clouds of {n} points in 2-D (costs built by each library)", rows, rows[0][1])
    for jobs in (1, 2):
        med, mn = measure(lambda: pydiv.emd2(None, None, M, n_jobs=jobs), repeat=5)
        print(f"  batched pydiv.emd2 with n_jobs={jobs}: median {med * 1e3:.1f} ms, min {mn * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
