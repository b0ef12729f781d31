"""W2 between Gaussians and the Frechet distance: pydiv beside the scipy-sqrtm
formula of the FID tools and POT's Bures-Wasserstein distance, in one process.

Run: python bench/bench_gaussian.py [--quick]
Full size (the issue's): d = 2048 covariances fitted to 10000 samples each;
streaming statistics of 1e5 x 2048 float32 features in chunks of 1000 against
np.cov of the whole array; the batched diagonal path.  --quick uses d = 256.
Each full-size FID route runs once (the sqrtm route takes over a minute);
the values each returns are printed with the times.  Also: accuracy against a
50-digit mpmath reference for pydiv, sqrtm and POT on hard inputs.

Target: >= 5x faster than the sqrtm route at d = 2048, no NaN or complex anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import scipy.linalg as sl

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import _results  # noqa: E402
from _timing import fmt_time, measure_spread, table  # noqa: E402

import pydiv  # noqa: E402

try:
    import ot
except ImportError:  # pragma: no cover
    ot = None


def sqrtm_fid(m1, s1, m2, s2):
    """The pytorch-fid formula: scipy.linalg.sqrtm of the non-symmetric product."""
    root = sl.sqrtm(s1.dot(s2))
    if np.iscomplexobj(root):
        root = root.real  # pytorch-fid raises if the imaginary part is large; this is what it returns otherwise
    return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))


def pot_fid(m1, s1, m2, s2):
    return float(ot.gaussian.bures_wasserstein_distance(m1, m2, s1, s2)) ** 2


def once(func):
    t0 = time.perf_counter()
    value = func()
    return time.perf_counter() - t0, value


def fid_section(d, n, rng, decaying=False):
    x = rng.standard_normal((n, d))
    y = rng.standard_normal((n, d)) @ (np.eye(d) + 0.05 * rng.standard_normal((d, d)) / np.sqrt(d)) + 0.05
    if decaying:  # a spectrum falling like 1/k^2, as image features' do: F2^T F1 is ill-conditioned
        scale = np.arange(1, d + 1) ** -1.0
        x, y = x * scale, y * scale
    a = pydiv.gaussian.distance.stats_from_samples(x, "x")
    b = pydiv.gaussian.distance.stats_from_samples(y, "y")
    kind = "eigenvalues ~ 1/k^2" if decaying else "white"
    print(f"\nFID, d = {d} from {n} samples each, {kind} (one run per route)")
    print(f"  {'implementation':<44} {'time':>11} {'x pydiv':>8}  value")
    rows = [("pydiv.frechet_distance (stats given)", lambda: pydiv.frechet_distance(a, b)),
            ("scipy.linalg.sqrtm route (pytorch-fid)", lambda: sqrtm_fid(a.mean, a.cov, b.mean, b.cov))]
    if ot is not None:
        rows.append((f"ot.gaussian.bures_wasserstein_distance^2 ({ot.__version__})",
                     lambda: pot_fid(a.mean, a.cov, b.mean, b.cov)))
    ref_t, kept = None, []
    for name, func in rows:
        t, v = once(func)
        ref_t = ref_t or t
        print(f"  {name:<44} {fmt_time(t)} {t / ref_t:8.2f}  {v!r}")
        kept.append(_results.row(name, t))
    _results.record(f"FID, d = {d} from {n} samples each, {kind} (one run per route)", kept)
    t, _ = once(lambda: pydiv.gaussian.distance.stats_from_samples(x, "x"))
    print(f"  (fitting one Gaussian to the samples: {fmt_time(t).strip()})")


def stream_section(d, n, chunk, rng):
    feats = rng.standard_normal((n, d), dtype=np.float32) + 3.0

    def stream():
        acc = pydiv.stream.Moments(d)
        for i in range(0, n, chunk):
            acc.update(feats[i:i + chunk])
        return acc.cov

    t_s, cov_s = once(stream)
    t_c, cov_c = once(lambda: np.cov(feats, rowvar=False))
    print(f"\nStreaming statistics of {n} x {d} float32 in chunks of {chunk} (one run each)")
    print(f"  pydiv.stream.Moments  {fmt_time(t_s)}  {n / t_s:10.0f} samples/s")
    print(f"  np.cov (whole array)  {fmt_time(t_c)}  {n / t_c:10.0f} samples/s   x pydiv {t_c / t_s:.2f}")
    print(f"  max |cov difference| / max |cov| = {np.abs(cov_s - cov_c).max() / np.abs(cov_c).max():.2e}")
    _results.record(f"covariance of {n} x {d} float32 features (one run each)",
                    [_results.row(f"pydiv.stream.Moments, chunks of {chunk}", t_s),
                     _results.row("np.cov of the whole array", t_c)])


def diagonal_section(batch, d, rng):
    m1, m2 = rng.standard_normal((batch, d)), rng.standard_normal((batch, d))
    v1, v2 = rng.uniform(0.1, 2, (batch, d)), rng.uniform(0.1, 2, (batch, d))
    ours = measure_spread(lambda: pydiv.gaussian_wasserstein(m1, v1, m2, v2))
    plain = measure_spread(lambda: np.sqrt(np.sum((m1 - m2) ** 2 + (np.sqrt(v1) - np.sqrt(v2)) ** 2, axis=-1)))
    table(f"Batched diagonal path, {batch} pairs of d = {d}", [
        ("pydiv.gaussian_wasserstein (diagonal)", *ours),
        ("NumPy closed form", *plain)], ours[0])
    m1, m2 = m1[:, :1], m2[:, :1]
    s1, s2 = v1[:, :1, None], v2[:, :1, None]
    ours = measure_spread(lambda: pydiv.gaussian_wasserstein(m1, s1, m2, s2))
    table(f"Batched 1-D path, {batch} pairs of (1, 1) covariances", [("pydiv.gaussian_wasserstein", *ours)], ours[0])


def accuracy_section(rng):
    import reference as ref

    def spd(d, cond):
        q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        s = (q * np.geomspace(1.0, 1.0 / cond, d)) @ q.T
        return 0.5 * (s + s.T)

    def low_rank(d, r):
        a = rng.integers(-3, 4, size=(d, r)).astype(np.float64)
        return a @ a.T

    cases = [("d=20, cond 1e6", spd(20, 1e6), spd(20, 1e6)), ("d=20, cond 1e12", spd(20, 1e12), spd(20, 1e12)),
             ("d=16, ranks 5 and 5", low_rank(16, 5), low_rank(16, 5)),
             ("d=12, rank 3 vs full", low_rank(12, 3), spd(12, 10.0))]
    print("\nAccuracy against 50-digit mpmath: |error| / (tr S1 + tr S2) (value W2^2)")
    print(f"  {'case':<24} {'pydiv':>10} {'sqrtm route':>12} {'POT':>10}   exact")
    for name, s1, s2 in cases:
        z = np.zeros(len(s1))
        exact = ref.gaussian_w2_squared_mp(z, s1, z, s2)
        scale = np.trace(s1) + np.trace(s2)
        errs = []
        for f in (lambda: pydiv.gaussian_wasserstein(z, s1, z, s2, squared=True),
                  lambda: sqrtm_fid(z, s1, z, s2), lambda: pot_fid(z, s1, z, s2) if ot else np.nan):
            try:
                v = f()
                errs.append(f"{abs(v - exact) / scale:10.1e}" if np.isfinite(v) else f"{'NaN':>10}")
            except Exception as exc:  # a peer that raises is a failure to report
                errs.append(f"{type(exc).__name__:>10}")
        print(f"  {name:<24} {errs[0]} {errs[1]:>12} {errs[2]}   {exact:.6g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 256 instead of 2048")
    _results.add_json_option(parser)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    d = 256 if args.quick else 2048
    fid_section(d, 10000 if not args.quick else 2000, rng)
    fid_section(d, 10000 if not args.quick else 2000, rng, decaying=True)
    stream_section(d, 100_000 if not args.quick else 10_000, 1000, rng)
    diagonal_section(1000 if args.quick else 10000, d, rng)
    accuracy_section(rng)
    _results.save(args.json, args.quick)


if __name__ == "__main__":
    main()
