"""pydiv.dask: the blocked matrix on Dask schedulers equals the in-memory one."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pydiv

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import dask  # noqa: E402
import dask.distributed  # noqa: E402

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
    with pytest.raises(ValueError, match="chunks must be a positive number of rows"):
        pydiv.dask.pairwise(X, metric="js", chunks=0)
    with pytest.raises(ValueError, match="unknown metric"):
        pydiv.dask.pairwise(X, metric="cosine", chunks=5)
    with pytest.raises(ValueError, match="same number of columns"):
        pydiv.dask.pairwise(X, rng.random((3, 5)), metric="js", chunks=5)


# ---- the self matrix: only blocks on and above the diagonal are computed ----------------


def _counting_blocks(monkeypatch):
    """Record (rows of X, rows of Y or None) for every in-memory call a block makes."""
    calls = []
    real = pydiv.dask._in_memory

    def counted(x, y=None, **kwargs):
        if len(x):  # not the empty stand-in that checks the options at call time
            calls.append((len(x), None if y is None else len(y)))
        return real(x, y, **kwargs)

    monkeypatch.setattr(pydiv.dask, "_in_memory", counted)
    return calls


def test_self_matrix_computes_upper_blocks_only(monkeypatch):
    # 37 rows in 4 row blocks: 4 diagonal blocks (Y=None) and 6 above it, not 16.
    calls = _counting_blocks(monkeypatch)
    got = pydiv.dask.pairwise(X, metric="js", chunks=10).compute(scheduler="sync")
    assert len(calls) == 10
    assert sorted(c for c in calls if c[1] is None) == [(7, None), (10, None), (10, None), (10, None)]
    np.testing.assert_array_equal(got, got.T)  # the lower blocks are the upper ones, transposed
    np.testing.assert_allclose(got, pydiv.pairwise(X, metric="js"), rtol=1e-12, atol=1e-15)


def test_self_matrix_of_an_asymmetric_metric_computes_every_block(monkeypatch):
    # KL is not symmetric: all 16 blocks, the diagonal ones on the symmetric path (KL(p||p) = 0 exactly).
    calls = _counting_blocks(monkeypatch)
    got = pydiv.dask.pairwise(X, metric="kl", chunks=10).compute(scheduler="sync")
    assert len(calls) == 16 and sum(c[1] is None for c in calls) == 4
    assert (np.diag(got) == 0).all()
    np.testing.assert_allclose(got, pydiv.pairwise(X, metric="kl"), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("metric", ["js", "jensenshannon", "wasserstein"])
def test_identical_rows_give_exact_zero_within_and_across_blocks(metric):
    # Rows 1 and 2 share a block, rows 1 and 8 do not (one is a power-of-two multiple of the other).
    Z = rng.random((11, 6))
    Z[2] = Z[1]
    Z[8] = 4 * Z[1]
    got = pydiv.dask.pairwise(Z, metric=metric, chunks=4).compute(scheduler="sync")
    assert got[1, 2] == got[2, 1] == got[1, 8] == got[8, 1] == got[2, 8] == 0.0
    assert (np.diag(got) == 0).all()


@pytest.mark.parametrize("metric", ["js", "jensenshannon", "wasserstein"])
@pytest.mark.parametrize("chunks", [1, 5, 10, 37, 50])
def test_condensed_equals_in_memory_condensed(metric, chunks):
    # condensed=True is scipy's pdist order, as in the in-memory function.
    D = pydiv.dask.pairwise(X, metric=metric, chunks=chunks, condensed=True)
    assert D.shape == (37 * 36 // 2,)
    got = D.compute(scheduler="sync")
    np.testing.assert_allclose(got, pydiv.pairwise(X, metric=metric, condensed=True), rtol=1e-12, atol=1e-15)


def test_condensed_of_one_row_is_empty():
    # One row has no pairs: an empty vector, as pdist gives.
    got = pydiv.dask.pairwise(X[:1], metric="js", chunks=4, condensed=True).compute(scheduler="sync")
    assert got.shape == (0,)


# ---- sequences of clouds and samples ---------------------------------------------------

clouds = [rng.random((int(s), 2)) for s in rng.integers(1, 7, size=9)]
cloud_weights = [rng.random(len(c)) + 0.1 for c in clouds]
samples = [rng.random(int(s)) for s in rng.integers(1, 9, size=8)]


@pytest.mark.parametrize("condensed", [False, True])
def test_ragged_emd_clouds_equal_in_memory(condensed):
    # Clouds of different sizes are split into blocks of clouds, with their weights.
    got = pydiv.dask.pairwise(clouds, metric="emd", chunks=4, x_weights=cloud_weights, p=2,
                              condensed=condensed).compute(scheduler="threads")
    want = pydiv.pairwise(clouds, metric="emd", x_weights=cloud_weights, p=2, condensed=condensed)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_ragged_samples_against_other_samples_equal_in_memory():
    # X and Y sequences of different lengths and sample sizes.
    got = pydiv.dask.pairwise(samples, samples[:5], metric="wasserstein_samples", chunks=3).compute(scheduler="sync")
    np.testing.assert_allclose(got, pydiv.pairwise(samples, samples[:5], metric="wasserstein_samples"),
                               rtol=1e-12, atol=1e-15)


def test_equal_size_samples_as_a_2d_array():
    S = rng.random((9, 5))
    got = pydiv.dask.pairwise(S, metric="wasserstein_samples", chunks=4).compute(scheduler="sync")
    np.testing.assert_allclose(got, pydiv.pairwise(S, metric="wasserstein_samples"), rtol=1e-12, atol=1e-15)


# ---- validation at call time, with the in-memory messages ------------------------------


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((X,), dict(metric="js", p=2)),
        ((X,), dict(metric="js", base=-1.0)),
        ((X,), dict(metric="jensenshannon", base=0.5)),
        ((X,), dict(metric="wasserstein", x=np.arange(3.0))),
        ((X,), dict(metric="wasserstein", p=0.5)),
        ((X,), dict(metric="js", n_jobs=0)),
        ((X,), dict(metric="js", dtype=np.int32)),
        ((X,), dict(metric="kl", condensed=True)),
        ((X, Y), dict(metric="js", condensed=True)),
        ((clouds,), dict(metric="emd", ground_metric="cosine")),
        ((clouds,), dict(metric="emd", y_weights=cloud_weights)),
        ((samples,), dict(metric="wasserstein_samples", x_weights=cloud_weights)),
    ],
)
def test_bad_options_raise_at_call_time_with_the_in_memory_message(args, kwargs):
    # The lazy call raises what the in-memory function raises, before anything is computed.
    with pytest.raises((ValueError, TypeError)) as want:
        pydiv.pairwise(*args, **kwargs)
    with pytest.raises(want.type, match=re.escape(str(want.value))):
        pydiv.dask.pairwise(*args, chunks=4, **kwargs)


@pytest.mark.parametrize("metric", ["kl", "wasserstein_samples", "emd"])
def test_scalar_input_raises_as_in_memory(metric):
    # A 0-d array is not a set of distributions: the in-memory error, not an IndexError.
    with pytest.raises((ValueError, TypeError)) as want:
        pydiv.pairwise(np.array(0.0), np.array(0.0), metric=metric)
    with pytest.raises(want.type, match=re.escape(str(want.value))):
        pydiv.dask.pairwise(np.array(0.0), np.array(0.0), metric=metric)


def test_bad_numpy_rows_raise_at_call_time_naming_the_global_row():
    # Row 13 lies in the second block of 10 rows: the message names row 13, as in memory.
    Z = X.copy()
    Z[13, 2] = np.nan
    with pytest.raises(ValueError, match="X row 13 contains NaN"):
        pydiv.dask.pairwise(Z, metric="js", chunks=10)
    bad_clouds = clouds[:5] + [np.array([[0.0, np.inf]])]
    with pytest.raises(ValueError, match=re.escape("X[5]")):
        pydiv.dask.pairwise(bad_clouds, metric="emd", chunks=2)


# ---- no warnings; one progress bar ----------------------------------------------------


def test_readme_block_size_on_many_rows_does_not_warn():
    # 20000 rows in blocks of 2000 (the README's example) and the default block size: no PerformanceWarning.
    big = np.ones((20000, 3))
    D = pydiv.dask.pairwise(big, metric="jensenshannon", chunks=2000)
    assert D.numblocks == (10, 10)
    D = pydiv.dask.pairwise(big, metric="jensenshannon")
    assert D.shape == (20000, 20000)


def test_default_block_size_for_numpy_input():
    # Without chunks=, NumPy input gets a block size; the result is the in-memory one.
    got = pydiv.dask.pairwise(X, Y, metric="js").compute(scheduler="threads")
    np.testing.assert_allclose(got, pydiv.pairwise(X, Y, metric="js"), rtol=1e-12, atol=1e-15)


def test_numpy_input_does_not_send_a_large_graph():
    # Under a client, NumPy rows are scattered, so the graph holds references, not data
    # (the threshold is lowered so that a small test would trigger the warning).
    Z = rng.random((3000, 8))  # 192 kB of rows
    with dask.config.set({"distributed.admin.large-graph-warning-threshold": "64kB"}):
        with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
            got = pydiv.dask.pairwise(Z[:300], Z, metric="js", chunks=1000).compute()
            got_self = pydiv.dask.pairwise(Z[:900], metric="js", chunks=300, condensed=True).compute()
            got_clouds = pydiv.dask.pairwise(clouds, metric="emd", chunks=3).compute()
    np.testing.assert_allclose(got, pydiv.pairwise(Z[:300], Z, metric="js"), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_self, pydiv.pairwise(Z[:900], metric="js", condensed=True), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_clouds, pydiv.pairwise(clouds, metric="emd"), rtol=1e-12, atol=1e-15)


def test_progress_shows_one_bar_for_the_whole_matrix_on_local_schedulers(capsys):
    # dask's ProgressBar, once, and no per-block bars of the in-memory function.
    with dask.config.set(scheduler="threads"):
        D = pydiv.dask.pairwise(X, metric="js", chunks=10, progress=True)
    out, err = capsys.readouterr()
    assert out.count("100% Completed") == 1
    assert "pairwise js" not in out + err
    np.testing.assert_allclose(D.compute(), pydiv.pairwise(X, metric="js"), rtol=1e-12, atol=1e-15)


def test_progress_shows_one_bar_for_the_whole_matrix_under_a_client(capsys):
    # distributed.progress, once.
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
        D = pydiv.dask.pairwise(X, Y, metric="js", chunks=10, progress=True)
        got = D.compute()
    out, err = capsys.readouterr()
    assert out.count("100% Completed") == 1
    assert "pairwise js" not in out + err
    np.testing.assert_allclose(got, pydiv.pairwise(X, Y, metric="js"), rtol=1e-12, atol=1e-15)


# ---- the lazy submodule and a missing dask --------------------------------------------


def _python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_pydiv_dask_is_a_lazy_attribute_of_pydiv():
    # `import pydiv` does not import dask; `pydiv.dask.pairwise` then works, as the README shows.
    proc = _python(
        "import sys, pydiv\n"
        "assert 'dask' not in sys.modules, 'import pydiv imported dask'\n"
        "import numpy as np\n"
        "D = pydiv.dask.pairwise(np.eye(3) + 1, metric='js', chunks=2)\n"
        "print(D.compute(scheduler='sync').shape)\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "(3, 3)"


BLOCK_DASK = (
    "import sys, importlib.abc\n"
    "class NoDask(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path, target=None):\n"
    "        if name == 'dask' or name.startswith('dask.') or name == 'distributed':\n"
    "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
    "sys.meta_path.insert(0, NoDask())\n"
    "import pydiv\n"
)


@pytest.mark.parametrize("use", ["import pydiv.dask", "pydiv.dask.pairwise"])
def test_missing_dask_names_the_extra(use):
    # Without dask, the import (or first use) says how to install it.
    proc = _python(BLOCK_DASK + use + "\n")
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), proc.stderr
    assert 'pip install "pydiv[dask]"' in last


# ---- the README's Dask snippet runs as written (at a small size, on a local cluster) --


def test_readme_dask_snippet_runs(monkeypatch):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("On a Dask cluster", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "pydiv.dask.pairwise" in snippet
    small = re.sub(r"random\(\(\d+,", "random((60,", snippet)
    assert small != snippet, "the snippet's size is what this test shrinks"
    clients = []

    def local_client(*args, **kwargs):
        clients.append(distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None))
        return clients[-1]

    monkeypatch.setattr(dask.distributed, "Client", local_client)
    namespace = {}
    try:
        exec(compile(small, "README.md", "exec"), namespace)
    finally:
        for c in clients:
            c.close()
    assert len(clients) == 1
