"""Streaming accumulators: divergences of data that arrives in chunks.

Each accumulator takes consecutive chunks of the distributions along `axis`
with ``update``, combines with another accumulator of the same kind with
``merge`` (for reductions across workers or processes; accumulators
pickle), and gives with ``result`` the value the one-shot function would
give on the concatenated data.

Entropy, cross-entropy and KL accept unnormalised counts in a single pass.
Per row, with :math:`A = \\sum a`, :math:`B = \\sum b`, the state holds
sums of non-negative terms only, so nothing cancels however close the
distributions are or however small the result:

.. math::

    A\\,H(a/A) &= \\sum a \\log(A/a) \\\\
    A\\,D_{KL}(a/A\\|b/B) &= \\sum a \\log\\frac{a}{\\rho b} - (a - \\rho b),
        \\quad \\rho = A/B

(each chunk's terms at its own :math:`\\rho`); cross-entropy is
:math:`H + D_{KL}`.  Two parts combine exactly: entropy by :math:`\\sum a
\\log(A/a) = \\sum_k \\sum a \\log(A_k/a) + A_k \\log(A/A_k)` over the parts
:math:`k`, KL by its chain rule, :math:`A\\,D_{KL} = \\sum_k A_k D_{KL,k} +
A\\,D_{KL}((A_k/A)_k \\| (B_k/B)_k)`, whose last term is again a sum of
non-negative terms.

Jensen-Shannon has no such identity: the mixture depends on both totals, so
:class:`JSDivergence` needs the totals up front (a first pass over the data,
or known counts).

Each side of a row is kept in units of its own power of two: a row is scaled
only where its sums would overflow or are so small that its terms would lose
digits (for KL, also where the weighted q would reach the subnormals), so
entries far below a row's maximum survive as they do in the one-shot
functions; p's and q's maxima are kept within 2^900 of each other, so
totals any distance apart have a ratio that is a float.
"""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike

from . import state as st
from .moments import Moments
from ..typing import Reduced
from .._checks import (
    check_base,
    normalize_axis,
    raise_for_distribution,
    real_operands,
)

__all__ = ["CrossEntropy", "Entropy", "JSDivergence", "KLDivergence", "Moments"]

_TOO_LARGE = (
    "the chunks' sums overflow float64 (entries near 1e308, or too many large ones); "
    "divide every chunk by the same factor first"
)


class _Accumulator:
    _two_inputs = True
    _scaled = True  # rows scaled by powers of two where needed (not JS: its totals scale it)

    def __init__(self, *, axis: int = -1) -> None:
        self._axis = axis
        self._batch_shape: tuple[int, ...] | None = None
        self._state: st.State | None = None
        self._scales = (1.0, 1.0)
        # Per row, the state of p and of q is in units of 2^-e: these e.
        self._units: tuple[np.ndarray, np.ndarray] | None = None

    def _rows(self, p: Any, q: Any) -> tuple[tuple[int, ...], list[np.ndarray], tuple[np.ndarray, ...]]:
        arrays, shape = real_operands(p, q if self._two_inputs else None, ("p_chunk", "q_chunk"))
        if len(shape) == 0:
            raise ValueError("p_chunk must have at least one dimension")
        ax = normalize_axis(self._axis, len(shape))
        batch = shape[:ax] + shape[ax + 1 :]
        n_rows = math.prod(batch)  # reshape(-1, 0) would be ambiguous for an empty chunk
        rows = [np.moveaxis(np.broadcast_to(a, shape), ax, -1).reshape(n_rows, shape[ax]) for a in arrays]
        return batch, rows, arrays

    def _check(self, invalid: np.ndarray, arrays: tuple[np.ndarray, ...]) -> None:
        if invalid.any():
            for name, a in zip(("p_chunk", "q_chunk"), arrays):
                if np.isnan(a).any() or np.isinf(a).any() or (a < 0).any():
                    raise_for_distribution(a, name)

    def _part(self, p: Any, q: Any) -> tuple[tuple[int, ...], st.State, tuple[np.ndarray, np.ndarray]]:
        """A chunk's state and its units."""
        batch, rows, arrays = self._rows(p, q)
        n_rows = rows[0].shape[0]
        units = (np.zeros(n_rows, dtype=np.int64), np.zeros(n_rows, dtype=np.int64))
        if rows[0].shape[1] == 0 or n_rows == 0:
            return batch, self._empty(n_rows), units
        if self._scaled:
            units = st.chunk_exponents(rows[0], rows[1] if self._two_inputs else None)
        staged = [
            np.ascontiguousarray(r, dtype=np.float64) if not e.any() else np.ldexp(r.astype(np.float64), e[:, None])
            for r, e in zip(rows, units)
        ]
        part = self._chunk(staged, arrays)
        if self._two_inputs and (units[0] < 0).any():
            # Scaling down may flush tiny entries: the supports are as given.
            down = units[0] < 0
            part["n_inf"][down] = ((rows[0][down] > 0) & (rows[1][down] == 0)).sum(axis=1)
        return batch, part, units

    def _empty(self, n_rows: int) -> st.State:
        raise NotImplementedError

    def _chunk(self, rows: list[np.ndarray], arrays: tuple[np.ndarray, ...]) -> st.State:
        raise NotImplementedError

    def _rebase(self, state: st.State, dp: np.ndarray, dq: np.ndarray) -> st.State:
        """The state with p's values scaled by 2^dp and q's by 2^dq."""
        raise NotImplementedError

    def _combine(self, mine: st.State, theirs: st.State) -> st.State:
        raise NotImplementedError

    def _finish(self, state: st.State) -> np.ndarray:
        raise NotImplementedError

    def _moved(self, state: st.State, units: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, ...]) -> st.State:
        dp, dq = new[0] - units[0], new[1] - units[1]
        return self._rebase(state, dp, dq) if dp.any() or dq.any() else state

    def _fold(self, part: st.State, units: tuple[np.ndarray, np.ndarray]) -> None:
        if self._state is None or self._units is None:
            self._state, self._units = part, units
            return
        mine = self._state
        # Both into the units of the larger values, where neither total
        # overflows; a side that is zero so far has no units of its own.
        new = tuple(
            np.where(mine[k] == 0, u_theirs, np.where(part[k] == 0, u_mine, np.minimum(u_mine, u_theirs)))
            for k, u_mine, u_theirs in (("a", self._units[0], units[0]), ("b", self._units[1], units[1]))
        )
        with np.errstate(over="ignore", under="ignore"):
            a = self._moved(mine, self._units, new)
            b = self._moved(part, units, new)
            combined = self._combine(a, b)
        if not (np.isfinite(combined["a"]).all() and np.isfinite(combined["b"]).all()):
            raise ValueError(_TOO_LARGE)
        self._state, self._units = combined, (new[0], new[1])

    def update(self, p_chunk: ArrayLike, q_chunk: ArrayLike | None = None) -> Self:
        """Add the next chunk of the distribution(s); returns self."""
        if self._two_inputs and q_chunk is None:
            raise TypeError(f"{type(self).__name__}.update needs q_chunk")
        if not self._two_inputs and q_chunk is not None:
            raise TypeError(f"{type(self).__name__}.update takes only p_chunk")
        batch, part, units = self._part(p_chunk, q_chunk)
        if self._batch_shape is not None and batch != self._batch_shape:
            raise ValueError(
                f"chunk has batch shape {batch}, but earlier chunks had {self._batch_shape}"
            )
        self._fold(part, units)
        self._batch_shape = batch
        return self

    def merge(self, other: _Accumulator) -> Self:
        """Fold in another accumulator of the same kind (e.g. from another worker); returns self."""
        if type(other) is not type(self):
            raise TypeError(f"cannot merge {type(other).__name__} into {type(self).__name__}")
        if other._scales != self._scales:
            raise ValueError("cannot merge accumulators built with different totals")
        if other._batch_shape is None or other._state is None or other._units is None:
            return self
        if self._batch_shape is not None and other._batch_shape != self._batch_shape:
            raise ValueError(
                f"cannot merge batch shape {other._batch_shape} into {self._batch_shape}"
            )
        self._fold({k: v.copy() for k, v in other._state.items()}, other._units)
        self._batch_shape = other._batch_shape
        return self

    def result(self, *, base: float | None = None) -> Reduced:
        """The divergence of everything added so far (float, or array over batch axes)."""
        b = check_base(base)
        if self._batch_shape is None or self._state is None:
            raise ValueError("no data: call update() with at least one chunk first")
        if (self._state["a"] == 0).any():
            raise ValueError("p sums to zero over all chunks, so it cannot be normalised")
        if self._two_inputs and (self._state["b"] == 0).any():
            raise ValueError("q sums to zero over all chunks, so it cannot be normalised")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            out = self._finish(self._state)
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

    _two_inputs = False

    # (A "b" of zeros: the accumulator's units bookkeeping reads both sides.)
    def _empty(self, n_rows: int) -> st.State:
        return {**st.EntropyState.empty(n_rows), "b": np.zeros(n_rows)}

    def _chunk(self, rows: list[np.ndarray], arrays: tuple[np.ndarray, ...]) -> st.State:
        return {**st.EntropyState.chunk(rows[0], arrays, self._check), "b": np.zeros(rows[0].shape[0])}

    def _rebase(self, state: st.State, dp: np.ndarray, dq: np.ndarray) -> st.State:
        return {**st.EntropyState.rebase(state, dp), "b": state["b"]}

    def _combine(self, mine: st.State, theirs: st.State) -> st.State:
        return {**st.EntropyState.combine(mine, theirs), "b": mine["b"]}

    def _finish(self, state: st.State) -> np.ndarray:
        return st.EntropyState.finish(state)


class CrossEntropy(_Accumulator):
    """Streaming :func:`pydiv.cross_entropy`; accepts unnormalised counts in one pass.

    Examples
    --------
    >>> from pydiv.stream import CrossEntropy
    >>> acc = CrossEntropy().update([0.5], [0.25]).update([0.5], [0.75])
    >>> round(float(acc.result(base=2)), 12)
    1.207518749639
    """

    def _empty(self, n_rows: int) -> st.State:
        return st.CrossEntropyState.empty(n_rows)

    def _chunk(self, rows: list[np.ndarray], arrays: tuple[np.ndarray, ...]) -> st.State:
        return st.CrossEntropyState.chunk(rows[0], rows[1], arrays, self._check)

    def _rebase(self, state: st.State, dp: np.ndarray, dq: np.ndarray) -> st.State:
        return st.CrossEntropyState.rebase(state, dp, dq)

    def _combine(self, mine: st.State, theirs: st.State) -> st.State:
        return st.CrossEntropyState.combine(mine, theirs)

    def _finish(self, state: st.State) -> np.ndarray:
        return st.CrossEntropyState.finish(state)


class KLDivergence(_Accumulator):
    """Streaming :func:`pydiv.kl_divergence`; accepts unnormalised counts in one pass.

    Examples
    --------
    >>> from pydiv.stream import KLDivergence
    >>> acc = KLDivergence().update([1, 1], [1, 3])
    >>> round(float(acc.result(base=2)), 12)
    0.207518749639
    """

    def _empty(self, n_rows: int) -> st.State:
        return st.KLState.empty(n_rows)

    def _chunk(self, rows: list[np.ndarray], arrays: tuple[np.ndarray, ...]) -> st.State:
        return st.KLState.chunk(rows[0], rows[1], arrays, self._check)

    def _rebase(self, state: st.State, dp: np.ndarray, dq: np.ndarray) -> st.State:
        return st.KLState.rebase(state, dp, dq)

    def _combine(self, mine: st.State, theirs: st.State) -> st.State:
        return st.KLState.combine(mine, theirs)

    def _finish(self, state: st.State) -> np.ndarray:
        return st.KLState.finish(state)


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

    _scaled = False

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

    def _empty(self, n_rows: int) -> st.State:
        return st.JSState.empty(n_rows)

    def _chunk(self, rows: list[np.ndarray], arrays: tuple[np.ndarray, ...]) -> st.State:
        part = st.JSState.chunk(rows[0], rows[1], self._scales, arrays, self._check)
        if part is None:
            raise ValueError(_TOO_LARGE)
        return part

    def _rebase(self, state: st.State, dp: np.ndarray, dq: np.ndarray) -> st.State:
        return state

    def _combine(self, mine: st.State, theirs: st.State) -> st.State:
        return st.JSState.combine(mine, theirs)

    def _finish(self, state: st.State) -> np.ndarray:
        out = st.JSState.finish(state)
        if out is None:
            raise ValueError("the chunks do not add up to p_total and q_total; pass the true totals")
        return out
