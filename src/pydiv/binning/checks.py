"""Argument validation of :func:`pydiv.histogram`: samples as (n, features)
float64 tables (samples along `axis`), the bins specification, the range and
the weights, each refused with a message naming the argument."""

from __future__ import annotations

import math
from typing import Any, get_args

import numpy as np

from .._checks import as_real_array, check_int, normalize_axis
from ..typing import BinRule, NanPolicy

NAN_POLICIES: tuple[str, ...] = get_args(NanPolicy)
DEFAULT_QUANTILE_BINS = 10
# numpy.histogram_bin_edges' bin-count rules that are computed here (not
# "stone", which histograms the data once per candidate count).
BIN_RULES: tuple[str, ...] = get_args(BinRule)


def is_integer_data(x: Any) -> bool:
    """Whether `x` holds integers (numpy's rules then take bins at least 1 wide)."""
    dtype = getattr(x, "dtype", None)
    if dtype is None and isinstance(x, (list, tuple)):
        try:
            dtype = np.asarray(x).dtype
        except (TypeError, ValueError):
            return False
    return isinstance(dtype, np.dtype) and dtype.kind in "iu"


def as_table(x: Any, name: str, axis: Any = 0) -> tuple[np.ndarray, bool]:
    """A float64 (n, features) table of the samples (a view: samples along
    `axis` of a 2-D input), and whether they were 1-D."""
    arr = as_real_array(x, name)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (one feature) or 2-D (samples, features), got {arr.ndim}-D")
    ax = normalize_axis(axis, arr.ndim)
    if arr.shape[ax] == 0:
        raise ValueError(f"{name} must not be empty")
    one_d = arr.ndim == 1
    table = arr.astype(np.float64, copy=False)
    if one_d:
        return table[:, None], True
    return (table if ax == 0 else table.T), False


def check_weights(weights: Any) -> tuple[Any, Any]:
    """The pair (weights of samples_a, weights of samples_b), either None."""
    if weights is None:
        return None, None
    if not isinstance(weights, (tuple, list)) or len(weights) != 2:
        raise TypeError("weights must be None or a pair (weights_a, weights_b) of per-sample weights "
                        f"(either may be None), got {type(weights).__name__}")
    return weights[0], weights[1]


def weight_table(w: Any, samples: Any, table: np.ndarray, axis: Any, name: str) -> np.ndarray | None:
    """A float64 table of `table`'s shape from 1-D weights (one per sample, a
    zero-stride view) or weights of the samples' own shape; refused when
    negative, not finite or of another shape."""
    if w is None:
        return None
    arr = as_real_array(w, name).astype(np.float64, copy=False)
    n = table.shape[0]
    shape = np.shape(samples) if np.ndim(samples) == 2 else (n,)
    if arr.ndim == 1 and arr.shape[0] == n:
        out = np.broadcast_to(arr[:, None], table.shape)
    elif arr.ndim == 2 and arr.shape == shape:
        out = arr if normalize_axis(axis, 2) == 0 else arr.T
    else:
        raise ValueError(f"{name} must be 1-D of length {n} (one weight per sample) or of the samples' shape "
                         f"{shape}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative")
    return out


def _bin_count(bins: Any, name: str = "bins") -> int:
    count = check_int(bins, name)
    if count <= 0:
        raise ValueError(f"{name} must be a positive number of bins, got {count}")
    return count


def parse_bins(bins: Any) -> tuple[str, int, np.ndarray | None]:
    """(kind, number of bins, explicit edges or None) of the `bins` argument;
    the kind of a rule is its name (its counts are the kernel's)."""
    if isinstance(bins, str):
        if bins in BIN_RULES:
            return bins, 0, None
        if bins != "quantile":
            raise ValueError(f"bins must be an integer, an array of edges, 'quantile', ('quantile', k) or a rule "
                             f"among {', '.join(BIN_RULES)}, got {bins!r}")
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
    """The (lo, hi) of `range`, finite with lo < hi; only for an integer `bins` or a rule."""
    if range_ is None:
        return None
    if kind not in ("uniform", *BIN_RULES):
        raise ValueError("range applies to an integer bins or a rule only (explicit and quantile edges set "
                         "their own range)")
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
