"""Pictures for the ``pydiv`` command line (``--plot FILE.png``), drawn with matplotlib.

matplotlib is an optional extra (``pip install "pydiv[plot]"``): it is imported
only when a picture is asked for, with the non-interactive Agg backend, so no
display is ever needed.  Each ``plot_*`` function writes one figure to a file
and closes it (no figure outlives the call).

* :func:`plot_seed`: KL, JS and W1 against theta for the two parallel segments
  (KL's infinite values drawn as markers on the top edge labelled "inf");
* :func:`plot_bars`: one bar per label, with an optional threshold line (the
  ``compare`` command, and per-column drift reports);
* :func:`plot_heatmap`: a labelled matrix (``pairwise``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import CliError

__all__ = ["PLOT_FORMATS", "plot_bars", "plot_heatmap", "plot_seed", "pyplot"]

PLOT_EXTRA_HINT = 'pip install "pydiv[plot]"'
PLOT_FORMATS = (".png", ".pdf", ".svg")


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or a CliError naming the extra to install."""
    try:
        import matplotlib
    except ImportError:
        raise CliError(f"--plot needs matplotlib, which is not installed: {PLOT_EXTRA_HINT}") from None
    matplotlib.use("Agg", force=True)  # files only: never a window
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str) -> None:
    plt = pyplot()
    try:
        fig.savefig(path, dpi=100)
    except (OSError, ValueError) as exc:
        raise CliError(f"--plot: cannot write {path!r}: {exc}") from None
    finally:
        plt.close(fig)


def plot_seed(path: str, thetas: Sequence[float], values: Mapping[str, Sequence[float]]) -> None:
    """KL, JS and W1 against theta; `values` maps a measure's name to its value at each theta.

    Infinite values are drawn as triangles on the top edge of the axes,
    labelled "inf", above the largest finite value.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    finite = [v for vals in values.values() for v in vals if math.isfinite(v)]
    top = 1.15 * max(finite + [1.0])
    for name, vals in values.items():
        v = np.asarray(vals, dtype=np.float64)
        inf = np.isinf(v)
        line = ax.plot(np.asarray(thetas)[~inf], v[~inf], marker="o", label=name)[0]
        if inf.any():
            ax.plot(np.asarray(thetas)[inf], np.full(int(inf.sum()), top), linestyle="none", marker="^",
                    markersize=10, color=line.get_color(), label=f"{name} = inf")
            ax.annotate("inf", (float(np.asarray(thetas)[inf][0]), top), textcoords="offset points",
                        xytext=(-14, -4), ha="right", color=line.get_color())
    ax.axhline(math.log(2.0), color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0.0, 1.1 * top)
    ax.set_xlabel("theta (separation of the segments)")
    ax.set_ylabel("divergence / distance")
    ax.set_title("Two parallel segments: KL = inf, JS = log 2, W1 = |theta|")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize="small")
    fig.tight_layout()
    _save(fig, path)


def plot_bars(path: str, labels: Sequence[str], values: Sequence[float], *, threshold: float | None = None,
              title: str = "", ylabel: str = "value") -> None:
    """One bar per label (infinite values drawn to the top edge, marked "inf").

    With `threshold`, a horizontal line at that value and the bars above it
    drawn in a second colour: the picture of a per-column drift report.
    """
    if len(labels) != len(values):
        raise CliError(f"--plot: {len(labels)} labels for {len(values)} values")
    plt = pyplot()
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    top = max([float(finite.max()) if finite.size else 1.0, threshold or 0.0, 1e-12]) * 1.15
    shown = np.where(np.isinf(v), top, np.nan_to_num(v, nan=0.0))
    over = v > threshold if threshold is not None else np.zeros(v.shape, bool)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.5 * len(v) + 2), 4))
    ax.bar(range(len(v)), shown, color=np.where(over, "tab:red", "tab:blue").tolist())
    for i in np.flatnonzero(np.isinf(v)):
        ax.annotate("inf", (i, top), textcoords="offset points", xytext=(0, 2), ha="center")
    if threshold is not None:
        ax.axhline(threshold, color="black", linestyle="--", label=f"threshold {threshold:g}")
        ax.legend()
    ax.set_xticks(range(len(v)), [str(s) for s in labels], rotation=45 if len(v) > 8 else 0, ha="right")
    ax.set_ylim(0.0, 1.1 * top)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)


def plot_heatmap(path: str, matrix: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str], *,
                 title: str = "") -> None:
    """The matrix as a coloured grid with a colour bar (infinite entries shown as the maximum finite one)."""
    plt = pyplot()
    m = np.asarray(matrix, dtype=np.float64)
    finite = m[np.isfinite(m)]
    shown = np.where(np.isfinite(m), m, finite.max() if finite.size else 0.0)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.35 * m.shape[1] + 3), max(3.5, 0.35 * m.shape[0] + 2)))
    image = ax.imshow(shown, cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax)
    if len(col_labels) <= 50:
        ax.set_xticks(range(m.shape[1]), [str(s) for s in col_labels], rotation=90)
    if len(row_labels) <= 50:
        ax.set_yticks(range(m.shape[0]), [str(s) for s in row_labels])
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)
