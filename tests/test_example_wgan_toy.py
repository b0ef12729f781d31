"""The toy WGAN example at a small size: the seed argument, numerically.

Trained with the exact W1 loss the generator's loss falls a long way, steadily, with
a gradient of useful size at every step; trained with the JS divergence of the
minibatches' soft histograms, the loss is log 2 and the gradient ~0 at every step
where the histograms are disjoint, and the generator stays where it started.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "wgan_toy.py"
SMALL = ["--steps", "150", "--batch", "64", "--eval", "300", "--seed", "0"]


def load_example():
    spec = importlib.util.spec_from_file_location("wgan_toy", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example():
    if not EXAMPLE.is_file():
        pytest.skip("needs the source tree's examples/")
    return load_example()


@pytest.fixture(scope="module")
def runs(example):
    return example.main(SMALL)


def test_w1_loss_falls_steadily_with_a_useful_gradient(runs):
    w = runs["w1"]
    assert len(w.loss) == 150
    assert w.eval_w1[-1] < w.eval_w1[0] / 3  # held-out W1 to the target, independent of the minibatches
    fifths = np.array(w.loss).reshape(5, -1).mean(axis=1)
    assert fifths[-1] < w.loss[0] / 2  # the minibatch loss floors at ~0.5 at batch 64 (sampling noise)
    assert np.all(np.diff(fifths) < 0), fifths  # each fifth of training lower than the one before
    assert min(w.grad_norm) > 0.1  # never a flat loss


def test_js_loss_is_log2_with_no_gradient_while_apart(runs):
    js = runs["js"]
    disjoint = [i for i, o in enumerate(js.overlap) if o == 0.0]
    assert len(disjoint) == len(js.loss)  # the generator never reaches the ring
    assert max(abs(js.loss[i] - math.log(2)) for i in disjoint) < 1e-3
    assert max(js.grad_norm[i] for i in disjoint) < 1e-10
    moved = np.linalg.norm(js.end - js.start, axis=1).mean()
    assert moved < 1e-6 < np.linalg.norm(runs["w1"].end - runs["w1"].start, axis=1).mean()
    assert js.eval_w1[-1] == pytest.approx(js.eval_w1[0], rel=1e-6)


def test_js_loss_is_the_js_divergence_of_the_histograms(example):
    """The loss is what it says: pydiv's JS of the two normalised soft histograms, checked by hand."""
    gen = torch.Generator().manual_seed(3)
    fake = 0.3 * torch.randn(40, 2, generator=gen, dtype=torch.float64) + 1.5  # overlaps part of the ring
    real = example.sample_target(40, gen)
    p, q = example.soft_histogram(fake).numpy(), example.soft_histogram(real).numpy()
    assert p.sum() == pytest.approx(1.0, abs=1e-12) and q.sum() == pytest.approx(1.0, abs=1e-12)
    m = 0.5 * (p + q)
    kl = lambda a: np.sum(a[a > 0] * np.log(a[a > 0] / m[a > 0]))  # noqa: E731
    loss = example.js_loss(fake, real).item()
    assert 0.0 < loss < math.log(2) - 1e-3
    assert loss == pytest.approx(0.5 * kl(p) + 0.5 * kl(q), rel=1e-12)


def test_soft_histogram_matches_direct_kernel_sum(example):
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(30, 2, generator=gen, dtype=torch.float64)
    grid = torch.cartesian_prod(example.AXIS, example.AXIS)
    d = (x[:, None, :] - grid[None, :, :]).abs() / example.BANDWIDTH
    k = torch.exp(-(d**2).sum(-1) / 2) * (d < example.TRUNCATE).all(-1)
    direct = k.sum(0) / k.sum()
    assert torch.allclose(example.soft_histogram(x), direct, rtol=1e-12, atol=1e-300)


def test_deterministic_and_one_loss(example, capsys):
    tiny = ["--steps", "30", "--batch", "32", "--eval", "100", "--loss", "w1"]
    a, b = example.main(tiny), example.main(tiny)
    assert list(a) == ["w1"] and a["w1"].loss == b["w1"].loss and a["w1"].eval_w1 == b["w1"].eval_w1
    out = capsys.readouterr().out
    assert "w1 loss" in out and "js loss" not in out


def test_bad_arguments(example):
    with pytest.raises(SystemExit):
        example.main(["--steps", "0"])
    with pytest.raises(SystemExit):
        example.main(["--loss", "kl"])
    with pytest.raises(SystemExit):
        example.main(["--every", "-1"])


def test_plot(example, tmp_path, monkeypatch, capsys):
    tiny = ["--steps", "5", "--batch", "16", "--eval", "50"]
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # not installed: the run still completes
    example.main(tiny + ["--plot", str(tmp_path / "none.png")])
    assert "matplotlib is not installed" in capsys.readouterr().out and not (tmp_path / "none.png").exists()
    monkeypatch.undo()
    pytest.importorskip("matplotlib")
    example.main(tiny + ["--plot", str(tmp_path / "wgan.png")])
    assert (tmp_path / "wgan.png").stat().st_size > 1000



def test_sliced_loss_trains_too(example):
    # The sliced W1 (pydiv.torch.sliced_wasserstein) also moves the generator onto the ring.
    run = example.main(["--loss", "sliced", "--steps", "60", "--batch", "64", "--eval", "300"])["sliced"]
    assert run.eval_w1[-1] < 0.6 * run.eval_w1[0]
    assert min(run.grad_norm) > 0.1
