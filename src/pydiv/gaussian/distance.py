"""The 2-Wasserstein distance between Gaussians and the Frechet distance (FID).

Between N(m1, S1) and N(m2, S2) the 2-Wasserstein distance has the closed form

    W2^2 = |m1 - m2|^2 + tr(S1 + S2 - 2 (S1^{1/2} S2 S1^{1/2})^{1/2}),

the Bures-Wasserstein distance; the Frechet Inception Distance (FID) is this
W2^2 between Gaussians fitted to two sets of features.

Algorithm: the trace of the matrix square root is the nuclear norm of F2^T F1
for square-root factors S = F F^T (Cholesky, or clipped ``eigh`` where a
covariance is only semi-definite); it is computed from the eigenvalues of the
symmetric (F2^T F1)^T (F2^T F1) where an a-posteriori bound shows their square
roots accurate, else from the singular values of F2^T F1 (see
``pydiv.gaussian.factor``).  No square root of a non-symmetric product is ever
taken, so the result is real, finite and non-negative for every positive
semi-definite input, rank-deficient ones included, and exactly 0 where the
two Gaussians are given element-wise equal.  Diagonal covariances (given as
vectors) take an O(d) path, sum (sqrt s1 - sqrt s2)^2 written as
(s1 - s2)^2 / (sqrt s1 + sqrt s2)^2, which does not cancel; so do 1 x 1
covariances.

Measured against 50-digit mpmath on random pairs (d = 2..20, condition
numbers up to 1e12, rank-deficient): relative error below 1e-13 where the
value does not cancel, absolute error below 1e-15 (tr S1 + tr S2) where it
does.  Covariances are checked for symmetry to a relative sqrt(eps) of their
dtype (then symmetrised) and for negative eigenvalues beyond 32 d eps of the
largest.

Reference: Dowson & Landau, "The Frechet distance between multivariate normal
distributions", J. Multivariate Anal. 12 (1982); Heusel et al., "GANs trained
by a two time-scale update rule converge to a local Nash equilibrium" (2017).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import factor as gf
from .._checks import as_real_array, check_bool, largest_magnitude
from ..typing import FloatArray

if TYPE_CHECKING:
    from ..stream.moments import Moments

__all__ = ["GaussianStats", "frechet_distance", "gaussian_wasserstein"]


class GaussianStats(NamedTuple):
    """Mean (d,), covariance (d, d) and sample count of fitted features."""

    mean: FloatArray
    cov: FloatArray
    n: int


class Side(NamedTuple):
    """One side, validated: float64 means (..., d), covariances (..., d, d) or
    (..., d) when diagonal, their factors (or square roots) and traces."""

    mean: np.ndarray
    cov: np.ndarray
    root: np.ndarray
    trace: np.ndarray
    diagonal: bool


def _finite(a: np.ndarray, name: str) -> None:
    # One reduction without a temporary first: a NaN or inf makes the sum non-finite
    # (an overflowing sum of finite entries only costs the exact check).
    with np.errstate(over="ignore", invalid="ignore"):
        total = a.sum()
    if not np.isfinite(total) and not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite (it holds NaN or inf)")


def _symmetrised(cov: np.ndarray, dtype: np.dtype, name: str) -> np.ndarray:
    top = np.abs(cov).max(axis=(-2, -1), initial=0.0)
    skew = np.abs(cov - np.swapaxes(cov, -1, -2)).max(axis=(-2, -1), initial=0.0)
    rtol = math.sqrt(float(np.finfo(dtype).eps))
    bad = skew > rtol * top
    if bad.any():
        ratio = float((skew[bad] / top[bad]).max())
        raise ValueError(f"{name} must be symmetric: it differs from its transpose by {ratio:.3g} "
                         f"of its largest entry (the tolerance is {rtol:.3g})")
    out: np.ndarray = 0.5 * cov + 0.5 * np.swapaxes(cov, -1, -2)  # (never overflows)
    return out


def side(mean: Any, cov: Any, names: tuple[str, str]) -> Side:
    m = as_real_array(mean, names[0])
    s = as_real_array(cov, names[1])
    dtype = np.result_type(m.dtype, s.dtype)
    if m.ndim == 0:
        raise ValueError(f"{names[0]} must have at least one dimension (d,)")
    d = m.shape[-1]
    if d == 0:
        raise ValueError(f"{names[0]} has dimension d = 0; a Gaussian needs d >= 1")
    diagonal = s.ndim == m.ndim
    if not diagonal and s.ndim != m.ndim + 1:
        raise ValueError(f"{names[1]} must be (..., d, d), or (..., d) for a diagonal covariance, "
                         f"with {names[0]} (..., d); got shapes {s.shape} and {m.shape}")
    if s.shape[-1] != d or (not diagonal and s.shape[-2] != d):
        raise ValueError(f"{names[1]} has shape {s.shape}, which does not match d = {d} of {names[0]}")
    m, s = m.astype(np.float64, copy=False), s.astype(np.float64, copy=False)
    _finite(m, names[0])
    if diagonal:
        smallest = s.min()  # NaN if any entry is NaN
        if not (smallest >= 0.0 and s.max() < np.inf):
            _finite(s, names[1])
            raise ValueError(f"{names[1]} (a diagonal covariance) must be >= 0; its smallest entry is {smallest:.6g}")
        with np.errstate(over="ignore"):  # the trace only enters full-covariance terms
            trace = s.sum(axis=-1)
        return Side(m, s, np.sqrt(s), trace, True)
    _finite(s, names[1])
    s = _symmetrised(s, dtype, names[1])
    stack = s.reshape(-1, d, d)
    root = gf.factor(stack, names[1], gf.negative_tolerance(d, dtype)).reshape(s.shape)
    return Side(m, s, root, np.trace(s, axis1=-2, axis2=-1), False)


def _diagonal_term(r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """sum (r1 - r2)^2 for square roots r of the variances; the difference of
    square roots is exact to rounding, so nothing cancels."""
    out: np.ndarray = np.square(r1 - r2).sum(axis=-1)
    return out


def _as_diagonal(side: Side) -> Side:
    if side.diagonal:
        return side
    cov = np.diagonal(side.cov, axis1=-2, axis2=-1)
    return Side(side.mean, cov, np.sqrt(cov), side.trace, True)


def w2_squared(a: Side, b: Side) -> np.ndarray:
    """W2^2 over the broadcast batch of the two sides; exactly 0 where equal."""
    d = a.mean.shape[-1]
    if d != b.mean.shape[-1]:
        raise ValueError(f"the Gaussians have different dimensions: {d} and {b.mean.shape[-1]}")
    if a.diagonal or b.diagonal or d == 1:
        if not (a.diagonal and b.diagonal) and d > 1:
            raise ValueError("mixing a diagonal covariance (d,) with a full one (d, d) is not supported: "
                             "pass np.diag(v) for the diagonal one")
        a, b = _as_diagonal(a), _as_diagonal(b)
        # Equal inputs give exactly 0 here without a check: every difference is 0.
        with np.errstate(over="ignore"):  # a distance beyond the float range is inf
            diagonal: np.ndarray = np.square(a.mean - b.mean).sum(axis=-1) + _diagonal_term(a.root, b.root)
        return diagonal
    root_a, root_b = np.broadcast_arrays(a.root, b.root)
    term = gf.trace_term(root_a, root_b, a.trace, b.trace)
    same = (a.mean == b.mean).all(axis=-1) & (a.cov == b.cov).all(axis=(-2, -1))
    out: np.ndarray = np.where(same, 0.0, np.square(a.mean - b.mean).sum(axis=-1) + term)
    return out


def _finish(w2sq: np.ndarray, squared: bool) -> float | FloatArray:
    out = w2sq if squared else np.sqrt(w2sq)
    return float(out) if out.ndim == 0 else out


def gaussian_wasserstein(m1: ArrayLike, S1: ArrayLike, m2: ArrayLike, S2: ArrayLike, *, squared: bool = False
                         ) -> float | FloatArray:
    """2-Wasserstein distance between the Gaussians N(m1, S1) and N(m2, S2).

    Parameters
    ----------
    m1, m2 : array_like, (..., d)
        Means; leading dimensions are batch dimensions and broadcast.
    S1, S2 : array_like, (..., d, d) or (..., d)
        Symmetric positive semi-definite covariances (rank-deficient allowed),
        or, with the same number of dimensions as the means, the diagonals of
        diagonal covariances (an O(d) computation).
    squared : bool, optional
        Return W2^2 instead of W2.

    Returns
    -------
    float or ndarray
        W2 (or W2^2) per batch element: real, finite, >= 0, and exactly 0
        where the two Gaussians are element-wise equal.

    Raises
    ------
    ValueError
        For mismatched shapes, d = 0, NaN or inf, a non-symmetric covariance
        (beyond a relative sqrt(eps)), or one with a negative eigenvalue beyond
        rounding (the message says by how much).

    Examples
    --------
    >>> import numpy as np
    >>> from pydiv import gaussian_wasserstein
    >>> gaussian_wasserstein([0.0], [[1.0]], [3.0], [[4.0]], squared=True)  # (0-3)^2 + (1-2)^2
    10.0
    >>> S = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> gaussian_wasserstein([0, 0], S, [0, 0], S)
    0.0
    >>> gaussian_wasserstein(np.zeros((2, 3)), np.ones((2, 3)), np.ones(3), np.full(3, 4.0), squared=True)
    array([6., 6.])
    """
    sq = check_bool(squared, "squared")
    m1, S1 = as_real_array(m1, "m1"), as_real_array(S1, "S1")
    m2, S2 = as_real_array(m2, "m2"), as_real_array(S2, "S2")
    # Means and square roots of covariances near the ends of the float range are
    # divided by 2^e (covariances by 4^e), exactly; W2^2 is multiplied back by 4^e.
    e = _range_exponent(largest_magnitude(m1, m2), math.sqrt(largest_magnitude(S1, S2)))
    if e:
        m1, m2, S1, S2 = np.ldexp(m1, -e), np.ldexp(m2, -e), np.ldexp(S1, -2 * e), np.ldexp(S2, -2 * e)
    a = side(m1, S1, ("m1", "S1"))
    b = side(m2, S2, ("m2", "S2"))
    w2sq = w2_squared(a, b)
    if e:
        with np.errstate(over="ignore"):  # a distance beyond the float range is inf
            w2sq = np.ldexp(w2sq, 2 * e)
    return _finish(w2sq, sq)


# Means and factors within 2^+-200 keep everything in range down to the Gram matrix
# (F2^T F1)^T (F2^T F1) of the nuclear norm, a fourth power.
_SAFE_EXPONENT = 200


def _range_exponent(*magnitudes: float) -> int:
    """e with the largest of the magnitudes divided by 2^e near 1, or 0 when it
    is within 2^+-200 already, zero, or not finite (validation then speaks)."""
    top = max(magnitudes)
    if top == 0.0 or not math.isfinite(top):
        return 0
    e = math.frexp(top)[1]
    return e if abs(e) > _SAFE_EXPONENT else 0


def stats_from_samples(x: Any, name: str) -> GaussianStats:
    """Mean and unbiased covariance (float64) of samples (n, d), n >= 2."""
    a = as_real_array(x, name)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of samples (n, d), got shape {a.shape}")
    n, d = a.shape
    if d == 0:
        raise ValueError(f"{name} has d = 0 features; a Gaussian needs d >= 1")
    if n < 2:
        raise ValueError(f"{name} has {n} sample(s); a covariance needs at least 2")
    _finite(a, name)
    a64 = a.astype(np.float64, copy=False)
    mean = a64.mean(axis=0)
    centred = a64 - mean
    cov = np.dot(centred.T, centred) / (n - 1)  # syrk: half the flops, exactly symmetric
    return GaussianStats(mean, cov, n)


def gaussian_stats(x: Any, name: str) -> GaussianStats:
    if isinstance(x, GaussianStats):
        return x
    from ..stream.moments import Moments  # (stream.moments imports this module)

    if isinstance(x, Moments):
        return x.stats()
    return stats_from_samples(x, name)


def frechet_distance(X: ArrayLike | GaussianStats | Moments, Y: ArrayLike | GaussianStats | Moments) -> float:
    """Frechet distance (FID-style W2^2) between Gaussians fitted to two sets
    of samples, or between precomputed statistics.

    Parameters
    ----------
    X, Y : array_like (n, d) and (m, d), or GaussianStats, or stream.Moments
        Samples (features), one per row, at least 2 of each; or their
        statistics (mean and unbiased covariance, as the FID tools use).

    Returns
    -------
    float
        W2^2 between N(mean_X, cov_X) and N(mean_Y, cov_Y); real, >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from pydiv import frechet_distance
    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> round(frechet_distance(X, X + 1.0), 12)  # only the means differ
    2.0
    """
    e = 0
    if _is_samples(X) and _is_samples(Y):
        # Samples near the ends of the float range: fitted at a common scale 2^-e (exact).
        X, Y = as_real_array(X, "X"), as_real_array(Y, "Y")
        e = _range_exponent(largest_magnitude(X, Y))
        if e:
            X, Y = np.ldexp(X, -e), np.ldexp(Y, -e)
    a = gaussian_stats(X, "X")
    b = gaussian_stats(Y, "Y")
    w2sq = gaussian_wasserstein(a.mean, a.cov, b.mean, b.cov, squared=True)
    with np.errstate(over="ignore"):  # a distance beyond the float range is inf
        return float(np.ldexp(w2sq, 2 * e))


def _is_samples(x: Any) -> bool:
    from ..stream.moments import Moments  # (stream.moments imports this module)

    return not isinstance(x, (GaussianStats, Moments))
