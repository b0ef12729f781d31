"""Runtime configuration: the PYDIV_SIMD cap, by any spelling of the level names."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ORDER = ["baseline", "avx2+fma", "avx512"]


def level_in_child(request: str | None, *, warnings_as_errors: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDIV_SIMD"}
    if request is not None:
        env["PYDIV_SIMD"] = request
    flags = ["-W", "error"] if warnings_as_errors else []
    code = "import pydiv, pydiv._core; print(pydiv._core.simd_level())"
    return subprocess.run([sys.executable, *flags, "-c", code], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def best_level() -> str:
    return level_in_child(None).stdout.split()[-1]


# Each name caps the level, in any case and with the spelling `pydiv info` prints.
@pytest.mark.parametrize(
    "request_, cap",
    [("baseline", "baseline"), ("Baseline", "baseline"), (" BASELINE ", "baseline"), ("avx2", "avx2+fma"),
     ("AVX2", "avx2+fma"), ("avx2+fma", "avx2+fma"), ("AVX2+FMA", "avx2+fma"), ("avx512", "avx512"),
     ("AVX512", "avx512"), ("", "avx512")],
)
def test_simd_names_cap_the_level(request_, cap, best_level):
    proc = level_in_child(request_, warnings_as_errors=True)
    assert proc.returncode == 0, proc.stderr
    expected = ORDER[min(ORDER.index(cap), ORDER.index(best_level))]
    assert proc.stdout.split()[-1] == expected


# An unknown name is ignored, with one warning that says so.
def test_unknown_simd_name_warns_once(best_level):
    proc = level_in_child("sse9")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1] == best_level
    assert proc.stderr.count("PYDIV_SIMD='sse9' names no SIMD level") == 1
    assert "RuntimeWarning" in proc.stderr
