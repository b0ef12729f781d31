"""Input validation shared by the public modules: one validator per kind of argument.

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

Modules: ``options`` (scalar options), ``arrays`` (array arguments and the
reasons a distribution is invalid), ``weights`` (weights and their exact
scaling), ``points`` (point clouds and their rescaling), ``sparse`` (scipy.sparse
arguments, recognised without importing scipy).  This package is
the designated shared private module: every other module takes its checks
from here, by the public names below.
"""


from .arrays import (
    as_real_array,
    broadcast_shape,
    check_out_disjoint,
    common_float,
    largest_magnitude,
    raise_for_distribution,
    real_operands,
    row_blocks,
)
from .options import (
    GROUND_METRICS,
    check_base,
    check_bool,
    check_distance_base,
    check_ground_metric,
    check_int,
    check_max_iter,
    check_minkowski_order,
    check_p,
    check_real,
    normalize_axis,
    thread_request,
)
from .sparse import canonical_csr, is_sparse
from .points import check_points, cost_power, rescaling, shifted
from .weights import balanced_weights, check_weights, normalised_weights, raise_for_weight_values, unit_max

__all__ = [
    "GROUND_METRICS",
    "as_real_array",
    "balanced_weights",
    "broadcast_shape",
    "canonical_csr",
    "check_base",
    "check_bool",
    "check_distance_base",
    "check_ground_metric",
    "check_int",
    "check_max_iter",
    "check_minkowski_order",
    "check_out_disjoint",
    "check_p",
    "check_points",
    "check_real",
    "check_weights",
    "is_sparse",
    "common_float",
    "cost_power",
    "largest_magnitude",
    "normalised_weights",
    "normalize_axis",
    "raise_for_distribution",
    "raise_for_weight_values",
    "real_operands",
    "rescaling",
    "row_blocks",
    "shifted",
    "thread_request",
    "unit_max",
]
