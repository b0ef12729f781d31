"""The README's section on drift runs as written and says what it shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import pydiv


def test_readme_drift_snippet_runs(capsys):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Drift between two tables", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert scope["drifted"] == ["age"]
    report, h, w = scope["report"], scope["h"], scope["w"]
    assert report.columns == ("age", "income") and "DriftReport(2 columns)" in capsys.readouterr().out
    assert np.array_equal(report.counts_reference[0], h.counts_a)
    assert w.tolist() == report["wasserstein"].tolist()
    assert abs(w[0] - 5.0) < 0.5
