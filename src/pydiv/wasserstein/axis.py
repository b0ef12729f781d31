"""The ``axis`` option of :func:`wasserstein_1d` and :func:`energy_distance`.

The kernels take one distribution per row (samples along the last axis).
``axis`` names the axis that holds the samples instead: it is moved to the
last position (one C-ordered copy: the row kernels need contiguous rows), so
``axis=0`` on a (samples, features) table compares column by column, exactly
as passing the transposes.  Weights move with their values.  ``None`` keeps
the inputs as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import normalize_axis


def _moved(x: Any, axis: int, name: str) -> Any:
    arr = np.asanyarray(x)  # keeps a masked array's mask, which the checks then refuse
    if arr.ndim == 0 or arr.ndim > 2:
        return arr  # the sample checks report the dimension
    ax = normalize_axis(axis, arr.ndim, "axis")
    # A C-ordered copy (of the same array type): the row kernels need
    # contiguous rows, and a sort keeps a transposed view's layout.
    return arr if ax == arr.ndim - 1 else np.moveaxis(arr, ax, -1).copy(order="C")


def samples_last(axis: Any, values: tuple[Any, Any], weights: tuple[Any, Any]) -> tuple[Any, Any, Any, Any]:
    """(u, v, u_weights, v_weights) with the sample axis `axis` moved last."""
    u, v = values
    uw, vw = weights
    if axis is None:
        return u, v, uw, vw
    return (
        _moved(u, axis, "u_values"),
        _moved(v, axis, "v_values"),
        None if uw is None else _moved(uw, axis, "u_weights"),
        None if vw is None else _moved(vw, axis, "v_weights"),
    )
