"""Type checking as users get it: ``mypy --strict`` on typed calls of the public API."""

import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pydiv

USAGE = Path(__file__).with_name("typed_usage.py")


def test_installed_package_is_typed():
    package = Path(pydiv.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_core.pyi").is_file(), "the stub of the compiled module must ship with the package"


def test_typed_usage_passes_mypy_strict(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed")
    # From an empty directory, so no configuration file and no source tree is picked up:
    # pydiv is the importable (installed) one, with its py.typed marker and _core.pyi stub.
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(USAGE)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_package_passes_mypy_strict(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed")
    if int(np.__version__.split(".")[0]) < 2:
        pytest.skip("numpy 1.x stubs want type arguments on every ndarray; the package is checked with numpy 2")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "-p", "pydiv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_typed_usage_runs(capsys):
    pytest.importorskip("dask.array", reason="the usage file also calls pydiv.dask")
    runpy.run_path(str(USAGE), run_name="__main__")
    assert "openmp" in capsys.readouterr().out


def test_metric_names_type_lists_the_registered_metrics():
    from typing import get_args

    from pydiv.pairwise import METRICS, MetricName

    assert set(get_args(MetricName)) == set(METRICS)


def test_misspelt_metric_is_a_type_error(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed")
    usage = tmp_path / "misspelt.py"
    usage.write_text('import numpy as np\nimport pydiv\n\npydiv.pairwise(np.ones((2, 3)), metric="jsd")\n')
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(usage)],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode == 1 and '"metric"' in proc.stdout and "jsd" in proc.stdout, proc.stdout
