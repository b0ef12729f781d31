"""Square-root factors of covariances and the Bures trace term between them.

The 2-Wasserstein distance between N(m1, S1) and N(m2, S2) is

    W2^2 = |m1 - m2|^2 + tr S1 + tr S2 - 2 tr (S1^{1/2} S2 S1^{1/2})^{1/2},

and for any factors S = F F^T the last trace is the nuclear norm of
M = F2^T F1: the singular values of M are the square roots of the eigenvalues
of M^T M = F1^T S2 F1, which is similar to S1 S2 and so shares its spectrum
with S1^{1/2} S2 S1^{1/2}.  Nothing here takes the square root of a
non-symmetric matrix.

Factors: Cholesky where it succeeds with no pivot within rounding of zero
(positive definite to working precision); otherwise ``eigh``, F = V diag(sqrt
lambda), after checking that no eigenvalue is negative beyond rounding, with
eigenvalues within rounding of zero (32 d eps of the largest) set to zero.
The truncation matters: W2 is not Lipschitz at a singular covariance, so the
eps-sized noise a rounded factor leaves in the null space would cost
sqrt(eps) of the result (1e-8 relative measured on exactly rank-deficient
pairs, against 1e-15 truncated).

The nuclear norm, by measurement (OpenBLAS LAPACK through NumPy, d = 2048, two
cores): the singular values of M (gesdd without vectors, accurate to
eps |M| absolutely) take about 15 s, because the bidiagonal reduction is
memory bound; the eigenvalues of the symmetric C = M^T M (syevd without
vectors) take about 3 s, but each sqrt(lambda) carries an absolute error up to
delta / (2 sqrt lambda) for an eigenvalue error delta ~ eps |C|, which for the
small eigenvalues of ill-conditioned or rank-deficient pairs is far above
rounding.  So the fast route runs first and its result is kept only where the
a-posteriori bound sum_i min(sqrt delta, delta / sqrt lambda_i) on its error
(delta = 4 sqrt(d) eps lambda_max, above the 1.1 sqrt(d) eps lambda_max
measured at d = 2048) is below 2^-46 of tr S1 + tr S2, or within 16x of the
corresponding bound d delta_sigma of the singular-value route (which holds
when M's singular values span less than a factor of about 32, as for
covariances fitted to many more samples than dimensions); otherwise the
singular values of M are computed.  Reference: Bhatia,
Jain & Lim, "On the Bures-Wasserstein distance between positive definite
matrices" (2019).
"""

from __future__ import annotations

import numpy as np

# Eigenvalue error of syevd taken as this many eps times |C|_2 times sqrt(d).
_EIG_ERROR_EPS = 4.0
# The fast route is kept while its error bound stays below this fraction of tr S1 + tr S2,
_FAST_ROUTE_BUDGET = 2.0**-46
# or within this factor of the singular-value route's bound.
_FAST_ROUTE_LOSS = 16.0


def negative_tolerance(d: int, dtype: np.dtype) -> float:
    """Relative size (of the largest eigenvalue) up to which a negative
    eigenvalue of a d x d covariance counts as rounding."""
    return 32.0 * max(d, 1) * float(np.finfo(dtype).eps)


def _cholesky(s: np.ndarray, tolerance: float) -> np.ndarray | None:
    """Cholesky factors of a stack, or None where any fails or has a pivot
    within rounding of zero (a semi-definite matrix that Cholesky got through:
    its factor would carry sqrt(eps) noise in the null directions)."""
    try:
        low = np.linalg.cholesky(s)
    except np.linalg.LinAlgError:
        return None
    pivots = np.square(np.diagonal(low, axis1=-2, axis2=-1)).min(axis=-1)
    top = np.diagonal(s, axis1=-2, axis2=-1).max(axis=-1)
    return low if (pivots > tolerance * top).all() else None


def factor(cov: np.ndarray, name: str, tolerance: float) -> np.ndarray:
    """F with F F^T = cov for a stack (n, d, d) of symmetric PSD float64
    matrices: Cholesky, or ``eigh`` where Cholesky fails or is near-singular,
    eigenvalues within `tolerance` of the largest set to zero (so an exactly
    rank-deficient covariance keeps its exact null space)."""
    low = _cholesky(cov, tolerance)
    if low is not None:
        return low
    out = np.empty_like(cov)
    for i, s in enumerate(cov):
        one = _cholesky(s[None], tolerance)
        if one is not None:
            out[i] = one[0]
            continue
        lam, vec = np.linalg.eigh(s)
        top = max(float(np.abs(lam).max()), 0.0)
        if lam[0] < -tolerance * top:
            where = f"{name}[{i}]" if cov.shape[0] > 1 else name
            raise ValueError(
                f"{where} is not positive semi-definite: its smallest eigenvalue is {lam[0]:.6g}, "
                f"{-lam[0] / top:.3g} of its largest (rounding allows {tolerance:.3g})"
            )
        out[i] = vec * np.sqrt(np.where(lam > tolerance * top, lam, 0.0))
    return out


def _nuclear_fast(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of sqrt(eig(M^T M)) per matrix, a bound on its error, and the
    corresponding bound for the singular-value route."""
    c = np.matmul(np.swapaxes(m, -1, -2), m)
    lam = np.clip(np.linalg.eigvalsh(c), 0.0, None)
    d = m.shape[-1]
    unit = _EIG_ERROR_EPS * np.sqrt(d) * np.finfo(np.float64).eps
    delta = unit * lam[..., -1:]  # eigenvalue error of syevd (Weyl)
    root = np.sqrt(lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.minimum(np.sqrt(delta), np.where(root > 0, delta / root, np.inf))
    svd_err = d * unit * root[..., -1]  # d singular values, each within unit * sigma_max
    return root.sum(axis=-1), err.sum(axis=-1), svd_err


def nuclear_norm(m: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Nuclear norms of a stack (..., p, q) of matrices: from the eigenvalues
    of M^T M where their error bound is below 2^-46 * scale or within 16x of
    the bound for the singular values (i.e. where M is well conditioned), else
    from the singular values of M."""
    batch = m.shape[:-2]
    stack = m.reshape(-1, *m.shape[-2:])
    fast, bound, svd_bound = _nuclear_fast(stack)
    scales = np.broadcast_to(scale, batch).reshape(-1)
    slow = ~((bound <= _FAST_ROUTE_BUDGET * scales) | (bound <= _FAST_ROUTE_LOSS * svd_bound))
    if slow.any():
        fast[slow] = np.linalg.svd(stack[slow], compute_uv=False).sum(axis=-1)
    out: np.ndarray = fast.reshape(batch)
    return out


def trace_term(f1: np.ndarray, f2: np.ndarray, tr1: np.ndarray, tr2: np.ndarray) -> np.ndarray:
    """tr S1 + tr S2 - 2 tr (S1^{1/2} S2 S1^{1/2})^{1/2} from factors, clipped at zero."""
    m = np.matmul(np.swapaxes(f2, -1, -2), f1)
    nuc = nuclear_norm(m, tr1 + tr2)
    out: np.ndarray = np.maximum((tr1 + tr2) - 2.0 * nuc, 0.0)
    return out
