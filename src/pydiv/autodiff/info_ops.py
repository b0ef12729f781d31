"""Gradients of entropy, cross-entropy, KL and Jensen-Shannon (closed forms).

Every function normalises along ``axis``: with S = sum(p) and P = p / S, the
chain rule through the normalisation turns a gradient g with respect to P into

    d f / d p = (g - <g, P>) / S                 (<.,.> the sum along axis)

which is orthogonal to P, as it must be: f does not change when p is scaled.

Conventions at zeros (the derivative of p log p is -inf at p = 0): a term
p_i log p_i with p_i = 0 contributes 0 to g_i, as torch.special.xlogy does; a
term -p_i log q_i contributes -log q_i, and 0 where q_i = 0 as well; the
derivative -p_i / q_i of that term with respect to q_i is 0 where p_i = 0.
Where a value is +inf (KL or cross-entropy with mass of p where q has none) no
finite gradient exists and every gradient of that value is 0.  Where the JS
distance is 0 (p = q) its gradient is 0, a subgradient of the cusp.  Inside
the simplex (every p_i, q_i > 0) all of these are the exact derivatives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import info
from . import Op, Shapes, register

_KEEP = ("base", "axis", "keepdims")


def _geometry(shapes: Shapes, options: dict[str, Any]) -> tuple[tuple[int, ...], int]:
    full = tuple(np.broadcast_shapes(*(s for s in shapes if s is not None)))
    axis = options.get("axis", -1)
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -len(full) <= axis < len(full):
        raise ValueError(f"axis {axis!r} is out of bounds for inputs of {len(full)} dimension(s)")
    return full, int(axis) % len(full)


def _value_shape(shapes: Shapes, options: dict[str, Any]) -> tuple[int, ...]:
    full, ax = _geometry(shapes, options)
    if options.get("keepdims", False):
        return full[:ax] + (1,) + full[ax + 1 :]
    return full[:ax] + full[ax + 1 :]


def _axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    full, ax = _geometry(shapes, options)
    return () if options.get("keepdims", False) else (ax,)


def _negative_axis(shapes: Shapes, options: dict[str, Any]) -> dict[str, Any]:
    full, ax = _geometry(shapes, options)
    return {**options, "axis": ax - len(full)}


def _normalised(x: Any, shape: tuple[int, ...], ax: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.broadcast_to(np.asarray(x, dtype=np.float64), shape)
    total = a.sum(axis=ax, keepdims=True)
    return a / total, total


def _log_where_positive(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    np.log(x, out=out, where=x > 0)
    return out


def _ratio_where_numerator(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=num > 0)
    return out


def _through_normalisation(g: np.ndarray, P: np.ndarray, total: np.ndarray, ax: int) -> np.ndarray:
    out: np.ndarray = (g - np.sum(g * P, axis=ax, keepdims=True)) / total
    return out


def _raw_gradients(kind: str, P: np.ndarray, Q: np.ndarray | None) -> list[np.ndarray]:
    """Gradients with respect to the normalised P (and Q), in nats."""
    xlogx_p = np.where(P > 0, _log_where_positive(P) + 1.0, 0.0)
    if kind == "entropy":
        return [-xlogx_p]
    assert Q is not None
    if kind in ("js_divergence", "jensenshannon"):
        M = 0.5 * (P + Q)
        xlogx_q = np.where(Q > 0, _log_where_positive(Q) + 1.0, 0.0)
        xlogx_m = np.where(M > 0, _log_where_positive(M) + 1.0, 0.0)
        return [0.5 * (xlogx_p - xlogx_m), 0.5 * (xlogx_q - xlogx_m)]
    cross_p = -_log_where_positive(Q)
    cross_q = -_ratio_where_numerator(P, Q)
    return [cross_p if kind == "cross_entropy" else xlogx_p + cross_p, cross_q]


def _along_axis(x: np.ndarray, full: tuple[int, ...], ax: int) -> np.ndarray:
    """``x`` with the rank of the broadcast shape and its full length along ``axis`` (views only), so
    that its sums along ``axis`` are those of the distributions it stands for."""
    x = x.reshape((1,) * (len(full) - x.ndim) + x.shape)
    if x.shape[ax] != full[ax]:
        x = np.broadcast_to(x, x.shape[:ax] + (full[ax],) + x.shape[ax + 1 :])
    return x


def _positive_gradients(kind: str, arrays: list[np.ndarray], ax: int, nats: np.ndarray) -> list[np.ndarray]:
    """The gradients (nats) where every entry is positive, the common case of a softmax output, in a
    few fused passes; ``nats`` is the value in nats with ``axis`` kept.  The inner products <g, P>
    of the normalisation Jacobian are the value itself (KL, cross-entropy, entropy), which the
    kernel computed accurately, or 0 for the q-gradients, whose inner product is exactly -1."""
    p = arrays[0]
    sp = p.sum(axis=ax, keepdims=True)
    if kind == "entropy":
        return [(-np.log(p / sp) - nats) / sp]  # log of P itself: log sp - log p would cancel digits
    q = arrays[1]
    sq = q.sum(axis=ax, keepdims=True)
    if kind in ("js_divergence", "jensenshannon"):
        P, Q = p / sp, q / sq
        M = 0.5 * (P + Q)
        out = []
        for X, total in ((P, sp), (Q, sq)):
            h = 0.5 * np.log(X / M)
            out.append((h - np.sum(X * h, axis=ax, keepdims=True)) / total)
        return out
    ratio = (p / q) * (sq / sp)  # P / Q
    grad_q = (1.0 - ratio) / sq
    if kind == "cross_entropy":
        return [(-np.log(q / sq) - nats) / sp, grad_q]
    return [(np.log(ratio) - nats) / sp, grad_q]


def _general_gradients(kind: str, arrays: list[np.ndarray], full: tuple[int, ...], ax: int) -> list[np.ndarray]:
    """The gradients (nats) with the conventions at zeros of the module notes."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # where a value is +inf; zeroed later
        normalised = [_normalised(a, full, ax) for a in arrays]
        raw = _raw_gradients(kind, normalised[0][0], normalised[1][0] if len(arrays) > 1 else None)
        return [_through_normalisation(g, P, total, ax) for (P, total), g in zip(normalised, raw)]


def _evaluate(kind: str, arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, list[np.ndarray | None]]:
    function = getattr(info, kind)
    value = np.asarray(function(*arrays, **options), dtype=np.float64)
    if not any(wants):
        return value, [None] * len(arrays)
    shapes = [np.shape(a) for a in arrays]
    full, ax = _geometry(shapes, options)
    base = options.get("base")
    log_base = math.log(base) if base is not None else 1.0
    keep = value if options.get("keepdims", False) else np.expand_dims(value, ax)
    xs = [_along_axis(np.asarray(a, dtype=np.float64), full, ax) for a in arrays]
    if all(x.min(initial=np.inf) > 0 for x in xs) and np.isfinite(keep).all():
        G_nats = _positive_gradients(kind, xs, ax, keep * log_base)
    else:
        G_nats = _general_gradients(kind, xs, full, ax)
    scale: Any = 1.0 / log_base
    if kind == "jensenshannon":  # d sqrt(D) = dD / (2 sqrt(D)), 0 at the cusp D = 0
        scale = scale * np.divide(0.5, keep, out=np.zeros_like(keep), where=keep > 0)
    finite = np.isfinite(keep)
    grads: list[np.ndarray | None] = []
    for want, G in zip(wants, G_nats):
        if not want:
            grads.append(None)
            continue
        G = np.where(finite, G * scale, 0.0)
        grads.append(G if G.shape == full else np.broadcast_to(G, full).copy())
    return value, grads


def _op(kind: str, arrays: tuple[str, ...]) -> Op:
    def evaluate(arrays_: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> Any:
        return _evaluate(kind, arrays_, options, wants)

    return register(Op(kind, getattr(info, kind), arrays, arrays, _value_shape, _axes, evaluate, hidden=("dtype",),
                       vmap_method="expand_dims", canonicalise=_negative_axis))


for _kind in ("cross_entropy", "kl_divergence", "js_divergence", "jensenshannon"):
    _op(_kind, ("p", "q"))
_op("entropy", ("p",))
