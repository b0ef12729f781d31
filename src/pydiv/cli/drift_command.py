"""``pydiv drift REFERENCE CURRENT``: per-column drift of a current table from a reference one.

Both tables are read as samples by column (.csv with an optional header of
column names, .npy, .npz, .parquet); :func:`pydiv.drift` compares them
column by column on shared bins.  One line per column is written (CSV to
stdout, or ``--out`` as .csv or .json), labelled with the header's names.
With ``--threshold T`` the command exits with status 1 when some column's
value of the first metric (or ``--threshold-metric``) is above T, naming the
columns on stderr, so a pipeline step can fail on drift.  ``--plot`` draws a
bar per column with the threshold line.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


from ..binning.checks import BIN_RULES
from ..drift import BINNED_METRICS, SAMPLE_METRICS, DriftReport, drift
from .errors import CliError, check_extension, run_guarded
from .parsers import add_input_options
from .plots import PLOT_FORMATS, plot_bars, pyplot
from .readers import check_delimiter, is_header, read_array

__all__ = ["DRIFTED_STATUS", "add_drift_parser", "run_drift"]

DRIFTED_STATUS = 1
METRIC_NAMES = (*BINNED_METRICS, *SAMPLE_METRICS)


def add_drift_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "drift",
        help="per-column drift of a current table from a reference table",
        description="One row per column: the metrics between the reference's and the current column "
        "(binned metrics on shared bins per column; wasserstein and energy on the raw values).",
    )
    parser.add_argument("reference", help="the reference table (rows are samples, columns features)")
    parser.add_argument("current", help="the current table, with the same columns")
    parser.add_argument("--metrics", default="js,wasserstein,psi",
                        help=f"comma-separated metrics among {', '.join(METRIC_NAMES)} (default js,wasserstein,psi)")
    parser.add_argument("--bins", default="30",
                        help=f"bins per column: a number, 'quantile' or a rule among {', '.join(BIN_RULES)} (default 30)")
    parser.add_argument("--columns", default=None, help="comma-separated column names (or numbers) to compare")
    parser.add_argument("--threshold", type=float, default=None,
                        help="exit with status 1 when a column's value is above this")
    parser.add_argument("--threshold-metric", default=None, help="the metric the threshold applies to (default: the first)")
    parser.add_argument("--out", default=None, metavar="FILE", help="write the report to FILE (.csv or .json)")
    parser.add_argument("--plot", default=None, metavar="FILE.png", help='draw a bar per column (pip install "pydiv[plot]")')
    parser.add_argument("--key", default=None, metavar="NAME", help="the array to read from .npz inputs")
    add_input_options(parser)
    parser.set_defaults(run=run_drift)
    return parser


def _header(path: str, delimiter: str) -> list[str] | None:
    """The column names of a CSV file whose first data line is a header (readers.is_header)."""
    if not path.lower().endswith(".csv"):
        return None
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            text = line.strip()
            if text and not text.startswith("#"):
                fields = [field.strip().strip('"') for field in text.split(delimiter)]
                return fields if is_header(fields) else None
    return None


def _table(path: str, args: argparse.Namespace, name: str) -> Any:
    values = read_array(path, key=args.key, name=name, delimiter=args.delimiter)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise CliError(f"{name}: {path!r} must hold a table (rows are samples), got {values.ndim}-D")
    names = _header(path, check_delimiter(args.delimiter))
    if names is None:
        return values
    if len(names) != values.shape[1]:
        raise CliError(f"{name}: {path!r} has {len(names)} names in its header and {values.shape[1]} columns")
    return {n: values[:, j] for j, n in enumerate(names)}


def _bins(text: str) -> Any:
    if text == "quantile" or text in BIN_RULES:
        return text
    try:
        return int(text)
    except ValueError:
        raise CliError(f"--bins must be a number of bins, 'quantile' or a rule among {', '.join(BIN_RULES)}, "
                       f"got {text!r}") from None


def _columns(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    return [int(c) if c.strip().lstrip("-").isdigit() else c.strip() for c in text.split(",")]


def _write(report: DriftReport, path: str | None) -> None:
    if path is not None and path.lower().endswith(".json"):
        rows = [{"column": c, **{m: _json_value(float(v[i])) for m, v in report.values.items()}}
                for i, c in enumerate(report.columns)]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
        return
    lines = [",".join(["column", *report.metrics])]
    lines += [",".join([_csv_name(c), *(repr(float(v[i])) for v in report.values.values())])
              for i, c in enumerate(report.columns)]
    text = "\n".join(lines) + "\n"
    if path is None:
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def _json_value(v: float) -> float | str:
    return v if math.isfinite(v) else str(v)  # JSON has no inf


def _csv_name(name: str) -> str:
    return f'"{name}"' if any(ch in name for ch in ',"\n') else name


def _drift(args: argparse.Namespace, outcome: list[int]) -> None:
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    threshold_metric: str = args.threshold_metric or (metrics[0] if metrics else "")
    if args.threshold_metric is not None and args.threshold_metric not in metrics:
        raise CliError(f"--threshold-metric {args.threshold_metric!r} is not among --metrics {args.metrics!r}")
    if args.out is not None:
        check_extension(args.out, (".csv", ".json"), "--out", "write")
    if args.plot is not None:
        check_extension(args.plot, PLOT_FORMATS, "--plot", "write")
        pyplot()  # a missing matplotlib is said before any work
    reference = _table(args.reference, args, "reference")
    current = _table(args.current, args, "current")
    report = drift(reference, current, metrics=metrics, bins=_bins(args.bins), columns=_columns(args.columns),
                   nan_policy=args.nan_policy)
    _write(report, args.out)
    if args.plot is not None:
        plot_bars(args.plot, list(report.columns), report[threshold_metric].tolist(), threshold=args.threshold,
                  title=f"drift per column ({threshold_metric})", ylabel=threshold_metric)
    if args.threshold is not None:
        drifted = report.drifted(threshold_metric, args.threshold)
        if drifted:
            print(f"pydiv: drift: {len(drifted)} of {len(report.columns)} columns above {threshold_metric} "
                  f"{args.threshold:g}: {', '.join(drifted)}", file=sys.stderr)
            outcome.append(DRIFTED_STATUS)


def run_drift(args: argparse.Namespace) -> int:
    outcome: list[int] = []
    status = run_guarded(lambda a: _drift(a, outcome), args)
    return status if status or not outcome else outcome[0]


