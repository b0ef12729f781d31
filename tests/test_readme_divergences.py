"""The README's section on the everyday divergences runs as written and says what it shows."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import pydiv
import reference as ref


def test_readme_divergences_snippet_runs(capsys):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("### Hellinger, total variation, chi-squared, Jeffreys, PSI", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    e, a = scope["expected"], scope["actual"]
    assert scope["h"] == pytest.approx(ref.hellinger(e, a), rel=1e-12)
    assert scope["tv"] == pytest.approx(ref.total_variation(e, a), rel=1e-12)
    assert scope["bd"] == pytest.approx(-math.log(ref.bhattacharyya_coefficient(e, a)), rel=1e-12)
    assert scope["x2"] == pytest.approx(ref.chi2_divergence(a, e + 1), rel=1e-12)
    assert scope["j"] == math.inf and math.isfinite(scope["psi"])
    assert scope["kl"] == pytest.approx(ref.kl_divergence(np.add(a, 0.5), np.add(e, 0.5)), rel=1e-12)
    assert "PSI=" in capsys.readouterr().out
