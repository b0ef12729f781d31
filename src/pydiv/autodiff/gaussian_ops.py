"""Gradients of gaussian_wasserstein and frechet_distance: the optimal
transport maps between the Gaussians (closed forms, no iteration is
differentiated).

With A = S1^{1/2} S2 S1^{1/2}, B = S2^{1/2} S1 S2^{1/2} and
W2^2 = |m1 - m2|^2 + tr S1 + tr S2 - 2 tr A^{1/2}:

    dW2^2/dm1 = 2 (m1 - m2) = -dW2^2/dm2,
    dW2^2/dS2 = I - T21,    T21 = S1^{1/2} A^{-1/2} S1^{1/2}  (maps N(0, S2) to N(0, S1)),
    dW2^2/dS1 = I - T12,    T12 = S2^{1/2} B^{-1/2} S2^{1/2}  (its inverse),

from d tr A^{1/2} = 1/2 tr(A^{-1/2} dA) with dA = S1^{1/2} dS2 S1^{1/2}, and
tr A^{1/2} = tr B^{1/2} (both are the sum of the square roots of the
eigenvalues of S1 S2).

Algorithm: for the square-root factors S = F F^T that the value uses
(Cholesky, or ``eigh`` with eigenvalues within rounding of zero cleared) and
the SVD F2^T F1 = U Sigma W^T,

    T21 = F1 W Sigma^+ W^T F1^T,    T12 = F2 U Sigma^+ U^T F2^T,

since F1^T S2 F1 = W Sigma^2 W^T is A turned by the orthogonal Q in
F1 = S1^{1/2} Q (and F2^T S1 F2 = U Sigma^2 U^T likewise B).  One SVD gives
both maps.  Its singular values carry an absolute error of eps sigma_max,
where the eigenvalues sigma^2 of A or B would carry eps sigma_max^2, so the
maps keep a factor sigma_max / sigma_min more digits than from ``eigh`` of A
and B.  Measured against 50-digit mpmath (d = 2..8, both covariances of
condition number c): relative error 5e-15 (c ~ 4), 1e-13 (c = 1e4), 2e-8
(c = 1e8), at most about 10 times the change an eps-relative perturbation
of the inputs makes in the exact gradient; eigh of A gave 6e-11 and 0.85 at
c = 1e4 and 1e8.  Only the sums over each cluster of equal
singular values enter, so repeated ones need no care (no 1/(sigma_i -
sigma_j) anywhere).  Should the SVD not converge, ``eigh`` of F1^T S2 F1 and
F2^T S1 F2 stands in.

Conventions.
* Symmetric argument: G_S is the gradient with respect to the symmetric
  matrix S: <G_S, E> is the derivative along every symmetric E.  An
  asymmetric perturbation is outside the function's domain (the value
  symmetrises its input); G_S being symmetric, it is also the gradient of
  X -> f((X + X^T) / 2) in every direction.
* Singular covariances: Sigma^+ is the pseudo-inverse (singular values up to
  32 times their rounding error, 32 eps (d sigma_max + sqrt(d) |F1|_F |F2|_F),
  count as zero).  G is then the exact gradient along
  every perturbation S = F F^T that keeps the rank of F2^T F1: all symmetric
  directions for S2 when S1 is singular and S2 definite (and vice versa),
  the directions P E P inside the face of a singular S itself (P projects on
  its range), and the samples of a Frechet distance with fewer samples than
  dimensions.  Along a direction that raises the rank of S where the other
  Gaussian has variance, the one-sided derivative is -inf; G holds the finite
  pseudo-inverse value there.
* Diagonal covariances: dW2^2/ds1 = (sqrt s1 - sqrt s2) / sqrt s1, and 1 where
  s1 or s2 is 0 (the pseudo-inverse again; exact where s2 = 0).
* squared=False: dW = dW2^2 / (2 W); 0 where W = 0 (a subgradient of the
  cusp) and where W overflows to inf.
* Range: each covariance is divided by 4^e (exactly, e per batch element,
  from its largest entry), and since T21 scales as sqrt(alpha / beta) when
  S1, S2 are scaled by alpha, beta, G_S2 = I - 2^(e1 - e2) T21' from the
  scaled T21'.  So G is finite for covariances from 1e-150 to 1e150 and far
  beyond, mixed scales included.

frechet_distance on samples X (n, d) and Y: the Gaussians are the means and
the unbiased covariances (ddof = 1, as pydiv fits them).  Since the centred
rows sum to zero, the mean drops out of dcov and

    dX = (1/n) g_m + (2/(n-1)) (X - mean_X) G_S,

g_m and G_S the gradients with respect to the mean and the covariance of X.
Statistics (GaussianStats, stream.Moments) carry no gradient to samples; the
op refuses them with a TypeError.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import as_real_array, largest_magnitude
from ..gaussian.distance import GaussianStats, frechet_distance, gaussian_wasserstein, side, stats_from_samples
from ..stream.moments import Moments
from . import Grads, Op, Shape, Shapes, register

# Singular values of F2^T F1 within this many times their rounding error (d eps
# sigma_max from the SVD, sqrt(d) eps |F1|_F |F2|_F from the product) count as zero.
_RANK_TOLERANCE = 32.0
_EPS = float(np.finfo(np.float64).eps)
# Samples are fitted at a scale 2^-e when their largest magnitude is beyond 2^+-200
# (as frechet_distance does), so the covariance cannot overflow or underflow.
_SAFE_EXPONENT = 200


# --- shapes -------------------------------------------------------------------------


def _side_batch(mean: Shape | None, cov: Shape | None, names: tuple[str, str]) -> Shape:
    if mean is None or cov is None:
        raise TypeError(f"{names[0]} and {names[1]} are required")
    if len(mean) == 0:
        raise ValueError(f"{names[0]} must have at least one dimension (d,)")
    if len(cov) not in (len(mean), len(mean) + 1):
        raise ValueError(f"{names[1]} must be (..., d, d), or (..., d) for a diagonal covariance, "
                         f"with {names[0]} (..., d); got shapes {tuple(cov)} and {tuple(mean)}")
    d = mean[-1]
    if cov[-1] != d or (len(cov) > len(mean) and cov[-2] != d):
        raise ValueError(f"{names[1]} has shape {tuple(cov)}, which does not match d = {d} of {names[0]}")
    return tuple(np.broadcast_shapes(tuple(mean[:-1]), tuple(cov[: len(mean) - 1])))


def _gw_value_shape(shapes: Shapes, options: dict[str, Any]) -> Shape:
    b1 = _side_batch(shapes[0], shapes[1], ("m1", "S1"))
    b2 = _side_batch(shapes[2], shapes[3], ("m2", "S2"))
    d1, d2 = (shape[-1] if shape else 0 for shape in (shapes[0], shapes[2]))
    if d1 != d2:
        raise ValueError(f"the Gaussians have different dimensions: {d1} and {d2}")
    return tuple(np.broadcast_shapes(b1, b2))


def _gw_axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    n = len(_gw_value_shape(shapes, options))
    mean, cov = shapes[i - 1], shapes[i]
    full = i in (1, 3) and mean is not None and cov is not None and len(cov) == len(mean) + 1
    return (n, n + 1) if full else (n,)


def _fd_value_shape(shapes: Shapes, options: dict[str, Any]) -> Shape:
    for name, shape in zip(("X", "Y"), shapes):
        if shape is None or len(shape) != 2:
            raise ValueError(f"{name} must be a 2-D array of samples (n, d) to be differentiated, got shape {shape}")
    dx, dy = (shape[1] if shape else 0 for shape in shapes)
    if dx != dy:
        raise ValueError(f"X and Y have different dimensions: {dx} and {dy}")
    return ()


def _fd_axes(shapes: Shapes, options: dict[str, Any], i: int) -> tuple[int, ...]:
    return (0, 1)


# --- the transport maps ------------------------------------------------------------


def _exponents(cov: np.ndarray) -> np.ndarray:
    """Per matrix, e with sqrt(max |S|) / 2^e in [1/2, 1) (0 for a zero matrix)."""
    top = np.abs(cov).max(axis=(-2, -1))
    out: np.ndarray = np.frexp(np.sqrt(top))[1].astype(np.int64)
    return out


def _factor(cov: np.ndarray, e: np.ndarray, name: str) -> np.ndarray:
    """F with F F^T = cov / 4^e, the factor the value uses (validated, symmetrised)."""
    scaled = np.ldexp(cov, -2 * e[..., None, None])
    root: np.ndarray = side(np.zeros(cov.shape[:-1]), scaled, ("mean", name)).root
    return root


def _singular(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """U, sigma for U, W, sigma for W, and the SVD's relative error (of sigma_max)."""
    try:
        u, s, wh = np.linalg.svd(m)
        return u, s, np.swapaxes(wh, -1, -2), s, _RANK_TOLERANCE * m.shape[-1] * _EPS
    except np.linalg.LinAlgError:
        return singular_by_eigh(m)


def singular_by_eigh(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """The SVD's stand-in: eigh of M M^T and M^T M, each set of vectors with its
    own eigenvalues (so no pairing of the two is needed).  sigma^2 is accurate to
    eps sigma_max^2, so the relative error of sigma is the square root of the SVD's."""
    mt = np.swapaxes(m, -1, -2)
    lam_u, u = np.linalg.eigh(np.matmul(m, mt))
    lam_w, w = np.linalg.eigh(np.matmul(mt, m))
    rel = math.sqrt(_RANK_TOLERANCE * m.shape[-1] * _EPS)
    return u, np.sqrt(np.clip(lam_u, 0.0, None)), w, np.sqrt(np.clip(lam_w, 0.0, None)), rel


def _transport(f: np.ndarray, vectors: np.ndarray, sigma: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """F V Sigma^+ V^T F^T, written P P^T with P = F V Sigma^{+1/2}, symmetrised;
    singular values up to `floor` count as zero."""
    weight = np.zeros_like(sigma)
    np.divide(1.0, np.sqrt(sigma), out=weight, where=sigma > floor)
    p = np.matmul(f, vectors) * weight[..., None, :]
    t = np.matmul(p, np.swapaxes(p, -1, -2))
    out: np.ndarray = 0.5 * t + 0.5 * np.swapaxes(t, -1, -2)
    return out


def _rank_floor(F1: np.ndarray, F2: np.ndarray, sigma: np.ndarray, rel: float) -> np.ndarray:
    """Singular values of F2^T F1 up to this are rounding: the decomposition's
    error (rel sigma_max) plus that of forming the product, 32 sqrt(d) eps
    |F1|_F |F2|_F (which matters where the true product is 0 or nearly so)."""
    d = F1.shape[-1]
    norms = np.sqrt(np.square(F1).sum(axis=(-2, -1)) * np.square(F2).sum(axis=(-2, -1)))
    product = _RANK_TOLERANCE * math.sqrt(d) * _EPS * norms
    out: np.ndarray = (rel * sigma.max(axis=-1) + product)[..., None]
    return out


def cov_gradients(S1: np.ndarray, S2: np.ndarray, e1: Any, e2: Any, wants: tuple[bool, bool]) -> Grads:
    """dW2^2/dS1 and dW2^2/dS2 (None where not wanted) for full covariances
    S1 4^e1 and S2 4^e2 (the exponents broadcast over the batch); the result
    has the broadcast batch of S1 and S2."""
    f1, f2 = _exponents(S1), _exponents(S2)
    F1, F2 = _factor(S1, f1, "S1"), _factor(S2, f2, "S2")
    u, su, w, sw, rel = _singular(np.matmul(np.swapaxes(F2, -1, -2), F1))
    shift = np.broadcast_to((np.asarray(e1) + f1) - (np.asarray(e2) + f2), su.shape[:-1])[..., None, None]
    eye = np.eye(S1.shape[-1])
    grads: Grads = [None, None]
    with np.errstate(over="ignore"):  # a map beyond the float range is inf
        if wants[0]:
            grads[0] = eye - np.ldexp(_transport(F2, u, su, _rank_floor(F1, F2, su, rel)), -shift)
        if wants[1]:
            grads[1] = eye - np.ldexp(_transport(F1, w, sw, _rank_floor(F1, F2, sw, rel)), shift)
    return grads


def diagonal_gradients(s1: np.ndarray, s2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dW2^2/ds1 = (r1 - r2) / r1 and dW2^2/ds2 = (r2 - r1) / r2 for r = sqrt(s)
    (the difference is exact to rounding, so nothing cancels); 1 where either
    variance is 0."""
    r1, r2 = np.sqrt(s1), np.sqrt(s2)
    diff = r1 - r2
    both = (r1 > 0) & (r2 > 0)
    g1, g2 = np.ones(diff.shape), np.ones(diff.shape)
    np.divide(diff, r1, out=g1, where=both)
    np.divide(-diff, r2, out=g2, where=both)
    return g1, g2


# --- gaussian_wasserstein -----------------------------------------------------------


def _chain(value: np.ndarray, squared: bool) -> np.ndarray:
    """d value / d W2^2: 1, or 1 / (2 W) with 0 where W is 0 or inf."""
    if squared:
        return np.ones(value.shape)
    out = np.zeros(value.shape)
    np.divide(0.5, value, out=out, where=(value > 0) & (value < np.inf))
    return out


def _covariance_grads(S1: np.ndarray, S2: np.ndarray, diagonal: tuple[bool, bool], wants: tuple[bool, bool]) -> Grads:
    """dW2^2/dS for each side, in that side's layout (a diagonal side (..., d))."""
    if diagonal[0] and diagonal[1]:
        g1, g2 = diagonal_gradients(S1, S2)
        return [g1 if wants[0] else None, g2 if wants[1] else None]
    # One diagonal side (d = 1 only: the value refuses the mix for d > 1) joins as (..., 1, 1).
    full1 = S1[..., None] if diagonal[0] else S1
    full2 = S2[..., None] if diagonal[1] else S2
    grads = cov_gradients(full1, full2, 0, 0, wants)
    return [g[..., 0] if (g is not None and diag) else g for g, diag in zip(grads, diagonal)]


def _gw_evaluate(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, Grads]:
    value = np.asarray(gaussian_wasserstein(*arrays, **options), dtype=np.float64)
    if not any(wants):
        return value, [None] * 4
    names = ("m1", "S1", "m2", "S2")
    m1, S1, m2, S2 = (as_real_array(a, n).astype(np.float64, copy=False) for a, n in zip(arrays, names))
    chain = _chain(value, bool(options.get("squared", False)))
    grads: Grads = [None] * 4
    if wants[0] or wants[2]:
        with np.errstate(over="ignore", invalid="ignore"):
            gm = np.where(chain[..., None] > 0, (m1 - m2) * (2.0 * chain[..., None]), 0.0)
        grads[0] = gm if wants[0] else None
        grads[2] = -gm if wants[2] else None
    if wants[1] or wants[3]:
        diagonal = (S1.ndim == m1.ndim, S2.ndim == m2.ndim)
        gs = _covariance_grads(S1, S2, diagonal, (wants[1], wants[3]))
        for k, (g, diag) in enumerate(zip(gs, diagonal)):
            if g is not None:
                grads[2 * k + 1] = g * (chain[..., None] if diag else chain[..., None, None])
    return value, grads


# --- frechet_distance ---------------------------------------------------------------


def _refuse_statistics(x: Any, name: str) -> None:
    if isinstance(x, (GaussianStats, Moments)):
        raise TypeError(f"frechet_distance is differentiable with respect to samples (n, d) only; {name} is a "
                        f"{type(x).__name__}, whose statistics carry no gradient back to samples: pass the samples")


def _scaled_samples(x: Any, name: str) -> tuple[np.ndarray, int]:
    """The samples divided by 2^e (exactly), e = 0 unless they are beyond 2^+-200."""
    a = as_real_array(x, name).astype(np.float64, copy=False)
    top = largest_magnitude(a)
    if top == 0.0 or not math.isfinite(top):
        return a, 0
    e = math.frexp(top)[1]
    return (np.ldexp(a, -e), e) if abs(e) > _SAFE_EXPONENT else (a, 0)


def _fd_evaluate(arrays: list[Any], options: dict[str, Any], wants: tuple[bool, ...]) -> tuple[np.ndarray, Grads]:
    for x, name in zip(arrays, ("X", "Y")):
        _refuse_statistics(x, name)
    value = np.asarray(frechet_distance(*arrays, **options), dtype=np.float64)
    if not any(wants):
        return value, [None, None]
    (X, ex), (Y, ey) = _scaled_samples(arrays[0], "X"), _scaled_samples(arrays[1], "Y")
    sx, sy = stats_from_samples(X, "X"), stats_from_samples(Y, "Y")
    gs = cov_gradients(sx.cov, sy.cov, ex, ey, (wants[0], wants[1]))
    with np.errstate(over="ignore"):  # a gradient beyond the float range is inf
        gm = 2.0 * (np.ldexp(sx.mean, ex) - np.ldexp(sy.mean, ey))
        grads: Grads = [None, None]
        for k, (a, stats, e, sign) in enumerate(((X, sx, ex, 1.0), (Y, sy, ey, -1.0))):
            G = gs[k]
            if G is not None:
                n = a.shape[0]
                spread = np.matmul(a - stats.mean, G) * (2.0 / (n - 1))
                grads[k] = np.ldexp(spread, e) + (sign / n) * gm
    return value, grads


register(Op("gaussian_wasserstein", gaussian_wasserstein, ("m1", "S1", "m2", "S2"), ("m1", "S1", "m2", "S2"),
            _gw_value_shape, _gw_axes, _gw_evaluate, vmap_method="expand_dims"))
register(Op("frechet_distance", frechet_distance, ("X", "Y"), ("X", "Y"), _fd_value_shape, _fd_axes, _fd_evaluate))
