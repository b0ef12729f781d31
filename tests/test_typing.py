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


# Misuse that mypy --strict must reject: each line marked `# E: <text>` must draw an error on that
# line whose message contains <text>; `# N: <text>` a note (reveal_type).  One mypy run for all.
MISUSE = '''\
import numpy as np
import pydiv
from pydiv.emd import solve_points


a, b = np.ones((3, 3)), np.ones((3, 3))
p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
pydiv.emd_grid(a, b, metric="euclid")  # E: "metric"
pydiv.emd_grid_batch(a[None], b, metric="euclidean")  # E: "metric"
pydiv.bhattacharyya(p, q, kind="dist")  # E: No overload variant of "bhattacharyya"
pydiv.wasserstein_nd(a, b, metric="l2")  # E: "metric"
solve_points(a, b, metric="cosine")  # E: "metric"
pydiv.pairwise([a, b], metric="emd", ground_metric="l1")  # E: "ground_metric"
pydiv.sliced_wasserstein(a, b, directions="sobol")  # E: "directions"
pydiv.sliced_wasserstein(a, b, weighting="importance")  # E: No overload variant of "sliced_wasserstein"
pydiv.histogram(p, q, nan_policy="ignore")  # E: "nan_policy"
pydiv.drift(a, b, metrics=["js", "jsd"])  # E: "Literal['jsd']"
pydiv.drift(a, b, nan_policy="drop")  # E: "nan_policy"
pydiv.kl_divergence(p, q, base="e")  # E: No overload variant of "kl_divergence"
x: float = pydiv.kl_divergence(p, q)  # E: incompatible types in assignment
reveal_type(pydiv.kl_divergence(p, q))  # N: numpy.float64 | numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]
reveal_type(pydiv.hellinger(p, q, keepdims=True))  # N: numpy.float64 | numpy.ndarray
reveal_type(pydiv.pairwise(a, metric="js"))  # N: numpy.ndarray[tuple[Any, ...], numpy.dtype[Any]]
reveal_type(pydiv.sliced_wasserstein(a, b, return_details=True))  # N: pydiv.sliced.estimators.SlicedResult
reveal_type(pydiv.emd_grid(a, b).u)  # N: numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]
'''


def test_misuse_is_a_type_error(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed")
    if int(np.__version__.split(".")[0]) < 2:
        pytest.skip("the revealed types are spelt as numpy 2's stubs spell them")
    usage = tmp_path / "misuse.py"
    usage.write_text(MISUSE)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary",
         "--hide-error-context", str(usage)],
        cwd=tmp_path, capture_output=True, text=True,
    )
    reported: dict[int, list[str]] = {}
    for line in proc.stdout.splitlines():
        parts = line.split(":", 3)  # misuse.py:LINE: error|note: message
        if len(parts) == 4 and parts[1].isdigit():
            reported.setdefault(int(parts[1]), []).append(parts[2].strip() + ": " + parts[3].strip())
    expected = {}
    for number, text in enumerate(MISUSE.splitlines(), start=1):
        for mark, kind in (("# E: ", "error"), ("# N: ", "note")):
            if mark in text:
                expected[number] = (kind, text.split(mark, 1)[1])
    assert len(expected) == 18
    for number, (kind, fragment) in expected.items():
        got = reported.get(number, [])
        assert any(m.startswith(kind) and fragment.lower() in m.lower() for m in got), (
            f"line {number} ({MISUSE.splitlines()[number - 1]!r}): expected {kind} with {fragment!r}, got {got}")
    unexpected = {n: m for n, m in reported.items() if n not in expected}
    assert not unexpected, unexpected


def test_literals_list_what_the_runtime_accepts():
    from typing import get_args

    from pydiv import typing as pt
    from pydiv._checks.options import GROUND_METRICS
    from pydiv.cli.nan_policy import NAN_POLICIES
    from pydiv.drift import BINNED_METRICS, SAMPLE_METRICS
    from pydiv.grid.checks import METRICS as GRID_METRICS
    from pydiv.sliced.directions import DIRECTION_KINDS
    from pydiv.sliced.estimators import _WEIGHTINGS

    assert set(get_args(pt.GroundMetric)) == set(GROUND_METRICS)
    assert set(get_args(pt.GridMetric)) == set(GRID_METRICS)
    assert set(get_args(pt.DirectionKind)) == set(DIRECTION_KINDS)
    assert set(get_args(pt.SlicedWeighting)) == set(_WEIGHTINGS)
    assert set(get_args(pt.NanPolicy)) == set(NAN_POLICIES)
    assert set(get_args(pt.DriftMetric)) == set(BINNED_METRICS) | set(SAMPLE_METRICS)
    p, q = [0.5, 0.5], [0.25, 0.75]
    for kind in get_args(pt.BhattacharyyaKind):
        assert np.isfinite(pydiv.bhattacharyya(p, q, kind=kind))
    with pytest.raises(ValueError, match="kind"):
        pydiv.bhattacharyya(p, q, kind="dist")  # type: ignore[arg-type]
    for name in ("nan_policy", "ground_metric"):  # a misspelt option still raises at run time, naming it
        kwargs = {"nan_policy": "ignore"} if name == "nan_policy" else {"metric": "emd", "ground_metric": "l1"}
        call = pydiv.histogram if name == "nan_policy" else pydiv.pairwise
        args = (p, q) if name == "nan_policy" else ([np.zeros((2, 2)), np.ones((2, 2))],)
        with pytest.raises((ValueError, TypeError), match=name):
            call(*args, **kwargs)


@pytest.mark.parametrize("value", [[1.0, 2.0, 4.0], np.array([[1.0, 2.0], [3.0, 4.0]])])
def test_reductions_return_what_they_are_typed(value):
    # Reduced: a NumPy float64 for 1-D input, a float64 array otherwise; the default dtype.
    arr = np.asarray(value)
    for f in (pydiv.kl_divergence, pydiv.js_divergence, pydiv.hellinger, pydiv.jeffreys, pydiv.wasserstein_hist):
        r = f(arr, arr[..., ::-1])
        if arr.ndim == 1:
            assert type(r) is np.float64, f
        else:
            assert isinstance(r, np.ndarray) and r.dtype == np.float64, f
    r = pydiv.entropy(arr)
    assert type(r) is np.float64 if arr.ndim == 1 else r.dtype == np.float64


def test_readme_typing_snippet_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Typing and array inputs", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert scope["kl"] == pytest.approx(float(pydiv.kl_divergence(scope["p"], scope["q"])))
    assert isinstance(scope["rows"], np.ndarray) and scope["rows"].shape == (2,)
    assert np.isfinite(scope["w2"]) and scope["plan"].shape == (3, 3)
