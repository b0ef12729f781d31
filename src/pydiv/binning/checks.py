"""Argument validation of :func:`pydiv.histogram`: samples as (n, features)
float64 tables, the bins specification and the range, each refused with a
message naming the argument."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import as_real_array, check_int

NAN_POLICIES = ("raise", "omit")
DEFAULT_QUANTILE_BINS = 10


def as_table(x: Any, name: str) -> tuple[np.ndarray, bool]:
    """A float64 (n, features) table of the samples, and whether they were 1-D."""
    arr = as_real_array(x, name)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (one feature) or 2-D (samples, features), got {arr.ndim}-D")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    one_d = arr.ndim == 1
    table = arr.astype(np.float64, copy=False)
    return (table[:, None] if one_d else table), one_d


def _bin_count(bins: Any, name: str = "bins") -> int:
    count = check_int(bins, name)
    if count <= 0:
        raise ValueError(f"{name} must be a positive number of bins, got {count}")
    return count


def parse_bins(bins: Any) -> tuple[str, int, np.ndarray | None]:
    """(kind, number of bins, explicit edges or None) of the `bins` argument."""
    if isinstance(bins, str):
        if bins != "quantile":
            raise ValueError(f"bins must be an integer, an array of edges, 'quantile' or ('quantile', k), got {bins!r}")
        return "quantile", DEFAULT_QUANTILE_BINS, None
    if isinstance(bins, tuple) and len(bins) == 2 and isinstance(bins[0], str):
        if bins[0] != "quantile":
            raise ValueError(f"bins must be ('quantile', k), got {bins!r}")
        return "quantile", _bin_count(bins[1], "bins[1] (the number of quantile bins)"), None
    if isinstance(bins, (int, np.integer)) or (isinstance(bins, np.ndarray) and bins.ndim == 0):
        return "uniform", _bin_count(bins), None
    if isinstance(bins, (float, bool, np.floating, np.bool_)):
        raise TypeError(f"bins must be an integer number of bins or an array of edges, got {bins!r}")
    edges = as_real_array(bins, "bins").astype(np.float64)
    if edges.ndim != 1 or edges.shape[0] < 2:
        raise ValueError(f"bins as edges must be a 1-D array of at least 2 edges, got shape {edges.shape}")
    if not np.all(np.isfinite(edges)):
        raise ValueError("bins: the edges must be finite")
    if not np.all(np.diff(edges) > 0):
        raise ValueError("bins: the edges must be strictly increasing")
    return "explicit", edges.shape[0] - 1, np.ascontiguousarray(edges)


def parse_range(range_: Any, kind: str) -> tuple[float, float] | None:
    """The (lo, hi) of `range`, finite with lo < hi; only for an integer `bins`."""
    if range_ is None:
        return None
    if kind != "uniform":
        raise ValueError("range applies to an integer bins only (explicit and quantile edges set their own range)")
    try:
        lo, hi = (float(v) for v in range_)
    except (TypeError, ValueError):
        raise TypeError(f"range must be a pair of real numbers (lo, hi), got {range_!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"range must be finite, got ({lo}, {hi})")
    if not lo < hi:
        raise ValueError(f"range must have lo < hi, got ({lo}, {hi})")
    return lo, hi


def check_nan_policy(nan_policy: Any) -> bool:
    """True for 'omit' (NaNs skipped), False for 'raise'."""
    if not isinstance(nan_policy, str) or nan_policy not in NAN_POLICIES:
        raise ValueError(f"nan_policy must be 'raise' or 'omit', got {nan_policy!r}")
    return nan_policy == "omit"
