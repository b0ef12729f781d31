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

The state is, per row and distribution, the totals and the mean of the log
term, each side in units of its own power of two: a row is scaled only where
its sums would overflow or are so small that its terms would lose digits, so
entries far below a row's maximum survive as they do in the one-shot
functions.
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


_LN2 = math.log(2.0)
_TOO_LARGE = (
    "the chunks' sums overflow float64 (entries near 1e308, or too many large ones); "
    "divide every chunk by the same factor first"
)


# Sums below this are scaled up (exactly, by a power of two) so that their
# terms keep their digits; sums that overflow are scaled down just enough.
_TINY = 2.0**-900


def _row_exponents(rows: np.ndarray, need: np.ndarray, tiny: np.ndarray) -> np.ndarray:
    """Per row, e such that 2^e * row is safe: 0 where `need` is false; for a
    tiny row, the maximum brought near 1; for a row whose sums overflow, down
    no further than n values at the maximum times a log (under 2^11) need, so
    small entries survive as they do in the one-shot functions."""
    e = np.zeros(rows.shape[0], dtype=np.int64)
    if need.any():
        peak = rows[need].max(axis=1)
        _, exponent = np.frexp(peak)
        n_bits = int(math.frexp(float(rows.shape[1]))[1])
        down = -np.maximum(exponent - 1 + n_bits + 1 + 11 - 1023, 1)
        e[need] = np.where(tiny[need], np.minimum(1 - exponent, 1074), down)
    return e


class _Accumulator:
    _kind: int
    _two_inputs = True
    # Entropy, cross-entropy and KL scale each row by a power of two where
    # needed; Jensen-Shannon's totals scale its chunks instead.
    _scaled = True

    def __init__(self, *, axis: int = -1) -> None:
        self._axis = axis
        self._batch_shape: tuple[int, ...] | None = None
        self._mean: np.ndarray | None = None  # (1/A) sum of the log term (JS: the sum itself)
        self._a: np.ndarray | None = None
        self._b: np.ndarray | None = None
        self._n_inf: np.ndarray | None = None
        self._scales = (1.0, 1.0)
        # Per row, the state of p and of q is in units of 2^-e: these e.
        self._units: tuple[np.ndarray, np.ndarray] | None = None

    def _rows(self, p: Any, q: Any) -> tuple[tuple[int, ...], list[np.ndarray], tuple[np.ndarray, ...]]:
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
        return batch, rows, arrays

    def _call(self, rows: list[np.ndarray], sp: float, sq: float) -> np.ndarray:
        return _core.info_partials(self._kind, rows[0], rows[1] if self._two_inputs else None, sp, sq)

    def _partials(self, p: Any, q: Any) -> tuple[tuple[int, ...], np.ndarray, tuple[np.ndarray, np.ndarray]]:
        batch, rows, arrays = self._rows(p, q)
        n_rows = rows[0].shape[0]
        zero_units = (np.zeros(n_rows, dtype=np.int64), np.zeros(n_rows, dtype=np.int64))
        if rows[0].shape[1] == 0 or n_rows == 0:
            return batch, np.zeros((n_rows, 4)), zero_units
        parts = self._call(rows, *self._scales)
        if np.isnan(parts[:, 0]).any():
            for name, a in zip(("p_chunk", "q_chunk"), arrays):
                if np.isnan(a).any() or np.isinf(a).any() or (a < 0).any():
                    raise_for_distribution(a, name)
        units = zero_units
        if self._scaled:
            parts, units = self._rescaled(rows, parts)
        if not np.isfinite(parts[:, :3]).all():
            raise ValueError(_TOO_LARGE)
        mean = parts[:, 0]
        if self._kind != _core.INFO_JS:  # Jensen-Shannon's sum is kept as a sum: p may be zero
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(parts[:, 1] > 0, parts[:, 0] / parts[:, 1], 0.0)
        return batch, np.stack([mean, parts[:, 1], parts[:, 2], parts[:, 3]], axis=1), units

    def _rescaled(self, rows: list[np.ndarray], parts: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """The partials again for the rows whose sums overflowed or are tiny,
        each side scaled by its own power of two; those exponents per row."""
        s, a, b = parts[:, 0], parts[:, 1], parts[:, 2]
        tiny_p = (a > 0) & (a < _TINY)
        tiny_q = (b > 0) & (b < _TINY)
        need_p = tiny_p | ~np.isfinite(a) | ~np.isfinite(s)
        need_q = (tiny_q | ~np.isfinite(b)) if self._two_inputs else np.zeros_like(need_p)
        ep = _row_exponents(rows[0], need_p, tiny_p)
        eq = _row_exponents(rows[1], need_q, tiny_q) if self._two_inputs else np.zeros_like(ep)
        redo = np.flatnonzero(need_p | need_q)
        if redo.size:
            staged = [np.ldexp(r[redo].astype(np.float64), e[redo, None]) for r, e in zip(rows, (ep, eq))]
            again = self._call(staged, 1.0, 1.0)
            again[:, 3] = parts[redo, 3]  # supports as given: scaling down may flush tiny entries
            parts = parts.copy()
            parts[redo] = again
        return parts, (ep, eq)

    def _log_shift(self, dp: np.ndarray, dq: np.ndarray) -> np.ndarray:
        """How the mean of the log term moves when p's values are scaled by 2^dp and q's by 2^dq."""
        raise NotImplementedError

    def _fold(self, part: np.ndarray, units: tuple[np.ndarray, np.ndarray]) -> None:
        """Fold a part's (mean, A, B, n_inf) rows, in `units`, into the state."""
        if self._batch_shape is None or self._mean is None or self._units is None:
            self._mean, self._a, self._b, self._n_inf = (part[:, k].copy() for k in range(4))
            self._units = units
            return
        # Both into the units of the larger values, where neither total
        # overflows; a side that is zero so far has no units of its own.
        mine_a, mine_b = self._a, self._b
        new = (
            np.where(mine_a == 0, units[0], np.where(part[:, 1] == 0, self._units[0], np.minimum(self._units[0], units[0]))),
            np.where(mine_b == 0, units[1], np.where(part[:, 2] == 0, self._units[1], np.minimum(self._units[1], units[1]))),
        )
        mine = self._rebased(np.stack([self._mean, mine_a, mine_b], axis=1), self._units, new)  # type: ignore[list-item]
        theirs = self._rebased(part[:, :3], units, new)
        with np.errstate(over="ignore"):
            a_total, b_total = mine[1] + theirs[1], mine[2] + theirs[2]
        if not (np.isfinite(a_total).all() and np.isfinite(b_total).all()):
            raise ValueError(_TOO_LARGE)
        if self._kind == _core.INFO_JS:
            self._mean = mine[0] + theirs[0]
        else:
            # The mean over both parts, weighted by their totals.
            with np.errstate(divide="ignore", invalid="ignore"):
                weight = np.where(a_total > 0, theirs[1] / a_total, 0.0)
            self._mean = np.where(mine[1] == 0, theirs[0], mine[0] + (theirs[0] - mine[0]) * weight)
        self._a, self._b, self._units = a_total, b_total, new
        self._n_inf = self._n_inf + part[:, 3]

    def _rebased(self, state: np.ndarray, old: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
        dp, dq = new[0] - old[0], new[1] - old[1]
        return [state[:, 0] + self._log_shift(dp, dq), np.ldexp(state[:, 1], dp), np.ldexp(state[:, 2], dq)]

    def update(self, p_chunk: Any, q_chunk: Any = None) -> Self:
        """Add the next chunk of the distribution(s); returns self."""
        if self._two_inputs and q_chunk is None:
            raise TypeError(f"{type(self).__name__}.update needs q_chunk")
        if not self._two_inputs and q_chunk is not None:
            raise TypeError(f"{type(self).__name__}.update takes only p_chunk")
        batch, parts, units = self._partials(p_chunk, q_chunk)
        if self._batch_shape is not None and batch != self._batch_shape:
            raise ValueError(
                f"chunk has batch shape {batch}, but earlier chunks had {self._batch_shape}"
            )
        self._fold(parts, units)
        self._batch_shape = batch
        return self

    def merge(self, other: _Accumulator) -> Self:
        """Fold in another accumulator of the same kind (e.g. from another worker); returns self."""
        if type(other) is not type(self):
            raise TypeError(f"cannot merge {type(other).__name__} into {type(self).__name__}")
        if other._scales != self._scales:
            raise ValueError("cannot merge accumulators built with different totals")
        if other._batch_shape is None:
            return self
        if self._batch_shape is not None and other._batch_shape != self._batch_shape:
            raise ValueError(
                f"cannot merge batch shape {other._batch_shape} into {self._batch_shape}"
            )
        part = np.stack([other._mean, other._a, other._b, other._n_inf], axis=1)  # type: ignore[list-item]
        self._fold(part, other._units)
        self._batch_shape = other._batch_shape
        return self

    def _finish(self, mean: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
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
            out = self._finish(self._mean, self._a, self._b, self._n_inf)  # type: ignore[arg-type]
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

    def _log_shift(self, dp: np.ndarray, dq: np.ndarray) -> np.ndarray:
        return dp * _LN2

    def _finish(self, mean: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.maximum(-mean + np.log(a), 0.0)  # H >= 0; the identity may cancel to -1e-16
        return out


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

    def _log_shift(self, dp: np.ndarray, dq: np.ndarray) -> np.ndarray:
        return dq * _LN2

    def _finish(self, mean: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        return np.where(n_inf > 0, np.inf, np.maximum(-mean + np.log(b), 0.0))


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

    def _log_shift(self, dp: np.ndarray, dq: np.ndarray) -> np.ndarray:
        return (dp - dq) * _LN2

    def _finish(self, mean: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        ratio = b / a  # log(b / a) is exact-er than log(b) - log(a), unless b / a leaves the float range
        log_ratio = np.where((ratio > 0) & (ratio < np.inf), np.log(ratio), np.log(b) - np.log(a))
        return np.where(n_inf > 0, np.inf, np.maximum(mean + log_ratio, 0.0))


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

    _scaled = False

    def _log_shift(self, dp: np.ndarray, dq: np.ndarray) -> np.ndarray:
        return np.zeros(dp.shape)

    def _finish(self, mean: np.ndarray, a: np.ndarray, b: np.ndarray, n_inf: np.ndarray) -> np.ndarray:
        if not (np.allclose(a, 1.0, rtol=1e-9, atol=0) and np.allclose(b, 1.0, rtol=1e-9, atol=0)):
            raise ValueError(
                "the chunks do not add up to p_total and q_total; pass the true totals"
            )
        out: np.ndarray = np.clip(0.5 * mean, 0.0, math.log(2.0))
        return out
