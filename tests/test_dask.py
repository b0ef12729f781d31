"""pydiv.dask: the blocked matrix on Dask schedulers equals the in-memory one."""

import numpy as np
import pytest

import pydiv

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import pydiv.dask  # noqa: E402

rng = np.random.default_rng(3)
X = rng.random((37, 12))
Y = rng.random((23, 12))


@pytest.mark.parametrize("metric", ["kl", "js", "jensenshannon", "wasserstein", "cross_entropy"])
def test_threads_scheduler_equals_in_memory(metric):
    got = pydiv.dask.pairwise(X, Y, metric=metric, chunks=10).compute(scheduler="threads")
    np.testing.assert_allclose(got, pydiv.pairwise(X, Y, metric=metric), rtol=1e-12, atol=1e-15)


def test_dask_input_and_self():
    dX = da.from_array(X, chunks=(8, 6))  # column chunks are merged: a block needs whole rows
    got = pydiv.dask.pairwise(dX, metric="js").compute(scheduler="sync")
    np.testing.assert_allclose(got, pydiv.pairwise(X, metric="js"), rtol=1e-12, atol=1e-15)


# A real cluster of two worker processes.
def test_local_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            D = pydiv.dask.pairwise(X, Y, metric="jensenshannon", chunks=9, base=2)
            got = client.compute(D).result()
    np.testing.assert_allclose(got, pydiv.pairwise(X, Y, metric="jensenshannon", base=2), rtol=1e-12, atol=1e-15)


def test_bad_input():
    with pytest.raises(ValueError, match="pass chunks="):
        pydiv.dask.pairwise(X, metric="js")
    with pytest.raises(ValueError, match="chunks must be a positive number of rows"):
        pydiv.dask.pairwise(X, metric="js", chunks=0)
    with pytest.raises(ValueError, match="unknown metric"):
        pydiv.dask.pairwise(X, metric="cosine", chunks=5)
    with pytest.raises(ValueError, match="same number of columns"):
        pydiv.dask.pairwise(X, rng.random((3, 5)), metric="js", chunks=5)
