"""The NumPy fallback of the W_p kernels (p != 1) where their pieces under- or overflow.

The kernels raise each gap divided by the span of both supports to the power
p; for large p, or values near the float range, those pieces leave the float
range, and the quantile merge here, scaled by the largest gap, takes over.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import unit_max


def underflowed(result: Any, lo: Any, hi: Any, p: float) -> np.ndarray:
    """Where a W_p (p != 1) from the kernel may have been lost to underflow.

    The kernel raises |x - y| / s to the power p with s < 2 (hi - lo), the span
    of both supports; when every piece is far below the span and p is large,
    the pieces underflow (the integral gets inaccurate or 0).  A result that is
    not finite (values near the float range, or a subnormal span) counts too.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        span = (np.asarray(hi, dtype=np.float64) * 0.5 - np.asarray(lo, dtype=np.float64) * 0.5) * 4.0
        ratio = np.log2(np.asarray(result, dtype=np.float64)) - np.log2(span)
    # (A subnormal span overflows the kernel's 1 / scale: inf or NaN.)
    return np.asarray((span > 0) & ~(p * ratio >= -900.0) | ~np.isfinite(result))


def replacement(kernel: Any, fallback: float, lo: Any, hi: Any, p: float) -> Any:
    """The fallback's W_p where the kernel's could not represent it (out of
    its range), else the kernel's: both round, differently, and near 0 the
    p-th root magnifies rounding (W_2 of a 1e-16 sliver of mass is 1e-8)."""
    if not math.isfinite(kernel) or underflowed(fallback, lo, hi, p):
        return fallback
    return kernel


def wp_quantiles(x: np.ndarray, xw: np.ndarray | None, y: np.ndarray, yw: np.ndarray | None, p: float) -> float:
    """W_p of two sorted 1-D samples from their quantile functions, in NumPy.

    Every piece is divided by the largest gap transported (not by the span), so
    none underflows however large p is: the fallback for :func:`underflowed`.
    """
    def levels(w: np.ndarray | None, n: int) -> np.ndarray:
        c: np.ndarray
        if w is None:
            c = np.arange(1.0, n + 1.0)
        else:
            w = w.astype(np.float64)
            with np.errstate(over="ignore"):
                c = np.cumsum(w)
            if not 1e-300 < c[-1] < np.inf:  # a total out of range: divide by the largest weight
                c = np.cumsum(unit_max(w))
        c = c / c[-1]
        c[-1] = 1.0
        return c

    cx, cy = levels(xw, x.shape[0]), levels(yw, y.shape[0])
    ends = np.union1d(cx, cy)
    starts = np.concatenate(([0.0], ends[:-1]))
    i = np.minimum(np.searchsorted(cx, starts, side="right"), x.shape[0] - 1)
    j = np.minimum(np.searchsorted(cy, starts, side="right"), y.shape[0] - 1)
    xi, yj = x.astype(np.float64)[i], y.astype(np.float64)[j]
    factor = 1.0
    with np.errstate(over="ignore"):
        gaps = np.abs(xi - yj)
    if not np.isfinite(gaps).all():  # values beyond half the float range: halve them (exact)
        gaps, factor = np.abs(xi * 0.5 - yj * 0.5), 2.0
    widths = ends - starts
    top = float(gaps[widths > 0].max(initial=0.0))
    if top == 0.0:
        return 0.0
    distance: float = factor * (top * float(np.sum(widths * (gaps / top) ** p)) ** (1.0 / p))
    return distance
