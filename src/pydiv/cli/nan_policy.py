"""``--nan-policy raise|omit``: what the command line does with NaN in its inputs.

``raise`` (the default) refuses an input holding NaN (the library's check,
naming the argument and the row).  ``omit`` drops whole rows holding
a NaN before computing, and says on stderr how many it dropped:

* ``pairwise``: rows of X (and of Y) with a NaN are dropped; the matrix has
  a row (column) for each row kept;
* ``compare``: the pairs (row i of P, row i of Q) where either row holds a NaN
  are dropped (a single row compared with every row of the other: its NaN is
  an error, as there is nothing to drop it from);
* ``emd``: points with a NaN coordinate are dropped, with their weights.

Nothing is ever dropped silently: a file whose every row holds NaN is an
error under either policy.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .errors import CliError

__all__ = ["NAN_POLICIES", "nan_rows", "check_nan"]

NAN_POLICIES = ("raise", "omit")


def nan_rows(arr: np.ndarray) -> np.ndarray:
    """A boolean mask of the rows (entries, for 1-D) holding a NaN; 3-D: per leading index."""
    bad: np.ndarray = np.asarray(np.isnan(arr))
    # The row length spelled out: reshape(0, -1) is ambiguous for NumPy.
    if arr.ndim > 1:
        rows: np.ndarray = np.asarray(bad.reshape(arr.shape[0], math.prod(arr.shape[1:])).any(axis=1))
        return rows
    return bad


def _first_nan(arr: np.ndarray) -> str:
    where = np.argwhere(np.isnan(arr))[0]
    return f"row {where[0]}" + (f", column {where[1]}" if arr.ndim == 2 else "")


def check_nan(arr: np.ndarray, policy: str, name: str, path: str) -> np.ndarray:
    """The mask of rows to keep; raises under "raise" (or when nothing would remain)."""
    bad = nan_rows(arr)
    if not bad.any() or policy == "raise":
        # "raise": the library's own check refuses the NaN, naming the row (as without this option).
        return np.ones(bad.shape, dtype=bool)
    if arr.ndim == 1:
        hint = "; use --nan-policy omit to drop the rows that hold one" if arr.ndim > 1 else ""
        raise CliError(f"{name}: {path!r} holds NaN (first at {_first_nan(arr)}){hint}")
    if bad.all():
        raise CliError(f"{name}: every row of {path!r} holds a NaN; nothing is left to compare")
    print(f"pydiv: {name}: omitted {int(bad.sum())} of {bad.size} rows holding NaN", file=sys.stderr)
    return ~bad
