"""Gradients of wasserstein_1d and energy_distance (sorted matching, 1-D duals).

W_p.  With the quantile coupling as pieces (i_k, j_k, dm_k) and gaps s_k =
x_(i_k) - y_(j_k) (:mod:`.matching1d`), W_p^p = sum_k dm_k |s_k|^p, and for
the fixed matching

    d W_p / d x_i = sum over i's pieces of dm_k sign(s_k) (|s_k| / W_p)^(p-1)

(minus the same for y_j), the chain rule of W_p = (W_p^p)^(1/p) included.
The gradient with respect to the normalised weights is the dual potential
(f, g) of the staircase basis, times (1/p) W_p^(1-p); the normalisation
w -> w / sum(w) then gives (f - <f, w_hat>) / sum(w) (the function normalises
its weights).  Everything is computed in units of a power of two sigma near
the largest gap of a piece with mass (t = s / sigma), so values of any
magnitude give finite, exactly scaled gradients: d W / d x does not change
when all values are scaled, d W / d w scales with them.

Conventions where W_p is not differentiable: tied values are ordered by their
index (the stable sort), so the gradient is the one of the smooth piece on
which tied values keep that order (a one-sided limit); a piece with s_k = 0
contributes 0, also at p = 1 (sign(0) = 0); where W_p = 0 every gradient is
0.  Where several dual solutions exist (tied CDF levels, zero weights) the
staircase gives one of them, and W_p^p being convex in the normalised weights
it is a valid subgradient.

Energy distance D = sqrt(2 E), E = int (F_u - F_v)^2 dt = sum_k Delta_k^2
(z_(k+1) - z_k) over the merged sorted values z.  Moving a value changes the
lengths of the two intervals beside it:

    d E / d x_i = -a_i (Delta^-(x_i) + Delta^+(x_i)),
    d E / d y_j = +b_j (Delta^-(y_j) + Delta^+(y_j)),

with Delta^-/+ the CDF difference just left/right of the point (all values
tied with it included), which is the formula of 2 E|X - Y| - E|X - X'| -
E|Y - Y'| with sign(0) = 0, symmetric at ties.  Raising the normalised weight
of x_i raises F_u on [x_i, inf): d E / d a_i = 2 int_(x_i)^inf Delta dt,
i.e. -2 int_(z_0)^(x_i) Delta dt up to a constant the normalisation removes;
for b_j the opposite sign.  d D = d E / D; 0 where D = 0.  The values are
divided by an even power of two first (exact), so D and its gradients stay
in range at any magnitude.

Batches follow the functions: 2-D inputs are one distribution per row, and
a 1-D sample (or a single row) compared with R rows gets an (R, n) gradient,
the gradient of each of the R values (the adapters sum it).  A value with
zero weight so far from the rest that (gap / W_p)^p overflows has a zero
value gradient, but its weight gradient (its dual potential) is not finite.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..wasserstein import energy_distance, wasserstein_1d
from . import Op, Shapes, register
from .matching1d import (
    SortedRows,
    cost_derivative,
    dual_potentials,
    gather,
    merge_rows,
    monotone_matching,
    piece_gradients,
    sort_rows,
    through_normalisation,
    unsort,
)

Grads = list["np.ndarray | None"]


def _rows_of(shape: "tuple[int, ...] | None", name: str) -> int:
    if shape is None or len(shape) not in (1, 2):
        raise ValueError(f"{name} must be 1-D (one sample) or 2-D (one sample per row), got shape {shape}")
    return 1 if len(shape) == 1 else shape[0]


def _value_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    u, v = shapes[0], shapes[1]
    ru, rv = _rows_of(u, "u_values"), _rows_of(v, "v_values")
    assert u is not None and v is not None
    if len(u) == 1 and len(v) == 1:
        return ()
    if ru != rv and 1 not in (ru, rv):
        raise ValueError(f"u_values and v_values have {ru} and {rv} rows; 2-D inputs need the same number of rows")
    return (0,) if 0 in (ru, rv) else (max(ru, rv),)


def _axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    return (len(_value_shape(shapes, options)),)


def _rows(a: Any, R: int) -> np.ndarray | None:
    """An input as (R, n) float64 rows (a 1-D sample, or a single row, repeated)."""
    if a is None:
        return None
    arr = np.asarray(a, dtype=np.float64)
    return np.ascontiguousarray(np.broadcast_to(arr.reshape(-1, arr.shape[-1]), (R, arr.shape[-1])))


def _power_of_two_above(top: np.ndarray) -> np.ndarray:
    """2**e with top < 2**e (1 where top is 0): an exact unit for the gaps of each row."""
    return np.where(top > 0, np.ldexp(1.0, np.frexp(top)[1]), 1.0)


def wasserstein_gradients(u: SortedRows, v: SortedRows, p: float, wants: tuple[bool, ...]) -> Grads:
    """Gradients of W_p of each row pair: values of u, of v, weights of u, of v."""
    i, j, dm = monotone_matching(u, v)
    s = gather(u.values, i) - gather(v.values, j)
    sigma = _power_of_two_above(np.max(np.where(dm > 0, np.abs(s), 0.0), axis=-1, keepdims=True))
    t = s / sigma
    # Pieces of mass 0 (zero weights) may be far outside the unit: 0 * inf must not reach the sums.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        cost = np.abs(t) ** p
        r = np.sum(np.where(dm > 0, dm * cost, 0.0), axis=-1, keepdims=True) ** (1.0 / p)  # W_p / sigma
        root = np.where(r > 0, r ** (1.0 - p) if p != 1.0 else 1.0, 0.0)  # p W_p^(1-p) sigma^(p-1); 0 at W_p = 0
        coef = np.where(dm > 0, dm * cost_derivative(t, p), 0.0) * root
    out: Grads = [None] * 4
    if wants[0] or wants[1]:
        gu, gv = piece_gradients(coef, i, j, u, v)
        out[0], out[1] = (unsort(gu, u.order) if wants[0] else None), (unsort(gv, v.order) if wants[1] else None)
    if wants[2] or wants[3]:
        f, g = dual_potentials(i, cost, u, v)
        scale = sigma * root / p
        out[2] = unsort(through_normalisation(f * scale, u), u.order) if wants[2] else None
        out[3] = unsort(through_normalisation(g * scale, v), v.order) if wants[3] else None
    return out


def _tie_sides(z: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Delta^- + Delta^+ at each merged value: the CDF difference before its tie group and after it."""
    R, N = z.shape
    idx = np.arange(N)
    new = np.ones((R, N), dtype=bool)
    new[:, 1:] = z[:, 1:] != z[:, :-1]
    first = np.maximum.accumulate(np.where(new, idx, 0), axis=-1)
    ends = np.ones((R, N), dtype=bool)
    ends[:, :-1] = new[:, 1:]
    last = (N - 1 - np.maximum.accumulate(np.where(ends[:, ::-1], idx, 0), axis=-1))[:, ::-1]
    before = np.where(first > 0, gather(delta, np.maximum(first - 1, 0)), 0.0)
    out: np.ndarray = before + gather(delta, last)
    return out


def _cdf_at(levels: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The CDF after the first ``count`` sorted values (0 for none)."""
    return np.where(count > 0, gather(levels, np.maximum(count - 1, 0)), 0.0)


def energy_gradients(u: SortedRows, v: SortedRows, wants: tuple[bool, ...]) -> Grads:
    """Gradients of the energy distance of each row pair: values of u, of v, weights of u, of v."""
    R, n = u.values.shape
    m = v.values.shape[1]
    top = np.maximum(np.abs(u.values[:, [0, -1]]).max(-1), np.abs(v.values[:, [0, -1]]).max(-1))[:, None]
    e = np.where(top > 0, np.frexp(top)[1], 0).astype(np.int64)
    e += e & 1  # even, so sqrt(2**e) is exact
    z, from_u = merge_rows(np.ldexp(u.values, -e), np.ldexp(v.values, -e))
    cu = np.cumsum(from_u, axis=-1)
    delta = _cdf_at(u.levels, cu) - _cdf_at(v.levels, np.arange(1, n + m + 1) - cu)
    area = delta[:, :-1] * np.diff(z, axis=-1)
    E = np.sum(delta[:, :-1] * area, axis=-1, keepdims=True)
    D = np.sqrt(2.0 * E)  # the energy distance in units of 2**(e/2)
    with np.errstate(divide="ignore"):
        inv = np.where(D > 0, 1.0 / D, 0.0)
    out: Grads = [None] * 4
    if wants[0] or wants[1]:
        sides = _tie_sides(z, delta)
        gx = unsort(-u.mass * sides[from_u].reshape(R, n), u.order)
        gy = unsort(v.mass * sides[~from_u].reshape(R, m), v.order)
        half = np.ldexp(inv, -(e // 2))
        out[0], out[1] = (gx * half if wants[0] else None), (gy * half if wants[1] else None)
    if wants[2] or wants[3]:
        G = np.zeros((R, n + m))
        np.cumsum(area, axis=-1, out=G[:, 1:])  # int_(z_0)^(z_k) Delta dt
        half = np.ldexp(inv, e // 2)
        if wants[2]:
            out[2] = unsort(through_normalisation(-2.0 * G[from_u].reshape(R, n) * half, u), u.order)
        if wants[3]:
            out[3] = unsort(through_normalisation(2.0 * G[~from_u].reshape(R, m) * half, v), v.order)
    return out


def _evaluate(kind: str, arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, Grads]:
    function = wasserstein_1d if kind == "wasserstein_1d" else energy_distance
    value = np.asarray(function(*arrays, **options), dtype=np.float64)
    wants = tuple(w and a is not None for w, a in zip(wants, arrays))
    if not any(wants):
        return value, [None] * 4
    shapes = [None if a is None else np.shape(a) for a in arrays]
    vshape = _value_shape(shapes, options)
    R = int(np.prod(vshape)) if vshape else 1
    if R == 0:
        return value, [np.zeros((0, s[-1])) if w and s is not None else None for w, s in zip(wants, shapes)]
    rows = [_rows(a, R) for a in arrays]
    assert rows[0] is not None and rows[1] is not None  # the values are required
    u, v = sort_rows(rows[0], rows[2]), sort_rows(rows[1], rows[3])
    if kind == "wasserstein_1d":
        grads = wasserstein_gradients(u, v, float(options.get("p", 1)), wants)
    else:
        grads = energy_gradients(u, v, wants)
    if not vshape:  # two 1-D samples: one value, gradients of the samples' shapes
        grads = [None if G is None else G[0] for G in grads]
    return value, grads


def _op(kind: str) -> Op:
    def evaluate(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> Any:
        return _evaluate(kind, arrays, options, wants)

    function = wasserstein_1d if kind == "wasserstein_1d" else energy_distance
    names = ("u_values", "v_values", "u_weights", "v_weights")
    return register(Op(kind, function, names, names, _value_shape, _axes, evaluate))


_op("wasserstein_1d")
_op("energy_distance")
