"""Options of the `pydiv` sub-commands: the progress default, and the plain bar's ETA."""

import importlib

import numpy as np
import pytest

from pydiv.cli import main
from pydiv.pairwise import pairwise

commands = importlib.import_module("pydiv.cli.commands")
RNG = np.random.default_rng(5)


def spy_progress(monkeypatch):
    seen = []

    def spy(*args, **kwargs):
        seen.append(kwargs["progress"])
        return pairwise(*args, **kwargs)

    monkeypatch.setattr(commands, "pairwise", spy)
    return seen


# On by default for a terminal, off for a pipe or a file; --progress / --no-progress decide otherwise.
@pytest.mark.parametrize(
    "tty, flags, expected",
    [(True, [], True), (False, [], False), (True, ["--no-progress"], False), (False, ["--progress"], True)],
)
def test_progress_default_follows_the_terminal(tmp_path, monkeypatch, capsys, tty, flags, expected):
    np.save(tmp_path / "x.npy", RNG.random((4, 3)))
    seen = spy_progress(monkeypatch)
    monkeypatch.setattr(commands, "_stderr_is_terminal", lambda: tty)
    assert main(["pairwise", str(tmp_path / "x.npy"), "-m", "js", *flags]) == 0
    assert seen == [expected]
    out = capsys.readouterr().out
    np.testing.assert_allclose([[float(v) for v in line.split(",")] for line in out.split()],
                               pairwise(np.load(tmp_path / "x.npy"), metric="js"), rtol=1e-15)


def test_plain_bar_shows_eta(capsys):
    progress = importlib.import_module("pydiv.pairwise.progress")
    bar = progress._PlainBar(4, "rows")
    bar.update(2)
    bar.update(2)
    bar.close()
    err = capsys.readouterr().err
    assert "ETA" in err and "100.0%" in err


def write_rows(path, rows, delimiter=","):
    path.write_text("\n".join(delimiter.join(repr(float(v)) for v in row) for row in rows) + "\n")
    return path


@pytest.mark.parametrize("delimiter, given", [(";", ";"), ("\t", "tab"), ("|", "|")])
def test_csv_delimiter(tmp_path, capsys, delimiter, given):
    P, Q = RNG.random((3, 4)), RNG.random((3, 4))
    write_rows(tmp_path / "p.csv", P, delimiter)
    write_rows(tmp_path / "q.csv", Q, delimiter)
    assert main(["compare", str(tmp_path / "p.csv"), str(tmp_path / "q.csv"), "-m", "js", "--delimiter", given]) == 0
    import pydiv

    np.testing.assert_allclose([float(v) for v in capsys.readouterr().out.split()], pydiv.js_divergence(P, Q),
                               rtol=1e-15)


@pytest.mark.parametrize("bad", ["ab", "1", ".", "-", "e", "#"])
def test_bad_delimiter(tmp_path, capsys, bad):
    write_rows(tmp_path / "p.csv", RNG.random((2, 2)))
    assert main(["compare", str(tmp_path / "p.csv"), "-m", "entropy", "--delimiter", bad]) == 2
    assert f"--delimiter: {bad!r} is not usable" in capsys.readouterr().err


# A delimiter that is not the file's: the line and the field that did not read are named.
def test_wrong_delimiter_names_the_field(tmp_path, capsys):
    # (its first line, not a number under ";", reads as a header)
    write_rows(tmp_path / "p.csv", [[0.5, 0.5], [0.25, 0.75]], ",")
    assert main(["compare", str(tmp_path / "p.csv"), "-m", "entropy", "--delimiter", ";"]) == 2
    assert "line 2: '0.25,0.75' is not a number" in capsys.readouterr().err


def test_nan_policy_omit_pairwise(tmp_path, capsys):
    X = RNG.random((5, 3))
    X[1, 2] = np.nan
    write_rows(tmp_path / "x.csv", X)
    assert main(["pairwise", str(tmp_path / "x.csv"), "-m", "js"]) == 2
    assert "X row 1" in capsys.readouterr().err
    assert main(["pairwise", str(tmp_path / "x.csv"), "-m", "js", "--nan-policy", "omit"]) == 0
    captured = capsys.readouterr()
    assert "X: omitted 1 of 5 rows holding NaN" in captured.err
    got = np.array([[float(v) for v in line.split(",")] for line in captured.out.split()])
    np.testing.assert_allclose(got, pairwise(np.delete(X, 1, axis=0), metric="js"), rtol=1e-15)


def test_nan_policy_omit_compare_drops_pairs(tmp_path, capsys):
    import pydiv

    P, Q = RNG.random((4, 3)), RNG.random((4, 3))
    P[0, 0] = np.nan
    Q[2, 1] = np.nan
    np.save(tmp_path / "p.npy", P)
    np.save(tmp_path / "q.npy", Q)
    assert main(["compare", str(tmp_path / "p.npy"), str(tmp_path / "q.npy"), "-m", "kl", "--nan-policy", "omit"]) == 0
    out = [float(v) for v in capsys.readouterr().out.split()]
    np.testing.assert_allclose(out, pydiv.kl_divergence(P[[1, 3]], Q[[1, 3]]), rtol=1e-15)


def test_nan_policy_omit_refuses_all_nan(tmp_path, capsys):
    np.save(tmp_path / "p.npy", np.full((2, 3), np.nan))
    assert main(["compare", str(tmp_path / "p.npy"), "-m", "entropy", "--nan-policy", "omit"]) == 2
    assert "every row of" in capsys.readouterr().err


def test_nan_policy_omit_emd_drops_points(tmp_path, capsys):
    import pydiv

    A, B = RNG.random((5, 2)), RNG.random((4, 2))
    A[3, 0] = np.nan
    np.save(tmp_path / "a.npy", A)
    np.save(tmp_path / "b.npy", B)
    assert main(["emd", str(tmp_path / "a.npy"), str(tmp_path / "b.npy"), "--nan-policy", "omit"]) == 0
    out = capsys.readouterr().out
    assert float(out) == pytest.approx(pydiv.wasserstein_nd(np.delete(A, 3, axis=0), B), rel=1e-15)


# Parquet: read with pyarrow when installed, otherwise a clear error naming it.
def test_parquet_input(tmp_path, capsys):
    path = tmp_path / "p.parquet"
    P = RNG.random((3, 2))
    try:
        import pyarrow
        import pyarrow.parquet as pq
    except ImportError:
        path.write_bytes(b"PAR1")
        assert main(["compare", str(path), "-m", "entropy"]) == 2
        assert "needs pyarrow, which is not installed: pip install pyarrow" in capsys.readouterr().err
        return
    pq.write_table(pyarrow.table({"a": P[:, 0], "b": P[:, 1]}), path)
    import pydiv

    assert main(["compare", str(path), "-m", "entropy"]) == 0
    np.testing.assert_allclose([float(v) for v in capsys.readouterr().out.split()], pydiv.entropy(P), rtol=1e-15)
