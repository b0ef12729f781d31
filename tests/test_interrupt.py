"""Ctrl-C during long computations returns control quickly, and the next call works.

Each case runs in a child Python process that sends itself SIGINT from a timer
while a long call runs; the child reports how long after the signal the
KeyboardInterrupt arrived, then makes a small call of the same kind and prints
its value.  Already covered elsewhere: pairwise metric="js" (test_pairwise.py)
and wasserstein_nd with costs computed on the fly (test_emd.py, in-process).
Here: emd2 on a dense cost matrix, pairwise metric="emd" (row blocks of
simplex solves on threads), and pydiv.dask.pairwise on the threaded scheduler.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

HARNESS = """
import os, signal, threading, time
import numpy as np
import pydiv

def interrupt_after(delay):
    sent = []
    def fire():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(delay, fire).start()
    return sent

{setup}
sent = interrupt_after({delay})
start = time.perf_counter()
try:
    {long_call}
    print("finished", time.perf_counter() - start)
except KeyboardInterrupt:
    print("interrupted", time.perf_counter() - sent[0])
print("next", {next_call})
"""


def run_child(setup: str, long_call: str, next_call: str, delay: float = 0.5) -> tuple[str, float, str]:
    code = HARNESS.format(setup=textwrap.dedent(setup), long_call=long_call, next_call=next_call, delay=delay)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    status = "interrupted" if "interrupted" in lines else "finished"
    return status, float(lines[status]), lines["next"]


# Ctrl-C stops a 5000 x 5000 dense simplex solve (about 4 s) within 2 s, and a solve afterwards is right.
def test_ctrl_c_interrupts_emd2_on_a_dense_matrix():
    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(0)
        n = 5000
        M = -np.outer(rng.random(n), rng.random(n))  # a rank-one cost: many degenerate pivots
        """,
        long_call="pydiv.emd2(None, None, M)",
        next_call="pydiv.emd2([0.5, 0.5], [0.25, 0.75], [[0.0, 1.0], [2.0, 0.0]])",
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert float(after) == 0.25


# Ctrl-C stops a long pairwise EMD matrix (about 45 000 simplex solves on threads) within 2 s.
def test_ctrl_c_interrupts_pairwise_emd():
    status, seconds, after = run_child(
        setup="""
        rng = np.random.default_rng(1)
        clouds = [rng.random((100, 2)) for _ in range(300)]
        """,
        long_call='pydiv.pairwise(clouds, metric="emd")',
        next_call='pydiv.pairwise([[[0.0, 0.0]], [[3.0, 4.0]]], metric="emd")[0, 1]',
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert float(after) == 5.0


# Ctrl-C stops a dask matrix on the threaded scheduler within 2 s, and dask computes again afterwards.
def test_ctrl_c_interrupts_dask_pairwise():
    pytest.importorskip("dask.array")
    status, seconds, after = run_child(
        setup="""
        import pydiv.dask
        rng = np.random.default_rng(2)
        X = rng.random((12000, 128))
        """,
        long_call='pydiv.dask.pairwise(X, metric="jensenshannon", chunks=500).compute(scheduler="threads")',
        next_call='float(pydiv.dask.pairwise([[1.0, 0.0], [0.0, 1.0]], metric="js", chunks=1, base=2)'
                  '.compute(scheduler="threads")[0, 1])',
    )
    assert status == "interrupted"
    assert seconds < 2.0
    assert float(after) == 1.0
