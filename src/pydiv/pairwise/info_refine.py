"""Entries of the pairwise KL and cross-entropy matrices recomputed exactly.

The matrix product gives :math:`\\sum_k p_k \\log q_k` over normalised rows
with an absolute error of a few ulp of :math:`1 + H(p, q) + H(p)`: next to a
small KL (near-identical rows) or cross-entropy that can be most of the
value.  Such entries are recomputed by the single-pair kernel on the rows
as given (accurate passes included), all of a block in one threaded C++ call.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _core

# The product's error bound, in units of 1 + H(p, q) + H(p), against 1e-13 of the value.
_ROUNDOFF = 4 * 2.0**-52 / 1e-13
_DBL_MIN = 2.0**-1022
_KIND = {"kl": _core.INFO_KL, "cross_entropy": _core.INFO_CROSS_ENTROPY}


def log_rows(normalised: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """log of the normalised rows (0 where an entry is 0).

    Where normalising left a positive entry below the normal range (totals of
    1e300 next to entries of 1e-300) the entry's log is log(raw) - log(total)
    instead: the product sees neither a false zero nor the log of a
    subnormal's few digits, and as |log| > 708 there, the difference keeps
    the relative accuracy of the usual logs.
    """
    with np.errstate(divide="ignore"):
        log_q = np.log(np.where(normalised > 0, normalised, 1.0))
    faint = (raw > 0) & (normalised < _DBL_MIN)
    weak = np.flatnonzero(faint.any(axis=1))
    if weak.size:
        rows = raw[weak]
        shift = 1 - np.frexp(rows.max(axis=1))[1]  # a power of two: the total cannot overflow
        log_total = np.log(np.ldexp(rows, shift[:, None]).sum(axis=1)) - shift * math.log(2.0)
        with np.errstate(divide="ignore"):
            log_raw = np.log(np.where(rows > 0, rows, 1.0))
        log_q[weak] = np.where(faint[weak], log_raw - log_total[:, None], log_q[weak])
    return log_q


def loose_entries(block: np.ndarray, neg_entropy: np.ndarray | None) -> np.ndarray:
    """Mask of the block's entries that could have lost digits.

    `block` holds the product's KL (or cross-entropy) values of rows i,
    columns j; `neg_entropy` the rows' :math:`\\sum p \\log p` (KL; None for
    cross-entropy).  With H = -neg_entropy and H(p, q) = KL + H, the entries
    under _ROUNDOFF (1 + H(p, q) + H) are the KL values under
    _ROUNDOFF (1 + 2 H) / (1 - _ROUNDOFF): one comparison per entry.
    """
    if neg_entropy is None:
        loose: np.ndarray = block < _ROUNDOFF / (1.0 - _ROUNDOFF)
        return loose
    threshold = _ROUNDOFF * (1.0 - 2.0 * neg_entropy) / (1.0 - _ROUNDOFF)
    loose = block < threshold[:, None]
    return loose


class PairRecomputer:
    """The single-pair values of chosen (i, j) entries, natural log."""

    def __init__(self, metric: str, X_raw: np.ndarray, Y_raw: np.ndarray, threads: int) -> None:
        self.kind = _KIND[metric]
        self.X = _normalisable(X_raw)
        self.Y = self.X if Y_raw is X_raw else _normalisable(Y_raw)
        self.threads = threads

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        i = np.ascontiguousarray(i, dtype=np.int64)
        j = np.ascontiguousarray(j, dtype=np.int64)
        if i.size == 0:
            return np.empty(0)
        out: np.ndarray = _core.info_pairs(self.kind, self.X, self.Y, i, j, self.threads)
        return out

    def refine(self, block: np.ndarray, loose: np.ndarray, i0: int, skip_diagonal: bool) -> None:
        """Recompute the `loose` entries of a block of rows i0.. (the diagonal, KL(p || p) = 0, aside)."""
        if skip_diagonal:
            rows = np.arange(block.shape[0])
            loose[rows, rows + i0] = False
        flat = np.flatnonzero(loose)  # (much faster than a 2-D nonzero)
        if flat.size:
            li, lj = np.divmod(flat, block.shape[1])
            block[li, lj] = self.values(li + i0, lj)


def _normalisable(raw: np.ndarray) -> np.ndarray:
    # Rows of subnormal numbers take an exact power of two first, as the
    # single-pair functions do (one scale factor could not normalise them).
    tiny = raw.max(axis=1) < 1e-250
    if not tiny.any():
        return raw
    return np.ascontiguousarray(raw * np.where(tiny, 2.0**600, 1.0)[:, None])
