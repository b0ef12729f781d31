"""The rows of :func:`pydiv.pairwise`, validated and prepared once:
histograms and their support, point clouds (``"emd"``) and 1-D samples
(``"wasserstein_samples"``), the last two each concatenated into one array
with per-item offsets, weights normalised.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._checks import (
    as_real_array,
    check_ground_metric,
    check_minkowski_order,
    check_points,
    check_weights,
    cost_power,
    normalised_weights,
    rescaling,
    shifted,
    unit_max,
)


def _items_and_weights(items: Any, weights: Any, name: str, what: str) -> tuple[list[Any], list[Any] | None, str]:
    """The distributions of a sequence argument, their weight list, and the weights' name."""
    try:
        listed = list(items)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of {what}") from None
    wname = "x_weights" if name == "X" else "y_weights"
    if weights is None:
        return listed, None, wname
    try:
        wlist = list(weights)
    except TypeError:
        raise TypeError(f"{wname} must be a sequence of weight vectors, one per entry of {name}") from None
    if len(wlist) != len(listed):
        raise ValueError(f"{wname} has {len(wlist)} entries but {name} has {len(listed)} {what}")
    return listed, wlist, wname


def _is_number_row(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and bool(item) and all(isinstance(v, numbers.Real) for v in item)


def _cloud_sequence(clouds: Any, name: str, metric: str) -> Any:
    """The clouds of `clouds`: a sequence of arrays, or the clouds of a 3-D
    array.  A 2-D array of numbers (an ndarray, or a list of lists of
    numbers) is refused: read as clouds on a line, its rows would silently
    be compared as 1-D samples, not as the histograms they usually are."""
    if isinstance(clouds, (list, tuple)):
        if not (clouds and all(_is_number_row(c) for c in clouds)):
            return clouds
        ndim = 2
    elif isinstance(clouds, np.ndarray) and clouds.dtype == object:
        return clouds  # clouds of different sizes, one per element
    elif hasattr(clouds, "__array__") or hasattr(clouds, "__dlpack__"):
        arr = as_real_array(clouds, name)
        if arr.ndim == 3:
            return list(arr)
        ndim = arr.ndim
    else:
        return clouds  # any other iterable of clouds
    raise ValueError(
        f"{name} is a {ndim}-D array of numbers, but metric={metric!r} takes point clouds: a list of (n_i, d) arrays, "
        f"or a 3-D array of equal-size clouds. For one histogram per row use metric='wasserstein'; for one 1-D "
        f"sample per row metric='wasserstein_samples'; for 1-D clouds pass a list of 1-D arrays"
    )


def clouds(clouds: Any, weights: Any, name: str, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated coordinates, per-cloud weights (scaled by a power of two) and offsets."""
    items, weights, wname = _items_and_weights(_cloud_sequence(clouds, name, metric), weights, name, "clouds")
    coords, ws, offsets = [], [], [0]
    for c, cloud in enumerate(items):
        pts = check_points(cloud, f"{name}[{c}]")
        wc = check_weights(None if weights is None else weights[c], pts.shape[0], f"{wname}[{c}]", f"{name}[{c}]")
        coords.append(pts)
        ws.append(unit_max(wc))  # exact; each pair is brought to one total by the solver (pairwise_emd.cpp)
        offsets.append(offsets[-1] + pts.shape[0])
    dims = {a.shape[1] for a in coords}
    if len(dims) > 1:
        raise ValueError(f"the clouds of {name} have points of different dimensions {sorted(dims)}")
    if not coords:
        return np.empty((0, 1)), np.empty(0), np.zeros(1, dtype=np.int64)
    return np.concatenate(coords), np.concatenate(ws), np.asarray(offsets, dtype=np.int64)


def scaled_clouds(
    xs: tuple[np.ndarray, np.ndarray, np.ndarray],
    ys: tuple[np.ndarray, np.ndarray, np.ndarray],
    same: bool,
    ground_metric: str,
    w: float,
    p: float,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray], int]:
    """As in wasserstein_nd: points whose costs would underflow or overflow the
    solver are shifted and scaled by a power of two first; the distances then
    scale back by 2**exponent (the third item, 0 when nothing was done)."""
    if xs[0].shape[0] == 0 or ys[0].shape[0] == 0:
        return xs, ys, 0
    power = cost_power(ground_metric, w, p)
    count = int(np.diff(xs[2]).max() + np.diff(ys[2]).max())
    shift = rescaling(xs[0], ys[0], power, count, always=False)
    if shift is None:
        needed = rescaling(xs[0], ys[0], power, count, always=True)
        shift = needed if needed is not None and needed[1] > 0 else None
    if shift is None:
        return xs, ys, 0
    lo, e = shift
    xs = (shifted(xs[0], lo, e), xs[1], xs[2])
    ys = xs if same else (shifted(ys[0], lo, e), ys[1], ys[2])
    return xs, ys, e * (2 if ground_metric == "sqeuclidean" else 1)


def ground(ground_metric: Any, w: Any) -> tuple[int, float]:
    return check_ground_metric(ground_metric, "ground_metric"), check_minkowski_order(w, ground_metric, "ground_metric")


def samples(samples: Any, weights: Any, name: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Sorted concatenated 1-D samples, their normalised weights (None: unit) and offsets."""
    if isinstance(samples, np.ndarray) and samples.ndim != 2:
        raise ValueError(f"{name} must be 2-D (one sample per row) or a sequence of 1-D samples, got {samples.ndim}-D")
    items, weights, wname = _items_and_weights(samples, weights, name, "samples")
    values, ws, offsets = [], [], [0]
    for c, item in enumerate(items):
        v = as_real_array(item, f"{name}[{c}]")
        if v.ndim != 1:
            raise ValueError(f"{name}[{c}] must be a 1-D sample, got {v.ndim}-D")
        if v.size == 0:
            raise ValueError(f"{name}[{c}] is empty")
        v = v.astype(np.float64, copy=False)
        if not np.isfinite(v).all():
            raise ValueError(f"{name}[{c}] contains NaN or infinite values")
        if weights is None:
            values.append(np.sort(v))
        else:
            wc = check_weights(weights[c], v.size, f"{wname}[{c}]", f"{name}[{c}]")
            order = np.argsort(v, kind="stable")
            values.append(v[order])
            ws.append(normalised_weights(wc)[order])
        offsets.append(offsets[-1] + v.size)
    flat = np.concatenate(values) if values else np.empty(0)
    flat_w = np.concatenate(ws) if weights is not None and ws else None
    return flat, flat_w, np.asarray(offsets, dtype=np.int64)


def histograms(a: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate a 2-D array of histograms; return it (float64, C order) and its rows normalised."""
    arr = as_real_array(a, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (one distribution per row), got {arr.ndim}-D")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if arr.shape[0] == 0:
        return arr, arr
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0, 0])
        raise ValueError(f"{name} row {row} contains NaN or infinite values")
    if (arr < 0).any():
        row = int(np.argwhere(arr < 0)[0, 0])
        raise ValueError(f"{name} row {row} has negative entries")
    peak = arr.max(axis=1)
    if (peak == 0).any():
        raise ValueError(f"{name} row {int(np.argmin(peak))} sums to zero, so it cannot be normalised")
    # A power of two brings each row's maximum into [1, 2) first: exact, and
    # the sum can then neither overflow nor lose digits to subnormals.
    scaled = np.ldexp(arr, (1 - np.frexp(peak)[1])[:, None])
    normalised: np.ndarray = scaled / scaled.sum(axis=1)[:, None]
    return arr, normalised


def support(x: Any, k: int) -> np.ndarray:
    if x is None:
        support = np.arange(k, dtype=np.float64)
    else:
        support = as_real_array(x, "x").astype(np.float64, copy=False)
        if support.shape != (k,):
            raise ValueError(f"x must have one value per column ({k}), got shape {support.shape}")
        if not np.isfinite(support).all():
            raise ValueError("x must contain only finite values")
        if (np.diff(support) < 0).any():
            raise ValueError("x must be sorted in increasing order")
    return np.ascontiguousarray(support)
