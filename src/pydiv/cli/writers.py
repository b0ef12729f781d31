"""Arrays written for the ``pydiv`` command line: ``.npy``, or CSV with the
shortest decimals that read back exactly (``repr`` of each float), to a file
or to stdout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TextIO

import numpy as np

from .errors import CliError, check_extension

__all__ = ["WRITE_FORMATS", "print_array", "write_array"]

WRITE_FORMATS = (".npy", ".csv")


def _format_rows(values: np.ndarray) -> Iterable[str]:
    """Lines of comma-separated shortest round-trip decimals (``repr`` of each float)."""
    if values.ndim == 0:
        yield repr(float(values))
    elif values.ndim == 1:
        for v in values.tolist():
            yield repr(float(v))
    else:
        # The row length spelled out: reshape(0, -1) is ambiguous for NumPy.
        for row in values.reshape(values.shape[0], math.prod(values.shape[1:])).tolist():
            yield ",".join(repr(float(v)) for v in row)


def print_array(values: np.ndarray, out: TextIO) -> None:
    """Write `values` as CSV lines (a single number for a 0-d array, nothing for an empty one)."""
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
    ext = check_extension(path, WRITE_FORMATS, "--out", "write")
    try:
        if ext == ".npy":
            np.save(path, values, allow_pickle=False)
        else:
            with open(path, "w", encoding="utf-8") as f:
                print_array(values, f)
    except OSError as exc:
        raise CliError(f"--out: cannot write {path!r}: {exc.strerror or exc}") from None

