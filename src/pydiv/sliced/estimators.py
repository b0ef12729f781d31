"""The sliced Wasserstein estimators (:func:`sliced_wasserstein`): cloud
validation, the exact power-of-two range scaling, and the uniform and
energy-weighted means of the per-direction W_p^p (see :mod:`pydiv.sliced`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike

from .. import _core
from .._checks import as_real_array, check_bool, check_int, check_p, check_weights, largest_magnitude, thread_request
from .directions import directions_for
from ..typing import Directions, FloatArray, Seed, SlicedWeighting

__all__ = ["SlicedResult", "clouds_of", "scale_exponent", "sliced_wasserstein"]

_WEIGHTINGS = ("uniform", "energy")


@dataclass(frozen=True)
class SlicedResult:
    """What :func:`sliced_wasserstein` computed with ``return_details=True``.

    distance: the estimate (an array of B estimates for batched input);
    wpp: W_p^p along each direction, shape (L,) or (B, L);
    weights: the estimator's weights of the directions (1/L, or the energy
    weights), same shape as ``wpp``; directions: the (L, d) unit directions.
    """

    distance: float | FloatArray
    wpp: FloatArray
    weights: FloatArray
    directions: FloatArray
    p: float


def _cloud(x: Any, name: str, batched: bool) -> np.ndarray:
    arr = as_real_array(x, name)
    want = 3 if batched else 2
    if arr.ndim != want:
        raise ValueError(
            f"{name} must be {'a 3-D (B, n, d) batch of clouds' if batched else 'a 2-D (n, d) cloud, one point per row'}, "
            f"got {arr.ndim}-D with shape {arr.shape}" + ("; for points on a line use wasserstein_1d or x[:, None]" if arr.ndim == 1 else "")
        )
    if arr.shape[-2] == 0:
        raise ValueError(f"{name} must hold at least one point")
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} has points of dimension 0")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates; points must be finite")
    return arr


def clouds_of(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    arr = as_real_array(X, "X")
    batched = arr.ndim == 3
    x, y = _cloud(arr, "X", batched), _cloud(Y, "Y", batched)
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"X and Y have points of different dimensions, {x.shape[-1]} and {y.shape[-1]}")
    if batched and x.shape[0] != y.shape[0]:
        raise ValueError(f"X and Y hold different numbers of clouds, {x.shape[0]} and {y.shape[0]}")
    if x.dtype != y.dtype:
        x, y = x.astype(np.float64), y.astype(np.float64)
    return np.ascontiguousarray(x), np.ascontiguousarray(y), batched


def _weights(w: Any, n: int, name: str, other: str) -> np.ndarray | None:
    return None if w is None else check_weights(w, n, name, other)


def _batch_weights(w: Any, shape: tuple[int, ...], name: str, other: str) -> list[np.ndarray | None]:
    """One weight vector (or None) per cloud of a (B, n, d) batch; 1-D weights are shared."""
    B, n = shape[0], shape[1]
    if w is None:
        return [None] * B
    arr = as_real_array(w, name)
    if arr.ndim == 1:
        shared = check_weights(arr, n, name, other)
        return [shared] * B
    if arr.shape != (B, n):
        raise ValueError(f"{name} must have shape ({n},) or ({B}, {n}) for a batch of {B} clouds of {n} points, got {arr.shape}")
    return [check_weights(row, n, f"{name}[{i}]", other) for i, row in enumerate(arr)]


def scale_exponent(clouds: list[np.ndarray], p: float) -> int:
    """e such that the clouds divided by 2**e (exact) keep every W_p^p in range,
    or 0 when they are in range already: a projected difference is at most
    2 sqrt(d) max|x|, and its p-th power must neither overflow nor underflow."""
    top = largest_magnitude(*clouds)
    if top == 0.0:
        return 0
    log_span = math.log2(top) + 1.0 + 0.5 * math.log2(clouds[0].shape[-1])
    if -900.0 <= p * log_span <= 900.0:
        return 0
    return math.ceil(log_span)


def _estimate(wpp: np.ndarray, p: float, weighting: str) -> tuple[float, np.ndarray]:
    L = wpp.shape[-1]
    if weighting == "uniform":
        weights = np.full(L, 1.0 / L)
    else:
        energy = np.exp(wpp - wpp.max())  # exp(w_l), scaled by exp(-max w) (cancels)
        weights = energy / energy.sum()
    mean = math.fsum((weights * wpp).tolist())
    return mean ** (1.0 / p), weights


def times_power_of_two(x: np.ndarray, exponent: float) -> np.ndarray:
    """``x * 2**exponent`` for a real exponent (the W_p^p of clouds scaled by 2**-e are
    2**(e p) too small): inf where the true value is beyond the float range."""
    if exponent == 0:
        return x
    k = math.floor(exponent)
    with np.errstate(over="ignore"):
        out: np.ndarray = np.ldexp(x * 2.0 ** (exponent - k), k)
    return out


@overload
def sliced_wasserstein(X: ArrayLike, Y: ArrayLike, a: ArrayLike | None = ..., b: ArrayLike | None = ..., *,
                       p: float = ..., n_projections: int = ..., directions: Directions = ..., seed: Seed = ...,
                       weighting: SlicedWeighting = ..., return_details: Literal[False] = ...,
                       n_jobs: int | None = ...) -> float | FloatArray: ...
@overload
def sliced_wasserstein(X: ArrayLike, Y: ArrayLike, a: ArrayLike | None = ..., b: ArrayLike | None = ..., *,
                       p: float = ..., n_projections: int = ..., directions: Directions = ..., seed: Seed = ...,
                       weighting: SlicedWeighting = ..., return_details: Literal[True],
                       n_jobs: int | None = ...) -> SlicedResult: ...
@overload
def sliced_wasserstein(X: ArrayLike, Y: ArrayLike, a: ArrayLike | None = ..., b: ArrayLike | None = ..., *,
                       p: float = ..., n_projections: int = ..., directions: Directions = ..., seed: Seed = ...,
                       weighting: SlicedWeighting = ..., return_details: bool,
                       n_jobs: int | None = ...) -> float | FloatArray | SlicedResult: ...
def sliced_wasserstein(
    X: ArrayLike,
    Y: ArrayLike,
    a: ArrayLike | None = None,
    b: ArrayLike | None = None,
    *,
    p: float = 2,
    n_projections: int = 256,
    directions: Directions = "random",
    seed: Seed = None,
    weighting: SlicedWeighting = "uniform",
    return_details: bool = False,
    n_jobs: int | None = None,
) -> float | FloatArray | SlicedResult:
    """Sliced p-Wasserstein distance between the clouds X (n, d) and Y (m, d).

    ``a``, ``b``: non-negative point weights (uniform when None), normalised.
    ``directions``: ``"random"``, ``"orthogonal"`` or ``"qmc"`` (``n_projections``
    of them, drawn from ``seed``), or an (L, d) array (rows normalised).
    ``weighting``: ``"uniform"`` (the mean of W_p^p) or ``"energy"`` (the
    energy-based estimator, see the module notes).  X, Y of shape (B, n, d)
    and (B, m, d) give B distances, all along the same directions.  ``n_jobs``:
    threads (None or -1: all); the result does not depend on it.  Returns
    SW_p (with the root), or a :class:`~pydiv.SlicedResult` when ``return_details``.
    """
    x, y, batched = clouds_of(X, Y)
    p_value = check_p(p)
    if not isinstance(weighting, str) or weighting not in _WEIGHTINGS:
        raise ValueError(f"weighting must be one of {list(_WEIGHTINGS)}, got {weighting!r}")
    details = check_bool(return_details, "return_details")
    threads = thread_request(n_jobs)
    theta = directions_for(directions, n_projections, x.shape[-1], seed)
    e = scale_exponent([x, y], p_value)
    if e:  # coordinates so large or small that W_p^p would leave the float range
        x, y = np.ldexp(x, -e).astype(x.dtype), np.ldexp(y, -e).astype(y.dtype)
    if not batched:
        wa, wb = _weights(a, x.shape[0], "a", "point of X"), _weights(b, y.shape[0], "b", "point of Y")
        wpp = _core.sliced_wpp(x, wa, y, wb, theta, p_value, threads)
        value, weights = _estimate(wpp, p_value, weighting)
        value = math.ldexp(value, e)
        return SlicedResult(value, times_power_of_two(wpp, e * p_value), weights, theta, p_value) if details else value
    was = _batch_weights(a, x.shape, "a", "point of X")
    wbs = _batch_weights(b, y.shape, "b", "point of Y")
    rows = [_core.sliced_wpp(x[i], was[i], y[i], wbs[i], theta, p_value, threads) for i in range(x.shape[0])]
    wpp_all = np.array(rows).reshape(x.shape[0], theta.shape[0])
    est = [_estimate(row, p_value, weighting) for row in wpp_all]
    values: FloatArray = np.ldexp(np.array([e[0] for e in est]), e)
    wpp_all = times_power_of_two(wpp_all, e * p_value)
    if not details:
        return values
    return SlicedResult(values, wpp_all, np.array([e[1] for e in est]).reshape(wpp_all.shape), theta, p_value)


