"""pydiv.torch / pydiv.jax beside the raw NumPy call and beside POT's torch backend, in one process.

Run: python bench/bench_autograd.py [--quick]
Prints medians (and minima) of repeated timings and ratios to pydiv; the
machines are shared and noisy, so compare ratios, not absolute times.

Targets (from the issue that introduced the adapters):
* the adapter's overhead over the raw NumPy call on 16-element inputs,
  forward + backward (goal <= 5 us), beside a plain PyTorch formula;
* forward + backward against POT's torch backend on the same inputs:
  emd2 500 x 500, wasserstein_1d of 1e6 samples, sliced W of 1e4 x 64 points
  with the same 1000 directions;
* batched emd2 of 64 problems of 256 x 256, forward + backward, against a
  Python loop of POT's emd2 (goal >= 5x on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _results  # noqa: E402
from _timing import spread_row, table  # noqa: E402

import pydiv  # noqa: E402

torch = __import__("torch")
import pydiv.torch as pt  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def fwd_bwd(fn, *arrays):
    """A closure timing fn(*leaves).sum().backward() on fresh leaves of `arrays`."""
    leaves = [leaf(a) for a in arrays]

    def run():
        for t in leaves:
            t.grad = None
        fn(*leaves).sum().backward()

    return run


def row(name, func, repeat):
    return spread_row(name, func, repeat, min_time=0.3)


def overhead(repeat):
    rng = np.random.default_rng(0)
    p, q = rng.random(16) + 0.1, rng.random(16) + 0.1
    x, y = rng.standard_normal(16), rng.standard_normal(16)
    M = rng.random((4, 4))
    w = np.full(4, 0.25)
    cases = [
        ("kl_divergence", lambda: pydiv.kl_divergence(p, q), fwd_bwd(pt.kl_divergence, p, q),
         fwd_bwd(lambda a, b: ((a / a.sum()) * ((a / a.sum()) / (b / b.sum())).log()).sum(), p, q)),
        ("js_divergence", lambda: pydiv.js_divergence(p, q), fwd_bwd(pt.js_divergence, p, q), None),
        ("wasserstein_1d", lambda: pydiv.wasserstein_1d(x, y), fwd_bwd(pt.wasserstein_1d, x, y), None),
        ("emd2 4 x 4", lambda: pydiv.emd2(w, w, M), fwd_bwd(pt.emd2, w, w, M), None),
    ]
    print("\nAdapter overhead on 16-element inputs (forward + backward)   [goal: <= 5 us over the raw call]")
    for name, raw, ours, plain in cases:
        rows = [row("pydiv (NumPy, forward only)", raw, repeat), row("pydiv.torch forward + backward", ours, repeat)]
        if plain is not None:
            rows.append(row("plain torch formula forward + backward", plain, repeat))
        table(f"{name}: overhead {1e6 * (rows[1][1] - rows[0][1]):.1f} us", rows, rows[0][1])


def against_pot(repeat, quick):
    rng = np.random.default_rng(1)
    n = 200 if quick else 500
    a, b = np.full(n, 1 / n), np.full(n, 1 / n)
    M = rng.random((n, n))
    rows = [row("pydiv.torch.emd2", fwd_bwd(pt.emd2, a, b, M), repeat),
            row("ot.emd2 (torch backend)", fwd_bwd(ot.emd2, a, b, M), repeat)]
    table(f"emd2 {n} x {n}, forward + backward", rows, rows[0][1])

    N = 10**5 if quick else 10**6
    u, v = rng.standard_normal(N), rng.standard_normal(N) + 0.5
    rows = [row("pydiv.torch.wasserstein_1d", fwd_bwd(pt.wasserstein_1d, u, v), repeat),
            row("ot.wasserstein_1d (torch backend, p=1)", fwd_bwd(lambda s, t: ot.wasserstein_1d(s, t, p=1), u, v),
                repeat)]
    table(f"wasserstein_1d, {N} samples each, forward + backward", rows, rows[0][1])

    n_pts, d, L = (2000, 64, 200) if quick else (10**4, 64, 1000)
    X, Y = rng.standard_normal((n_pts, d)), rng.standard_normal((n_pts, d)) + 0.1
    theta = rng.standard_normal((L, d))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    proj = torch.tensor(theta.T.copy())
    rows = [row("pydiv.torch.sliced_wasserstein", fwd_bwd(lambda s, t: pt.sliced_wasserstein(s, t, p=2, directions=theta),
                                                         X, Y), repeat),
            row("ot.sliced_wasserstein_distance (torch)",
                fwd_bwd(lambda s, t: ot.sliced_wasserstein_distance(s, t, projections=proj, p=2), X, Y), repeat)]
    table(f"sliced W2, {n_pts} x {d} points, {L} directions, forward + backward", rows, rows[0][1])


def batched(repeat, quick):
    rng = np.random.default_rng(2)
    B, n = (16, 128) if quick else (64, 256)
    x, y = rng.random((B, n, 2)), rng.random((B, n, 2))
    M = ((x[:, :, None, :] - y[:, None, :, :]) ** 2).sum(-1)
    w = np.full(n, 1 / n)

    def pot_loop(a, b, C):
        return torch.stack([ot.emd2(a, b, C[k]) for k in range(C.shape[0])])

    def pydiv_loop(a, b, C):
        return torch.stack([pt.emd2(a, b, C[k]) for k in range(C.shape[0])])

    rows = [row("pydiv.torch.emd2, one batched call", fwd_bwd(pt.emd2, w, w, M), repeat),
            row("pydiv.torch.emd2, a Python loop", fwd_bwd(pydiv_loop, w, w, M), repeat),
            row("ot.emd2 (torch backend), a Python loop", fwd_bwd(pot_loop, w, w, M), repeat)]
    table(f"batched emd2, {B} problems of {n} x {n} (sqeuclidean), forward + backward", rows, rows[0][1],
          "ot loop >= 5x pydiv")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    _results.add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else 5
    print(f"pydiv {pydiv.__version__}, torch {torch.__version__}, POT {getattr(ot, '__version__', 'missing')}, "
          f"{os.cpu_count()} CPUs")
    overhead(repeat)
    if ot is not None:
        against_pot(repeat, args.quick)
        batched(repeat, args.quick)
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
