"""The Examples in the public docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["pydiv.info", "pydiv.emd.dense", "pydiv.emd.batch", "pydiv.emd.points", "pydiv.stream",
           "pydiv.gaussian.distance", "pydiv.stream.moments", "pydiv.pairwise", "pydiv.dask", "pydiv._config",
           "pydiv.torch", "pydiv.jax", "pydiv.grid.solve", "pydiv.divergences",
           "pydiv.binning.histogram", "pydiv.drift.compute"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name in ("pydiv.torch", "pydiv.jax"):
        pytest.importorskip(name.split(".")[1])
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
