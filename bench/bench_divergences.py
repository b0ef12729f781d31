"""pydiv's histogram divergences beside the plain NumPy formulas and, where it
computes the same thing, scipy (PSI without its eps floor, to compute the
same thing as the formula).

Run: python bench/bench_divergences.py [--quick]
Inputs are unnormalised counts, so every side normalises.  Prints the median
seconds of each and the peer's median over pydiv's (above 1: pydiv is
faster), with pydiv's SIMD level and thread count (PYDIV_SIMD and
OMP_NUM_THREADS change them).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import scipy.spatial.distance
import scipy.stats

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import fmt_time, measure_spread  # noqa: E402

import pydiv  # noqa: E402
from pydiv import _core  # noqa: E402


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

# scipy's own functions for the same quantities (None: no batch form).
SCIPY = {
    "hellinger": (lambda p, q: scipy.spatial.distance.euclidean(np.sqrt(_n(p)), np.sqrt(_n(q))) / np.sqrt(2), None),
    "total_variation": (lambda p, q: 0.5 * scipy.spatial.distance.cityblock(_n(p), _n(q)), None),
    "jeffreys": (lambda p, q: scipy.stats.entropy(p, q) + scipy.stats.entropy(q, p),
                 lambda p, q: scipy.stats.entropy(p, q, axis=-1) + scipy.stats.entropy(q, p, axis=-1)),
}


def _scipy_column(name: str, p: np.ndarray, q: np.ndarray, f, tp: float, repeat: int) -> tuple[str, list]:
    """The scipy column's text, and its timing row (none where scipy has no such function)."""
    vector, batch = SCIPY.get(name, (None, None))
    g = vector if p.ndim == 1 else batch
    if g is None:
        return f"{'-':>12s} {'-':>12s}", []
    np.testing.assert_allclose(g(p, q), f(p, q), rtol=1e-9)
    ss = measure_spread(lambda: g(p, q), repeat=repeat)
    return f"{fmt_time(ss.median):>12s} {ss.median / tp:11.1f}x", [_results.row("scipy", *ss)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    rng = np.random.default_rng(0)
    cases = {"1e6 vector": (rng.random(10**6) + 0.01, rng.random(10**6) + 0.01),
             "(1000, 1000) batch": (rng.random((1000, 1000)) + 0.01, rng.random((1000, 1000)) + 0.01)}
    print(f"pydiv {pydiv.__version__}, simd {_core.simd_level()}, threads {_core.max_threads()}")
    print(f"{'case':20s} {'function':28s} {'pydiv':>12s} {'numpy':>12s} {'numpy/pydiv':>12s} {'scipy':>12s} "
          f"{'scipy/pydiv':>12s}")
    for case, (p, q) in cases.items():
        for name, ref in NUMPY.items():
            f = getattr(pydiv, name)
            if name == "population_stability_index":  # the exact PSI: the eps floor would flatten 1e6 bins
                f = lambda p, q: pydiv.population_stability_index(p, q, eps=None)  # noqa: E731
            np.testing.assert_allclose(f(p, q), ref(p, q), rtol=1e-9)
            sp = measure_spread(lambda: f(p, q), repeat=repeat)
            sn = measure_spread(lambda: ref(p, q), repeat=repeat)
            tp, tn = sp.median, sn.median
            sc, scipy_row = _scipy_column(name, p, q, f, tp, repeat)
            print(f"{case:20s} {name:28s} {fmt_time(tp):>12s} {fmt_time(tn):>12s} {tn / tp:11.1f}x {sc}")
            _results.record(f"{name}, {case}", [_results.row(f"pydiv.{name}", *sp),
                                                 _results.row("NumPy formula", *sn), *scipy_row])
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
