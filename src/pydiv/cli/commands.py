"""The sub-commands ``pydiv pairwise``, ``pydiv compare`` and ``pydiv info``.

Each ``run_*`` function executes its command for parsed arguments and returns
the exit status (:func:`~pydiv.cli.errors.run_guarded` words the failures).
Options are checked, and an unusable ``--out`` refused, before any input is
read; ``pairwise --out X.npy`` writes the matrix block by block into a
memory-mapped file under a temporary name, renamed when complete.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np

from .._checks import thread_request
from .._config import config
from ..info import cross_entropy, entropy, jensenshannon, js_divergence, kl_divergence
from ..pairwise import pairwise
from ..pairwise.metric import metric_named
from ..wasserstein import wasserstein_hist
from .errors import CliError, check_extension, run_guarded
from .ordering import cluster_order
from .plots import PLOT_FORMATS, plot_bars, plot_heatmap, pyplot
from .nan_policy import check_nan
from .readers import read_array
from .row_names import read_named_rows, write_labelled
from .writers import WRITE_FORMATS, print_array, write_array

__all__ = ["COMPARE_METRICS", "info", "run_compare", "run_pairwise"]

INFO_METRICS = frozenset({"kl", "cross_entropy", "js", "jensenshannon", "entropy"})


COMPARE_METRICS: dict[str, Callable[..., Any]] = {
    "kl": kl_divergence,
    "js": js_divergence,
    "jensenshannon": jensenshannon,
    "cross_entropy": cross_entropy,
    "entropy": entropy,
    "wasserstein": wasserstein_hist,
}



def _check_options(metric: str, base: float | None, support: str | None) -> None:
    if base is not None and metric not in INFO_METRICS:
        raise CliError(f"--base applies to the information metrics ({', '.join(sorted(INFO_METRICS))}), not {metric!r}")
    if support is not None and metric != "wasserstein":
        raise CliError(f"--support applies to --metric wasserstein only, not {metric!r}")


def _support(args: argparse.Namespace) -> np.ndarray | None:
    if args.support is None:
        return None
    return read_array(args.support, name="--support")


def _check_out(path: str | None) -> None:
    """Refuse an unusable --out before any work is done."""
    if path is None:
        return
    check_extension(path, WRITE_FORMATS, "--out", "write")
    folder = os.path.dirname(path) or os.curdir
    if not os.path.isdir(folder):
        raise CliError(f"--out: cannot write {path!r}: no directory {folder!r}")


def _read_named(args: argparse.Namespace, path: str, name: str) -> tuple[np.ndarray, list[str] | None]:
    """An input read with the command's --key and --delimiter, its NaN rows
    handled by --nan-policy, and with --row-names the name of each row kept."""
    arr, names = _read_rows(args, path, name)
    keep = check_nan(arr, args.nan_policy, name, path)
    kept: np.ndarray = arr[keep]
    return kept, _kept(names, keep)


def _omit_pairs(args: argparse.Namespace, P: np.ndarray, Q: np.ndarray | None) -> tuple[np.ndarray, Any]:
    """compare's --nan-policy: the masks of the rows kept, matching rows dropped together so the pairs stay aligned."""
    keep_p = check_nan(P, args.nan_policy, "P", args.P)
    if Q is None:
        return keep_p, None
    keep_q = check_nan(Q, args.nan_policy, "Q", args.Q)
    if P.ndim == 2 and Q.ndim == 2 and P.shape[0] == Q.shape[0]:
        keep = keep_p & keep_q
        return keep, keep
    return keep_p, keep_q


def _compare_labels(p_names: list[str] | None, q_names: list[str] | None) -> list[str] | None:
    """The names of compare's result rows: P's, or Q's when a single row of P meets every row of Q."""
    if p_names is None:
        return None
    if q_names is None or len(q_names) == len(p_names):
        for k, (a, b) in enumerate(zip(p_names, q_names or p_names)):
            if a != b:
                raise CliError(f"Q: row {k} is named {b!r} but row {k} of P {a!r}; --row-names pairs rows by name")
        return p_names
    return q_names if len(p_names) == 1 else p_names


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def _check_plot(args: argparse.Namespace) -> None:
    """Refuse an unusable --plot (or a missing matplotlib) before any work is done."""
    if getattr(args, "order", "rows") == "cluster" and args.plot is None:
        raise CliError("--order cluster applies to --plot only")
    if args.plot is None:
        return
    check_extension(args.plot, PLOT_FORMATS, "--plot", "write")
    if getattr(args, "condensed", False):
        raise CliError("--plot draws the square matrix; drop --condensed")
    pyplot()


def _plot_pairwise(args: argparse.Namespace, matrix: np.ndarray, row_names: list[str] | None,
                   col_names: list[str] | None) -> None:
    if matrix.ndim != 2:
        raise CliError(f"--plot: cannot draw a {matrix.ndim}-D result as a matrix")
    rows = np.arange(matrix.shape[0])
    cols = np.arange(matrix.shape[1])
    if args.order == "cluster":
        if args.Y is not None:
            raise CliError("--order cluster reorders X against itself; give no Y")
        rows = cols = cluster_order(matrix)
    row_labels = [str(r) for r in rows] if row_names is None else [row_names[r] for r in rows]
    col_labels = [str(c) for c in cols] if col_names is None else [col_names[c] for c in cols]
    plot_heatmap(args.plot, matrix[np.ix_(rows, cols)], row_labels, col_labels,
                 title=f"pydiv pairwise --metric {args.metric}")


def _emit(values: np.ndarray, out: str | None) -> None:
    if out is None:
        print_array(values, sys.stdout)
    else:
        write_array(out, values)


def _pairwise(args: argparse.Namespace) -> None:
    _check_options(args.metric, args.base, args.support)
    thread_request(args.jobs, "--jobs")
    _check_out(args.out)
    _check_plot(args)
    rows_are_arrays = metric_named(args.metric).array_rows  # not point clouds or sample sets (emd, sliced, gaussian)
    if args.row_names and not rows_are_arrays:
        raise CliError(f"--row-names labels rows of histograms; --metric {args.metric} reads point clouds or samples")
    X, x_names = _read_named(args, args.X, "X")
    Y, y_names = (None, None) if args.Y is None else _read_named(args, args.Y, "Y")
    col_names = x_names if args.Y is None else y_names
    options: dict[str, Any] = {"metric": args.metric, "n_jobs": args.jobs, "condensed": args.condensed}
    # Progress on by default only for a person watching: a terminal, not a log file or a pipe.
    progress = args.progress if args.progress is not None else _stderr_is_terminal()
    options.update(progress=progress, dtype=np.dtype(args.dtype))
    if args.base is not None:
        options["base"] = args.base
    if args.support is not None:
        options["x"] = _support(args)
    if args.seed is not None:
        if args.metric != "sliced":
            raise CliError(f"--seed applies to --metric sliced only, not {args.metric!r}")
        options["seed"] = args.seed
    if args.out is not None and args.out.lower().endswith(".npy") and rows_are_arrays:
        for name, arr in (("X", X), ("Y", Y)):
            if arr is not None and arr.ndim != 2:
                raise CliError(f"{name} must be 2-D (one distribution per row), got {arr.ndim}-D")
        _pairwise_to_npy(X, Y, args.out, options)
        if args.plot is not None:
            _plot_pairwise(args, np.load(args.out, mmap_mode="r"), x_names, col_names)
        return
    matrix = np.asarray(pairwise(X, Y, **options))
    if x_names is None:
        _emit(matrix, args.out)
    else:
        write_labelled(args.out, matrix, x_names, None if args.condensed else col_names,
                       condensed=args.condensed, header=args.metric)
    if args.plot is not None:
        _plot_pairwise(args, matrix, x_names, col_names)


def _pairwise_to_npy(X: np.ndarray, Y: np.ndarray | None, path: str, options: dict[str, Any]) -> None:
    """Write the matrix block by block into a memory-mapped .npy file: no copy in memory.

    The file is written under a temporary name and renamed when complete, so a
    failed or interrupted run leaves no partial matrix (and an older `path`
    untouched).
    """
    n = X.shape[0]
    m = n if Y is None else Y.shape[0]
    shape = (n * (n - 1) // 2,) if options["condensed"] else (n, m)
    if 0 in shape:  # nothing to map
        write_array(path, pairwise(X, Y, **options))
        return
    partial = f"{path}.{os.getpid()}.partial"
    try:
        out = np.lib.format.open_memmap(partial, mode="w+", dtype=options["dtype"], shape=shape)
    except OSError as exc:
        raise CliError(f"--out: cannot write {path!r}: {exc.strerror or exc}") from None
    try:
        pairwise(X, Y, out=out, **options)
        out.flush()
        del out
        os.replace(partial, path)
    except BaseException:
        try:
            os.remove(partial)
        except OSError:
            pass
        raise


def run_pairwise(args: argparse.Namespace) -> int:
    """Execute ``pydiv pairwise`` for parsed arguments; returns the exit status.

    The matrix goes to ``--out`` (``.npy``: written block by block into a
    memory-mapped file, so it may be larger than memory; ``.csv``), or as CSV
    to stdout.  Errors print ``pydiv: error: ...`` to stderr and return 2.
    """
    return run_guarded(_pairwise, args)


def _compare(args: argparse.Namespace) -> None:
    metric = args.metric
    _check_options(metric, args.base, args.support)
    if metric == "entropy" and args.Q is not None:
        raise CliError("Q: --metric entropy takes a single input P")
    if metric != "entropy" and args.Q is None:
        raise CliError(f"Q: --metric {metric} compares two inputs; give P and Q")
    _check_out(args.out)
    _check_plot(args)
    P, p_names = _read_rows(args, args.P, "P")
    Q, q_names = (None, None) if args.Q is None else _read_rows(args, args.Q, "Q")
    keep_p, keep_q = _omit_pairs(args, P, Q)
    P, p_names = P[keep_p], _kept(p_names, keep_p)
    if Q is not None:
        Q, q_names = Q[keep_q], _kept(q_names, keep_q)
    for name, arr in (("P", P), ("Q", Q)):
        if arr is not None and arr.ndim not in (1, 2):
            raise CliError(f"{name} must be 1-D or 2-D (one distribution per row), got {arr.ndim}-D")
    f = COMPARE_METRICS[metric]
    if metric == "entropy":
        result = f(P, base=args.base)
    elif metric == "wasserstein":
        result = f(P, Q, _support(args))
    else:
        result = f(P, Q, base=args.base)
    values = np.asarray(result, dtype=np.float64)
    labels = _compare_labels(p_names, q_names)
    if labels is None:
        _emit(values, args.out)
    else:
        write_labelled(args.out, values.reshape(-1), labels, header=metric)
    if args.plot is not None:
        flat = values.reshape(-1)
        bars = labels if labels is not None else [f"row {i}" for i in range(flat.size)]
        plot_bars(args.plot, bars, flat.tolist(), title=f"pydiv compare --metric {metric}", ylabel=metric)


def _read_rows(args: argparse.Namespace, path: str, name: str) -> tuple[np.ndarray, list[str] | None]:
    """An input as read (--key, --delimiter) and, with --row-names, its rows' names."""
    if args.row_names:
        return read_named_rows(path, name=name, delimiter=args.delimiter)
    return read_array(path, key=args.key, name=name, delimiter=args.delimiter), None


def _kept(names: list[str] | None, keep: np.ndarray) -> list[str] | None:
    return None if names is None else [n for n, k in zip(names, np.asarray(keep).tolist()) if k]


def run_compare(args: argparse.Namespace) -> int:
    """Execute ``pydiv compare`` for parsed arguments; returns the exit status.

    Prints one value per row of the result (a single value for 1-D inputs), or
    writes them to ``--out``.  Errors print ``pydiv: error: ...`` to stderr
    and return 2.
    """
    return run_guarded(_compare, args)



OPTIONAL_EXTRAS = {"plot": "matplotlib", "torch": "torch", "jax": "jax", "dask": "dask", "parquet": "pyarrow"}


def _extras() -> dict[str, bool]:
    """Which optional extras are importable (found, not imported: finding is cheap)."""
    import importlib.util

    return {extra: importlib.util.find_spec(module) is not None for extra, module in OPTIONAL_EXTRAS.items()}


def info(out: TextIO | None = None, *, as_json: bool = False) -> None:
    """`pydiv info`: the build's facts, one per line, or (`as_json`) a JSON object with the extras beside them."""
    facts: dict[str, Any] = dict(config())
    if as_json:
        import json

        facts["threads"] = int(facts["threads"])
        facts["extras"] = _extras()
        (out or sys.stdout).write(json.dumps(facts, indent=2) + "\n")
        return
    for key, value in facts.items():
        (out or sys.stdout).write(f"{key:<9} {value}\n")

