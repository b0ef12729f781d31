"""The README's section on sparse rows runs as written and says what it shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pydiv

pytest.importorskip("scipy.sparse")


def test_readme_sparse_snippet_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("### Sparse rows (word counts)", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    counts = scope["counts"]
    dense = counts.toarray()
    np.testing.assert_allclose(scope["D"], pydiv.pairwise(dense, metric="jensenshannon"), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(scope["d"], pydiv.pairwise(dense, metric="js", base=2, condensed=True), rtol=1e-12)
    P = dense / dense.sum(axis=1, keepdims=True)
    want = np.sqrt(0.5 * ((np.sqrt(P[:5])[:, None] - np.sqrt(P)[None]) ** 2).sum(axis=-1))
    np.testing.assert_allclose(scope["H"], want, rtol=1e-12, atol=1e-15)
    assert scope["H"].shape == (5, 200)
    assert scope["kl"] == pydiv.kl_divergence(dense[0], dense[1])
