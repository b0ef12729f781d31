"""pydiv's sliced Wasserstein beside POT and beside the NumPy floor, in one process.

Run: python bench/bench_sliced.py [--quick]
Prints medians (and minima) of repeated timings and ratios to pydiv; the
machines are shared and noisy, so compare ratios, not absolute times.

Targets:
* n = 1e4 points per cloud, d = 64, L = 1000 directions given to both:
  pydiv within 1.5x of the floor (the projection GEMMs theta @ X.T,
  theta @ Y.T plus np.sort of both (L, n) matrices along their rows) and
  >= 15x faster than ot.sliced_wasserstein_distance with the same projections;
* n = 1e5, d = 3: pydiv beside POT;
* the matrix of SW between 200 clouds of 500 points;
* peak resident memory with L = 1e4 (pydiv never holds the (L, n) projections);
* the error of the random, orthogonal and QMC estimators against a 1e6-direction
  reference at L = 64, 256, 1024.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import measure_spread, spread_row, table  # noqa: E402

import pydiv  # noqa: E402
from pydiv._config import config  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def unit_rows(rng, L, d):
    t = rng.standard_normal((L, d))
    return t / np.linalg.norm(t, axis=1, keepdims=True)


def row(name, func, repeat):
    return spread_row(name, func, repeat, min_time=0.0)


def verdict(label, ratio, target, better="lower"):
    ok = ratio <= target if better == "lower" else ratio >= target
    print(f"  -> {label}: {ratio:.2f} (target {'<=' if better == 'lower' else '>='} {target}) {'MET' if ok else 'MISSED'}")


def floor(X, Y, theta):
    px, py = theta @ X.T, theta @ Y.T
    px.sort(axis=1)
    py.sort(axis=1)


def main_case(rng, repeat, pot_repeat, quick=False):
    n, d, L = (2000, 64, 200) if quick else (10_000, 64, 1000)
    X, Y = rng.standard_normal((n, d)), rng.standard_normal((n, d)) * 1.1 + 0.2
    theta = unit_rows(rng, L, d)
    rows = [row("pydiv.sliced_wasserstein", lambda: pydiv.sliced_wasserstein(X, Y, directions=theta), repeat),
            row("pydiv.sliced_wasserstein n_jobs=1",
                lambda: pydiv.sliced_wasserstein(X, Y, directions=theta, n_jobs=1), repeat),
            row("floor: 2 GEMMs + np.sort of both (L, n)", lambda: floor(X, Y, theta), repeat)]
    if ot is not None:
        rows.append(row("ot.sliced_wasserstein_distance", lambda: ot.sliced_wasserstein_distance(
            X, Y, projections=theta.T), pot_repeat))
    table(f"SW_2, n = {n} per cloud, d = {d}, L = {L} shared directions", rows, rows[0][1],
          "<= 1.5x floor, >= 15x faster than POT")
    verdict("pydiv / floor", rows[0][1] / rows[2][1], 1.5)
    if ot is not None:
        verdict("POT / pydiv", rows[3][1] / rows[0][1], 15, "higher")
        diff = abs(pydiv.sliced_wasserstein(X, Y, directions=theta) / ot.sliced_wasserstein_distance(
            X, Y, projections=theta.T) - 1)
        print(f"  relative difference pydiv vs POT: {diff:.1e}")


def low_dim_case(rng, repeat, pot_repeat, quick=False):
    n, d, L = (20_000, 3, 64) if quick else (100_000, 3, 256)
    X, Y = rng.standard_normal((n, d)), rng.standard_normal((n, d)) + 0.5
    theta = unit_rows(rng, L, d)
    rows = [row("pydiv.sliced_wasserstein", lambda: pydiv.sliced_wasserstein(X, Y, directions=theta), repeat),
            row("floor: 2 GEMMs + np.sort of both (L, n)", lambda: floor(X, Y, theta), repeat)]
    if ot is not None:
        rows.append(row("ot.sliced_wasserstein_distance", lambda: ot.sliced_wasserstein_distance(
            X, Y, projections=theta.T), pot_repeat))
    table(f"SW_2, n = {n} per cloud, d = {d}, L = {L}", rows, rows[0][1])


def pairwise_case(rng, repeat, quick):
    count, n, d, L = (60, 300, 8, 64) if quick else (200, 500, 8, 128)
    clouds = [rng.standard_normal((n, d)) + rng.standard_normal(d) for _ in range(count)]
    theta = unit_rows(rng, L, d)
    pairs = count * (count - 1) // 2
    sample = [(i, j) for i in range(0, count, 7) for j in range(i + 1, count, 13)][:100 if quick else 300]

    def loop(fn):
        def run():
            for i, j in sample:
                fn(clouds[i], clouds[j])
        return run

    rows = [row("pydiv sliced matrix (prepare once per cloud)", lambda: pydiv.pairwise(clouds, metric="sliced", directions=theta), repeat)]
    scale = pairs / len(sample)
    s = measure_spread(loop(lambda x, y: pydiv.sliced_wasserstein(x, y, directions=theta)), repeat=1, min_time=0.0)
    rows.append((f"loop of pydiv.sliced_wasserstein (x {pairs}/{len(sample)})", s.median * scale, s.min * scale,
                 s.max * scale, s.repeats))
    if ot is not None:
        s = measure_spread(loop(lambda x, y: ot.sliced_wasserstein_distance(x, y, projections=theta.T)), repeat=1,
                           min_time=0.0)
        rows.append((f"loop of ot.sliced_wasserstein_distance (x {pairs}/{len(sample)})", s.median * scale,
                     s.min * scale, s.max * scale, s.repeats))
    table(f"SW_2 matrix of {count} clouds x {n} points, d = {d}, L = {L} ({pairs} pairs; loops timed on "
          f"{len(sample)} pairs and scaled)", rows, rows[0][1])


def memory_case():
    if not os.path.exists("/proc/self/clear_refs"):
        print("\nPeak RSS: needs Linux /proc; skipped")
        return
    # Peak RSS from VmHWM, reset before the call by /proc/self/clear_refs (Linux).
    code = textwrap.dedent("""
        import numpy as np, pydiv
        def hwm():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM"):
                    return float(line.split()[1]) / 1024
        rng = np.random.default_rng(0)
        X, Y = rng.standard_normal((10000, 64)), rng.standard_normal((10000, 64))
        theta = rng.standard_normal((10000, 64)); theta /= np.linalg.norm(theta, axis=1, keepdims=True)
        pydiv.sliced_wasserstein(X[:10], Y[:10], directions=theta[:8])
        open("/proc/self/clear_refs", "w").write("5")
        before = hwm()
        pydiv.sliced_wasserstein(X, Y, directions=theta)
        print(before, hwm())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    before, after = float(out[0]), float(out[1])
    print("\nPeak RSS, n = 10000 per cloud, d = 64, L = 10000 directions")
    print(f"  inputs and directions loaded: {before:8.1f} MiB; after pydiv.sliced_wasserstein: {after:8.1f} MiB "
          f"(+{after - before:.1f} MiB)")
    print(f"  the (L, n) projections of both clouds, as the floor and POT hold them: {2 * 10000 * 10000 * 8 / 2**20:.0f} MiB")


def accuracy_case(rng, quick):
    n, seeds, ref_count = (500, 8, 10**5) if quick else (500, 20, 10**6)
    for d in (3, 16):
        X = rng.standard_normal((n, d)) * np.linspace(0.5, 2.0, d)
        Y = rng.standard_normal((n, d)) + np.eye(d)[0]
        t0 = time.perf_counter()
        reference = pydiv.sliced_wasserstein(X, Y, directions="orthogonal", n_projections=ref_count, seed=123)
        print(f"\nEstimator error, n = {n}, d = {d}: relative RMS error over {seeds} seeds against a "
              f"{ref_count:.0e}-direction orthogonal estimate ({time.perf_counter() - t0:.1f} s)")
        print(f"  {'L':>6} " + " ".join(f"{k:>12}" for k in ("random", "orthogonal", "qmc")))
        for L in (64, 256, 1024):
            errs = []
            for kind in ("random", "orthogonal", "qmc"):
                vals = np.array([pydiv.sliced_wasserstein(X, Y, directions=kind, n_projections=L, seed=s)
                                 for s in range(seeds)])
                errs.append(np.sqrt(np.mean((vals / reference - 1) ** 2)))
            print(f"  {L:>6} " + " ".join(f"{e:12.2e}" for e in errs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller problems, fewer repeats and seeds")
    parser.add_argument("--only", default="", help="comma-separated parts: main,low,pairs,memory,accuracy")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat, pot_repeat = (3, 1) if args.quick else (7, 3)
    cfg = config()
    print(f"pydiv {cfg['pydiv']}  threads={cfg['threads']}  openmp={cfg['openmp']}  numpy {np.__version__}  "
          f"POT {getattr(ot, '__version__', 'missing')}  cpus={os.cpu_count()}")
    rng = np.random.default_rng(0)
    parts = args.only.split(",") if args.only else ["main", "low", "pairs", "memory", "accuracy"]
    if "main" in parts:
        main_case(rng, repeat, pot_repeat, args.quick)
    if "low" in parts:
        low_dim_case(rng, repeat, pot_repeat, args.quick)
    if "pairs" in parts:
        pairwise_case(rng, repeat, args.quick)
    if "memory" in parts:
        memory_case()
    if "accuracy" in parts:
        accuracy_case(rng, args.quick)
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
