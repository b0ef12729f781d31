"""Every public function called as a typed user would: checked by ``mypy --strict``.

tests/test_typing.py runs ``python -m mypy --strict`` on this file against the
installed pydiv (its ``py.typed`` marker and the ``_core.pyi`` stub), and also
runs it, so the calls stay real.  ``assert_type`` pins the return types: the
reductions (``kl_divergence``, ``hellinger``, ...) are ``pydiv.typing.Reduced``,
a NumPy float64 for 1-D input or a float64 array, so a scalar is taken with
``float(...)`` (or the union narrowed by ``isinstance``); an explicit ``dtype=``
makes them ``Any``.
"""

from __future__ import annotations

import warnings
from typing import Any, assert_type

import numpy as np
import numpy.typing as npt

import pydiv
import pydiv.dask
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence
from pydiv.typing import FloatArray, GridMetric, NanPolicy, Reduced


def information(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> list[float]:
    # A reduction is a NumPy float64 (a float) for 1-D input, else a float64 array.
    kl = pydiv.kl_divergence(p, q)
    assert_type(kl, np.float64 | npt.NDArray[np.float64])
    assert_type(kl, Reduced)
    h = float(pydiv.entropy(p, base=2))
    ce = float(pydiv.cross_entropy(p, q, base=2.0, axis=-1))
    js = float(pydiv.js_divergence(p, q, keepdims=False))
    d: float = pydiv.jensenshannon(p, q, dtype=np.float64)  # an explicit dtype: typed Any
    batch = pydiv.kl_divergence(np.stack([p, q]), q, axis=1)
    assert isinstance(batch, np.ndarray)  # narrows the union
    assert_type(batch, npt.NDArray[np.float64])
    hel = float(pydiv.hellinger(p, q))
    tv = float(pydiv.total_variation(p, q, axis=-1))
    bc = float(pydiv.bhattacharyya(p, q, kind="coefficient"))
    chi = float(pydiv.chi2_divergence(p, q, pseudocount=0.5))
    jef = float(pydiv.jeffreys(p, q, base=2))
    psi = float(pydiv.population_stability_index(p, q, eps=None))
    smooth = float(pydiv.kl_divergence(p, q, pseudocount=1))
    return [h, ce, float(kl), js, d, float(batch.sum()), hel, tv, bc, chi, jef, psi, smooth]


def transport(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> list[float]:
    w1 = float(pydiv.wasserstein_1d([0.0, 1.0, 3.0], [2.0, 5.0], p=1))
    w2 = float(pydiv.wasserstein_1d([0.0, 1.0], [2.0, 5.0], [1.0, 3.0], [2.0, 2.0], p=2, sorted=True))
    e = float(pydiv.energy_distance([0.0, 1.0, 3.0], [2.0, 5.0]))
    wh = float(pydiv.wasserstein_hist(p, q, x=[0.0, 1.0, 2.0], order=1))
    columns = pydiv.wasserstein_1d(np.ones((4, 2)), np.zeros((3, 2)), axis=0)
    assert_type(columns, Reduced)
    circle = pydiv.wasserstein_circle([0.1, 0.9], [0.5])
    assert_type(circle, float)

    cost_matrix = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    result = pydiv.emd(p, q, cost_matrix, max_iter=10_000)
    assert_type(result, pydiv.EmdResult)
    plan = result.plan()
    assert_type(plan, npt.NDArray[np.float64])
    assert_type(result.rows, npt.NDArray[np.int64])
    assert_type(result.u, FloatArray)
    n, m = result.shape
    status: str = result.status
    iterations: int = result.n_iter
    cost = pydiv.emd2(p, q, cost_matrix, normalize=True)
    assert_type(cost, float)
    clouds = np.array([[0.0, 0.0], [1.0, 0.0]])
    wnd = pydiv.wasserstein_nd(clouds, clouds + 1.0, p=2, metric="sqeuclidean")
    assert_type(wnd, float)
    wmk: float = pydiv.wasserstein_nd(clouds, clouds, [0.5, 0.5], [0.25, 0.75], metric="minkowski", w=3.0)
    assert status == "optimal" and iterations >= 0 and plan.shape == (n, m)
    return [w1, w2, e, wh, float(columns.sum()), circle, result.cost, cost, wnd, wmk]


def matrices(rows: npt.NDArray[np.float64]) -> list[npt.NDArray[np.float64]]:
    full: npt.NDArray[np.float64] = pydiv.pairwise(rows, metric="js", base=2, n_jobs=1)
    cross: npt.NDArray[np.float64] = pydiv.pairwise(rows, rows[:2], metric="kl", progress=False)
    condensed: npt.NDArray[np.float64] = pydiv.pairwise(rows, metric="jensenshannon", condensed=True)
    out = np.empty((3, 3), dtype=np.float32)
    into: npt.NDArray[np.float32] = pydiv.pairwise(rows, metric="wasserstein", out=out, dtype=np.float32)
    clouds = [np.zeros((2, 2)), np.ones((3, 2))]
    emd: npt.NDArray[np.float64] = pydiv.pairwise(clouds, metric="emd", p=2, ground_metric="euclidean")
    lazy: Any = pydiv.dask.pairwise(rows, metric="js", chunks=2)
    from_dask: npt.NDArray[np.float64] = lazy.compute()
    return [full, cross, condensed, into.astype(np.float64), emd, from_dask]


def streaming(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> list[float]:
    kl = KLDivergence().update(p, q).update(p, q)
    assert_type(kl, KLDivergence)
    other = KLDivergence(axis=-1).update(q, p)
    merged = kl.merge(other)
    assert_type(merged, KLDivergence)
    entropy = Entropy().update(p)
    assert_type(entropy, Entropy)
    ce = CrossEntropy().update(p, q)
    js = JSDivergence(p_total=1.0, q_total=1.0).update(p, q)
    assert_type(merged.result(base=2), Reduced)
    return [float(merged.result(base=2)), float(entropy.result()), float(ce.result()), float(js.result(base=2.0))]


def slicing_and_gaussians(rng: np.random.Generator) -> list[float]:
    X, Y = rng.standard_normal((50, 3)), rng.standard_normal((40, 3)) + 1.0
    sw = float(pydiv.sliced_wasserstein(X, Y, n_projections=32, seed=0))
    details = pydiv.sliced_wasserstein(X, Y, directions="qmc", return_details=True)
    assert_type(details, pydiv.SlicedResult)
    best: pydiv.MaxSlicedResult = pydiv.max_sliced_wasserstein(X, Y, seed=0)
    circle = pydiv.wasserstein_circle([0.1, 0.9], [0.5], p=2)
    acc = pydiv.stream.Moments(3)
    acc.update(X)
    fid: float = pydiv.frechet_distance(acc, Y)
    stats: pydiv.GaussianStats = acc.stats()
    w2 = pydiv.gaussian_wasserstein(stats.mean, stats.cov, np.zeros(3), np.eye(3))
    assert_type(w2, float | npt.NDArray[np.float64])
    matrix = pydiv.pairwise([X, Y], metric="sliced", seed=1)
    return [sw, float(details.wpp.mean()), best.distance, circle, fid, float(w2), float(matrix[0, 1])]


def grids_and_drift(rng: np.random.Generator) -> list[float]:
    A, B = np.zeros((4, 4)), np.zeros((4, 4))
    A[0, 0], B[3, 3] = 1.0, 1.0
    grid = pydiv.emd_grid(A, B, metric="chebyshev", spacing=0.5, return_flow=True)
    assert_type(grid.metric, GridMetric)
    assert_type(grid.flow, npt.NDArray[np.float64] | None)
    costs = pydiv.emd_grid_batch(np.stack([A, B]), B, metric="sqeuclidean", spacing=[1.0, 2.0])
    assert_type(costs, FloatArray)
    ref, cur = rng.standard_normal((200, 2)), rng.standard_normal((200, 2)) + 0.5
    hist = pydiv.histogram(ref, cur, bins=("quantile", 8), nan_policy="omit")
    assert_type(hist.counts_a, FloatArray)
    policy: NanPolicy = "raise"
    report = pydiv.drift(ref, cur, metrics=["psi", "energy"], bins="quantile", nan_policy=policy)
    assert_type(report["psi"], FloatArray)
    return [grid.cost, float(costs.sum()), float(hist.counts_b.sum()), float(report["energy"].max())]


def errors(p: npt.NDArray[np.float64]) -> list[str]:
    caught: list[str] = []
    try:
        pydiv.emd([1.0], [1.0], [[np.inf]])
    except pydiv.EmdInfeasibleError as exc:
        caught.append(str(exc))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", pydiv.EmdMaxIterWarning)
        pydiv.emd(p, p[::-1], np.ones((3, 3)) - np.eye(3), max_iter=1)
    caught.extend(str(w.message) for w in seen if issubclass(w.category, pydiv.EmdMaxIterWarning))
    return caught


def main() -> None:
    p = np.array([0.5, 0.25, 0.25])
    q = np.array([0.25, 0.25, 0.5])
    rows = np.array([[1.0, 0.0, 1.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    version: str = pydiv.__version__
    pydiv.show_config()
    rng = np.random.default_rng(0)
    values = information(p, q) + transport(p, q) + streaming(p, q) + slicing_and_gaussians(rng) + grids_and_drift(rng)
    assert all(np.isfinite(values)), values
    assert all(m.shape[0] in (2, 3) for m in matrices(rows))
    assert errors(p) and version


if __name__ == "__main__":
    main()
