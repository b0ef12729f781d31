"""``pydiv pairwise`` and ``pydiv compare``: the command line for pipelines.

Arrays are read from ``.npy``, ``.npz`` (the first array, or ``--key NAME``)
and ``.csv`` files (numbers separated by commas, one row per line; a first
line that is not numeric is a header and skipped; a single column is read as
one vector) and written as ``.npy`` or ``.csv`` (shortest exact decimals).
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
import warnings
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import numpy as np

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
    "run_pairwise",
    "write_array",
]

READ_FORMATS = (".npy", ".npz", ".csv")
WRITE_FORMATS = (".npy", ".csv")
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


class CliError(ValueError):
    """A problem with the command's files or arguments, already worded for the user."""


# ----------------------------------------------------------------------------
# Reading and writing arrays
# ----------------------------------------------------------------------------


def _extension(path: str, allowed: tuple[str, ...], name: str, verb: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        shown = f"unknown extension {ext!r}" if ext else "no extension"
        raise CliError(f"{name}: cannot {verb} {path!r}: {shown}; use one of {', '.join(allowed)}")
    return ext


def _as_float(arr: np.ndarray, path: str, name: str) -> np.ndarray:
    """float32 and float64 stay; integers become float64; anything else is refused."""
    if arr.dtype.kind == "f" and arr.dtype.itemsize in (4, 8):
        return arr
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    raise CliError(f"{name}: {path!r} holds {arr.dtype} data, not real numbers")


def _read_npy(path: str) -> np.ndarray:
    # np.lib.format rather than np.load: a file that is not .npy is reported
    # as such, not as "pickled data".
    with open(path, "rb") as f:
        arr: np.ndarray = np.lib.format.read_array(f, allow_pickle=False)
    return arr


def _read_npz(path: str, key: str | None, name: str) -> np.ndarray:
    with open(path, "rb") as f:
        if not zipfile.is_zipfile(f):
            raise CliError(f"{name}: {path!r} is not a valid .npz file (not a zip archive)")
        f.seek(0)
        with np.load(f, allow_pickle=False) as archive:
            keys = list(archive.files)
            if not keys:
                raise CliError(f"{name}: {path!r} holds no arrays")
            if key is None:
                key = keys[0]
            elif key not in keys:
                raise CliError(f"{name}: {path!r} has no array {key!r}; it holds {', '.join(keys)}")
            arr: np.ndarray = archive[key]
    return arr


def _is_numeric_row(line: str) -> bool:
    try:
        [float(field) for field in line.split(",")]
    except ValueError:
        return False
    return True


def _csv_problem(path: str, header: int) -> str | None:
    """The first line of a CSV file that np.loadtxt refused, and why (line numbers from 1)."""
    width = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            text = line.split("#", 1)[0].strip()
            if number <= header or not text:
                continue
            fields = text.split(",")
            for field in fields:
                try:
                    float(field)
                except ValueError:
                    return f"line {number}: {field.strip()!r} is not a number"
            if width is not None and len(fields) != width:
                return f"line {number} has {len(fields)} values, the lines before it {width}"
            width = len(fields)
    return None


def _read_csv(path: str, name: str) -> np.ndarray:
    header = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            if line.strip():
                header = number + 1 if not _is_numeric_row(line.strip()) else 0
                break
    if header is None:
        raise CliError(f"{name}: {path!r} is empty")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "loadtxt: input contained no data", UserWarning)
            table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2, skiprows=header, encoding="utf-8")
    except ValueError as exc:
        raise CliError(f"{name}: {path!r} is not a numeric CSV table: {_csv_problem(path, header) or exc}") from None
    if table.size == 0:
        raise CliError(f"{name}: {path!r} has a header but no data")
    return table[:, 0] if table.shape[1] == 1 else table


def read_array(path: str, *, key: str | None = None, name: str = "input") -> np.ndarray:
    """Read an array of real numbers from a ``.npy``, ``.npz`` or ``.csv`` file.

    Parameters
    ----------
    path : str
        The file; its extension chooses the format.
    key : str, optional
        The array to read from a ``.npz`` archive (default: its first array).
        Ignored for the other formats.
    name : str, default "input"
        The argument's name, used in error messages.

    Returns
    -------
    ndarray
        float64 (float32 files stay float32).  A CSV file gives one row per
        line, or a 1-D vector when it has a single column.

    Raises
    ------
    ValueError
        If the file cannot be read (missing, unreadable, not in the format its
        extension names) or does not hold real numbers; the message names
        `name` and `path`.
    """
    ext = _extension(path, READ_FORMATS, name, "read")
    try:
        if ext == ".npy":
            arr = _read_npy(path)
        elif ext == ".npz":
            arr = _read_npz(path, key, name)
        else:
            arr = _read_csv(path, name)
    except CliError:
        raise
    except OSError as exc:
        raise CliError(f"{name}: cannot read {path!r}: {exc.strerror or exc}") from None
    except (ValueError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise CliError(f"{name}: {path!r} is not a valid {ext} file ({exc})") from None
    return _as_float(np.asarray(arr), path, name)


def _format_rows(values: np.ndarray) -> Iterable[str]:
    """Lines of comma-separated shortest round-trip decimals (``repr`` of each float)."""
    if values.ndim == 0:
        yield repr(float(values))
    elif values.ndim == 1:
        for v in values.tolist():
            yield repr(float(v))
    else:
        for row in values.reshape(values.shape[0], -1).tolist():
            yield ",".join(repr(float(v)) for v in row)


def print_array(values: np.ndarray, out: TextIO) -> None:
    """Write `values` as CSV lines (a single number for a 0-d array)."""
    for line in _format_rows(values):
        out.write(line + "\n")


def write_array(path: str, values: np.ndarray) -> None:
    """Write an array to a ``.npy`` or ``.csv`` file.

    Parameters
    ----------
    path : str
        The file; its extension chooses the format.
    values : ndarray
        At most 2-D for CSV: a vector is written one value per line.

    Raises
    ------
    ValueError
        If the extension is not ``.npy`` or ``.csv``, or the file cannot be
        written.
    """
    ext = _extension(path, WRITE_FORMATS, "--out", "write")
    try:
        if ext == ".npy":
            np.save(path, values, allow_pickle=False)
        else:
            with open(path, "w", encoding="utf-8") as f:
                print_array(values, f)
    except OSError as exc:
        raise CliError(f"--out: cannot write {path!r}: {exc.strerror or exc}") from None


# ----------------------------------------------------------------------------
# Sub-commands
# ----------------------------------------------------------------------------


def _run(command: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> int:
    """Run a sub-command, turning expected failures into a message and a status."""
    try:
        command(args)
    except BrokenPipeError:
        # The reader stopped early (`pydiv pairwise ... | head`): not worth a
        # message; stdout goes to devnull so that closing it at exit is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_STATUS
    except (ValueError, TypeError, OSError) as exc:
        print(f"pydiv: error: {exc}", file=sys.stderr)
        return ERROR_STATUS
    except KeyboardInterrupt:
        print("pydiv: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS
    return 0


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
    _extension(path, WRITE_FORMATS, "--out", "write")
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
    parser.add_argument("--metric", "-m", required=True, choices=PAIRWISE_METRICS, help="the divergence or distance")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="threads (default: all cores, or OMP_NUM_THREADS)")
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
    if args.jobs is not None and args.jobs < 1 and args.jobs != -1:
        raise CliError(f"--jobs must be a positive integer or -1 (all cores), got {args.jobs}")
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
    return _run(_pairwise, args)


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
    parser.add_argument("--metric", "-m", required=True, choices=tuple(COMPARE_METRICS), help="the divergence")
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
    return _run(_compare, args)
