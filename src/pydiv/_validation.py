"""Input validation shared by the public modules.

Each helper raises a ``ValueError`` or ``TypeError`` whose message names the
argument and says what would be accepted.  Kernels report an invalid
distribution as NaN; :func:`raise_for_distribution` then finds the reason with
NumPy, so valid inputs never pay for these checks twice.

Every entry point checks its options with the helpers here, by one policy:

* a boolean option (``keepdims``, ``sorted``, ``normalize``, ``condensed``,
  ``progress``) takes ``True`` or ``False``, as a Python ``bool`` or a
  ``numpy.bool_``; ``0``, ``1``, ``None`` and strings are a TypeError (a
  truthy value is not taken for a yes);
* an integer option (``axis``, ``max_iter``, ``n_jobs``, ``chunks``) takes a
  Python or NumPy integer, never a bool and never a float, even an integral
  one; a value out of range, however large, is a ValueError;
* a real option (``p``, ``order``, ``w``, ``base``) takes a Python or NumPy
  integer or float, never a bool, a string or a complex number; an integer
  beyond the float range counts as infinite (then refused as out of range,
  except for ``w``, where it is the Chebyshev limit);
* a 0-d array counts as the scalar it holds, under the same rules;
* an array input goes through :func:`as_real_array`: real numbers only, and a
  masked array with masked entries is refused (its mask would be ignored).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, cast

import numpy as np

from . import _core

_FLOAT_KINDS = frozenset("f")


def _refuse_masked(x: Any, name: str) -> None:
    if isinstance(x, np.ma.MaskedArray) and np.ma.getmask(x) is not np.ma.nomask and x.mask.any():
        raise TypeError(
            f"{name} is a masked array with masked entries; masks are not supported (they would be ignored): "
            f"pass {name}.compressed() to drop the masked entries, or {name}.filled(0) to give them zero mass"
        )


def as_real_array(x: Any, name: str) -> np.ndarray:
    """Convert an array-like to a float32 or float64 array (no copy when possible)."""
    _refuse_masked(x, name)
    try:
        if hasattr(x, "__dlpack__") and not hasattr(x, "__array__"):
            arr = np.from_dlpack(x)  # a DLPack-only tensor, without a copy
        else:
            arr = np.asarray(x)
    except (TypeError, ValueError, BufferError, RuntimeError) as exc:  # ragged lists, non-CPU tensors
        raise TypeError(f"{name} must be a numeric array-like; {exc}") from None
    if isinstance(x, (list, tuple)) and arr.ndim > 1:  # rows given as arrays: one check per row, not per entry
        for r, row in enumerate(x):
            _refuse_masked(row, f"{name}[{r}]")
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype == np.float32 or arr.dtype == np.float64:
            return arr
        return arr.astype(np.float64)
    if kind in "iu":
        return arr.astype(np.float64)
    if kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans; convert it with .astype(float)")
    if kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}")
    raise TypeError(f"{name} must be a numeric array-like, got dtype {arr.dtype}")


def common_float(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cast to float32 only when every array is float32, else to float64."""
    if all(a.dtype == np.float32 for a in arrays):
        return arrays
    return tuple(a if a.dtype == np.float64 else a.astype(np.float64) for a in arrays)


def unit_max(w: np.ndarray, axis: int | None = None) -> np.ndarray:
    """``w`` times the power of two that brings its largest entry (along `axis`)
    into [0.5, 1): exact, and a total of the result neither overflows (1e308
    weights) nor loses digits to subnormals (1e-320 weights)."""
    top = np.max(w, axis=axis, keepdims=axis is not None)
    exponent = np.frexp(top)[1]
    if w.dtype == np.float64 and np.all(np.abs(exponent) < 1000):
        # Times 2**-e, a float64: the same rounding as ldexp, several times faster.
        fast: np.ndarray = w * np.ldexp(1.0, -exponent)
        return fast
    scaled: np.ndarray = np.ldexp(w, -exponent)
    return scaled


def normalised_weights(w: np.ndarray) -> np.ndarray:
    """Non-negative weights with a positive total, divided by that total at any scale."""
    scaled = unit_max(w)
    out: np.ndarray = scaled / scaled.sum()
    return out


def balanced_weights(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """`a` and `b` brought to one total (returned too), by powers of two alone
    where the totals allow it.

    Dividing each side by its own total rounds every weight, and the two sides
    round differently: two clouds with equal integer weights then disagree on
    the mass of a shared far point by an ulp, which a cost of 1e16 turns into
    an error of order 1.  Scaled by powers of two, weights whose totals are
    equal up to a power of two stay exact; other totals leave `b` rounded once,
    as normalising would.
    """
    ua, ub = unit_max(a), unit_max(b)
    sa, sb = float(ua.sum()), float(ub.sum())
    return ua, (ub if sa == sb else ub * (sa / sb)), sa


def check_out_disjoint(out: np.ndarray, inputs: dict[str, Any]) -> None:
    """Refuse an `out` that shares memory with an input (an array, or a list of
    arrays): a block written early would change rows that later blocks read."""
    for name, value in inputs.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, np.ndarray) and np.may_share_memory(out, item) and np.shares_memory(out, item):
                raise ValueError(f"out shares memory with {name}; pass a separate array, or a copy of {name}")


def _unwrapped(value: Any) -> Any:
    """The scalar a 0-d array holds; anything else unchanged."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def check_bool(value: Any, name: str) -> bool:
    """A boolean option: a Python bool or numpy.bool_ (not 0, 1 or None)."""
    if value is True or value is False:
        return bool(value)
    v = _unwrapped(value)
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(v)


def check_int(value: Any, name: str, what: str = "an integer") -> int:
    """An integer option: a Python or NumPy integer, not a bool or a float."""
    if type(value) is int:  # the common case, without the checks below
        return value
    v = _unwrapped(value)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be {what}, got {value!r}")
    return int(v)


def check_real(value: Any, name: str, what: str) -> float:
    """A real option as a float: a Python or NumPy integer or float (not a bool,
    string or complex); an integer beyond the float range is inf."""
    if type(value) is float:  # the common cases skip the abstract-class checks
        return value
    v = value
    if type(value) is not int:
        v = _unwrapped(value)
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must be {what}, got {value!r}")
    try:
        return float(v)
    except OverflowError:  # an int (or Fraction) beyond the float range
        return math.inf if cast(Any, v) > 0 else -math.inf


def check_base(base: Any) -> float | None:
    """A logarithm base (None: natural logarithm)."""
    if base is None:
        return None
    b = check_real(base, "base", "a positive real number other than 1")
    if not (math.isfinite(b) and b > 0.0 and b != 1.0):
        raise ValueError(f"base must be a positive finite number other than 1, got {base!r}")
    return b


def check_p(p: Any, name: str = "p") -> float:
    """The order of a Wasserstein distance: a finite real number >= 1."""
    value = check_real(p, name, "a real number >= 1")
    if not (math.isfinite(value) and value >= 1.0):
        raise ValueError(f"{name} must be a finite number >= 1, got {p!r}")
    return value


def check_minkowski_order(w: Any, metric: Any, metric_name: str) -> float:
    """The order `w` of a Minkowski ground distance (2 by default; +inf, the
    Chebyshev limit, is allowed); given with another metric it is an error."""
    if w is None:
        return 2.0
    if metric != "minkowski":
        raise ValueError(f"w (the Minkowski order) is only used with {metric_name}='minkowski', not {metric!r}")
    value = check_real(w, "w", "a real number >= 1")
    if not value >= 1.0:  # also rejects NaN
        raise ValueError(f"w must be >= 1 (a Minkowski norm), got {w!r}")
    return value


GROUND_METRICS = {
    "euclidean": _core.METRIC_EUCLIDEAN,
    "sqeuclidean": _core.METRIC_SQEUCLIDEAN,
    "cityblock": _core.METRIC_CITYBLOCK,
    "chebyshev": _core.METRIC_CHEBYSHEV,
    "minkowski": _core.METRIC_MINKOWSKI,
}


def check_ground_metric(metric: Any, name: str) -> int:
    """The kernel's code of a ground distance named by a string."""
    if not isinstance(metric, str):
        raise TypeError(f"{name} must be a string, one of {sorted(GROUND_METRICS)}, got {metric!r}")
    code = GROUND_METRICS.get(metric)
    if code is None:
        raise ValueError(f"{name} must be one of {sorted(GROUND_METRICS)}, got {metric!r}")
    return code


_MAX_ITER_CAP = 2**62


def check_max_iter(max_iter: Any) -> int:
    """A pivot limit: a positive integer, or None (0: unlimited)."""
    if max_iter is None:
        return 0
    value = check_int(max_iter, "max_iter", "a positive integer or None")
    if value < 1:
        raise ValueError(f"max_iter must be a positive integer or None (unlimited), got {value}")
    return min(value, _MAX_ITER_CAP)  # the solver counts pivots in int64


def normalize_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    ax = check_int(axis, name)
    if not -ndim <= ax < ndim:
        raise ValueError(f"{name} {ax} is out of bounds for an array of dimension {ndim}")
    return ax % ndim


def check_weights(w: Any, n: int, name: str, other: str) -> np.ndarray:
    """Validated float64 weights of n points (uniform when None)."""
    if w is None:
        return np.full(n, 1.0 / n)
    arr = as_real_array(w, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of weights, got {arr.ndim}-D with shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} weights but {other} has {n}; give one weight per {other}")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; weights must be finite and non-negative")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values; weights must be finite and non-negative")
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries; weights must be non-negative")
    with np.errstate(over="ignore"):  # a total beyond the float range is scaled by the callers
        positive = arr.sum() > 0
    if not positive:
        raise ValueError(f"{name} sums to zero: there is no mass to transport")
    return arr


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


def broadcast_shape(p: np.ndarray, q: np.ndarray, names: tuple[str, str] = ("p", "q")) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(
            f"{names[0]} and {names[1]} have shapes {p.shape} and {q.shape}, which do not broadcast"
        ) from None


def row_blocks(arrays: tuple[np.ndarray, ...], shape: tuple[int, ...], axis: int) -> list[tuple[np.ndarray, ...]]:
    """Views (outer, inner, k) of ``arrays`` broadcast to ``shape`` with ``axis``
    last, without copying: batch axes whose strides line up in every array are
    merged (a middle axis of a C-ordered array leaves two, one before and one
    after it); one block per index of any batch axes left over, in C order."""
    k = shape[axis]
    moved = [np.moveaxis(np.broadcast_to(a, shape), axis, -1) for a in arrays]
    batch = [d for d in range(len(shape) - 1) if moved[0].shape[d] != 1]
    if any(moved[0].shape[d] == 0 for d in batch):
        return [tuple(m.reshape(1, 0, k) for m in moved)]
    sizes: list[int] = []
    inner_strides: list[int] = []  # per array, of the last axis merged so far
    for d in batch:
        strides = [m.strides[d] for m in moved]
        if sizes and all(prev == m.shape[d] * s for prev, m, s in zip(inner_strides, moved, strides)):
            sizes[-1] *= moved[0].shape[d]
        else:
            sizes.append(moved[0].shape[d])
        inner_strides = strides
    sizes = [1] * (2 - len(sizes)) + sizes
    merged = [m.reshape(*sizes, k) for m in moved]  # a view: the merged axes line up
    return [tuple(m[index] for m in merged) for index in np.ndindex(*sizes[:-2])]


def raise_for_distribution(arr: np.ndarray, name: str, axis: int | None = None) -> None:
    """Raise the ValueError that explains why ``arr`` is not a valid distribution."""
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; probabilities must be finite and non-negative")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values; probabilities must be finite and non-negative")
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries; probabilities must be non-negative")
    sums = arr.sum(axis=axis) if axis is not None else arr.sum()
    if (np.asarray(sums) == 0).any():
        where = f" along axis {axis}" if axis is not None and arr.ndim > 1 else ""
        raise ValueError(f"{name} sums to zero{where}, so it cannot be normalised to a distribution")


# The largest thread request handed to the kernels (a C int); they cap it
# further at a few threads per usable CPU (threads.hpp, thread_cap).
_MAX_THREAD_REQUEST = 2**31 - 1


def thread_request(n_jobs: Any, name: str = "n_jobs") -> int:
    """The kernels' ``threads`` argument for a user's `n_jobs`: 0 for the OpenMP default.

    ``None`` and ``-1`` mean the default (all usable CPUs, or
    ``OMP_NUM_THREADS``); a positive integer is a request, capped by the
    kernels.  Booleans, floats, strings, 0 and other negatives are refused.
    """
    if n_jobs is None:
        return 0
    jobs = check_int(n_jobs, name)
    if jobs == -1:
        return 0
    if jobs < 1:
        raise ValueError(f"{name} must be a positive integer or -1 (all cores), got {jobs}")
    return min(jobs, _MAX_THREAD_REQUEST)
