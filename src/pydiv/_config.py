"""Build and runtime configuration, for bug reports and `pydiv info`."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from . import _core


def config() -> dict[str, str]:
    """The facts :func:`show_config` prints, as a dict of strings."""
    try:
        ver = version("pydiv")
    except PackageNotFoundError:  # pragma: no cover
        ver = "unknown"
    import numpy as np

    return {
        "pydiv": ver,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": f"{platform.system()} {platform.machine()}",
        "compiler": _core.compiler(),
        "simd": _core.simd_level(),
        "openmp": "yes" if _core.openmp() else "no (single-threaded build)",
        "threads": str(_core.max_threads()),
    }


def show_config() -> None:
    """Print the version, compiler, SIMD level in use, OpenMP support and thread count.

    Examples
    --------
    >>> import pydiv
    >>> pydiv.show_config()  # doctest: +SKIP
    pydiv     0.1.0
    ...
    """
    for key, value in config().items():
        print(f"{key:<9} {value}")
