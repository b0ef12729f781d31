"""Reading the two tables of a drift check into aligned numeric columns.

A table is a 2-D array (rows are samples, columns features, named by their
index), a 1-D array (one feature), a mapping of column names to 1-D arrays,
or a pandas DataFrame (duck-typed: ``columns`` and ``to_numpy``; pandas is
never imported here).  Invariant: what leaves here is one C-ordered float64
(n, features) array per table, with the same column names in the same order
for both, or a ValueError / TypeError naming the table and the column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["aligned_tables"]


def _column(values: Any, table: str, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{table}: column {name!r} must be 1-D, got shape {arr.shape}")
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == object):
        raise TypeError(f"{table}: column {name!r} is not numeric (dtype {arr.dtype})")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{table}: column {name!r} is complex; drift compares real values")
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{table}: column {name!r} is not numeric (dtype {arr.dtype})") from None


def _named_columns(x: Any, table: str) -> tuple[list[str], list[np.ndarray]] | None:
    """The columns of a mapping or a DataFrame, or None for an array."""
    if isinstance(x, Mapping):
        names = [str(k) for k in x]
        return names, [_column(v, table, n) for n, v in zip(names, x.values())]
    if hasattr(x, "columns") and hasattr(x, "to_numpy"):  # a DataFrame
        names = [str(c) for c in x.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{table} has repeated column names")
        return names, [_column(x[c].to_numpy(), table, n) for c, n in zip(x.columns, names)]
    return None


def _table(x: Any, table: str) -> tuple[list[str] | None, np.ndarray]:
    named = _named_columns(x, table)
    if named is not None:
        names, cols = named
        if not cols:
            raise ValueError(f"{table} has no columns")
        lengths = {c.size for c in cols}
        if len(lengths) > 1:
            raise ValueError(f"{table}: the columns have different lengths {sorted(lengths)}")
        return names, np.ascontiguousarray(np.stack(cols, axis=1))
    arr = np.asarray(x)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{table} must be a table (n_samples, n_features) or one column, got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{table} has no columns")
    if arr.dtype == object:
        return None, np.stack([_column(arr[:, j], table, str(j)) for j in range(arr.shape[1])], axis=1)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{table} is not numeric (dtype {arr.dtype})")
    return None, np.ascontiguousarray(arr, dtype=np.float64)


def _select(names: list[str], columns: Any) -> list[int]:
    if columns is None:
        return list(range(len(names)))
    if isinstance(columns, (str, int, np.integer)) or not isinstance(columns, Sequence | np.ndarray):
        columns = [columns]
    picked = []
    for c in columns:
        if isinstance(c, (int, np.integer)) and not isinstance(c, bool):
            if not -len(names) <= int(c) < len(names):
                raise ValueError(f"columns: index {int(c)} is out of range for {len(names)} columns")
            picked.append(int(c) % len(names))
        elif isinstance(c, str):
            if c not in names:
                raise ValueError(f"columns: no column named {c!r} in both tables")
            picked.append(names.index(c))
        else:
            raise TypeError(f"columns must hold column names or indices, got {c!r}")
    if not picked:
        raise ValueError("columns selects no column")
    if len(set(picked)) != len(picked):
        raise ValueError("columns names a column twice")
    return picked


def aligned_tables(reference: Any, current: Any, columns: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(column names, reference (n, k), current (m, k)): the selected columns of
    both tables in one order; named tables are matched by name."""
    ref_names, ref = _table(reference, "reference")
    cur_names, cur = _table(current, "current")
    if (ref_names is None) != (cur_names is None):
        # One named table and one plain array: the array's columns are taken in order.
        ref_names = ref_names or cur_names
        cur_names = ref_names
        if ref.shape[1] != cur.shape[1]:
            raise ValueError(f"reference has {ref.shape[1]} columns and current {cur.shape[1]}")
    elif ref_names is None:
        if ref.shape[1] != cur.shape[1]:
            raise ValueError(f"reference has {ref.shape[1]} columns and current {cur.shape[1]}")
        ref_names = cur_names = [str(j) for j in range(ref.shape[1])]
    else:
        assert cur_names is not None
        missing, extra = [n for n in ref_names if n not in cur_names], [n for n in cur_names if n not in ref_names]
        if missing or extra:
            raise ValueError(f"the tables have different columns: only in reference {missing}, "
                             f"only in current {extra}")
        cur = cur[:, [cur_names.index(n) for n in ref_names]]
    assert ref_names is not None
    picked = _select(ref_names, columns)
    for table, arr in (("reference", ref), ("current", cur)):
        if arr.shape[0] == 0:
            raise ValueError(f"{table} has no rows")
    return ([ref_names[j] for j in picked], np.ascontiguousarray(ref[:, picked]),
            np.ascontiguousarray(cur[:, picked]))
