"""Entries of the pairwise KL and cross-entropy matrices recomputed exactly.

The matrix product gives :math:`\\sum_k p_k \\log q_k` over normalised rows
with an absolute error of a few ulp of :math:`1 + H(p, q) + H(p)`: next to a
small KL (near-identical rows) or cross-entropy that can be most of the
value.  Such entries, and every entry of a row whose normalisation underflowed
an element, are recomputed by the single-pair kernel on the rows as given
(accurate passes included), all of them in one threaded C++ call.
"""

from __future__ import annotations

import numpy as np

from . import _core

# The product's error bound, in units of 1 + H(p, q) + H(p), against 1e-13 of the value.
_ROUNDOFF = 4 * 2.0**-52 / 1e-13
_PAIRS_PER_CALL = 1 << 20
_KIND = {"kl": _core.INFO_KL, "cross_entropy": _core.INFO_CROSS_ENTROPY}


def loose_entries(metric: str, ce: np.ndarray, neg_entropy: np.ndarray | None) -> np.ndarray:
    """Mask of the block's entries that could have lost digits.

    `ce` is the block of cross-entropies from the product (rows i, columns j),
    `neg_entropy` the rows' :math:`\\sum p \\log p` (KL only).
    """
    if neg_entropy is None:
        loose: np.ndarray = ce < _ROUNDOFF * (1.0 + ce)
        return loose
    h = -neg_entropy[:, None]
    loose = ce - h < _ROUNDOFF * (1.0 + ce + h)
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
        li, lj = np.nonzero(loose)
        block[li, lj] = self.values(li + i0, lj)


def _normalisable(raw: np.ndarray) -> np.ndarray:
    # Rows of subnormal numbers take an exact power of two first, as the
    # single-pair functions do (one scale factor could not normalise them).
    tiny = raw.max(axis=1) < 1e-250
    if not tiny.any():
        return raw
    return np.ascontiguousarray(raw * np.where(tiny, 2.0**600, 1.0)[:, None])


def lossy_rows(raw: np.ndarray, normalised: np.ndarray) -> np.ndarray:
    """Rows where normalising underflowed a positive entry to zero."""
    return np.flatnonzero(((raw > 0) & (normalised == 0)).any(axis=1))


def redo_lossy(recompute: PairRecomputer, X_raw: np.ndarray, P: np.ndarray, Y_raw: np.ndarray, Q: np.ndarray,
               scale: float, result: np.ndarray) -> None:
    """Every entry in the lossy rows of X and the lossy rows of Y (columns), in
    calls of at most _PAIRS_PER_CALL pairs (bounded memory; Ctrl-C is seen between them)."""
    n, m = result.shape
    for lines, length, by_row in ((lossy_rows(X_raw, P), m, True), (lossy_rows(Y_raw, Q), n, False)):
        per_call = max(1, _PAIRS_PER_CALL // max(1, length))
        for c in range(0, lines.size, per_call):
            group = lines[c : c + per_call]
            fixed = np.repeat(group, length)
            running = np.tile(np.arange(length), group.size)
            i, j = (fixed, running) if by_row else (running, fixed)
            result[i, j] = recompute.values(i, j) * scale
