"""Results, errors and warnings of the exact EMD solver, and the one place
where the kernels' status codes become Python outcomes.

Invariant: a status other than ``optimal`` never leaves this module as a
plausible number: ``infeasible`` raises :class:`EmdInfeasibleError`,
``interrupted`` raises KeyboardInterrupt, ``max_iter_reached`` warns
(:class:`EmdMaxIterWarning`) and is kept in the result's ``status``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from ..typing import FloatArray, IntArray

__all__ = [
    "STATUS",
    "EmdInfeasibleError",
    "EmdMaxIterWarning",
    "EmdResult",
    "indices_text",
    "make_result",
    "raise_for_costs",
    "raise_for_statuses",
]

STATUS = {
    _core.EMD_OPTIMAL: "optimal",
    _core.EMD_MAX_ITER_REACHED: "max_iter_reached",
    _core.EMD_INFEASIBLE: "infeasible",
    _core.EMD_INTERRUPTED: "interrupted",
    _core.EMD_INVALID_INPUT: "invalid_input",
}


class EmdInfeasibleError(ValueError):
    """No transport plan exists: the ``+inf`` (forbidden) entries of ``M`` leave
    some mass with nowhere to go."""


class EmdMaxIterWarning(RuntimeWarning):
    """The solver stopped at ``max_iter`` pivots; the result is not optimal."""


# Relative difference of sum(a) and sum(b) accepted without normalize=True.
MASS_RTOL = 1e-9
# The same for weights given in float32 (or float16): their totals carry 2**-24 of rounding per
# addition, so ones/n, or softmax outputs, of equal mass sum alike only to about 1e-7 (POT accepts them).
SINGLE_MASS_RTOL = 8e-6


def mass_rtol(*weights: Any) -> float:
    """The tolerance of the totals of weights as the caller gave them (before the float64 copy)."""
    single = any(getattr(w, "dtype", None) in (np.float32, np.float16) for w in weights)
    return SINGLE_MASS_RTOL if single else MASS_RTOL

@dataclass(frozen=True, eq=False)
class EmdResult:
    """Solution of an exact optimal-transport problem.

    Attributes
    ----------
    cost : float
        Total transport cost :math:`\\sum_{ij} M_{ij} P_{ij}`.
    u, v : ndarray of shape (n,) and (m,)
        Dual potentials.  When ``status == "optimal"``:
        :math:`u_i + v_j \\le M_{ij}` for every pair (up to rounding), with
        equality on every plan entry, and ``a @ u + b @ v == cost``.  The
        potentials are fixed up to ``(u + g, v - g)``; the gauge used is
        ``v[j0] == 0`` at the first column ``j0`` with positive mass.
    rows, cols : ndarray of int64, mass : ndarray of float64
        The plan in coordinate form: ``P[rows[k], cols[k]] = mass[k] > 0``; at
        most ``n + m - 1`` entries (a basic solution).
    n_iter : int
        Number of simplex pivots.
    status : str
        ``"optimal"`` or ``"max_iter_reached"`` (then the plan may not yet
        meet the marginals and ``u``, ``v`` are not a certificate).
    basis : tuple of three int64 ndarrays, or None
        The solver's final spanning tree, for a warm start (``init=`` of
        :func:`pydiv.emd`): its real arcs ``(rows, cols)`` (the plan's, and
        degenerate ones of zero mass) and the nodes hung from its root (row
        ``i`` as ``i``, column ``j`` as ``-1 - j``).  None for results of
        batches.
    """

    cost: float
    u: FloatArray
    v: FloatArray
    rows: IntArray
    cols: IntArray
    mass: FloatArray
    n_iter: int
    status: str
    # The solver's final basis (rows, cols, roots), for a warm start (emd's
    # init); None where the solve did not build one or did not keep it.
    basis: tuple[IntArray, IntArray, IntArray] | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """Shape ``(n, m)`` of the transport plan."""
        return (self.u.shape[0], self.v.shape[0])

    def plan(self) -> FloatArray:
        """The transport plan as a dense ``(n, m)`` float64 array."""
        out = np.zeros(self.shape, dtype=np.float64)
        out[self.rows, self.cols] = self.mass
        return out


def indices_text(indices: Sequence[int] | np.ndarray, limit: int = 10) -> str:
    """``"3, 7 and 9"``-style list of problem indices (the first `limit` of them)."""
    idx = [int(i) for i in indices]
    shown = ", ".join(str(i) for i in idx[:limit])
    return shown + (f" and {len(idx) - limit} more" if len(idx) > limit else "")


def raise_for_costs(M: np.ndarray, name: str = "M") -> None:
    """Raise the ValueError that explains why the kernel refused the costs `M`."""
    if np.isnan(M).any():
        raise ValueError(f"{name} contains NaN; costs must be real numbers or +inf (a forbidden pair)")
    if np.isneginf(M).any():
        raise ValueError(f"{name} contains -inf; costs must be real numbers or +inf (a forbidden pair)")
    raise ValueError(
        f"{name} has entries too large in magnitude: 2 * max|{name}| * (n + m + 1) must stay below 1e300"
    )


def raise_for_statuses(codes: np.ndarray, n_iter: np.ndarray, where: str, stacklevel: int,
                       batch: bool = True) -> None:
    """Turn the statuses of a batch of solves into the outcomes above, naming the
    problems: infeasible ones raise (with their indices), an interrupted one
    raises KeyboardInterrupt, those stopped at ``max_iter`` warn (`batch`
    False: one problem the caller passed alone, in the words of a single solve)."""
    codes = np.asarray(codes)
    if not batch and codes.size == 1 and int(codes[0]) == _core.EMD_MAX_ITER_REACHED:
        warnings.warn(
            f"{where}: stopped after max_iter={int(np.asarray(n_iter)[0])} pivots before reaching optimality; "
            "the result has status 'max_iter_reached' and is not optimal",
            EmdMaxIterWarning,
            stacklevel=stacklevel + 1,
        )
        return
    bad = np.flatnonzero(codes == _core.EMD_INFEASIBLE)
    if bad.size:
        raise EmdInfeasibleError(
            f"{where}: problem{'s' if bad.size > 1 else ''} {indices_text(bad)} of the batch "
            f"{'are' if bad.size > 1 else 'is'} infeasible: with the +inf (forbidden) entries of the cost, "
            "some mass has no admissible destination"
        )
    if (codes == _core.EMD_INTERRUPTED).any():  # the extension normally re-raises the signal's exception
        raise KeyboardInterrupt
    stopped = np.flatnonzero(codes == _core.EMD_MAX_ITER_REACHED)
    if stopped.size:
        warnings.warn(
            f"{where}: problem{'s' if stopped.size > 1 else ''} {indices_text(stopped)} of the batch stopped "
            f"after max_iter={int(n_iter[stopped[0]])} pivots before reaching optimality; "
            "their results have status 'max_iter_reached' and are not optimal",
            EmdMaxIterWarning,
            stacklevel=stacklevel + 1,
        )


def make_result(raw: tuple[Any, ...], where: str, stacklevel: int = 2) -> EmdResult:
    """An :class:`EmdResult` from the kernel's tuple, or the error its status means
    (`stacklevel`: that of the warning, counted from the caller)."""
    cost, code, n_iter, u, v, rows, cols, mass = raw[:8]
    basis = tuple(raw[8:11]) if len(raw) >= 11 else None
    status = STATUS.get(code, "unknown")
    if status == "infeasible":
        raise EmdInfeasibleError(
            f"{where}: the problem is infeasible: with the +inf (forbidden) entries of the cost, "
            "some mass has no admissible destination"
        )
    if status == "interrupted":  # the extension normally re-raises the signal's exception itself
        raise KeyboardInterrupt
    if status == "max_iter_reached":
        warnings.warn(
            f"{where}: stopped after max_iter={n_iter} pivots before reaching optimality; "
            "the result has status 'max_iter_reached' and is not optimal",
            EmdMaxIterWarning,
            stacklevel=stacklevel + 1,
        )
    for arr in (u, v, rows, cols, mass, *(basis or ())):
        arr.setflags(write=False)
    return EmdResult(float(cost), u, v, rows, cols, mass, int(n_iter), status, basis)
