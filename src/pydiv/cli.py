"""The ``pydiv`` command: ``demo``, ``info``, ``pairwise``, ``compare``, ``--version``."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from . import __version__
from ._cli_io import add_compare_parser, add_pairwise_parser, run_guarded
from ._config import config
from .emd import wasserstein_nd
from .info import entropy, js_divergence, kl_divergence


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


def info(out: TextIO | None = None) -> None:
    for key, value in config().items():
        (out or sys.stdout).write(f"{key:<9} {value}\n")


def _exit_on_signal(signum: int, frame: object) -> None:
    # SystemExit unwinds like Ctrl-C does, so a half-written --out is removed.
    raise SystemExit(128 + signum)


def _exit_cleanly_on_termination() -> None:
    """SIGTERM (a timeout, a job scheduler) and SIGHUP end the command by unwinding, not abruptly."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _exit_on_signal)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and threading.current_thread() is threading.main_thread():
        _exit_cleanly_on_termination()  # the process's own command line: the process is ours
    parser = argparse.ArgumentParser(prog="pydiv", description="Divergences and distances between distributions.")
    parser.add_argument("--version", action="version", version=f"pydiv {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="the examples that motivate the library")
    sub.add_parser("info", help="version, compiler, SIMD level, OpenMP threads")
    add_pairwise_parser(sub)
    add_compare_parser(sub)
    args = parser.parse_args(argv)
    if args.command is None:  # a bare `pydiv`: the help, as pip gives
        return run_guarded(lambda _: parser.print_help(), args)
    if hasattr(args, "run"):
        return int(args.run(args))
    return run_guarded(lambda _: demo() if args.command == "demo" else info(), args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
