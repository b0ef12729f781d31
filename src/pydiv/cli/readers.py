"""Arrays read from files for the ``pydiv`` command line.

Reads ``.npy``, ``.npz`` (the first array, or a named one) and ``.csv``
(numbers separated by commas, one row per line, ``#`` comments; a first data
line of which no field is a number is a header and skipped; a UTF-8 byte-order mark is
ignored; a single column is read as one vector).  A ``.npy`` header is
checked against the file's size before any allocation.  Every problem is a
:class:`~pydiv.cli.errors.CliError` that names the argument and the file.
"""

from __future__ import annotations

import math
import os
import warnings
import zipfile
from typing import IO

import numpy as np

from .errors import CliError, check_extension

__all__ = ["READ_FORMATS", "check_delimiter", "is_header", "read_array"]

READ_FORMATS = (".npy", ".npz", ".csv", ".parquet")

# "utf-8-sig" reads plain UTF-8 and drops the byte-order mark that Excel's
# "CSV UTF-8" puts first, which would otherwise make the first row a "header".
_CSV_ENCODING = "utf-8-sig"



def _as_float(arr: np.ndarray, path: str, name: str) -> np.ndarray:
    """float32 and float64 stay; integers become float64; anything else is refused."""
    if arr.dtype.kind == "f" and arr.dtype.itemsize in (4, 8):
        return arr
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    raise CliError(f"{name}: {path!r} holds {arr.dtype} data, not real numbers")


def _read_npy_data(f: IO[bytes], size: int, path: str, name: str) -> np.ndarray:
    """The array of the .npy stream `f` (`size` bytes long), its header checked against that size first.

    A header may declare any shape; believing it would allocate that much
    memory before finding that the file is short.
    """
    start = f.tell()
    version = np.lib.format.read_magic(f)
    if version in ((1, 0), (2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding (UTF-8, for
        # non-ASCII field names, which no array of real numbers has).
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(f)
        need = math.prod(shape) * dtype.itemsize
        have = size - (f.tell() - start)
        if not dtype.hasobject and need > have:
            raise CliError(
                f"{name}: {path!r} is truncated or corrupt: its header declares a {dtype} array of shape "
                f"{shape} ({need} bytes), but only {have} bytes follow"
            )
    f.seek(start)  # read_array reads the header again, and refuses unknown versions
    arr: np.ndarray = np.lib.format.read_array(f, allow_pickle=False)
    return arr


def _read_npy(path: str, name: str) -> np.ndarray:
    with open(path, "rb") as f:
        return _read_npy_data(f, os.fstat(f.fileno()).st_size, path, name)


def _read_npz(path: str, key: str | None, name: str) -> np.ndarray:
    with open(path, "rb") as f:
        if not zipfile.is_zipfile(f):
            raise CliError(f"{name}: {path!r} is not a valid .npz file (not a zip archive)")
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            # Keys as np.load names them: the member names without ".npy".
            members = {(m[:-4] if m.endswith(".npy") else m): m for m in archive.namelist()}
            keys = list(members)
            if not keys:
                raise CliError(f"{name}: {path!r} holds no arrays")
            if key is None:
                key = keys[0]
            elif key not in members:
                raise CliError(f"{name}: {path!r} has no array {key!r}; it holds {', '.join(keys)}")
            info = archive.getinfo(members[key])
            with archive.open(info) as member:
                return _read_npy_data(member, info.file_size, path, name)


def _data_text(line: str) -> str:
    """A CSV line as np.loadtxt reads it: without its comment and surrounding blanks."""
    return line.split("#", 1)[0].strip()


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def is_header(fields: list[str]) -> bool:
    """Whether a CSV file's first data line is a header: none of its fields is
    a number.  A line holding some numbers is data, so a missing or mistyped
    value there is an error, never a row skipped in silence."""
    return not any(_is_number(field) for field in fields)


def _csv_problem(path: str, header: int, delimiter: str = ",") -> str | None:
    """The first line of a CSV file that np.loadtxt refused, and why (line numbers from 1)."""
    width = None
    with open(path, encoding=_CSV_ENCODING) as f:
        for number, line in enumerate(f, start=1):
            text = _data_text(line)
            if number <= header or not text:
                continue
            fields = text.split(delimiter)
            for field in fields:
                try:
                    float(field)
                except ValueError:
                    return f"line {number}: {field.strip()!r} is not a number"
            if width is not None and len(fields) != width:
                return f"line {number} has {len(fields)} values, the lines before it {width}"
            width = len(fields)
    return None


def _read_csv(path: str, name: str, delimiter: str = ",") -> np.ndarray:
    header = None  # lines to skip: up to a non-numeric first data line, else none
    with open(path, encoding=_CSV_ENCODING) as f:
        for number, line in enumerate(f, start=1):
            text = _data_text(line)
            if text:
                header = number if is_header(text.split(delimiter)) else 0
                break
    if header is None:
        raise CliError(f"{name}: {path!r} is empty")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "loadtxt: input contained no data", UserWarning)
            table = np.loadtxt(path, delimiter=delimiter, dtype=np.float64, ndmin=2, skiprows=header, encoding=_CSV_ENCODING)
    except ValueError as exc:
        raise CliError(f"{name}: {path!r} is not a numeric CSV table: {_csv_problem(path, header, delimiter) or exc}") from None
    if table.size == 0:
        raise CliError(f"{name}: {path!r} has a header but no data")
    return table[:, 0] if table.shape[1] == 1 else table


def _read_parquet(path: str, name: str) -> np.ndarray:
    """A Parquet table's numeric columns side by side (one row per record); pyarrow imported only here."""
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise CliError(f"{name}: reading {path!r} needs pyarrow, which is not installed: pip install pyarrow") from None
    table = pq.read_table(path)
    columns = []
    for column_name, column in zip(table.column_names, table.columns):
        values = column.to_numpy(zero_copy_only=False)
        if values.dtype.kind not in "iuf":
            raise CliError(f"{name}: {path!r} column {column_name!r} is not numeric ({column.type})")
        columns.append(values.astype(np.float64))
    if not columns:
        raise CliError(f"{name}: {path!r} has no columns")
    return np.column_stack(columns) if len(columns) > 1 else columns[0]


def check_delimiter(delimiter: str) -> str:
    """The CSV field separator: one character that cannot be part of a number ("tab" names a tab)."""
    sep = "\t" if delimiter in ("tab", "\\t") else delimiter
    if len(sep) != 1 or sep in "0123456789.+-eEiInNaAfF#\r\n\"'":
        raise CliError(f"--delimiter: {delimiter!r} is not usable; give one character that is not part of "
                       f"a number, e.g. ',', ';' or 'tab'")
    return sep


def read_array(path: str, *, key: str | None = None, name: str = "input", delimiter: str = ",") -> np.ndarray:
    """Read an array of real numbers from a ``.npy``, ``.npz``, ``.csv`` or ``.parquet`` file.

    Parameters
    ----------
    path : str
        The file; its extension chooses the format.
    delimiter : str, default ","
        The field separator of a ``.csv`` file: one character that cannot be
        part of a number (``"tab"`` names a tab).
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
        extension names, truncated, too large for memory) or does not hold
        real numbers; the message names `name` and `path`.
    """
    ext = check_extension(path, READ_FORMATS, name, "read")
    try:
        if ext == ".npy":
            arr = _read_npy(path, name)
        elif ext == ".npz":
            arr = _read_npz(path, key, name)
        elif ext == ".parquet":
            arr = _read_parquet(path, name)
        else:
            arr = _read_csv(path, name, check_delimiter(delimiter))
    except CliError:
        raise
    except OSError as exc:
        raise CliError(f"{name}: cannot read {path!r}: {exc.strerror or exc}") from None
    except MemoryError:
        raise CliError(f"{name}: {path!r} is too large to read into memory") from None
    except (ValueError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise CliError(f"{name}: {path!r} is not a valid {ext} file ({exc})") from None
    return _as_float(np.asarray(arr), path, name)

