"""The drift job of a data pipeline, timed in one process on the same inputs:
200 features, 10^5 reference rows and 2 x 10^4 current rows, each column
binned on shared edges, then JS, W1 and PSI per column.

pydiv.drift (one threaded binning pass, one call per metric) against the
equivalent loop over columns with NumPy and scipy (np.histogram_bin_edges on
the union, np.histogram per side, scipy's jensenshannon and
wasserstein_distance, PSI by its NumPy formula); and, when a Python
executable with evidently is given (--evidently PYTHON), evidently's
per-column drift report with the same three tests, in a subprocess on the
same arrays.  Prints medians of the repeats and the ratios to pydiv.

    python bench/bench_pipelines.py [--quick] [--features 200] [--repeats 5] [--evidently PYTHON]

(--quick: 40 features, 20000 + 4000 rows, 3 repeats.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import pydiv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _results  # noqa: E402

BINS = 30
EPS = 1e-4  # PSI's floor on empty bins, pydiv's default


def tables(features: int, n_ref: int, n_cur: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scale = rng.uniform(0.5, 3.0, features)
    ref = rng.normal(size=(n_ref, features)) * scale
    shift = np.where(rng.random(features) < 0.2, rng.uniform(0.1, 1.0, features), 0.0)
    cur = rng.normal(size=(n_cur, features)) * scale + shift
    return ref, cur


def numpy_loop(ref: np.ndarray, cur: np.ndarray) -> dict[str, np.ndarray]:
    import scipy.spatial.distance
    import scipy.stats
    k = ref.shape[1]
    js, w1, psi = np.empty(k), np.empty(k), np.empty(k)
    for j in range(k):
        a, b = ref[:, j], cur[:, j]
        edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=BINS)
        ca, _ = np.histogram(a, bins=edges)
        cb, _ = np.histogram(b, bins=edges)
        js[j] = scipy.spatial.distance.jensenshannon(ca, cb) ** 2
        w1[j] = scipy.stats.wasserstein_distance(a, b)
        pa, pb = np.maximum(ca / ca.sum(), EPS), np.maximum(cb / cb.sum(), EPS)
        pa, pb = pa / pa.sum(), pb / pb.sum()
        psi[j] = np.sum((pa - pb) * np.log(pa / pb))
    return {"js": js, "wasserstein": w1, "psi": psi}


def pydiv_job(ref: np.ndarray, cur: np.ndarray) -> dict[str, np.ndarray]:
    report = pydiv.drift(ref, cur, metrics=("js", "wasserstein", "psi"), bins=BINS)
    return dict(report.values)


EVIDENTLY_SCRIPT = """
import sys, time, numpy as np, pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
ref, cur, method, repeats = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3], int(sys.argv[4])
cols = [f"f{j}" for j in range(ref.shape[1])]
a, b = pd.DataFrame(ref, columns=cols), pd.DataFrame(cur, columns=cols)
times = []
for _ in range(repeats):
    t = time.perf_counter()
    Report([DataDriftPreset(method=method)]).run(b, a)
    times.append(time.perf_counter() - t)
print(min(times), sorted(times)[len(times) // 2])
"""


def evidently_times(python: str, ref: np.ndarray, cur: np.ndarray, repeats: int) -> dict[str, float]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb, script = Path(tmp, "ref.npy"), Path(tmp, "cur.npy"), Path(tmp, "run.py")
        np.save(pa, ref)
        np.save(pb, cur)
        script.write_text(EVIDENTLY_SCRIPT)
        for method in ("jensenshannon", "wasserstein", "psi"):
            proc = subprocess.run([python, str(script), str(pa), str(pb), method, str(repeats)],
                                  capture_output=True, text=True, check=True)
            out[method] = float(proc.stdout.split()[1])
    return out


def median_time(fn, *args, repeats: int, name: str = "", kept: list | None = None) -> tuple[float, object]:
    """The median seconds of `repeats` calls and the last result; the
    spread is kept in `kept` as a row named `name`."""
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - t)
    if kept is not None:
        kept.append(_results.row(name, statistics.median(times), min(times), max(times), repeats))
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--current-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--evidently", metavar="PYTHON", help="a Python executable with evidently installed")
    parser.add_argument("--quick", action="store_true", help="--features 40 --rows 20000 --current-rows 4000 --repeats 3")
    _results.add_json_option(parser)
    args = parser.parse_args()
    if args.quick:
        args.features, args.rows, args.current_rows, args.repeats = 40, 20_000, 4_000, 3
    ref, cur = tables(args.features, args.rows, args.current_rows)
    print(f"drift job: {args.features} features, {args.rows} + {args.current_rows} rows, {BINS} bins; "
          f"medians of {args.repeats}")
    kept: list = []
    t_pydiv, got = median_time(pydiv_job, ref, cur, repeats=args.repeats, name="pydiv.drift (binning + JS, W1, PSI)",
                               kept=kept)
    t_hist, _ = median_time(pydiv.histogram, ref, cur, repeats=args.repeats, name="pydiv.histogram (binning only)",
                            kept=kept)
    t_loop, want = median_time(numpy_loop, ref, cur, repeats=max(1, args.repeats // 2),
                               name="NumPy/scipy loop over columns", kept=kept)
    print(f"{'task':44} {'time':>10} {'ratio':>8}")
    print(f"{'pydiv.histogram (binning only)':44} {t_hist * 1e3:8.1f}ms")
    print(f"{'pydiv.drift (binning + JS, W1, PSI)':44} {t_pydiv * 1e3:8.1f}ms {1.0:7.1f}x")
    print(f"{'NumPy/scipy loop over columns':44} {t_loop * 1e3:8.1f}ms {t_loop / t_pydiv:7.1f}x")
    for m in ("js", "wasserstein", "psi"):
        rel = np.max(np.abs(got[m] - want[m]) / np.maximum(np.abs(want[m]), 1e-300))  # type: ignore[index]
        print(f"  {m}: largest relative difference to the loop {rel:.1e}")
    if args.evidently:
        for method, t in evidently_times(args.evidently, ref, cur, max(1, args.repeats // 2)).items():
            print(f"{'evidently DataDriftPreset, ' + method:44} {t * 1e3:8.1f}ms {t / t_pydiv:7.1f}x")
            kept.append(_results.row(f"evidently DataDriftPreset, {method} (median)", t))
    _results.record(f"drift job: {args.features} features, {args.rows} + {args.current_rows} rows, {BINS} bins",
                    kept)
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    sys.exit(main())
