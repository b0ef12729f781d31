"""The README's section on gradients runs as written."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")


def test_readme_gradients_snippet_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Gradients: PyTorch and JAX", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    x, p = scope["x"], scope["p"]
    assert x.grad is not None and x.grad.shape == (256, 2)
    assert abs(float(x.grad.norm(dim=1).max()) - 1 / 256) < 1e-12  # W1: unit directions times the mass 1/256
    assert p.grad is not None and p.grad.dtype == scope["torch"].float32
