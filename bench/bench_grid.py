"""Exact EMD between images on a grid: pydiv.emd_grid beside dense solvers.

Run: python bench/bench_grid.py [--quick] [--all-dense] [--sizes 32,64] [--classes cauchy,shapes] [--json FILE]

* Inputs: pairs of DOTmark-like images (``dotmark_like.py``: white noise,
  smooth and rough Gaussian random fields, Cauchy mixtures, shapes), drawn
  from a seeded Generator, on 32 x 32 to 256 x 256 grids, each of total 1.
* For each class and side: ``pydiv.emd_grid(A, B, metric=...)`` for the
  cityblock (W1 with L1 ground cost), chebyshev (L-inf) and sqeuclidean (W2^2)
  ground costs between cell indices; median and minimum of repeated calls,
  simplex pivots, and the peak memory of one call: the rise of the peak RSS
  (VmHWM) of a fresh spawned process over its level after imports and input
  generation, so that C++ allocations count.  Calls of over a second are
  timed once, in that fresh process.
* Beside it, where the dense cost matrix is small (grids up to 64 x 64, i.e.
  4096 x 4096 costs): ``pydiv.emd2`` and POT's ``ot.emd2`` on the dense
  matrix of the same ground cost, built between the positive cells of A and
  of B only (zero cells carry no mass); their times over emd_grid's, and the
  relative difference of the optimal costs (the optimum is unique: it must
  agree to rounding).  At 64 x 64 the dense solves take seconds each and are
  timed once, cityblock only unless ``--all-dense``.
* A batched row: ``pydiv.emd_grid_batch`` on 16 pairs of 32 x 32 images (and 64 x 64 in the full run),
  with the default threads and with n_jobs=1, against a Python loop of emd_grid; interleaved rounds.
* OpenCV's ``cv2.EMD`` (Rubner's code, float32) on 16 x 16 and 32 x 32
  images of two classes, timed once, with its error against emd_grid's
  optimum (``grid_opencv.py``; skipped without OpenCV).
* The goals of the grid solver are printed beside the rows they concern and summarised at the end.
* A solve that the times of smaller sides in the same run predict to take over 10 s (40 s for the
  goals' rows) is skipped with the prediction printed, as is W2 above 128 x 128: the full run takes minutes.
``--quick`` runs a subset (three classes, sides up to 128, W2 at 32 x 32 only, one dense 64 x 64
solve, peak memory of cityblock only) in under a minute.  Compare ratios: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dotmark_like  # noqa: E402
from _memory import peak_rise  # noqa: E402
from _timing import fmt_time, measure_spread  # noqa: E402
from grid_opencv import bench_opencv  # noqa: E402
from grid_results import add_json_option, record_batch, record_rows, save  # noqa: E402

import pydiv  # noqa: E402

ot: Any = None  # POT, imported by main() only: see import_pot

METRICS = ("cityblock", "chebyshev", "sqeuclidean")
SIDES = (32, 64, 128, 256)
W2_MAX_SIDE = 128
DENSE_MAX_CELLS = 64 * 64
MAX_CALL_S = 10.0  # a solve predicted to take longer is skipped, not started (4x that for the goals' rows)
BATCH_BUDGET_S = 8.0  # seconds of timed rounds per batched row
# (side, metric) -> (seconds, MB or None, text); the W1 speed-up goal is checked apart.
GOALS = {
    (32, "sqeuclidean"): (0.020, None, "< 20 ms"),
    (64, "cityblock"): (0.020, None, "< 20 ms, >= 100x ot.emd2"),
    (128, "cityblock"): (0.300, None, "< 0.3 s"),
    (256, "cityblock"): (5.0, 500.0, "< 5 s, < 500 MB"),
}
SPEEDUP_GOAL = (64, "cityblock", 100.0)


@dataclass
class Timing:
    median: float
    minimum: float
    rounds: int
    value: object  # what the first call returned
    maximum: float = float("nan")


@dataclass
class Row:
    name: str
    metric: str
    grid: Timing | str  # the timing, or why it was skipped
    n_iter: int = 0
    peak_mb: float | str = "-"
    dense: dict[str, Timing | str] = field(default_factory=dict)
    goal: str = ""


def timed(func: Callable[[], object], repeat: int, budget: float) -> Timing:
    """Median and minimum seconds per call; fast calls through
    ``_timing.measure``, slow ones as many single calls as fit in `budget`
    (at least the first call, which is then also the warm-up)."""
    t0 = time.perf_counter()
    value = func()
    first = time.perf_counter() - t0
    if first * (repeat + 2) <= budget:
        s = measure_spread(func, repeat=repeat, min_time=min(0.2, budget))
        return Timing(s.median, s.min, repeat, value, s.max)
    count = min(repeat, int(budget / first))
    if count < 2:
        return Timing(first, first, 1, value)
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return Timing(statistics.median(times), min(times), count, value, max(times))


def ground_cost(shape: tuple[int, ...], metric: str, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dense costs between the cells of flat indices `rows` and `cols`,
    built one axis at a time to keep one (len(rows), len(cols)) temporary."""
    a = np.unravel_index(rows, shape)
    b = np.unravel_index(cols, shape)
    M = np.zeros((len(rows), len(cols)))
    for ia, ib in zip(a, b):
        d = np.abs(ia[:, None].astype(np.float64) - ib[None, :])
        if metric == "cityblock":
            M += d
        elif metric == "chebyshev":
            np.maximum(M, d, out=M)
        else:
            M += d * d
    return M


def probe_child(name: str, n: int, metric: str) -> tuple[float, float, float, int, str]:
    """In a fresh process, one emd_grid call: (rise of the peak RSS in MiB
    during the call over the level after imports and input, its seconds,
    cost, pivots, status)."""
    a, b = dotmark_like.pair(name, n)
    peak, seconds, r = peak_rise(lambda: pydiv.emd_grid(a, b, metric=metric))
    return peak, seconds, r.cost, r.n_iter, r.status


@dataclass
class Plan:
    quick: bool
    all_dense: bool
    classes: list[str]
    sides: list[int]
    pool: ProcessPoolExecutor
    seconds: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)  # (class, metric) -> side -> s

    def grid_skip(self, name: str, n: int, metric: str) -> str | None:
        if metric == "sqeuclidean" and self.quick and n > 32:
            return "--quick times W2 at 32 x 32 only"
        if metric == "sqeuclidean" and n > W2_MAX_SIDE:
            return f"W2 above {W2_MAX_SIDE} x {W2_MAX_SIDE} takes too long for this script"
        return self.too_long((name, metric), n)

    def dense_skip(self, name: str, n: int, metric: str) -> str | None:
        if ot is None:
            return "POT is not installed"
        if n * n > DENSE_MAX_CELLS:
            return f"dense matrix of {n * n}^2 float64 would take {(n * n) ** 2 * 8 / 2**30:.1f} GiB"
        if n * n == DENSE_MAX_CELLS and metric != "cityblock" and not self.all_dense:
            return f"dense {metric} at {n} x {n} takes seconds per solve; --all-dense runs it"
        if self.quick and n > 32 and name != self.classes[0]:
            return f"--quick solves dense at {n} x {n} for {self.classes[0]} only"
        return None

    def too_long(self, key: tuple[str, str], n: int, count: int = 1) -> str | None:
        # Solves grew as cells^2 to cells^2.8 (pivots, and cache misses on large grids):
        # predict with cells^2.5 from the largest side timed, so that a slow solver
        # cannot stall the run.
        sides = [side for side in self.seconds.get(key, {}) if side <= n]
        if not sides:
            return None
        side = max(sides)
        seconds = self.seconds[key][side]
        predicted = count * seconds * (n / side) ** 5
        limit = (MAX_CALL_S / 4 if self.quick else MAX_CALL_S) * (4 if (n, key[1]) in GOALS else 1)
        if predicted > limit:
            return f"would take about {predicted:.0f} s per call ({side} x {side} took {seconds:.2f} s per pair)"
        return None


def bench_grid(plan: Plan, name: str, n: int, metric: str, a: np.ndarray, b: np.ndarray) -> Row:
    """emd_grid's row: its peak memory and one timed call in a fresh process;
    repeated calls in this one unless a call takes more than half the budget
    (then the fresh process's call is the timing)."""
    budget = 1.0 if plan.quick else 2.0
    probe = None
    if not plan.quick or metric == "cityblock":
        probe = plan.pool.submit(probe_child, name, n, metric).result()
    if probe is not None and probe[1] > budget / 2:
        peak, seconds, cost, n_iter, status = probe
        grid = Timing(seconds, seconds, 1, cost)
    else:
        grid = timed(lambda: pydiv.emd_grid(a, b, metric=metric), repeat=7 if n <= 64 else 5, budget=budget)
        cost, n_iter, status = grid.value.cost, grid.value.n_iter, grid.value.status
        grid.value = cost
        peak = probe[0] if probe is not None else "-"
        if probe is not None and abs(probe[2] - cost) > 1e-12 * abs(cost):
            peak = f"cost {probe[2]!r} in a fresh process"
    if status != "optimal":
        return Row(name, metric, f"status {status!r} after {n_iter} pivots")
    plan.seconds.setdefault((name, metric), {})[n] = grid.median
    return Row(name, metric, grid, n_iter=n_iter, peak_mb=peak)


def bench_metric(plan: Plan, name: str, n: int, metric: str, a: np.ndarray, b: np.ndarray) -> Row:
    reason = plan.grid_skip(name, n, metric)
    if reason is not None:
        return Row(name, metric, reason)
    row = bench_grid(plan, name, n, metric, a, b)
    if not isinstance(row.grid, Timing):
        return row
    rows, cols = np.flatnonzero(a), np.flatnonzero(b)
    reason = plan.dense_skip(name, n, metric)
    if reason is not None:
        row.dense = {"pydiv.emd2": reason, "ot.emd2": reason}
        return row
    M = ground_cost(a.shape, metric, rows, cols)
    wa, wb = a.ravel()[rows], b.ravel()[cols]
    solvers = {"pydiv.emd2": lambda: pydiv.emd2(wa, wb, M), "ot.emd2": lambda: ot.emd2(wa, wb, M, numItermax=10**9)}
    # Dense solves at 64 x 64 take seconds: one call each.
    budget = 0.0 if n * n >= DENSE_MAX_CELLS else 0.6 if plan.quick else 1.0
    row.dense.update({solver: timed(func, repeat=5, budget=budget) for solver, func in solvers.items()})
    return row


def goal_text(n: int, row: Row) -> str:
    if (n, row.metric) not in GOALS or not isinstance(row.grid, Timing):
        return ""
    seconds, megabytes, text = GOALS[(n, row.metric)]
    ok = row.grid.median < seconds
    if megabytes is not None:
        ok = ok and isinstance(row.peak_mb, float) and row.peak_mb < megabytes
    if (n, row.metric) == SPEEDUP_GOAL[:2]:
        pot = row.dense.get("ot.emd2")
        if not isinstance(pot, Timing):
            return f"{text.split(',')[0]}: {'met' if ok else 'MISSED'} (speed-up not measured here)"
        ok = ok and pot.median / row.grid.median >= SPEEDUP_GOAL[2]
    return f"{text}: {'met' if ok else 'MISSED'}"


HEADER = (f"  {'class':<12} {'metric':<12} {'emd_grid':>11} {'min':>11} {'pivots':>8} {'peak MB':>8}"
          f"  {'pydiv.emd2':>11} {'ot.emd2':>11} {'ot/grid':>8} {'emd2/grid':>9} {'rel.diff':>9}  goal")


def print_row(row: Row) -> None:
    head = f"  {row.name:<12} {row.metric:<12}"
    if not isinstance(row.grid, Timing):
        print(f"{head} skipped: {row.grid}")
        return
    g = row.grid
    peak = f"{row.peak_mb:8.1f}" if isinstance(row.peak_mb, float) else f"{row.peak_mb:>8}"
    line = f"{head} {fmt_time(g.median)} {fmt_time(g.minimum)} {row.n_iter:8d} {peak}  "
    timings = {k: v for k, v in row.dense.items() if isinstance(v, Timing)}
    cells = [fmt_time(timings[k].median) if k in timings else f"{'skipped':>11}" for k in ("pydiv.emd2", "ot.emd2")]
    ratios = [f"{timings[k].median / g.median:{w}.1f}" if k in timings else f"{'-':>{w}}"
              for k, w in (("ot.emd2", 8), ("pydiv.emd2", 9))]
    diffs = [abs(t.value - g.value) / max(abs(t.value), 1e-300) for t in timings.values()]
    diff = f"{max(diffs):9.1e}" if diffs else f"{'-':>9}"
    flag = "  DISAGREE" if diffs and max(diffs) > 1e-9 else ""
    once = [k for k, t in (("emd_grid", g), *timings.items()) if t.rounds == 1]
    single = f"  [timed once: {', '.join(once)}]" if once else ""
    print(f"{line}{cells[0]} {cells[1]} {ratios[0]} {ratios[1]} {diff}  {row.goal}{flag}{single}")


def bench_side(plan: Plan, n: int) -> list[Row]:
    print(f"\n{n} x {n} grids ({n * n} cells): median and min per call; dense solvers on the positive cells")
    print(HEADER)
    rows, notes = [], {}
    for name in plan.classes:
        a, b = dotmark_like.pair(name, n)
        for metric in METRICS:
            row = bench_metric(plan, name, n, metric, a, b)
            row.goal = goal_text(n, row)
            print_row(row)
            rows.append((n, row))
            for reason in {t for t in row.dense.values() if not isinstance(t, Timing)}:
                notes.setdefault(reason, []).append(f"{name}/{metric}")
    for reason, where in notes.items():
        print(f"  dense solvers skipped ({len(where)} row{'s' if len(where) > 1 else ''}): {reason}")
    return rows


def bench_batch(plan: Plan, n: int, count: int, name: str) -> None:
    if not hasattr(pydiv, "emd_grid_batch"):
        print("\npydiv.emd_grid_batch is missing: batched rows skipped")
        return
    A, B = dotmark_like.stack(name, n, count, seed=0), dotmark_like.stack(name, n, count, seed=1)
    print(f"\n{count} pairs of {n} x {n} {name} images: one emd_grid_batch call against a loop of emd_grid")
    for metric in ("cityblock", "sqeuclidean"):
        single = plan.seconds.get((name, metric), {}).get(n)
        if single is None or 2.5 * count * single > BATCH_BUDGET_S:
            why = "not timed singly" if single is None else f"one pair takes {single:.2f} s, {count} pairs too long"
            print(f"  {metric:<12} skipped: {why}")
            continue
        t0 = time.perf_counter()
        batch = pydiv.emd_grid_batch(A, B, metric=metric)
        t1 = time.perf_counter()
        loop = np.array([pydiv.emd_grid(A[k], B[k], metric=metric).cost for k in range(count)])
        one_round = (t1 - t0) + 2 * (time.perf_counter() - t1)  # these calls were the warm-up
        if one_round > BATCH_BUDGET_S:
            print(f"  {metric:<12} skipped: one round of the three would take about {one_round:.0f} s")
            continue
        diff = np.max(np.abs(batch - loop) / np.abs(loop))
        same = "bitwise the loop" if np.array_equal(batch, loop) else f"NOT bitwise the loop: max rel. diff {diff:.1e}"
        named = {
            "batch": lambda: pydiv.emd_grid_batch(A, B, metric=metric),
            "batch n_jobs=1": lambda: pydiv.emd_grid_batch(A, B, metric=metric, n_jobs=1),
            "loop": lambda: [pydiv.emd_grid(A[k], B[k], metric=metric) for k in range(count)],
        }
        times = interleaved(named, repeat=max(1, min(7, int(BATCH_BUDGET_S / one_round))))
        cells = "   ".join(f"{key} {fmt_time(statistics.median(t)).strip()}" for key, t in times.items())
        ratio = statistics.median(times["loop"]) / statistics.median(times["batch"])
        print(f"  {metric:<12} {cells}   loop/batch {ratio:5.2f}   costs: {same}")
        record_batch(f"{count} pairs of {n} x {n} {name} images, {metric}: one batched call against a loop", times)


def interleaved(named: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call of each (warmed up by the caller), the calls taken
    in turn within each round so that a change of the machine's load hits
    all of them alike."""
    times: dict[str, list[float]] = {key: [] for key in named}
    for _ in range(repeat):
        for key, func in named.items():
            t0 = time.perf_counter()
            func()
            times[key].append(time.perf_counter() - t0)
    return times


def summary(rows: list[tuple[int, Row]]) -> None:
    print("\ngoals (median over repeats; each row above names its own):")
    for (side, metric), (_, _, text) in GOALS.items():
        marks = [(r.name, r.goal) for n, r in rows if n == side and r.metric == metric and r.goal]
        if not marks:
            print(f"  {f'{side} x {side}':<9} {metric:<12} {text}: not measured in this run")
            continue
        missed = [name for name, goal in marks if "MISSED" in goal]
        verdict = "met in all" if not missed else f"MISSED for {', '.join(missed)} of"
        classes = f"{len(marks)} class" + ("es" if len(marks) > 1 else "")
        partial = sum("not measured here" in goal for _, goal in marks)
        if partial:
            classes += f" (the speed-up measured for {len(marks) - partial} of them)"
        print(f"  {f'{side} x {side}':<9} {metric:<12} {text}: {verdict} {classes}")


def import_pot() -> None:
    """Import POT in the parent process only: its import takes seconds
    (array backends), which every spawned memory probe would pay again."""
    global ot
    try:
        import ot as pot
    except ImportError:  # pragma: no cover
        return
    ot = pot


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset that runs in well under a minute")
    parser.add_argument("--all-dense", action="store_true", help="also the dense W2 and L-inf solves at 64 x 64")
    parser.add_argument("--sizes", help="comma-separated grid sides (default 32,64,128,256; quick 32,64,128)")
    parser.add_argument("--classes", help=f"comma-separated classes among {','.join(dotmark_like.CLASSES)}")
    add_json_option(parser)
    return parser.parse_args()


def main() -> None:
    args = parse()
    if not hasattr(pydiv, "emd_grid"):
        sys.exit(f"pydiv {pydiv.__version__} has no emd_grid: this benchmark needs a pydiv that provides it")
    import_pot()
    quick_classes = ["white-noise", "cauchy", "shapes"]
    classes = args.classes.split(",") if args.classes else (quick_classes if args.quick else list(dotmark_like.CLASSES))
    unknown = set(classes) - set(dotmark_like.CLASSES)
    if unknown:
        sys.exit(f"unknown classes {sorted(unknown)}; choose among {list(dotmark_like.CLASSES)}")
    sides = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIDES[:3] if args.quick else SIDES)
    print(f"pydiv {pydiv.__version__}, POT {ot.__version__ if ot else 'missing'}, {os.cpu_count()} CPUs; "
          "costs are of images of total 1 with unit spacing")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
        plan = Plan(args.quick, args.all_dense, classes, sides, pool)
        rows = [r for n in sides for r in bench_side(plan, n)]
    for n in (32,) if args.quick else (32, 64):
        if n in sides:
            bench_batch(plan, n, 16, classes[0])
    bench_opencv(classes[:2], [16] if args.quick else [16, 32])
    summary(rows)
    record_rows(rows)
    save(args.json, args.quick)


if __name__ == "__main__":
    main()
