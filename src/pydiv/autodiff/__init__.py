"""Exact gradients of pydiv's functions, shared by the PyTorch and JAX adapters.

Every differentiable function is an :class:`Op`: the NumPy function that
computes the value, plus the closed-form gradient the solver already knows
(the normalisation Jacobian for the information family, the sorted matching
and the 1-D duals for Wasserstein, the plan and the Kantorovich potentials for
EMD, the transport maps for Gaussians).  Nothing is differentiated through
iterations.

Each value is a reduction: one number per batch element.  So the vector-Jacobian
product of input ``i`` with a cotangent ``g`` of the value's shape is

    sum_to(shape_i, expand_dims(g, axes_i) * G_i)

where ``G_i`` is the gradient of each value with respect to that input, of the
shape ``broadcast(expand_dims(value_shape, axes_i), shape_i)``, and ``sum_to``
sums the axes that input was broadcast along.  An op states ``value_shape`` and
``axes_i`` from the input shapes alone (the JAX adapter and ``torch.compile``
need the shapes before any data), and ``evaluate`` returns the value and the
``G_i`` asked for.  The adapters then do nothing but move arrays and apply the
formula above.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

Shape = tuple[int, ...]
Shapes = Sequence["Shape | None"]
Grads = list["np.ndarray | None"]


@dataclass(frozen=True)
class Op:
    """One differentiable function.

    name:        the public name (``pydiv.<name>``, ``pydiv.torch.<name>``, ...)
    function:    the NumPy function whose signature and docs the adapters mirror
    arrays:      its array parameters, in order; the others are options
    differentiable: the array parameters that have gradients (the others,
                 e.g. fixed directions, are constants)
    value_shape: (input shapes, options) -> the value's shape
    axes:        (input shapes, options, i) -> ``axes_i`` of the module notes
    evaluate:    (arrays, options, wants) -> (value, [G_i or None]); arrays are
                 NumPy (None for an omitted optional one), ``wants[i]`` says
                 whether ``G_i`` is needed; the value is float64
    hidden:      options of ``function`` the adapters do not offer
    vmap_method: how JAX's ``vmap`` calls the host: ``"expand_dims"`` where
                 ``evaluate`` broadcasts extra leading batch dimensions (the
                 options unchanged, after ``canonical``), else ``"sequential"``;
                 or a function of the input shapes giving one of them
    canonicalise: (input shapes, options) -> options that mean the same with
                 extra leading dimensions (e.g. a negative axis)
    """

    name: str
    function: Callable[..., Any]
    arrays: tuple[str, ...]
    differentiable: tuple[str, ...]
    value_shape: Callable[[Shapes, dict[str, Any]], Shape]
    axes: Callable[[Shapes, dict[str, Any], int], tuple[int, ...]]
    evaluate: Callable[[list[Any], dict[str, Any], tuple[bool, ...]], tuple[np.ndarray, Grads]]
    hidden: tuple[str, ...] = ()
    vmap_method: str | Callable[[Shapes], str] = "sequential"
    canonicalise: Callable[[Shapes, dict[str, Any]], dict[str, Any]] | None = None
    signature: inspect.Signature = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        sig = inspect.signature(self.function)
        kept = [prm for prm in sig.parameters.values() if prm.name not in self.hidden]
        object.__setattr__(self, "signature", sig.replace(parameters=kept))

    def split(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """The array arguments (in order, None where omitted) and the options of a call."""
        params = self.signature.parameters
        if len(args) <= len(self.arrays) and all(k in params and k not in self.arrays[: len(args)] for k in kwargs):
            # The common call: the arrays first, options by keyword (every public signature reads so).
            arrays = [*args, *(kwargs.get(name) for name in self.arrays[len(args):])]
            return arrays, {k: v for k, v in kwargs.items() if k not in self.arrays}
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{self.name}(): {exc}") from None
        given = bound.arguments
        return [given.get(name) for name in self.arrays], {k: v for k, v in given.items() if k not in self.arrays}

    def vmap(self, shapes: Shapes) -> str:
        """The ``vmap_method`` of a call with these input shapes."""
        return self.vmap_method if isinstance(self.vmap_method, str) else self.vmap_method(shapes)

    def canonical(self, shapes: Shapes, options: dict[str, Any]) -> dict[str, Any]:
        return options if self.canonicalise is None else self.canonicalise(shapes, options)

    def grad_shape(self, shapes: Shapes, options: dict[str, Any], i: int) -> Shape:
        """Shape of ``G_i``."""
        expanded = with_unit_axes(self.value_shape(shapes, options), self.axes(shapes, options, i))
        shape_i = shapes[i]
        assert shape_i is not None
        return tuple(np.broadcast_shapes(expanded, shape_i))


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    OPS[op.name] = op
    return op


def with_unit_axes(shape: Shape, axes: tuple[int, ...]) -> Shape:
    """``shape`` with a length-one axis inserted at each of ``axes``: the shape a cotangent is viewed as."""
    out = tuple(shape)
    for ax in sorted(axes):
        out = out[:ax] + (1,) + out[ax:]
    return out


def expanded_cotangent(g: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``g`` with a length-one axis at each of ``axes`` (NumPy version of the adapters' step)."""
    return np.expand_dims(g, axes) if axes else g


def sum_to(x: Any, shape: Shape) -> Any:
    """Sum ``x`` over the axes along which an array of ``shape`` was broadcast to it (NumPy or JAX)."""
    lead = x.ndim - len(shape)
    if lead:
        x = x.sum(axis=tuple(range(lead)))
    ones = tuple(k for k, n in enumerate(shape) if n == 1 and x.shape[k] != 1)
    return x.sum(axis=ones, keepdims=True) if ones else x


def vjp(op: Op, shapes: Shapes, options: dict[str, Any], grads: Grads, g: np.ndarray) -> Grads:
    """The vector-Jacobian products of every input given a cotangent ``g`` (reference version)."""
    out: Grads = []
    for i, G in enumerate(grads):
        shape_i = shapes[i]
        if G is None or shape_i is None:
            out.append(None)
            continue
        out.append(sum_to(expanded_cotangent(g, op.axes(shapes, options, i)) * G, shape_i))
    return out


def ops() -> dict[str, Op]:
    """Every op, by name (importing the family modules registers them)."""
    from . import emd_ops, gaussian_ops, info_ops, sliced_ops, wasserstein_ops  # noqa: F401

    return OPS
