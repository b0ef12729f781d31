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
