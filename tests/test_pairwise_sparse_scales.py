"""pydiv.pairwise on sparse rows whose entries span the float range: totals of
1e300 beside 1e-5, entries far below their row's total.  The sparse kernel
must neither underflow a scaled entry (to zero: KL = inf or NaN; to a
subnormal: lost digits) nor overflow a total; values agree with the dense
functions and with an exact reference (mpmath, 50 digits) to 1e-12."""

from __future__ import annotations

import numpy as np
import pytest

import pydiv

sp = pytest.importorskip("scipy.sparse")
mpmath = pytest.importorskip("mpmath")

METRICS = ("kl", "cross_entropy", "js", "jensenshannon", "hellinger", "total_variation")


def exact(p, q, metric):
    """The metric of the normalised rows in 50-digit arithmetic (natural log)."""
    with mpmath.workdps(50):
        P = [mpmath.mpf(float(v)) for v in p]
        Q = [mpmath.mpf(float(v)) for v in q]
        A, B = mpmath.fsum(P), mpmath.fsum(Q)
        P, Q = [v / A for v in P], [v / B for v in Q]
        if metric in ("kl", "cross_entropy"):
            if any(a > 0 and b == 0 for a, b in zip(P, Q)):
                return float("inf")
            kl = mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(P, Q) if a > 0)
            if metric == "kl":
                return float(kl)
            return float(kl - mpmath.fsum(a * mpmath.log(a) for a in P if a > 0))
        if metric in ("js", "jensenshannon"):
            M = [(a + b) / 2 for a, b in zip(P, Q)]
            js = (mpmath.fsum(a * mpmath.log(a / m) for a, m in zip(P, M) if a > 0)
                  + mpmath.fsum(b * mpmath.log(b / m) for b, m in zip(Q, M) if b > 0)) / 2
            return float(js if metric == "js" else mpmath.sqrt(js))
        if metric == "hellinger":
            return float(mpmath.sqrt(mpmath.fsum((mpmath.sqrt(a) - mpmath.sqrt(b)) ** 2 for a, b in zip(P, Q)) / 2))
        return float(mpmath.fsum(abs(a - b) for a, b in zip(P, Q)) / 2)


def dense(p, q, metric):
    """The dense pydiv function of the two rows."""
    if metric in ("kl", "cross_entropy", "js", "jensenshannon"):
        return float(pydiv.pairwise(p[None], q[None], metric=metric)[0, 0])
    fn = pydiv.hellinger if metric == "hellinger" else pydiv.total_variation
    return float(fn(p, q))


PAIRS = {
    # y = rho b scaled down by rho = 2/5 took 1e-323 to the smallest subnormal.
    "tiny entry, larger total": ([1.0, 0, 0, 0, 0, 1.0], [1.0, 1, 1, 1, 1, 1e-323]),
    "subnormal entry": ([1.0, 0, 0, 0, 0, 1.0], [1.0, 1, 1, 1, 1, 1e-320]),
    # The row's own scaling (its maximum to [1, 2)) took 1e-30 below the subnormals.
    "entry 1e-330 of its row": ([1.0, 1.0], [1e300, 1e-30]),
    "totals 1e300 and 1e-5": ([1e300, 2e300, 0, 3e-10, 5e290], [1e-5, 4e-6, 3e-5, 1e-320, 2e-5]),
    "totals 1e-5 and 1e300": ([1e-5, 3e-5, 1e-5, 1e-318, 0], [1e300, 2e300, 1e300, 3e-10, 7e299]),
    "entries over 600 decades": ([1e-300, 1e300, 1.0, 0, 1e-10], [1e300, 1e-300, 0, 1.0, 1e-10]),
}


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("case", list(PAIRS))
def test_extreme_scales_match_exact_and_dense(case, metric):
    p, q = (np.array(v, dtype=float) for v in PAIRS[case])
    want = exact(p, q, metric)
    for a, b, w in ((p, q, want), (q, p, exact(q, p, metric))):
        got = pydiv.pairwise(sp.csr_array(a[None]), sp.csr_array(b[None]), metric=metric)[0, 0]
        if np.isinf(w):
            assert got == np.inf
            continue
        assert got == pytest.approx(w, rel=1e-12, abs=1e-300), (case, metric)
        d = dense(a, b, metric)
        if np.isfinite(d):  # the dense kernel refuses totals above 1e300 (NaN)
            assert got == pytest.approx(d, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("metric", METRICS)
def test_matrix_of_mixed_scales(metric):
    # Every pair of a matrix of rows at scales 1e-300 .. 1e300 with entries
    # 1e-250 .. 1 of their row's largest, by both walks (merge and column table).
    rng = np.random.default_rng(11)
    n, k = 7, 30
    X = np.where(rng.random((n, k)) < 0.4, 10.0 ** rng.uniform(-250, 0, (n, k)), 0.0)
    X[np.arange(n), rng.integers(0, k, n)] = 1.0
    X *= 10.0 ** rng.uniform(-300, 300, n)[:, None]
    S = sp.csr_array(X)
    got = pydiv.pairwise(S, metric=metric)
    for i in range(n):
        for j in range(n):
            w = exact(X[i], X[j], metric)
            if np.isinf(w):
                assert got[i, j] == np.inf
            else:
                assert got[i, j] == pytest.approx(w, rel=1e-12, abs=1e-15), (i, j)
