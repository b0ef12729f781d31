"""pydiv.pairwise beside fastjsd, scipy and NumPy, in one process.

Run: python bench/bench_pairwise.py [--quick]
Medians (and minima) of repeats, and ratios to pydiv; compare ratios, not
absolute times, on a shared machine.  Optional peers (fastjsd) are skipped
when not installed.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import scipy.spatial.distance as ssd

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import spread_row, table  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402


def row(name, func, repeat):
    return spread_row(name, func, repeat, min_time=0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="n_jobs for pydiv and fastjsd")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 5
    cfg = config()
    threads = args.threads or int(cfg["threads"])
    print(f"pydiv {cfg['pydiv']}  simd={cfg['simd']}  threads={threads}")
    rng = np.random.default_rng(0)

    X = rng.random((1000, 256))
    rows = [row("pydiv.pairwise(X, metric='jensenshannon')", lambda: pydiv.pairwise(X, metric="jensenshannon", n_jobs=threads), repeat)]
    try:
        import fastjsd

        fastjsd.jsd_matrix(X[:10], base=np.e, threads=threads)  # compile outside the timing
        rows.append(row("fastjsd.jsd_matrix(X, base=e)", lambda: fastjsd.jsd_matrix(X, base=np.e, threads=threads), repeat))
    except ImportError:
        print("(fastjsd not installed: skipped)")
    rows.append(row("scipy pdist(X, 'jensenshannon')", lambda: ssd.pdist(X, "jensenshannon"), 1))
    table("JS distance matrix, 1000 x 1000 rows of 256 bins (X against itself)", rows, rows[0][1],
          "<= 0.10 s; >= 5x fastjsd; >= 30x scipy pdist")

    logX = np.log(X)
    rows = [
        row("pydiv.pairwise(X, metric='kl')", lambda: pydiv.pairwise(X, metric="kl"), repeat),
        row("X @ np.log(X).T (the bare matrix product)", lambda: X @ logX.T, repeat),
    ]
    table("KL matrix, 1000 x 1000 x 256", rows, rows[0][1], "within 3x of the matrix product")

    n = 1000 if args.quick else 2000
    H = rng.random((n, 256))

    def numpy_cdf_cityblock():
        F = np.cumsum(H / H.sum(axis=1, keepdims=True), axis=1)
        return ssd.cdist(F, F, "cityblock")

    rows = [
        row("pydiv.pairwise(H, metric='wasserstein')", lambda: pydiv.pairwise(H, metric="wasserstein", n_jobs=threads), repeat),
        row("cdist(cityblock) on NumPy CDFs", numpy_cdf_cityblock, 1),
    ]
    table(f"W1 on a shared support, {n} x {n} x 256", rows, rows[0][1], ">= 10x faster than cdist on CDFs")

    clouds = [rng.random((50, 2)) for _ in range(100)]
    rows = [row("pydiv.pairwise(clouds, metric='emd')", lambda: pydiv.pairwise(clouds, metric="emd", n_jobs=threads), repeat)]
    try:
        import ot

        def pot_loop():
            # The same pairs pydiv solves: the upper triangle of the symmetric matrix.
            uniform = np.full(50, 1 / 50)
            return [ot.emd2(uniform, uniform, ot.dist(a, b, metric="euclidean"))
                    for i, a in enumerate(clouds) for b in clouds[i + 1:]]

        def pot_full_loop():
            # What a cdist-style double loop does: every (i, j), the diagonal included.
            uniform = np.full(50, 1 / 50)
            return [[ot.emd2(uniform, uniform, ot.dist(a, b, metric="euclidean")) for b in clouds] for a in clouds]

        rows.append(row("loop of ot.emd2 over the 4950 pairs pydiv solves", pot_loop, 1))
        rows.append(row("loop of ot.emd2 over all 100 x 100 pairs", pot_full_loop, 1))
    except ImportError:
        print("(POT not installed: skipped)")
    # (wasserstein.PairwiseEMD, the other peer, needs numpy < 2 and so cannot share this process.)
    table("EMD matrix, 100 point clouds of 50 2-D points", rows, rows[0][1],
          ">= 10x faster than a loop of ot.emd2")

    if int(cfg["threads"]) >= 2:
        rows = []
        for t in sorted({1, 2, threads}):
            rows.append(row(f"js matrix, n_jobs={t}", lambda t=t: pydiv.pairwise(X, metric="jensenshannon", n_jobs=t), repeat))
        table("thread scaling, JS distance matrix 1000 x 1000 x 256", rows, rows[0][1], "2 threads >= 1.8x faster than 1")
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
