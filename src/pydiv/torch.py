"""PyTorch adapters: pydiv's functions on tensors, with exact gradients.

>>> import torch, pydiv.torch as pt
>>> p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, requires_grad=True)
>>> q = torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64)
>>> loss = pt.kl_divergence(p, q)
>>> loss.backward()
>>> loss
tensor(0.1861, dtype=torch.float64, grad_fn=<_CallBackward>)
>>> p.grad
tensor([ 0.5070, -0.8792,  0.3247], dtype=torch.float64)

Each function mirrors the NumPy one of the same name (``pydiv.torch.emd2``
mirrors :func:`pydiv.emd2`, ...).  Values are computed by pydiv's kernels on
the host; a tensor on another device is copied to the host and the result and
gradients back to that device.  CPU tensors cross without a copy.  The
gradient is computed in the forward pass, only when an input requires it,
and kept for the backward pass: the solvers hand it over for free (the EMD's
plan and potentials, the 1-D matching), so a backward pass costs one
multiplication.  Second derivatives are refused with an error (the gradients
are held as constants; a silent zero Hessian would be wrong).  Under
``torch.compile`` each call is a graph break, computed eagerly; ``torch.func``
transforms are not supported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    import torch  # type: ignore[import-not-found, unused-ignore]  # (type-checked with or without it)
except ImportError as exc:  # pragma: no cover - exercised without torch
    raise ImportError('pydiv.torch needs PyTorch: pip install "pydiv[torch]"') from exc

from .autodiff import Op, ops, with_unit_axes
from .autodiff.adapter import check_operands, public_function


class _Call(torch.autograd.Function):  # type: ignore[misc, unused-ignore]
    """One op call: the forward computes the value and the gradients asked for.

    The gradients are kept as tensors (sharing the NumPy arrays' memory) with
    the shape each cotangent is viewed as, so that the backward pass is one
    multiplication and one sum per input, in PyTorch.
    """

    @staticmethod
    def forward(ctx: Any, op: Op, options: dict[str, Any], wants: tuple[bool, ...], layout: Any, *tensors: Any) -> Any:
        arrays = _host_arrays(tensors)
        value, grads = op.evaluate(arrays, options, wants)
        shapes = [None if a is None else np.shape(a) for a in arrays]
        dtype, device, dtypes = layout
        ctx.op_name = op.name
        ctx.save_for_backward(*(t for t, want in zip(tensors, wants) if want))
        ctx.parts = [
            None if G is None else (
                _tensor(G, dtypes[i], device),
                with_unit_axes(value.shape, op.axes(shapes, options, i)),
                torch.Size(shapes[i] or ()),
            )
            for i, G in enumerate(grads)
        ]
        return _tensor(value, dtype, device)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        out: list[Any] = [None, None, None, None]
        inputs = iter(ctx.saved_tensors)
        for part in ctx.parts:
            if part is None:
                out.append(None)
                continue
            G, view, shape = part
            vj = g.reshape(view).to(G.dtype) * G
            vj = vj if vj.shape == shape else vj.sum_to_size(shape)
            x = next(inputs)
            if torch.is_grad_enabled():  # create_graph: the gradient must carry a refusal, not read as constant
                vj = _NoSecondDerivative.apply(vj, x, ctx.op_name)  # type: ignore[no-untyped-call, unused-ignore]
            out.append(vj)
        return tuple(out)


class _NoSecondDerivative(torch.autograd.Function):  # type: ignore[misc, unused-ignore]
    """A gradient built with ``create_graph=True``: its value passes through, tied to the input it is
    the gradient of, and differentiating it raises.  The gradients are held as constants, so a
    second derivative would otherwise be a silent zero (a Hessian, or a gradient penalty that
    contributes nothing)."""

    @staticmethod
    def forward(ctx: Any, vj: Any, x: Any, name: str) -> Any:
        ctx.name = name
        return vj.clone()

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise RuntimeError(f"pydiv.torch.{ctx.name}: second derivatives are not provided (its gradient is "
                           f"exact but held as a constant); differentiate it once only")


def _tensor(a: np.ndarray, dtype: Any, device: Any) -> Any:
    """A tensor of ``a``'s shape (0-d included), sharing its memory where dtype and device allow."""
    return torch.from_numpy(np.require(a, requirements="C")).to(dtype=dtype, device=device)


def _host_arrays(tensors: tuple[Any, ...]) -> list[Any]:
    out = []
    for t in tensors:
        if isinstance(t, torch.Tensor):
            t = t.detach()
            out.append((t if t.device.type == "cpu" else t.cpu()).resolve_conj().resolve_neg().numpy())
        else:
            out.append(t)
    return out


def _layout(op: Op, arrays: list[Any]) -> tuple[Any, Any, list[Any]]:
    """(value dtype, device, dtype of each input) of a call, after the checks."""
    where = f"pydiv.torch.{op.name}"
    tensors = [(name, a) for name, a in zip(op.arrays, arrays) if isinstance(a, torch.Tensor)]
    check_operands(op, arrays, [(n, t.dtype, t.is_floating_point()) for n, t in tensors], where)
    devices = {n: t.device for n, t in tensors}
    if len(set(devices.values())) > 1:
        listed = ", ".join(f"{n} on {d}" for n, d in devices.items())
        raise ValueError(f"{where}: the tensors are on different devices ({listed})")
    for n, t in tensors:
        if t.is_complex():
            raise TypeError(f"{where}: {n} must be a real tensor (got dtype {t.dtype})")
    floating = [t.dtype for _, t in tensors if t.is_floating_point()]
    if not floating:  # array-likes only: their own float dtype (float64 stays float64), else the default
        given = [np.asarray(a).dtype for a in arrays if a is not None and not isinstance(a, torch.Tensor)]
        floating = [torch.float64 if np.float64 in given else torch.float32 if np.float32 in given
                    else torch.get_default_dtype()]
    dtype = floating[0]
    device = tensors[0][1].device if tensors else torch.device("cpu")
    return dtype, device, [a.dtype if isinstance(a, torch.Tensor) else None for a in arrays]


def _constant_options(op: Op, options: dict[str, Any], grad_on: bool) -> dict[str, Any]:
    """Tensor options (e.g. fixed sliced directions) as NumPy arrays; they are constants."""
    if not any(isinstance(v, torch.Tensor) for v in options.values()):
        return options
    out = {}
    for name, v in options.items():
        if isinstance(v, torch.Tensor):
            if grad_on and v.requires_grad:
                raise ValueError(f"pydiv.torch.{op.name}: {name} is a constant; no gradient with respect to it "
                                 f"is provided (pass {name}.detach())")
            v = _host_arrays((v,))[0]
        out[name] = v
    return out


@torch.compiler.disable  # type: ignore[untyped-decorator, unused-ignore]  # a graph break: dynamo does not trace into NumPy and the kernels
def _call(op: Op, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    arrays, options = op.split(args, kwargs)
    layout = _layout(op, arrays)
    grad_on = torch.is_grad_enabled()
    options = _constant_options(op, options, grad_on)
    for name, a in zip(op.arrays, arrays):
        if grad_on and isinstance(a, torch.Tensor) and a.requires_grad and name not in op.differentiable:
            raise ValueError(f"pydiv.torch.{op.name}: no gradient with respect to {name} is provided "
                             f"(pass {name}.detach(); {op.name} is differentiable in {', '.join(op.differentiable)})")
    wants = tuple(
        grad_on and isinstance(a, torch.Tensor) and a.requires_grad and name in op.differentiable
        for name, a in zip(op.arrays, arrays)
    )
    if any(wants):
        return _Call.apply(op, options, wants, layout, *arrays)  # type: ignore[no-untyped-call, unused-ignore]
    value, _ = op.evaluate(_host_arrays(tuple(arrays)), options, wants)
    return _tensor(value, layout[0], layout[1])


__all__ = sorted(ops())
for _name, _op in ops().items():
    globals()[_name] = public_function(_op, __name__, _call, "PyTorch")
