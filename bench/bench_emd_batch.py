"""Batched exact EMD: one call for B problems against Python loops of single solves.

Run: python bench/bench_emd_batch.py [--quick]

* B = 64 problems of 256 x 256 random points in the unit square, squared
  Euclidean cost, uniform weights: pydiv.emd2(None, None, M) on the (B, n, n)
  stack of cost matrices (threads across problems) against a Python loop of
  ot.emd2 and a loop of pydiv.emd2 on the same matrices; and the point-cloud
  form, pydiv.wasserstein_nd(x, y, metric="sqeuclidean") on (B, n, 2) clouds
  (costs built in C++), against ot.dist + ot.emd2 in a loop.
* warm start: 20 steps of a slowly moving problem (256 sources drifting by
  1e-3 per step), each solved cold and with init=the previous step's result,
  for uniform weights (permutation plans: the warm basis is joined from a
  degenerate forest) and random weights.
Prints medians (and minima) of repeated timings and each ratio to the
batched call; compare ratios, the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import table  # noqa: E402

import pydiv  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def timed(named: list[tuple[str, Callable[[], object]]], repeat: int = 7) -> list[tuple]:
    """(name, median, min, max, repeats) per call, the calls taken in turn within each
    round, so that a change of the machine's load hits all of them alike
    (these calls take tens of milliseconds: one call per round)."""
    for _, f in named:
        f()  # warm up
    times: list[list[float]] = [[] for _ in named]
    for _ in range(repeat):
        for k, (_, f) in enumerate(named):
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    return [(name, statistics.median(t), min(t), max(t), repeat) for (name, _), t in zip(named, times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller problems")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--n", type=int, default=256)
    _results.add_json_option(parser)
    args = parser.parse_args()
    B, n = (8, 128) if args.quick else (args.batch, args.n)
    rng = np.random.default_rng(0)
    x, y = rng.random((B, n, 2)), rng.random((B, n, 2))
    M = ((x[:, :, None, :] - y[:, None, :, :]) ** 2).sum(axis=-1)
    w = np.full(n, 1.0 / n)

    batched = pydiv.emd2(None, None, M)
    loop = np.array([pydiv.emd2(None, None, M[k]) for k in range(B)])
    assert np.array_equal(batched, loop), "the batch must be bitwise the loop of single calls"
    named: list[tuple[str, Callable[[], object]]] = [
        ("pydiv.emd2, one batched call", lambda: pydiv.emd2(None, None, M)),
        ("loop of pydiv.emd2", lambda: [pydiv.emd2(None, None, M[k]) for k in range(B)]),
    ]
    if ot is not None:
        ref = np.array([ot.emd2(w, w, M[k]) for k in range(B)])
        print(f"max relative difference to ot.emd2: {np.max(np.abs(batched - ref) / ref):.2e}")
        named.append(("loop of ot.emd2", lambda: [ot.emd2(w, w, M[k]) for k in range(B)]))
    named += [(f"pydiv.emd2, one batched call, n_jobs={j}", lambda j=j: pydiv.emd2(None, None, M, n_jobs=j))
              for j in (1, 2)]
    rows = timed(named)
    table(f"EMD of {B} problems of {n} x {n} points, sqeuclidean cost matrices given (OpenMP default threads)",
          rows, rows[0][1], target=">= 5x the ot.emd2 loop on 2 cores")

    nd = pydiv.wasserstein_nd(x, y, metric="sqeuclidean")
    assert np.array_equal(nd, [pydiv.wasserstein_nd(x[k], y[k], metric="sqeuclidean") for k in range(B)])
    named = [
        ("pydiv.wasserstein_nd, one batched call", lambda: pydiv.wasserstein_nd(x, y, metric="sqeuclidean")),
        ("loop of pydiv.wasserstein_nd",
         lambda: [pydiv.wasserstein_nd(x[k], y[k], metric="sqeuclidean") for k in range(B)]),
    ]
    if ot is not None:
        named.append(("loop of ot.dist + ot.emd2", lambda: [ot.emd2(w, w, ot.dist(x[k], y[k])) for k in range(B)]))
    rows = timed(named)
    table(f"W2^2 of {B} pairs of clouds of {n} points in 2-D (costs built by each library)", rows, rows[0][1])
    warm_start(n)
    _results.save(args.json, args.quick)


def steps_of_a_moving_problem(n: int, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    x, y = rng.random((n, 2)), rng.random((n, 2))
    velocity = rng.normal(size=(n, 2)) * 1e-3
    return [(((x + t * velocity)[:, None, :] - y[None, :, :]) ** 2).sum(axis=-1) for t in range(count)]


def warm_start(n: int) -> None:
    rng = np.random.default_rng(1)
    Ms = steps_of_a_moving_problem(n, 20, rng)
    weights = {"uniform": np.full(n, 1.0 / n), "random": rng.random(n) + 0.1}
    for name, a in weights.items():
        a = a / a.sum()
        b = np.full(n, 1.0 / n)
        first = pydiv.emd(a, b, Ms[0])

        def cold() -> list[float]:
            return [pydiv.emd(a, b, M).cost for M in Ms[1:]]

        def warm() -> list[float]:
            prev, out = first, []
            for M in Ms[1:]:
                prev = pydiv.emd(a, b, M, init=prev)
                out.append(prev.cost)
            return out

        assert np.allclose(cold(), warm(), rtol=1e-13, atol=0)
        pivots = [sum(pydiv.emd(a, b, M).n_iter for M in Ms[1:]), 0]
        prev = first
        for M in Ms[1:]:
            prev = pydiv.emd(a, b, M, init=prev)
            pivots[1] += prev.n_iter
        rows = timed([("warm: init=previous result", warm), ("cold", cold)])
        table(f"19 steps of a slowly moving {n} x {n} problem, {name} source weights "
              f"(pivots: warm {pivots[1]}, cold {pivots[0]})", rows, rows[0][1])


if __name__ == "__main__":
    main()
