"""pydiv's exact EMD beside POT (and the `wasserstein` package when installed).

Run: python bench/bench_emd.py [--quick] [--full]
Prints medians (and minima) of repeated timings and the ratio to pydiv; the
machines are shared and noisy, so compare ratios, not absolute times.

* n = m = 1000 and 2000 points uniform in the unit square, Euclidean cost,
  uniform and random weights: pydiv.emd2(a, b, M) vs ot.emd2(a, b, M) on the
  same matrix, and pydiv.wasserstein_nd(x, y) (costs built by pydiv) vs
  ot.dist + ot.emd2 and wasserstein.EMD;
* growth of wasserstein_nd (and ot.emd2) from 500 to 4000 points with the
  fitted exponent of time ~ n^k;
* wasserstein_nd on 10 000 x 10 000 points: time and peak memory (in a child
  process, so that the high-water mark is its own).  --full also runs POT
  there (it needs the 800 MB matrix).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import fmt_time, measure_spread, spread_row, table  # noqa: E402

import pydiv  # noqa: E402
from pydiv.emd import emd2, wasserstein_nd  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None
try:
    import wasserstein as wasserstein_pkg
except ImportError:  # pragma: no cover
    wasserstein_pkg = None


def row(name, func, repeat):
    return spread_row(name, func, repeat, min_time=0.0)


def problem(n, weights, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2))
    y = rng.random((n, 2))
    if weights == "uniform":
        a = np.full(n, 1.0 / n)
        b = np.full(n, 1.0 / n)
    else:
        a = rng.random(n) + 0.1
        b = rng.random(n) + 0.1
        a /= a.sum()
        b /= b.sum()
    M = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
    return x, y, a, b, M


def side_by_side(n, weights, repeat):
    x, y, a, b, M = problem(n, weights)
    rows = [row("pydiv.emd2(a, b, M)", lambda: emd2(a, b, M), repeat)]
    if ot is not None:
        ref = ot.emd2(a, b, M, numItermax=10**9)
        assert abs(ref - emd2(a, b, M)) <= 1e-9 * ref
        rows.append(row("ot.emd2(a, b, M)", lambda: ot.emd2(a, b, M, numItermax=10**9), repeat))
    table(f"n = m = {n}, {weights} weights, given the Euclidean cost matrix M", rows, rows[0][1],
          ">= 2x faster than ot.emd2")
    rows = [row("pydiv.wasserstein_nd(x, y, a, b)", lambda: wasserstein_nd(x, y, a, b), repeat)]
    if ot is not None:
        rows.append(row("ot.emd2(a, b, ot.dist(x, y, 'euclidean'))",
                        lambda: ot.emd2(a, b, ot.dist(x, y, metric="euclidean"), numItermax=10**9), repeat))
    if wasserstein_pkg is not None:
        solver = wasserstein_pkg.EMD(n_iter_max=10**9)
        rows.append(row("wasserstein.EMD()(a, x, b, y)", lambda: solver(a, x, b, y), repeat))
    table(f"n = m = {n}, {weights} weights, given the points (unit square)", rows, rows[0][1],
          ">= 2x faster than POT, >= 1.5x than wasserstein")


def growth(sizes, repeat):
    print("\ngrowth, uniform weights (time ~ n^k)")
    print(f"  {'n':>6} {'pydiv wasserstein_nd':>22} {'pydiv emd2(M)':>15} {'ot.emd2(M)':>13}")
    t_nd, t_pd, t_ot = [], [], []
    for n in sizes:
        x, y, a, b, M = problem(n, "uniform", seed=n)
        named = {"pydiv.emd2(a, b, M)": lambda: emd2(a, b, M), "pydiv.wasserstein_nd(x, y)": lambda: wasserstein_nd(x, y)}
        if ot is not None:
            named["ot.emd2(a, b, M)"] = lambda: ot.emd2(a, b, M, numItermax=10**9)
        spreads = {k: measure_spread(f, repeat=repeat, min_time=0.0) for k, f in named.items()}
        _results.record(f"growth: n = m = {n}, uniform weights, cost matrix given (wasserstein_nd: the points)",
                        [_results.row(k, *s) for k, s in spreads.items()])
        t_pd.append(spreads["pydiv.emd2(a, b, M)"].median)
        t_nd.append(spreads["pydiv.wasserstein_nd(x, y)"].median)
        t_ot.append(spreads["ot.emd2(a, b, M)"].median if ot is not None else float("nan"))
        print(f"  {n:>6} {fmt_time(t_nd[-1]):>22} {fmt_time(t_pd[-1]):>15} {fmt_time(t_ot[-1]):>13}")
    ln = np.log(sizes)
    fit = [np.polyfit(ln, np.log(t), 1)[0] if np.isfinite(t).all() else float("nan") for t in (t_nd, t_pd, t_ot)]
    print(f"  {'k':>6} {fit[0]:>22.2f} {fit[1]:>15.2f} {fit[2]:>13.2f}")


_CHILD = textwrap.dedent(
    """
    import resource, sys, time
    import numpy as np

    def hwm_mb():
        # VmHWM belongs to this address space (fresh after exec); ru_maxrss
        # would include the parent's high-water mark on Linux.
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    n, what = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(0)
    x = rng.random((n, 2)); y = rng.random((n, 2))
    a = np.full(n, 1.0 / n)
    if what == "pydiv":
        from pydiv.emd import wasserstein_nd
        f = lambda: wasserstein_nd(x, y)
    else:
        import ot
        f = lambda: ot.emd2(a, a, ot.dist(x, y, metric="euclidean"), numItermax=10**9)
    base = hwm_mb()
    t = time.perf_counter(); value = f(); t = time.perf_counter() - t
    peak = hwm_mb()
    print(t, value, peak - base, peak)
    """
)


def big(n, with_pot):
    print(f"\nwasserstein_nd on {n} x {n} points (one run each, separate processes)")
    print(f"  {'implementation':<44} {'time':>11} {'extra peak RSS':>15} {'peak RSS':>10}")
    kept = []
    for what in ("pydiv",) + (("pot",) if with_pot and ot is not None else ()):
        out = subprocess.run([sys.executable, "-c", _CHILD, str(n), what], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"  {what}: failed: {out.stderr.strip()[-300:]}")
            continue
        t, value, extra, peak = map(float, out.stdout.split())
        name = "pydiv.wasserstein_nd(x, y)" if what == "pydiv" else "ot.emd2(a, b, ot.dist(x, y))"
        print(f"  {name:<44} {fmt_time(t)} {extra:12.1f} MB {peak:7.0f} MB   (W1 = {value:.9f})")
        kept.append(_results.row(f"{name}, peak RSS +{extra:.0f} MB", t))
    _results.record(f"wasserstein_nd on {n} x {n} points, one run each in a fresh process", kept)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--full", action="store_true", help="also POT on the 10 000-point problem")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    print(f"pydiv {pydiv.__version__}  numpy {np.__version__}"
          + (f"  POT {ot.__version__}" if ot is not None else "  (POT not installed)")
          + ("" if wasserstein_pkg is None else "  wasserstein installed"))
    for n in ((1000,) if args.quick else (1000, 2000)):
        for weights in ("uniform", "random"):
            side_by_side(n, weights, repeat)
    growth([500, 1000, 2000] if args.quick else [500, 1000, 2000, 4000], 3 if args.quick else 5)
    big(4000 if args.quick else 10_000, args.full)
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
