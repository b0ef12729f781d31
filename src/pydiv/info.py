"""Entropy, cross-entropy, Kullback-Leibler and Jensen-Shannon divergences.

Every function normalises its inputs along ``axis`` (as :func:`scipy.stats.entropy`
does), broadcasts ``p`` against ``q`` like NumPy, and reduces in one fused C++
pass with float64 accumulation, also for float32 input.

Unlike scipy, the default is ``axis=-1``: one distribution per row, as
everywhere in pydiv (scipy reduces along ``axis=0``, one per column), so on
2-D input ``pydiv.entropy(P)`` equals ``scipy.stats.entropy(P, axis=1)``.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _core
from ._checks import check_distance_base
from ._checks.reduce import reduce_rows, smoothed
from .typing import Reduced

__all__ = ["cross_entropy", "entropy", "js_divergence", "jensenshannon", "kl_divergence"]

_ndarray = np.ndarray
_fast_dtypes = (np.dtype(np.float64), np.dtype(np.float32))


def _rows_result(kind: int, blocks: list[tuple[np.ndarray, ...]]) -> np.ndarray:
    """Per-row results of the (outer, inner, k) blocks of p (and q), in order."""
    results = [_core.info_rows(kind, b[0], b[1] if len(b) > 1 else None, 0) for b in blocks]
    return results[0] if len(results) == 1 else np.concatenate(results)


def _defaults(base: Any, axis: Any, keepdims: Any, dtype: Any) -> bool:
    """Whether the options are the defaults, so the fast path may run (an
    `axis` of -1.0 or a `keepdims` of 0 goes through the checks instead)."""
    return base is None and type(axis) is int and axis == -1 and keepdims is False and dtype is None


def _reduce(kind: int, p: Any, q: Any, base: Any, axis: Any, keepdims: bool, dtype: Any) -> Any:
    return reduce_rows(lambda blocks: _rows_result(kind, blocks), p, q, base, axis, keepdims, dtype)


def _vector(kind: int, p: Any, q: Any) -> Any:
    """The fast path: two 1-D float arrays of one dtype and default options.

    Returns None when the inputs need the general path (it also reports errors).
    """
    if (
        type(p) is _ndarray
        and (q is None or (type(q) is _ndarray and q.dtype == p.dtype and q.shape == p.shape))
        and p.ndim == 1
        and p.dtype in _fast_dtypes
        and p.shape[0] > 0
    ):
        r = _core.info_vector(kind, p, q)
        if r == r:
            return np.float64(r)
    return None


@overload
def entropy(p: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ..., dtype: None = ...
            ) -> Reduced: ...
@overload
def entropy(p: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ..., dtype: DTypeLike
            ) -> Any: ...
def entropy(p: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
            dtype: DTypeLike | None = None) -> Any:
    r"""Shannon entropy of a distribution.

    .. math::

        H(p) = -\sum_i p_i \log p_i, \qquad p \leftarrow p / \textstyle\sum_i p_i

    Parameters
    ----------
    p : array_like
        Non-negative weights (probabilities or counts); normalised along `axis`.
    base : float, optional
        Logarithm base; the natural logarithm (nats) by default, 2 gives bits.
    axis : int, default -1
        Axis along which the distribution lies; the others are batch axes.
        The default differs from scipy's ``axis=0``: pydiv reads one
        distribution per row (pass ``axis=0`` for scipy's columns).
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64, also for float32 input).

    Returns
    -------
    float or ndarray
        The entropy, with `axis` removed from the input's shape.

    Notes
    -----
    Uses :math:`0 \log 0 = 0`.  Matches :func:`scipy.stats.entropy` with one
    argument.

    Raises
    ------
    ValueError
        If `p` has negative, NaN or infinite entries, sums to zero, is empty, or
        `base` is not a positive number other than 1.
    TypeError
        If `p` is not real-valued numeric data.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.entropy([1, 1, 1, 1], base=2))
    2.0
    """
    if _defaults(base, axis, keepdims, dtype):
        r = _vector(_core.INFO_ENTROPY, p, None)
        if r is not None:
            return r
    return _reduce(_core.INFO_ENTROPY, p, None, base, axis, keepdims, dtype)


@overload
def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def cross_entropy(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
    dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None,
) -> Any:
    r"""Cross-entropy of `q` relative to `p`.

    .. math::

        H(p, q) = -\sum_i p_i \log q_i = H(p) + D_{KL}(p \,\|\, q)

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, normalised along `axis`; they broadcast against
        each other.
    base : float, optional
        Logarithm base (natural by default).
    axis : int, default -1
        Axis along which the distributions lie; the others are batch axes.
        The default differs from scipy's ``axis=0``: pydiv reads one
        distribution per row (pass ``axis=0`` for scipy's columns).
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64).
    pseudocount : float, optional
        Added to every bin of `p` and `q` before they are normalised
        (additive smoothing: 1 is Laplace's, 0.5 Jeffreys'), so that an
        empty bin no longer makes the divergence infinite.  Off by default:
        the exact divergence of the inputs as given.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1): a share below it is
        raised to it and the shares are renormalised, the rule drift tools
        use (see :func:`pydiv.population_stability_index`).  Off by default;
        give `pseudocount` or `eps`, not both.

    Returns
    -------
    float or ndarray
        The cross-entropy; ``inf`` where some ``p_i > 0`` meets ``q_i = 0``.

    Notes
    -----
    Terms with ``p_i = 0`` contribute nothing, whatever ``q_i`` is.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.cross_entropy([0.5, 0.5], [0.25, 0.75], base=2))
    1.207518749639422
    """
    p, q = smoothed(p, q, pseudocount, eps, axis)
    if _defaults(base, axis, keepdims, dtype):
        r = _vector(_core.INFO_CROSS_ENTROPY, p, q)
        if r is not None:
            return r
    return _reduce(_core.INFO_CROSS_ENTROPY, p, q, base, axis, keepdims, dtype)


@overload
def kl_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def kl_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def kl_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
    dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None,
) -> Any:
    r"""Kullback-Leibler divergence of `q` from `p`.

    .. math::

        D_{KL}(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    The information lost when `q` is used to approximate `p`; zero exactly when
    the normalised distributions are equal, and not symmetric.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, normalised along `axis`; they broadcast against
        each other.
    base : float, optional
        Logarithm base (natural by default).
    axis : int, default -1
        Axis along which the distributions lie; the others are batch axes.
        The default differs from scipy's ``axis=0``: pydiv reads one
        distribution per row (pass ``axis=0`` for scipy's columns).
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64).
    pseudocount : float, optional
        Added to every bin of `p` and `q` before they are normalised
        (additive smoothing: 1 is Laplace's, 0.5 Jeffreys'), so that an
        empty bin no longer makes the divergence infinite.  Off by default:
        the exact divergence of the inputs as given.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1): a share below it is
        raised to it and the shares are renormalised, the rule drift tools
        use (see :func:`pydiv.population_stability_index`).  Off by default;
        give `pseudocount` or `eps`, not both.

    Returns
    -------
    float or ndarray
        The divergence, ``>= 0``; ``inf`` where some ``p_i > 0`` meets ``q_i = 0``.

    Notes
    -----
    Same values as ``scipy.stats.entropy(p, q)``.  Unnormalised counts are
    handled in one pass through
    :math:`D(a/A \| b/B) = \frac{1}{A}\sum_i a_i \log\frac{a_i}{b_i} + \log\frac{B}{A}`;
    a row is read a second time only when that identity would cancel digits.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.kl_divergence([0.5, 0.5], [0.25, 0.75], base=2))
    0.20751874963942185
    >>> float(pydiv.kl_divergence([1, 0], [0, 1]))
    inf
    """
    p, q = smoothed(p, q, pseudocount, eps, axis)
    if _defaults(base, axis, keepdims, dtype):
        r = _vector(_core.INFO_KL, p, q)
        if r is not None:
            return r
    return _reduce(_core.INFO_KL, p, q, base, axis, keepdims, dtype)


@overload
def js_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def js_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def js_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
    dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None,
) -> Any:
    r"""Jensen-Shannon divergence.

    .. math::

        D_{JS}(p, q) = \tfrac12 D_{KL}(p \,\|\, m) + \tfrac12 D_{KL}(q \,\|\, m),
        \qquad m = \tfrac12 (p + q)

    Symmetric, always finite, and in :math:`[0, \log 2]` (``[0, 1]`` with
    ``base=2``).  Its square root is :func:`jensenshannon`, a metric.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, normalised along `axis`; they broadcast against
        each other.
    base : float, optional
        Logarithm base (natural by default).
    axis : int, default -1
        Axis along which the distributions lie; the others are batch axes.
        The default differs from scipy's ``axis=0``: pydiv reads one
        distribution per row (pass ``axis=0`` for scipy's columns).
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64).
    pseudocount : float, optional
        Added to every bin of `p` and `q` before they are normalised
        (additive smoothing: 1 is Laplace's, 0.5 Jeffreys'), so that an
        empty bin no longer makes the divergence infinite.  Off by default:
        the exact divergence of the inputs as given.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1): a share below it is
        raised to it and the shares are renormalised, the rule drift tools
        use (see :func:`pydiv.population_stability_index`).  Off by default;
        give `pseudocount` or `eps`, not both.

    Returns
    -------
    float or ndarray
        The divergence, clipped to ``[0, log 2]`` against rounding.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.js_divergence([1, 0], [0, 1], base=2))
    1.0
    """
    p, q = smoothed(p, q, pseudocount, eps, axis)
    if _defaults(base, axis, keepdims, dtype):
        r = _vector(_core.INFO_JS, p, q)
        if r is not None:
            return r
    return _reduce(_core.INFO_JS, p, q, base, axis, keepdims, dtype)


@overload
def jensenshannon(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: None = ..., pseudocount: float | None = ..., eps: float | None = ...) -> Reduced: ...
@overload
def jensenshannon(p: ArrayLike, q: ArrayLike, *, base: float | None = ..., axis: int = ..., keepdims: bool = ...,
                  dtype: DTypeLike, pseudocount: float | None = ..., eps: float | None = ...) -> Any: ...
def jensenshannon(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, keepdims: bool = False,
    dtype: DTypeLike | None = None, pseudocount: float | None = None, eps: float | None = None,
) -> Any:
    r"""Jensen-Shannon distance: the square root of :func:`js_divergence`.

    .. math::

        d_{JS}(p, q) = \sqrt{D_{JS}(p, q)}

    A metric on distributions, with the same values as
    :func:`scipy.spatial.distance.jensenshannon`, but never NaN from the square
    root of a tiny negative rounding error.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, normalised along `axis`; they broadcast against
        each other.
    base : float, optional
        Logarithm base of the divergence (natural by default).
    axis : int, default -1
        Axis along which the distributions lie; the others are batch axes.
        The default differs from scipy's ``axis=0``: pydiv reads one
        distribution per row (pass ``axis=0`` for scipy's columns).
    keepdims : bool, default False
        Keep the reduced axis with length one.
    dtype : dtype, optional
        Output dtype (default float64).
    pseudocount : float, optional
        Added to every bin of `p` and `q` before they are normalised
        (additive smoothing: 1 is Laplace's, 0.5 Jeffreys'), so that an
        empty bin no longer makes the divergence infinite.  Off by default:
        the exact divergence of the inputs as given.
    eps : float, optional
        A floor on the normalised bin shares, in (0, 1): a share below it is
        raised to it and the shares are renormalised, the rule drift tools
        use (see :func:`pydiv.population_stability_index`).  Off by default;
        give `pseudocount` or `eps`, not both.

    Returns
    -------
    float or ndarray
        The distance, in ``[0, sqrt(log 2)]``.

    Examples
    --------
    >>> import pydiv
    >>> float(pydiv.jensenshannon([1.0, 0.0], [0.5, 0.5], base=2))
    0.5579230452841438
    """
    check_distance_base(base)
    p, q = smoothed(p, q, pseudocount, eps, axis)
    if _defaults(base, axis, keepdims, dtype):
        r = _vector(_core.INFO_JS, p, q)
        if r is not None:
            return np.sqrt(r)
    return np.sqrt(_reduce(_core.INFO_JS, p, q, base, axis, keepdims, dtype))
