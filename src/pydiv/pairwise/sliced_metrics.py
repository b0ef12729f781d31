"""The sliced Wasserstein metric of :func:`pydiv.pairwise`: SW_p between point clouds.

Rows are point clouds of shape (n_i, d), optionally weighted, concatenated
once with per-cloud offsets.  One set of unit directions (``directions``,
``n_projections``, ``seed``, as in :func:`pydiv.sliced_wasserstein`) serves
every pair, so each entry equals ``sliced_wasserstein`` of the two clouds
with those directions.  A block of rows is one call of the C++ kernel
(``_core.sliced_pairs``): per block of directions it projects and radix-sorts
each cloud once, then merges every pair; Ctrl-C is checked between blocks of
directions.  The columns' projections are made again for each block of rows,
so blocks hold at least :data:`MIN_ROWS` rows, which keeps that repeated work
to a few percent of the merges.  Clouds whose W_p^p would leave the float
range are scaled by an exact power of two first, and the distances back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._checks import check_p
from ..sliced.directions import directions_for
from ..sliced.estimators import scale_exponent
from .metric import BlockPlan, ItemMetric, Job, register
from .rows import clouds

MIN_ROWS = 32
_DEFAULT_PROJECTIONS = 256


def _part(side: tuple[Any, Any, np.ndarray], i0: int, i1: int) -> tuple[Any, Any, np.ndarray]:
    """Clouds i0..i1 of a prepared side (coordinates, weights or None, offsets)."""
    coords, weights, offsets = side
    lo, hi = int(offsets[i0]), int(offsets[i1])
    return coords[lo:hi], None if weights is None else weights[lo:hi], offsets[i0 : i1 + 1] - offsets[i0]


@register
class Sliced(ItemMetric):
    name = "sliced"
    options = ("p", "n_projections", "directions", "seed", "x_weights", "y_weights")
    symmetric = True
    array_rows = False
    items = "point clouds"

    def check_options(self, options: dict[str, Any]) -> dict[str, Any]:
        options["p"] = check_p(2 if options["p"] is None else options["p"])  # as sliced_wasserstein
        if options["n_projections"] is None:
            options["n_projections"] = _DEFAULT_PROJECTIONS
        if options["directions"] is None:
            options["directions"] = "random"
        return options

    def fixed_options(self, options: dict[str, Any]) -> dict[str, Any]:
        # Every block of a distributed matrix must draw the same random directions.
        if isinstance(options.get("directions"), (str, type(None))) and options.get("seed") is None:
            options["seed"] = int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) >> 1
        return options

    def prepare(self, a: Any, weights: Any, name: str, options: dict[str, Any]) -> Any:
        coords, ws, offsets = clouds(a, weights, name, self.name)
        return coords, None if weights is None else ws, offsets

    def pair_cost(self, xs: Any, ys: Any, n_projections: int = _DEFAULT_PROJECTIONS) -> float:
        mean_x = float(xs[0].shape[0]) / max(1, int(xs[2].size) - 1)
        mean_y = float(ys[0].shape[0]) / max(1, int(ys[2].size) - 1)
        return float(n_projections) * (mean_x + mean_y)

    def blocks(self, xs: Any, ys: Any, options: dict[str, Any], job: Job) -> BlockPlan:
        if xs[0].shape[1] != ys[0].shape[1] and xs[2].size > 1 and ys[2].size > 1:
            raise ValueError(f"X and Y hold points of different dimensions ({xs[0].shape[1]} and {ys[0].shape[1]})")
        p = options["p"]
        theta = directions_for(options["directions"], options["n_projections"], xs[0].shape[1], options["seed"])
        groups = self.groups(xs, ys, job)
        xs, ys, exponent = _in_range(xs, ys, p)
        n, m = self.counts(xs, ys)
        threads, condensed, L = job.threads, job.condensed, theta.shape[0]

        def run_block(i0: int, i1: int, block: np.ndarray, symmetric: bool) -> int:
            j0 = i0 if symmetric else 0  # X against itself: the columns from the diagonal on
            a, b = _part(xs, i0, i1), _part(ys, j0, m)
            sums = _core.sliced_pairs(*a, *b, False, theta, p, threads)
            values = np.ldexp((sums / L) ** (1.0 / p), exponent)
            if symmetric:
                square = values[:, : i1 - i0]
                square[...] = np.triu(square) + np.triu(square, 1).T  # one value per pair, whichever order
                np.fill_diagonal(square, 0.0)
            if condensed:
                block[:] = values[np.arange(values.shape[1])[None, :] > np.arange(i1 - i0)[:, None]]
            else:
                block[:, j0:] = values
            return 0

        return BlockPlan(n, m, self.pair_cost(xs, ys, L), run_block, groups, min_rows=MIN_ROWS)


def _in_range(xs: Any, ys: Any, p: float) -> tuple[Any, Any, int]:
    """Both sides in a common float dtype, divided by 2**e when W_p^p would leave the range."""
    if xs[0].dtype != ys[0].dtype:
        xs, ys = (xs[0].astype(np.float64), *xs[1:]), (ys[0].astype(np.float64), *ys[1:])
    e = scale_exponent([c for c in (xs[0], ys[0]) if c.size], p) if xs[0].size or ys[0].size else 0
    if e:
        xs = (np.ldexp(xs[0], -e).astype(xs[0].dtype), *xs[1:])
        ys = xs if ys is xs else (np.ldexp(ys[0], -e).astype(ys[0].dtype), *ys[1:])
    return xs, ys, e
