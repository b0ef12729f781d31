"""The pydiv command line."""

import math
import subprocess
import sys

import pytest

import pydiv
from pydiv.cli import card_example, main


def test_demo_prints_seed_table(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "0.693147" in out and "inf" in out
    assert "binomial model loses less information" in out


# The seed table's W1 column is |theta| to rounding, with KL = inf and JS = log 2 beside it.
@pytest.mark.parametrize("theta", [0.0, 0.3, 2.0])
def test_seed_example_w1(theta):
    from pydiv.cli import seed_example

    rows = seed_example(theta, n_y=200)
    assert rows["W1(P,Q)"][0] == pytest.approx(abs(theta), rel=1e-12, abs=1e-15)
    if theta:
        assert rows["KL(P||Q)"][0] == math.inf and rows["JS(P,Q)"][0] == pytest.approx(math.log(2), rel=1e-15)


# The binomial fit is closer to the empirical distribution than the uniform.
def test_card_example():
    c = card_example()
    assert c["kl_binomial"] < c["kl_uniform"]
    assert math.isclose(sum(c["binomial"]), 1.0)


def test_info(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert pydiv.__version__ in out and "simd" in out and "threads" in out


def test_version_and_module_entry():
    out = subprocess.run([sys.executable, "-m", "pydiv", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"pydiv {pydiv.__version__}"


def test_unknown_command():
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def _pydiv(*argv, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "pydiv", *map(str, argv)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


# A bare `pydiv` prints the help (as pip does) and succeeds.
def test_bare_command_prints_help():
    done = _pydiv()
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: pydiv") and "pairwise" in done.stdout and "compare" in done.stdout


# The help tells the JS divergence (js) from the JS distance (jensenshannon, scipy's).
@pytest.mark.parametrize("command", ["pairwise", "compare"])
def test_help_tells_js_from_jensenshannon(command):
    text = " ".join(_pydiv(command, "--help").stdout.split())
    assert "js: the Jensen-Shannon divergence" in text, text
    assert "jensenshannon: the Jensen-Shannon distance" in text and "scipy" in text, text


def _closed_pipe_run(argv, cwd=None):
    """Run `pydiv ARGV` with its stdout a pipe whose reader has already gone (`pydiv ... | head` at worst)."""
    with subprocess.Popen(
        [sys.executable, "-m", "pydiv", *map(str, argv)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    ) as proc:
        proc.stdout.close()  # before the child has written anything: its first write meets EPIPE
        err = proc.stderr.read()
        proc.wait(timeout=120)
    return proc.returncode, err.decode()


# A reader that stops early (`pydiv demo | head`) gets no traceback: exit 1, stderr empty.
@pytest.mark.parametrize(
    "argv",
    [
        ["demo"],
        ["compare", "P.npy", "P.npy", "--metric", "js"],
        ["pairwise", "P.npy", "--metric", "js"],
    ],
)
def test_closed_stdout_is_quiet(tmp_path, argv):
    import numpy as np

    np.save(tmp_path / "P.npy", np.random.default_rng(0).random((3, 4)))
    assert _closed_pipe_run(argv, cwd=tmp_path) == (1, "")
