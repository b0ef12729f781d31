"""pydiv: fast, exact divergences and distances between probability distributions."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    from . import _core
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        f"pydiv's compiled extension could not be imported ({exc}); was it built? try `pip install .`"
    ) from exc

from . import stream
from ._config import show_config, warn_unknown_simd_request
from .divergences import (
    bhattacharyya,
    chi2_divergence,
    hellinger,
    jeffreys,
    population_stability_index,
    total_variation,
)
from .binning import Histogram, histogram
from .drift import DriftReport, drift
from .emd import EmdInfeasibleError, EmdMaxIterWarning, EmdResult, emd, emd2, wasserstein_nd
from .gaussian import GaussianStats, frechet_distance, gaussian_wasserstein
from .grid import GridEmdResult, emd_grid, emd_grid_batch
from .info import cross_entropy, entropy, jensenshannon, js_divergence, kl_divergence
from .pairwise import pairwise
from .sliced import MaxSlicedResult, SlicedResult, max_sliced_wasserstein, sliced_wasserstein
from .wasserstein import energy_distance, wasserstein_1d, wasserstein_circle, wasserstein_hist

warn_unknown_simd_request()

try:
    __version__ = version("pydiv")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "unknown"

__all__ = [
    "DriftReport",
    "EmdInfeasibleError",
    "EmdMaxIterWarning",
    "EmdResult",
    "GaussianStats",
    "GridEmdResult",
    "Histogram",
    "MaxSlicedResult",
    "SlicedResult",
    "__version__",
    "bhattacharyya",
    "chi2_divergence",
    "cross_entropy",
    "drift",
    "emd",
    "emd2",
    "emd_grid",
    "emd_grid_batch",
    "energy_distance",
    "entropy",
    "frechet_distance",
    "gaussian_wasserstein",
    "hellinger",
    "jeffreys",
    "histogram",
    "jensenshannon",
    "js_divergence",
    "kl_divergence",
    "max_sliced_wasserstein",
    "pairwise",
    "population_stability_index",
    "show_config",
    "sliced_wasserstein",
    "stream",
    "total_variation",
    "wasserstein_1d",
    "wasserstein_circle",
    "wasserstein_hist",
    "wasserstein_nd",
]


def __getattr__(name: str) -> object:
    # pydiv.dask, pydiv.torch and pydiv.jax are imported on first use, so
    # `import pydiv` never imports Dask, PyTorch or JAX.
    if name in ("dask", "torch", "jax"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__, "dask", "jax", "torch"]
