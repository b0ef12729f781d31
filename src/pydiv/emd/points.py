r"""Exact p-Wasserstein distances between weighted point clouds.

:func:`solve_points` solves one problem and returns the distance with the
plan it comes from; :func:`wasserstein_nd` is built on it (and, for a batch
of clouds, on :func:`solve_points_batch`, from :mod:`pydiv.emd.points_batch`).

The ground costs ``d(x_i, y_j)**p`` are computed in C++: up to a few million
pairs into a matrix first, beyond on the fly (memory :math:`O(n + m)`).
Costs that would leave the solver's range are brought into it by shifting
the points and dividing them by a power of two (exact); the distance scales
back by that power, and the plan, being that of the scaled problem, is the
plan of the returned distance.  Invariant: every returned plan has total
mass 1 (the weights are normalised), whatever path produced it.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from .._checks import balanced_weights, check_weights, rescaling, thread_request
from ..typing import FloatArray, GroundMetric, IntArray
from .points_batch import solve_points_batch
from .points_common import FAILED, OVERFLOW, check_clouds, points_options, scaled_distance, solve_scaled
from .result import make_result

__all__ = ["solve_points", "solve_points_batch", "wasserstein_nd"]


def solve_points(
    x: ArrayLike, y: ArrayLike, a: ArrayLike | None = None, b: ArrayLike | None = None, *, p: float = 1,
    metric: GroundMetric = "euclidean",
    w: float | None = None, max_iter: int | None = None,
) -> tuple[float, IntArray, IntArray, FloatArray]:
    """W_p between two weighted point clouds and the optimal plan it comes from.

    Same arguments, checks and errors as :func:`~pydiv.wasserstein_nd`.  Returns
    ``(distance, rows, cols, mass)``: the distance :func:`~pydiv.wasserstein_nd`
    returns, and the basic optimal plan in coordinate form
    (``P[rows[k], cols[k]] = mass[k] > 0``) normalised to total mass 1, so
    that ``distance**p == sum(mass * d(x[rows], y[cols])**p)`` up to rounding.

    Examples
    --------
    >>> from pydiv.emd import solve_points
    >>> distance, rows, cols, mass = solve_points([[0.0], [1.0]], [[3.0], [1.0]])
    >>> distance, rows.tolist(), cols.tolist(), mass.tolist()
    (1.5, [0, 1], [1, 0], [0.5, 0.5])
    """
    opts = points_options(p, metric, w, max_iter)
    xa, ya = check_clouds(x, y)
    n, m = xa.shape[0], ya.shape[0]
    aa, bb, total = balanced_weights(check_weights(a, n, "a", "point of x"),
                                      check_weights(b, m, "b", "point of y"))
    shift = rescaling(xa, ya, opts.power, n + m, always=False)
    raw, shift = solve_scaled(aa, bb, xa, ya, opts, None, shift)
    if raw[1] in FAILED:
        raise ValueError(f"x and y: {OVERFLOW}")
    res = make_result(raw, "wasserstein_nd", stacklevel=3)
    mass = res.mass / total
    mass.setflags(write=False)
    return scaled_distance(res.cost, total, opts, shift), res.rows, res.cols, mass


def wasserstein_nd(
    x: ArrayLike,
    y: ArrayLike,
    a: ArrayLike | None = None,
    b: ArrayLike | None = None,
    *,
    p: float = 1,
    metric: GroundMetric = "euclidean",
    w: float | None = None,
    max_iter: int | None = None,
    n_jobs: int | None = None,
) -> float:
    r"""p-Wasserstein distance between two weighted point clouds.

    .. math::

        W_p(\mu, \nu) = \Bigl( \min_{P \in \Pi(a, b)} \sum_{ij} d(x_i, y_j)^p P_{ij} \Bigr)^{1/p}

    solved exactly (network simplex).  Up to a few million pairs the cost
    matrix is built in C++ first; beyond, costs are computed on the fly, so
    memory stays :math:`O(n + m)` (e.g. 10 000 x 10 000 points need no
    800 MB matrix).

    Parameters
    ----------
    x : array_like of shape (n, d) or (n,), or (B, n, d) for a batch
        Source points (1-D input: points on a line).
    y : array_like of shape (m, d) or (m,), or (B, m, d) for a batch
        Target points, same dimension `d`.
    a, b : array_like, optional
        Non-negative weights of the points, normalised to sum 1 (uniform by
        default); for a batch, of shape (B, n) or (n,) (shared), and alike.
    p : float, default 1
        Order :math:`p \ge 1`; the ground cost is :math:`d(x, y)^p`.
    metric : {"euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski"}
        The ground distance `d` (``"sqeuclidean"`` is the squared Euclidean
        distance, so ``p=1`` with it gives :math:`W_2^2`).
    w : float, optional
        Order of the Minkowski distance (``metric="minkowski"`` only; default 2).
    max_iter : int, optional
        Pivot limit, as in :func:`~pydiv.emd`.
    n_jobs : int, optional
        Threads across the problems of a batch (``None`` or -1: the OpenMP
        default); one problem runs on one thread.

    Returns
    -------
    float
        :math:`W_p`.  For a batch (3-D `x` and `y`), an ndarray of shape (B,),
        each entry exactly the value of its own call
        (:func:`pydiv.emd.wasserstein_nd_batch` has that type).

    Examples
    --------
    Two parallel segments at distance 0.7:

    >>> import numpy as np, pydiv
    >>> t = np.linspace(0, 1, 5)
    >>> x = np.c_[np.zeros(5), t]; y = np.c_[np.full(5, 0.7), t]
    >>> round(pydiv.wasserstein_nd(x, y), 12)
    0.7
    """
    if np.ndim(x) == 3 or np.ndim(y) == 3:
        values = solve_points_batch(x, y, a, b, p=p, metric=metric, w=w, max_iter=max_iter, n_jobs=n_jobs)[0]
        return cast(float, values)  # a batch, typed as the single case (see pydiv.emd.emd)
    thread_request(n_jobs)
    return solve_points(x, y, a, b, p=p, metric=metric, w=w, max_iter=max_iter)[0]

