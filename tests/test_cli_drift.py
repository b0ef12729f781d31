"""`pydiv drift REFERENCE CURRENT`: the report is pydiv.drift's, labelled by the
CSV header, written as CSV or JSON, and the exit status says whether a column
is above --threshold."""

from __future__ import annotations

import json

import numpy as np
import pytest

import pydiv
from pydiv.cli import main

RNG = np.random.default_rng(3)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _csv(path, table, names):
    np.savetxt(path, table, delimiter=",", header=",".join(names), comments="")
    return path


@pytest.fixture
def tables(tmp_path):
    ref = RNG.normal(size=(500, 3))
    cur = RNG.normal(size=(300, 3)) + [0.0, 0.0, 1.5]
    names = ["age", "income", "score"]
    return ref, cur, _csv(tmp_path / "ref.csv", ref, names), _csv(tmp_path / "cur.csv", cur, names)


def test_report_is_pydiv_drift_labelled(capsys, tables):
    ref, cur, a, b = tables
    status, out, err = run(capsys, "drift", a, b)
    assert status == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "column,js,wasserstein,psi"
    want = pydiv.drift(ref, cur)
    for i, name in enumerate(["age", "income", "score"]):
        fields = lines[i + 1].split(",")
        assert fields[0] == name
        assert [float(v) for v in fields[1:]] == [want[m][i] for m in ("js", "wasserstein", "psi")]


def test_threshold_sets_the_exit_status_and_names_the_columns(capsys, tables):
    *_, a, b = tables
    status, _, err = run(capsys, "drift", a, b, "--metrics", "wasserstein", "--threshold", "0.5")
    assert status == 1 and "score" in err and "age" not in err
    status, _, _ = run(capsys, "drift", a, b, "--metrics", "wasserstein", "--threshold", "5")
    assert status == 0


def test_json_out_columns_and_bins(capsys, tmp_path, tables):
    ref, cur, a, b = tables
    out = tmp_path / "report.json"
    status, _, err = run(capsys, "drift", a, b, "--metrics", "psi,hellinger", "--bins", "10",
                         "--columns", "score,age", "--out", out)
    assert status == 0, err
    rows = json.loads(out.read_text())
    want = pydiv.drift(ref, cur, metrics=["psi", "hellinger"], bins=10, columns=[2, 0])
    assert [r["column"] for r in rows] == ["score", "age"]
    assert [r["psi"] for r in rows] == want["psi"].tolist()


def test_npy_tables_are_numbered(capsys, tmp_path):
    ref, cur = RNG.random((50, 2)), RNG.random((40, 2))
    np.save(tmp_path / "r.npy", ref)
    np.save(tmp_path / "c.npy", cur)
    status, out, err = run(capsys, "drift", tmp_path / "r.npy", tmp_path / "c.npy", "--metrics", "js")
    assert status == 0, err
    assert out.splitlines()[1].startswith("0,") and out.splitlines()[2].startswith("1,")


def test_plot(capsys, tmp_path, tables):
    image = pytest.importorskip("matplotlib.image")
    *_, a, b = tables
    png = tmp_path / "drift.png"
    status, _, err = run(capsys, "drift", a, b, "--threshold", "0.1", "--plot", png)
    assert status == 1, err
    pixels = image.imread(png)
    assert pixels.shape[0] > 100 and pixels.std() > 0


@pytest.mark.parametrize("argv,match", [
    (["--metrics", "jsd"], "unknown metric 'jsd'"),
    (["--bins", "many"], "--bins"),
    (["--bins", "0"], "bins"),
    (["--columns", "height"], "no column named 'height'"),
    (["--threshold-metric", "kl"], "--threshold-metric"),
    (["--out", "report.txt"], "--out"),
])
def test_bad_arguments(capsys, tables, argv, match):
    *_, a, b = tables
    status, _, err = run(capsys, "drift", a, b, *argv)
    assert status == 2 and match in err


def test_mismatched_columns(capsys, tmp_path, tables):
    ref, _, a, _ = tables
    other = _csv(tmp_path / "other.csv", ref, ["age", "income", "height"])
    status, _, err = run(capsys, "drift", a, other)
    assert status == 2 and "only in reference ['score']" in err
