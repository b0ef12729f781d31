"""The README's section on grids runs as written and says what it shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import pydiv


def test_readme_grid_snippet_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Exact EMD on grids", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    A, B, r = scope["A"], scope["B"], scope["r"]
    assert np.array_equal(r.v, -scope["phi"])
    assert abs(np.diff(scope["phi"], axis=0)).max() <= 1 + 1e-12  # 1-Lipschitz along the grid
    assert scope["w_inf"] <= r.cost
    assert scope["costs"][0] == r.cost and scope["costs"][2] == 0.0
    D = scope["D"]
    assert D.shape == (3, 3) and D[0, 1] == pydiv.emd_grid(A, B, normalize=True).cost
    f = scope["f"]
    assert f.flow.shape == (2, 64, 64) and f.offsets.tolist() == [[1, 0], [0, 1]]
