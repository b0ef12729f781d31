"""OpenCV's cv2.EMD (Rubner's transportation simplex, float32 signatures)
beside pydiv.emd_grid on the same images: the classic EMD code that image
pipelines reach for.  Used by bench_grid.py; skipped when OpenCV is missing.

Each cv2.EMD call is timed once (it takes seconds at 32 x 32), emd_grid by
the median of repeats; the relative error is that of cv2's cost to
emd_grid's exact float64 optimum (checked against ot.emd2 in the tests).
"""

from __future__ import annotations

import time

import numpy as np

import dotmark_like
import pydiv
from _timing import fmt_time, measure

# cv2 distance codes by pydiv metric; sqeuclidean goes through a user cost matrix.
_CODES = {"cityblock": "DIST_L1", "chebyshev": "DIST_C", "sqeuclidean": "DIST_USER"}


def bench_opencv(classes: list[str], sides: list[int]) -> None:
    try:
        import cv2
    except ImportError:
        print("\nOpenCV cv2.EMD: skipped (pip install opencv-python-headless to compare)")
        return
    print(f"\nOpenCV {cv2.__version__} cv2.EMD (float32 signatures; timed once) beside emd_grid")
    print(f"  {'class':<12} {'side':>4} {'metric':<12} {'cv2.EMD':>11} {'emd_grid':>11} {'cv2/grid':>9} {'cv2 rel.err':>12}")
    for name in classes:
        for n in sides:
            A, B = dotmark_like.pair(name, n)
            coords = np.stack(np.unravel_index(np.arange(n * n), (n, n)), axis=1).astype(np.float32)
            for metric, code in _CODES.items():
                if code == "DIST_USER":
                    d = coords[:, None, :] - coords[None, :, :]
                    cost = (d * d).sum(axis=2).astype(np.float32)
                    sa, sb = A.reshape(-1, 1).astype(np.float32), B.reshape(-1, 1).astype(np.float32)
                    call = lambda: cv2.EMD(sa, sb, cv2.DIST_USER, cost=cost)[0]  # noqa: E731
                else:
                    sa = np.hstack([A.reshape(-1, 1).astype(np.float32), coords])
                    sb = np.hstack([B.reshape(-1, 1).astype(np.float32), coords])
                    call = lambda: cv2.EMD(sa, sb, getattr(cv2, code))[0]  # noqa: E731
                t0 = time.perf_counter()
                got = float(call())
                t_cv = time.perf_counter() - t0
                want = pydiv.emd_grid(A, B, metric=metric).cost  # warm: the graph is built once per thread
                t_grid, _ = measure(lambda: pydiv.emd_grid(A, B, metric=metric), repeat=3, min_time=0.05)
                print(f"  {name:<12} {n:>4} {metric:<12} {fmt_time(t_cv)} {fmt_time(t_grid)} {t_cv / t_grid:9.0f} "
                      f"{abs(got - want) / want:12.1e}")
