"""The interpreter exits cleanly while a daemon thread is inside a pydiv call.

CPython 3.11-3.13 end a daemon thread that takes the GIL back during
shutdown with pthread_exit; unwinding that through a C++ frame that may not
throw aborts the process (exit 134).  numpy and scipy exit 0 in the same
pattern, and so must pydiv: an in-process Dask cluster hits it whenever a
script ends or fails while blocks are computing.  Each case runs in a child
process that starts a long call on a daemon thread and then ends.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX thread exit")

LONG_CALLS = {
    "entropy": "big = rng.random((4000, 4000)); call = lambda: [pydiv.entropy(big) for _ in range(100)]",
    "pairwise js": "X = rng.random((3000, 300)); call = lambda: pydiv.pairwise(X, metric='js')",
    "pairwise emd": (
        "clouds = [rng.random((150, 2)) for _ in range(60)]; call = lambda: pydiv.pairwise(clouds, metric='emd')"
    ),
    "wasserstein_nd": "x = rng.random((4000, 2)); y = rng.random((4000, 2)); call = lambda: pydiv.wasserstein_nd(x, y)",
    "emd2 dense": (
        "M = rng.random((2500, 2500)); call = lambda: pydiv.emd2(None, None, M)"
    ),
    "wasserstein_1d": (
        "u = rng.random((400, 100000)); v = rng.random((400, 100000)); "
        "call = lambda: [pydiv.wasserstein_1d(u[i], v[i]) for i in range(400)]"
    ),
}

SCRIPT = """
import threading, time
import numpy as np
import pydiv
rng = np.random.default_rng(0)
{setup}
started = threading.Event()
def work():
    started.set()
    call()
threading.Thread(target=work, daemon=True).start()
started.wait()
time.sleep(0.3)
print("exiting", flush=True)
"""


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


# A daemon thread still inside a kernel when the script ends: exit status 0, no abort.
@pytest.mark.parametrize("name", sorted(LONG_CALLS))
def test_exit_while_a_daemon_thread_computes(name):
    proc = run_child(SCRIPT.format(setup=LONG_CALLS[name]))
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.strip().splitlines()[-1] == "exiting"
    assert "terminate called" not in proc.stderr


# An in-process Dask cluster whose script ends while blocks compute.
def test_exit_with_an_in_process_dask_cluster_computing():
    pytest.importorskip("distributed")
    code = textwrap.dedent(
        """
        import time
        import numpy as np
        from distributed import Client
        import pydiv, pydiv.dask
        client = Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None)
        X = np.random.default_rng(0).random((4000, 300))
        future = client.compute(pydiv.dask.pairwise(X, metric="js", chunks=1000))
        time.sleep(1.0)
        print("exiting", flush=True)
        """
    )
    proc = run_child(code)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert "terminate called" not in proc.stderr


# Threads that end short calls over and over, so that at exit some thread is
# waiting to take the GIL back at the moment the interpreter starts to shut
# down (before the fix about one run in four aborted).  Sixteen children, four at a time.
RACE = """
import threading, time
import numpy as np
import pydiv
p = np.random.default_rng(0).random(1 << 15)
q = p[::-1].copy()
def spin():
    while True:
        pydiv.kl_divergence(p, q)
for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()
time.sleep(0.05)
"""


def test_exit_while_threads_take_the_gil_back():
    failures = []
    for _ in range(4):
        children = [subprocess.Popen([sys.executable, "-c", RACE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True) for _ in range(4)]
        for child in children:
            _, err = child.communicate(timeout=120)
            if child.returncode != 0 or "terminate called" in err:
                failures.append((child.returncode, err[-500:]))
    assert not failures, failures
