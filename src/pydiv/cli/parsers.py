"""The arguments of ``pydiv pairwise`` and ``pydiv compare``, as argparse sub-parsers.

Each ``add_*_parser`` function adds its sub-command to an ``argparse``
sub-parsers object and sets ``run`` (the function that executes it,
returning the exit status) as the parsed arguments' default, so other
programs can embed the commands::

    sub = parser.add_subparsers(dest="command", required=True)
    add_pairwise_parser(sub)
    args = parser.parse_args()
    sys.exit(args.run(args))
"""

from __future__ import annotations

import argparse

from ..pairwise import METRICS as PAIRWISE_METRICS
from .nan_policy import NAN_POLICIES
from .commands import COMPARE_METRICS, run_compare, run_pairwise

__all__ = ["add_compare_parser", "add_input_options", "add_pairwise_parser"]

METRIC_HELP = (
    "js: the Jensen-Shannon divergence; jensenshannon: the Jensen-Shannon distance, the square root "
    "of the divergence (scipy's jensenshannon and pdist(X, 'jensenshannon'))"
)



def add_input_options(parser: argparse.ArgumentParser) -> None:
    """--delimiter and --nan-policy, shared by the commands that read tables."""
    parser.add_argument("--delimiter", default=",", metavar="CHAR",
                        help="the field separator of .csv inputs (default ','; 'tab' for a tab)")
    parser.add_argument("--nan-policy", choices=NAN_POLICIES, default="raise",
                        help="raise: refuse inputs holding NaN (default); omit: drop the rows holding one "
                        "(pairwise: rows of X and Y; compare: pairs of rows; emd: points), said on stderr")


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
    add_input_options(parser)
    parser.add_argument(
        "--row-names", action="store_true",
        help="the first field of each .csv line is the row's name: it labels the output "
        "(CSV with a header of names) and the plot",
    )
    parser.add_argument(
        "--plot",
        default=None,
        metavar="FILE.png",
        help='also draw the result to FILE (.png, .pdf or .svg; needs pip install "pydiv[plot]")',
    )


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
        "with one distribution per row (for --metric emd or sliced: a 3-D .npy/.npz of point clouds; for gaussian: of sample sets).",
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
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a progress bar with an ETA on stderr (default: on when stderr is a terminal)")
    parser.add_argument("--order", choices=("rows", "cluster"), default="rows",
                        help="--plot: rows in input order, or reordered by average-linkage clustering (X alone)")
    parser.add_argument("--seed", type=int, default=None,
                        help="--metric sliced only: the seed of the random directions (reproducible output)")
    _add_common(parser)
    parser.set_defaults(run=run_pairwise)
    return parser


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

