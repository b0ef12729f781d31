"""Distance matrices on a Dask cluster: :func:`pairwise` over dask arrays.

Needs the optional extra: ``pip install "pydiv[dask]"``.  The matrix is a dask
array of blocks; each block is one call of :func:`pydiv.pairwise` on a chunk
of rows of `X` and a chunk of rows of `Y`, so rows are normalised (and their
entropies or CDFs computed) once per block, and the work runs on whatever
scheduler is active: threads, processes, or a ``distributed`` cluster::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")      # an existing cluster
    D = pydiv.dask.pairwise(X, metric="jensenshannon", chunks=2000)
    D.to_zarr("distances.zarr")                  # or D.compute()
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .pairwise import METRICS
from .pairwise import pairwise as _in_memory

__all__ = ["pairwise"]


def _as_dask_rows(a: Any, name: str, chunks: int | None) -> Any:
    import dask.array as da

    if chunks is not None and (isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1):
        raise ValueError(f"chunks must be a positive number of rows, got {chunks!r}")
    arr: Any
    if isinstance(a, da.Array):
        arr = a
    else:
        arr = np.asarray(a)
        if chunks is None:
            raise ValueError(f"{name} is not a dask array: pass chunks= (rows per block)")
        arr = da.from_array(arr, chunks=(chunks, -1) if arr.ndim == 2 else chunks)  # type: ignore[no-untyped-call]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (one distribution per row), got {arr.ndim}-D")
    if chunks is not None:
        arr = arr.rechunk((chunks, -1))
    elif arr.numblocks[1] != 1:
        arr = arr.rechunk({1: -1})  # a block needs whole rows
    return arr


def _block(x: np.ndarray, y: np.ndarray, metric: str, kwargs: dict[str, Any]) -> np.ndarray:
    return _in_memory(x, y, metric=metric, **kwargs)


def pairwise(
    X: Any,
    Y: Any = None,
    *,
    metric: str,
    chunks: int | None = None,
    n_jobs: int | None = 1,
    dtype: Any = None,
    **metric_kwargs: Any,
) -> Any:
    """The (n, m) matrix of :func:`pydiv.pairwise`, as a lazy dask array.

    Parameters
    ----------
    X, Y : dask.array.Array or array_like, shape (n, k) and (m, k)
        Distributions as rows; NumPy input is split into blocks of `chunks`
        rows.  ``Y=None`` compares `X` with itself.
    metric : str
        Any metric of :func:`pydiv.pairwise`.
    chunks : int, optional
        Rows per block (required for NumPy input; rechunks dask input).
    n_jobs : int, default 1
        Threads per block.  Dask already runs blocks in parallel, so one
        thread per block avoids oversubscription; raise it on a cluster
        with one worker process per machine.
    dtype : dtype, optional
        float64 (default) or float32 result.
    **metric_kwargs
        `base`, `x`, `p`, as for :func:`pydiv.pairwise`.

    Returns
    -------
    dask.array.Array
        Call ``.compute()`` for a NumPy array.

    Examples
    --------
    >>> import numpy as np, pydiv.dask
    >>> X = np.random.default_rng(0).random((6, 4))
    >>> D = pydiv.dask.pairwise(X, metric="js", chunks=4)
    >>> D.shape, D.chunks
    ((6, 6), ((4, 2), (4, 2)))
    """
    import dask.array as da

    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    out_dtype = np.dtype(dtype) if dtype is not None else np.dtype(np.float64)
    A = _as_dask_rows(X, "X", chunks)
    B = A if Y is None else _as_dask_rows(Y, "Y", chunks)
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {A.shape[1]} and {B.shape[1]}")
    kwargs = dict(metric_kwargs, n_jobs=n_jobs, dtype=out_dtype)
    return da.blockwise(  # type: ignore[no-untyped-call]
        _block, "ij", A, "ik", B, "jk", dtype=out_dtype, concatenate=True, metric=metric, kwargs=kwargs
    )
