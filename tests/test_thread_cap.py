"""Thread counts from users and the environment are checked, then capped, before OpenMP sees them.

The dangerous cases run in a child process: tens of thousands of OpenMP
threads make GNU OpenMP print "Thread creation failed" and exit the process.
"""

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pydiv
from pydiv._checks import thread_request

CHILD_TIMEOUT = 120

# Large enough that every kernel below takes its parallel branch.
ROWS_SETUP = """
import numpy as np, pydiv
X = np.random.default_rng(0).random((300, 64))
U, V = np.random.default_rng(1).random((64, 4000)), np.random.default_rng(2).random((64, 4000))
"""


def _run_child(code, env=None, args=()):
    child_env = dict(os.environ)
    child_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", ROWS_SETUP + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=child_env,
    )




# A huge n_jobs runs on a capped number of threads and gives the single-thread result.
def test_huge_n_jobs_runs_capped_in_every_entry_point():
    code = """
    import pydiv.dask
    one = pydiv.pairwise(X, metric="js", n_jobs=1)
    for n_jobs in (10**9, 2**31 - 1, 100000):
        np.testing.assert_array_equal(pydiv.pairwise(X, metric="js", n_jobs=n_jobs), one)
    lazy = pydiv.dask.pairwise(X, metric="js", chunks=150, n_jobs=10**9)
    np.testing.assert_array_equal(lazy.compute(scheduler="synchronous"), one)
    print("ok")
    """
    done = _run_child(code)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


# OMP_NUM_THREADS / OMP_THREAD_LIMIT far beyond the CPUs: the OpenMP default path is capped too.
def test_huge_omp_num_threads_is_capped():
    code = """
    assert 1 <= pydiv._core.max_threads() <= pydiv._core.thread_cap(), pydiv._core.max_threads()
    D = pydiv.pairwise(X, metric="js")
    rows = pydiv.js_divergence(X[:, None, :], X[None, :50, :])
    print(repr(D.sum()), repr(rows.sum()), repr(pydiv.wasserstein_1d(U, V).sum()))
    """
    done = _run_child(code, env={"OMP_NUM_THREADS": "100000", "OMP_THREAD_LIMIT": "100000"})
    assert done.returncode == 0, done.stderr
    X = np.random.default_rng(0).random((300, 64))
    U, V = np.random.default_rng(1).random((64, 4000)), np.random.default_rng(2).random((64, 4000))
    # Results do not depend on the thread count: this process's default gives the same numbers.
    sums = pydiv.pairwise(X, metric="js").sum(), pydiv.js_divergence(X[:, None, :], X[None, :50, :]).sum()
    assert done.stdout.split() == [repr(v) for v in (*sums, pydiv.wasserstein_1d(U, V).sum())]


# threadpoolctl's limit (omp_set_num_threads) is a request like any other: capped.
def test_huge_threadpool_limit_is_capped():
    pytest.importorskip("threadpoolctl")
    code = """
    import threadpoolctl
    one = pydiv.pairwise(X, metric="jensenshannon", n_jobs=1)
    with threadpoolctl.threadpool_limits(limits=100000, user_api="openmp"):
        assert pydiv._core.max_threads() <= pydiv._core.thread_cap()
        np.testing.assert_array_equal(pydiv.pairwise(X, metric="jensenshannon"), one)
    print("ok")
    """
    done = _run_child(code)
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


# `pydiv pairwise --jobs 100000` writes the right matrix and leaves no .partial file.
def test_cli_huge_jobs_writes_the_matrix(tmp_path):
    X = np.random.default_rng(0).random((300, 64))
    np.save(tmp_path / "X.npy", X)
    argv = [sys.executable, "-m", "pydiv", "pairwise", "X.npy", "--metric", "js", "--jobs", "100000", "-o", "D.npy"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    np.testing.assert_array_equal(np.load(tmp_path / "D.npy"), pydiv.pairwise(X, metric="js", n_jobs=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D.npy", "X.npy"]


# The cap: a few threads per CPU the process may run on (at least one CPU's worth).
def test_thread_cap_is_a_few_threads_per_usable_cpu():
    cap = pydiv._core.thread_cap()
    if not pydiv._core.openmp():
        assert cap == 1
        return
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    limit = int(os.environ.get("OMP_THREAD_LIMIT", 2**31 - 1))
    # OpenMP counts the CPUs of the affinity mask, or the places of OMP_PLACES (cores, say).
    assert min(4, limit) <= cap <= min(4 * cpus, limit)
    if "OMP_PLACES" not in os.environ:
        assert cap == min(4 * cpus, limit)
    assert 1 <= pydiv._core.max_threads() <= cap


@pytest.mark.parametrize(
    "n_jobs, exc, message",
    [
        (True, TypeError, "n_jobs must be an integer, got True"),
        (False, TypeError, "n_jobs must be an integer, got False"),
        (np.True_, TypeError, "n_jobs must be an integer"),
        (2.0, TypeError, "n_jobs must be an integer, got 2.0"),
        ("4", TypeError, "n_jobs must be an integer, got '4'"),
        (0, ValueError, "n_jobs must be a positive integer or -1 (all cores), got 0"),
        (-2, ValueError, "n_jobs must be a positive integer or -1 (all cores), got -2"),
        (-(10**30), ValueError, "n_jobs must be a positive integer or -1"),
    ],
)
def test_bad_n_jobs_is_refused_by_name(n_jobs, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        pydiv.pairwise(np.ones((3, 4)), metric="js", n_jobs=n_jobs)
    with pytest.raises(exc, match="--jobs must be"):
        thread_request(n_jobs, "--jobs")


# None and -1 mean "the OpenMP default" (0 for the kernels); huge counts fit a C int.
@pytest.mark.parametrize(
    "n_jobs, expected", [(None, 0), (-1, 0), (1, 1), (np.int64(3), 3), (10**30, 2**31 - 1), (2**31, 2**31 - 1)]
)
def test_thread_request_values(n_jobs, expected):
    assert thread_request(n_jobs) == expected
