"""Distance matrices between many distributions: :func:`pairwise`.

In the spirit of :func:`scipy.spatial.distance.cdist` / ``pdist``: rows of `X`
against rows of `Y` (or of `X` against themselves, using symmetry), threaded
in C++, written block by block into an optional preallocated or
memory-mapped `out`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _core, _identical, _info_pairs
from ._pairwise_inputs import _clouds, _ground, _histograms, _samples, _scaled_clouds, _support
from ._progress import progress_bar
from ._checks import check_base, check_bool, check_out_disjoint, check_p, thread_request

__all__ = ["METRICS", "pairwise"]

METRICS = ("kl", "cross_entropy", "js", "jensenshannon", "wasserstein", "wasserstein_samples", "emd")
_SYMMETRIC = frozenset({"js", "jensenshannon", "wasserstein", "wasserstein_samples", "emd"})
# The options each metric reads; giving one it does not is an error, not ignored.
_OPTIONS = {
    "kl": ("base",),
    "cross_entropy": ("base",),
    "js": ("base",),
    "jensenshannon": ("base",),
    "wasserstein": ("x", "p"),
    "wasserstein_samples": ("p", "x_weights", "y_weights"),
    "emd": ("p", "ground_metric", "w", "x_weights", "y_weights"),
}
# Pairs per row block: about a tenth of a second of work, so progress moves
# and Ctrl-C is honoured between blocks.
_PAIRS_PER_BLOCK_ELEMENTS = 1 << 24



def _threads(n_jobs: Any) -> int:
    return thread_request(n_jobs, "n_jobs")


def _output(out: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    if out is None:
        return np.empty(shape, dtype=np.dtype(dtype) if dtype is not None else np.float64)
    if not isinstance(out, np.ndarray) or isinstance(out, np.ma.MaskedArray):  # a mask would be ignored
        raise TypeError(f"out must be a NumPy array or memmap, got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, but the result has shape {shape}")
    if out.dtype not in (np.float64, np.float32):
        raise TypeError(f"out must have dtype float64 or float32, got {out.dtype}")
    if dtype is not None and np.dtype(dtype) != out.dtype:
        raise ValueError(f"dtype {np.dtype(dtype)} does not match out's dtype {out.dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("out must be C-contiguous and writeable")
    return out


def pairwise(
    X: Any,
    Y: Any = None,
    *,
    metric: str,
    n_jobs: int | None = None,
    out: np.ndarray | None = None,
    condensed: bool = False,
    progress: bool = False,
    base: float | None = None,
    dtype: Any = None,
    x: Any = None,
    p: float | None = None,
    ground_metric: str | None = None,
    w: float | None = None,
    x_weights: Any = None,
    y_weights: Any = None,
) -> np.ndarray:
    r"""Distances or divergences between every row of `X` and every row of `Y`.

    Parameters
    ----------
    X : array_like, shape (n, k)
        One distribution (histogram, counts) per row; rows are normalised.
    Y : array_like, shape (m, k), optional
        The second set; ``None`` compares `X` with itself, computing only one
        triangle for the symmetric metrics.
    metric : str
        ``"kl"`` (:math:`D_{KL}(X_i \| Y_j)`), ``"cross_entropy"``, ``"js"``
        (the Jensen-Shannon *divergence*, the square of scipy's distance), or
        ``"jensenshannon"`` (the *distance*: the values of
        ``scipy.spatial.distance.cdist(X, Y, "jensenshannon")`` and ``pdist``), or
        ``"wasserstein"`` (rows are histograms on the shared sorted support
        `x`; order `p`), ``"wasserstein_samples"`` (`X` and `Y` are 2-D
        arrays whose rows are equal-size 1-D samples, or sequences of 1-D
        samples of any lengths, optionally weighted by `x_weights` and
        `y_weights`; order `p`), or ``"emd"`` (`X` and `Y` are sequences of point
        clouds of shape (n_i, d), optionally weighted by `x_weights` and
        `y_weights`; exact :math:`W_p` with the ground distance
        `ground_metric`, as in :func:`pydiv.wasserstein_nd`).
    n_jobs : int, optional
        Threads; ``None`` or ``-1`` uses all cores (or ``OMP_NUM_THREADS``).
        The KL and cross-entropy matrices are matrix products done by NumPy's
        BLAS, which has its own thread pool.
    out : ndarray or numpy.memmap, optional
        Preallocated C-contiguous float64 or float32 result, written in row
        blocks, so a memory-mapped file can hold a matrix larger than memory;
        it must not share memory with an input.
    condensed : bool, default False
        With ``Y=None`` and a symmetric metric, return the upper triangle as a
        vector in the order of :func:`scipy.spatial.distance.pdist`.
    progress : bool, default False
        Show a progress bar (tqdm if installed).
    base : float, optional
        Logarithm base for the information metrics.
    dtype : dtype, optional
        float64 (default) or float32 result; computation is always float64.
    x : array_like, shape (k,), optional
        Support of the ``"wasserstein"`` histograms (default 0, 1, ..., k-1).
    p : float, default 1
        Order of the Wasserstein metrics (``"wasserstein"``,
        ``"wasserstein_samples"``, ``"emd"``), ``p >= 1``.
    ground_metric : str, default "euclidean"
        ``"emd"`` only: euclidean, sqeuclidean, cityblock, chebyshev or
        minkowski (with order `w`).
    w : float, optional
        ``"emd"`` only: the Minkowski order.
    x_weights, y_weights : sequence of array_like, optional
        ``"emd"`` and ``"wasserstein_samples"``: one weight vector per cloud
        or sample (uniform by default), normalised to sum 1.

    Returns
    -------
    ndarray
        (n, m), or (n (n - 1) / 2,) when `condensed`.

    Notes
    -----
    Each metric prepares every row once (normalised histograms and their
    :math:`x \log x`, CDFs, sorted samples), then runs a per-pair kernel.
    KL and cross-entropy use :math:`\sum_k p_k \log q_k = (P \log Q^T)_{ij}`;
    an entry is ``inf`` exactly where some :math:`p_k > 0` meets
    :math:`q_k = 0`, decided by a product of the zero masks, never by NaN.
    Jensen-Shannon uses :math:`\tfrac12 \sum (x \log x + y \log y) - m \log m`
    with each row's :math:`x \log x` computed once; rounding is clipped into
    :math:`[0, \log 2]`, so the distance is never NaN.  Identical rows
    (histograms equal element-wise up to a power of two; samples and clouds
    equal with their normalised weights) give exactly 0 for every metric but
    cross-entropy, whether `Y` is given or not.  Ctrl-C stops a running
    matrix between row blocks.

    Examples
    --------
    >>> import numpy as np, pydiv
    >>> X = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    >>> pydiv.pairwise(X, metric="js", base=2, condensed=True).round(6)
    array([0.311278, 1.      , 0.311278])
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    given = {"base": base, "x": x, "p": p, "ground_metric": ground_metric, "w": w, "x_weights": x_weights,
             "y_weights": y_weights}
    unused = [name for name, value in given.items() if value is not None and name not in _OPTIONS[metric]]
    if unused:
        raise ValueError(
            f"{unused[0]} is not used by metric {metric!r}, which takes {', '.join(_OPTIONS[metric])}"
        )
    p = 1 if p is None else p
    ground_metric = "euclidean" if ground_metric is None else ground_metric
    threads = _threads(n_jobs)
    condensed, progress = check_bool(condensed, "condensed"), check_bool(progress, "progress")
    b = check_base(base)
    if b is not None and b < 1.0 and metric == "jensenshannon":
        raise ValueError(f"base must be greater than 1 for a distance (the divergence would be negative), got {base!r}")
    scale = 1.0 / math.log(b) if b is not None else 1.0
    if dtype is not None and np.dtype(dtype) not in (np.float64, np.float32):
        raise TypeError(f"dtype must be float64 or float32, got {np.dtype(dtype)}")
    if condensed and not (Y is None and metric in _SYMMETRIC):
        raise ValueError(f"condensed output needs Y=None and a symmetric metric ({', '.join(sorted(_SYMMETRIC))})")
    if out is not None:
        check_out_disjoint(out, {"X": X, "Y": Y, "x": x, "x_weights": x_weights, "y_weights": y_weights})
    same = Y is None or (Y is X and y_weights is x_weights)  # the same rows: their groups are found once
    BlockCall = Callable[[int, int, np.ndarray, bool], int]
    if metric in ("emd", "wasserstein_samples"):
        pp = check_p(p)
        result_exponent = 0
        call: BlockCall
        xs: tuple[Any, ...]
        ys: tuple[Any, ...]
        if metric == "emd":
            xs = _clouds(X, x_weights, "X")
            ys = xs if Y is None else _clouds(Y, y_weights, "Y")
            code, ww = _ground(ground_metric, w)
            if xs[0].shape[1] != ys[0].shape[1] and xs[2].size > 1 and ys[2].size > 1:
                raise ValueError(f"X and Y hold points of different dimensions ({xs[0].shape[1]} and {ys[0].shape[1]})")
            groups = _identical.item_groups(xs, None if same else ys)
            xs, ys, result_exponent = _scaled_clouds(xs, ys, Y is None, str(ground_metric), ww, pp)

            def call(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
                n_bad = _core.emd_pair_block(*xs, *ys, code, pp, ww, i0, i1, symmetric, condensed, block, threads)  # type: ignore[call-overload]
                return int(n_bad)

            cost = float(np.diff(xs[2]).mean() * np.diff(ys[2]).mean()) if xs[2].size > 1 and ys[2].size > 1 else 1.0
        else:
            xs = _samples(X, x_weights, "X")
            ys = xs if Y is None else _samples(Y, y_weights, "Y")
            groups = _identical.item_groups(xs, None if same else ys)

            def call(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
                n_bad = _core.samples_pair_block(*xs, *ys, pp, i0, i1, symmetric, condensed, block, threads)
                return int(n_bad)

            cost = float(xs[0].size + ys[0].size) / max(1, xs[2].size + ys[2].size - 2)
        if Y is None and y_weights is not None:
            raise ValueError("y_weights needs Y")
        n, m = xs[2].size - 1, ys[2].size - 1
        result, failed = _run_blocks(metric, n, m, cost, Y is None, condensed, out, dtype, progress, call)
        if failed:
            raise ValueError(f"{failed} of the {metric} problems could not be solved (distances overflow)")
        if result_exponent:
            with np.errstate(over="ignore"):  # a distance beyond the float range is inf
                np.ldexp(result, result_exponent, out=result)
        _identical.zero_identical(result, *groups, condensed)
        return result

    X_raw, P = _histograms(X, "X")
    Y_raw, Q = (X_raw, P) if Y is None else _histograms(Y, "Y")
    if Q.shape[1] != P.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {P.shape[1]} and {Q.shape[1]}")
    n, m, k = P.shape[0], Q.shape[0], P.shape[1]
    if metric in ("kl", "cross_entropy"):
        shape = (n, m)
        result = _output(out, shape, dtype)
        if n and m:
            bar = progress_bar(progress, n, f"pairwise {metric}")
            try:
                recompute = _info_pairs.PairRecomputer(metric, X_raw, Y_raw, threads)
                _gemm_metric(metric, P, Q, scale, result, max(1, _PAIRS_PER_BLOCK_ELEMENTS // (m * k)), bar, Y is None,
                             recompute)
            finally:
                bar.close()
            if metric == "kl":
                groups = _identical.histogram_groups((P, X_raw), None if same else (Q, Y_raw))
                _identical.zero_identical(result, *groups, False)
        return result

    order = 1.0
    uniform_gap = 0.0
    if metric == "wasserstein":
        order = check_p(p)
        support = _support(x, k)
        if order == 1.0:
            kind, weights = _core.PAIR_CDF_L1, np.append(np.diff(support), 0.0)
            if k > 1 and weights[0] > 0 and np.all(weights[:-1] == weights[0]):
                uniform_gap = float(weights[0])
            A = np.cumsum(P, axis=1)
            B = A if Q is P else np.cumsum(Q, axis=1)
        else:
            kind, weights, A, B = _core.PAIR_HIST_WP, support, P, Q
        A_aux = B_aux = A_raw = B_raw = None
        scale = 1.0
    else:
        # The raw rows let a near-identical pair skip the rounding of normalising.
        kind, weights, A, B, A_raw, B_raw = _core.PAIR_JS, None, P, Q, X_raw, Y_raw
        A_aux = _core.xlogx(P)
        B_aux = A_aux if Q is P else _core.xlogx(Q)
    take_sqrt = metric == "jensenshannon"

    def kernel_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
        _core.pair_block(
            kind, A, A_aux, A_raw, B, B_aux, B_raw, weights, order, uniform_gap, scale, take_sqrt, i0, i1, symmetric,
            condensed, block, threads
        )
        return 0

    result = _run_blocks(metric, n, m, float(k), Y is None, condensed, out, dtype, progress, kernel_block)[0]
    _identical.zero_identical(result, *_identical.histogram_groups((P, X_raw), None if same else (Q, Y_raw)),
                              condensed)
    return result


def _run_blocks(
    metric: str,
    n: int,
    m: int,
    pair_cost: float,
    symmetric: bool,
    condensed: bool,
    out: Any,
    dtype: Any,
    progress: bool,
    call: Callable[[int, int, np.ndarray, bool], int],
) -> tuple[np.ndarray, int]:
    """Walk the matrix in row blocks of about a tenth of a second each.

    Between blocks Python handles Ctrl-C and moves the progress bar; a
    symmetric full matrix copies each block's left part from earlier blocks.
    Returns (result, number of failed entries).
    """
    shape = (n * (n - 1) // 2,) if condensed else (n, m)
    result = _output(out, shape, dtype)
    if n == 0 or m == 0:
        return result, 0
    rows_per_block = max(1, int(_PAIRS_PER_BLOCK_ELEMENTS // max(1.0, m * pair_cost)))
    flat = result.reshape(-1)
    failed = 0
    bar = progress_bar(progress, n, f"pairwise {metric}")
    try:
        for i0 in range(0, n, rows_per_block):
            i1 = min(n, i0 + rows_per_block)
            if condensed:
                block = flat[i0 * n - i0 * (i0 + 1) // 2 : i1 * n - i1 * (i1 + 1) // 2]
            else:
                block = result[i0:i1]
            failed += call(i0, i1, block, symmetric)
            if symmetric and not condensed and i0 > 0:
                result[i0:i1, :i0] = result[:i0, i0:i1].T
            bar.update(i1 - i0)
    finally:
        bar.close()
    return result, failed


def _gemm_metric(
    metric: str,
    P: np.ndarray,
    Q: np.ndarray,
    scale: float,
    result: np.ndarray,
    rows_per_block: int,
    bar: Any,
    same: bool,
    recompute: Any,
) -> None:
    # sum_k p log q as a matrix product; log 0 is replaced by 0 and the
    # support mismatch is found exactly by a product of the zero masks.
    # Rows whose normalisation underflowed an entry take their logs from the
    # rows as given, and their zeros too.  Entries the product could have
    # left with too few digits are recomputed (recompute: _info_pairs.PairRecomputer).
    log_q = _info_pairs.log_rows(Q, recompute.Y)
    zero_cols = np.flatnonzero((recompute.Y == 0).any(axis=0))
    q_zero = (recompute.Y[:, zero_cols] == 0).astype(np.float64)
    neg_entropy = _core.xlogx(P).sum(axis=1) if metric == "kl" else None
    n = P.shape[0]
    for i0 in range(0, n, rows_per_block):
        i1 = min(n, i0 + rows_per_block)
        block = P[i0:i1] @ log_q.T
        np.negative(block, out=block)
        if neg_entropy is not None:
            block += neg_entropy[i0:i1, None]
            np.maximum(block, 0.0, out=block)  # KL >= 0; rounding may leave -1e-17
            if same:
                idx = np.arange(i0, i1)
                block[idx - i0, idx] = 0.0  # KL(p || p) = 0 exactly
        if zero_cols.size:
            mismatch = (recompute.X[i0:i1, zero_cols] > 0).astype(np.float64) @ q_zero.T
            block[mismatch > 0] = np.inf
        loose = _info_pairs.loose_entries(block, None if neg_entropy is None else neg_entropy[i0:i1])
        recompute.refine(block, loose, i0, skip_diagonal=same and neg_entropy is not None)
        if scale != 1.0:
            block *= scale
        result[i0:i1] = block
        bar.update(i1 - i0)
