"""What goes wrong on the command line, and how a command ends then.

Every problem with the files or the data is a :class:`CliError` (or a
``ValueError``/``TypeError`` from the library) whose message names the
argument; :func:`run_guarded` turns it into one line ``pydiv: error: ...`` on
stderr and exit status 2, a closed stdout into a quiet status 1 and Ctrl-C
into status 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

__all__ = ["CliError", "check_extension", "run_guarded"]

ERROR_STATUS = 2
BROKEN_PIPE_STATUS = 1
INTERRUPTED_STATUS = 130


class CliError(ValueError):
    """A problem with the command's files or arguments, already worded for the user."""


def check_extension(path: str, allowed: tuple[str, ...], name: str, verb: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        shown = f"unknown extension {ext!r}" if ext else "no extension"
        raise CliError(f"{name}: cannot {verb} {path!r}: {shown}; use one of {', '.join(allowed)}")
    return ext



def _quiet_stdout() -> None:
    """Point stdout at devnull, so that flushing it at exit after EPIPE is quiet (as Python's docs advise)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run_guarded(command: Callable[[argparse.Namespace], None], args: argparse.Namespace) -> int:
    """Run a sub-command, turning expected failures into a message and a status."""
    try:
        command(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is seen below
    except BrokenPipeError:
        # The reader stopped early (`pydiv pairwise ... | head`): not worth a message.
        _quiet_stdout()
        return BROKEN_PIPE_STATUS
    except MemoryError as exc:
        print(f"pydiv: error: out of memory: {exc or 'the result does not fit'}", file=sys.stderr)
        return ERROR_STATUS
    except (ValueError, TypeError, OSError) as exc:
        print(f"pydiv: error: {exc}", file=sys.stderr)
        return ERROR_STATUS
    except KeyboardInterrupt:
        print("pydiv: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS
    return 0

