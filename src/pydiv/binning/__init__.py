"""Histograms of two sample sets on shared edges, one feature (column) at a time.

:func:`histogram` bins both datasets of every column on the same edges
(uniform as :func:`numpy.histogram_bin_edges`, explicit, or quantiles of the
reference dataset) in one threaded C++ pass (``src/cpp/binning/``), with
counts equal to :func:`numpy.histogram`'s on those edges.  The result, a
:class:`Histogram`, feeds the histogram divergences (``kl_divergence``,
``js_divergence``, ``wasserstein_hist``) column by column.

Modules: ``checks`` (argument validation), ``histogram`` (the function and
its result class).
"""

from __future__ import annotations

from .histogram import Histogram, histogram

__all__ = ["Histogram", "histogram"]
