"""One-dimensional Wasserstein distances and the energy distance.

Samples are sorted with NumPy (``np.sort`` / ``np.argsort``, SIMD-accelerated),
then one C++ linear merge of the two sorted supports gives the distance:

* :math:`W_1` and the energy distance integrate a function of the difference
  of the two CDFs (the same values as :func:`scipy.stats.wasserstein_distance`
  and :func:`scipy.stats.energy_distance`);
* :math:`W_p` for real :math:`p \\ge 1` integrates
  :math:`|F_u^{-1} - F_v^{-1}|^p` over the quantile levels, walking the
  breakpoints of both quantile functions (the true p-Wasserstein distance,
  whose p-th power ``ot.wasserstein_1d`` returns).

Two-dimensional inputs hold one sample per row and give one distance per row;
large inputs are sorted on several threads and merged with OpenMP.

Modules: :mod:`~pydiv.wasserstein.samples` (:func:`wasserstein_1d`,
:func:`energy_distance`), :mod:`~pydiv.wasserstein.histograms`
(:func:`wasserstein_hist`), :mod:`~pydiv.wasserstein.sorting` (sample
validation and the sorting threads), :mod:`~pydiv.wasserstein.quantile_fallback`
(the NumPy quantile merge where the kernels' :math:`W_p` pieces under- or
overflow), :mod:`~pydiv.wasserstein.circle` (:func:`wasserstein_circle`, exact
:math:`W_p` between distributions on a circle).
"""

from .circle import wasserstein_circle
from .histograms import wasserstein_hist
from .samples import energy_distance, wasserstein_1d

__all__ = ["energy_distance", "wasserstein_1d", "wasserstein_circle", "wasserstein_hist"]
