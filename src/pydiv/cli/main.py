"""The ``pydiv`` command: ``demo``, ``info``, ``pairwise``, ``compare``, ``--version``.

SIGTERM and SIGHUP end a command of the process's own command line by
unwinding (as Ctrl-C does), so a half-written ``--out`` is removed.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Sequence

from .. import __version__
from .commands import info
from .demo import demo, demo_plot
from .drift_command import add_drift_parser
from .emd_command import add_emd_parser
from .errors import check_extension, run_guarded
from .plots import PLOT_FORMATS, pyplot
from .parsers import add_compare_parser, add_pairwise_parser

__all__ = ["main"]


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
    """Run the ``pydiv`` command on `argv` (default: the process's arguments); returns the exit status.

    0 on success; 2, after a ``pydiv: error: ...`` line on stderr, when the
    files or arguments are wrong; 1 when stdout was closed; 130 on Ctrl-C.
    """
    if argv is None and threading.current_thread() is threading.main_thread():
        _exit_cleanly_on_termination()  # the process's own command line: the process is ours
    parser = argparse.ArgumentParser(prog="pydiv", description="Divergences and distances between distributions.")
    parser.add_argument("--version", action="version", version=f"pydiv {__version__}")
    sub = parser.add_subparsers(dest="command")
    demo_parser = sub.add_parser("demo", help="the examples that motivate the library")
    demo_parser.add_argument("--plot", default=None, metavar="FILE.png",
                             help='also draw KL, JS and W1 against theta to FILE (needs pip install "pydiv[plot]")')
    info_parser = sub.add_parser("info", help="version, compiler, SIMD level, OpenMP threads")
    info_parser.add_argument("--json", action="store_true", help="machine-readable output (a JSON object)")
    add_pairwise_parser(sub)
    add_compare_parser(sub)
    add_emd_parser(sub)
    add_drift_parser(sub)
    args = parser.parse_args(argv)
    if args.command is None:  # a bare `pydiv`: the help, as pip gives
        return run_guarded(lambda _: parser.print_help(), args)
    if hasattr(args, "run"):
        return int(args.run(args))
    return run_guarded(_demo if args.command == "demo" else lambda a: info(as_json=a.json), args)


def _demo(args: argparse.Namespace) -> None:
    if args.plot is not None:
        check_extension(args.plot, PLOT_FORMATS, "--plot", "write")
        pyplot()  # a missing matplotlib is said before any output
    demo()
    if args.plot is not None:
        demo_plot(args.plot)

