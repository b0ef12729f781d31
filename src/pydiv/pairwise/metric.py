"""What a metric of :func:`pydiv.pairwise` declares, and the registry of them.

A metric is one small object (a subclass of :class:`Metric`, registered with
:func:`register`): its name, the options it reads, whether it is symmetric,
whether identical rows give exactly 0, how it validates and prepares one side
of the input once (:meth:`Metric.prepare`), and how it turns the two prepared
sides into a :class:`BlockPlan`: the matrix size, the cost of one pair (which
sizes the row blocks), the call that fills one block of rows, and any
post-processing.  :func:`pydiv.pairwise` and :func:`pydiv.dask.pairwise`
dispatch through :func:`metric_named`; one block runner
(:func:`pydiv.pairwise.blocks.run_blocks`) executes every plan.

Two families of rows share their preparation: :class:`HistogramMetric` (one
histogram per row, both sides with the same columns) and :class:`ItemMetric`
(sequences of samples or point clouds of any sizes, optionally weighted).  A
new metric is one new subclass in the file of its family, imported by
``pydiv/pairwise/__init__.py``; a metric whose rows are another statistic (a
mean and covariance, sorted projections) overrides :meth:`Metric.prepare`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .. import _core
from .._checks import check_p
from . import identical
from .rows import histograms

BlockCall = Callable[[int, int, np.ndarray, bool], int]
"""Fill rows i0..i1 of the result (`block`; symmetric: of X against itself) and
return the number of entries that could not be computed."""


@dataclass(frozen=True, slots=True)
class Job:
    """What every metric is told about the call besides its options."""

    threads: int  # the kernels' thread request (0: the OpenMP default)
    condensed: bool  # the result is pdist's vector of the upper triangle
    self_pairs: bool  # Y is None: X against itself
    same_rows: bool  # X and Y are the same rows (self_pairs, or Y is X with the same weights)


@dataclass(slots=True)
class BlockPlan:
    """The work of one call: an n x m matrix, filled block of rows by block of rows."""

    n: int
    m: int
    pair_cost: float  # elementary operations per pair, to size the blocks
    run_block: BlockCall
    groups: tuple[np.ndarray, np.ndarray] | None = None  # identical rows: their entries are set to 0
    finish: Callable[[np.ndarray], None] | None = None  # applied to the whole result before the zeros
    min_rows: int = 1  # rows per block at least (a block that repeats a preparation of the columns)


class Metric:
    """One metric: override :meth:`prepare`, :meth:`pair_cost` and :meth:`blocks`."""

    name: ClassVar[str]
    options: ClassVar[tuple[str, ...]]  # the options it reads; any other given option is an error
    symmetric: ClassVar[bool]  # d(x, y) = d(y, x): with Y=None one triangle is computed
    zero_on_identical: ClassVar[bool] = True  # identical rows give exactly 0
    # The input forms: a 2-D array of rows, and/or a sequence of items (`items` names them).
    array_rows: ClassVar[bool] = True
    item_rows: ClassVar[bool] = False
    items: ClassVar[str] = "rows"

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """The options validated before the input is read (default: unchanged)."""
        return options

    def fixed_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """The options with anything random drawn once, for a matrix computed in
        several calls (:func:`pydiv.dask.pairwise`); default: unchanged."""
        return options

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Any:
        """One side of the input (`name` is "X" or "Y"), validated in full and prepared once."""
        raise NotImplementedError

    def pair_cost(self, xs: Any, ys: Any) -> float:
        """Elementary operations per pair of rows, about."""
        raise NotImplementedError

    def plan(self, X: Any, Y: Any, weights: tuple[Any, Any], options: dict[str, Any], job: Job) -> BlockPlan:
        """Prepare both sides (Y None: X itself) and plan the matrix."""
        xs = self.prepare(X, weights[0], "X", options)
        ys = xs if Y is None else self.prepare(Y, weights[1], "Y", options)
        return self.blocks(xs, ys, options, job)

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        raise NotImplementedError


class HistogramMetric(Metric):
    """Rows are histograms on shared bins: (rows as given, float64 C-ordered; rows normalised)."""

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        return histograms(a, name)

    def pair_cost(self, xs: Any, ys: Any) -> float:
        return float(xs[1].shape[1])

    def plan(self, X: Any, Y: Any, weights: tuple[Any, Any], options: dict[str, Any], job: Job) -> BlockPlan:
        xs = self.prepare(X, None, "X", options)
        ys = xs if Y is None else self.prepare(Y, None, "Y", options)
        if ys[1].shape[1] != xs[1].shape[1]:
            raise ValueError(f"X and Y must have the same number of columns, got {xs[1].shape[1]} and {ys[1].shape[1]}")
        return self.blocks(xs, ys, options, job)

    def groups(self, xs: Any, ys: Any, job: Job) -> tuple[np.ndarray, np.ndarray] | None:
        """The identical rows (equal up to a power of two); None unless they give exactly 0."""
        if not self.zero_on_identical:
            return None
        return identical.histogram_groups((xs[1], xs[0]), None if job.same_rows else (ys[1], ys[0]))

    @staticmethod
    def pair_kernel(kind: int, a: tuple[Any, Any, Any], b: tuple[Any, Any, Any], weights: Any, order: float,
                    uniform_gap: float, scale: float, take_sqrt: bool, job: Job) -> BlockCall:
        """Blocks by the C++ tile walker (``_core.pair_block``); `a` and `b` are
        each side's (rows, per-row auxiliary values or None, rows as given or None)."""
        threads, condensed = job.threads, job.condensed

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            _core.pair_block(kind, a[0], a[1], a[2], b[0], b[1], b[2], weights, order, uniform_gap, scale,
                             take_sqrt, i0, i1, symmetric, condensed, block, threads)
            return 0

        return run_block


class ItemMetric(Metric):
    """Rows are items of any sizes (samples, point clouds), optionally weighted, given as
    (concatenated values, their normalised weights or None for uniform, offsets)."""

    item_rows = True

    def plan(self, X: Any, Y: Any, weights: tuple[Any, Any], options: dict[str, Any], job: Job) -> BlockPlan:
        if "p" in options:  # the order of a transport metric, checked before the items are read
            options["p"] = check_p(1 if options["p"] is None else options["p"])
        xs = self.prepare(X, weights[0], "X", options)
        ys = xs if Y is None else self.prepare(Y, weights[1], "Y", options)
        plan = self.blocks(xs, ys, options, job)
        if Y is None and weights[1] is not None:
            raise ValueError("y_weights needs Y")
        return plan

    def groups(self, xs: Any, ys: Any, job: Job) -> tuple[np.ndarray, np.ndarray] | None:
        """The identical items (values and normalised weights equal, bit for bit); None
        unless they give exactly 0."""
        if not self.zero_on_identical:
            return None
        return identical.item_groups(xs, None if job.same_rows else ys)

    @staticmethod
    def counts(xs: Any, ys: Any) -> tuple[int, int]:
        return xs[2].size - 1, ys[2].size - 1


_REGISTRY: dict[str, Metric] = {}


def register(cls: type[Metric]) -> type[Metric]:
    """Class decorator: add the metric to the registry, in the order of registration."""
    if cls.name in _REGISTRY:
        raise ValueError(f"metric {cls.name!r} is registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def symmetric_names() -> tuple[str, ...]:
    return tuple(sorted(name for name, m in _REGISTRY.items() if m.symmetric))


def metric_named(name: Any) -> Metric:
    """The registered metric `name`; ValueError naming the choices otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):  # TypeError: an unhashable value
        raise ValueError(f"unknown metric {name!r}; choose one of {', '.join(_REGISTRY)}") from None
