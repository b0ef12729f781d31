"""``pydiv demo``: the examples that motivate the library.

Two parallel segments, where KL is infinite and JS stuck at log 2 for every
separation while W1 measures it, and a draw of cards fitted by a uniform and
a binomial model, compared by KL.
"""

from __future__ import annotations

import math
import sys
from typing import TextIO

import numpy as np

from ..emd import wasserstein_nd
from ..info import entropy, js_divergence, kl_divergence

__all__ = ["card_example", "demo", "seed_example"]


def _fmt(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.6f}"


def seed_example(theta: float, n_y: int = 1000, with_w1: bool = True) -> dict[str, tuple[float, float]]:
    """The parallel-segments example: P on x = 0, Q on x = theta, y ~ U[0, 1].

    Both are discretised on ``n_y`` equal cells in y; the histograms live on the
    union of the two columns of cells, and W1 is the exact EMD between the two
    columns of cell centres in the plane.  Returns (computed, exact) per measure.
    """
    column = np.full(n_y, 1.0 / n_y)
    if theta == 0.0:
        p = q = column
    else:
        zeros = np.zeros(n_y)
        p = np.concatenate([column, zeros])
        q = np.concatenate([zeros, column])
    same = theta == 0.0
    exact_kl = 0.0 if same else math.inf
    rows = {
        "KL(P||Q)": (float(kl_divergence(p, q)), exact_kl),
        "KL(Q||P)": (float(kl_divergence(q, p)), exact_kl),
        "JS(P,Q)": (float(js_divergence(p, q)), 0.0 if same else math.log(2.0)),
    }
    if with_w1:
        y = (np.arange(n_y) + 0.5) / n_y
        points_p = np.c_[np.zeros(n_y), y]
        points_q = np.c_[np.full(n_y, theta), y]
        rows["W1(P,Q)"] = (float(wasserstein_nd(points_p, points_q)), abs(theta))
    return rows


# An illustrative draw of 100 cards, each showing one of five letters.
CARD_LETTERS = ("A", "B", "C", "D", "E")


CARD_COUNTS = np.array([2, 14, 36, 33, 15])


def card_example() -> dict[str, object]:
    """Empirical letter frequencies against a uniform and a binomial fit."""
    k = np.arange(5)
    empirical = CARD_COUNTS / CARD_COUNTS.sum()
    success = float(empirical @ k) / 4.0
    binomial = np.array([math.comb(4, int(i)) * success**i * (1 - success) ** (4 - i) for i in k])
    uniform = np.full(5, 0.2)
    return {
        "empirical": empirical,
        "success": success,
        "binomial": binomial,
        "uniform": uniform,
        "kl_uniform": float(kl_divergence(empirical, uniform)),
        "kl_binomial": float(kl_divergence(empirical, binomial)),
        "entropy": float(entropy(empirical)),
    }


def demo(out: TextIO | None = None) -> None:
    """Print the tables of ``pydiv demo`` to `out` (default: stdout): :func:`seed_example`, then :func:`card_example`."""
    w = (out or sys.stdout).write
    w("Two parallel segments: P = delta(x=0) x U[0,1], Q = delta(x=theta) x U[0,1]\n")
    w("(1000 cells in y; 'exact' is the continuous value)\n\n")
    names = ("KL(P||Q)", "KL(Q||P)", "JS(P,Q)", "W1(P,Q)")
    header = f"{'theta':>7} | " + " | ".join(f"{n:>8} {'exact':>8}" for n in names)
    w(header + "\n" + "-" * len(header) + "\n")
    for theta in (0.0, 0.1, 0.5, 1.0, 2.0):
        rows = seed_example(theta)
        w(f"{theta:>7.2f} | " + " | ".join(f"{_fmt(rows[n][0]):>8} {_fmt(rows[n][1]):>8}" for n in names) + "\n")
    w("\nKL is infinite and JS is stuck at log 2 = 0.693147 for every theta != 0:\n")
    w("neither says how far apart the segments are.  W1 = |theta| does, smoothly.\n\n")

    c = card_example()
    w("Cards with five letters: 100 draws, counts " + ", ".join(
        f"{a}={n}" for a, n in zip(CARD_LETTERS, CARD_COUNTS)) + "\n")
    w(f"{'letter':>8} {'empirical':>10} {'uniform':>10} {'binomial':>10}\n")
    for i, a in enumerate(CARD_LETTERS):
        w(f"{a:>8} {c['empirical'][i]:>10.4f} {c['uniform'][i]:>10.4f} {c['binomial'][i]:>10.4f}\n")  # type: ignore[index]
    w(f"binomial fit: n = 4, p = {c['success']:.4f}\n")
    w(f"KL(empirical || uniform)  = {c['kl_uniform']:.6f} nats\n")
    w(f"KL(empirical || binomial) = {c['kl_binomial']:.6f} nats\n")
    better = "binomial" if c["kl_binomial"] < c["kl_uniform"] else "uniform"  # type: ignore[operator]
    w(f"The {better} model loses less information.\n")



SEED_PLOT_THETAS = tuple(float(t) for t in np.linspace(-1.0, 1.0, 21))


def demo_plot(path: str, thetas: tuple[float, ...] = SEED_PLOT_THETAS, n_y: int = 200) -> None:
    """Draw the seed figure to `path`: the values :func:`seed_example` computes at each theta."""
    from .plots import plot_seed

    names = ("KL(P||Q)", "JS(P,Q)", "W1(P,Q)")
    values: dict[str, list[float]] = {name: [] for name in names}
    for theta in thetas:
        rows = seed_example(theta, n_y=n_y)
        for name in names:
            values[name].append(rows[name][0])
    plot_seed(path, thetas, values)
