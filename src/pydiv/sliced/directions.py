"""Directions on the unit sphere for the sliced Wasserstein estimators.

Every generator draws from a ``numpy.random.Generator`` seeded by the user's
``seed``, so a seed gives the same directions on every platform and for
every thread count (the kernels only read them):

* ``"random"``: independent uniform directions, normalised standard Gaussian
  vectors (the plain Monte-Carlo estimator);
* ``"orthogonal"``: blocks of d orthonormal directions, each block the Q
  factor of the QR decomposition of a Gaussian (d, d) matrix with the signs
  fixed by R's diagonal (a Haar-distributed rotation: Mezzadri, "How to
  generate random matrices from the classical compact groups", Notices AMS
  54, 2007); directions inside a block are orthogonal, which lowers the
  variance of the mean;
* ``"qmc"``: a low-discrepancy set, randomly shifted (unbiased): d = 2 equally
  spaced angles on a half circle (theta and -theta give the same
  projection); d = 3 a spherical Fibonacci set (Gonzalez, "Measurement of
  areas on a sphere using Fibonacci and latitude-longitude lattices", Math.
  Geosci. 42, 2010) under a random rotation; d >= 4 the R_d sequence
  (Roberts' generalised golden ratio, 2018) with a Cranley-Patterson random
  shift, mapped through the inverse normal CDF and normalised;
* an (L, d) array: used as given, each row normalised.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import as_real_array, check_int

DIRECTION_KINDS = ("random", "orthogonal", "qmc")


def directions_for(directions: Any, n_projections: Any, d: int, seed: Any) -> np.ndarray:
    """The (L, d) C-ordered float64 unit directions a call uses."""
    if isinstance(directions, str):
        if directions not in DIRECTION_KINDS:
            raise ValueError(f"directions must be one of {list(DIRECTION_KINDS)} or an (L, d) array, got {directions!r}")
        L = check_int(n_projections, "n_projections", "a positive integer")
        if L < 1:
            raise ValueError(f"n_projections must be a positive integer, got {L}")
        try:
            rng = np.random.default_rng(seed)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"seed must be None, a non-negative integer or a numpy Generator, got {seed!r} ({exc})") from None
        make = {"random": _random, "orthogonal": _orthogonal, "qmc": _qmc}[directions]
        return np.ascontiguousarray(make(rng, L, d))
    return user_directions(directions, d)


def user_directions(directions: Any, d: int) -> np.ndarray:
    theta = as_real_array(directions, "directions")
    if theta.ndim != 2 or theta.shape[1] != d or theta.shape[0] == 0:
        raise ValueError(f"directions must be an (L, {d}) array with L >= 1 (one direction per row), got shape {theta.shape}")
    theta = theta.astype(np.float64)
    if not np.isfinite(theta).all():
        raise ValueError("directions contains NaN or infinite values")
    norms = np.linalg.norm(theta, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError(f"directions has a zero row (row {int(np.flatnonzero(norms[:, 0] == 0)[0])}); a direction needs a length")
    return np.ascontiguousarray(theta / norms)


def _normalised(g: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(g, axis=1, keepdims=True)
    zero = norms[:, 0] == 0  # probability zero; such a row gets e_1
    g[zero, 0], norms[zero] = 1.0, 1.0
    out: np.ndarray = g / norms
    return out


def _random(rng: np.random.Generator, L: int, d: int) -> np.ndarray:
    return _normalised(rng.standard_normal((L, d)))


def _orthogonal(rng: np.random.Generator, L: int, d: int) -> np.ndarray:
    blocks = []
    for _ in range(-(-L // d)):
        q, r = np.linalg.qr(rng.standard_normal((d, d)))
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)  # Haar measure: Q's columns times sign(R_jj)
        blocks.append(q.T)
    return np.concatenate(blocks)[:L]


def _qmc(rng: np.random.Generator, L: int, d: int) -> np.ndarray:
    if d == 1:
        return np.ones((L, 1))
    if d == 2:
        angle = (np.arange(L) + rng.random()) * (math.pi / L)
        return np.stack([np.cos(angle), np.sin(angle)], axis=1)
    if d == 3:
        rotated: np.ndarray = _fibonacci_sphere(L, rng.random()) @ _orthogonal(rng, 3, 3).T
        return rotated
    # R_d: alpha_j = phi_d^-(j+1), phi_d the positive root of x^(d+1) = x + 1.
    phi = 2.0
    for _ in range(64):
        phi = (1.0 + phi) ** (1.0 / (d + 1))
    alpha = phi ** -np.arange(1.0, d + 1.0)
    u = np.mod(rng.random(d) + np.outer(np.arange(1.0, L + 1.0), alpha), 1.0)
    return _normalised(_normal_quantile(u))


def _fibonacci_sphere(L: int, shift: float) -> np.ndarray:
    k = np.arange(L) + shift
    z = 1.0 - 2.0 * k / L
    rho = np.sqrt(np.maximum(0.0, 1.0 - z * z))
    angle = k * (math.pi * (3.0 - math.sqrt(5.0)))  # the golden angle
    return np.stack([rho * np.cos(angle), rho * np.sin(angle), z], axis=1)


# Acklam's rational approximation of the normal quantile (relative error
# 1.15e-9), enough to place directions; values exactly 0 are nudged inward.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 1e-300, 1.0 - 2.0**-53)
    out = np.empty_like(u)
    low = u < 0.02425
    high = u > 1.0 - 0.02425
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    num = ((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]
    den = ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0
    out[mid] = q * num / den
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1.0 - u[high])):
        s = np.sqrt(-2.0 * np.log(tail))
        num = ((((_C[0] * s + _C[1]) * s + _C[2]) * s + _C[3]) * s + _C[4]) * s + _C[5]
        den = (((_D[0] * s + _D[1]) * s + _D[2]) * s + _D[3]) * s + 1.0
        out[mask] = sign * num / den
    return out
