"""Point clouds: validation, and scaling of clouds whose transport costs would
leave the solver's range.

A cost is a distance to a power; the solver takes costs up to about 1e300 /
(4 (n + m + 1)) and loses digits to costs near underflow.  Shifting the
points by their lower corner and dividing them by a power of two (exact)
brings every cost into range; the distance then scales back by that power
of two.  Used by :func:`pydiv.wasserstein_nd` and ``pairwise(metric="emd")``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .arrays import as_real_array


def check_points(x: Any, name: str) -> np.ndarray:
    """A point cloud as a C-ordered float64 (n, d) array; 1-D input is points on a line."""
    arr = as_real_array(x, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (one point per row) or 1-D (points on a line), got {arr.ndim}-D")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one point")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates; points must be finite")
    return arr



def cost_power(metric: str, w: float, p: float) -> float:
    """The largest power of a coordinate difference the kernel forms: in the
    sum of squares or w-th powers, or in the cost distance**p."""
    inner = w if metric == "minkowski" and math.isfinite(w) else 2.0 if metric in ("euclidean", "sqeuclidean") else 1.0
    return max(2.0 * p if metric == "sqeuclidean" else p, inner)


def shifted(z: np.ndarray, lo: np.ndarray, e: int) -> np.ndarray:
    """(z - lo) / 2**e, exactly where z - lo does not overflow."""
    with np.errstate(over="ignore"):
        d = z - lo
    out: np.ndarray = np.ldexp(d, -e) if np.isfinite(d).all() else np.ldexp(z * 0.5 - lo * 0.5, 1 - e)
    return out


def rescaling(x: np.ndarray, y: np.ndarray, power: float, count: int, always: bool) -> tuple[np.ndarray, int] | None:
    """(lo, e) such that the points (z - lo) / 2**e have coordinate differences
    whose `power` stays below about 1e300 / (4 (count + 1)), the most the
    solver takes, and small costs keep as many digits as possible;
    None when the points need no scaling first (``always=False``): that power
    is not so small that every cost is near underflow (costs that overflow are
    found by the solver, and the points scaled then).
    """
    if x.shape[1] == 0:
        return None  # points in zero dimensions: every cost is 0
    lo = np.minimum(x.min(axis=0), y.min(axis=0))
    hi = np.maximum(x.max(axis=0), y.max(axis=0))
    with np.errstate(over="ignore"):
        span = float((hi - lo).max())
    if span == 0.0:
        return None  # one point: every cost is 0
    # log2 of a bound on every distance (any norm <= d * max |dz|).
    log_span = math.log2(span) if span < math.inf else math.log2(float((hi * 0.5 - lo * 0.5).max())) + 1.0
    bound = log_span + math.log2(x.shape[1])
    top = math.log2(1e300 / (4.0 * (count + 1)))
    if not always and -900.0 <= power * bound:
        return None
    return lo, math.ceil(bound - top / power)

