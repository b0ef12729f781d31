"""``pydiv emd A B``: the exact Wasserstein distance between two point clouds read from files.

Rows of each file are points (a 1-D file: points on a line); the distance is
:func:`pydiv.emd.solve_points`'s (the network simplex on the ground costs
d(x, y)**p), printed as one number.  ``--plan FILE.csv`` also writes the
optimal plan in coordinate form, a header ``row,col,mass`` and one line per
transported pair (at most n + m - 1 lines; masses sum to 1).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from ..emd import solve_points
from .errors import CliError, check_extension, run_guarded
from .nan_policy import check_nan
from .parsers import add_input_options
from .readers import read_array

__all__ = ["add_emd_parser", "run_emd"]

EMD_METRICS = ("euclidean", "sqeuclidean", "cityblock")


def add_emd_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``pydiv emd A B [--metric M] [-p P] [--weights-a F] [--weights-b F] [--plan F]``."""
    parser = subparsers.add_parser(
        "emd",
        help="the exact Wasserstein distance between two point clouds",
        description="W_p between the points of A and of B (one point per row; .npy, .npz or .csv), "
        "solved exactly: (min over plans of sum P_ij d(a_i, b_j)**p)**(1/p).",
    )
    parser.add_argument("A", help="the first point cloud, one point per row")
    parser.add_argument("B", help="the second point cloud, same number of columns")
    parser.add_argument("--metric", choices=EMD_METRICS, default="euclidean",
                        help="the ground distance d (sqeuclidean with -p 1 gives W_2 squared)")
    parser.add_argument("-p", type=float, default=1.0, help="the order p >= 1 (default 1)")
    parser.add_argument("--weights-a", default=None, metavar="FILE", help="non-negative weights of A's points")
    parser.add_argument("--weights-b", default=None, metavar="FILE", help="non-negative weights of B's points")
    add_input_options(parser)
    parser.add_argument("--key", default=None, metavar="NAME", help="the array to read from .npz inputs")
    parser.add_argument("--plan", default=None, metavar="FILE.csv", help="also write the optimal plan (row,col,mass)")
    parser.set_defaults(run=run_emd)
    return parser


def _weights(path: str | None, n: int, name: str, points: str) -> np.ndarray | None:
    if path is None:
        return None
    w = read_array(path, name=name)
    if w.ndim != 1 or w.shape[0] != n:
        raise CliError(f"{name}: {path!r} holds {w.size} values in shape {w.shape}; {points} has {n} points")
    return w


def _emd(args: argparse.Namespace) -> None:
    if args.plan is not None:
        check_extension(args.plan, (".csv",), "--plan", "write")
        folder = os.path.dirname(args.plan) or os.curdir
        if not os.path.isdir(folder):
            raise CliError(f"--plan: cannot write {args.plan!r}: no directory {folder!r}")
    A = read_array(args.A, key=args.key, name="A", delimiter=args.delimiter)
    B = read_array(args.B, key=args.key, name="B", delimiter=args.delimiter)
    for name, arr in (("A", A), ("B", B)):
        if arr.ndim not in (1, 2):
            raise CliError(f"{name} must be 1-D or 2-D (one point per row), got {arr.ndim}-D")
    if A.ndim == 2 and B.ndim == 2 and A.shape[1] != B.shape[1]:
        raise CliError(f"A and B must have the same number of columns: {A.shape[1]} and {B.shape[1]}")
    a = _weights(args.weights_a, A.shape[0], "--weights-a", "A")
    b = _weights(args.weights_b, B.shape[0], "--weights-b", "B")
    keep_a = check_nan(A, args.nan_policy, "A", args.A)
    keep_b = check_nan(B, args.nan_policy, "B", args.B)
    A, B = A[keep_a], B[keep_b]
    a = None if a is None else a[keep_a]
    b = None if b is None else b[keep_b]
    distance, rows, cols, mass = solve_points(A, B, a, b, p=args.p, metric=args.metric)
    sys.stdout.write(repr(float(distance)) + "\n")
    if args.plan is not None:
        try:
            with open(args.plan, "w", encoding="utf-8") as f:
                f.write("row,col,mass\n")
                for r, c, m in zip(rows.tolist(), cols.tolist(), mass.tolist()):
                    f.write(f"{r},{c},{float(m)!r}\n")
        except OSError as exc:
            raise CliError(f"--plan: cannot write {args.plan!r}: {exc.strerror or exc}") from None


def run_emd(args: argparse.Namespace) -> int:
    """Execute ``pydiv emd`` for parsed arguments; returns the exit status (2 on bad input)."""
    return run_guarded(_emd, args)
