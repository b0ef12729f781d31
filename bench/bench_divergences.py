"""pydiv's histogram divergences beside the plain NumPy formulas, in one process
(PSI without its eps floor, to compute the same thing).

Run: python bench/bench_divergences.py [--quick]
Inputs are unnormalised counts, so both sides normalise.  Prints the median
seconds of each and NumPy's median over pydiv's (above 1: pydiv is faster).
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


def _n(a):
    return a / a.sum(axis=-1, keepdims=True)


NUMPY = {
    "hellinger": lambda p, q: np.sqrt(0.5 * ((np.sqrt(_n(p)) - np.sqrt(_n(q))) ** 2).sum(axis=-1)),
    "total_variation": lambda p, q: 0.5 * np.abs(_n(p) - _n(q)).sum(axis=-1),
    "bhattacharyya": lambda p, q: -np.log(np.sqrt(_n(p) * _n(q)).sum(axis=-1)),
    "chi2_divergence": lambda p, q: ((_n(p) - _n(q)) ** 2 / _n(q)).sum(axis=-1),
    "jeffreys": lambda p, q: ((_n(p) - _n(q)) * np.log(_n(p) / _n(q))).sum(axis=-1),
    "population_stability_index": lambda p, q: ((_n(p) - _n(q)) * np.log(_n(p) / _n(q))).sum(axis=-1),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    rng = np.random.default_rng(0)
    cases = {"1e6 vector": (rng.random(10**6) + 0.01, rng.random(10**6) + 0.01),
             "(1000, 1000) batch": (rng.random((1000, 1000)) + 0.01, rng.random((1000, 1000)) + 0.01)}
    print(f"{'case':20s} {'function':28s} {'pydiv':>12s} {'numpy':>12s} {'numpy/pydiv':>12s}")
    for case, (p, q) in cases.items():
        for name, ref in NUMPY.items():
            f = getattr(pydiv, name)
            if name == "population_stability_index":  # the exact PSI: the eps floor would flatten 1e6 bins
                f = lambda p, q: pydiv.population_stability_index(p, q, eps=None)  # noqa: E731
            np.testing.assert_allclose(f(p, q), ref(p, q), rtol=1e-9)
            sp = measure_spread(lambda: f(p, q), repeat=repeat)
            sn = measure_spread(lambda: ref(p, q), repeat=repeat)
            tp, tn = sp.median, sn.median
            print(f"{case:20s} {name:28s} {fmt_time(tp):>12s} {fmt_time(tn):>12s} {tn / tp:11.1f}x")
            _results.record(f"{name}, {case}", [_results.row(f"pydiv.{name}", *sp),
                                                 _results.row("NumPy formula", *sn)])
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
