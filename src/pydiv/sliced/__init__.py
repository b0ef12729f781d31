"""Sliced Wasserstein distances between point clouds in R^d.

The sliced distance projects both clouds on L directions theta_l of the unit
sphere and averages the exact one-dimensional distances,

    SW_p(X, Y) = ( (1/L) sum_l W_p^p(theta_l . X, theta_l . Y) )^(1/p),

with the p-th root, as ``ot.sliced_wasserstein_distance``.  The C++ kernel
(``sliced/sliced.hpp``) fuses the projection (blocks of directions), a radix
sort of each projected row and the one-dimensional sorted merge of
:func:`pydiv.wasserstein_1d`, on OpenMP threads, with results independent of
the thread count; it never holds the (L, n) projected matrix.

Energy-based slicing (Nguyen and Ho, "Energy-based sliced Wasserstein
distance", NeurIPS 2023): the directions are weighted by an energy of their
own distance, sigma(theta) ~ exp(W_p^p(theta)); with directions drawn from a
proposal (``directions``), the importance-sampling estimator is

    EBSW_p^p ~ sum_l exp(w_l) w_l / sum_l exp(w_l),   w_l = W_p^p(theta_l),

biased for finite L but consistent, and never below the plain average.

The max-sliced distance (Deshpande et al., CVPR 2019) maximises W_p over the
sphere by projected gradient ascent from the best of several starts; the
gradient of W_p^p at theta is sum_k m_k p |s_k|^(p-1) sign(s_k) (x_i - y_j),
summed over the pieces (i, j, mass m_k, projected gap s_k) of the 1-D optimal
(monotone) matching, and each step moves along a great circle with a step
that halves until the value increases.

Modules: :mod:`~pydiv.sliced.estimators` (:func:`sliced_wasserstein`, the
result type, cloud validation and range scaling),
:mod:`~pydiv.sliced.max_sliced` (:func:`max_sliced_wasserstein`),
:mod:`~pydiv.sliced.directions` (random, orthogonal, low-discrepancy and
given directions); the distances between many clouds
are ``pairwise(clouds, metric="sliced")`` (:mod:`pydiv.pairwise.sliced_metrics`).
"""

from .estimators import SlicedResult, sliced_wasserstein
from .max_sliced import MaxSlicedResult, max_sliced_wasserstein

__all__ = ["MaxSlicedResult", "SlicedResult", "max_sliced_wasserstein", "sliced_wasserstein"]
