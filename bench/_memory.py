"""Peak memory of one call, C++ allocations included, for the benchmark scripts.

tracemalloc sees only Python's allocator; the peak resident set size of the
process (Linux: VmHWM, reset by writing 5 to /proc/self/clear_refs) sees
everything.  Call `peak_rise` in a fresh process (e.g. a spawned worker) so
that the memory other calls freed but the allocator kept does not hide the
call's own peak.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def peak_rise(func: Callable[[], object]) -> tuple[float, float, object]:
    """(rise of the peak RSS in MiB during `func()` over the resident size
    before it, seconds of the call, its value).  Where the peak cannot be
    reset (no clear_refs, not Linux) the rise is over the peak so far, which
    undercounts a call that peaks below what the process reached earlier."""
    linux = os.path.exists("/proc/self/status")
    if linux:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            base = _status_kb("VmRSS")
        except OSError:
            base = _status_kb("VmHWM")
    else:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - t0
    if linux:
        return (_status_kb("VmHWM") - base) / 1024.0, seconds, value
    scale = 1.0 / 1024.0 if sys.platform == "darwin" else 1.0  # ru_maxrss: bytes on macOS, KiB elsewhere
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * scale / 1024.0, seconds, value
