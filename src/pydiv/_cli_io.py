"""``pydiv pairwise`` and ``pydiv compare``: the command line for pipelines.

Arrays are read from ``.npy``, ``.npz`` (the first array, or ``--key NAME``)
and ``.csv`` files (numbers separated by commas, one row per line; a first
line that is not numeric is a header and skipped; a single column is read as
one vector) and written as ``.npy`` or ``.csv`` (shortest exact decimals), by
:mod:`pydiv._cli_files`.
Every problem with the files or the data ends the command with a one-line
``pydiv: error: ...`` on stderr and exit status 2.

Each ``add_*_parser`` function adds its sub-command to an
``argparse`` sub-parsers object and sets ``run`` (the function that executes
it, returning the exit status) as the parsed arguments' default::

    sub = parser.add_subparsers(dest="command", required=True)
    add_pairwise_parser(sub)
    args = parser.parse_args()
    sys.exit(args.run(args))
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from ._cli_files import WRITE_FORMATS, CliError, check_extension, print_array, read_array, write_array
from ._checks import thread_request
from .info import cross_entropy, entropy, jensenshannon, js_divergence, kl_divergence
from .pairwise import METRICS as PAIRWISE_METRICS
from .pairwise import pairwise
from .wasserstein import wasserstein_hist

__all__ = [
    "COMPARE_METRICS",
    "CliError",
    "add_compare_parser",
    "add_pairwise_parser",
    "print_array",
    "read_array",
    "run_compare",
    "run_guarded",
    "run_pairwise",
    "write_array",
]

INFO_METRICS = frozenset({"kl", "cross_entropy", "js", "jensenshannon", "entropy"})
COMPARE_METRICS: dict[str, Callable[..., Any]] = {
    "kl": kl_divergence,
    "js": js_divergence,
    "jensenshannon": jensenshannon,
    "cross_entropy": cross_entropy,
    "entropy": entropy,
    "wasserstein": wasserstein_hist,
}

ERROR_STATUS = 2
BROKEN_PIPE_STATUS = 1
INTERRUPTED_STATUS = 130


# ----------------------------------------------------------------------------
# Sub-commands
# ----------------------------------------------------------------------------


def _quiet_stdout() -> None:
    """Point stdout at devnull, so that flushing it at exit after EPIPE is quiet (as Python's docs advise)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run_guarded(command: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> int:
    """Run a sub-command, turning expected failures into a message and a status."""
    try:
        command(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is seen below
    except BrokenPipeError:
        # The reader stopped early (`pydiv pairwise ... | head`): not worth a message.
        _quiet_stdout()
        return BROKEN_PIPE_STATUS
    except MemoryError as exc:
        print(f"pydiv: error: out of memory: {exc or 'the result does not fit'}", file=sys.stderr)
        return ERROR_STATUS
    except (ValueError, TypeError, OSError) as exc:
        print(f"pydiv: error: {exc}", file=sys.stderr)
        return ERROR_STATUS
    except KeyboardInterrupt:
        print("pydiv: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS
    return 0


METRIC_HELP = (
    "js: the Jensen-Shannon divergence; jensenshannon: the Jensen-Shannon distance, the square root "
    "of the divergence (scipy's jensenshannon and pdist(X, 'jensenshannon'))"
)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", type=float, default=None, help="logarithm base of the information metrics (2: bits)")
    parser.add_argument(
        "--key", default=None, metavar="NAME", help="the array to read from .npz inputs (default: their first)"
    )
    parser.add_argument(
        "--support",
        default=None,
        metavar="FILE",
        help="wasserstein: a file with the sorted positions of the k bins (default 0, 1, ..., k-1)",
    )
    parser.add_argument(
        "--out",
        "-o",
        default=None,
        metavar="FILE",
        help="write the result to FILE (.npy or .csv); default: CSV on stdout",
    )


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


def _emit(values: np.ndarray, out: str | None) -> None:
    if out is None:
        print_array(values, sys.stdout)
    else:
        write_array(out, values)


def add_pairwise_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``pydiv pairwise X [Y] --metric M [...]`` to an argparse sub-parsers object.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The sub-command's parser; its ``run`` default is :func:`run_pairwise`.
    """
    parser = subparsers.add_parser(
        "pairwise",
        help="the matrix of divergences between the rows of X (and Y)",
        description="Distances or divergences between every row of X and every row of Y "
        "(or of X with itself), as pydiv.pairwise.  X and Y are .npy, .npz or .csv files "
        "with one distribution per row (for --metric emd: a 3-D .npy/.npz of point clouds).",
    )
    parser.add_argument("X", help="the first set of distributions, one per row")
    parser.add_argument("Y", nargs="?", default=None, help="the second set (default: X against itself)")
    parser.add_argument(
        "--metric", "-m", required=True, choices=PAIRWISE_METRICS, help=f"the divergence or distance; {METRIC_HELP}"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="threads (default: all usable CPUs, or OMP_NUM_THREADS; at most 4 per usable CPU)",
    )
    parser.add_argument(
        "--condensed", action="store_true", help="write the upper triangle only, in scipy's pdist order (no Y)"
    )
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="the result's dtype")
    parser.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    _add_common(parser)
    parser.set_defaults(run=run_pairwise)
    return parser


def _pairwise(args: argparse.Namespace) -> None:
    _check_options(args.metric, args.base, args.support)
    thread_request(args.jobs, "--jobs")
    _check_out(args.out)
    X = read_array(args.X, key=args.key, name="X")
    Y = None if args.Y is None else read_array(args.Y, key=args.key, name="Y")
    options: dict[str, Any] = {"metric": args.metric, "n_jobs": args.jobs, "condensed": args.condensed}
    options.update(progress=args.progress, dtype=np.dtype(args.dtype))
    if args.base is not None:
        options["base"] = args.base
    if args.support is not None:
        options["x"] = _support(args)
    if args.out is not None and args.out.lower().endswith(".npy") and args.metric != "emd":
        for name, arr in (("X", X), ("Y", Y)):
            if arr is not None and arr.ndim != 2:
                raise CliError(f"{name} must be 2-D (one distribution per row), got {arr.ndim}-D")
        _pairwise_to_npy(X, Y, args.out, options)
    else:
        _emit(pairwise(X, Y, **options), args.out)


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


def add_compare_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``pydiv compare P [Q] --metric M [...]`` to an argparse sub-parsers object.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The sub-command's parser; its ``run`` default is :func:`run_compare`.
    """
    parser = subparsers.add_parser(
        "compare",
        help="the divergence between matching rows of P and Q",
        description="The divergence between each row of P and the matching row of Q (a single row "
        "or a 1-D input is compared with every row of the other).  1-D inputs give one number.  "
        "Rows are histograms: normalised, and for wasserstein placed on the bins 0, 1, ..., k-1 "
        "(or --support).",
    )
    parser.add_argument("P", help="the distributions, one per row (.npy, .npz or .csv)")
    parser.add_argument("Q", nargs="?", default=None, help="the distributions to compare with (not for entropy)")
    parser.add_argument(
        "--metric", "-m", required=True, choices=tuple(COMPARE_METRICS), help=f"the divergence; {METRIC_HELP}"
    )
    _add_common(parser)
    parser.set_defaults(run=run_compare)
    return parser


def _compare(args: argparse.Namespace) -> None:
    metric = args.metric
    _check_options(metric, args.base, args.support)
    if metric == "entropy" and args.Q is not None:
        raise CliError("Q: --metric entropy takes a single input P")
    if metric != "entropy" and args.Q is None:
        raise CliError(f"Q: --metric {metric} compares two inputs; give P and Q")
    _check_out(args.out)
    P = read_array(args.P, key=args.key, name="P")
    Q = None if args.Q is None else read_array(args.Q, key=args.key, name="Q")
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
    _emit(np.asarray(result, dtype=np.float64), args.out)


def run_compare(args: argparse.Namespace) -> int:
    """Execute ``pydiv compare`` for parsed arguments; returns the exit status.

    Prints one value per row of the result (a single value for 1-D inputs), or
    writes them to ``--out``.  Errors print ``pydiv: error: ...`` to stderr
    and return 2.
    """
    return run_guarded(_compare, args)
