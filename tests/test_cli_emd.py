"""`pydiv emd A B`: the exact W_p of two point-cloud files, checked against POT's emd2 on the ground costs."""

import numpy as np
import pytest

from pydiv.cli import main

ot = pytest.importorskip("ot")
RNG = np.random.default_rng(11)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def ground(x, y, metric):
    diff = x[:, None, :] - y[None, :, :]
    if metric == "cityblock":
        return np.abs(diff).sum(-1)
    sq = (diff**2).sum(-1)
    return sq if metric == "sqeuclidean" else np.sqrt(sq)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cityblock"])
@pytest.mark.parametrize("p", [1.0, 2.0])
def test_emd_matches_pot(tmp_path, capsys, metric, p):
    x, y = RNG.random((7, 3)), RNG.random((5, 3))
    a, b = RNG.random(7) + 0.1, RNG.random(5) + 0.1
    np.save(tmp_path / "x.npy", x)
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    status, out, err = run(capsys, "emd", tmp_path / "x.npy", tmp_path / "y.csv", "--metric", metric, "-p", p,
                           "--weights-a", tmp_path / "a.npy", "--weights-b", tmp_path / "b.npy",
                           "--plan", tmp_path / "plan.csv")
    assert status == 0, err
    expected = ot.emd2(a / a.sum(), b / b.sum(), ground(x, y, metric) ** p) ** (1 / p)
    assert float(out) == pytest.approx(expected, rel=1e-12)
    lines = (tmp_path / "plan.csv").read_text().splitlines()
    assert lines[0] == "row,col,mass" and 1 <= len(lines) - 1 <= 7 + 5 - 1
    plan = np.zeros((7, 5))
    for line in lines[1:]:
        r, c, m = line.split(",")
        plan[int(r), int(c)] = float(m)
    np.testing.assert_allclose(plan.sum(1), a / a.sum(), rtol=1e-12)
    np.testing.assert_allclose(plan.sum(0), b / b.sum(), rtol=1e-12)
    assert (plan * ground(x, y, metric) ** p).sum() == pytest.approx(expected**p, rel=1e-12)


def test_emd_uniform_weights_segments(tmp_path, capsys):
    t = np.linspace(0, 1, 9)
    np.save(tmp_path / "p.npy", np.c_[np.zeros(9), t])
    np.save(tmp_path / "q.npy", np.c_[np.full(9, 0.7), t])
    status, out, _ = run(capsys, "emd", tmp_path / "p.npy", tmp_path / "q.npy")
    assert status == 0 and float(out) == pytest.approx(0.7, rel=1e-12)


@pytest.mark.parametrize(
    "setup, argv, message",
    [
        (lambda d: None, ["emd", "missing.npy", "y.npy"], "A: cannot read 'missing.npy'"),
        (lambda d: np.save(d / "z.npy", np.ones((3, 4))), ["emd", "x.npy", "z.npy"], "same number of columns: 2 and 4"),
        (lambda d: np.save(d / "w.npy", np.ones(2)), ["emd", "x.npy", "y.npy", "--weights-a", "w.npy"],
         "--weights-a: 'w.npy' holds 2 values"),
        (lambda d: None, ["emd", "x.npy", "y.npy", "--plan", "plan.npy"], "--plan: cannot write 'plan.npy'"),
        (lambda d: None, ["emd", "x.npy", "y.npy", "-p", "0.5"], "p must be a finite number >= 1, got 0.5"),
        (lambda d: (d / "bad.csv").write_text("1,2\n3,x\n"), ["emd", "bad.csv", "y.npy"], "'x' is not a number"),
    ],
)
def test_emd_bad_input(tmp_path, monkeypatch, capsys, setup, argv, message):
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "x.npy", RNG.random((4, 2)))
    np.save(tmp_path / "y.npy", RNG.random((3, 2)))
    setup(tmp_path)
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert message in err
