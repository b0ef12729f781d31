"""Distance matrices on a Dask cluster: :func:`pairwise` in blocks of rows.

Needs the optional extra: ``pip install "pydiv[dask]"``.  The matrix is a dask
array of blocks; each block is one call of :func:`pydiv.pairwise` on a block
of rows (or clouds, or samples) of `X` and one of `Y`, and the work runs on
whatever scheduler is active: threads, processes, or a ``distributed``
cluster::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")      # an existing cluster
    D = pydiv.dask.pairwise(X, metric="jensenshannon")
    D.to_zarr("distances.zarr")                  # or D.compute()

Without `Y`, only the blocks on and above the diagonal are computed; those
below are the transposes of the ones above (the asymmetric KL and
cross-entropy compute every block).
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

try:
    import dask.array as da
    from dask.base import tokenize
    from dask.delayed import delayed
    from dask.highlevelgraph import HighLevelGraph
except ImportError as exc:
    raise ImportError(f'pydiv.dask needs Dask ({exc}); install it with: pip install "pydiv[dask]"') from exc

from ._checks import as_real_array, is_sparse
from .pairwise import pairwise as _in_memory
from .pairwise.metric import Metric, metric_named
from .pairwise.metric_names import MetricName
from .typing import Directions, GroundMetric, Seed

__all__ = ["pairwise"]

# Default block: about this many elementary operations (pairs times the cost
# of one pair), a fraction of a second, so the scheduler's overhead per task
# stays small; and at most 2048 rows, so a block's result (32 MB) is cheap to move.
_WORK_PER_BLOCK = 1 << 26
_MAX_ROWS_PER_BLOCK = 2048


def _default_rows(n: int, pair_cost: float) -> int:
    rows = math.isqrt(int(_WORK_PER_BLOCK / max(1.0, pair_cost)))
    return max(1, min(n, rows, _MAX_ROWS_PER_BLOCK))


def _check_chunks(chunks: Any) -> None:
    if chunks is not None and (isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1):
        raise ValueError(f"chunks must be a positive number of rows, got {chunks!r}")


def _client() -> Any:
    """The active distributed client, or None (distributed is never imported here)."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        return distributed.default_client()
    except ValueError:
        return None


class _Rows:
    """One input split into blocks: per block a graph key and its collection.

    A block's value is what :func:`pydiv.pairwise` takes as `X`: a 2-D array
    of rows, or an ``(items, weights)`` pair for a sequence of clouds/samples.
    """

    def __init__(self, keys: list[Any], collections: list[Any], sizes: list[int], offsets: list[int]) -> None:
        self.keys, self.collections, self.sizes, self.offsets = keys, collections, sizes, offsets

    @classmethod
    def of_dask_array(cls, arr: Any, chunks: int | None) -> _Rows:
        whole = {axis: -1 for axis in range(1, arr.ndim)}  # whole rows (or grids, for "emd_grid") per block
        arr = arr.rechunk({0: chunks, **whole} if chunks is not None else whole)
        sizes = list(arr.chunks[0])
        keys = [(arr.name, i, *(0,) * (arr.ndim - 1)) for i in range(len(sizes))]
        return cls(keys, [arr], sizes, _starts(sizes))

    @classmethod
    def of_blocks(cls, blocks: list[Any], sizes: list[int], name: str) -> _Rows:
        """Blocks of in-memory data: scattered to the active client, else held by the graph."""
        client = _client()
        if client is not None:
            # The graph then refers to data on the workers instead of carrying it.
            values = [delayed(f) for f in client.scatter(blocks, hash=False)]
        else:
            values = [delayed(b, name=f"pydiv-{name}-{tokenize(b)}") for b in blocks]
        return cls([v.key for v in values], values, sizes, _starts(sizes))


def _starts(sizes: list[int]) -> list[int]:
    return [int(v) for v in np.cumsum([0, *sizes[:-1]])]


def _split(n: int, rows: int) -> list[tuple[int, int]]:
    return [(i0, min(n, i0 + rows)) for i0 in range(0, n, rows)]


def _array_rows(raw: np.ndarray, rows: int, name: str) -> _Rows:
    spans = _split(raw.shape[0], rows) or [(0, 0)]
    return _Rows.of_blocks([raw[i0:i1] for i0, i1 in spans], [i1 - i0 for i0, i1 in spans], name)


def _sequence_rows(items: list[Any], weights: Any, rows: int, name: str) -> _Rows:
    spans = _split(len(items), rows) or [(0, 0)]
    w = None if weights is None else list(weights)
    blocks = [(items[i0:i1], None if w is None else w[i0:i1]) for i0, i1 in spans]
    return _Rows.of_blocks(blocks, [i1 - i0 for i0, i1 in spans], name)


def _prepare(
    a: Any, weights: Any, name: str, metric: Metric, options: dict[str, Any], chunks: int | None
) -> tuple[Any, Callable[[], _Rows]]:
    """An empty stand-in for one input, on which the in-memory function checks the
    options, and a function that then validates the input in full (the metric's
    own preparation, which names a bad item's index) and splits it."""

    def prepared(values: Any, w: Any) -> Any:
        return metric.prepare(values, w, name, metric.check_options({k: options.get(k) for k in metric.options}))

    if isinstance(a, da.Array):
        if not metric.array_rows:
            raise TypeError(f"{name} must be a sequence of {metric.items} for metric {metric.name!r}, not a dask array")
        if weights is not None:
            raise TypeError(f"{'x' if name == 'X' else 'y'}_weights needs {name} in memory, not a dask array")
        return np.empty((0, *a.shape[1:])), lambda: _Rows.of_dask_array(a, chunks)
    if metric.item_rows and (not metric.array_rows or weights is not None or not isinstance(a, np.ndarray)):

        def split_sequence() -> _Rows:
            rows = prepared(a, weights)
            items = list(a)
            cost = metric.pair_cost(rows, rows)
            return _sequence_rows(items, weights, chunks or _default_rows(len(items), cost), name)

        return [], split_sequence
    arr = as_real_array(a, name)

    def split_rows() -> _Rows:
        rows = prepared(arr, None)
        raw = np.ascontiguousarray(arr, dtype=np.float64)
        return _array_rows(raw, chunks or _default_rows(raw.shape[0], metric.pair_cost(rows, rows)), name)

    return (arr[:0] if arr.ndim else arr), split_rows  # a 0-d input is refused by the in-memory function


def _block(x: Any, y: Any, metric: str, options: dict[str, Any]) -> np.ndarray:
    """One block: `y` None is the symmetric (diagonal) block of `x` with itself."""
    xs, xw = x if isinstance(x, tuple) else (x, None)
    ys, yw = (None, None) if y is None else (y if isinstance(y, tuple) else (y, None))
    weights = {k: v for k, v in (("x_weights", xw), ("y_weights", yw)) if v is not None}
    return _in_memory(xs, ys, metric=cast(MetricName, metric), **options, **weights)


def _condensed_rows(diagonal: np.ndarray, *right: np.ndarray) -> np.ndarray:
    """pdist order for one block of rows: row t's entries right of the diagonal, row after row."""
    rows = np.hstack([diagonal, *right]) if right else diagonal
    t = np.arange(rows.shape[0])
    return rows[np.arange(rows.shape[1])[None, :] > t[:, None]]


def pairwise(
    X: Any,
    Y: Any = None,
    *,
    metric: MetricName,
    chunks: int | None = None,
    n_jobs: int | None = 1,
    dtype: DTypeLike | None = None,
    condensed: bool = False,
    progress: bool = False,
    base: float | None = None,
    x: ArrayLike | None = None,
    p: float | None = None,
    ground_metric: GroundMetric | None = None,
    w: float | None = None,
    x_weights: ArrayLike | None = None,
    y_weights: ArrayLike | None = None,
    n_projections: int | None = None,
    directions: Directions | None = None,
    seed: Seed = None,
    squared: bool | None = None,
    spacing: ArrayLike | None = None,
) -> Any:
    """The matrix of :func:`pydiv.pairwise`, as a lazy dask array.

    Parameters
    ----------
    X, Y : dask.array.Array, array_like or sequence
        As for :func:`pydiv.pairwise`: distributions as rows (a dask array,
        or NumPy input split into blocks of `chunks` rows; for ``"emd_grid"``
        each row is a grid, ``(n, *grid)``), or for ``"emd"``
        and ``"wasserstein_samples"`` sequences of point clouds or samples
        of any sizes (split into blocks of `chunks` items).  ``Y=None``
        compares `X` with itself.  In-memory input is validated at once
        and, under an active ``distributed`` client, scattered to the
        workers so that the task graph stays small.
    metric : str
        Any metric of :func:`pydiv.pairwise`.
    chunks : int, optional
        Rows (or items) per block; by default a dask array keeps its row
        chunks and in-memory input gets blocks of a fraction of a second of
        work each.
    n_jobs : int, default 1
        Threads per block.  Dask already runs blocks in parallel, so one
        thread per block avoids oversubscription; raise it on a cluster
        with one worker process per machine.
    dtype : dtype, optional
        float64 (default) or float32 result.
    condensed : bool, default False
        With ``Y=None`` and a symmetric metric, the upper triangle as a
        vector in the order of :func:`scipy.spatial.distance.pdist`.
    progress : bool, default False
        Compute now, showing one progress bar for the whole matrix
        (``distributed.progress`` under a client, else
        ``dask.diagnostics.ProgressBar``); the result is then a persisted
        dask array.
    base, x, p, ground_metric, w, x_weights, y_weights, n_projections, directions, seed, squared, spacing
        As for :func:`pydiv.pairwise`; bad values raise here, not at compute.
        With ``metric="sliced"`` and no `seed`, one seed is drawn here, so
        every block uses the same random directions.

    Returns
    -------
    dask.array.Array
        (n, m), or (n (n - 1) / 2,) when `condensed`; ``.compute()`` gives
        a NumPy array.

    Examples
    --------
    >>> import numpy as np, pydiv.dask
    >>> X = np.random.default_rng(0).random((6, 4))
    >>> D = pydiv.dask.pairwise(X, metric="js", chunks=4)
    >>> D.shape, D.chunks
    ((6, 6), ((4, 2), (4, 2)))
    >>> pydiv.dask.pairwise(X, metric="js", chunks=4, condensed=True).chunks
    ((14, 1),)
    """
    if is_sparse(X) or is_sparse(Y):
        raise TypeError("pydiv.dask.pairwise does not take scipy.sparse rows; use pydiv.pairwise, which does")
    entry = metric_named(metric)
    _check_chunks(chunks)
    given: dict[str, Any] = dict(base=base, x=x, p=p, ground_metric=ground_metric, w=w, n_projections=n_projections,
                                 directions=directions, seed=seed, squared=squared, spacing=spacing)
    options = {k: v for k, v in given.items() if v is not None}
    X_probe, split_x = _prepare(X, x_weights, "X", entry, options, chunks)
    Y_probe, split_y = (None, split_x) if Y is None else _prepare(Y, y_weights, "Y", entry, options, chunks)
    # The in-memory function, on empty stand-ins, checks every option with its own messages.
    probe_weights: dict[str, Any] = {k: [] for k, v in (("x_weights", x_weights), ("y_weights", y_weights)) if v is not None}
    _in_memory(X_probe, Y_probe, metric=metric, n_jobs=n_jobs, dtype=dtype, condensed=condensed, **options,
               **probe_weights)
    options = entry.fixed_options(options)  # e.g. one seed for every block's random directions
    A = split_x()
    B = None if Y is None else split_y()
    out_dtype = np.dtype(dtype) if dtype is not None else np.dtype(np.float64)
    options.update(n_jobs=n_jobs, dtype=out_dtype)
    result = _graph(A, B, entry, options, out_dtype, condensed)
    return _persist_with_progress(result) if progress else result


def _graph(A: _Rows, B: _Rows | None, metric: Metric, options: dict[str, Any], dtype: np.dtype, condensed: bool) -> Any:
    """The blocks' graph.  With B None only blocks on and above the diagonal are computed."""
    token = tokenize(A.keys, None if B is None else B.keys, metric.name, options, condensed)
    name = f"pydiv-pairwise-{metric.name}-{token}"
    block = functools.partial(_block, metric=metric.name, options=options)
    dsk: dict[Any, Any] = {}
    nx = len(A.keys)
    if B is not None:
        for i in range(nx):
            for j in range(len(B.keys)):
                dsk[(name, i, j)] = (block, A.keys[i], B.keys[j])
        return _array(dsk, name, [A, B], (tuple(A.sizes), tuple(B.sizes)), dtype)
    upper = name if not condensed else f"{name}-upper"
    for i in range(nx):
        for j in range(i, nx):
            dsk[(upper, i, j)] = (block, A.keys[i], None if i == j else A.keys[j])
            if i != j and not metric.symmetric:
                dsk[(upper, j, i)] = (block, A.keys[j], A.keys[i])
            elif i != j and not condensed:
                dsk[(upper, j, i)] = (np.transpose, (upper, i, j))
    if not condensed:
        return _array(dsk, name, [A], (tuple(A.sizes), tuple(A.sizes)), dtype)
    n = sum(A.sizes)
    # Rows r0 .. r0 + s - 1 hold n - 1 - r entries each right of the diagonal.
    lengths = [s * (n - 1) - s * r0 - s * (s - 1) // 2 for r0, s in zip(A.offsets, A.sizes)]
    for i in range(nx):
        dsk[(name, i)] = (_condensed_rows, *[(upper, i, j) for j in range(i, nx)])
    return _array(dsk, name, [A], (tuple(lengths),), dtype)


def _array(dsk: dict[Any, Any], name: str, inputs: list[_Rows], chunks: tuple[tuple[int, ...], ...], dtype: Any) -> Any:
    deps = [c for rows in inputs for c in rows.collections]
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=deps)
    return da.Array(graph, name, chunks=chunks, dtype=dtype)  # type: ignore[no-untyped-call]


def _persist_with_progress(result: Any) -> Any:
    client = _client()
    if client is not None:
        import distributed

        persisted = client.persist(result)
        distributed.progress(persisted)  # type: ignore[no-untyped-call]
        return persisted
    from dask.diagnostics.progress import ProgressBar

    with ProgressBar():  # type: ignore[no-untyped-call]
        return result.persist()
