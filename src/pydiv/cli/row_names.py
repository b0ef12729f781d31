"""Rows with names for ``pydiv pairwise`` and ``pydiv compare`` (``--row-names``).

With ``--row-names`` the first field of every line of a ``.csv`` input is the
row's name (a document id, a model, a day) and the other fields its numbers.
A first line none of whose other fields is a number is a header and skipped
(so a header naming its bins by numbers is read as data: name them, or give
no header).  Lines starting with ``#`` are comments; a ``#`` inside a line is
part of its field.  Names must be non-empty and distinct.  The names follow
the rows through ``--nan-policy omit`` and label the output:

* a matrix as CSV with a header line of the column names and each line
  starting with its row's name (``pandas.read_csv(f, index_col=0)`` reads it
  back as a labelled frame);
* a condensed matrix as ``row,column,value`` lines, one per pair;
* ``compare``'s values as ``row,value`` lines;
* the plots' axes and bars.

A ``.npy`` output holds the numbers alone.  Names are quoted as CSV quotes
them (and when they start with ``#``), so every name reads back.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

import numpy as np

from .errors import CliError
from .readers import check_delimiter, is_header

__all__ = ["read_named_rows", "write_labelled"]

_ENCODING = "utf-8-sig"  # drops Excel's byte-order mark, as the plain reader does


def _data_lines(path: str) -> list[tuple[int, str]]:
    """(line number, text) of the lines that hold data: comment lines and blanks dropped."""
    with open(path, encoding=_ENCODING) as f:
        return [(number, text) for number, line in enumerate(f, start=1)
                if (text := line.strip()) and not text.startswith("#")]


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
    if rows and len(rows[0][1]) > 1 and is_header(rows[0][1][1:]):
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
        values.append([_number(field, name, path, number) for field in fields[1:]])
        names.append(fields[0].strip())
    _check_names(names, name, path)
    return np.asarray(values, dtype=np.float64), names


def _number(field: str, name: str, path: str, line: int) -> float:
    try:
        return float(field)
    except ValueError:
        raise CliError(f"{name}: {path!r} line {line}: {field.strip()!r} is not a number") from None


def _check_names(names: list[str], name: str, path: str) -> None:
    """Names label rows one to one: none empty, none twice."""
    if "" in names:
        raise CliError(f"{name}: {path!r} row {names.index('')} has an empty name; --row-names needs a name per row")
    seen: dict[str, int] = {}
    for row, label in enumerate(names):
        if label in seen:
            raise CliError(f"{name}: {path!r} names rows {seen[label]} and {row} both {label!r}; "
                           "--row-names needs distinct names")
        seen[label] = row


def _field(text: str) -> str:
    """A CSV field that reads back as `text`: quoted (quotes doubled) when it
    holds a separator or a quote, or starts with ``#`` (a comment line) or a blank."""
    if any(c in text for c in ',"\r\n') or text.startswith("#") or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


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
        for fields in _rows(values, rows, cols, condensed, header):
            stream.write(",".join(_field(f) for f in fields) + "\n")

    if out is None:
        emit(sys.stdout)
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as f:
            emit(f)
    except OSError as exc:
        raise CliError(f"--out: cannot write {out!r}: {exc.strerror or exc}") from None
