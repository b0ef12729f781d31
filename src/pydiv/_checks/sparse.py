"""scipy.sparse arguments: recognised without importing scipy, validated, put in canonical form.

A sparse argument is recognised by the module of its type (``scipy.sparse``),
so inputs that are not sparse never import scipy (an optional dependency).
Its stored values are checked before anything is summed: NaN, infinities or
negative values are a ValueError naming the argument (a duplicate pair of
+1 and -1 must not hide a negative entry).  Canonical CSR has sorted column
indices, no duplicates (they are summed) and no stored zeros.

The single-pair functions read a sparse argument densified
(:func:`dense_of_sparse`): they compare one or a few distributions, whose
dense form is as small as the result's work.  A scipy sparse *matrix* (always
2-D) with one row or one column is a vector there, as in scipy's own
convention; a sparse *array* keeps its shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def is_sparse(x: Any) -> bool:
    """Whether `x` is a scipy.sparse matrix or array (scipy is not imported)."""
    return type(x).__module__.startswith("scipy.sparse") and hasattr(x, "tocsr")


def _check_stored(x: Any, name: str) -> None:
    values = x.data if x.format in ("csr", "csc", "coo", "bsr") else x.tocoo().data
    if values.dtype.kind not in "fiu":
        kind = "booleans" if values.dtype.kind == "b" else f"dtype {values.dtype}"
        raise TypeError(f"{name} must hold real numbers, got a sparse matrix of {kind}")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"{name} has NaN or infinite stored values; probabilities must be finite and non-negative")
    if (values < 0).any():
        raise ValueError(f"{name} has negative entries; probabilities must be non-negative")


def canonical_csr(x: Any, name: str) -> Any:
    """`x` validated, as a new float64 scipy.sparse CSR array in canonical form."""
    _check_stored(x, name)
    import scipy.sparse  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if len(x.shape) != 2:
        raise ValueError(f"{name} must be 2-D (one distribution per row), got a {len(x.shape)}-D sparse array")
    csr = scipy.sparse.csr_array(x, dtype=np.float64, copy=True)
    csr.sum_duplicates()  # also sorts the indices
    csr.eliminate_zeros()
    return csr


def dense_of_sparse(x: Any, name: str, vector: bool = False) -> np.ndarray:
    """A sparse argument of a single-pair function, validated and densified
    (a 1-row or 1-column sparse matrix to 1-D when `vector`)."""
    _check_stored(x, name)
    arr = np.asarray(x.toarray(), dtype=np.float64)
    if vector and arr.ndim == 2 and 1 in arr.shape and _is_matrix(x):
        arr = arr.reshape(-1)
    return arr


def _is_matrix(x: Any) -> bool:
    # scipy's sparse matrices (spmatrix) are always 2-D; sparse arrays (sparray) keep their ndim.
    return any(cls.__name__ == "spmatrix" for cls in type(x).__mro__)
