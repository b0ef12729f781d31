"""The registry of pairwise metrics: every registered metric keeps what it declares.

Each metric's declarations (symmetric, exact zeros on identical rows, the
options it reads) are checked against what it computes, and the Dask matrix
against the in-memory one, so a metric added to the registry is tested here
without a new test.
"""

import numpy as np
import pytest

import pydiv
from pydiv.pairwise import METRICS
from pydiv.pairwise.metric import HistogramMetric, metric_named

RNG = np.random.default_rng(15)


def inputs(name):
    """Seven rows of the metric's input form, the last equal to the first."""
    metric = metric_named(name)
    if isinstance(metric, HistogramMetric):
        X = RNG.random((7, 6))
    elif metric.array_rows:
        X = RNG.normal(size=(7, 9))
    else:
        X = [RNG.random((int(RNG.integers(2, 6)), 2)) for _ in range(7)]
    X[-1] = X[0].copy()
    return X


def fixed(name):
    """The options that make a metric's result one function of its input (a seed)."""
    return {"seed": 7} if "seed" in metric_named(name).options else {}


def test_registry_lists_every_metric_once_in_order():
    assert METRICS == ("kl", "cross_entropy", "js", "jensenshannon", "hellinger", "total_variation", "chi2", "jeffreys",
                       "psi", "wasserstein", "wasserstein_samples", "emd", "sliced", "gaussian", "emd_grid")
    assert [metric_named(name).name for name in METRICS] == list(METRICS)
    with pytest.raises(ValueError, match="unknown metric 'cosine'; choose one of kl, cross_entropy"):
        metric_named("cosine")
    with pytest.raises(ValueError, match=r"unknown metric \[1\]"):
        metric_named([1])


@pytest.mark.parametrize("name", METRICS)
def test_declarations_hold(name):
    metric = metric_named(name)
    X = inputs(name)
    D = pydiv.pairwise(X, metric=name, **fixed(name))
    assert D.shape == (7, 7)
    if metric.symmetric:
        np.testing.assert_array_equal(D, D.T)
        np.testing.assert_array_equal(pydiv.pairwise(X, metric=name, condensed=True, **fixed(name)),
                                      D[np.triu_indices(7, 1)])
    else:
        with pytest.raises(ValueError, match="condensed output needs Y=None and a symmetric metric"):
            pydiv.pairwise(X, metric=name, condensed=True)
    full = pydiv.pairwise(X, X, metric=name, **fixed(name))
    if metric.zero_on_identical:
        assert (np.diag(D) == 0).all() and (np.diag(full) == 0).all() and D[0, 6] == 0 and full[6, 0] == 0
    else:
        assert (np.diag(full) > 0).all()
    np.testing.assert_allclose(full, D, rtol=1e-12, atol=1e-15)
    for option in {"base", "x", "p", "ground_metric", "w", "n_projections", "seed", "squared", "spacing"} - set(metric.options):
        with pytest.raises(ValueError, match=f"{option} is not used by metric '{name}'"):
            pydiv.pairwise(X, metric=name, **{option: 2})


@pytest.mark.parametrize("name", METRICS)
def test_dask_matches_in_memory(name):
    pytest.importorskip("dask.array")
    import pydiv.dask

    X = inputs(name)
    got = pydiv.dask.pairwise(X, metric=name, chunks=3, **fixed(name)).compute()
    np.testing.assert_allclose(got, pydiv.pairwise(X, metric=name, **fixed(name)), rtol=1e-12, atol=1e-15)
