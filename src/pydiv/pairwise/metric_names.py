"""The metric names of :func:`pydiv.pairwise` as a type, so that a misspelt
name (``metric="jsd"``) is an error under a type checker, not only at run
time.  tests/test_typing.py checks that it lists exactly the registered
metrics."""

from __future__ import annotations

from ..typing import MetricName

__all__ = ["MetricName"]
