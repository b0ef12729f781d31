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
