"""Validation and preparation of the sequence inputs of :func:`pydiv.pairwise`:
point clouds (``"emd"``) and 1-D samples (``"wasserstein_samples"``), each
concatenated into one array with per-item offsets, weights normalised.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_real_array, normalised_weights
from .emd import _METRICS as _GROUND_METRICS
from .emd import _cost_power, _points, _rescaling, _shifted, _weights


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


def _clouds(clouds: Any, weights: Any, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated coordinates, per-cloud normalised weights and offsets."""
    items, weights, wname = _items_and_weights(clouds, weights, name, "clouds")
    coords, ws, offsets = [], [], [0]
    for c, cloud in enumerate(items):
        pts = _points(cloud, f"{name}[{c}]")
        wc = _weights(None if weights is None else weights[c], pts.shape[0], f"{wname}[{c}]", f"{name}[{c}]")
        coords.append(pts)
        ws.append(normalised_weights(wc))
        offsets.append(offsets[-1] + pts.shape[0])
    dims = {a.shape[1] for a in coords}
    if len(dims) > 1:
        raise ValueError(f"the clouds of {name} have points of different dimensions {sorted(dims)}")
    if not coords:
        return np.empty((0, 1)), np.empty(0), np.zeros(1, dtype=np.int64)
    return np.concatenate(coords), np.concatenate(ws), np.asarray(offsets, dtype=np.int64)


def _scaled_clouds(
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
    power = _cost_power(ground_metric, w, p)
    count = int(np.diff(xs[2]).max() + np.diff(ys[2]).max())
    shift = _rescaling(xs[0], ys[0], power, count, always=False)
    if shift is None:
        needed = _rescaling(xs[0], ys[0], power, count, always=True)
        shift = needed if needed is not None and needed[1] > 0 else None
    if shift is None:
        return xs, ys, 0
    lo, e = shift
    xs = (_shifted(xs[0], lo, e), xs[1], xs[2])
    ys = xs if same else (_shifted(ys[0], lo, e), ys[1], ys[2])
    return xs, ys, e * (2 if ground_metric == "sqeuclidean" else 1)


def _ground(ground_metric: Any, w: Any) -> tuple[int, float]:
    code = _GROUND_METRICS.get(ground_metric) if isinstance(ground_metric, str) else None
    if code is None:
        raise ValueError(f"ground_metric must be one of {sorted(_GROUND_METRICS)}, got {ground_metric!r}")
    if w is not None and ground_metric != "minkowski":
        raise ValueError("w (the Minkowski order) is only used with ground_metric='minkowski'")
    ww = 2.0 if w is None else float(w)
    if not ww >= 1.0:
        raise ValueError(f"w must be >= 1 (a Minkowski norm), got {w!r}")
    return code, ww


def _samples(samples: Any, weights: Any, name: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
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
            wc = _weights(weights[c], v.size, f"{wname}[{c}]", f"{name}[{c}]")
            order = np.argsort(v, kind="stable")
            values.append(v[order])
            ws.append(normalised_weights(wc)[order])
        offsets.append(offsets[-1] + v.size)
    flat = np.concatenate(values) if values else np.empty(0)
    flat_w = np.concatenate(ws) if weights is not None and ws else None
    return flat, flat_w, np.asarray(offsets, dtype=np.int64)
