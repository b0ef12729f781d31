"""Thread scaling of pydiv's threaded kernels: 1, 2, 4, ... up to the core count.

Run: python bench/bench_threads.py [--quick] [--max-threads N]
(--quick: inputs a tenth of the size, three repeats.)
Each workload is timed (median of repeats) at each thread count in one
process; the table shows the speed-up over one thread.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import fmt_time, measure_spread  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    _results.add_json_option(parser)
    args = parser.parse_args()
    k, repeat = (10, 3) if args.quick else (1, 5)
    cfg = config()
    print(f"pydiv {cfg['pydiv']}  simd={cfg['simd']}  cores={os.cpu_count()}")
    counts = [t for t in (1, 2, 4, 8, 16, 32, 64) if t <= args.max_threads]
    rng = np.random.default_rng(0)
    n_vec, n_js, n_w, n_clouds, n_batch = 10**7 // k, 1000 // int(k**0.5), 2000 // int(k**0.5), 100 // int(k**0.5), 10_000 // k
    p, q = rng.random(n_vec), rng.random(n_vec)
    X = rng.random((n_js, 256))
    H = rng.random((n_w, 256))
    clouds = [rng.random((50, 2)) for _ in range(n_clouds)]
    U, V = rng.random((n_batch, 1000)), rng.random((n_batch, 1000))

    workloads = {
        f"JS divergence, {n_vec:.0e} vectors": lambda t: lambda: pydiv.js_divergence(p, q),
        f"KL divergence, {n_vec:.0e} vectors": lambda t: lambda: pydiv.kl_divergence(p, q),
        f"JS distance matrix {n_js}x{n_js}x256": lambda t: lambda: pydiv.pairwise(X, metric="jensenshannon", n_jobs=t),
        f"W1 matrix {n_w}x{n_w}x256": lambda t: lambda: pydiv.pairwise(H, metric="wasserstein", n_jobs=t),
        f"EMD matrix, {n_clouds} clouds of 50 points": lambda t: lambda: pydiv.pairwise(clouds, metric="emd", n_jobs=t),
        f"W1 batch {n_batch} x 1000 samples": lambda t: lambda: pydiv.wasserstein_1d(U, V),
    }
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    print(f"\n  {'workload':<40}" + "".join(f"{f'{t} thr':>12}" for t in counts) + "   (median; speed-up)")
    for name, make in workloads.items():
        spreads = []
        for t in counts:
            if threadpool_limits is not None:
                with threadpool_limits(limits=t, user_api="openmp"):
                    spreads.append(measure_spread(make(t), repeat=repeat, min_time=0.3))
            else:
                spreads.append(measure_spread(make(t), repeat=repeat, min_time=0.3))
        times = [s.median for s in spreads]
        print(f"  {name:<40}" + "".join(f"{fmt_time(tm):>12}" for tm in times))
        print(f"  {'':<40}" + "".join(f"{times[0] / tm:>11.2f}x" for tm in times))
        _results.record(f"thread scaling: {name} (ratio: time over 1 thread's)",
                        [_results.row(f"pydiv, {t} thread{'s' if t > 1 else ''}", *s) for t, s in zip(counts, spreads)])
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
