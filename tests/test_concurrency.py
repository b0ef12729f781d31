"""Threads, processes and forks: pydiv gives the same answers and never hangs."""

import multiprocessing as mp
import threading

import numpy as np
import pytest

import pydiv

rng = np.random.default_rng(8)
X = rng.random((200, 64))
Y = rng.random((150, 64))
P = rng.random(300_000)
Q = rng.random(300_000)


def calls(seed):
    """Every public entry point on data that depends on `seed`."""
    r = np.random.default_rng(seed)
    p, q = r.random(50_000), r.random(50_000)
    A, B = r.random((60, 32)), r.random((40, 32))
    return [
        pydiv.entropy(p),
        pydiv.cross_entropy(p, q),
        pydiv.kl_divergence(p, q),
        pydiv.js_divergence(p, q),
        pydiv.jensenshannon(A, B[:1], axis=1),
        pydiv.pairwise(A, B, metric="kl"),
        pydiv.pairwise(A, metric="jensenshannon"),
        pydiv.pairwise(A, B, metric="wasserstein"),
    ]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


# 8 Python threads calling everything at once get the serial results: the GIL
# is released and no state is shared.
def test_threads_match_serial():
    seeds = list(range(8))
    serial = {s: calls(s) for s in seeds}
    results = {}
    barrier = threading.Barrier(len(seeds))

    def run(s):
        barrier.wait()
        for _ in range(3):
            results[s] = calls(s)

    threads = [threading.Thread(target=run, args=(s,)) for s in seeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(same(results[s], serial[s]) for s in seeds)


def _child(seed):
    return calls(seed)


# A child forked after the parent ran OpenMP kernels computes correctly (GNU
# OpenMP would hang there; pydiv runs forked children single-threaded), and so
# do spawn and forkserver children.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_process_pools(method):
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    pydiv.pairwise(X, metric="js")  # start OpenMP's threads in the parent
    pydiv.kl_divergence(P, Q)
    want = [calls(s) for s in (1, 2)]
    ctx = mp.get_context(method)
    with ctx.Pool(2) as pool:
        got = pool.map_async(_child, [1, 2]).get(timeout=120)
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
