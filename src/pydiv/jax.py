"""JAX adapters: pydiv's functions on JAX arrays, with exact gradients.

>>> import jax, jax.numpy as jnp, pydiv.jax as pj
>>> q = jnp.array([0.1, 0.6, 0.3])
>>> g = jax.grad(lambda p: pj.kl_divergence(p, q))(jnp.array([0.2, 0.3, 0.5]))
>>> [round(float(v), 4) for v in g]
[0.507, -0.8792, 0.3247]

Each function mirrors the NumPy one of the same name.  The value is computed
on the host by pydiv's kernels through :func:`jax.pure_callback`, so the
functions work under ``jit``, ``grad`` and ``vmap``; the gradient is a
``jax.custom_vjp`` whose forward pass asks the solver for the gradient it
already has (plan, potentials, matching) and whose backward pass is one
multiplication.  Under ``vmap`` the families that broadcast leading batch
dimensions (information, Gaussian, EMD) receive the whole batch in one host
call; the others are called once per batch element.  Second derivatives are
refused (the callback has no JVP).  JAX's default is float32 (``jax_enable_x64`` off): the value has
the inputs' dtype, computed in float64 inside pydiv where pydiv does.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

try:
    import jax  # type: ignore[import-not-found, unused-ignore]  # (type-checked with or without it)
    import jax.numpy as jnp  # type: ignore[import-not-found, unused-ignore]
except ImportError as exc:  # pragma: no cover - exercised without jax
    raise ImportError('pydiv.jax needs JAX: pip install "pydiv[jax]"') from exc

from .autodiff import Op, ops, sum_to
from .autodiff.adapter import check_operands, public_function


def _host(op: Op, options: dict[str, Any], present: list[int], ranks: list[tuple[int, int]], grad_of: list[int],
          dtypes: list[Any], out_dtype: Any, *vals: Any) -> tuple[np.ndarray, ...]:
    """The host side: NumPy arrays in, the value (and the gradients of ``grad_of``) out.

    Under ``vmap`` each argument arrives with the mapped axes in front.  An
    argument of lower rank than the others (``q`` of shape (n,) beside ``p`` of
    (k, n)) gets length-one axes after them, so that it broadcasts as in the
    unmapped call: ``ranks`` holds, per argument, its traced rank and the rank
    it broadcasts to.
    """
    n_arrays = len(dtypes)
    full: list[Any] = [None] * n_arrays
    for i, v in zip(present, vals):
        a = np.asarray(v)
        rank, broadcast_rank = ranks[i]
        mapped = a.ndim - rank
        if mapped and broadcast_rank > rank:
            a = a.reshape(a.shape[:mapped] + (1,) * (broadcast_rank - rank) + a.shape[mapped:])
        full[i] = a
    wants = tuple(i in grad_of for i in range(n_arrays))
    value, grads = op.evaluate(full, options, wants)
    out = [np.asarray(value, dtype=out_dtype)]
    out += [np.asarray(grads[i], dtype=dtypes[i]) for i in grad_of]
    return tuple(out)


def _constant_options(op: Op, options: dict[str, Any]) -> dict[str, Any]:
    """JAX-array options (e.g. fixed sliced directions) as NumPy arrays; a traced one is refused."""
    out = dict(options)
    for name, v in options.items():
        if isinstance(v, jax.core.Tracer):
            raise TypeError(f"pydiv.jax.{op.name}: {name} must be a concrete array (a constant, not traced "
                            f"under jit, grad or vmap; no gradient with respect to it is provided)")
        if isinstance(v, jax.Array):
            out[name] = np.asarray(v)
    return out


def _call(op: Op, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    arrays, options = op.split(args, kwargs)
    where = f"pydiv.jax.{op.name}"
    present = [i for i, a in enumerate(arrays) if a is not None]
    xs = {i: jnp.asarray(arrays[i]) for i in present}
    floating = {i: bool(jnp.issubdtype(x.dtype, jnp.floating)) for i, x in xs.items()}
    check_operands(op, arrays, [(op.arrays[i], xs[i].dtype, floating[i]) for i in present], where)
    for i in present:
        if jnp.issubdtype(xs[i].dtype, jnp.complexfloating):
            raise TypeError(f"{where}: {op.arrays[i]} must be real (got dtype {xs[i].dtype})")
    shapes = [xs[i].shape if i in xs else None for i in range(len(arrays))]
    options = op.canonical(shapes, _constant_options(op, options))
    dtypes = [xs[i].dtype if i in xs else None for i in range(len(arrays))]
    out_dtype = next((xs[i].dtype for i in present if floating[i]), jnp.result_type(float))
    grad_of = [i for i in present if floating[i] and op.arrays[i] in op.differentiable]
    if not any(isinstance(x, jax.core.Tracer) for x in xs.values()):
        # A plain call (no jit, grad or vmap): computed now, so that bad data raises pydiv's own
        # ValueError naming the argument (inside a transformation it arrives wrapped by JAX).
        value, _ = op.evaluate([np.asarray(xs[i]) if i in xs else None for i in range(len(arrays))], options,
                               (False,) * len(arrays))
        return jnp.asarray(value, dtype=out_dtype)
    ranks = [(len(s), len(op.grad_shape(shapes, options, i))) if s is not None else (0, 0)
             for i, s in enumerate(shapes)]
    host = partial(_host, op, options, present, ranks)
    return _differentiable(op, options, shapes, dtypes, out_dtype, grad_of, host)(*(xs[i] for i in present))


def _differentiable(op: Op, options: dict[str, Any], shapes: list[Any], dtypes: list[Any], out_dtype: Any,
                    grad_of: list[int], host: Any) -> Any:
    """The custom_vjp function of the present arguments.  With symbolic zeros the forward pass knows
    which arguments are differentiated: it computes those gradients only, and refuses a gradient
    the op does not provide (weights of wasserstein_nd), which would otherwise read as zero."""
    present = [i for i, s in enumerate(shapes) if s is not None]
    struct: Any = jax.ShapeDtypeStruct

    def callback(asked: list[int], vals: tuple[Any, ...]) -> Any:
        structs = (struct(op.value_shape(shapes, options), out_dtype),
                   *(struct(op.grad_shape(shapes, options, i), dtypes[i]) for i in asked))
        return jax.pure_callback(partial(host, asked, dtypes, out_dtype), structs, *vals, vmap_method=op.vmap(shapes))

    @jax.custom_vjp  # type: ignore[untyped-decorator, unused-ignore]
    def function(*vals: Any) -> Any:
        return callback([], vals)[0]

    def forward(*primals: Any) -> Any:
        asked = [i for i, prim in zip(present, primals) if prim.perturbed]
        refused = [op.arrays[i] for i in asked if i not in grad_of]
        if refused:
            raise ValueError(f"pydiv.jax.{op.name}: no gradient with respect to {', '.join(refused)} is provided "
                             f"({op.name} is differentiable in {', '.join(op.differentiable)})")
        out = callback(asked, tuple(prim.value for prim in primals))
        return out[0], dict(zip(asked, out[1:]))

    def backward(by_index: dict[int, Any], g: Any) -> tuple[Any, ...]:
        zero = isinstance(g, jax.custom_derivatives.SymbolicZero)
        cotangents: list[Any] = []
        for i in present:
            if i not in by_index or zero:
                cotangents.append(None)
                continue
            axes = op.axes(shapes, options, i)
            ct = (jnp.expand_dims(g, axes) if axes else g) * by_index[i]
            cotangents.append(sum_to(ct, shapes[i]).astype(dtypes[i]))
        return tuple(cotangents)

    function.defvjp(forward, backward, symbolic_zeros=True)
    return function


__all__ = sorted(ops())
for _name, _op in ops().items():
    globals()[_name] = public_function(_op, __name__, _call, "JAX")
