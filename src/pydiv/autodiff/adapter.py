"""What the PyTorch and JAX adapters share: one public function per op.

An adapter function takes the NumPy function's arguments, with tensors of the
framework where the NumPy function takes arrays, and returns the framework's
tensor.  The checks that need no data live here: an argument that is a tensor
must be floating-point where it is differentiable, all tensors share one
dtype (pydiv does not promote float32 against float64 silently, unlike NumPy)
and, in PyTorch, one device.  The value's dtype is that dtype (float32 in,
float32 out, unlike the NumPy API, which returns float64); the computation
itself runs in pydiv's NumPy layer, in float64 where that layer does.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from . import Op


_SUPPORTED = ("float64", "float32", "float16")


def check_operands(op: Op, arrays: list[Any], names_dtypes: list[tuple[str, Any, bool]], where: str) -> None:
    """``names_dtypes``: (argument name, dtype, is floating) of each tensor argument."""
    dtypes = {}
    for name, dtype, floating in names_dtypes:
        if name in op.differentiable and not floating:
            raise TypeError(f"{where}: {name} must be a floating-point tensor (got dtype {dtype}); "
                            f"convert it to float64 or float32")
        if floating and str(dtype).rsplit(".", 1)[-1] not in _SUPPORTED:
            raise TypeError(f"{where}: {name} has dtype {dtype}; pydiv computes in float64 and float32 "
                            f"(and reads float16): convert it to one of those")
        if floating:
            dtypes[name] = dtype
    if len(set(map(str, dtypes.values()))) > 1:
        listed = ", ".join(f"{n} is {d}" for n, d in dtypes.items())
        raise TypeError(f"{where}: the tensors have different dtypes ({listed}); convert them to one dtype")


def public_function(op: Op, module: str, call: Callable[[Op, tuple[Any, ...], dict[str, Any]], Any],
                    framework: str) -> Callable[..., Any]:
    """The adapter's function for ``op``: the NumPy function's signature, with ``call`` behind it."""

    @functools.wraps(op.function)
    def function(*args: Any, **kwargs: Any) -> Any:
        return call(op, args, kwargs)

    function.__signature__ = op.signature  # type: ignore[attr-defined]
    function.__module__ = module
    function.__qualname__ = function.__name__ = op.name
    arrays = ", ".join(name for name in op.arrays)
    differentiable = ", ".join(op.differentiable)
    function.__doc__ = (
        f"{framework} version of :func:`pydiv.{op.name}`, differentiable with respect to {differentiable}.\n\n"
        f"The array arguments ({arrays}) are {framework} tensors (or array-likes, treated as constants);\n"
        f"the result is a tensor of their dtype.  Gradients are exact, from the solver's own solution\n"
        f"(see ``pydiv.autodiff``).  Options as in :func:`pydiv.{op.name}`"
        + (f", except {', '.join(op.hidden)}" if op.hidden else "")
        # cleandoc: the NumPy docstring's body is indented, these lines are not.
        + ".\n\n" + inspect.cleandoc(op.function.__doc__ or "")
    )
    return function
