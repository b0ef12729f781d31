"""Many calls on small inputs keep the memory flat.

Each function runs 100 000 times (the slower ones 10 000: see CALLS) after a
warm-up; the resident set size (from /proc/self/statm) may not grow by more
than a few MB, and the number of Python memory blocks (sys.getallocatedblocks)
barely at all, so a reference leaked per call (a result array, a NumPy
temporary, a nanobind wrapper) shows even where a few bytes of native memory
per call would hide in the RSS noise.  Error paths are included: an exception
raised from the extension or from validation must not leak its arguments.
Linux only.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

import numpy as np
import pytest

import pydiv
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")

P = np.array([0.2, 0.3, 0.5])
Q = np.array([0.3, 0.3, 0.4])
P32 = P.astype(np.float32)
ROWS = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
U = np.array([0.0, 1.0, 3.0])
V = np.array([0.5, 2.0])
M = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
X = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])
CLOUDS = [np.array([[0.0], [1.0]]), np.array([[2.0]]), np.array([[0.5], [0.7], [3.0]])]

FAST = 100_000
# The slower calls (10-60 us each: the general validation path, the simplex, dask-free
# pairwise blocks) run 10 000 times, which keeps this module to a few seconds.
SLOW = 10_000


def _raises(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except (ValueError, TypeError):
        return
    raise AssertionError("expected an exception")


CALLS = {
    "entropy": (lambda: pydiv.entropy(P), FAST),
    "cross_entropy": (lambda: pydiv.cross_entropy(P, Q), FAST),
    "kl_divergence": (lambda: pydiv.kl_divergence(P, Q), FAST),
    "js_divergence": (lambda: pydiv.js_divergence(P32, P32), FAST),
    "jensenshannon": (lambda: pydiv.jensenshannon(P, Q), FAST),
    "entropy batch, base, list": (lambda: pydiv.entropy([[1.0, 2.0], [3.0, 4.0]], base=2, axis=0), SLOW),
    "kl_divergence batch": (lambda: pydiv.kl_divergence(ROWS, Q, keepdims=True), SLOW),
    "wasserstein_1d": (lambda: pydiv.wasserstein_1d(U, V), FAST),
    "wasserstein_1d weighted p=2": (lambda: pydiv.wasserstein_1d(U, V, P, None, p=2), SLOW),
    "wasserstein_1d rows": (lambda: pydiv.wasserstein_1d(ROWS, V, p=1.5), SLOW),
    "energy_distance": (lambda: pydiv.energy_distance(U, V), FAST),
    "wasserstein_hist": (lambda: pydiv.wasserstein_hist(P, Q, U, order=2), SLOW),
    "emd": (lambda: pydiv.emd(None, None, M).plan(), SLOW),
    "emd2": (lambda: pydiv.emd2(P, [0.5, 0.5], M), SLOW),
    "wasserstein_nd": (lambda: pydiv.wasserstein_nd(U, V, p=2), SLOW),
    "pairwise js": (lambda: pydiv.pairwise(X, metric="js"), SLOW),
    "pairwise kl": (lambda: pydiv.pairwise(X, X[:2], metric="kl"), SLOW),
    "pairwise wasserstein": (lambda: pydiv.pairwise(X, metric="wasserstein", condensed=True), SLOW),
    "pairwise emd": (lambda: pydiv.pairwise(CLOUDS, metric="emd"), SLOW),
    "stream": (lambda: KLDivergence().update(P, Q).merge(KLDivergence().update(Q, P)).result(base=2), SLOW),
    "stream entropy, cross-entropy, js": (
        lambda: (Entropy().update(P).result(), CrossEntropy().update(P, Q).result(),
                 JSDivergence(p_total=1, q_total=1).update(P, Q).result()), SLOW),
    # Error paths.
    "kl_divergence of a negative p": (lambda: _raises(pydiv.kl_divergence, -P, Q), SLOW),
    "entropy of a string": (lambda: _raises(pydiv.entropy, "abc"), SLOW),
    "wasserstein_1d with NaN": (lambda: _raises(pydiv.wasserstein_1d, [np.nan], V), SLOW),
    "emd infeasible": (lambda: _raises(pydiv.emd, [1.0], [1.0], [[np.inf]]), SLOW),
    "emd with a NaN cost": (lambda: _raises(pydiv.emd2, None, None, [[np.nan]]), SLOW),
    "wasserstein_nd unknown metric": (lambda: _raises(pydiv.wasserstein_nd, U, V, metric="cosine"), SLOW),
    "pairwise all-zero row": (lambda: _raises(pydiv.pairwise, [[0.0, 0.0]], metric="js"), SLOW),
}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("name", list(CALLS))
def test_repeated_calls_keep_memory_flat(name):
    # After a warm-up, many calls grow neither the RSS (beyond 2 MB) nor the Python blocks.
    call, n = CALLS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (none expected; a warning registry would grow)
        for _ in range(max(1000, n // 10)):
            call()
        gc.collect()
        rss0, blocks0 = _rss_bytes(), sys.getallocatedblocks()
        for _ in range(n):
            call()
        gc.collect()
        rss1, blocks1 = _rss_bytes(), sys.getallocatedblocks()
    assert rss1 - rss0 < 2 * 2**20, f"RSS grew by {(rss1 - rss0) / 2**20:.1f} MB over {n} calls"
    assert blocks1 - blocks0 < 200, f"{blocks1 - blocks0} Python blocks more after {n} calls"
