"""pydiv.drift: every value is the single call of its metric on that column's
shared-bin counts or raw samples; tables are aligned by name; bad input is
named."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import scipy.stats

import pydiv
from reference import kl_divergence as kl_ref


def _tables(seed=0, n=3000, m=800, k=5):
    rng = np.random.default_rng(seed)
    ref = rng.normal(size=(n, k)) * np.arange(1, k + 1)
    cur = rng.normal(size=(m, k)) * np.arange(1, k + 1) + np.linspace(0, 2, k)
    return ref, cur


def test_values_are_the_single_calls_on_the_shared_counts():
    ref, cur = _tables()
    r = pydiv.drift(ref, cur, metrics=["js", "psi", "kl", "hellinger", "total_variation", "jeffreys",
                                       "jensenshannon", "wasserstein", "energy"], bins=20)
    assert r.columns == ("0", "1", "2", "3", "4")
    for j in range(ref.shape[1]):
        edges = r.edges[j]
        # The shared edges cover both columns, and the counts are numpy's on them.
        assert edges[0] == min(ref[:, j].min(), cur[:, j].min()) and edges[-1] == max(ref[:, j].max(), cur[:, j].max())
        ca, _ = np.histogram(ref[:, j], bins=edges)
        cb, _ = np.histogram(cur[:, j], bins=edges)
        assert np.array_equal(r.counts_reference[j], ca) and np.array_equal(r.counts_current[j], cb)
        pa, pb = ca / ca.sum(), cb / cb.sum()
        assert r["js"][j] == pytest.approx(scipy.spatial.distance.jensenshannon(pa, pb) ** 2, rel=1e-12)
        assert r["jensenshannon"][j] == pytest.approx(scipy.spatial.distance.jensenshannon(pa, pb), rel=1e-12)
        assert r["kl"][j] == pytest.approx(kl_ref(pa, pb), rel=1e-12)
        assert r["psi"][j] == pydiv.population_stability_index(ca, cb)
        assert r["hellinger"][j] == pydiv.hellinger(ca, cb)
        assert r["total_variation"][j] == pytest.approx(0.5 * np.abs(pa - pb).sum(), rel=1e-12)
        assert r["jeffreys"][j] == pytest.approx(kl_ref(pa, pb) + kl_ref(pb, pa), rel=1e-12)
        assert r["wasserstein"][j] == pytest.approx(scipy.stats.wasserstein_distance(ref[:, j], cur[:, j]),
                                                    rel=1e-12)
        assert r["energy"][j] == pytest.approx(scipy.stats.energy_distance(ref[:, j], cur[:, j]), rel=1e-12)


def test_a_shift_is_seen_in_the_shifted_columns_only():
    ref, _ = _tables(k=3)
    cur = ref.copy()
    cur[:, 1] += 0.5
    r = pydiv.drift(ref, cur)
    assert r.metrics == ("js", "wasserstein", "psi")
    assert r["wasserstein"][0] == 0 and r["wasserstein"][2] == 0
    assert r["wasserstein"][1] == pytest.approx(0.5, rel=1e-12)
    assert r["js"][0] == 0 and r["js"][1] > 0.005 and r["psi"][1] > 0.05  # half a standard deviation of column 1
    assert r.drifted("wasserstein", 0.1) == ["1"]


def test_named_tables_are_matched_by_name_and_selected():
    ref, cur = _tables(k=3)
    a = {"x": ref[:, 0], "y": ref[:, 1], "z": ref[:, 2]}
    b = {"z": cur[:, 2], "x": cur[:, 0], "y": cur[:, 1]}
    r = pydiv.drift(a, b, metrics=["wasserstein"], columns=["z", "x"])
    assert r.columns == ("z", "x")
    assert r["wasserstein"].tolist() == pydiv.wasserstein_1d(ref[:, [2, 0]], cur[:, [2, 0]], axis=0).tolist()


def test_dataframes_and_to_pandas():
    pd = pytest.importorskip("pandas")
    ref, cur = _tables(k=2)
    r = pydiv.drift(pd.DataFrame(ref, columns=["a", "b"]), pd.DataFrame(cur, columns=["a", "b"]))
    df = r.to_pandas()
    assert list(df.index) == ["a", "b"] and list(df.columns) == ["js", "wasserstein", "psi"]
    assert df.loc["b", "wasserstein"] == r["wasserstein"][1]
    for metric in ("js", "wasserstein", "psi"):
        assert df[metric].to_numpy().tolist() == r[metric].tolist()
    unnamed = pydiv.drift(ref, cur, metrics=["psi"]).to_pandas()
    assert list(unnamed.columns) == ["psi"] and len(unnamed) == 2


def test_to_pandas_without_pandas_names_it(monkeypatch):
    ref, cur = _tables(k=2)
    r = pydiv.drift(ref, cur, metrics=["js"])
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match="pip install pandas"):
        r.to_pandas()


def test_nan_policy_omit_leaves_nans_out():
    ref, cur = _tables(k=2)
    ref[::7, 0] = np.nan
    with pytest.raises(ValueError, match="reference: column '0' contains NaN"):
        pydiv.drift(ref, cur)
    r = pydiv.drift(ref, cur, metrics=["wasserstein", "js"], nan_policy="omit")
    keep = ~np.isnan(ref[:, 0])
    assert r["wasserstein"][0] == pytest.approx(scipy.stats.wasserstein_distance(ref[keep, 0], cur[:, 0]), rel=1e-12)
    assert r.counts_reference[0].sum() == keep.sum()


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"metrics": ["jsd"]}, ValueError, "unknown metric 'jsd'"),
    ({"metrics": []}, TypeError, "non-empty"),
    ({"metrics": ["js", "js"]}, ValueError, "twice"),
    ({"columns": ["nope"]}, ValueError, "no column named 'nope'"),
    ({"columns": [5]}, ValueError, "out of range"),
    ({"nan_policy": "drop"}, ValueError, "nan_policy"),
])
def test_bad_arguments_are_named(kwargs, exc, match):
    ref, cur = _tables(k=2)
    with pytest.raises(exc, match=match):
        pydiv.drift(ref, cur, **kwargs)


def test_bad_tables_are_named():
    ref, cur = _tables(k=2)
    with pytest.raises(ValueError, match="2 columns and current 3"):
        pydiv.drift(ref, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="only in reference \\['b'\\]"):
        pydiv.drift({"a": ref[:, 0], "b": ref[:, 1]}, {"a": cur[:, 0], "c": cur[:, 1]})
    with pytest.raises(TypeError, match="column 'name' is not numeric"):
        pydiv.drift({"name": np.array(["x", "y"])}, {"name": np.array(["x", "y"])})
    with pytest.raises(ValueError, match="reference has no rows"):
        pydiv.drift(np.zeros((0, 2)), cur)
    with pytest.raises(ValueError, match="different lengths"):
        pydiv.drift({"a": [1.0, 2.0], "b": [1.0]}, {"a": [1.0], "b": [2.0]})


def test_errors_name_the_table_and_the_column():
    ref, cur = _tables(k=2)
    named = lambda t: {"age": t[:, 0], "income": t[:, 1]}  # noqa: E731
    cur[5, 1] = np.nan
    with pytest.raises(ValueError, match="current: column 'income' contains NaN"):
        pydiv.drift(named(ref), named(cur))
    cur[:, 1] = np.nan
    with pytest.raises(ValueError, match="current: column 'income' holds only NaN"):
        pydiv.drift(named(ref), named(cur), nan_policy="omit")
    with pytest.raises(ValueError, match=r"weights\[1\] \(the current table's row weights\)"):
        pydiv.drift(ref, ref, weights=(None, np.full(len(ref), np.nan)))
