"""Streaming accumulators: divergences of data that arrives in chunks.

Each accumulator takes consecutive chunks of the distributions along `axis`
with :meth:`update`, combines with another accumulator of the same kind with
:meth:`merge` (for reductions across workers or processes; accumulators
pickle), and gives with :meth:`result` the value the one-shot function would
give on the concatenated data.

Entropy, cross-entropy and KL accept unnormalised counts in a single pass.
Per row, with :math:`A = \\sum a`, :math:`B = \\sum b`, the state holds
sums of non-negative terms only, so nothing cancels however close the
distributions are or however small the result:

.. math::

    A\\,H(a/A) &= \\sum a \\log(A/a) \\\\
    A\\,D_{KL}(a/A\\|b/B) &= T + A\\,h(D/A), \\quad
        T = \\sum a \\log\\frac{a}{\\rho b} - (a - \\rho b), \\quad D = A - \\rho B

with :math:`h(t) = t + \\log(1 - t)` and a weight :math:`\\rho` fixed at the
first chunk (its :math:`A/B`); cross-entropy is :math:`H + D_{KL}`.  Two
parts combine exactly: entropy by :math:`\\sum a \\log(A/a) = \\sum a
\\log(A_k/a) + A_k \\log(A/A_k)` over the parts :math:`k`, KL by moving a
part's :math:`T, D` to the other's weight.

Jensen-Shannon has no such identity: the mixture depends on both totals, so
:class:`JSDivergence` needs the totals up front (a first pass over the data,
or known counts).

Each side of a row is kept in units of its own power of two: a row is scaled
only where its sums would overflow or are so small that its terms would lose
digits, so entries far below a row's maximum survive as they do in the
one-shot functions.
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
# Rows whose maximum is below this are scaled up (exactly, by a power of two)
# so that their terms keep their digits.
_TINY = 2.0**-900
_VALID = 9  # info_stream_partials' validity column


def _row_exponents(rows: np.ndarray) -> np.ndarray:
    """Per row, e such that 2^e * row is safe: 0 for most rows; a tiny row's
    maximum brought near 1; for a row whose sums could overflow, down no
    further than n values at the maximum times a log (under 2^11) need, so
    small entries survive as they do in the one-shot functions."""
    with np.errstate(invalid="ignore"):
        peak = rows.max(axis=1)
    _, exponent = np.frexp(np.where(np.isfinite(peak), peak, 0.0))
    n_bits = math.frexp(float(rows.shape[1]))[1]
    over = exponent - 1 + n_bits + 1 + 11 - 1023
    return np.where((peak > 0) & (peak < _TINY), np.minimum(1 - exponent, 1074), np.where(over > 0, -over, 0))


def _dd_add(hi: np.ndarray, lo: np.ndarray, o_hi: np.ndarray, o_lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hi + lo) + (o_hi + o_lo) as a double-double (TwoSum)."""
    t = hi + o_hi
    back = t - hi
    return t, lo + o_lo + ((hi - (t - back)) + (o_hi - back))


def _log1p_ratio(other: np.ndarray, part: np.ndarray) -> np.ndarray:
    """log(1 + other / part) for part > 0 (0 where part is 0), also where the quotient overflows."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = other / part
        out = np.where(ratio < np.inf, np.log1p(ratio), np.log(other) - np.log(part))
    return np.where(part > 0, out, 0.0)


def _u_minus_log1p(u: np.ndarray) -> np.ndarray:
    """u - log(1 + u) >= 0, by its series where the direct form would cancel."""
    small = np.abs(u) < 0.125
    v = np.where(small, u, 0.0)
    series = np.zeros_like(v)
    for k in range(20, 1, -1):  # sum (-1)^k u^k / k, k >= 2: 20 terms reach 1e-19 at u = 1/8
        series = v * ((1.0 if k % 2 == 0 else -1.0) / k + series)
    series = v * series
    with np.errstate(invalid="ignore", divide="ignore"):
        direct = u - np.log1p(u)
    return np.where(small, series, direct)


class _Accumulator:
    _kind: int
    _two_inputs = True
    _scaled = True  # rows scaled by powers of two where needed (not JS: its totals scale it)

    def __init__(self, *, axis: int = -1) -> None:
        self._axis = axis
        self._batch_shape: tuple[int, ...] | None = None
        self._state: dict[str, np.ndarray] | None = None
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

    def _check(self, invalid: np.ndarray, arrays: tuple[np.ndarray, ...]) -> None:
        if invalid.any():
            for name, a in zip(("p_chunk", "q_chunk"), arrays):
                if np.isnan(a).any() or np.isinf(a).any() or (a < 0).any():
                    raise_for_distribution(a, name)

    def _part(self, p: Any, q: Any) -> tuple[tuple[int, ...], dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """A chunk's state and its units."""
        batch, rows, arrays = self._rows(p, q)
        n_rows = rows[0].shape[0]
        units = (np.zeros(n_rows, dtype=np.int64), np.zeros(n_rows, dtype=np.int64))
        if rows[0].shape[1] == 0 or n_rows == 0:
            return batch, self._empty(n_rows), units
        if self._scaled:
            units = (_row_exponents(rows[0]), _row_exponents(rows[1]) if self._two_inputs else units[1])
        staged = [
            np.ascontiguousarray(r, dtype=np.float64) if not e.any() else np.ldexp(r.astype(np.float64), e[:, None])
            for r, e in zip(rows, units)
        ]
        part = self._chunk(staged, units, arrays)
        if self._two_inputs and (units[0] < 0).any():
            # Scaling down may flush tiny entries: the supports are as given.
            down = units[0] < 0
            part["n_inf"][down] = ((rows[0][down] > 0) & (rows[1][down] == 0)).sum(axis=1)
        return batch, part, units

    def _empty(self, n_rows: int) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _chunk(self, rows: list[np.ndarray], units: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _rebase(self, state: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        """The state with p's values scaled by 2^dp and q's by 2^dq."""
        raise NotImplementedError

    def _combine(self, mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _finish(self, state: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _fold(self, part: dict[str, np.ndarray], units: tuple[np.ndarray, np.ndarray]) -> None:
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
            a = self._rebase(mine, new[0] - self._units[0], new[1] - self._units[1])
            b = self._rebase(part, new[0] - units[0], new[1] - units[1])
            combined = self._combine(a, b)
        if not (np.isfinite(combined["a"]).all() and np.isfinite(combined["b"]).all()):
            raise ValueError(_TOO_LARGE)
        self._state, self._units = combined, (new[0], new[1])

    def update(self, p_chunk: Any, q_chunk: Any = None) -> Self:
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

    def result(self, *, base: Any = None) -> Any:
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


class _EntropyState:
    """Entropy's state per row: T = sum a log(A/a) >= 0 and A (double-double)."""

    @staticmethod
    def empty(n_rows: int) -> dict[str, np.ndarray]:
        return {k: np.zeros(n_rows) for k in ("t", "a", "a_lo")}

    @staticmethod
    def chunk(p: np.ndarray, arrays: tuple[np.ndarray, ...], check: Any) -> dict[str, np.ndarray]:
        zeros = np.zeros(p.shape[0])
        out = _core.info_stream_partials(_core.INFO_ENTROPY, p, p, zeros, zeros)
        check(out[:, _VALID] == 0, arrays)
        return {"t": out[:, 0], "a": out[:, 2], "a_lo": out[:, 3]}

    @staticmethod
    def rebase(s: dict[str, np.ndarray], dp: np.ndarray) -> dict[str, np.ndarray]:
        return {k: np.ldexp(s[k], dp) for k in ("t", "a", "a_lo")}

    @staticmethod
    def combine(x: dict[str, np.ndarray], y: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        a, a_lo = _dd_add(x["a"], x["a_lo"], y["a"], y["a_lo"])
        # Each part's T moves from its own total to the sum: + A_k log(A / A_k) >= 0.
        gain_x = x["a"] * _log1p_ratio(y["a"] + y["a_lo"], x["a"])
        gain_y = y["a"] * _log1p_ratio(x["a"] + x["a_lo"], y["a"])
        return {"t": x["t"] + y["t"] + gain_x + gain_y, "a": a, "a_lo": a_lo}

    @staticmethod
    def finish(s: dict[str, np.ndarray]) -> np.ndarray:
        out: np.ndarray = np.maximum(s["t"] / (s["a"] + s["a_lo"]), 0.0)
        return out


class _KLState:
    """KL's state per row: T, D (module docstring), A, B (double-doubles), the
    weight rho (double-double, 0 until a part has both totals positive), n_inf."""

    keys = ("t", "d", "a", "a_lo", "b", "b_lo", "rho", "rho_lo", "n_inf")

    @staticmethod
    def empty(n_rows: int) -> dict[str, np.ndarray]:
        return {k: np.zeros(n_rows) for k in _KLState.keys}

    @staticmethod
    def chunk(rows: list[np.ndarray], rho: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...], check: Any) -> dict[str, np.ndarray]:
        out = _core.info_stream_partials(_core.INFO_KL, rows[0], rows[1], rho[0], rho[1])
        check(out[:, _VALID] == 0, arrays)
        return dict(zip(("t", "d", "a", "a_lo", "b", "b_lo", "n_inf", "rho", "rho_lo"), out[:, :9].T.copy()))

    @staticmethod
    def rebase(s: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        out = {k: np.ldexp(s[k], dp) for k in ("t", "d", "a", "a_lo")}
        out.update({k: np.ldexp(s[k], dq) for k in ("b", "b_lo")})
        out.update({k: np.ldexp(s[k], dp - dq) for k in ("rho", "rho_lo")})
        out["n_inf"] = s["n_inf"]
        return out

    @staticmethod
    def reweighted(s: dict[str, np.ndarray], rho: np.ndarray, rho_lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """T and D of a part at the weight rho instead of its own:
        T' = T + A (u - log(1 + u)) - u D, D' = D - u (A - D), u = rho / rho_own - 1;
        a part without a weight has T = rho B (its terms are all rho b), D = A - rho B."""
        a = s["a"] + s["a_lo"]
        own = s["rho"] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.where(own, ((rho - s["rho"]) + (rho_lo - s["rho_lo"])) / s["rho"], 0.0)
            # Far from 1, log(1 + u) from the quotient itself: 1 + u would round away its digits.
            log_s = np.log(rho / s["rho"]) + rho_lo / rho - s["rho_lo"] / s["rho"]
        gap = np.where(np.abs(u) < 0.125, _u_minus_log1p(u), u - log_s)
        rho_b = rho * (s["b"] + s["b_lo"])
        t = np.where(own, s["t"] + a * gap - u * s["d"], rho_b)
        d = np.where(own, s["d"] - u * (a - s["d"]), a - rho_b)
        none = rho == 0
        return np.where(none, 0.0, t), np.where(none, 0.0, d)

    @staticmethod
    def combine(x: dict[str, np.ndarray], y: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        mine = x["rho"] > 0
        rho, rho_lo = np.where(mine, x["rho"], y["rho"]), np.where(mine, x["rho_lo"], y["rho_lo"])
        tx, dx = _KLState.reweighted(x, rho, rho_lo)
        ty, dy = _KLState.reweighted(y, rho, rho_lo)
        a, a_lo = _dd_add(x["a"], x["a_lo"], y["a"], y["a_lo"])
        b, b_lo = _dd_add(x["b"], x["b_lo"], y["b"], y["b_lo"])
        return {"t": tx + ty, "d": dx + dy, "a": a, "a_lo": a_lo, "b": b, "b_lo": b_lo,
                "rho": rho, "rho_lo": rho_lo, "n_inf": x["n_inf"] + y["n_inf"]}

    @staticmethod
    def finish(s: dict[str, np.ndarray]) -> np.ndarray:
        a = s["a"] + s["a_lo"]
        t = s["d"] / a
        h = -_u_minus_log1p(-t)  # t + log(1 - t) <= 0
        out: np.ndarray = np.where(s["n_inf"] > 0, np.inf, np.maximum(s["t"] / a + h, 0.0))
        return out

    @staticmethod
    def weights_for(state: dict[str, np.ndarray] | None, units: Any, chunk_units: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The state's weight in a chunk's units (0 where it has none yet)."""
        n_rows = chunk_units[0].shape[0]
        if state is None or units is None:
            return np.zeros(n_rows), np.zeros(n_rows)
        shift = (chunk_units[0] - units[0]) - (chunk_units[1] - units[1])
        with np.errstate(over="ignore", under="ignore"):
            rho, rho_lo = np.ldexp(state["rho"], shift), np.ldexp(state["rho_lo"], shift)
        usable = np.isfinite(rho) & (rho > 0) & (rho < np.inf)
        return np.where(usable, rho, 0.0), np.where(usable, rho_lo, 0.0)


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

    def _empty(self, n_rows: int) -> dict[str, np.ndarray]:
        return {**_EntropyState.empty(n_rows), "b": np.zeros(n_rows)}

    def _chunk(self, rows: list[np.ndarray], units: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        return {**_EntropyState.chunk(rows[0], arrays, self._check), "b": np.zeros(rows[0].shape[0])}

    def _rebase(self, state: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        return {**_EntropyState.rebase(state, dp), "b": state["b"]}

    def _combine(self, mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {**_EntropyState.combine(mine, theirs), "b": mine["b"]}

    def _finish(self, state: dict[str, np.ndarray]) -> np.ndarray:
        return _EntropyState.finish(state)


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

    def _empty(self, n_rows: int) -> dict[str, np.ndarray]:
        return {**_KLState.empty(n_rows), **{"h_" + k: v for k, v in _EntropyState.empty(n_rows).items()}}

    @staticmethod
    def _split(state: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        return ({k: state[k] for k in _KLState.keys}, {k[2:]: v for k, v in state.items() if k.startswith("h_")})

    @staticmethod
    def _joined(kl: dict[str, np.ndarray], h: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {**kl, **{"h_" + k: v for k, v in h.items()}}

    def _chunk(self, rows: list[np.ndarray], units: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        kl = _KLState.chunk(rows, _KLState.weights_for(self._state, self._units, units), arrays, self._check)
        return self._joined(kl, _EntropyState.chunk(rows[0], arrays, self._check))

    def _rebase(self, state: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        kl, h = self._split(state)
        return self._joined(_KLState.rebase(kl, dp, dq), _EntropyState.rebase(h, dp))

    def _combine(self, mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        (kx, hx), (ky, hy) = self._split(mine), self._split(theirs)
        return self._joined(_KLState.combine(kx, ky), _EntropyState.combine(hx, hy))

    def _finish(self, state: dict[str, np.ndarray]) -> np.ndarray:
        kl, h = self._split(state)
        return _EntropyState.finish(h) + _KLState.finish(kl)  # H(p, q) = H(p) + KL(p || q)


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

    def _empty(self, n_rows: int) -> dict[str, np.ndarray]:
        return _KLState.empty(n_rows)

    def _chunk(self, rows: list[np.ndarray], units: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        return _KLState.chunk(rows, _KLState.weights_for(self._state, self._units, units), arrays, self._check)

    def _rebase(self, state: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        return _KLState.rebase(state, dp, dq)

    def _combine(self, mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return _KLState.combine(mine, theirs)

    def _finish(self, state: dict[str, np.ndarray]) -> np.ndarray:
        return _KLState.finish(state)


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

    def _empty(self, n_rows: int) -> dict[str, np.ndarray]:
        return {k: np.zeros(n_rows) for k in ("s", "a", "b")}

    def _chunk(self, rows: list[np.ndarray], units: tuple[np.ndarray, np.ndarray], arrays: tuple[np.ndarray, ...]) -> dict[str, np.ndarray]:
        parts = _core.info_partials(self._kind, rows[0], rows[1], *self._scales)
        self._check(np.isnan(parts[:, 0]), arrays)
        if not np.isfinite(parts[:, :3]).all():
            raise ValueError(_TOO_LARGE)
        # The sum of the terms, not a mean: a chunk where p is zero still has q's terms.
        return {"s": parts[:, 0], "a": parts[:, 1], "b": parts[:, 2]}

    def _rebase(self, state: dict[str, np.ndarray], dp: np.ndarray, dq: np.ndarray) -> dict[str, np.ndarray]:
        return state

    def _combine(self, mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: mine[k] + theirs[k] for k in mine}

    def _finish(self, state: dict[str, np.ndarray]) -> np.ndarray:
        a, b = state["a"], state["b"]
        if not (np.allclose(a, 1.0, rtol=1e-9, atol=0) and np.allclose(b, 1.0, rtol=1e-9, atol=0)):
            raise ValueError(
                "the chunks do not add up to p_total and q_total; pass the true totals"
            )
        out: np.ndarray = np.clip(0.5 * state["s"], 0.0, math.log(2.0))
        return out
