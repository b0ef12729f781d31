"""Per-row states of the streaming accumulators (pydiv.stream): how a chunk
becomes a state, how two states combine, and how a state becomes the value.

A state is a dict of float64 arrays, one entry per row, every side kept in
units of its own power of two per row (the accumulator tracks the units;
``rebase`` moves a state to others, exactly but for underflow of what is
negligible next to the other part).

Entropy:  T = sum a log(A / a) >= 0 and A (double-double); parts combine by
    T = T_x + T_y + A_x log(A / A_x) + A_y log(A / A_y), terms >= 0.
KL:       T = A KL(a/A || b/B) >= 0 at the part's own weight rho = A / B
    (kl_accurate's sum of terms >= 0), A and B (double-doubles), n_inf;
    parts combine by the chain rule of KL (info_stream.hpp, kl_merge_gain):
    T = T_x + T_y + A KL((A_x, A_y)/A || (B_x, B_y)/B), again terms >= 0.
JS:       the sum of the terms at the given totals, and the two sums.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import _core

State = dict[str, np.ndarray]
Check = Callable[[np.ndarray, tuple[np.ndarray, ...]], None]

# Rows whose maximum is below this are scaled up (exactly, by a power of two)
# so that their terms keep their digits.
_TINY = 2.0**-900
# p's and q's maxima of a row, in their units, are kept within this many
# binades of each other, so that the ratio of their totals is a float.
_MAX_SIDE_GAP = 900
_VALID = 9  # info_stream_partials' validity column


def _peak(rows: np.ndarray) -> np.ndarray:
    """Each row's maximum, 0 where it is not finite (invalid rows are reported later)."""
    with np.errstate(invalid="ignore"):
        peak = rows.max(axis=1)
    return np.where(np.isfinite(peak), peak, 0.0)


def chunk_exponents(p: np.ndarray, q: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, e_p and e_q such that 2^e_p p and 2^e_q q are safe.

    Each side on its own: 0 for most rows; a tiny row's maximum brought near
    1; a row whose sums could overflow scaled down no further than n values
    at the maximum times a log (under 2^11) need, so small entries survive
    as they do in the one-shot functions.  With q (KL): p raised to the top
    of that range where the weighted q (y = rho q, in p's units) could reach
    the subnormals, whose rounding the terms x log(x/y) would show; then the
    side whose maximum lies more than _MAX_SIDE_GAP binades below the
    other's raised to it, so that rho = A / B is a float.  Raising is exact
    (the raised maximum is at most the other's, which is safe).
    """
    n_bits = math.frexp(float(p.shape[1]))[1]
    # The highest safe exponent of a maximum: n such values and a log stay
    # finite, and the kernels without FMA split products by Dekker's 2^27 + 1.
    top = 1023 - 27 - 4 - n_bits

    def own(peak: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        exponent = np.frexp(peak)[1]
        e = np.where((peak > 0) & (peak < _TINY), np.minimum(1 - exponent, 1074), np.minimum(top - exponent, 0))
        return e, exponent + e  # the units, and the maximum's exponent in them

    peak_p = _peak(p)
    e_p, top_p = own(peak_p)
    if q is None:
        return e_p, np.zeros_like(e_p)
    peak_q = _peak(q)
    e_q, top_q = own(peak_q)
    both = (peak_p > 0) & (peak_q > 0)
    low_q = np.min(q, axis=1, where=q > 0, initial=np.inf)
    # rho >= max p / (n max q), so y >= 2^low_y (within a binade):
    low_y = top_p - top_q + np.frexp(np.where(low_q < np.inf, low_q, 1.0))[1] + e_q - n_bits - 2
    lift = np.maximum(np.minimum((-1022 + 53) - low_y, top - top_p), 0)
    lift = np.where(both, lift, 0)
    e_p, top_p = e_p + lift, top_p + lift
    gap = top_p - top_q
    e_p = np.where(both & (gap < -_MAX_SIDE_GAP), e_p - gap, e_p)
    e_q = np.where(both & (gap > _MAX_SIDE_GAP), e_q + gap, e_q)
    return e_p, e_q


def dd_add(hi: np.ndarray, lo: np.ndarray, o_hi: np.ndarray, o_lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


class EntropyState:
    """Entropy: T = sum a log(A/a) >= 0 and A (double-double), in p's units."""

    keys = ("t", "a", "a_lo")

    @staticmethod
    def empty(n_rows: int) -> State:
        return {k: np.zeros(n_rows) for k in EntropyState.keys}

    @staticmethod
    def chunk(p: np.ndarray, arrays: tuple[np.ndarray, ...], check: Check) -> State:
        out = _core.info_stream_partials(_core.INFO_ENTROPY, p, p)
        check(out[:, _VALID] == 0, arrays)
        return {"t": out[:, 0], "a": out[:, 2], "a_lo": out[:, 3]}

    @staticmethod
    def rebase(s: State, dp: np.ndarray) -> State:
        return {k: np.ldexp(s[k], dp) for k in EntropyState.keys}

    @staticmethod
    def combine(x: State, y: State) -> State:
        a, a_lo = dd_add(x["a"], x["a_lo"], y["a"], y["a_lo"])
        # Each part's T moves from its own total to the sum: + A_k log(A / A_k) >= 0.
        gain_x = x["a"] * _log1p_ratio(y["a"] + y["a_lo"], x["a"])
        gain_y = y["a"] * _log1p_ratio(x["a"] + x["a_lo"], y["a"])
        return {"t": x["t"] + y["t"] + gain_x + gain_y, "a": a, "a_lo": a_lo}

    @staticmethod
    def finish(s: State) -> np.ndarray:
        out: np.ndarray = np.maximum(s["t"] / (s["a"] + s["a_lo"]), 0.0)
        return out


class KLState:
    """KL: T = A KL >= 0 at the part's own weight, A in p's units and B in
    q's (double-doubles), and n_inf (elements with p > 0 == q)."""

    keys = ("t", "a", "a_lo", "b", "b_lo", "n_inf")

    @staticmethod
    def empty(n_rows: int) -> State:
        return {k: np.zeros(n_rows) for k in KLState.keys}

    @staticmethod
    def chunk(p: np.ndarray, q: np.ndarray, arrays: tuple[np.ndarray, ...], check: Check) -> State:
        out = _core.info_stream_partials(_core.INFO_KL, p, q)  # each row at its own rho = A / B
        check(out[:, _VALID] == 0, arrays)
        return KLState.from_partials(out)

    @staticmethod
    def from_partials(out: np.ndarray) -> State:
        # (D = A - rho B is below 1e-30 A at rho = A / B: A KL = T.)
        return {"t": out[:, 0], "a": out[:, 2], "a_lo": out[:, 3], "b": out[:, 4], "b_lo": out[:, 5],
                "n_inf": out[:, 6]}

    @staticmethod
    def rebase(s: State, dp: np.ndarray, dq: np.ndarray) -> State:
        out = {k: np.ldexp(s[k], dp) for k in ("t", "a", "a_lo")}
        out.update({k: np.ldexp(s[k], dq) for k in ("b", "b_lo")})
        out["n_inf"] = s["n_inf"]
        return out

    @staticmethod
    def combine(x: State, y: State) -> State:
        totals = np.column_stack([x["a"], x["a_lo"], x["b"], x["b_lo"], y["a"], y["a_lo"], y["b"], y["b_lo"]])
        gain = _core.info_stream_kl_gain(totals)
        a, a_lo = dd_add(x["a"], x["a_lo"], y["a"], y["a_lo"])
        b, b_lo = dd_add(x["b"], x["b_lo"], y["b"], y["b_lo"])
        return {"t": x["t"] + y["t"] + gain, "a": a, "a_lo": a_lo, "b": b, "b_lo": b_lo,
                "n_inf": x["n_inf"] + y["n_inf"]}

    @staticmethod
    def finish(s: State) -> np.ndarray:
        out: np.ndarray = np.where(s["n_inf"] > 0, np.inf, np.maximum(s["t"] / (s["a"] + s["a_lo"]), 0.0))
        return out


class CrossEntropyState:
    """Cross-entropy: H(p) + KL(p || q), both states side by side ("h_" keys: entropy's)."""

    @staticmethod
    def split(s: State) -> tuple[State, State]:
        return {k: s[k] for k in KLState.keys}, {k: s["h_" + k] for k in EntropyState.keys}

    @staticmethod
    def joined(kl: State, h: State) -> State:
        return {**kl, **{"h_" + k: v for k, v in h.items()}}

    @staticmethod
    def empty(n_rows: int) -> State:
        return CrossEntropyState.joined(KLState.empty(n_rows), EntropyState.empty(n_rows))

    @staticmethod
    def chunk(p: np.ndarray, q: np.ndarray, arrays: tuple[np.ndarray, ...], check: Check) -> State:
        out = _core.info_stream_partials(_core.INFO_CROSS_ENTROPY, p, q)  # both states from one pass of sums
        check(out[:, _VALID] == 0, arrays)
        kl = KLState.from_partials(out)
        return CrossEntropyState.joined(kl, {"t": out[:, 1], "a": kl["a"], "a_lo": kl["a_lo"]})

    @staticmethod
    def rebase(s: State, dp: np.ndarray, dq: np.ndarray) -> State:
        kl, h = CrossEntropyState.split(s)
        return CrossEntropyState.joined(KLState.rebase(kl, dp, dq), EntropyState.rebase(h, dp))

    @staticmethod
    def combine(x: State, y: State) -> State:
        (kx, hx), (ky, hy) = CrossEntropyState.split(x), CrossEntropyState.split(y)
        return CrossEntropyState.joined(KLState.combine(kx, ky), EntropyState.combine(hx, hy))

    @staticmethod
    def finish(s: State) -> np.ndarray:
        kl, h = CrossEntropyState.split(s)
        out: np.ndarray = EntropyState.finish(h) + KLState.finish(kl)
        return out


class JSState:
    """Jensen-Shannon at the given totals: the sum s of the terms, and both sums."""

    @staticmethod
    def empty(n_rows: int) -> State:
        return {k: np.zeros(n_rows) for k in ("s", "a", "b")}

    @staticmethod
    def chunk(p: np.ndarray, q: np.ndarray, scales: tuple[float, float], arrays: tuple[np.ndarray, ...], check: Check) -> State | None:
        # The kernel weighs q by sq / sp: where that is no float, the larger
        # total's side trades an exact power of two with its scale, down to
        # the other's (what that flushes weighs under 2^-1000 of the mixture).
        sp, sq = scales
        gap = math.frexp(sq)[1] - math.frexp(sp)[1]
        with np.errstate(under="ignore"):
            if gap > _MAX_SIDE_GAP:
                p, sp = np.ldexp(p, 2 - gap), math.ldexp(sp, gap - 2)
            elif gap < -_MAX_SIDE_GAP:
                q, sq = np.ldexp(q, 2 + gap), math.ldexp(sq, -gap - 2)
        parts = _core.info_partials(_core.INFO_JS, p, q, sp, sq)
        check(np.isnan(parts[:, 0]), arrays)
        if not np.isfinite(parts[:, :3]).all():
            return None
        # The sum of the terms, not a mean: a chunk where p is zero still has q's terms.
        return {"s": parts[:, 0], "a": parts[:, 1], "b": parts[:, 2]}

    @staticmethod
    def combine(x: State, y: State) -> State:
        return {k: x[k] + y[k] for k in x}

    @staticmethod
    def finish(s: State) -> np.ndarray | None:
        """The value, or None when the sums are not the totals given."""
        if not (np.allclose(s["a"], 1.0, rtol=1e-9, atol=0) and np.allclose(s["b"], 1.0, rtol=1e-9, atol=0)):
            return None
        out: np.ndarray = np.clip(0.5 * s["s"], 0.0, math.log(2.0))
        return out

