"""Thread scaling of pydiv's threaded kernels: 1, 2, 4, ... up to the core count.

Run: python bench/bench_threads.py [--max-threads N]
Each workload is timed (median of repeats) at each thread count in one
process; the table shows the speed-up over one thread.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _timing import fmt_time, measure  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    cfg = config()
    print(f"pydiv {cfg['pydiv']}  simd={cfg['simd']}  cores={os.cpu_count()}")
    counts = [t for t in (1, 2, 4, 8, 16, 32, 64) if t <= args.max_threads]
    rng = np.random.default_rng(0)
    p, q = rng.random(10**7), rng.random(10**7)
    X = rng.random((1000, 256))
    H = rng.random((2000, 256))
    clouds = [rng.random((50, 2)) for _ in range(100)]
    U, V = rng.random((10_000, 1000)), rng.random((10_000, 1000))

    workloads = {
        "JS divergence, 1e7 vectors": lambda t: lambda: pydiv.js_divergence(p, q),
        "KL divergence, 1e7 vectors": lambda t: lambda: pydiv.kl_divergence(p, q),
        "JS distance matrix 1000x1000x256": lambda t: lambda: pydiv.pairwise(X, metric="jensenshannon", n_jobs=t),
        "W1 matrix 2000x2000x256": lambda t: lambda: pydiv.pairwise(H, metric="wasserstein", n_jobs=t),
        "EMD matrix, 100 clouds of 50 points": lambda t: lambda: pydiv.pairwise(clouds, metric="emd", n_jobs=t),
        "W1 batch 10000 x 1000 samples": lambda t: lambda: pydiv.wasserstein_1d(U, V),
    }
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    print(f"\n  {'workload':<40}" + "".join(f"{f'{t} thr':>12}" for t in counts) + "   (median; speed-up)")
    for name, make in workloads.items():
        times = []
        for t in counts:
            if threadpool_limits is not None:
                with threadpool_limits(limits=t, user_api="openmp"):
                    med, _ = measure(make(t), repeat=5, min_time=0.3)
            else:
                med, _ = measure(make(t), repeat=5, min_time=0.3)
            times.append(med)
        print(f"  {name:<40}" + "".join(f"{fmt_time(tm):>12}" for tm in times))
        print(f"  {'':<40}" + "".join(f"{times[0] / tm:>11.2f}x" for tm in times))


if __name__ == "__main__":
    main()
