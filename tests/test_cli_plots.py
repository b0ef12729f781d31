"""`--plot FILE.png` of `pydiv demo`, `compare` and `pairwise`: rendered to a file (Agg, no display) and read back."""

import builtins
import math

import numpy as np
import pytest

from pydiv.cli import main
from pydiv.cli.ordering import cluster_order
from pydiv.cli.plots import plot_bars

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.image import imread  # noqa: E402

RNG = np.random.default_rng(3)


def assert_picture(path, min_side=100):
    """The file is an image of a sensible size that is not a single colour."""
    image = imread(str(path))
    assert image.ndim == 3 and min(image.shape[:2]) >= min_side, image.shape
    assert float(image[..., :3].var()) > 0.0


def test_demo_plot(tmp_path, capsys):
    out = tmp_path / "seed.png"
    assert main(["demo", "--plot", str(out)]) == 0
    assert "0.693147" in capsys.readouterr().out  # the table still prints
    assert_picture(out)


# The values drawn are the ones the demo computes: KL inf off theta = 0, JS = log 2, W1 = |theta|.
def test_demo_plot_draws_computed_values(tmp_path, monkeypatch):
    import importlib

    from pydiv.cli import plots

    demo_module = importlib.import_module("pydiv.cli.demo")

    seen = {}
    monkeypatch.setattr(plots, "plot_seed", lambda path, thetas, values: seen.update(thetas=thetas, values=values))
    demo_module.demo_plot(str(tmp_path / "x.png"), thetas=(0.0, 0.5, -1.0), n_y=50)
    v = seen["values"]
    assert v["KL(P||Q)"][0] == 0.0 and all(math.isinf(x) for x in v["KL(P||Q)"][1:])
    assert v["JS(P,Q)"][1:] == pytest.approx([math.log(2)] * 2, rel=1e-14)
    assert v["W1(P,Q)"] == pytest.approx([0.0, 0.5, 1.0], rel=1e-12, abs=1e-15)


def test_compare_plot(tmp_path, capsys):
    P, Q = RNG.random((4, 5)), RNG.random((4, 5))
    np.save(tmp_path / "p.npy", P)
    np.save(tmp_path / "q.npy", Q)
    out = tmp_path / "bars.png"
    assert main(["compare", str(tmp_path / "p.npy"), str(tmp_path / "q.npy"), "-m", "js", "--plot", str(out)]) == 0
    assert len(capsys.readouterr().out.split()) == 4
    assert_picture(out)


@pytest.mark.parametrize("order", ["rows", "cluster"])
def test_pairwise_heatmap(tmp_path, capsys, order):
    np.save(tmp_path / "x.npy", RNG.random((7, 4)))
    out = tmp_path / "heat.png"
    assert main(["pairwise", str(tmp_path / "x.npy"), "-m", "js", "--plot", str(out), "--order", order]) == 0
    capsys.readouterr()
    assert_picture(out)


def test_pairwise_heatmap_with_npy_out(tmp_path):
    np.save(tmp_path / "x.npy", RNG.random((5, 3)))
    out = tmp_path / "heat.png"
    assert main(["pairwise", str(tmp_path / "x.npy"), "-m", "kl", "-o", str(tmp_path / "m.npy"), "--plot", str(out)]) == 0
    assert_picture(out)


# The drift report's picture: bars per column, a threshold line, an infinite value marked.
def test_plot_bars_threshold_and_inf(tmp_path):
    out = tmp_path / "drift.png"
    plot_bars(str(out), ["age", "income", "score"], [0.1, math.inf, 0.4], threshold=0.2, title="drift")
    assert_picture(out)
    with pytest.raises(ValueError, match="2 labels for 3 values"):
        plot_bars(str(out), ["a", "b"], [1.0, 2.0, 3.0])


def test_cluster_order_groups_blocks():
    # Two well-separated groups of points, shuffled: each group ends up contiguous.
    pts = np.r_[RNG.normal(0, 0.1, (4, 2)), RNG.normal(10, 0.1, (3, 2))]
    perm = RNG.permutation(7)
    pts = pts[perm]
    d = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    order = cluster_order(d)
    assert sorted(order.tolist()) == list(range(7))
    group = (perm[order] >= 4).astype(int)
    assert np.count_nonzero(np.diff(group)) == 1


def test_cluster_order_matches_scipy_average_linkage():
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    from scipy.spatial.distance import squareform

    pts = RNG.random((12, 3))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    link = hierarchy.linkage(squareform(d, checks=False), method="average")
    # The same merges: the clusters cut at any level agree (leaf order itself may differ by swaps).
    ours = cluster_order(d)
    assert sorted(ours.tolist()) == list(range(12))
    for k in (2, 3, 4):
        labels = hierarchy.fcluster(link, k, criterion="maxclust")[ours]
        assert np.count_nonzero(np.diff(labels)) == k - 1  # each cluster contiguous in our order


@pytest.mark.parametrize(
    "argv, message",
    [
        (["demo", "--plot", "seed.txt"], "--plot: cannot write 'seed.txt': unknown extension '.txt'"),
        (["pairwise", "X.npy", "-m", "js", "--order", "cluster"], "--order cluster applies to --plot only"),
        (["pairwise", "X.npy", "-m", "js", "--condensed", "--plot", "a.png"], "drop --condensed"),
        (["pairwise", "X.npy", "X.npy", "-m", "js", "--plot", "a.png", "--order", "cluster"], "give no Y"),
    ],
)
def test_plot_bad_options(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "X.npy", RNG.random((3, 2)))
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_plot_to_missing_directory(tmp_path, capsys):
    assert main(["demo", "--plot", str(tmp_path / "nowhere" / "a.png")]) == 2
    assert "--plot: cannot write" in capsys.readouterr().err


# Without matplotlib, --plot says which extra to install, before any output.
def test_plot_without_matplotlib(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert main(["demo", "--plot", "a.png"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert 'pip install "pydiv[plot]"' in captured.err and "matplotlib" in captured.err


# `pydiv info --json`: one JSON object with the facts `pydiv info` prints, and the extras found.
def test_info_json(capsys):
    import json

    import pydiv

    assert main(["info", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["pydiv"] == pydiv.__version__ and isinstance(facts["threads"], int) and facts["threads"] >= 1
    assert facts["simd"] and facts["extras"]["plot"] is True  # matplotlib is importable here (the module skips otherwise)
    assert set(facts["extras"]) == {"plot", "torch", "jax", "dask", "parquet"}
