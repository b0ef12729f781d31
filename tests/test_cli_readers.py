"""`python -m pydiv` on files a hostile or careless user might hand it: read right, or refused cleanly."""

import struct
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import pydiv
from pydiv.cli import main

P = np.array([[0.2, 0.8], [0.5, 0.5]])
Q = np.array([[0.2, 0.8], [0.9, 0.1]])


def pydiv_cli(*argv, cwd):
    return subprocess.run(
        [sys.executable, "-m", "pydiv", *map(str, argv)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def in_process(capsys, *argv):
    """`pydiv ARGV` run in this process: (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def csv_text(rows, header=None):
    lines = [] if header is None else [header]
    return "\n".join([*lines, *(",".join(repr(float(v)) for v in row) for row in rows)]) + "\n"


def printed(text):
    return [float(line) for line in text.split()]


# A CSV with a UTF-8 byte-order mark (Excel's "CSV UTF-8") keeps its first row, as `python -m pydiv` reads it.
def test_csv_with_byte_order_mark(tmp_path):
    (tmp_path / "P.csv").write_text(csv_text(P), encoding="utf-8-sig")
    (tmp_path / "Q.csv").write_text(csv_text(Q), encoding="utf-8-sig")
    done = pydiv_cli("compare", "P.csv", "Q.csv", "--metric", "js", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert printed(done.stdout) == pydiv.js_divergence(P, Q).tolist()  # 0.0 first: the identical rows


# Header or data is decided the same way with and without a byte-order mark.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("header", [None, "a,b", "# histograms\na,b"])
def test_csv_header_with_and_without_byte_order_mark(tmp_path, capsys, encoding, header):
    (tmp_path / "P.csv").write_text(csv_text(P, header), encoding=encoding)
    np.save(tmp_path / "Q.npy", Q)
    status, out, err = in_process(capsys, "compare", tmp_path / "P.csv", tmp_path / "Q.npy", "--metric", "js")
    assert (status, err) == (0, "")
    assert printed(out) == pydiv.js_divergence(P, Q).tolist()


# A comment after the numbers of the first line does not make it a header.
@pytest.mark.parametrize("first", ["0.2,,0.8", "0.2,NA", "x,0.5"])
def test_csv_first_line_with_a_bad_value_is_an_error_not_a_header(tmp_path, capsys, first):
    # A first line holding a number is data: a missing or mistyped value in it
    # must fail loudly, as it does on any later line, not be skipped as a header.
    (tmp_path / "P.csv").write_text(first + "\n0.5,0.5\n")
    status, _, err = in_process(capsys, "compare", tmp_path / "P.csv", "-m", "entropy")
    assert status == 2 and "line 1" in err and "is not a number" in err, err


def test_drift_header_follows_the_same_rule(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5}" for i in range(40))
    (tmp_path / "r.csv").write_text("a,3\n" + rows + "\n")  # a name beside a number: data, refused
    (tmp_path / "c.csv").write_text("a,b\n" + rows + "\n")
    status, _, err = in_process(capsys, "drift", tmp_path / "r.csv", tmp_path / "c.csv")
    assert status == 2 and "'a' is not a number" in err, err


def test_csv_first_line_with_a_comment_is_data(tmp_path, capsys):
    (tmp_path / "P.csv").write_text("0.2,0.8  # the first histogram\n0.5,0.5\n")
    np.save(tmp_path / "Q.npy", Q)
    status, out, err = in_process(capsys, "compare", tmp_path / "P.csv", tmp_path / "Q.npy", "--metric", "js")
    assert (status, err) == (0, "")
    assert printed(out) == pydiv.js_divergence(P, Q).tolist()


def _npy_declaring(shape, payload=b"\0" * 64):
    header = repr({"descr": "<f8", "fortran_order": False, "shape": shape}).encode("latin1")
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def _write_declaring(tmp_path, ext, shape):
    data = _npy_declaring(shape)
    if ext == ".npy":
        (tmp_path / "X.npy").write_bytes(data)
    else:
        with zipfile.ZipFile(tmp_path / "X.npz", "w") as archive:
            archive.writestr("X.npy", data)
    return tmp_path / f"X{ext}"


# A header declaring more data than the file holds is refused before any allocation: exit 2, one line.
@pytest.mark.parametrize("ext", [".npy", ".npz"])
@pytest.mark.parametrize("shape", [(10**6, 10**6), (2**62, 2), (100, 100)])
def test_npy_header_larger_than_the_file(tmp_path, capsys, ext, shape):
    path = _write_declaring(tmp_path, ext, shape)
    status, out, err = in_process(capsys, "pairwise", path, "--metric", "js", "-o", tmp_path / "D.npy")
    assert (status, out) == (2, "")
    assert err.startswith("pydiv: error: X: ") and err.count("\n") == 1, err
    assert "is truncated or corrupt: its header declares" in err, err
    assert not (tmp_path / "D.npy").exists()


# The same, as a user sees it: no MemoryError traceback, exit status 2.
def test_huge_npy_header_from_the_command_line(tmp_path):
    _write_declaring(tmp_path, ".npy", (10**6, 10**6))
    done = pydiv_cli("compare", "X.npy", "--metric", "entropy", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("pydiv: error: P: ") and "Traceback" not in done.stderr, done.stderr


# Zero distributions in give the API's empty result out, on stdout and in .csv / .npy files.
@pytest.mark.parametrize("out", [None, "D.csv", "D.npy"])
@pytest.mark.parametrize("condensed", [False, True])
def test_pairwise_of_zero_rows(tmp_path, capsys, out, condensed):
    np.save(tmp_path / "X.npy", np.empty((0, 4)))
    argv = ["pairwise", tmp_path / "X.npy", "--metric", "js"] + (["--condensed"] if condensed else [])
    assert in_process(capsys, *argv, *(["-o", tmp_path / out] if out else [])) == (0, "", "")
    expected = pydiv.pairwise(np.empty((0, 4)), metric="js", condensed=condensed)
    if out == "D.npy":
        got = np.load(tmp_path / out)
        assert got.shape == expected.shape and got.dtype == expected.dtype
    elif out == "D.csv":
        assert (tmp_path / out).read_text() == ""


# compare on zero rows writes nothing and succeeds; so does X (0 rows) against Y (2 rows).
def test_compare_and_pairwise_of_zero_rows(tmp_path, capsys):
    np.save(tmp_path / "E.npy", np.empty((0, 2)))
    np.save(tmp_path / "P.npy", P)
    assert in_process(capsys, "compare", tmp_path / "E.npy", tmp_path / "E.npy", "--metric", "kl") == (0, "", "")
    assert in_process(capsys, "pairwise", tmp_path / "E.npy", tmp_path / "P.npy", "-m", "js") == (0, "", "")
    assert in_process(capsys, "pairwise", tmp_path / "P.npy", tmp_path / "E.npy", "-m", "js") == (0, "\n\n", "")


# A run stopped by SIGTERM (a timeout, a job scheduler) removes its .partial file, as Ctrl-C does.
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_stopped_run_leaves_no_partial_file(tmp_path):
    import signal
    import time

    np.save(tmp_path / "X.npy", np.random.default_rng(0).random((3000, 512)))  # minutes of work on one thread
    argv = [sys.executable, "-m", "pydiv", "pairwise", "X.npy", "--metric", "js", "-j", "1", "-o", "D.npy"]
    with subprocess.Popen(argv, cwd=tmp_path, stderr=subprocess.PIPE) as proc:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("D.npy.*.partial")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(tmp_path.glob("D.npy.*.partial")), "the run never started writing"
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.npy"]
