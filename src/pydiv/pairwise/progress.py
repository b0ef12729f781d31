"""A progress bar for long jobs: tqdm when installed, a plain one otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any


class _PlainBar:
    def __init__(self, total: int, desc: str) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.desc = desc
        self.start = time.perf_counter()
        self._last = 0.0

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last >= 0.2 or self.done >= self.total:
            self._last = now
            frac = self.done / self.total
            bar = "#" * int(30 * frac)
            elapsed = now - self.start
            # The remaining time if the rate so far holds.
            eta = f"ETA {elapsed * (1 - frac) / frac:6.1f}s" if frac > 0 else "ETA    ?"
            sys.stderr.write(f"\r{self.desc}: [{bar:<30}] {100 * frac:5.1f}% {elapsed:6.1f}s {eta}")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(enabled: bool, total: int, desc: str) -> Any:
    """An object with update(n) and close()."""
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return _PlainBar(total, desc)
    return tqdm(total=total, desc=desc, unit="row")
