r"""The everyday divergences between histograms: Hellinger, total variation,
Bhattacharyya, Pearson's chi-squared, Jeffreys and the population stability
index.

The conventions are those of :func:`pydiv.kl_divergence`: array-likes in,
``p`` broadcast against ``q``, one distribution per row (``axis=-1``),
inputs normalised along ``axis`` (counts are fine), ``keepdims`` and
``dtype``, float64 accumulation.  Each reduces in C++ with two passes per
row (the totals, then the terms of the rows as given weighed by the ratio of
the totals, formed without cancellation), so near-identical histograms keep
full relative accuracy and no normalised copy is made.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _core
from ._checks.reduce import reduce_rows, smoothed
from .typing import BhattacharyyaKind, Reduced

__all__ = [
    "PSI_EPS",
    "bhattacharyya",
    "chi2_divergence",
    "hellinger",
    "jeffreys",
    "population_stability_index",
    "total_variation",
]

# The floor on the bin shares of population_stability_index by default.
PSI_EPS = 1e-4

_COMMON = """
    Parameters
    ----------
    p, q : array_like
        Non-negative weights (probabilities or counts), normalised along
        `axis`; they broadcast against each other.
    axis : int, default -1
        Axis along which the distributions lie; the others are batch axes.
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64, also for float32 input).
"""


def _kernel(kind: int) -> Any:
    def rows(blocks: list[tuple[np.ndarray, ...]]) -> np.ndarray:
        parts = [_core.divergence_rows(kind, np.asarray(b[0], np.float64), np.asarray(b[1], np.float64), 0)
                 for b in blocks]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    return rows


def _reduce(kind: int, p: Any, q: Any, axis: Any, keepdims: Any, dtype: Any, base: Any = None) -> Any:
    return reduce_rows(_kernel(kind), p, q, base, axis, keepdims, dtype)


@overload
def hellinger(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
              dtype: None = ...) -> Reduced: ...
@overload
def hellinger(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
              dtype: DTypeLike) -> Any: ...
def hellinger(p: ArrayLike, q: ArrayLike, *, axis: int = -1, keepdims: bool = False,
              dtype: DTypeLike | None = None) -> Any:
    r"""Hellinger distance.

    .. math::

        H(p, q) = \sqrt{\tfrac12 \textstyle\sum_i (\sqrt{p_i} - \sqrt{q_i})^2}
                = \sqrt{1 - BC(p, q)}

    A metric in :math:`[0, 1]` (1 for disjoint supports).  This is the
    convention with the factor 1/2 (so that the maximum is 1); some texts
    omit it, which multiplies the distance by :math:`\sqrt 2`.  Each term is
    computed as :math:`(p_i - q_i)^2 / (\sqrt{p_i} + \sqrt{q_i})^2`, never
    through :math:`1 - BC`, which cancels for close distributions.
    {common}
    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.hellinger([1, 0], [0, 1]))
    1.0
    >>> round(float(pydiv.hellinger([0.5, 0.5], [0.9, 0.1])), 12)
    0.324919696233
    """
    return _reduce(_core.DIV_HELLINGER, p, q, axis, keepdims, dtype)


@overload
def total_variation(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
                    dtype: None = ...) -> Reduced: ...
@overload
def total_variation(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
                    dtype: DTypeLike) -> Any: ...
def total_variation(p: ArrayLike, q: ArrayLike, *, axis: int = -1, keepdims: bool = False,
                    dtype: DTypeLike | None = None) -> Any:
    r"""Total variation distance :math:`\tfrac12 \sum_i |p_i - q_i|`, in :math:`[0, 1]`.

    The largest difference of the probabilities the two distributions give
    to one event.
    {common}
    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.total_variation([3, 1], [1, 1]))
    0.25
    """
    return _reduce(_core.DIV_TOTAL_VARIATION, p, q, axis, keepdims, dtype)


@overload
def bhattacharyya(p: ArrayLike, q: ArrayLike, *, kind: BhattacharyyaKind = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: None = ...) -> Reduced: ...
@overload
def bhattacharyya(p: ArrayLike, q: ArrayLike, *, kind: BhattacharyyaKind = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: DTypeLike) -> Any: ...
def bhattacharyya(p: ArrayLike, q: ArrayLike, *, kind: BhattacharyyaKind = "distance", axis: int = -1,
                  keepdims: bool = False, dtype: DTypeLike | None = None) -> Any:
    r"""Bhattacharyya distance :math:`-\log BC(p, q)`, or the coefficient
    :math:`BC(p, q) = \sum_i \sqrt{p_i q_i}` with ``kind="coefficient"``.

    The distance is 0 for equal distributions and ``inf`` for disjoint ones;
    it is not a metric (no triangle inequality).  Above :math:`BC = 1/2`
    (:math:`H^2 < 1/2`) the distance is computed as :math:`-\log(1 - H^2)`
    from the Hellinger terms, which keeps its relative accuracy near
    identity; below, from the coefficient's own sum (both sums in one pass).
    {common}    kind : {{"distance", "coefficient"}}, default "distance"

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.bhattacharyya([1, 1], [1, 1], kind="coefficient"))
    1.0
    >>> float(pydiv.bhattacharyya([1, 0], [0, 1]))
    inf
    """
    if kind not in ("distance", "coefficient"):
        raise ValueError(f"kind must be 'distance' or 'coefficient', got {kind!r}")
    if kind == "coefficient":
        return _reduce(_core.DIV_BHATTACHARYYA, p, q, axis, keepdims, dtype)
    return _reduce(_core.DIV_BHATTACHARYYA_DISTANCE, p, q, axis, keepdims, dtype)  # both sums in one pass


@overload
def chi2_divergence(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
                    dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def chi2_divergence(p: ArrayLike, q: ArrayLike, *, axis: int = ..., keepdims: bool = ...,
                    dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def chi2_divergence(p: ArrayLike, q: ArrayLike, *, axis: int = -1, keepdims: bool = False,
                    dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None) -> Any:
    r"""Pearson's :math:`\chi^2` divergence :math:`\sum_i (p_i - q_i)^2 / q_i`.

    ``inf`` where some :math:`p_i > 0` meets :math:`q_i = 0`.  Neyman's
    :math:`\chi^2`, :math:`\sum_i (p_i - q_i)^2 / p_i`, is
    ``chi2_divergence(q, p)``.  Unlike :func:`scipy.stats.chisquare`, which
    tests counts against expected counts, this is the divergence of the
    normalised distributions.
    {common}    pseudocount : float, optional
        Added to every bin of both inputs before normalising (additive
        smoothing); off by default.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1), with the shares
        renormalised, as :func:`population_stability_index` does; off by
        default.  Give `pseudocount` or `eps`, not both.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.chi2_divergence([0.5, 0.5], [0.25, 0.75]))
    0.3333333333333333
    """
    p, q = smoothed(p, q, pseudocount, eps, axis)
    return _reduce(_core.DIV_CHI2, p, q, axis, keepdims, dtype)


@overload
def jeffreys(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
             dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def jeffreys(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
             dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def jeffreys(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
             dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None) -> Any:
    r"""Jeffreys divergence, the symmetric KL:
    :math:`D_{KL}(p\|q) + D_{KL}(q\|p) = \sum_i (p_i - q_i) \log(p_i / q_i)`.

    ``inf`` where one distribution has mass where the other has none.
    {common}    base : float, optional
        Logarithm base (natural by default).
    pseudocount : float, optional
        Added to every bin of both inputs before normalising; off by default.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1), with the shares
        renormalised, as :func:`population_stability_index` does; off by
        default.  Give `pseudocount` or `eps`, not both.

    Examples
    --------
    >>> import pydiv
    >>> round(float(pydiv.jeffreys([0.5, 0.5], [0.25, 0.75])), 15)
    0.274653072167027
    """
    p, q = smoothed(p, q, pseudocount, eps, axis)
    return _reduce(_core.DIV_JEFFREYS, p, q, axis, keepdims, dtype, base)


@overload
def population_stability_index(p: ArrayLike, q: ArrayLike, *, eps: float | None = ..., axis: int = ...,
                               keepdims: bool = ..., dtype: None = ...) -> Reduced: ...
@overload
def population_stability_index(p: ArrayLike, q: ArrayLike, *, eps: float | None = ..., axis: int = ...,
                               keepdims: bool = ..., dtype: DTypeLike) -> Any: ...
def population_stability_index(p: ArrayLike, q: ArrayLike, *, eps: float | None = PSI_EPS, axis: int = -1,
                               keepdims: bool = False, dtype: DTypeLike | None = None) -> Any:
    r"""Population stability index of `q` (current, actual) against `p`
    (reference, expected): :math:`\sum_i (p_i - q_i) \ln(p_i / q_i)` over the
    normalised bins.

    The drift monitors' statistic (below 0.1: no shift; above 0.25: a large
    one, by the usual rule of thumb).  It is :func:`jeffreys` in nats, with
    one difference that makes it usable on sparse histograms: a bin share
    below `eps` is raised to `eps` (and the shares renormalised), so an empty
    bin gives a large finite value rather than ``inf``.  ``eps=None`` is the
    exact value.  Drift tools floor empty bins at about 1e-4 too (the evidently library
    replaces a zero share by 1e-4 without renormalising, so its values can
    differ from these by about `eps` per empty bin).
    {common}    eps : float or None, default 1e-4
        Floor on the bin shares; None for none.

    Examples
    --------
    >>> import pydiv
    >>> round(float(pydiv.population_stability_index([50, 30, 20], [40, 30, 30])), 12)
    0.062860865942
    """
    p, q = smoothed(p, q, eps=eps, axis=axis)
    return _reduce(_core.DIV_JEFFREYS, p, q, axis, keepdims, dtype)


for _f in (hellinger, total_variation, bhattacharyya, chi2_divergence, jeffreys, population_stability_index):
    _f.__doc__ = (_f.__doc__ or "").replace("{common}", _COMMON.rstrip("\n") + "\n").replace("{{", "{").replace(
        "}}", "}")
