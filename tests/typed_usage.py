"""Every public function called as a typed user would: checked by ``mypy --strict``.

tests/test_typing.py runs ``python -m mypy --strict`` on this file against the
installed pydiv (its ``py.typed`` marker and the ``_core.pyi`` stub), and also
runs it, so the calls stay real.  ``assert_type`` pins the return types that
are precise; the NumPy-like reductions return ``Any`` (a float or an array,
depending on the input's shape), as NumPy's and SciPy's do.
"""

from __future__ import annotations

import warnings
from typing import Any, assert_type

import numpy as np
import numpy.typing as npt

import pydiv
import pydiv.dask
from pydiv.stream import CrossEntropy, Entropy, JSDivergence, KLDivergence


def information(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> list[float]:
    h: float = pydiv.entropy(p, base=2)
    ce: float = pydiv.cross_entropy(p, q, base=2.0, axis=-1)
    kl: float = pydiv.kl_divergence(p, q)
    js: float = pydiv.js_divergence(p, q, keepdims=False)
    d: float = pydiv.jensenshannon(p, q, dtype=np.float64)
    batch: npt.NDArray[np.float64] = pydiv.kl_divergence(np.stack([p, q]), q, axis=1)
    hel: float = pydiv.hellinger(p, q)
    tv: float = pydiv.total_variation(p, q, axis=-1)
    bc: float = pydiv.bhattacharyya(p, q, kind="coefficient")
    chi: float = pydiv.chi2_divergence(p, q, pseudocount=0.5)
    jef: float = pydiv.jeffreys(p, q, base=2)
    psi: float = pydiv.population_stability_index(p, q, eps=None)
    smooth: float = pydiv.kl_divergence(p, q, pseudocount=1)
    return [h, ce, kl, js, d, float(batch.sum()), hel, tv, bc, chi, jef, psi, smooth]


def transport(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> list[float]:
    w1: float = pydiv.wasserstein_1d([0.0, 1.0, 3.0], [2.0, 5.0], p=1)
    w2: float = pydiv.wasserstein_1d([0.0, 1.0], [2.0, 5.0], [1.0, 3.0], [2.0, 2.0], p=2, sorted=True)
    e: float = pydiv.energy_distance([0.0, 1.0, 3.0], [2.0, 5.0])
    wh: float = pydiv.wasserstein_hist(p, q, x=[0.0, 1.0, 2.0], order=1)

    cost_matrix = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    result = pydiv.emd(p, q, cost_matrix, max_iter=10_000)
    assert_type(result, pydiv.EmdResult)
    plan: npt.NDArray[np.float64] = result.plan()
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
    return [w1, w2, e, wh, result.cost, cost, wnd, wmk]


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
    return [merged.result(base=2), entropy.result(), ce.result(), js.result(base=2.0)]


def slicing_and_gaussians(rng: np.random.Generator) -> list[float]:
    X, Y = rng.standard_normal((50, 3)), rng.standard_normal((40, 3)) + 1.0
    sw: float = pydiv.sliced_wasserstein(X, Y, n_projections=32, seed=0)
    details: pydiv.SlicedResult = pydiv.sliced_wasserstein(X, Y, directions="qmc", return_details=True)
    best: pydiv.MaxSlicedResult = pydiv.max_sliced_wasserstein(X, Y, seed=0)
    circle: float = pydiv.wasserstein_circle([0.1, 0.9], [0.5], p=2)
    acc = pydiv.stream.Moments(3)
    acc.update(X)
    fid: float = pydiv.frechet_distance(acc, Y)
    stats: pydiv.GaussianStats = acc.stats()
    w2 = pydiv.gaussian_wasserstein(stats.mean, stats.cov, np.zeros(3), np.eye(3))
    matrix = pydiv.pairwise([X, Y], metric="sliced", seed=1)
    return [sw, float(details.wpp.mean()), best.distance, circle, fid, float(w2), float(matrix[0, 1])]


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
    values = information(p, q) + transport(p, q) + streaming(p, q) + slicing_and_gaussians(np.random.default_rng(0))
    assert all(np.isfinite(values)), values
    assert all(m.shape[0] in (2, 3) for m in matrices(rows))
    assert errors(p) and version


if __name__ == "__main__":
    main()
