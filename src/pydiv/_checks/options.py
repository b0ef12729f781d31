"""Scalar options: booleans, integers, reals, and the named options built on them.

The policy is the package's (see :mod:`pydiv._checks`): a boolean takes only
``True``/``False`` (Python or NumPy), an integer never a bool or a float, a
real never a bool, string or complex number; a 0-d array counts as the scalar
it holds.  Each check returns the value in the type the kernels take and
raises a ``TypeError`` or ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, cast

import numpy as np

from .. import _core


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



def check_distance_base(base: Any) -> float | None:
    """The base of a distance's logarithm: as :func:`check_base`, and above 1
    (below it the divergence, and so the distance's square, would be negative)."""
    b = check_base(base)
    if b is not None and b < 1.0:
        raise ValueError(f"base must be greater than 1 for a distance (the divergence would be negative), got {base!r}")
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

