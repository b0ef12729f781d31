"""pydiv.drift and `pydiv drift` with the bin-count rules (bins="auto", ...)
and with row weights: the values are those of the metrics on pydiv.histogram's
(weighted) counts and on the weighted samples."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

import pydiv
from pydiv.cli import main


def _tables(seed=0, n=2000, m=700, k=4):
    rng = np.random.default_rng(seed)
    ref = rng.normal(size=(n, k)) * np.arange(1, k + 1)
    cur = rng.standard_t(5, size=(m, k)) * np.arange(1, k + 1) + np.linspace(0, 1, k)
    return ref, cur


@pytest.mark.parametrize("rule", ["auto", "fd", "sturges", "sqrt"])
def test_drift_takes_the_rules(rule):
    ref, cur = _tables()
    r = pydiv.drift(ref, cur, metrics=["js", "psi"], bins=rule)
    h = pydiv.histogram(ref, cur, bins=rule)
    np.testing.assert_array_equal(r.edges, h.edges)
    np.testing.assert_array_equal(r.counts_reference, h.counts_a)
    for j in range(ref.shape[1]):
        own = np.histogram_bin_edges(np.concatenate([ref[:, j], cur[:, j]]), rule)
        if rule != "auto" or np.lib.NumpyVersion(np.__version__) >= "2.3.0":
            np.testing.assert_allclose(r.edges[j, : own.size], own, rtol=1e-12)
        k = own.size - 1
        assert r["psi"][j] == pytest.approx(pydiv.population_stability_index(h.counts_a[j, :k], h.counts_b[j, :k]),
                                            rel=1e-12)
        assert r["js"][j] == pytest.approx(pydiv.js_divergence(h.counts_a[j, :k], h.counts_b[j, :k]), rel=1e-12)


def test_drift_row_weights():
    ref, cur = _tables(1)
    rng = np.random.default_rng(1)
    w_ref, w_cur = rng.uniform(0.1, 2, ref.shape[0]), rng.uniform(0.1, 2, cur.shape[0])
    r = pydiv.drift(ref, cur, metrics=["js", "wasserstein", "energy"], bins=15, weights=(w_ref, w_cur))
    for j in range(ref.shape[1]):
        ca = np.histogram(ref[:, j], r.edges[j], weights=w_ref)[0]
        cb = np.histogram(cur[:, j], r.edges[j], weights=w_cur)[0]
        np.testing.assert_allclose(r.counts_reference[j], ca, rtol=1e-12)
        np.testing.assert_allclose(r.counts_current[j], cb, rtol=1e-12)
        assert r["js"][j] == pytest.approx(pydiv.js_divergence(ca, cb), rel=1e-10)
        assert r["wasserstein"][j] == pytest.approx(
            scipy.stats.wasserstein_distance(ref[:, j], cur[:, j], w_ref, w_cur), rel=1e-10)
        assert r["energy"][j] == pytest.approx(
            scipy.stats.energy_distance(ref[:, j], cur[:, j], w_ref, w_cur), rel=1e-10)
    # One side weighted, NaNs omitted: the weights of the NaN rows leave with them.
    ref[5, 2] = np.nan
    r = pydiv.drift(ref, cur, metrics=["wasserstein"], weights=(w_ref, None), nan_policy="omit")
    keep = ~np.isnan(ref[:, 2])
    assert r["wasserstein"][2] == pytest.approx(
        scipy.stats.wasserstein_distance(ref[keep, 2], cur[:, 2], w_ref[keep]), rel=1e-10)


@pytest.mark.parametrize("weights, exc, pattern", [
    ((np.ones(3), None), ValueError, r"weights\[0\].*one weight per row"),
    ((None, np.ones((5, 2))), ValueError, r"weights\[1\]"),
    ((None, -np.ones(5)), ValueError, r"weights\[1\].*non-negative"),
    (np.ones(4), TypeError, "weights"),
])
def test_drift_bad_weights(weights, exc, pattern):
    with pytest.raises(exc, match=pattern):
        pydiv.drift(np.zeros((4, 2)), np.ones((5, 2)), weights=weights)


def test_cli_bins_auto(capsys, tmp_path):
    ref, cur = _tables(2, n=400, m=300, k=3)
    np.savetxt(tmp_path / "ref.csv", ref, delimiter=",", header="a,b,c", comments="")
    np.savetxt(tmp_path / "cur.csv", cur, delimiter=",", header="a,b,c", comments="")
    status = main(["drift", str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"), "--metrics", "js,psi",
                   "--bins", "auto"])
    out = capsys.readouterr().out.strip().splitlines()
    assert status == 0 and out[0] == "column,js,psi"
    ref_csv = np.loadtxt(tmp_path / "ref.csv", delimiter=",", skiprows=1)
    cur_csv = np.loadtxt(tmp_path / "cur.csv", delimiter=",", skiprows=1)
    want = pydiv.drift(ref_csv, cur_csv, metrics=["js", "psi"], bins="auto")
    for i, line in enumerate(out[1:]):
        assert [float(v) for v in line.split(",")[1:]] == [want["js"][i], want["psi"][i]]
    status = main(["drift", str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"), "--bins", "stone"])
    assert status == 2 and "--bins" in capsys.readouterr().err
