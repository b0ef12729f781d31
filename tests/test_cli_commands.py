"""``pydiv pairwise`` and ``pydiv compare`` on real files: round trips and bad input."""

import argparse
import math
import re
import subprocess
import sys

import numpy as np
import pytest

import pydiv
from pydiv.cli import add_compare_parser, add_pairwise_parser, read_array, write_array

RNG = np.random.default_rng(7)
X = RNG.random((6, 4))
Y = RNG.random((3, 4))


def cli(*argv):
    """Parse and run like ``pydiv ...`` does, with only the two sub-commands wired."""
    parser = argparse.ArgumentParser(prog="pydiv")
    sub = parser.add_subparsers(dest="command", required=True)
    add_pairwise_parser(sub)
    add_compare_parser(sub)
    args = parser.parse_args([str(a) for a in argv])
    return args.run(args)


def write_csv(path, rows, header=None):
    lines = [] if header is None else [header]
    lines += [",".join(repr(float(v)) for v in np.atleast_1d(row)) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def read_printed(text):
    return np.array([[float(v) for v in line.split(",")] for line in text.strip().splitlines()])


# --- reading and writing ------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_npy_round_trip(tmp_path, dtype):
    data = (X * 100).astype(dtype)
    np.save(tmp_path / "a.npy", data)
    got = read_array(str(tmp_path / "a.npy"))
    np.testing.assert_array_equal(got, data)
    assert got.dtype == (np.float64 if dtype is np.int32 else dtype)


def test_npz_first_array_or_key(tmp_path):
    np.savez(tmp_path / "a.npz", first=X, second=Y)
    np.testing.assert_array_equal(read_array(str(tmp_path / "a.npz")), X)
    np.testing.assert_array_equal(read_array(str(tmp_path / "a.npz"), key="second"), Y)
    with pytest.raises(ValueError, match="has no array 'third'; it holds first, second"):
        read_array(str(tmp_path / "a.npz"), key="third", name="X")


def test_csv_with_and_without_header(tmp_path):
    plain = write_csv(tmp_path / "plain.csv", X)
    headed = write_csv(tmp_path / "headed.csv", X, header="a,b,c,d")
    np.testing.assert_array_equal(read_array(str(plain)), X)
    np.testing.assert_array_equal(read_array(str(headed)), X)


def test_csv_single_column_is_a_vector(tmp_path):
    column = write_csv(tmp_path / "column.csv", X[0], header="p")
    np.testing.assert_array_equal(read_array(str(column)), X[0])


@pytest.mark.parametrize("ext", [".npy", ".csv"])
def test_write_read_round_trip_is_exact(tmp_path, ext):
    for values in (X, X[0], np.array(math.pi), np.array([np.inf, 0.0, 1e-300])):
        path = str(tmp_path / f"out{ext}")
        write_array(path, values)
        np.testing.assert_array_equal(read_array(path), values if ext == ".npy" or values.ndim else values[None])


# --- pydiv pairwise -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["npy", "npz", "csv"])
@pytest.mark.parametrize("out", ["D.npy", "D.csv"])
def test_pairwise_round_trip(tmp_path, fmt, out):
    if fmt == "npy":
        np.save(tmp_path / "X.npy", X)
    elif fmt == "npz":
        np.savez(tmp_path / "X.npz", X)
    else:
        write_csv(tmp_path / "X.csv", X, header="a,b,c,d")
    argv = ["--metric", "js", "--base", "2", "--jobs", "2", "--out", tmp_path / out]
    assert cli("pairwise", tmp_path / f"X.{fmt}", *argv) == 0
    expected = pydiv.pairwise(X, metric="js", base=2)
    np.testing.assert_array_equal(read_array(str(tmp_path / out)), expected)


def test_pairwise_x_against_y_to_stdout(tmp_path, capsys):
    np.save(tmp_path / "X.npy", X)
    np.savez(tmp_path / "Y.npz", rows=Y)
    assert cli("pairwise", tmp_path / "X.npy", tmp_path / "Y.npz", "--metric", "kl", "--key", "rows") == 0
    printed = read_printed(capsys.readouterr().out)
    np.testing.assert_array_equal(printed, pydiv.pairwise(X, Y, metric="kl"))


def test_pairwise_condensed_float32_with_progress(tmp_path, capsys):
    np.save(tmp_path / "X.npy", X)
    out = tmp_path / "d.npy"
    argv = ["--metric", "jensenshannon", "--condensed", "--dtype", "float32", "--progress", "--out", out]
    assert cli("pairwise", tmp_path / "X.npy", *argv) == 0
    got = np.load(out)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, pydiv.pairwise(X, metric="jensenshannon", condensed=True, dtype=np.float32))
    assert "pairwise jensenshannon" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.npy", "d.npy"]


def test_pairwise_wasserstein_on_a_support(tmp_path):
    np.save(tmp_path / "X.npy", X)
    write_csv(tmp_path / "bins.csv", [0.0, 1.0, 3.0, 7.0])
    argv = ["-m", "wasserstein", "--support", tmp_path / "bins.csv", "-o", tmp_path / "W.npy"]
    assert cli("pairwise", tmp_path / "X.npy", *argv) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "W.npy"), pydiv.pairwise(X, metric="wasserstein", x=[0, 1, 3, 7]))


def test_pairwise_emd_on_point_clouds(tmp_path):
    clouds = RNG.random((4, 5, 2))
    np.save(tmp_path / "clouds.npy", clouds)
    assert cli("pairwise", tmp_path / "clouds.npy", "--metric", "emd", "--out", tmp_path / "E.npy") == 0
    np.testing.assert_array_equal(np.load(tmp_path / "E.npy"), pydiv.pairwise(clouds, metric="emd"))


# --- pydiv compare --------------------------------------------------------------------


@pytest.mark.parametrize(
    "metric, function",
    [
        ("kl", pydiv.kl_divergence),
        ("js", pydiv.js_divergence),
        ("jensenshannon", pydiv.jensenshannon),
        ("cross_entropy", pydiv.cross_entropy),
    ],
)
def test_compare_rows(tmp_path, metric, function):
    write_csv(tmp_path / "P.csv", X, header="a,b,c,d")
    np.save(tmp_path / "Q.npy", X[::-1])
    argv = ["--metric", metric, "--base", "2", "--out", tmp_path / "r.csv"]
    assert cli("compare", tmp_path / "P.csv", tmp_path / "Q.npy", *argv) == 0
    np.testing.assert_array_equal(read_array(str(tmp_path / "r.csv")), function(X, X[::-1], base=2))


def test_compare_single_distributions_prints_one_value(tmp_path, capsys):
    write_csv(tmp_path / "p.csv", [X[0]])
    write_csv(tmp_path / "q.csv", X[1], header="q")  # one column: also one distribution
    assert cli("compare", tmp_path / "p.csv", tmp_path / "q.csv", "--metric", "kl") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert float(out) == pydiv.kl_divergence(X[0], X[1])


def test_compare_one_against_each_row(tmp_path, capsys):
    np.save(tmp_path / "P.npy", X)
    np.save(tmp_path / "q.npy", Y[0])
    assert cli("compare", tmp_path / "P.npy", tmp_path / "q.npy", "--metric", "js") == 0
    np.testing.assert_array_equal(read_printed(capsys.readouterr().out)[:, 0], pydiv.js_divergence(X, Y[0]))


def test_compare_entropy_and_wasserstein(tmp_path, capsys):
    np.save(tmp_path / "P.npy", X)
    np.save(tmp_path / "Q.npy", X[::-1])
    assert cli("compare", tmp_path / "P.npy", "--metric", "entropy", "--base", "2") == 0
    np.testing.assert_array_equal(read_printed(capsys.readouterr().out)[:, 0], pydiv.entropy(X, base=2))
    assert cli("compare", tmp_path / "P.npy", tmp_path / "Q.npy", "--metric", "wasserstein") == 0
    np.testing.assert_array_equal(read_printed(capsys.readouterr().out)[:, 0], pydiv.wasserstein_hist(X, X[::-1]))


def test_compare_infinite_kl_is_written_as_inf(tmp_path):
    np.save(tmp_path / "p.npy", np.array([1.0, 0.0]))
    np.save(tmp_path / "q.npy", np.array([0.0, 1.0]))
    assert cli("compare", tmp_path / "p.npy", tmp_path / "q.npy", "--metric", "kl", "--out", tmp_path / "r.csv") == 0
    assert (tmp_path / "r.csv").read_text() == "inf\n"


# --- bad files and bad data: a message naming the argument, exit status 2 -------------


def _bad_files(tmp_path):
    (tmp_path / "garbage.npy").write_bytes(b"not an array at all")
    (tmp_path / "garbage.npz").write_bytes(b"PK but not really a zip")
    (tmp_path / "empty.npy").write_bytes(b"")
    (tmp_path / "empty.csv").write_text("\n\n")
    (tmp_path / "header_only.csv").write_text("a,b,c\n")
    (tmp_path / "words.csv").write_text("1,2,3\n4,five,6\n")
    (tmp_path / "ragged.csv").write_text("1,2,3\n4,5\n")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x01")
    (tmp_path / "data.txt").write_text("1,2,3\n")
    np.save(tmp_path / "strings.npy", np.array(["a", "b"]))
    np.save(tmp_path / "complex.npy", np.array([1j, 2.0]))
    np.savez(tmp_path / "empty.npz")


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.npy", "X: cannot read '.*missing.npy': No such file or directory"),
        ("garbage.npy", "X: '.*garbage.npy' is not a valid .npy file"),
        ("empty.npy", "X: '.*empty.npy' is not a valid .npy file"),
        ("garbage.npz", "X: '.*garbage.npz' is not a valid .npz file"),
        ("empty.npz", "X: '.*empty.npz' holds no arrays"),
        ("empty.csv", "X: '.*empty.csv' is empty"),
        ("header_only.csv", "X: '.*header_only.csv' has a header but no data"),
        ("words.csv", "X: '.*words.csv' is not a numeric CSV table: .*'five'"),
        ("ragged.csv", "X: '.*ragged.csv' is not a numeric CSV table: line 2 has 2 values, the lines before it 3"),
        ("binary.csv", "X: '.*binary.csv' is not a valid .csv file"),
        ("data.txt", "X: cannot read '.*data.txt': unknown extension '.txt'; use one of .npy, .npz, .csv"),
        ("strings.npy", "X: '.*strings.npy' holds <U1 data, not real numbers"),
        ("complex.npy", "X: '.*complex.npy' holds complex128 data, not real numbers"),
    ],
)
def test_unreadable_inputs(tmp_path, capsys, name, message):
    _bad_files(tmp_path)
    assert cli("pairwise", tmp_path / name, "--metric", "js", "--out", tmp_path / "D.npy") == 2
    err = capsys.readouterr().err
    assert err.startswith("pydiv: error: ") and err.count("\n") == 1
    assert re.search(message, err), err
    assert not (tmp_path / "D.npy").exists()


def test_directory_as_input(tmp_path, capsys):
    (tmp_path / "folder.npy").mkdir()
    assert cli("compare", tmp_path / "folder.npy", "--metric", "entropy") == 2
    assert "P: cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0])
def test_invalid_data(tmp_path, capsys, bad):
    data = X.copy()
    data[2, 1] = bad
    write_csv(tmp_path / "X.csv", data)
    assert cli("pairwise", tmp_path / "X.csv", "--metric", "js", "--out", tmp_path / "D.npy") == 2
    assert "pydiv: error: X row 2" in capsys.readouterr().err
    assert not list(tmp_path.glob("D.npy*")), "no partial output is left behind"
    assert cli("compare", tmp_path / "X.csv", tmp_path / "X.csv", "--metric", "kl") == 2
    assert "pydiv: error: p " in capsys.readouterr().err


def test_failed_run_keeps_an_older_output(tmp_path):
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "bad.npy", np.full((2, 4), np.nan))
    out = tmp_path / "D.npy"
    assert cli("pairwise", tmp_path / "X.npy", "--metric", "js", "--out", out) == 0
    assert cli("pairwise", tmp_path / "bad.npy", "--metric", "js", "--out", out) == 2
    np.testing.assert_array_equal(np.load(out), pydiv.pairwise(X, metric="js"))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["pairwise", "X.npy", "--metric", "js", "--out", "D.txt"], "--out: cannot write 'D.txt': unknown extension"),
        (["pairwise", "X.npy", "--metric", "js", "--out", "no/D.npy"], "--out: cannot write 'no/D.npy': no directory"),
        (["pairwise", "X.npy", "--metric", "js", "--jobs", "0"], "--jobs must be a positive integer or -1"),
        (["pairwise", "X.npy", "--metric", "wasserstein", "--base", "2"], "--base applies to the information metrics"),
        (["pairwise", "X.npy", "--metric", "js", "--support", "X.npy"], "--support applies to --metric wasserstein"),
        (["pairwise", "X.npy", "Y.npy", "--metric", "js", "--condensed"], "condensed output needs Y=None"),
        (["pairwise", "v.npy", "--metric", "js", "--out", "D.npy"], "X must be 2-D"),
        (["pairwise", "X.npy", "Y5.npy", "--metric", "js"], "X and Y must have the same number of columns"),
        (["compare", "X.npy", "--metric", "kl"], "Q: --metric kl compares two inputs"),
        (["compare", "X.npy", "Y.npy", "--metric", "entropy"], "Q: --metric entropy takes a single input P"),
        (["compare", "X.npy", "Y.npy", "--metric", "kl"], "do not broadcast"),
        (["compare", "X.npy", "X.npy", "--metric", "kl", "--base", "1"], "base must be a positive finite number"),
        (["compare", "cube.npy", "--metric", "entropy"], "P must be 1-D or 2-D"),
    ],
)
def test_bad_arguments(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    np.save("X.npy", X)
    np.save("Y.npy", Y)
    np.save("Y5.npy", RNG.random((3, 5)))
    np.save("v.npy", X[0])
    np.save("cube.npy", RNG.random((2, 2, 2)))
    assert cli(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("pydiv: error: ") and message in err, err


def test_reader_closing_the_pipe_early_is_quiet(tmp_path):
    # `pydiv pairwise X.npy --metric js | head -1`: no traceback, no error message.
    np.save(tmp_path / "X.npy", RNG.random((400, 8)))
    script = (
        "import argparse, sys\n"
        "from pydiv.cli import add_pairwise_parser\n"
        "parser = argparse.ArgumentParser(prog='pydiv')\n"
        "add_pairwise_parser(parser.add_subparsers(dest='command', required=True))\n"
        "args = parser.parse_args(sys.argv[1:])\n"
        "sys.exit(args.run(args))\n"
    )
    argv = [sys.executable, "-c", script, "pairwise", str(tmp_path / "X.npy"), "--metric", "js"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout.readline().count(b",") == 399
        proc.stdout.close()
        err = proc.stderr.read()
    assert proc.returncode == 1 and err == b"", err


@pytest.mark.parametrize("argv", [["pairwise", "X.npy"], ["compare", "X.npy", "--metric", "hellinger"], ["compare"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        cli(*argv)
    assert exc.value.code == 2


def test_pairwise_sliced_on_point_clouds_with_a_seed(tmp_path):
    clouds = RNG.random((5, 6, 3))
    np.save(tmp_path / "clouds.npy", clouds)
    argv = ["--metric", "sliced", "--seed", "3", "--out", tmp_path / "S.npy"]
    assert cli("pairwise", tmp_path / "clouds.npy", *argv) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "S.npy"), pydiv.pairwise(clouds, metric="sliced", seed=3))
    assert cli("pairwise", tmp_path / "clouds.npy", "--metric", "emd", "--seed", "3") == 2


def test_pairwise_gaussian_on_sample_sets(tmp_path):
    sets = RNG.random((4, 12, 3))
    np.save(tmp_path / "sets.npy", sets)
    assert cli("pairwise", tmp_path / "sets.npy", "--metric", "gaussian", "--out", tmp_path / "G.npy") == 0
    np.testing.assert_array_equal(np.load(tmp_path / "G.npy"), pydiv.pairwise(sets, metric="gaussian"))
