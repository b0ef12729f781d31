"""The result of :func:`pydiv.drift`: one value per column and metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from ..typing import FloatArray

__all__ = ["DriftReport"]


@dataclass(frozen=True, repr=False)
class DriftReport:
    """Per-column drift between a reference table and a current one.

    Attributes
    ----------
    columns : tuple of str
        The compared columns, in order (names of a DataFrame or mapping, else
        the column indices as strings).
    values : dict of str to ndarray
        For each metric asked for, its value per column (float64, shape
        ``(len(columns),)``).
    counts_reference, counts_current : ndarray
        The shared-bin counts of both tables, shape ``(len(columns), bins)``
        (the binned metrics were computed from them).
    edges : ndarray
        The bin edges per column, shape ``(len(columns), bins + 1)``.
    """

    columns: tuple[str, ...]
    values: dict[str, FloatArray]
    counts_reference: FloatArray
    counts_current: FloatArray
    edges: FloatArray

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(self.values)

    def __getitem__(self, metric: str) -> FloatArray:
        try:
            return self.values[metric]
        except KeyError:
            raise KeyError(f"no metric {metric!r} in this report; it holds {', '.join(self.values)}") from None

    def drifted(self, metric: str, threshold: float) -> list[str]:
        """The columns whose `metric` is above `threshold`, in column order."""
        values = self[metric]
        return [c for c, v in zip(self.columns, values.tolist()) if v > threshold]

    def to_pandas(self) -> Any:
        """The report as a :class:`pandas.DataFrame`, one row per column (requires pandas)."""
        try:
            import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError as exc:
            raise ImportError("DriftReport.to_pandas() needs pandas: pip install pandas") from exc
        return pd.DataFrame({m: v for m, v in self.values.items()}, index=pd.Index(self.columns, name="column"))

    def __repr__(self) -> str:
        width = max([len("column"), *map(len, self.columns)])
        head = "column".ljust(width) + "".join(f"  {m:>14}" for m in self.values)
        rows = [c.ljust(width) + "".join(f"  {v[i]:>14.6g}" for v in self.values.values())
                for i, c in enumerate(self.columns[:20])]
        more = [f"... {len(self.columns) - 20} more columns"] if len(self.columns) > 20 else []
        return "\n".join([f"DriftReport({len(self.columns)} columns)", head, *rows, *more])
