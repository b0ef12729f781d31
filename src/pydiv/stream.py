"""Streaming accumulators: divergences of data that arrives in chunks.

Each accumulator takes consecutive chunks of the distributions along `axis`
with :meth:`update`, combines with another accumulator of the same kind with
:meth:`merge` (for reductions across workers or processes; accumulators
pickle), and gives with :meth:`result` the value the one-shot function would
give on the concatenated data.

Entropy, cross-entropy and KL accept unnormalised counts in a single pass,
through the identities (with :math:`A = \\sum a`, :math:`B = \\sum b`)

.. math::

    H(a/A)            &= -\\tfrac{1}{A} \\sum a \\log a + \\log A \\\\
    H(a/A, b/B)       &= -\\tfrac{1}{A} \\sum a \\log b + \\log B \\\\
    D_{KL}(a/A\\|b/B)  &= \\tfrac{1}{A} \\sum a \\log (a/b) + \\log (B/A)

Jensen-Shannon has no such identity: the mixture depends on both totals, so
:class:`JSDivergence` needs the totals up front (a first pass over the data,
or known counts).
"""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np

from . import _core
from ._validation import (
    as_real_array,
    broadcast_shape,
    check_base,
    common_float,
    normalize_axis,
    raise_for_distribution,
)

__all__ = ["CrossEntropy", "Entropy", "JSDivergence", "KLDivergence"]


_TOO_LARGE = (
    "the chunks' sums overflow float64 (entries near 1e308, or too many large ones); "
    "divide every chunk by the same factor first"
)


class _Accumulator:
    _kind: int
    _two_inputs = True

    def __init__(self, *, axis: int = -1) -> None:
        self._axis = axis
        self._batch_shape: tuple[int, ...] | None = None
        self._s: np.ndarray | None = None
        self._a: np.ndarray | None = None
        self._b: np.ndarray | None = None
        self._n_inf: np.ndarray | None = None
        self._scales = (1.0, 1.0)

    def _partials(self, p: Any, q: Any) -> tuple[tuple[int, ...], np.ndarray]:
        pa = as_real_array(p, "p_chunk")
        if self._two_inputs:
            qa = as_real_array(q, "q_chunk")
            pa, qa = common_float(pa, qa)
            shape = broadcast_shape(pa, qa, ("p_chunk", "q_chunk"))
            arrays: tuple[np.ndarray, ...] = (pa, qa)
        else:
            (pa,) = common_float(pa)
            shape = pa.shape
            arrays = (pa,)
        if len(shape) == 0:
            raise ValueError("p_chunk must have at least one dimension")
        ax = normalize_axis(self._axis, len(shape))
        batch = shape[:ax] + shape[ax + 1 :]
        n_rows = math.prod(batch)  # reshape(-1, 0) would be ambiguous for an empty chunk
        rows = [np.moveaxis(np.broadcast_to(a, shape), ax, -1).reshape(n_rows, shape[ax]) for a in arrays]
        if shape[ax] == 0 or rows[0].shape[0] == 0:
            return batch, np.zeros((rows[0].shape[0], 4))
        sp, sq = self._scales
        parts = _core.info_partials(self._kind, rows[0], rows[1] if self._two_inputs else None, sp, sq)
        if np.isnan(parts[:, 0]).any():
            for name, a in zip(("p_chunk", "q_chunk"), arrays):
                if np.isnan(a).any() or np.isinf(a).any() or (a < 0).any():
                    raise_for_distribution(a, name)
        if not np.isfinite(parts[:, :3]).all():
            raise ValueError(_TOO_LARGE)
        return batch, parts

    def update(self, p_chunk: Any, q_chunk: Any = None) -> Self:
        """Add the next chunk of the distribution(s); returns self."""
        if self._two_inputs and q_chunk is None:
            raise TypeError(f"{type(self).__name__}.update needs q_chunk")
        if not self._two_inputs and q_chunk is not None:
            raise TypeError(f"{type(self).__name__}.update takes only p_chunk")
        batch, parts = self._partials(p_chunk, q_chunk)
        if self._batch_shape is None:
            self._batch_shape = batch
            self._s, self._a, self._b, self._n_inf = (parts[:, k].copy() for k in range(4))
            return self
        if batch != self._batch_shape:
            raise ValueError(
                f"chunk has batch shape {batch}, but earlier chunks had {self._batch_shape}"
            )
        self._add(parts[:, 0], parts[:, 1], parts[:, 2], parts[:, 3])
        return self

    def _add(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> None:
        """Add partial sums, leaving the state unchanged if a total would overflow."""
        with np.errstate(over="ignore"):
            new = [self._s + s, self._a + a, self._b + b]
        if not all(np.isfinite(x).all() for x in new):
            raise ValueError(_TOO_LARGE)
        self._s, self._a, self._b = new
        self._n_inf = self._n_inf + n_inf

    def merge(self, other: _Accumulator) -> Self:
        """Fold in another accumulator of the same kind (e.g. from another worker); returns self."""
        if type(other) is not type(self):
            raise TypeError(f"cannot merge {type(other).__name__} into {type(self).__name__}")
        if other._scales != self._scales:
            raise ValueError("cannot merge accumulators built with different totals")
        if other._batch_shape is None:
            return self
        if self._batch_shape is None:
            self._batch_shape = other._batch_shape
            self._s, self._a, self._b, self._n_inf = (
                x.copy() for x in (other._s, other._a, other._b, other._n_inf)  # type: ignore[union-attr]
            )
            return self
        if other._batch_shape != self._batch_shape:
            raise ValueError(
                f"cannot merge batch shape {other._batch_shape} into {self._batch_shape}"
            )
        self._add(other._s, other._a, other._b, other._n_inf)  # type: ignore[arg-type]
        return self

    def _finish(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def result(self, *, base: Any = None) -> Any:
        """The divergence of everything added so far (float, or array over batch axes)."""
        b = check_base(base)
        if self._batch_shape is None:
            raise ValueError("no data: call update() with at least one chunk first")
        if (self._a == 0).any():  # type: ignore[union-attr]  # set once _batch_shape is
            raise ValueError("p sums to zero over all chunks, so it cannot be normalised")
        if self._two_inputs and (self._b == 0).any():  # type: ignore[union-attr]
            raise ValueError("q sums to zero over all chunks, so it cannot be normalised")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            out = self._finish(self._s, self._a, self._b, self._n_inf)  # type: ignore[arg-type]
        if b is not None:
            out = out / math.log(b)
        out = out.reshape(self._batch_shape)
        return out[()] if out.ndim == 0 else out


class Entropy(_Accumulator):
    """Streaming :func:`pydiv.entropy`; accepts unnormalised counts in one pass.

    Examples
    --------
    >>> from pydiv.stream import Entropy
    >>> acc = Entropy()
    >>> _ = acc.update([1, 1]).update([1, 1])
    >>> float(acc.result(base=2))
    2.0
    """

    _kind = _core.INFO_ENTROPY
    _two_inputs = False

    def _finish(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        return -s / a + np.log(a)  # type: ignore[no-any-return]


class CrossEntropy(_Accumulator):
    """Streaming :func:`pydiv.cross_entropy`; accepts unnormalised counts in one pass.

    Examples
    --------
    >>> from pydiv.stream import CrossEntropy
    >>> acc = CrossEntropy().update([0.5], [0.25]).update([0.5], [0.75])
    >>> round(float(acc.result(base=2)), 12)
    1.207518749639
    """

    _kind = _core.INFO_CROSS_ENTROPY

    def _finish(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        return np.where(n_inf > 0, np.inf, -s / a + np.log(b))


class KLDivergence(_Accumulator):
    """Streaming :func:`pydiv.kl_divergence`; accepts unnormalised counts in one pass.

    Examples
    --------
    >>> from pydiv.stream import KLDivergence
    >>> acc = KLDivergence().update([1, 1], [1, 3])
    >>> round(float(acc.result(base=2)), 12)
    0.207518749639
    """

    _kind = _core.INFO_KL

    def _finish(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        ratio = b / a  # log(b / a) is exact-er than log(b) - log(a), unless b / a leaves the float range
        log_ratio = np.where((ratio > 0) & (ratio < np.inf), np.log(ratio), np.log(b) - np.log(a))
        return np.where(n_inf > 0, np.inf, np.maximum(s / a + log_ratio, 0.0))


class JSDivergence(_Accumulator):
    """Streaming :func:`pydiv.js_divergence`.

    The mixture :math:`m = (p/P + q/Q)/2` needs both totals, so they must be
    given up front (`p_total`, `q_total`: scalars, or arrays over the batch
    axes are not supported; use one accumulator per distribution pair).  Data
    already normalised needs ``p_total=1, q_total=1``.

    Examples
    --------
    >>> from pydiv.stream import JSDivergence
    >>> acc = JSDivergence(p_total=2, q_total=2).update([2, 0], [0, 2])
    >>> float(acc.result(base=2))
    1.0
    """

    _kind = _core.INFO_JS

    def __init__(self, *, p_total: float, q_total: float, axis: int = -1) -> None:
        super().__init__(axis=axis)
        for name, total in (("p_total", p_total), ("q_total", q_total)):
            try:  # 1 / total must be a positive finite float too
                ok = isinstance(total, (int, float, np.integer, np.floating)) and 0 < 1.0 / float(total) < math.inf
            except (OverflowError, ZeroDivisionError):
                ok = False
            if not ok:
                raise ValueError(f"{name} must be a positive finite number, got {total!r}")
        self._scales = (1.0 / float(p_total), 1.0 / float(q_total))

    def _finish(self, s: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        if not (np.allclose(a, 1.0, rtol=1e-9, atol=0) and np.allclose(b, 1.0, rtol=1e-9, atol=0)):
            raise ValueError(
                "the chunks do not add up to p_total and q_total; pass the true totals"
            )
        return np.clip(0.5 * s, 0.0, math.log(2.0))
