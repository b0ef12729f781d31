"""pydiv's information divergences beside NumPy and scipy, in one process.

Run: python bench/bench_info.py [--quick]
Prints medians (and minima) of repeated timings and the ratio to pydiv; the
machines are shared and noisy, so compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import scipy.spatial.distance as ssd
import scipy.stats as sst

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import spread_row, table  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402


def row(name, func, repeat):
    return spread_row(name, func, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    cfg = config()
    print(f"pydiv {cfg['pydiv']}  simd={cfg['simd']}  threads={cfg['threads']}  numpy {np.__version__}")

    rng = np.random.default_rng(0)
    n = 10**6 if args.quick else 10**7
    p = rng.random(n)
    q = rng.random(n)

    rows = [
        row("pydiv.kl_divergence(p, q)", lambda: pydiv.kl_divergence(p, q), repeat),
        row("np.dot(p, q)  (reads both once: memory bound)", lambda: np.dot(p, q), repeat),
        row("scipy.stats.entropy(p, q)", lambda: sst.entropy(p, q), repeat),
    ]
    table(f"KL divergence, two float64 vectors of {n:.0e}", rows, rows[0][1],
          ">= 20x faster than scipy; within 1.5x of np.dot")

    rows = [
        row("pydiv.js_divergence(p, q)", lambda: pydiv.js_divergence(p, q), repeat),
        row("pydiv.jensenshannon(p, q)", lambda: pydiv.jensenshannon(p, q), repeat),
        row("scipy.spatial.distance.jensenshannon(p, q)", lambda: ssd.jensenshannon(p, q), repeat),
    ]
    table(f"JS divergence, two float64 vectors of {n:.0e}", rows, rows[0][1], ">= 30x faster than scipy")

    rows = [
        row("pydiv.entropy(p)", lambda: pydiv.entropy(p), repeat),
        row("scipy.stats.entropy(p)", lambda: sst.entropy(p), repeat),
    ]
    table(f"entropy, one float64 vector of {n:.0e}", rows, rows[0][1])

    shape = (10_000, 256) if args.quick else (100_000, 256)
    P = rng.random(shape)
    Q = rng.random(shape)
    rows = [
        row("pydiv.kl_divergence(P, Q, axis=1)", lambda: pydiv.kl_divergence(P, Q, axis=1), repeat),
        row("scipy.stats.entropy(P, Q, axis=1)", lambda: sst.entropy(P, Q, axis=1), repeat),
        row("pydiv.js_divergence(P, Q, axis=1)", lambda: pydiv.js_divergence(P, Q, axis=1), repeat),
        row("scipy jensenshannon(P, Q, axis=1)**2", lambda: ssd.jensenshannon(P, Q, axis=1) ** 2, repeat),
    ]
    table(f"row-wise on {shape} float64", rows, rows[0][1], ">= 25x faster than scipy.stats.entropy")

    P32 = P.astype(np.float32)
    Q32 = Q.astype(np.float32)
    rows = [
        row("pydiv.kl_divergence(P32, Q32, axis=1)", lambda: pydiv.kl_divergence(P32, Q32, axis=1), repeat),
        row("scipy.stats.entropy(P32, Q32, axis=1)", lambda: sst.entropy(P32, Q32, axis=1), repeat),
    ]
    table(f"row-wise on {shape} float32", rows, rows[0][1])

    p16 = rng.random(16)
    q16 = rng.random(16)
    rows = [
        row("pydiv.kl_divergence (16 elements)", lambda: pydiv.kl_divergence(p16, q16), repeat),
        row("pydiv.jensenshannon (16 elements)", lambda: pydiv.jensenshannon(p16, q16), repeat),
        row("scipy.stats.entropy(p, q) (16 elements)", lambda: sst.entropy(p16, q16), repeat),
        row("scipy jensenshannon (16 elements)", lambda: ssd.jensenshannon(p16, q16), repeat),
    ]
    table("call overhead, two 16-element vectors", rows, rows[0][1], "<= 1.5 us per call")
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
