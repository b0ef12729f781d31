"""Build and runtime configuration, for bug reports and `pydiv info`."""

from __future__ import annotations

import os
import platform
import sys
import warnings
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import _core

# The _OPENMP date macro of each OpenMP specification.
_OPENMP_SPECS = {
    200505: "2.5",
    200805: "3.0",
    201107: "3.1",
    201307: "4.0",
    201511: "4.5",
    201811: "5.0",
    202011: "5.1",
    202111: "5.2",
    202411: "6.0",
}

# threadpoolctl's library prefixes, and their names for people.
_RUNTIME_NAMES = {
    "libgomp": "GNU libgomp",
    "libomp": "LLVM libomp",
    "libiomp": "Intel libiomp",
    "vcomp": "MSVC vcomp",
}


def warn_unknown_simd_request() -> None:
    """Warn (once, at import) when PYDIV_SIMD names no SIMD level: it is then ignored."""
    request = os.environ.get("PYDIV_SIMD")
    if request is not None and not _core.simd_name_known(request):
        warnings.warn(
            f"PYDIV_SIMD={request!r} names no SIMD level and is ignored; use baseline, avx2 (or avx2+fma) "
            f"or avx512, in any case (the level in use: {_core.simd_level()})",
            RuntimeWarning,
            stacklevel=3,
        )


def _openmp_spec() -> str:
    """The OpenMP specification pydiv was compiled against, from ``_OPENMP``."""
    date = _core.openmp_version()
    spec = _OPENMP_SPECS.get(date)
    return f"OpenMP {spec} ({date})" if spec else f"_OPENMP {date}"


def _runtime_guess() -> str:
    """The OpenMP library the compiler links by default (when threadpoolctl can't say)."""
    compiler = _core.compiler()
    if compiler.startswith("gcc"):
        return "GNU libgomp"
    if compiler.startswith("clang"):
        return "LLVM libomp"
    if compiler.startswith("msvc"):
        return "LLVM libomp (MSVC /openmp:llvm)"
    return "unknown runtime"


def _top_dir(path: str, root: str) -> str:
    """The first component of ``path`` below ``root``, or "" when it is not below it."""
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows
        return ""
    return "" if rel.startswith(os.pardir) else rel.split(os.sep)[0]


def _openmp_runtimes() -> list[dict[str, Any]] | None:
    """The OpenMP libraries threadpoolctl finds that pydiv uses, or None without threadpoolctl.

    A library bundled in pydiv's wheel (``pydiv.libs``, ``.dylibs``) is pydiv's;
    otherwise the loaded ones of the family pydiv's compiler links.
    """
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return None
    found = [lib for lib in threadpool_info() if lib.get("user_api") == "openmp"]
    site = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # auditwheel and delvewheel bundle into pydiv.libs/, delocate into pydiv/.dylibs/.
    bundled = [lib for lib in found if _top_dir(str(lib.get("filepath", "")), site) in ("pydiv", "pydiv.libs")]
    if bundled:
        return bundled
    expected = _runtime_guess()
    same_family = [lib for lib in found if _RUNTIME_NAMES.get(str(lib.get("prefix"))) == expected.split(" (")[0]]
    return same_family or found


def _openmp() -> str:
    if not _core.openmp():
        return "no (single-threaded build)"
    runtimes = _openmp_runtimes()
    if not runtimes:
        how = "guessed from the compiler" if runtimes is None else "not found by threadpoolctl"
        return f"{_runtime_guess()} ({how}), {_openmp_spec()}"
    described = []
    for lib in runtimes:
        name = _RUNTIME_NAMES.get(str(lib.get("prefix")), str(lib.get("prefix")))
        ver = f" {lib['version']}" if lib.get("version") else ""
        described.append(f"{name}{ver} at {lib.get('filepath')}")
    return f"{'; '.join(described)}, {_openmp_spec()}"


def config() -> dict[str, str]:
    """The facts :func:`show_config` prints, as a dict of strings.

    Returns
    -------
    dict of str to str
        ``pydiv``, ``python``, ``numpy``, ``platform``, ``compiler``, ``simd``
        (the SIMD level in use), ``openmp`` (the OpenMP runtime library and
        specification, or "no") and ``threads`` (the threads a kernel uses by
        default).
    """
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
        "openmp": _openmp(),
        "threads": str(_core.max_threads()),
    }


def show_config() -> None:
    """Print the version, compiler, SIMD level in use, OpenMP runtime and thread count.

    The OpenMP line names the runtime library pydiv's threads come from
    (found with :mod:`threadpoolctl` when it is installed, else guessed from
    the compiler) and the OpenMP specification pydiv was compiled against.
    ``threads`` is the number a kernel uses by default: ``OMP_NUM_THREADS``,
    ``threadpoolctl.threadpool_limits`` or the number of cores.

    Examples
    --------
    >>> import pydiv
    >>> pydiv.show_config()  # doctest: +SKIP
    pydiv     0.1.0
    ...
    openmp    GNU libgomp at /usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0, OpenMP 4.5 (201511)
    threads   8
    """
    for key, value in config().items():
        print(f"{key:<9} {value}")
