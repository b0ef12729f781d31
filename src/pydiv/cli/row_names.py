"""Rows with names for ``pydiv pairwise`` and ``pydiv compare`` (``--row-names``).

With ``--row-names`` the first field of every line of a ``.csv`` input is the
row's name (a document id, a model, a day) and the other fields its numbers;
a first line whose numbers do not parse is a header and skipped.  The names
follow the rows through ``--nan-policy omit`` and label the output:

* a matrix as CSV with a header line of the column names and each line
  starting with its row's name (``pandas.read_csv(f, index_col=0)`` reads it
  back as a labelled frame);
* a condensed matrix as ``row,column,value`` lines, one per pair;
* ``compare``'s values as ``row,value`` lines;
* the plots' axes and bars.

A ``.npy`` output holds the numbers alone.  Names are written with the csv
module's quoting, so a name holding the delimiter or a quote reads back.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

import numpy as np

from .errors import CliError
from .readers import check_delimiter

__all__ = ["read_named_rows", "write_labelled"]

_ENCODING = "utf-8-sig"  # drops Excel's byte-order mark, as the plain reader does


def _data_lines(path: str) -> list[tuple[int, str]]:
    """(line number, text) of the lines that hold data: comments and blanks dropped."""
    with open(path, encoding=_ENCODING) as f:
        return [(number, text) for number, line in enumerate(f, start=1)
                if (text := line.split("#", 1)[0].strip())]


def _numbers(fields: Sequence[str]) -> bool:
    try:
        [float(field) for field in fields]
    except ValueError:
        return False
    return True


def read_named_rows(path: str, *, name: str, delimiter: str = ",") -> tuple[np.ndarray, list[str]]:
    """A ``.csv`` file's rows of numbers (2-D float64) and the name in front of each.

    Raises a ``ValueError`` naming `name` and `path` for a file that is not
    ``.csv``, is empty, has a line without numbers after its name, lines of
    different lengths, or a field that is not a number.
    """
    if os.path.splitext(path)[1].lower() != ".csv":
        raise CliError(f"--row-names reads the first column of a .csv input as names; {name}: {path!r} is not .csv")
    sep = check_delimiter(delimiter)
    try:
        lines = _data_lines(path)
    except OSError as exc:
        raise CliError(f"{name}: cannot read {path!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{name}: {path!r} is not a valid .csv file ({exc})") from None
    rows = [(number, next(csv.reader([text], delimiter=sep))) for number, text in lines]
    if rows and not _numbers(rows[0][1][1:]):
        rows = rows[1:]  # the header: a name for the name column, then the bins'
    if not rows:
        raise CliError(f"{name}: {path!r} has no rows of numbers")
    width = len(rows[0][1])
    names, values = [], []
    for number, fields in rows:
        if len(fields) != width:
            raise CliError(f"{name}: {path!r} line {number} has {len(fields)} fields, the lines before it {width}")
        if width < 2:
            raise CliError(f"{name}: {path!r} line {number} has a name but no numbers after it")
        try:
            values.append([float(field) for field in fields[1:]])
        except ValueError:
            bad = next(f for f in fields[1:] if not _numbers([f]))
            raise CliError(f"{name}: {path!r} line {number}: {bad.strip()!r} is not a number") from None
        names.append(fields[0].strip())
    return np.asarray(values, dtype=np.float64), names


def _rows(matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str] | None, condensed: bool,
          header: str) -> Iterable[list[str]]:
    if condensed:  # scipy's pdist order: (0, 1), (0, 2), ..., (1, 2), ...
        yield ["row", "column", header]
        i, j = np.triu_indices(len(rows), k=1)
        for a, b, v in zip(i.tolist(), j.tolist(), matrix.tolist()):
            yield [rows[a], rows[b], repr(float(v))]
    elif cols is None:  # one value per row
        yield ["row", header]
        for label, v in zip(rows, matrix.tolist()):
            yield [label, repr(float(v))]
    else:
        yield ["", *cols]
        for label, line in zip(rows, matrix.tolist()):
            yield [label, *(repr(float(v)) for v in line)]


def write_labelled(out: str | None, values: np.ndarray, rows: Sequence[str], cols: Sequence[str] | None = None,
                   *, condensed: bool = False, header: str = "value") -> None:
    """Write `values` as labelled CSV to the file `out` (stdout when None).

    `values` is a square or rectangular matrix labelled by `rows` and `cols`,
    a condensed matrix of `rows` against themselves (`condensed`), or one
    value per row (`cols` None); `header` names the value column.
    """
    expected = len(rows) * (len(rows) - 1) // 2 if condensed else len(rows)
    if values.ndim == 0 or values.shape[0] != expected or (cols is not None and values.shape[1] != len(cols)):
        raise CliError(f"--row-names: {len(rows)} names do not label a result of shape {values.shape}")

    def emit(stream: TextIO) -> None:
        csv.writer(stream, lineterminator="\n").writerows(_rows(values, rows, cols, condensed, header))

    if out is None:
        emit(sys.stdout)
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as f:
            emit(f)
    except OSError as exc:
        raise CliError(f"--out: cannot write {out!r}: {exc.strerror or exc}") from None
