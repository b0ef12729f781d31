"""pydiv's 1-D Wasserstein distances beside NumPy, POT and scipy, in one process.

Run: python bench/bench_wasserstein.py [--quick] [--json FILE]   (--quick: samples of 2e5, a batch of 2000 rows)
(OMP_NUM_THREADS=1 for a single-threaded pydiv: the sorts and the merge.)
Prints medians (and minima) of repeated timings and the ratio to pydiv; the
machines are shared and noisy, so compare ratios, not absolute times.

Targets: two samples of 1e6 float64, wasserstein_1d(p=1) within 1.3x of
np.sort of both arrays; a batch of 10000 rows x 1000 values against 10000
rows >= 3x faster than ot.wasserstein_1d on the same batch and >= 20x faster
than a loop of scipy.stats.wasserstein_distance.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import scipy.stats as sst

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import fmt_time, measure_spread, spread_row, table  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def row(name, func, repeat):
    return spread_row(name, func, repeat)


def verdict(label, ratio, target, better="lower"):
    ok = ratio <= target if better == "lower" else ratio >= target
    print(f"  -> {label}: {ratio:.2f} (target {'<=' if better == 'lower' else '>='} {target}) {'MET' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller batch, fewer repeats")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 9
    cfg = config()
    print(
        f"pydiv {cfg['pydiv']}  threads={cfg['threads']}  openmp={cfg['openmp']}  numpy {np.__version__}  "
        f"POT {getattr(ot, '__version__', 'missing')}  cpus={os.cpu_count()}"
    )

    rng = np.random.default_rng(0)
    n = 2 * 10**5 if args.quick else 10**6
    size = f"{n:.0e}".replace("+0", "")
    u = rng.normal(size=n)
    v = rng.normal(size=n) * 1.2 + 0.3
    v_odd = v[:-1].copy()
    uw = rng.random(n)
    vw = rng.random(n)
    uw_n, vw_n = uw / uw.sum(), vw / vw.sum()  # POT expects normalised weights
    us, vs = np.sort(u), np.sort(v)

    # --- p = 1, unit weights
    rows = [
        row("pydiv.wasserstein_1d(u, v)", lambda: pydiv.wasserstein_1d(u, v), repeat),
        row("np.sort(u); np.sort(v)", lambda: (np.sort(u), np.sort(v)), repeat),
        row(f"pydiv, sizes {size} vs {size}-1 (general merge)", lambda: pydiv.wasserstein_1d(u, v_odd), repeat),
        row("pydiv, sorted=True (merge only)", lambda: pydiv.wasserstein_1d(us, vs, sorted=True), repeat),
    ]
    if ot is not None:
        rows.append(row("ot.wasserstein_1d(u, v, p=1)", lambda: ot.wasserstein_1d(u, v, p=1), repeat))
    rows.append(row("scipy.stats.wasserstein_distance(u, v)", lambda: sst.wasserstein_distance(u, v), 3))
    table(f"W_1, two float64 samples of {size}", rows, rows[0][1], "within 1.3x of np.sort of both")
    verdict("pydiv / np.sort(both)", rows[0][1] / rows[1][1], 1.3)
    verdict(f"pydiv ({size} vs {size}-1) / np.sort(both)", rows[2][1] / rows[1][1], 1.3)

    # --- p = 1, weighted
    rows = [
        row("pydiv.wasserstein_1d(u, v, uw, vw)", lambda: pydiv.wasserstein_1d(u, v, uw, vw), repeat),
        row("np.argsort(u); np.argsort(v)", lambda: (np.argsort(u), np.argsort(v)), repeat),
        row("np.sort(u); np.sort(v)", lambda: (np.sort(u), np.sort(v)), repeat),
    ]
    if ot is not None:
        rows.append(row("ot.wasserstein_1d(u, v, uw, vw, p=1)", lambda: ot.wasserstein_1d(u, v, uw_n, vw_n, p=1), 3))
    rows.append(row("scipy.stats.wasserstein_distance(u, v, uw, vw)", lambda: sst.wasserstein_distance(u, v, uw, vw), 3))
    table(f"W_1 with weights, two float64 samples of {size}", rows, rows[0][1])

    # --- p = 2
    rows = [
        row("pydiv.wasserstein_1d(u, v, p=2)", lambda: pydiv.wasserstein_1d(u, v, p=2), repeat),
        row("np.sort(u); np.sort(v)", lambda: (np.sort(u), np.sort(v)), repeat),
        row(f"pydiv, p=2, sizes {size} vs {size}-1", lambda: pydiv.wasserstein_1d(u, v_odd, p=2), repeat),
        row("pydiv, p=2, weighted", lambda: pydiv.wasserstein_1d(u, v, uw, vw, p=2), repeat),
    ]
    if ot is not None:
        rows.append(row("ot.wasserstein_1d(u, v, p=2) ** 0.5", lambda: ot.wasserstein_1d(u, v, p=2) ** 0.5, 3))
        rows.append(row("ot, p=2, weighted", lambda: ot.wasserstein_1d(u, v, uw_n, vw_n, p=2) ** 0.5, 3))
    table(f"W_2, two float64 samples of {size}", rows, rows[0][1])

    # --- the batch
    R, m = (2000, 1000) if args.quick else (10000, 1000)
    U = rng.normal(size=(R, m))
    V = rng.normal(size=(R, m)) * 1.1 + 0.2
    # POT takes the samples along axis 0 and the batch along axis 1: give it
    # C-contiguous (m, R) copies, made outside the timing.
    UT, VT = np.ascontiguousarray(U.T), np.ascontiguousarray(V.T)
    for _ in range(3):  # settle the allocator (the first 80 MB allocations fault in their pages)
        pydiv.wasserstein_1d(U, V)
        np.sort(U, axis=1)
    rows = [
        row("pydiv.wasserstein_1d(U, V)", lambda: pydiv.wasserstein_1d(U, V), repeat),
        row("np.sort(U, axis=1); np.sort(V, axis=1)", lambda: (np.sort(U, axis=1), np.sort(V, axis=1)), repeat),
    ]
    if ot is not None:
        rows.append(row("ot.wasserstein_1d(U.T, V.T, p=1)", lambda: ot.wasserstein_1d(UT, VT, p=1), 3))
    sub = 200
    s = measure_spread(lambda: [sst.wasserstein_distance(U[i], V[i]) for i in range(sub)], repeat=3)
    scale = R / sub
    rows.append((f"scipy loop over {sub} rows, x{scale:g} (extrapolated)", s.median * scale, s.min * scale,
                 s.max * scale, s.repeats))
    table(f"batch: {R} rows x {m} values against {R} rows, p=1", rows, rows[0][1],
          ">= 3x faster than POT, >= 20x faster than a scipy loop")
    if ot is not None:
        verdict("POT / pydiv", rows[2][1] / rows[0][1], 3.0, "higher")
    verdict("scipy loop / pydiv", rows[-1][1] / rows[0][1], 20.0, "higher")

    rows = [
        row("pydiv.wasserstein_1d(U, V, p=2)", lambda: pydiv.wasserstein_1d(U, V, p=2), repeat),
        row("pydiv.wasserstein_1d(U, V[:, :999], p=1.5)", lambda: pydiv.wasserstein_1d(U, V[:, :999], p=1.5), repeat),
        row("pydiv.energy_distance(U, V)", lambda: pydiv.energy_distance(U, V), repeat),
    ]
    if ot is not None:
        rows.append(row("ot.wasserstein_1d(U.T, V.T, p=2) ** 0.5", lambda: ot.wasserstein_1d(UT, VT, p=2) ** 0.5, 3))
    table(f"batch: {R} x {m}, other orders", rows, rows[0][1])

    # --- histograms
    k = 256
    P = rng.random((R * 10, k))
    Q = rng.random((R * 10, k))
    x = np.sort(rng.random(k))
    rows = [row(f"pydiv.wasserstein_hist(P, Q, x)  ({R * 10} x {k})", lambda: pydiv.wasserstein_hist(P, Q, x), repeat)]
    loop = 200
    s = measure_spread(lambda: [sst.wasserstein_distance(x, x, P[i], Q[i]) for i in range(loop)], repeat=3)
    scale = R * 10 / loop
    rows.append((f"scipy loop over {loop} rows, x{scale:g} (extrapolated)", s.median * scale, s.min * scale,
                 s.max * scale, s.repeats))
    table("histograms on a shared support, order 1", rows, rows[0][1])
    print(f"\n(times are per call; {fmt_time(rows[0][1]).strip()} for the histogram batch)")
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
