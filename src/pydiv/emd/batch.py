"""Batched exact optimal transport for given cost matrices: B problems of one
size (n, m) per call, solved in C++ on OpenMP threads, one problem per task
(``src/cpp/emd/emd_batch.hpp``).

Invariant: problem k of a batch gets the weights, the checks and the solve
that ``pydiv.emd(a[k], b[k], M[k])`` gives it, so its result is bitwise the
single call's, whatever the thread count; errors and warnings name the
indices of the problems concerned instead of returning a value for them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from ..typing import FloatArray
from .._checks import as_real_array, check_bool, check_max_iter, raise_for_weight_values, thread_request, unit_max
from .result import MASS_RTOL, STATUS, EmdResult, indices_text, mass_rtol, raise_for_costs, raise_for_statuses

__all__ = ["balance_batch", "check_batch_weights", "emd2_batch", "emd_batch", "problems"]



def problems(indices: np.ndarray) -> str:
    """``"problem 3"`` or ``"problems 3, 7"``: the batch entries an error is about."""
    return f"problem{'s' if len(indices) > 1 else ''} {indices_text(indices)}"


def check_batch_weights(w: Any, B: int, n: int, name: str, other: str) -> np.ndarray:
    """Weights of a batch as a C-ordered float64 (B, n) array: given per problem
    (B, n), shared (n,) or uniform (None); NaN, infinite and negative entries
    and all-zero rows are refused, naming the problems."""
    if w is None:
        return np.full((B, n), 1.0 / n)
    arr = as_real_array(w, name)
    if arr.ndim == 1:
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} weights, but {n} are needed (one per {other})")
        arr = np.broadcast_to(arr, (B, n))
    elif arr.ndim == 2:
        if arr.shape != (B, n):
            raise ValueError(
                f"{name} has shape {arr.shape} but the batch needs ({B}, {n}) (one row per problem) or ({n},) (shared)"
            )
    else:
        raise ValueError(f"{name} must be 1-D (shared) or 2-D (one row per problem) for a batch, got {arr.ndim}-D")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~(np.isfinite(arr) & (arr >= 0)).all(axis=1))
    if bad.size:
        raise_for_weight_values(arr[bad], f"{name} of {problems(bad)}")
    with np.errstate(over="ignore"):
        empty = np.flatnonzero(~(arr.sum(axis=1) > 0))
    if empty.size:
        raise ValueError(f"{name} of {problems(empty)} sums to zero: there is no mass to transport")
    return arr


def balance_batch(a: np.ndarray, b: np.ndarray, normalize: bool, rtol: float,
                  names: tuple[str, str] = ("a", "b")) -> tuple[np.ndarray, np.ndarray]:
    """Row by row what :func:`pydiv.emd.dense.balance` does for one problem, naming
    the problems whose totals disagree (and the arguments as `names`)."""
    if normalize:
        sa, sb = unit_max(a, axis=1), unit_max(b, axis=1)
        return sa / sa.sum(axis=1, keepdims=True), sb / sb.sum(axis=1, keepdims=True)
    with np.errstate(over="ignore"):
        ta, tb = a.sum(axis=1), b.sum(axis=1)
    for name, total in zip(names, (ta, tb)):
        over = np.flatnonzero(np.isinf(total))
        if over.size:
            raise ValueError(
                f"{name} of {problems(over)} sums to more than the largest float64; "
                "pass normalize=True or scale the weights down"
            )
    with np.errstate(invalid="ignore"):
        off = np.flatnonzero(np.abs(ta - tb) > rtol * np.maximum(ta, tb))
    if off.size:
        k = off[0]
        raise ValueError(
            f"{names[0]} and {names[1]} of {problems(off)} have different total mass (problem {k}: {ta[k]!r} and {tb[k]!r}, "
            f"relative difference {abs(ta[k] - tb[k]) / max(ta[k], tb[k]):.3g} > {rtol:g}); "
            "pass normalize=True to rescale both to 1"
        )
    loose = np.abs(ta - tb) > MASS_RTOL * np.maximum(ta, tb)  # float32 rounding: b scaled to a's total
    return (a, b) if not loose.any() else (a, np.where(loose[:, None], b * (ta / tb)[:, None], b))


def _solve(a: Any, b: Any, M: Any, max_iter: Any, normalize: Any, n_jobs: Any, where: str) -> tuple[Any, ...]:
    iters = check_max_iter(max_iter)
    normalize = check_bool(normalize, "normalize")
    threads = thread_request(n_jobs)
    Ma = as_real_array(M, "M")
    if Ma.ndim != 3:
        raise ValueError(f"M must be a 3-D batch of cost matrices of shape (B, n, m), got {Ma.ndim}-D")
    B, n, m = Ma.shape
    if n == 0 or m == 0:
        raise ValueError(f"M must not hold empty cost matrices, got shape {Ma.shape}")
    aa = check_batch_weights(a, B, n, "a", "row of M")
    bb = check_batch_weights(b, B, m, "b", "column of M")
    aa, bb = balance_batch(aa, bb, normalize, mass_rtol(a, b))
    Ma = np.ascontiguousarray(Ma, dtype=np.float64)
    for test in (np.isnan, np.isneginf):
        bad = np.flatnonzero(test(Ma).any(axis=(1, 2)))
        if bad.size:
            raise_for_costs(Ma[bad], f"M of {problems(bad)}")
    raw = _core.emd_dense_batch(aa, bb, Ma, iters, threads)
    invalid = np.flatnonzero(raw[1] == _core.EMD_INVALID_INPUT)
    if invalid.size:
        raise_for_costs(Ma[invalid], f"M of {problems(invalid)}")
    raise_for_statuses(raw[1], raw[2], where, stacklevel=3)
    return tuple(raw)


def emd_batch(a: ArrayLike | None, b: ArrayLike | None, M: ArrayLike, *, max_iter: int | None = None,
              normalize: bool = False, n_jobs: int | None = None) -> list[EmdResult]:
    """:func:`pydiv.emd` of a batch: B problems with costs `M` of shape
    (B, n, m) and weights `a`, `b` of shape (B, n), (B, m), or (n,), (m,)
    shared by every problem, or None (uniform).

    Returns one :class:`~pydiv.EmdResult` per problem, each bitwise the one
    ``pydiv.emd(a[k], b[k], M[k])`` gives (whatever `n_jobs`, the OpenMP
    threads across problems).  An infeasible problem raises
    :class:`~pydiv.EmdInfeasibleError`, invalid costs or weights a ValueError, both
    naming the problems' indices; problems stopped by `max_iter` warn
    (:class:`~pydiv.EmdMaxIterWarning`) with their indices.
    """
    cost, code, n_iter, u, v, rows, cols, mass, offsets = _solve(a, b, M, max_iter, normalize, n_jobs, "emd")
    for arr in (u, v, rows, cols, mass):
        arr.setflags(write=False)
    out = []
    for k in range(cost.shape[0]):
        lo, hi = int(offsets[k]), int(offsets[k + 1])
        out.append(EmdResult(float(cost[k]), u[k], v[k], rows[lo:hi], cols[lo:hi], mass[lo:hi], int(n_iter[k]),
                             STATUS.get(int(code[k]), "unknown")))
    return out


def emd2_batch(a: ArrayLike | None, b: ArrayLike | None, M: ArrayLike, *, max_iter: int | None = None,
               normalize: bool = False, n_jobs: int | None = None) -> FloatArray:
    """:func:`pydiv.emd2` of a batch: the B optimal costs as an ndarray of shape
    (B,).  Same arguments, errors and warnings as :func:`emd_batch`.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> M = np.array([[[0.0, 1.0], [1.0, 0.0]], [[2.0, 2.0], [2.0, 2.0]]])
    >>> pydiv.emd2(None, None, M).tolist()
    [0.0, 2.0]
    """
    cost: np.ndarray = _solve(a, b, M, max_iter, normalize, n_jobs, "emd2")[0]
    return cost
